package ast

import "strings"

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

func (p *Printer) assigns(as []Assign) {
	for i, a := range as {
		if i > 0 {
			p.W(", ")
		}
		p.id(a.Column, false)
		p.W(" = ")
		if a.X == nil {
			p.W("DEFAULT")
		} else {
			p.Expr(a.X)
		}
	}
}

func (p *Printer) optAlias(a *Ident) {
	if a != nil {
		p.W(" AS ")
		p.id(*a, false)
	}
}

// stmt2 prints DML, DDL and engine statements.
func (p *Printer) stmt2(n Stmt) {
	switch n := n.(type) {
	case *Insert:
		p.with(n.With)
		p.W("INSERT INTO ")
		p.name(n.Table)
		p.optAlias(n.Alias)
		if len(n.Columns) > 0 {
			p.W(" ")
			p.parenIDs(n.Columns)
		}
		if n.ByName {
			p.W(" BY NAME")
		}
		if n.DefaultValues {
			p.W(" DEFAULT VALUES")
		} else {
			p.W(" ")
			p.Query(n.Source)
		}
	case *Update:
		p.with(n.With)
		p.W("UPDATE ")
		p.name(n.Table)
		p.optAlias(n.Alias)
		p.W(" SET ")
		p.assigns(n.Set)
		if len(n.From) > 0 {
			p.W(" FROM ")
			p.tables(n.From)
		}
		if n.Where != nil {
			p.W(" WHERE ")
			p.Expr(n.Where)
		}
	case *Delete:
		p.with(n.With)
		p.W("DELETE FROM ")
		p.name(n.Table)
		p.optAlias(n.Alias)
		if len(n.Using) > 0 {
			p.W(" USING ")
			p.tables(n.Using)
		}
		if n.Where != nil {
			p.W(" WHERE ")
			p.Expr(n.Where)
		}
	case *Merge:
		p.W("MERGE INTO ")
		p.name(n.Target)
		p.optAlias(n.Alias)
		p.W(" USING ")
		p.table(n.Source)
		p.W(" ON ")
		p.Expr(n.On)
		for _, w := range n.Whens {
			p.W(" WHEN ")
			if !w.Matched {
				p.W("NOT ")
			}
			p.W("MATCHED THEN ")
			switch w.Action {
			case "update":
				p.W("UPDATE SET ")
				p.assigns(w.Set)
			case "delete":
				p.W("DELETE")
			case "insert":
				p.W("INSERT ")
				if len(w.Columns) > 0 {
					p.parenIDs(w.Columns)
					p.W(" ")
				}
				p.W("VALUES (")
				p.exprs(w.Values)
				p.W(")")
			}
		}
		if n.RemoveDuplicates {
			p.W(" REMOVE DUPLICATES")
		}
	case *CreateTable:
		p.createTable(n)
	case *CreateView:
		p.W("CREATE ")
		if n.OrReplace {
			p.W("OR REPLACE ")
		}
		p.W("VIEW ")
		p.name(n.Name)
		if len(n.Columns) > 0 {
			p.W(" ")
			p.parenIDs(n.Columns)
		}
		p.W(" AS ")
		p.Query(n.Q)
		if n.NoSchemaBinding && !p.DuckDB {
			p.W(" WITH NO SCHEMA BINDING")
		}
	case *Drop:
		p.W("DROP ", strings.ToUpper(n.Kind), " ")
		if n.IfExists {
			p.W("IF EXISTS ")
		}
		p.names(n.Names)
		if n.Cascade {
			p.W(" CASCADE")
		}
		if n.Restrict {
			p.W(" RESTRICT")
		}
	case *Truncate:
		p.W("TRUNCATE ")
		p.name(n.Table)
		for _, t := range n.More {
			p.W(", ")
			p.name(t)
		}
	case *AlterTable:
		p.alterTable(n)
	default:
		p.engineStmt(n)
	}
}

func (p *Printer) names(ns []Name) {
	for i, n := range ns {
		if i > 0 {
			p.W(", ")
		}
		p.name(n)
	}
}

func (p *Printer) createTable(n *CreateTable) {
	p.W("CREATE ")
	if n.Temp {
		p.W("TEMP ")
	}
	p.W("TABLE ")
	if n.IfNotExists {
		p.W("IF NOT EXISTS ")
	}
	p.name(n.Name)
	if len(n.ColNames) > 0 {
		p.W(" ")
		p.parenIDs(n.ColNames)
	}
	if len(n.Columns) > 0 || n.Like != nil || len(n.Constraints) > 0 {
		p.W(" (")
		sep := ""
		if n.Like != nil {
			p.W("LIKE ")
			p.name(n.Like)
			if n.LikeDefaults {
				p.W(" INCLUDING DEFAULTS")
			}
			sep = ", "
		}
		for _, c := range n.Columns {
			p.W(sep)
			sep = ", "
			if p.DuckDB && !c.NotNull && (c.PrimaryKey || n.inPrimaryKey(c.Name)) {
				c.NotNull, c.Null = true, false // a primary key's columns are NOT NULL, as in Redshift
			}
			p.ColumnDef(&c)
		}
		for i := range n.Constraints {
			if p.DuckDB {
				break // informational: the warehouse keeps them
			}
			p.W(sep)
			sep = ", "
			p.TableConstraint(&n.Constraints[i])
		}
		p.W(")")
	}
	p.tableAttrs(&n.Attrs)
	if n.As != nil {
		p.W(" AS ")
		p.Query(n.As)
	}
}

// inPrimaryKey reports whether the table constraint PRIMARY KEY (...)
// names col.
func (n *CreateTable) inPrimaryKey(col Ident) bool {
	for _, c := range n.Constraints {
		if c.Kind != "primary key" {
			continue
		}
		for _, k := range c.Columns {
			if strings.EqualFold(k.Name, col.Name) {
				return true
			}
		}
	}
	return false
}

// TableConstraint prints one table constraint, as Redshift writes it.
func (p *Printer) TableConstraint(c *TableConstraint) {
	if c.Name != nil {
		p.W("CONSTRAINT ")
		p.id(*c.Name, false)
		p.W(" ")
	}
	p.W(strings.ToUpper(c.Kind), " ")
	p.parenIDs(c.Columns)
	if c.References != nil {
		p.W(" REFERENCES ")
		p.name(c.References)
		if len(c.RefColumns) > 0 {
			p.W(" ")
			p.parenIDs(c.RefColumns)
		}
	}
}

func (p *Printer) tableAttrs(a *TableAttrs) {
	if p.DuckDB {
		return // physical layout means nothing to other engines
	}
	if a.Backup != nil {
		p.W(" BACKUP ", yesNo(*a.Backup))
	}
	if a.DistStyle != "" {
		p.W(" DISTSTYLE ", strings.ToUpper(a.DistStyle))
	}
	if a.DistKey != nil {
		p.W(" DISTKEY (")
		p.id(*a.DistKey, false)
		p.W(")")
	}
	if a.SortAuto {
		p.W(" SORTKEY AUTO")
	}
	if len(a.SortKey) > 0 {
		p.W(" ")
		if a.SortKind != "" {
			p.W(strings.ToUpper(a.SortKind), " ")
		}
		p.W("SORTKEY ")
		p.parenIDs(a.SortKey)
	}
	if a.EncodeAuto {
		p.W(" ENCODE AUTO")
	}
}

// ColumnDef prints one column definition.
func (p *Printer) ColumnDef(c *ColumnDef) {
	p.id(c.Name, false)
	p.W(" ")
	p.typ(c.Type)
	if c.Identity != nil && !p.DuckDB {
		if c.GenDefault {
			p.W(" GENERATED BY DEFAULT AS IDENTITY")
		} else {
			p.W(" IDENTITY")
		}
		p.W("(", c.Identity[0], ", ", c.Identity[1], ")")
	}
	if c.Default != nil {
		p.W(" DEFAULT ")
		p.Expr(c.Default)
	}
	if c.NotNull {
		p.W(" NOT NULL")
	}
	if c.Null {
		p.W(" NULL")
	}
	// Redshift's key constraints are informational: DuckDB gets none.
	if c.PrimaryKey && !p.DuckDB {
		p.W(" PRIMARY KEY")
	}
	if c.Unique && !p.DuckDB {
		p.W(" UNIQUE")
	}
	if c.References != nil && !p.DuckDB {
		p.W(" REFERENCES ")
		p.name(c.References)
		if len(c.RefColumns) > 0 {
			p.W(" ")
			p.parenIDs(c.RefColumns)
		}
	}
	if p.DuckDB && c.Check != nil {
		p.W(" CHECK (")
		p.Expr(c.Check)
		p.W(")")
	}
	if p.DuckDB {
		return
	}
	if c.Encode != "" {
		p.W(" ENCODE ", strings.ToUpper(c.Encode))
	}
	if c.DistKey {
		p.W(" DISTKEY")
	}
	if c.SortKey {
		p.W(" SORTKEY")
	}
	if c.Collate != "" {
		p.W(" COLLATE ", strings.ToUpper(c.Collate))
	}
}

func (p *Printer) alterTable(n *AlterTable) {
	p.W("ALTER TABLE ")
	p.name(n.Table)
	switch n.Action {
	case "add column":
		p.W(" ADD COLUMN ")
		p.ColumnDef(n.Column)
	case "drop column":
		p.W(" DROP COLUMN ")
		if n.IfExists {
			p.W("IF EXISTS ")
		}
		p.id(n.Name, false)
		if n.Cascade {
			p.W(" CASCADE")
		}
	case "rename to":
		p.W(" RENAME TO ")
		p.id(n.NewName, false)
	case "rename column":
		p.W(" RENAME COLUMN ")
		p.id(n.Name, false)
		p.W(" TO ")
		p.id(n.NewName, false)
	case "alter column type":
		p.W(" ALTER COLUMN ")
		p.id(n.Name, false)
		p.W(" TYPE ")
		p.typ(n.Type)
	case "layout":
		p.W(" ", n.Text)
	case "add constraint":
		p.W(" ADD ")
		p.TableConstraint(n.Constraint)
	case "drop constraint":
		p.W(" DROP CONSTRAINT ")
		p.id(n.Name, false)
		if n.Cascade {
			p.W(" CASCADE")
		}
	case "append from":
		p.W(" APPEND FROM ")
		p.name(n.Source)
		if n.Append != "" {
			p.W(" ", strings.ToUpper(n.Append))
		}
	default:
		p.fail("ast: cannot print ALTER TABLE %s", n.Action)
	}
}

func (p *Printer) engineStmt(n Stmt) {
	switch n := n.(type) {
	case *CreateExternalSchema:
		p.W("CREATE EXTERNAL SCHEMA ")
		if n.IfNotExists {
			p.W("IF NOT EXISTS ")
		}
		p.id(n.Name, false)
		p.W(" FROM ", strings.ToUpper(n.Source))
		if n.Region != "" {
			p.W(" REGION ", QuoteString(n.Region))
		}
		switch n.IAMRole {
		case "":
		case "default":
			p.W(" IAM_ROLE default")
		default:
			p.W(" IAM_ROLE ", QuoteString(n.IAMRole))
		}
		if n.Authentication != "" {
			p.W(" AUTHENTICATION ", n.Authentication)
		}
		if n.AuthARN != "" {
			p.W(" AUTHENTICATION_ARN ", QuoteString(n.AuthARN))
		}
		if n.URI != "" {
			p.W(" URI ", QuoteString(n.URI))
		}
		if n.ClusterARN != "" {
			p.W(" CLUSTER_ARN ", QuoteString(n.ClusterARN))
		}
	case *DropSchema:
		p.W("DROP SCHEMA ")
		if n.IfExists {
			p.W("IF EXISTS ")
		}
		p.ids(n.Names)
		if n.Cascade {
			p.W(" CASCADE")
		}
		if n.Restrict {
			p.W(" RESTRICT")
		}
	case *CreateMaterializedView:
		p.W("CREATE MATERIALIZED VIEW ")
		p.name(n.Name)
		if n.Backup != nil {
			p.W(" BACKUP ", yesNo(*n.Backup))
		}
		if n.DistStyle != "" {
			p.W(" DISTSTYLE ", strings.ToUpper(n.DistStyle))
		}
		if n.DistKey != nil {
			p.W(" DISTKEY (")
			p.id(*n.DistKey, false)
			p.W(")")
		}
		if len(n.SortKey) > 0 {
			p.W(" SORTKEY ")
			p.parenIDs(n.SortKey)
		}
		if n.AutoRefresh != nil {
			p.W(" AUTO REFRESH ", yesNo(*n.AutoRefresh))
		}
		p.W(" AS ")
		p.Query(n.Q)
	case *RefreshMaterializedView:
		p.W("REFRESH MATERIALIZED VIEW ")
		p.name(n.Name)
		if n.Cascade {
			p.W(" CASCADE")
		}
		if n.Restrict {
			p.W(" RESTRICT")
		}
	case *AlterMaterializedView:
		p.W("ALTER MATERIALIZED VIEW ")
		p.name(n.Name)
		p.W(" AUTO REFRESH ", yesNo(n.AutoRefresh))
	case *AlterOwner:
		p.W("ALTER ", strings.ToUpper(n.Kind), " ")
		p.name(n.Name)
		if n.HasArgs {
			p.W("(")
			for i, t := range n.ArgTypes {
				if i > 0 {
					p.W(", ")
				}
				p.typ(t)
			}
			p.W(")")
		}
		if n.RenameTo != nil {
			p.W(" RENAME TO ")
			p.id(*n.RenameTo, false)
			return
		}
		p.W(" OWNER TO ")
		p.id(n.Owner, false)
	case *DropMaterializedView:
		p.W("DROP MATERIALIZED VIEW ")
		if n.IfExists {
			p.W("IF EXISTS ")
		}
		p.names(n.Names)
		if n.Cascade {
			p.W(" CASCADE")
		}
	case *CreateProcedure:
		p.W("CREATE ")
		if n.OrReplace {
			p.W("OR REPLACE ")
		}
		p.W("PROCEDURE ")
		p.name(n.Name)
		p.procArgs(n.Args)
		if n.Nonatomic {
			p.W(" NONATOMIC")
		}
		p.W(" AS ", DollarQuote(n.Body))
		p.W(" LANGUAGE ", n.Language)
		if n.Security != "" {
			p.W(" SECURITY ", strings.ToUpper(n.Security))
		}
		for _, s := range n.Set {
			p.W(" ")
			p.set(s)
		}
	case *DropProcedure:
		p.W("DROP PROCEDURE ")
		if n.IfExists {
			p.W("IF EXISTS ")
		}
		p.name(n.Name)
		if n.HasArgs {
			p.W("(")
			for i, t := range n.ArgTypes {
				if i > 0 {
					p.W(", ")
				}
				p.typ(t)
			}
			p.W(")")
		}
	case *Call:
		p.W("CALL ")
		p.name(n.Name)
		p.W("(")
		p.exprs(n.Args)
		p.W(")")
	case *CreateSchedule, *AlterSchedule, *DropSchedule, *ShowSchedules:
		p.schedule(n) // schedule.go
	case *DeclareCursor, *Fetch, *CloseCursor:
		p.cursor(n) // cursor.go
	case *Copy:
		p.copyStmt(n) // copy.go
	case *CreateFunction, *DropFunction:
		p.function(n) // function.go
	default:
		p.fail("ast: cannot print statement %T", n)
	}
}

func (p *Printer) procArgs(args []ProcArg) {
	p.W("(")
	for i, a := range args {
		if i > 0 {
			p.W(", ")
		}
		if a.Mode != "" {
			p.W(strings.ToUpper(a.Mode), " ")
		}
		if a.Name.Name != "" {
			p.id(a.Name, false)
			p.W(" ")
		}
		p.typ(a.Type)
	}
	p.W(")")
}

// DollarQuote quotes body with a dollar tag that does not occur in it.
func DollarQuote(body string) string {
	tag := ""
	for i := 0; strings.Contains(body, "$"+tag+"$") || strings.HasSuffix(body, "$"+tag); i++ {
		tag = "q" + strings.Repeat("q", i)
	}
	return "$" + tag + "$" + body + "$" + tag + "$"
}

package parser

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
)

// parseQueryStmt parses a statement that starts with a parenthesis.
func (p *parser) parseQueryStmt() ast.Stmt { return p.query() }

// parseOther parses statements other than session and transaction control.
func (p *parser) parseOther() ast.Stmt {
	t := p.peek()
	switch t.Value {
	case "select", "with", "values":
		if t.Value == "with" && p.withLeadsToDML() {
			return p.raw()
		}
		q := p.query()
		if p.into != nil {
			// SELECT ... INTO t FROM ... is CREATE TABLE t AS SELECT ... FROM ...
			p.into.As = q
			return p.into
		}
		return q
	case "insert":
		return p.insert()
	case "update":
		return p.update()
	case "delete":
		return p.delete()
	case "merge":
		return p.merge()
	case "create":
		return p.create()
	case "drop":
		return p.drop()
	case "alter":
		return p.alter()
	case "truncate":
		p.next()
		p.accept("table")
		t := &ast.Truncate{Table: p.name()}
		for p.accept(",") {
			t.More = append(t.More, p.name())
		}
		return t
	case "refresh":
		if p.isSeq("refresh", "materialized", "view") {
			p.i += 3
			r := &ast.RefreshMaterializedView{Name: p.name()}
			if p.accept("cascade") {
				r.Cascade = true
			} else if p.accept("restrict") {
				r.Restrict = true
			}
			return r
		}
	case "grant", "revoke":
		return p.grantStmt(p.i) // admin.go
	case "analyze", "analyse":
		return p.analyzeStmt(p.i)
	case "vacuum":
		return p.vacuumStmt(p.i)
	case "lock":
		return p.lockStmt(p.i)
	case "unload":
		// UNLOAD writes query results to Amazon S3, which blueshift has no
		// equivalent of: refused as a feature, not as a syntax error.
		p.unsupported(t, "UNLOAD")
	case "copy":
		if c := p.copyStmt(); c != nil { // copy.go
			return c
		}
	case "call":
		p.next()
		c := &ast.Call{Name: p.name()}
		p.expect("(")
		if !p.is(")") {
			c.Args = p.exprList()
		}
		p.expect(")")
		return c
	}
	return p.raw()
}

// selectInto reads SELECT's INTO [TEMP | TEMPORARY] [TABLE] new_table, once
// in a statement.
func (p *parser) selectInto() {
	t := p.expect("into")
	if p.into != nil {
		p.unsupported(t, "SELECT INTO in a subquery")
	}
	ct := &ast.CreateTable{}
	p.accept("local")
	if p.accept("temp") || p.accept("temporary") {
		ct.Temp = true
	} else {
		p.accept("unlogged")
	}
	p.accept("table")
	ct.Name = p.name()
	if strings.HasPrefix(ct.Name.Last().Name, "#") {
		ct.Temp = true
	}
	p.into = ct
}

// withLeadsToDML reports whether a WITH clause precedes INSERT, UPDATE or DELETE.
func (p *parser) withLeadsToDML() bool {
	depth := 0
	for j := p.i; j < len(p.toks); j++ {
		t := p.toks[j]
		switch {
		case t.Is("("):
			depth++
		case t.Is(")"):
			depth--
		case depth == 0 && (t.Is("insert") || t.Is("update") || t.Is("delete")):
			return true
		case depth == 0 && t.Is("select"):
			return false
		}
	}
	return false
}

func (p *parser) optAlias() *ast.Ident {
	if p.accept("as") {
		id := p.ident()
		return &id
	}
	if p.isAliasIdent() && !p.is("set") && !p.is("using") {
		id := p.ident()
		return &id
	}
	return nil
}

func (p *parser) insert() ast.Stmt {
	p.expect("insert")
	p.expect("into")
	in := &ast.Insert{Table: p.name()}
	if p.accept("as") {
		id := p.ident()
		in.Alias = &id
	}
	if p.is("(") && !p.parenStartsQuery() {
		in.Columns = p.parenIdentList()
	}
	if p.acceptSeq("default", "values") {
		in.DefaultValues = true
		return in
	}
	in.Source = p.query()
	return in
}

func (p *parser) assignments() []ast.Assign {
	var out []ast.Assign
	for {
		a := ast.Assign{Column: p.ident()}
		if p.is(".") {
			// SET t.col = ...: Postgres rejects a qualified target.
			p.fail(p.peek(), "")
		}
		p.expect("=")
		if p.is("default") && (p.peekN(1).Is(",") || p.peekN(1).Kind == lex.EOF || p.peekN(1).Is("from") || p.peekN(1).Is("where") || p.peekN(1).Is("when")) {
			p.next()
		} else {
			a.X = p.expr()
		}
		out = append(out, a)
		if !p.accept(",") {
			return out
		}
	}
}

func (p *parser) update() ast.Stmt {
	p.expect("update")
	u := &ast.Update{Table: p.name()}
	u.Alias = p.optAlias()
	p.expect("set")
	u.Set = p.assignments()
	if p.accept("from") {
		u.From = p.fromList()
	}
	if p.accept("where") {
		u.Where = p.expr()
	}
	return u
}

func (p *parser) delete() ast.Stmt {
	p.expect("delete")
	p.accept("from")
	d := &ast.Delete{Table: p.name()}
	d.Alias = p.optAlias()
	if p.accept("using") {
		d.Using = p.fromList()
	}
	if p.accept("where") {
		d.Where = p.expr()
	}
	return d
}

func (p *parser) merge() ast.Stmt {
	p.expect("merge")
	p.expect("into")
	m := &ast.Merge{Target: p.name()}
	m.Alias = p.optAlias()
	p.expect("using")
	m.Source = p.tablePrimary()
	p.expect("on")
	m.On = p.expr()
	if p.acceptSeq("remove", "duplicates") {
		m.RemoveDuplicates = true
	}
	for p.accept("when") {
		w := ast.MergeWhen{Matched: !p.accept("not")}
		p.expect("matched")
		p.expect("then")
		switch {
		case p.accept("update"):
			p.expect("set")
			w.Action = "update"
			w.Set = p.assignments()
		case p.accept("delete"):
			w.Action = "delete"
		case p.accept("insert"):
			w.Action = "insert"
			if p.is("(") {
				w.Columns = p.parenIdentList()
			}
			p.expect("values")
			p.expect("(")
			w.Values = p.exprList()
			p.expect(")")
		default:
			p.fail(p.peek(), "")
		}
		m.Whens = append(m.Whens, w)
	}
	if p.acceptSeq("remove", "duplicates") {
		m.RemoveDuplicates = true
	}
	if len(m.Whens) == 0 && !m.RemoveDuplicates {
		p.fail(p.peek(), "")
	}
	return m
}

func (p *parser) create() ast.Stmt {
	start := p.i
	p.expect("create")
	orReplace := p.acceptSeq("or", "replace")
	switch {
	case p.isSeq("external", "schema"):
		p.i += 2
		return p.createExternalSchema()
	case p.isSeq("materialized", "view"):
		p.i += 2
		return p.createMV()
	case p.accept("procedure"):
		return p.createProcedure(orReplace)
	case p.accept("schedule"):
		return p.createSchedule(orReplace) // schedule.go
	case p.accept("view"):
		return p.createView(orReplace)
	case p.is("table"), p.is("temp"), p.is("temporary"), p.isSeq("local", "temp"), p.isSeq("local", "temporary"):
		if orReplace {
			p.unsupported(p.peek(), "CREATE OR REPLACE TABLE")
		}
		return p.createTable()
	case p.isSeq("external", "table"):
		p.unsupported(p.peek(), "CREATE EXTERNAL TABLE")
	case p.accept("function"):
		return p.createFunction(orReplace) // function.go
	case !orReplace && (p.is("user") || p.is("group") || p.is("role")):
		return p.adminCreate(start) // admin.go
	case !orReplace && p.is("schema"):
		if r := p.createSchema(); r != nil {
			return r
		}
	}
	p.i = start
	return p.raw()
}

// stringArg reads a string literal.
func (p *parser) stringArg() string {
	t := p.next()
	if t.Kind != lex.String {
		p.fail(t, "")
	}
	return t.Value
}

func (p *parser) createExternalSchema() ast.Stmt {
	s := &ast.CreateExternalSchema{}
	s.IfNotExists = p.acceptSeq("if", "not", "exists")
	s.Name = p.ident()
	p.expect("from")
	src := p.peek()
	switch {
	case p.accept("kinesis"):
		s.Source = "kinesis"
	case p.accept("msk"):
		s.Source = "msk"
	case p.accept("kafka"):
		s.Source = "kafka"
	case p.isSeq("data", "catalog"):
		p.unsupported(src, "CREATE EXTERNAL SCHEMA FROM DATA CATALOG")
	default:
		p.unsupported(src, "CREATE EXTERNAL SCHEMA FROM "+strings.ToUpper(src.Text(p.src)))
	}
	for !p.atEOF() {
		t := p.next()
		switch {
		case t.Is("region"):
			s.Region = p.stringArg()
		case t.Is("iam_role"):
			if p.accept("default") {
				s.IAMRole = "default"
			} else {
				s.IAMRole = p.stringArg()
			}
		case t.Is("authentication"):
			a := p.next()
			if a.Kind != lex.Ident {
				p.fail(a, "")
			}
			s.Authentication = a.Value
		case t.Is("authentication_arn"), t.Is("secret_arn"):
			s.AuthARN = p.stringArg()
		case t.Is("uri"):
			s.URI = p.stringArg()
		case t.Is("cluster_arn"):
			s.ClusterARN = p.stringArg()
		default:
			p.fail(t, "")
		}
	}
	if s.Source == "kinesis" && s.IAMRole == "" {
		p.fail(p.peek(), "syntax error: IAM_ROLE is required for an external schema FROM KINESIS")
	}
	return s
}

func (p *parser) yesNo() bool {
	switch {
	case p.accept("yes"):
		return true
	case p.accept("no"):
		return false
	}
	p.fail(p.peek(), "")
	return false
}

func (p *parser) createMV() ast.Stmt {
	mv := &ast.CreateMaterializedView{Name: p.name()}
	for !p.is("as") {
		switch {
		case p.accept("backup"):
			b := p.yesNo()
			mv.Backup = &b
		case p.accept("diststyle"):
			mv.DistStyle = p.ident().Name
			mv.DistStyle = strings.ToLower(mv.DistStyle)
		case p.accept("distkey"):
			p.expect("(")
			id := p.ident()
			mv.DistKey = &id
			p.expect(")")
		case p.accept("sortkey"):
			mv.SortKey = p.parenIdentList()
		case p.acceptSeq("auto", "refresh"):
			b := p.yesNo()
			mv.AutoRefresh = &b
		default:
			p.fail(p.peek(), "")
		}
	}
	p.expect("as")
	mv.QueryPos = p.peek().Pos
	mv.Q = p.query()
	mv.QueryText = strings.TrimSpace(p.src[mv.QueryPos:p.peek().Pos])
	return mv
}

func (p *parser) createView(orReplace bool) ast.Stmt {
	v := &ast.CreateView{OrReplace: orReplace, Name: p.name()}
	if p.is("(") {
		v.Columns = p.parenIdentList()
	}
	p.expect("as")
	v.Q = p.query()
	if p.acceptSeq("with", "no", "schema", "binding") {
		v.NoSchemaBinding = true
	}
	return v
}

func (p *parser) procArgs() []ast.ProcArg {
	p.expect("(")
	var out []ast.ProcArg
	for !p.is(")") {
		// [mode] [name] type, or Redshift's name mode type.
		a := ast.ProcArg{Mode: p.procArgMode()}
		first := p.peek()
		second := p.peekN(1)
		isName := (second.Kind == lex.Ident || second.Kind == lex.QuotedIdent) &&
			!(first.Kind == lex.Ident && continuesType(first.Value, second.Value))
		if isName {
			a.Name = p.ident()
			if a.Mode == "" {
				a.Mode = p.procArgMode()
			}
		}
		a.Type = p.typeName()
		out = append(out, a)
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	return out
}

// procArgMode reads IN, OUT or INOUT when one comes next; "" otherwise.
func (p *parser) procArgMode() string {
	t := p.peek()
	if t.Kind != lex.Ident {
		return ""
	}
	for _, m := range []string{"inout", "in", "out"} {
		if p.accept(m) {
			return m
		}
	}
	return ""
}

// continuesType reports whether word b can follow a as one type name.
func continuesType(a, b string) bool {
	for _, seq := range multiWordTypes[a] {
		if seq[0] == b {
			return true
		}
	}
	return (a == "timestamp" || a == "time") && (b == "with" || b == "without")
}

func (p *parser) createProcedure(orReplace bool) ast.Stmt {
	cp := &ast.CreateProcedure{OrReplace: orReplace, Name: p.name()}
	cp.Args = p.procArgs()
	sawBody := false
	for !p.atEOF() {
		switch {
		case p.accept("nonatomic"):
			cp.Nonatomic = true
		case p.accept("as"):
			t := p.next()
			switch t.Kind {
			case lex.DollarString:
				cp.BodyPos = t.Pos + len(t.Tag) + 2
			case lex.String:
				cp.BodyPos = t.Pos + 1
			default:
				p.fail(t, "")
			}
			cp.Body = t.Value
			sawBody = true
		case p.accept("language"):
			cp.Language = strings.ToLower(p.ident().Name)
		case p.accept("security"):
			switch {
			case p.accept("invoker"):
				cp.Security = "invoker"
			case p.accept("definer"):
				cp.Security = "definer"
			default:
				p.fail(p.peek(), "")
			}
		case p.accept("set"):
			s := &ast.Set{Name: p.settingName()}
			if !p.accept("to") && !p.accept("=") {
				p.fail(p.peek(), "")
			}
			s.Values = []string{p.settingValue()}
			cp.Set = append(cp.Set, s)
		default:
			p.fail(p.peek(), "")
		}
	}
	if !sawBody {
		p.fail(p.peek(), "")
	}
	if cp.Language == "" {
		p.fail(p.peek(), "syntax error: LANGUAGE plpgsql is required")
	}
	if cp.Language != "plpgsql" {
		p.unsupported(p.peek(), "procedure language "+cp.Language)
	}
	return cp
}

func (p *parser) createTable() ast.Stmt {
	ct := &ast.CreateTable{}
	p.accept("local")
	if p.accept("temp") || p.accept("temporary") {
		ct.Temp = true
	}
	p.expect("table")
	ct.IfNotExists = p.acceptSeq("if", "not", "exists")
	ct.Name = p.name()
	if strings.HasPrefix(ct.Name.Last().Name, "#") {
		ct.Temp = true // Redshift: a name that starts with # is a temporary table's
	}
	if p.is("(") {
		// (a, b) AS query names the columns of a CTAS.
		if (p.peekN(1).Kind == lex.Ident || p.peekN(1).Kind == lex.QuotedIdent) && (p.peekN(2).Is(",") || p.peekN(2).Is(")")) && !p.peekN(1).Is("like") {
			ct.ColNames = p.parenIdentList()
		} else {
			p.tableElements(ct)
		}
	}
	p.tableAttrs(&ct.Attrs)
	if p.accept("as") {
		ct.As = p.query()
	} else if ct.Columns == nil && ct.Like == nil {
		p.fail(p.peek(), "")
	}
	return ct
}

func (p *parser) tableElements(ct *ast.CreateTable) {
	p.expect("(")
	for {
		switch {
		case p.accept("like"):
			ct.Like = p.name()
			if p.accept("including") {
				p.expect("defaults")
				ct.LikeDefaults = true
			} else if p.accept("excluding") {
				p.expect("defaults")
			}
		case p.is("primary") || p.is("unique") || p.is("foreign") || p.is("constraint"):
			tc := p.tableConstraint()
			ct.Constraints = append(ct.Constraints, tc)
		default:
			ct.Columns = append(ct.Columns, p.columnDef())
		}
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
}

// tableConstraint reads [CONSTRAINT name] PRIMARY KEY (cols) | UNIQUE
// (cols) | FOREIGN KEY (cols) REFERENCES t [(cols)].
func (p *parser) tableConstraint() ast.TableConstraint {
	var tc ast.TableConstraint
	if p.accept("constraint") {
		name := p.ident()
		tc.Name = &name
	}
	switch {
	case p.acceptSeq("primary", "key"):
		tc.Kind = "primary key"
	case p.accept("unique"):
		tc.Kind = "unique"
	case p.acceptSeq("foreign", "key"):
		tc.Kind = "foreign key"
	default:
		p.fail(p.peek(), "")
	}
	tc.Columns = p.parenIdentList()
	if tc.Kind == "foreign key" {
		p.expect("references")
		tc.References = p.name()
		if p.is("(") {
			tc.RefColumns = p.parenIdentList()
		}
	}
	return tc
}

func (p *parser) columnDef() ast.ColumnDef {
	cd := ast.ColumnDef{Name: p.ident(), Type: p.typeName()}
	serialIdentity(&cd)
	for {
		switch {
		case p.acceptSeq("not", "null"):
			cd.NotNull = true
		case p.accept("null"):
			cd.Null = true
		case p.accept("default"):
			cd.Default = p.otherOpExpr()
		case p.accept("identity"):
			cd.Identity = p.identityArgs()
		case p.acceptSeq("generated", "by", "default", "as", "identity"), p.acceptSeq("generated", "always", "as", "identity"):
			cd.GenDefault = true
			cd.Identity = p.identityArgs()
		case p.accept("encode"):
			cd.Encode = strings.ToLower(p.ident().Name)
		case p.accept("distkey"):
			cd.DistKey = true
		case p.accept("sortkey"):
			cd.SortKey = true
		case p.acceptSeq("primary", "key"):
			cd.PrimaryKey = true
		case p.accept("unique"):
			cd.Unique = true
		case p.accept("collate"):
			cd.Collate = strings.ToLower(p.ident().Name)
		case p.accept("references"):
			cd.References = p.name()
			if p.is("(") {
				cd.RefColumns = p.parenIdentList()
			}
		default:
			return cd
		}
	}
}

// serialTypes are Postgres's auto-incrementing pseudo-types and the integer
// type each stands for.
var serialTypes = map[string]string{"smallserial": "smallint", "serial2": "smallint",
	"serial": "integer", "serial4": "integer", "bigserial": "bigint", "serial8": "bigint"}

// serialIdentity turns a SERIAL column (what ORMs such as SQLAlchemy emit
// for an integer primary key) into what a Redshift user writes for one, an
// IDENTITY(1, 1) column of the matching integer type. Redshift itself has no
// SERIAL; this keeps Postgres tools' DDL working.
func serialIdentity(cd *ast.ColumnDef) {
	if len(cd.Type.Name) != 1 || cd.Type.Name[0].Quoted || cd.Type.Array || len(cd.Type.Args) > 0 {
		return
	}
	if t, ok := serialTypes[strings.ToLower(cd.Type.Name[0].Name)]; ok {
		cd.Type.Name = ast.Name{{Name: t}}
		cd.Identity = []string{"1", "1"}
		cd.NotNull = true
	}
}

func (p *parser) identityArgs() []string {
	if !p.is("(") {
		return []string{"1", "1"} // bare IDENTITY: seed 1, step 1
	}
	p.expect("(")
	var out []string
	for {
		neg := p.accept("-")
		t := p.next()
		if t.Kind != lex.Number {
			p.fail(t, "")
		}
		v := t.Value
		if neg {
			v = "-" + v
		}
		out = append(out, v)
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	if len(out) != 2 {
		p.fail(p.toks[p.i-1], "syntax error: IDENTITY takes (seed, step)")
	}
	return out
}

func (p *parser) tableAttrs(a *ast.TableAttrs) {
	for {
		switch {
		case p.accept("backup"):
			b := p.yesNo()
			a.Backup = &b
		case p.accept("diststyle"):
			a.DistStyle = strings.ToLower(p.ident().Name)
		case p.accept("distkey"):
			p.expect("(")
			id := p.keyColumn()
			a.DistKey = &id
			p.expect(")")
		case p.is("compound") || p.is("interleaved"):
			a.SortKind = p.next().Value
			p.expect("sortkey")
			a.SortKey = p.keyColumns()
		case p.accept("sortkey"):
			if p.accept("auto") {
				a.SortAuto = true
			} else {
				a.SortKey = p.keyColumns()
			}
		case p.acceptSeq("encode", "auto"):
			a.EncodeAuto = true
		case p.isSeq("with", "("):
			// WITH (fillfactor = 100, ...): Postgres's storage parameters.
			p.next()
			p.next()
			for {
				name := p.ident().Name
				if p.accept("=") {
					if v := p.next(); v.Kind == lex.EOF {
						p.fail(v, "")
					}
				}
				a.StorageParams = append(a.StorageParams, strings.ToLower(name))
				if !p.accept(",") {
					break
				}
			}
			p.expect(")")
		default:
			return
		}
	}
}

// keyColumn reads a DISTKEY or SORTKEY column: a name, or (as Redshift
// allows in CREATE TABLE AS) a column's position, kept as a quoted name.
func (p *parser) keyColumn() ast.Ident {
	if p.peek().Kind == lex.Number {
		return ast.Ident{Name: p.next().Value, Quoted: true}
	}
	return p.ident()
}

// keyColumns reads ( key [, ...] ).
func (p *parser) keyColumns() []ast.Ident {
	p.expect("(")
	var out []ast.Ident
	for {
		out = append(out, p.keyColumn())
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	return out
}

func (p *parser) drop() ast.Stmt {
	start := p.i
	p.expect("drop")
	switch {
	case p.is("table"), p.is("view"):
		d := &ast.Drop{Kind: p.next().Value}
		d.IfExists = p.acceptSeq("if", "exists")
		for {
			d.Names = append(d.Names, p.name())
			if !p.accept(",") {
				break
			}
		}
		d.Cascade = p.accept("cascade")
		if !d.Cascade {
			d.Restrict = p.accept("restrict")
		}
		return d
	case p.accept("schema"):
		d := &ast.DropSchema{IfExists: p.acceptSeq("if", "exists")}
		d.Names = p.identList()
		p.acceptSeq("drop", "external", "database")
		d.Cascade = p.accept("cascade")
		if !d.Cascade {
			d.Restrict = p.accept("restrict")
		}
		return d
	case p.isSeq("materialized", "view"):
		p.i += 2
		d := &ast.DropMaterializedView{IfExists: p.acceptSeq("if", "exists")}
		for {
			d.Names = append(d.Names, p.name())
			if !p.accept(",") {
				break
			}
		}
		d.Cascade = p.accept("cascade")
		if !d.Cascade {
			p.accept("restrict")
		}
		return d
	case p.accept("schedule"):
		return p.dropSchedule() // schedule.go
	case p.is("user") || p.is("group") || p.is("role"):
		return p.adminDrop(start) // admin.go
	case p.accept("function"):
		d := &ast.DropFunction{IfExists: p.acceptSeq("if", "exists"), Name: p.name()}
		for _, a := range p.procArgs() {
			d.ArgTypes = append(d.ArgTypes, a.Type)
		}
		if !(p.accept("cascade")) {
			p.accept("restrict")
		} else {
			d.Cascade = true
		}
		return d
	case p.accept("procedure"):
		d := &ast.DropProcedure{IfExists: p.acceptSeq("if", "exists"), Name: p.name()}
		if p.is("(") {
			d.HasArgs = true
			for _, a := range p.procArgs() {
				d.ArgTypes = append(d.ArgTypes, a.Type)
			}
		}
		return d
	}
	p.i = start
	return p.raw()
}

func (p *parser) alter() ast.Stmt {
	start := p.i
	p.expect("alter")
	if p.isSeq("materialized", "view") {
		p.i += 2
		a := &ast.AlterMaterializedView{Name: p.name()}
		if o, ok := p.ownerTo("materialized view", a.Name); ok {
			return o
		}
		p.expect("auto")
		p.expect("refresh")
		a.AutoRefresh = p.yesNo()
		return a
	}
	if p.accept("schedule") {
		return p.alterSchedule() // schedule.go
	}
	if p.is("user") || p.is("group") || p.is("role") || p.isSeq("default", "privileges") {
		return p.adminAlter(start) // admin.go
	}
	switch {
	case p.accept("view"):
		if o, ok := p.ownerTo("view", p.name()); ok {
			return o
		}
		p.i = start
		return p.raw()
	case p.accept("schema"):
		if o, ok := p.ownerTo("schema", ast.Name{p.ident()}); ok {
			return o
		}
		p.i = start
		return p.raw()
	case p.accept("procedure"):
		name := p.name()
		var types []*ast.TypeName
		hasArgs := p.is("(")
		if hasArgs {
			for _, a := range p.procArgs() {
				types = append(types, a.Type)
			}
		}
		if o, ok := p.ownerTo("procedure", name); ok {
			o.ArgTypes, o.HasArgs = types, hasArgs
			return o
		}
		if p.acceptSeq("rename", "to") {
			to := p.ident()
			return &ast.AlterOwner{Kind: "procedure", Name: name, ArgTypes: types, HasArgs: hasArgs, RenameTo: &to}
		}
		p.i = start
		return p.raw()
	}
	if !p.accept("table") {
		p.i = start
		return p.raw()
	}
	at := &ast.AlterTable{Table: p.name()}
	if o, ok := p.ownerTo("table", at.Table); ok {
		return o
	}
	switch {
	case p.accept("add"):
		if p.is("constraint") || p.is("primary") || p.is("unique") || p.is("foreign") {
			tc := p.tableConstraint()
			at.Action, at.Constraint = "add constraint", &tc
			break
		}
		p.accept("column")
		cd := p.columnDef()
		at.Action, at.Column = "add column", &cd
	case p.accept("drop"):
		if p.accept("constraint") {
			at.Action, at.Name = "drop constraint", p.ident()
			at.Cascade = p.accept("cascade")
			if !at.Cascade {
				p.accept("restrict")
			}
			break
		}
		p.accept("column")
		at.Action = "drop column"
		at.IfExists = p.acceptSeq("if", "exists")
		at.Name = p.ident()
		at.Cascade = p.accept("cascade")
		if !at.Cascade {
			p.accept("restrict")
		}
	case p.accept("rename"):
		if p.accept("to") {
			at.Action, at.NewName = "rename to", p.ident()
			break
		}
		p.accept("column")
		at.Action, at.Name = "rename column", p.ident()
		p.expect("to")
		at.NewName = p.ident()
	case p.acceptSeq("append", "from"):
		at.Action, at.Source = "append from", p.name()
		if p.accept("ignoreextra") || p.accept("filltarget") {
			at.Append = p.toks[p.i-1].Value
		}
	case p.isSeq("alter", "column") || p.isSeq("alter", "distkey") || p.isSeq("alter", "diststyle") ||
		p.isSeq("alter", "sortkey") || p.isSeq("alter", "compound") || p.isSeq("alter", "interleaved") || p.isSeq("alter", "encode"):
		if p.isSeq("alter", "column") && !(p.peekN(3).Is("encode")) {
			p.i += 2
			at.Action, at.Name = "alter column type", p.ident()
			p.expect("type")
			at.Type = p.typeName()
			break
		}
		p.unsupportedLayout(at)
	default:
		p.i = start
		return p.raw()
	}
	return at
}

// ownerTo reads OWNER TO user after the name of an object of kind, if it
// comes next.
func (p *parser) ownerTo(kind string, name ast.Name) (*ast.AlterOwner, bool) {
	if !p.acceptSeq("owner", "to") {
		return nil, false
	}
	return &ast.AlterOwner{Kind: kind, Name: name, Owner: p.ident()}, true
}

// unsupportedLayout records a Redshift physical-layout change,
// which has no DuckDB counterpart and no effect on results.
func (p *parser) unsupportedLayout(at *ast.AlterTable) {
	at.Action = "layout"
	at.Redshift = true
	at.Text = strings.TrimSpace(p.src[p.peek().Pos:])
	p.i = len(p.toks) - 1
}

// createSchema reads CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION
// user] [QUOTA {n [MB | GB | TB] | UNLIMITED}] | CREATE SCHEMA
// AUTHORIZATION user [QUOTA ...] after CREATE (ast.CreateSchema). It
// returns nil, the reader back where it started, for any other form.
func (p *parser) createSchema() ast.Stmt {
	start := p.i
	p.expect("schema")
	n := &ast.CreateSchema{IfNotExists: p.acceptSeq("if", "not", "exists")}
	if p.accept("authorization") {
		owner := p.ident()
		n.Name, n.Owner = owner, &owner
	} else {
		n.Name, n.Named = p.ident(), true
		if p.accept("authorization") {
			owner := p.ident()
			n.Owner = &owner
		}
	}
	if p.accept("quota") {
		from := p.peek().Pos
		if !p.accept("unlimited") {
			if t := p.next(); t.Kind != lex.Number {
				p.fail(t, "")
			}
			_ = p.accept("mb") || p.accept("gb") || p.accept("tb")
		}
		n.Quota = strings.ToUpper(strings.TrimSpace(p.src[from:p.peek().Pos]))
	}
	if !p.atEOF() {
		p.i = start
		return nil
	}
	return n
}

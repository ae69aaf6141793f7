package warehouse

// Declared column types, for the catalog clients read.
//
// DuckDB keeps no length for VARCHAR(n) or CHAR(n), so psql's \d and the
// drivers that read pg_attribute would see "character varying" where the
// user declared character varying(500). CREATE TABLE records the lengths it
// declares in blueshift_catalog.column_types, in the same transaction as
// the table; ALTER TABLE keeps them in step (ADD COLUMN, ALTER COLUMN TYPE,
// RENAME, DROP COLUMN), and DROP TABLE forgets them. The compatibility pg_attribute
// (compat.go) reports a recorded column with Postgres's type OID and typmod,
// and only while DuckDB's type of the column is still the declared one's
// base type, so a record left behind by a rename or an ALTER never lies
// about a column.

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

var columnTypesMigration = Migration{Name: "0100_column_types", SQL: []string{
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.column_types (
		schema_name VARCHAR NOT NULL,
		table_name  VARCHAR NOT NULL,
		column_name VARCHAR NOT NULL,
		type_oid    INTEGER NOT NULL,
		typmod      INTEGER NOT NULL,
		PRIMARY KEY (schema_name, table_name, column_name)
	)`,
}}

// declaredType returns the Postgres type OID and typmod of a declared type
// whose length DuckDB drops: character varying(n), character(n), varbyte(n).
// A character type declared without a length has Redshift's (CREATE TABLE,
// "Character types"): VARCHAR and TEXT hold 256 bytes, CHAR 1 and BPCHAR
// 256.
func declaredType(t *ast.TypeName) (oid uint32, typmod int, ok bool) {
	if t == nil || t.Array || len(t.Name) == 0 || len(t.Args) > 1 {
		return 0, 0, false
	}
	if len(t.Args) == 0 {
		switch strings.ToLower(t.Name.Last().Name) {
		case "varchar", "character varying", "nvarchar", "char varying", "text":
			return 1043, 256 + 4, true
		case "char", "character", "nchar":
			return 1042, 1 + 4, true
		case "bpchar":
			return 1042, 256 + 4, true
		}
		return 0, 0, false
	}
	n := 0
	if strings.EqualFold(t.Args[0], "max") {
		n = 65535
	} else {
		var err error
		if n, err = strconv.Atoi(t.Args[0]); err != nil || n <= 0 {
			return 0, 0, false
		}
	}
	switch strings.ToLower(t.Name.Last().Name) {
	case "varchar", "character varying", "nvarchar", "char varying":
		return 1043, n + 4, true
	case "char", "character", "nchar", "bpchar":
		return 1042, n + 4, true
	case "varbyte", "varbinary", "binary varying":
		return 17, n + 4, true
	}
	return 0, 0, false
}

// withCatalog runs fn after pl, in one transaction with it: the session's
// block or implicit transaction, or one of its own.
func (s *Session) withCatalog(pl *plan, fn func(ctx context.Context) error) *plan {
	run := pl.run
	pl.run = func(ctx context.Context, params []any) (*Result, error) {
		own := s.ownTransaction() // txn.go
		if own {
			if err := s.beginImplicit(ctx); err != nil {
				return nil, err
			}
		}
		res, err := run(ctx, params)
		if err == nil {
			err = fn(ctx)
		}
		if own {
			if err != nil {
				_ = s.endImplicit(ctx, false)
				return nil, err
			}
			if err := s.endImplicit(ctx, true); err != nil {
				return nil, err
			}
		}
		return res, err
	}
	return pl
}

// recordColumnTypes records the declared lengths of a new table's columns.
func (s *Session) recordColumnTypes(ctx context.Context, n *ast.CreateTable) error {
	schema, table, err := s.splitName(ctx, n.Name)
	if err != nil {
		return err
	}
	insert := "INSERT OR IGNORE INTO "
	if !n.IfNotExists {
		// A table of this name that went without DROP TABLE (DROP SCHEMA
		// ... CASCADE, say) may have left records.
		if err := s.forgetColumnTypes(ctx, schema, table); err != nil {
			return err
		}
		insert = "INSERT INTO "
	}
	for _, col := range n.Columns {
		if err := s.recordColumnType(ctx, insert, schema, table, col.Name, col.Type); err != nil {
			return err
		}
	}
	return nil
}

// recordColumnType records one column's declared type, if it has a length.
func (s *Session) recordColumnType(ctx context.Context, insert, schema, table string, col ast.Ident, t *ast.TypeName) error {
	oid, typmod, ok := declaredType(t)
	if !ok {
		return nil
	}
	if _, err := s.conn.Exec(ctx, insert+CatalogSchema+".column_types VALUES ($1, $2, $3, $4, $5)",
		schema, table, catalogIdent(col, s.Options()), int64(oid), int64(typmod)); err != nil {
		return errorf("record column types of %s.%s: %w", schema, table, err)
	}
	return nil
}

// alterColumnTypes follows an ALTER TABLE in the declared types.
func (s *Session) alterColumnTypes(ctx context.Context, n *ast.AlterTable) error {
	schema, table, err := s.splitName(ctx, n.Table)
	if err != nil {
		return err
	}
	opts := s.Options()
	const where = " WHERE lower(schema_name) = lower($1) AND lower(table_name) = lower($2)"
	exec := func(q string, args ...any) error {
		if _, err := s.conn.Exec(ctx, q, append([]any{schema, table}, args...)...); err != nil {
			return errorf("follow ALTER TABLE %s.%s in column types: %w", schema, table, err)
		}
		return nil
	}
	forget := func(col ast.Ident) error {
		return exec("DELETE FROM "+CatalogSchema+".column_types"+where+" AND lower(column_name) = lower($3)", catalogIdent(col, opts))
	}
	switch n.Action {
	case "add column":
		if n.Column == nil {
			return nil
		}
		if err := forget(n.Column.Name); err != nil {
			return err
		}
		return s.recordColumnType(ctx, "INSERT INTO ", schema, table, n.Column.Name, n.Column.Type)
	case "alter column type":
		if err := forget(n.Name); err != nil {
			return err
		}
		return s.recordColumnType(ctx, "INSERT INTO ", schema, table, n.Name, n.Type)
	case "drop column":
		return forget(n.Name)
	case "rename column":
		return exec("UPDATE "+CatalogSchema+".column_types SET column_name = $4"+where+" AND lower(column_name) = lower($3)",
			catalogIdent(n.Name, opts), catalogIdent(n.NewName, opts))
	case "rename to":
		if err := s.forgetColumnTypes(ctx, schema, catalogIdent(n.NewName, opts)); err != nil {
			return err
		}
		return exec("UPDATE "+CatalogSchema+".column_types SET table_name = $3"+where, catalogIdent(n.NewName, opts))
	}
	return nil
}

func (s *Session) forgetColumnTypes(ctx context.Context, schema, table string) error {
	if _, err := s.conn.ExecKept(ctx, "DELETE FROM "+CatalogSchema+".column_types WHERE lower(schema_name) = lower($1) AND lower(table_name) = lower($2)",
		schema, table); err != nil {
		return errorf("forget column types of %s.%s: %w", schema, table, err)
	}
	return nil
}

// inheritColumnTypes gives a table made by CREATE TABLE (LIKE other) the
// declared types of other's columns, and one made by CREATE TABLE AS those
// of the columns its query selects as they are (a star or a column,
// possibly renamed) from the one table it reads: Redshift's CREATE TABLE
// AS keeps the query's types, VARCHAR(n) with its n, and LIKE the other
// table's. Columns of other queries keep no length.
func (s *Session) inheritColumnTypes(ctx context.Context, n *ast.CreateTable) error {
	opts := s.Options()
	schema, table, err := s.splitName(ctx, n.Name)
	if err != nil {
		return err
	}
	if !n.IfNotExists {
		if err := s.forgetColumnTypes(ctx, schema, table); err != nil {
			return err
		}
	}
	from := n.Like
	var pairs [][2]string // new column, source column
	all := len(n.Like) > 0
	if !all {
		sel, ok := n.As.(*ast.Select)
		if !ok || len(sel.From) != 1 || len(n.ColNames) > 0 {
			return nil
		}
		t, ok := sel.From[0].(*ast.TableRef)
		if !ok {
			return nil
		}
		from = t.Name
		for _, it := range sel.Items {
			c, ok := it.X.(*ast.ColumnRef)
			switch {
			case !ok:
			case c.Star && len(sel.Items) == 1:
				all = true
			case !c.Star && len(c.Parts) > 0 && len(c.Parts) <= 2:
				src := catalogIdent(c.Parts[len(c.Parts)-1], opts)
				out := src
				if it.Alias != nil {
					out = catalogIdent(*it.Alias, opts)
				}
				pairs = append(pairs, [2]string{out, src})
			}
		}
	}
	fromSchema, fromTable, err := s.resolveRelation(ctx, from, opts)
	if err != nil {
		return nil // a CTE or a view DuckDB resolved: no declared types
	}
	copyTypes := "INSERT OR IGNORE INTO " + CatalogSchema + ".column_types SELECT $1, $2, %s, type_oid, typmod FROM " +
		CatalogSchema + ".column_types WHERE schema_name = $3 AND table_name = $4"
	if all {
		_, err = s.conn.Exec(ctx, fmt.Sprintf(copyTypes, "column_name"), schema, table, fromSchema, fromTable)
	}
	for _, p := range pairs {
		if err != nil {
			break
		}
		_, err = s.conn.Exec(ctx, fmt.Sprintf(copyTypes, "$5")+" AND column_name = $6", schema, table, fromSchema, fromTable, p[0], p[1])
	}
	if err != nil {
		return errorf("record column types of %s.%s: %w", schema, table, err)
	}
	return nil
}

// planColumnTypes keeps the declared types in step with the DDL pl runs.
func (s *Session) planColumnTypes(pl *plan, stmt ast.Stmt) *plan {
	switch n := stmt.(type) {
	case *ast.CreateTable:
		if !n.Temp && n.As == nil && len(n.Like) == 0 {
			return s.withCatalog(pl, func(ctx context.Context) error { return s.recordColumnTypes(ctx, n) })
		}
		if !n.Temp {
			return s.withCatalog(pl, func(ctx context.Context) error { return s.inheritColumnTypes(ctx, n) })
		}
	case *ast.AlterTable:
		switch n.Action {
		case "add column", "alter column type", "drop column", "rename column", "rename to":
			return s.withCatalog(pl, func(ctx context.Context) error { return s.alterColumnTypes(ctx, n) })
		}
	}
	return pl
}

// charLimits returns the columns of the table n names, in order, with the
// length of those declared VARCHAR(n) or CHAR(n) (and still DuckDB
// VARCHARs), which are dates, timestamps, SUPER or DECIMAL, and the type
// of the numbers, for the SQL front end's length check on INSERT and
// UPDATE, its reading of date literals, its ORDER BY of SUPER and its
// division of DECIMALs (Options.CharLimits). It returns nil when the table
// is not found or has no such column: DuckDB then reports what is wrong
// with the statement.
func (s *Session) charLimits(ctx context.Context, n ast.Name) []bsql.ColumnLimit {
	schema, table, err := s.resolveRelation(ctx, n, s.baseOptions())
	if err != nil {
		return nil
	}
	// pragma_table_info reads one table's columns (duckdb_columns() would
	// describe every column of every table and view first: about 5 ms a
	// statement, most of a small INSERT's planning).
	res, err := s.conn.Query(ctx, `SELECT c.name, coalesce(t.typmod - 4, 0), coalesce(t.type_oid, 0), c.type
		FROM pragma_table_info(`+quoteLiteral(quoteIdent(schema)+"."+quoteIdent(table))+`) c LEFT JOIN `+CatalogSchema+`.column_types t
		ON t.schema_name = $1 AND t.table_name = $2 AND t.column_name = c.name
			AND t.type_oid IN (1042, 1043) AND c.type = 'VARCHAR'
		ORDER BY c.cid`, schema, table)
	if err != nil {
		return nil
	}
	defer res.Close()
	var cols []bsql.ColumnLimit
	limited := false
	for res.Next() {
		v := res.Values()
		name, _ := v[0].(string)
		limit, _ := v[1].(int64)
		oid, _ := v[2].(int64)
		typ, _ := v[3].(string)
		c := bsql.ColumnLimit{Name: bsql.DisplayName(name), Limit: int(limit), Type: "character varying"}
		if oid == 1042 {
			c.Type = "character"
		}
		switch {
		case typ == "DATE":
			c.DateKind = "date"
		case strings.HasPrefix(typ, "TIMESTAMP"):
			c.DateKind = "timestamp"
		case typ == "VARIANT":
			c.Super = true
		case typ == "JSON":
			// SUPER stored as JSON text (a streaming view's records).
			c.Super = true
		case strings.HasPrefix(typ, "DECIMAL("):
			var p int
			if _, err := fmt.Sscanf(typ, "DECIMAL(%d,%d)", &p, &c.Scale); err == nil {
				c.Decimal = true
			}
		}
		switch {
		case typ == "SMALLINT", typ == "INTEGER", typ == "BIGINT", typ == "FLOAT", typ == "DOUBLE", strings.HasPrefix(typ, "DECIMAL("):
			c.Numeric = typ
		}
		limited = limited || c.Limit > 0 || c.DateKind != "" || c.Super || c.Decimal || c.Numeric != ""
		cols = append(cols, c)
	}
	if res.Err() != nil || !limited {
		return nil
	}
	return cols
}

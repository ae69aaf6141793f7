package parser

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// showCatalog parses Redshift's catalog SHOW commands into the query over
// the SVV_ views that gives their rows (SQL reference, "SHOW TABLES", "SHOW
// COLUMNS", "SHOW SCHEMAS"), or returns nil when the statement is not one:
//
//	SHOW TABLES FROM SCHEMA [database.]schema [LIKE 'pattern'] [LIMIT n]
//	SHOW COLUMNS FROM TABLE [database.]schema.table [LIKE 'pattern'] [LIMIT n]
//	SHOW SCHEMAS FROM DATABASE database [LIKE 'pattern'] [LIMIT n]
//	SHOW DATABASES [LIKE 'pattern'] [LIMIT n]
//	SHOW TABLE [schema.]table   (the table's CREATE TABLE statement)
//
// The pattern is matched case-sensitively against the table, column or
// schema name, as LIKE matches.
func (p *parser) showCatalog() ast.Stmt {
	var what string
	switch {
	case p.is("tables") && p.peekN(1).Is("from") && p.peekN(2).Is("schema"):
		what = "tables"
	case p.is("columns") && p.peekN(1).Is("from") && p.peekN(2).Is("table"):
		what = "columns"
	case p.is("schemas") && p.peekN(1).Is("from") && p.peekN(2).Is("database"):
		what = "schemas"
	case p.is("databases") && (p.peekN(1).Kind == lex.EOF || p.peekN(1).Is("like") || p.peekN(1).Is("limit") || p.peekN(1).Is(";")):
		what = "databases"
	case p.is("table") && (p.peekN(1).Kind == lex.Ident || p.peekN(1).Kind == lex.QuotedIdent):
		p.next()
		return p.showTable()
	default:
		return nil
	}
	var n ast.Name
	if what == "databases" {
		p.i++
	} else {
		p.i += 3
		n = p.name()
	}
	lit := func(id ast.Ident) string {
		name := id.Name
		if !id.Quoted {
			name = strings.ToLower(name)
		}
		return "'" + strings.ReplaceAll(name, "'", "''") + "'"
	}
	var q string
	switch what {
	case "tables":
		if len(n) > 2 {
			p.fail(p.peek(), "SHOW TABLES FROM SCHEMA takes database.schema")
		}
		q = `SELECT table_catalog AS database_name, table_schema AS schema_name, table_name,
			CASE WHEN table_type = 'BASE TABLE' THEN 'TABLE' ELSE table_type END AS table_type,
			CAST(NULL AS VARCHAR) AS table_acl, remarks
			FROM svv_tables WHERE table_schema = ` + lit(n.Last())
	case "columns":
		if len(n) < 2 || len(n) > 3 {
			p.fail(p.peek(), "SHOW COLUMNS FROM TABLE takes [database.]schema.table")
		}
		q = `SELECT table_catalog AS database_name, table_schema AS schema_name, table_name, column_name,
			ordinal_position, column_default, is_nullable, data_type, character_maximum_length,
			numeric_precision, numeric_scale, remarks
			FROM svv_columns WHERE table_schema = ` + lit(n[len(n)-2]) + ` AND table_name = ` + lit(n.Last())
	case "databases":
		q = `SELECT database_name, database_owner, database_type, database_acl, database_options, database_isolation_level
			FROM svv_redshift_databases WHERE true`
	case "schemas":
		if len(n) != 1 {
			p.fail(p.peek(), "SHOW SCHEMAS FROM DATABASE takes a database")
		}
		q = `SELECT catalog_name AS database_name, schema_name, CAST(NULL AS INTEGER) AS schema_owner,
			'local' AS schema_type, CAST(NULL AS VARCHAR) AS schema_acl, CAST(NULL AS VARCHAR) AS source_database,
			CAST(NULL AS VARCHAR) AS schema_option
			FROM information_schema.schemata WHERE catalog_name = ` + lit(n[0])
	}
	if p.accept("like") {
		t := p.next()
		if t.Kind != lex.String {
			p.fail(t, "LIKE takes a string pattern")
		}
		col := map[string]string{"tables": "table_name", "columns": "column_name", "schemas": "schema_name", "databases": "database_name"}[what]
		q += " AND " + col + " LIKE '" + strings.ReplaceAll(t.Value, "'", "''") + "'"
	}
	q += " ORDER BY " + map[string]string{"tables": "table_name", "columns": "ordinal_position", "schemas": "schema_name", "databases": "database_name"}[what]
	if p.accept("limit") {
		t := p.next()
		if t.Kind != lex.Number {
			p.fail(t, "LIMIT takes a number")
		}
		q += " LIMIT " + t.Value
	}
	if !p.atEOF() {
		p.fail(p.peek(), "")
	}
	stmt, err := Parse(q)
	if err != nil {
		e, _ := sqlerr.As(err)
		panic(bail{e})
	}
	return stmt
}

// showTable reads SHOW TABLE's name and returns the query over the
// warehouse's rs_show_table macro (an unqualified name is looked up along
// the search path).
func (p *parser) showTable() ast.Stmt {
	n := p.name()
	if len(n) > 2 {
		p.fail(p.peek(), "SHOW TABLE takes [schema.]table")
	}
	if !p.atEOF() {
		p.fail(p.peek(), "")
	}
	lit := func(id ast.Ident) string {
		name := id.Name
		if !id.Quoted {
			name = strings.ToLower(name)
		}
		return "'" + strings.ReplaceAll(name, "'", "''") + "'"
	}
	schema := "CAST(NULL AS VARCHAR)"
	if len(n) == 2 {
		schema = lit(n[0])
	}
	// Reading the table (no rows of it) makes a missing one fail as any
	// reference to it does (42P01).
	parts := make([]string, len(n))
	for i, id := range n {
		parts[i] = id.Name
		if id.Quoted {
			parts[i] = ast.QuoteIdent(id.Name)
		}
	}
	stmt, err := Parse(`SELECT rs_show_table(` + schema + `, ` + lit(n.Last()) + `) AS "Show Table DDL statement"
		FROM (SELECT count(*) FROM ` + strings.Join(parts, ".") + ` WHERE false) AS bs_exists`)
	if err != nil {
		e, _ := sqlerr.As(err)
		panic(bail{e})
	}
	return stmt
}

package sql

import (
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// Fold returns the name Redshift uses for id under opts: unquoted
// identifiers fold to lower case; quoted ones keep their case only while
// enable_case_sensitive_identifier is on. A SUPER navigation step (super)
// also keeps its case, quoted or not, while enable_case_sensitive_super_attribute is on.
func Fold(id ast.Ident, super bool, opts Options) string {
	if super && opts.CaseSensitiveSuper {
		return id.Name
	}
	if id.Quoted && opts.CaseSensitive {
		return id.Name
	}
	return strings.ToLower(id.Name)
}

// duckReserved are words DuckDB will not take as bare identifiers.
var duckReserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric at between bigint bit
	both case cast check collate column constraint create cross current_catalog current_date current_role
	current_time current_timestamp current_user default deferrable desc describe distinct do else end except
	exists extract false fetch filter for foreign from full glob grant group having ilike in initially inner
	intersect into is isnull join lateral leading left like limit localtime localtimestamp map natural not
	notnull null offset on only or order outer over overlaps pivot placing primary qualify references returning
	right select semi session_user similar some struct summarize symmetric table then to trailing true union
	unique unpivot using variadic when where window with within anti asof positional position substring trim
	overlay interval row rows range user values`) {
		duckReserved[w] = true
	}
}

// quoteDuck prints a folded name for DuckDB, quoting it unless it is a plain
// lower-case word.
func quoteDuck(name string) string {
	if name == "" || duckReserved[name] {
		return ast.QuoteIdent(name)
	}
	for i, c := range name {
		if !(c == '_' || (c >= 'a' && c <= 'z') || (i > 0 && c >= '0' && c <= '9')) {
			return ast.QuoteIdent(name)
		}
	}
	return name
}

// duckType maps a Redshift type to DuckDB's spelling.
func duckType(t *ast.TypeName) string {
	if len(t.Name) != 1 || t.Name[0].Quoted {
		return ast.FormatType(t)
	}
	name := t.Name[0].Name
	var out string
	switch name {
	case "super":
		out = "VARIANT"
	case "varchar", "character varying", "char varying", "nvarchar", "text", "bpchar", "char", "character",
		"nchar", "national character varying", "national character", "national char varying", "national char", "string":
		out = "VARCHAR"
	case "int", "integer", "int4":
		out = "INTEGER"
	case "smallint", "int2":
		out = "SMALLINT"
	case "bigint", "int8":
		out = "BIGINT"
	case "real", "float4":
		out = "REAL"
	case "float8", "double precision", "double":
		out = "DOUBLE"
	case "float":
		out = "DOUBLE"
		if len(t.Args) == 1 {
			if n, err := strconv.Atoi(t.Args[0]); err == nil && n <= 24 {
				out = "REAL"
			}
		}
	case "numeric", "decimal":
		switch len(t.Args) {
		case 0:
			out = "DECIMAL(18, 0)"
		case 1:
			out = "DECIMAL(" + t.Args[0] + ", 0)"
		default:
			out = "DECIMAL(" + t.Args[0] + ", " + t.Args[1] + ")"
		}
	case "bool", "boolean":
		out = "BOOLEAN"
	case "date":
		out = "DATE"
	case "timestamp", "timestamp without time zone":
		out = "TIMESTAMP"
		if t.TZ == "with" {
			out = "TIMESTAMPTZ"
		}
	case "timestamptz", "timestamp with time zone":
		out = "TIMESTAMPTZ"
	case "time":
		out = "TIME"
		if t.TZ == "with" {
			out = "TIMETZ"
		}
	case "timetz":
		out = "TIMETZ"
	case "varbyte", "varbinary", "binary varying", "bytea", "binary":
		out = "BLOB"
	case "json":
		out = "JSON"
	case "refcursor":
		// A cursor's name (a procedure's OPEN ... FOR names the cursor
		// its caller FETCHes from).
		out = "VARCHAR"
	case "interval":
		out = "INTERVAL"
	default:
		return ast.FormatType(t)
	}
	if t.Array {
		out += "[]"
	}
	return out
}

// newPrinter returns a printer for DuckDB under opts.
func newPrinter(opts Options) *ast.Printer {
	return &ast.Printer{
		DuckDB: true,
		Ident: func(id ast.Ident, super bool) string {
			if super {
				return ast.QuoteIdent(Fold(id, true, opts))
			}
			return quoteDuck(CatalogName(Fold(id, false, opts)))
		},
		Type: duckType,
	}
}

// Print rewrites a copy of stmt for DuckDB and prints it. stmt itself is
// not changed, so the caller may edit a tree (replace a table reference, say)
// and print it again. A statement DuckDB needs several statements for
// (CREATE TABLE with IDENTITY, MERGE ... REMOVE DUPLICATES) prints as a
// script joined with "; " (Translate returns them apart). Errors are
// *sqlerr.Error.
func Print(stmt ast.Stmt, opts Options) (string, error) {
	tr, err := printStmt(stmt, opts, "")
	if err != nil {
		return "", err
	}
	return strings.Join(append(tr.Before, tr.SQL), "; "), nil
}

// printStmt returns the translation of stmt: the DuckDB statements that must
// run first, in the same transaction, and the statement itself.
func printStmt(stmt ast.Stmt, opts Options, src string) (*Translation, error) {
	switch n := stmt.(type) {
	case *ast.CreateFunction:
		return translateFunction(n, opts, src) // function.go
	case *ast.Explain:
		return translateExplain(n, opts, src) // explain.go
	case *ast.Prepare:
		return translatePrepare(n, opts, src) // prepare.go
	}
	rw := &rewriter{opts: opts, src: src}
	out, err := rw.run(ast.Clone(stmt))
	if err != nil {
		return nil, err
	}
	print := func(n ast.Stmt) (string, error) {
		p := newPrinter(opts)
		p.Stmt(n)
		if p.Err != nil {
			return "", rw.errorf(0, "%v", p.Err)
		}
		return p.String(), nil
	}
	var before []string
	switch n := out.(type) {
	case *ast.CreateTable:
		before = identitySequences(n, opts)
		if n.Like != nil {
			// CREATE TABLE t (LIKE other): the other's columns and types;
			// the engine copies NOT NULL and, with INCLUDING DEFAULTS, the
			// defaults after.
			if len(n.Columns) > 0 || len(n.Constraints) > 0 {
				return nil, rw.unsupported(0, "CREATE TABLE (LIKE ...) with more columns")
			}
			n.As = &ast.Select{Items: []ast.SelectItem{{X: &ast.ColumnRef{Star: true}}},
				From: []ast.TableExpr{&ast.TableRef{Name: n.Like}}, Limit: num("0")}
			n.Like = nil
		}
	case *ast.AlterTable:
		if n.Action == "append from" {
			// ALTER TABLE t APPEND FROM s moves s's rows into t, matched by
			// column name (FILLTARGET: t's other columns get defaults).
			if n.Append == "ignoreextra" {
				return nil, rw.unsupported(0, "ALTER TABLE APPEND FROM ... IGNOREEXTRA")
			}
			ins, err := print(&ast.Insert{Table: n.Table, ByName: true, Source: &ast.Select{
				Items: []ast.SelectItem{{X: &ast.ColumnRef{Star: true}}},
				From:  []ast.TableExpr{&ast.TableRef{Name: n.Source}}}})
			if err != nil {
				return nil, err
			}
			before = append(before, ins)
			out = &ast.Delete{Table: n.Source}
		}
		if n.Action == "add column" && n.Column != nil && n.Column.NotNull {
			// DuckDB adds no column with a constraint: ADD COLUMN c ... NOT
			// NULL (with its DEFAULT, which fills the rows there are) is
			// the column added, then made NOT NULL.
			add, col := *n, *n.Column
			col.NotNull, add.Column = false, &col
			a, err := print(&add)
			if err != nil {
				return nil, err
			}
			before = append(before, a)
			p := newPrinter(opts)
			p.W("ALTER TABLE ")
			p.Node(n.Table)
			p.W(" ALTER COLUMN ")
			p.Node(col.Name)
			p.W(" SET NOT NULL")
			out = &ast.Raw{Text: p.String()}
		}
		if n.Redshift || n.Action == "add constraint" || n.Action == "drop constraint" {
			// Physical layout means nothing to DuckDB, and key
			// constraints are the warehouse's (informational, as in
			// Redshift): check the table exists and do nothing else.
			out = &ast.Select{Items: []ast.SelectItem{{X: num("1")}},
				From: []ast.TableExpr{&ast.TableRef{Name: n.Table}}, Limit: num("0")}
		}
	case *ast.Drop:
		// DuckDB drops one object a statement: DROP TABLE a, b (pgbench's
		// first statement) is a DROP of each, in one transaction.
		for len(n.Names) > 1 {
			one := *n
			one.Names = n.Names[:1]
			d, err := print(&one)
			if err != nil {
				return nil, err
			}
			before = append(before, d)
			n.Names = n.Names[1:]
		}
	case *ast.Truncate:
		// Likewise TRUNCATE a, b: a TRUNCATE of each.
		for _, t := range n.More {
			d, err := print(&ast.Truncate{Table: t})
			if err != nil {
				return nil, err
			}
			before = append(before, d)
		}
		n.More = nil
	case *ast.Merge:
		if n.RemoveDuplicates && len(n.Whens) == 0 {
			// Simplified MERGE: target rows that match are replaced by the
			// source rows (duplicates in the target go), and the other source
			// rows are inserted.
			del := &ast.Delete{Table: n.Target, Alias: n.Alias, Using: []ast.TableExpr{n.Source}, Where: n.On}
			d, err := print(del)
			if err != nil {
				return nil, err
			}
			before = append(before, d)
			out = &ast.Insert{Table: n.Target, Source: &ast.Select{
				Items: []ast.SelectItem{{X: &ast.ColumnRef{Star: true}}},
				From:  []ast.TableExpr{ast.Clone(n.Source)}}}
		} else if check := mergeMatchCheck(n); check != nil {
			c, err := print(check)
			if err != nil {
				return nil, err
			}
			before = append(before, c)
		}
	}
	text, err := print(out)
	if err != nil {
		return nil, err
	}
	return &Translation{Stmt: stmt, SQL: text, Before: before, StatementTime: rw.usedStatementTime}, nil
}

// identitySequences gives each IDENTITY(seed, step) column of ct a DuckDB
// sequence and a nextval default, returning the CREATE SEQUENCE statements
// that must run first.
func identitySequences(ct *ast.CreateTable, opts Options) []string {
	var out []string
	for i := range ct.Columns {
		c := &ct.Columns[i]
		if c.Identity == nil {
			continue
		}
		seq := make(ast.Name, 0, len(ct.Name))
		seq = append(seq, ct.Name[:len(ct.Name)-1]...)
		seq = append(seq, ast.Ident{Name: Fold(ct.Name.Last(), false, opts) + "_" + Fold(c.Name, false, opts) + "_seq", Quoted: true})
		p := newPrinter(Options{CaseSensitive: true})
		for j, id := range seq {
			if j > 0 {
				p.W(".")
			}
			p.W(quoteDuck(CatalogName(Fold(id, false, opts))))
		}
		name := p.String()
		seed, _ := strconv.ParseInt(c.Identity[0], 10, 64)
		bound := ""
		switch step, _ := strconv.ParseInt(c.Identity[1], 10, 64); {
		case step > 0 && seed < 1:
			bound = " MINVALUE " + c.Identity[0] // DuckDB's ascending default is 1; Redshift takes any seed
		case step < 0 && seed > -1:
			bound = " MAXVALUE " + c.Identity[0]
		}
		out = append(out, "CREATE SEQUENCE IF NOT EXISTS "+name+" START "+c.Identity[0]+" INCREMENT BY "+c.Identity[1]+bound)
		c.Default = fn("nextval", str(name))
	}
	return out
}

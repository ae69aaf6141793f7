package sql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// outputNames names a result's unnamed columns as Postgres and Redshift do
// (count(*) is "count", x::int is "x", a.payload.items[0].id is "id"),
// where DuckDB would name them by their expression's text ("count_star()",
// "CAST(x AS INTEGER)"). It runs first, on the tree as written, so the names
// come from the user's functions and paths, not from their rewrites.
//
// Every SELECT block is named, so that an outer query, a view or a CTE's
// reader can refer to a subquery's count or lag column by Redshift's name.
// Expressions Postgres calls "?column?" (operators, literals) are named so
// only in a query's own result; elsewhere they keep DuckDB's name, and so
// does a column whose name another column of the same block already has,
// so that a CREATE TABLE AS never meets two columns of one name it did not
// have before.
func outputNames(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	var top *ast.Select
	if q, ok := stmt.(ast.Query); ok {
		top = firstSelect(q)
	}
	ast.Walk(stmt, func(n any) bool {
		if sel, ok := n.(*ast.Select); ok {
			rw.nameSelect(sel, sel == top)
		}
		return true
	})
	return stmt, nil
}

// nameSelect names sel's unnamed columns; top is a query's own result,
// where "?column?" is named too.
func (rw *rewriter) nameSelect(sel *ast.Select, top bool) {
	taken := map[string]bool{}
	for _, it := range sel.Items {
		if it.Alias != nil {
			taken[Fold(*it.Alias, false, rw.opts)] = true
		} else if c, ok := it.X.(*ast.ColumnRef); ok && !c.Star && len(c.Parts) > 0 {
			taken[Fold(c.Parts[len(c.Parts)-1], false, rw.opts)] = true
		}
	}
	for i := range sel.Items {
		it := &sel.Items[i]
		if it.Alias != nil {
			continue
		}
		if _, plain := it.X.(*ast.ColumnRef); plain {
			continue // DuckDB already names a column (or a star's columns) by its name
		}
		name, strength := columnName(it.X, rw.opts)
		if strength == 0 && top {
			it.Alias = &ast.Ident{Name: "?column?", Quoted: true}
			continue
		}
		if strength == 0 && isOperator(it.X) && !taken["?column?"] {
			// A subquery's, view's or table's column: "?column?" as
			// Postgres names it, once (DuckDB keeps its expression text
			// for the others, where Postgres would repeat the name).
			taken["?column?"] = true
			it.Alias = &ast.Ident{Name: "?column?", Quoted: true}
			continue
		}
		if strength == 0 || (taken[name] && !top) {
			continue
		}
		taken[name] = true
		it.Alias = &ast.Ident{Name: name, Quoted: true}
	}
}

// isOperator reports whether x is an operator's result (a + b, -a), which
// DuckDB would name by its text.
func isOperator(x ast.Expr) bool {
	switch x.(type) {
	case *ast.Binary, *ast.Unary:
		return true
	}
	return false
}

// firstSelect is the SELECT block whose select list names q's columns.
func firstSelect(q ast.Query) *ast.Select {
	for {
		switch s := q.(type) {
		case *ast.Select:
			return s
		case *ast.SetOp:
			q = s.L
		case *ast.ParenQuery:
			q = s.Q
		default:
			return nil
		}
	}
}

// columnName is Postgres's FigureColname: the name of an unaliased
// select-list expression, and how sure it is (2: a column, field or
// function name; 1: a type name or "case"; 0: none, "?column?").
func columnName(x ast.Expr, opts Options) (string, int) {
	switch x := x.(type) {
	case *ast.ColumnRef:
		if x.Star || len(x.Parts) == 0 {
			return "", 0
		}
		return Fold(x.Parts[len(x.Parts)-1], false, opts), 2
	case *ast.Field:
		return Fold(x.Name, true, opts), 2
	case *ast.Index:
		return columnName(x.X, opts)
	case *ast.Paren:
		return columnName(x.X, opts)
	case *ast.Func:
		if len(x.Name) == 0 {
			return "", 0
		}
		if x.Special == "extract" {
			return "date_part", 2 // Redshift names EXTRACT's column so
		}
		return Fold(x.Name.Last(), false, opts), 2
	case *ast.Cast:
		if name, s := columnName(x.X, opts); s == 2 {
			return name, s
		}
		return pgTypeName(x.Type), 1
	case *ast.TypedLiteral:
		return pgTypeName(x.Type), 1
	case *ast.Interval:
		return "interval", 1
	case *ast.Case:
		if x.Else != nil {
			if name, s := columnName(x.Else, opts); s == 2 {
				return name, s
			}
		}
		return "case", 1
	case *ast.Exists:
		return "exists", 2
	case *ast.ArrayLit:
		return "array", 2
	case *ast.Subquery:
		if x.Quant != "" {
			return "", 0
		}
		sel := firstSelect(x.Q)
		if sel == nil || len(sel.Items) == 0 {
			return "", 0
		}
		if a := sel.Items[0].Alias; a != nil {
			return Fold(*a, false, opts), 2
		}
		return columnName(sel.Items[0].X, opts)
	}
	return "", 0
}

// pgTypeNames are Postgres's internal names for the types the grammar
// renames, which is what a cast's column is called.
var pgTypeNames = map[string]string{
	"int": "int4", "integer": "int4", "smallint": "int2", "bigint": "int8",
	"real": "float4", "float": "float8", "double precision": "float8",
	"decimal": "numeric", "boolean": "bool",
	"char": "bpchar", "character": "bpchar", "nchar": "bpchar",
	"character varying": "varchar", "nvarchar": "varchar",
	"timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz",
	"time without time zone": "time", "time with time zone": "timetz",
}

func pgTypeName(t *ast.TypeName) string {
	if t == nil || len(t.Name) == 0 {
		return ""
	}
	name := strings.ToLower(t.Name.Last().Name)
	switch {
	case t.TZ == "with" && name == "timestamp":
		return "timestamptz"
	case t.TZ == "with" && name == "time":
		return "timetz"
	}
	if n, ok := pgTypeNames[name]; ok {
		return n
	}
	return name
}

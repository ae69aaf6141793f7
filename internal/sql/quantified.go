package sql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// quantifiedArrays rewrites x op ANY|SOME|ALL (array) into the same
// comparison over a subquery that unnests the array: x = ANY (SELECT
// unnest(array)). DuckDB compares with ANY only over subqueries, while
// Postgres clients send arrays there, most often as a parameter (node-
// postgres's `id = ANY($1)`, psycopg's lists, pgcli's `relkind = ANY(%s)`).
// A quantified subquery has Postgres's three-valued result over NULL
// elements and is false (ANY) or true (ALL) over an empty array, as in
// Postgres. A parameter there whose type the client did not declare is
// read as a list of strings (see below).
func quantifiedArrays(_ *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	return rewriteExprs(stmt, func(x ast.Expr) (ast.Expr, error) {
		q, ok := x.(*ast.Quantified)
		if !ok || q.Array == nil {
			return x, nil
		}
		arr := q.Array
		if _, ok := arr.(*ast.Param); ok {
			// A parameter of no declared type (node-postgres leaves every
			// type to the server): Postgres types it from x, which DuckDB
			// cannot. It is read as a list of strings and, for = and <>,
			// compared with x's text, which matches the integers, strings
			// and UUIDs such lists hold.
			arr = &ast.Cast{X: arr, Type: &ast.TypeName{Name: ast.Name{{Name: "varchar"}}, Array: true}}
			if q.Op == "=" || q.Op == "<>" || q.Op == "!=" {
				q.X = &ast.Cast{X: q.X, Type: &ast.TypeName{Name: ast.Name{{Name: "varchar"}}}}
			}
		}
		q.Sub = &ast.Select{Items: []ast.SelectItem{{X: fn("unnest", arr)}}}
		q.Array = nil
		return q, nil
	})
}

// paramTypes casts each parameter the client declared a type for (see
// Options.ParamTypes) to that type.
func paramTypes(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	if len(rw.opts.ParamTypes) == 0 {
		return stmt, nil
	}
	return rewriteExprs(stmt, func(x ast.Expr) (ast.Expr, error) {
		p, ok := x.(*ast.Param)
		if !ok || p.N < 1 || p.N > len(rw.opts.ParamTypes) || rw.opts.ParamTypes[p.N-1] == "" {
			return x, nil
		}
		name, array := strings.CutSuffix(rw.opts.ParamTypes[p.N-1], "[]")
		return &ast.Cast{X: p, Type: &ast.TypeName{Name: ast.Name{{Name: name}}, Array: array}}, nil
	})
}

// arrayLiterals rewrites a Postgres array literal cast to an array type,
// '{1,2}'::int[], into DuckDB's list syntax, '[1,2]'::INTEGER[].
func arrayLiterals(_ *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	return rewriteExprs(stmt, func(x ast.Expr) (ast.Expr, error) {
		c, ok := x.(*ast.Cast)
		if !ok || c.Type == nil || !c.Type.Array {
			return x, nil
		}
		lit, ok := c.X.(*ast.Literal)
		if !ok || lit.Kind != ast.LitString || !strings.HasPrefix(strings.TrimSpace(lit.Value), "{") {
			return x, nil
		}
		l, err := ListFromArray(lit.Value)
		if err != nil {
			return nil, sqlerr.New(sqlerr.InvalidTextRepresentation, "%v", err)
		}
		c.X = &ast.Literal{Kind: ast.LitString, Value: l}
		return c, nil
	})
}

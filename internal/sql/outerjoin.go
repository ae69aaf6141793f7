package sql

import (
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// plusOuterJoins: WHERE conditions that mark a column with Oracle's (+)
// make that column's table the optional side of a left outer join (SQL
// reference, "Oracle-style outer joins in the WHERE clause"): FROM a, b
// WHERE a.x = b.x(+) is FROM a LEFT JOIN b ON a.x = b.x. The other FROM
// entries stay inner (cross joined, their WHERE conditions kept); each
// optional table joins last, in FROM order, on all the conditions that
// mark it.
func plusOuterJoins(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	var first error
	out := ast.Rewrite(stmt, func(n any) any {
		sel, ok := n.(*ast.Select)
		if !ok || sel.Where == nil || first != nil || !hasPlus(sel.Where) {
			return n
		}
		if err := rw.plusJoin(sel); err != nil {
			first = err
		}
		return sel
	})
	if first != nil {
		return nil, first
	}
	// A (+) anywhere else (a select list, a JOIN's ON) has no meaning.
	left := false
	ast.Rewrite(out, func(n any) any {
		if c, ok := n.(*ast.ColumnRef); ok && c.OuterJoin {
			left = true
		}
		return n
	})
	if left {
		return nil, rw.unsupported(0, "(+) outside a WHERE clause's conditions")
	}
	return out.(ast.Stmt), nil
}

func hasPlus(x ast.Expr) bool {
	found := false
	ast.Rewrite(x, func(n any) any {
		if c, ok := n.(*ast.ColumnRef); ok && c.OuterJoin {
			found = true
		}
		return n
	})
	return found
}

// fromName is the name a FROM entry's columns are qualified with.
func (rw *rewriter) fromName(t ast.TableExpr) (string, bool) {
	switch t := t.(type) {
	case *ast.TableRef:
		if t.Alias != nil {
			return rw.key(t.Alias.Name), true
		}
		return rw.key(t.Name.Last()), true
	case *ast.SubqueryTable:
		if t.Alias != nil {
			return rw.key(t.Alias.Name), true
		}
	}
	return "", false
}

func (rw *rewriter) plusJoin(sel *ast.Select) error {
	names := make([]string, len(sel.From))
	for i, t := range sel.From {
		name, ok := rw.fromName(t)
		if !ok {
			return rw.unsupported(0, "(+) outer join with a FROM entry other than a table or an aliased subquery")
		}
		names[i] = name
	}
	var keep []ast.Expr
	on := map[string][]ast.Expr{}
	for _, c := range andTerms(sel.Where) {
		if !hasPlus(c) {
			keep = append(keep, c)
			continue
		}
		optional := ""
		var bad error
		ast.Rewrite(c, func(n any) any {
			col, ok := n.(*ast.ColumnRef)
			if !ok || !col.OuterJoin {
				return n
			}
			col.OuterJoin = false
			if len(col.Parts) < 2 {
				bad = rw.unsupported(0, "(+) on a column not qualified by its table")
				return n
			}
			t := rw.key(col.Parts[len(col.Parts)-2])
			if optional != "" && optional != t {
				bad = rw.unsupported(0, "(+) on columns of two tables in one condition")
			}
			optional = t
			return n
		})
		if bad != nil {
			return bad
		}
		on[optional] = append(on[optional], c)
	}
	var tree ast.TableExpr
	var optional []int
	for i, t := range sel.From {
		if _, ok := on[names[i]]; ok {
			optional = append(optional, i)
			continue
		}
		if tree == nil {
			tree = t
		} else {
			tree = &ast.Join{Kind: "cross", L: tree, R: t}
		}
	}
	if tree == nil || len(optional) != len(on) {
		return rw.unsupported(0, "(+) outer join whose marked table is not in FROM, or with every table marked")
	}
	for _, i := range optional {
		tree = &ast.Join{Kind: "left", L: tree, R: sel.From[i], On: andOf(on[names[i]])}
	}
	sel.From = []ast.TableExpr{tree}
	sel.Where = andOf(keep)
	return nil
}

// andTerms splits x at its top-level ANDs.
func andTerms(x ast.Expr) []ast.Expr {
	switch b := x.(type) {
	case *ast.Binary:
		if b.Op == "and" {
			return append(andTerms(b.L), andTerms(b.R)...)
		}
	case *ast.Paren:
		if inner, ok := b.X.(*ast.Binary); ok && inner.Op == "and" {
			return andTerms(inner)
		}
	}
	return []ast.Expr{x}
}

// andOf joins conditions with AND; nil for none.
func andOf(xs []ast.Expr) ast.Expr {
	var out ast.Expr
	for _, x := range xs {
		if out == nil {
			out = x
		} else {
			out = &ast.Binary{Op: "and", L: out, R: x}
		}
	}
	return out
}

package sql

import (
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// superOrder: ORDER BY a SUPER value orders its numbers numerically
// (Redshift: -2.5 before 1 before 10), where DuckDB's VARIANT order puts
// every integer before every double. A visibly SUPER sort key (a path into
// SUPER, JSON_PARSE, a cast to SUPER, or a select-list alias of one) is
// sorted first by its numeric value, numbers before other values, then by
// itself. Types are not known here: a SUPER column sorted as it is keeps
// DuckDB's order (docs/sql.md).
func superOrder(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	out := ast.Rewrite(stmt, func(n any) any {
		sel, ok := n.(*ast.Select)
		if !ok || len(sel.OrderBy) == 0 || sel.Distinct || len(sel.DistinctOn) > 0 {
			return n
		}
		aliases := map[string]bool{}
		for _, it := range sel.Items {
			if it.Alias != nil && isSuperExpr(it.X) {
				aliases[rw.key(*it.Alias)] = true
			}
		}
		var items []ast.OrderItem
		for _, o := range sel.OrderBy {
			super := isSuperExpr(o.X)
			if c, ok := o.X.(*ast.ColumnRef); ok && len(c.Parts) == 1 && aliases[rw.key(c.Parts[0])] {
				super = true
			}
			if super {
				items = append(items, ast.OrderItem{X: fn("rs_super_number", ast.Clone(o.X)), Desc: o.Desc})
			}
			items = append(items, o)
		}
		sel.OrderBy = items
		return sel
	})
	return out.(ast.Stmt), nil
}

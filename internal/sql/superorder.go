package sql

import (
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// superOrder: ORDER BY a SUPER value orders its numbers numerically
// (Redshift: -2.5 before 1 before 10), where DuckDB's VARIANT order puts
// every integer before every double. A visibly SUPER sort key (a path into
// SUPER, JSON_PARSE, a cast to SUPER, or a select-list alias of one) is
// sorted first by its numeric value, numbers before other values, then by
// itself. A SUPER column of the one table a SELECT reads is known from
// the warehouse's catalog (Options.CharLimits); other SUPER columns keep
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
		named := map[string]bool{} // every select-list alias: ORDER BY names them first
		for _, it := range sel.Items {
			if it.Alias != nil {
				named[rw.key(*it.Alias)] = true
			}
		}
		superCols := rw.superColumns(sel)
		var items []ast.OrderItem
		for _, o := range sel.OrderBy {
			super := isSuperExpr(o.X)
			if c, ok := o.X.(*ast.ColumnRef); ok && !c.Star {
				switch {
				case len(c.Parts) == 1 && aliases[rw.key(c.Parts[0])]:
					super = true
				case len(c.Parts) == 1 && !named[rw.key(c.Parts[0])] && superCols[rw.key(c.Parts[0])]:
					super = true
				case len(c.Parts) == 2 && superCols[rw.key(c.Parts[0])+"."+rw.key(c.Parts[1])]:
					super = true
				}
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

// superColumns names the SUPER columns of the one table sel reads (by
// name and by table.name), when it reads one table and orders by a column
// name; nil otherwise.
func (rw *rewriter) superColumns(sel *ast.Select) map[string]bool {
	if rw.opts.CharLimits == nil || len(sel.From) != 1 {
		return nil
	}
	t, ok := sel.From[0].(*ast.TableRef)
	if !ok {
		return nil
	}
	byName := false
	for _, o := range sel.OrderBy {
		if c, ok := o.X.(*ast.ColumnRef); ok && !c.Star && len(c.Parts) <= 2 {
			byName = true
		}
	}
	if !byName {
		return nil
	}
	qual := rw.key(t.Name.Last())
	if t.Alias != nil {
		qual = rw.key(t.Alias.Name)
	}
	out := map[string]bool{}
	for _, c := range rw.opts.CharLimits(t.Name) {
		if c.Super {
			out[c.Name] = true
			out[qual+"."+c.Name] = true
		}
	}
	return out
}

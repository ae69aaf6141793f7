package sql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// relationalPivot: a PIVOT whose source is a subquery with a plain select
// list becomes the grouped query Redshift's PIVOT means (SQL reference,
// "PIVOT and UNPIVOT examples"): the source's other columns, then one
// column per IN value and aggregate, each aggregate filtered to its value
// (NULL matches NULL), named by the value or its alias, with
// "_aggregate alias" appended when the aggregate has one. That way AVG
// keeps Redshift's type and scale, which DuckDB's own PIVOT (one plain
// aggregate) cannot. Any other PIVOT is DuckDB's, except with AVG, which
// is refused rather than answered with DuckDB's average.
func relationalPivot(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	var first error
	out := ast.Rewrite(stmt, func(n any) any {
		pt, ok := n.(*ast.PivotTable)
		if !ok || pt.Unpivot || first != nil {
			return n
		}
		if t, ok := pivotAsQuery(rw, pt); ok {
			return t
		}
		for _, a := range pt.Aggs {
			if f, ok := a.X.(*ast.Func); ok && len(f.Name) == 1 && strings.EqualFold(f.Name[0].Name, "avg") {
				first = rw.unsupported(0, "AVG in a PIVOT of a table (PIVOT a subquery that lists its columns)")
			}
		}
		return n
	})
	if first != nil {
		return nil, first
	}
	return out.(ast.Stmt), nil
}

// pivotAsQuery rewrites pt when its source's columns are known.
func pivotAsQuery(rw *rewriter, pt *ast.PivotTable) (ast.TableExpr, bool) {
	src, ok := pt.Source.(*ast.SubqueryTable)
	if !ok {
		return nil, false
	}
	sel, ok := src.Q.(*ast.Select)
	if !ok {
		return nil, false
	}
	var cols []string
	for _, it := range sel.Items {
		switch {
		case it.Alias != nil:
			cols = append(cols, Fold(*it.Alias, false, rw.opts))
		default:
			c, ok := it.X.(*ast.ColumnRef)
			if !ok || c.Star || len(c.Parts) == 0 {
				return nil, false
			}
			cols = append(cols, Fold(c.Parts[len(c.Parts)-1], false, rw.opts))
		}
	}
	used := map[string]bool{Fold(pt.For, false, rw.opts): true}
	for _, a := range pt.Aggs {
		f, ok := a.X.(*ast.Func)
		if !ok || f.Over != nil || f.Filter != nil {
			return nil, false
		}
		ast.Rewrite(f, func(n any) any {
			if c, ok := n.(*ast.ColumnRef); ok && !c.Star && len(c.Parts) > 0 {
				used[Fold(c.Parts[len(c.Parts)-1], false, rw.opts)] = true
			}
			return n
		})
	}
	alias := ast.Ident{Name: "rs_pivot"}
	q := &ast.Select{}
	for _, c := range cols {
		if used[c] {
			continue
		}
		ref := &ast.ColumnRef{Parts: []ast.Ident{alias, {Name: c, Quoted: true}}}
		q.Items = append(q.Items, ast.SelectItem{X: ref})
		q.GroupBy = append(q.GroupBy, ast.Clone(ref))
	}
	forRef := &ast.ColumnRef{Parts: []ast.Ident{alias, pt.For}}
	for _, v := range pt.In {
		name, ok := pivotValueName(v, rw.opts)
		if !ok {
			return nil, false
		}
		for _, a := range pt.Aggs {
			f := ast.Clone(a.X.(*ast.Func))
			col := name
			if a.Alias != nil {
				col += "_" + Fold(*a.Alias, false, rw.opts)
			}
			var cond ast.Expr = &ast.Binary{Op: "=", L: ast.Clone(forRef), R: ast.Clone(v.X)}
			if l, ok := v.X.(*ast.Literal); ok && l.Kind == ast.LitNull {
				cond = &ast.Is{X: ast.Clone(forRef), What: "null"}
			}
			f.Filter = cond
			q.Items = append(q.Items, ast.SelectItem{X: f, Alias: &ast.Ident{Name: col, Quoted: true}})
		}
	}
	src.Alias = &ast.Alias{Name: alias}
	q.From = []ast.TableExpr{src}
	out := &ast.SubqueryTable{Q: q, Alias: pt.Alias}
	if out.Alias == nil {
		out.Alias = &ast.Alias{Name: ast.Ident{Name: "rs_pivoted"}}
	}
	return out, true
}

// pivotValueName is the column an IN value makes: its alias, or the
// constant itself ('prop' is prop, 5 is 5, NULL is null).
func pivotValueName(v ast.SelectItem, opts Options) (string, bool) {
	if v.Alias != nil {
		return Fold(*v.Alias, false, opts), true
	}
	l, ok := v.X.(*ast.Literal)
	if !ok {
		return "", false
	}
	switch l.Kind {
	case ast.LitString, ast.LitNumber:
		return l.Value, true
	case ast.LitNull:
		return "null", true
	}
	return "", false
}

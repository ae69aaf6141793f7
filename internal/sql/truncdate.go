package sql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// truncDates: TRUNC(timestamp) is Redshift's TRUNC date function, which
// returns the timestamp's DATE (SQL reference, "TRUNC function" under
// date and time functions), where DuckDB's trunc takes numbers only.
// redshift-functions reads a visibly date or timestamp argument (a cast,
// a literal, GETDATE()) as such; this rule marks the rest it can know: a
// DATE or TIMESTAMP column of a table the SELECT (or UPDATE's or DELETE's
// target) names directly, its type from the warehouse's catalog
// (Options.CharLimits), becomes trunc(CAST(col AS TIMESTAMP)), which
// prints as a cast to DATE. Any other timestamp (a derived table's or a
// CTE's column) reaches the warehouse's trunc overloads for dates, slower
// (a Go function a row) but as exact.
func truncDates(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	if rw.opts.CharLimits == nil {
		return stmt, nil
	}
	out := ast.Rewrite(stmt, func(n any) any {
		var refs []*ast.TableRef
		switch s := n.(type) {
		case *ast.Select:
			refs = tableRefs(s.From)
		case *ast.Update:
			refs = append(tableRefs(s.From), &ast.TableRef{Name: s.Table, Alias: aliasOf(s.Alias)})
		case *ast.Delete:
			refs = append(tableRefs(s.Using), &ast.TableRef{Name: s.Table, Alias: aliasOf(s.Alias)})
		default:
			return n
		}
		if len(refs) == 0 {
			return n
		}
		var kinds map[string]string
		ast.Walk(n, func(m any) bool {
			if q, ok := m.(*ast.Select); ok && q != n {
				return false // a subquery reads its own tables
			}
			f, ok := m.(*ast.Func)
			if !ok || len(f.Name) != 1 || len(f.Args) != 1 || !strings.EqualFold(f.Name[0].Name, "trunc") {
				return true
			}
			c, ok := f.Args[0].(*ast.ColumnRef)
			if !ok || c.Star || len(c.Parts) == 0 || len(c.Parts) > 2 {
				return true
			}
			if kinds == nil {
				kinds = rw.dateColumns(refs)
			}
			key := rw.key(c.Parts[len(c.Parts)-1])
			if len(c.Parts) == 2 {
				key = rw.key(c.Parts[0]) + "." + key
			}
			if kinds[key] != "" {
				f.Args[0] = cast(c, "timestamp")
			}
			return true
		})
		return n
	})
	return out.(ast.Stmt), nil
}

package sql

import (
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// dateComparisons: a string literal compared with a DATE or TIMESTAMP
// column (=, <>, <, <=, >, >=, BETWEEN, IN) is read in Redshift's date
// forms, as a cast of it would be (dates.go): WHERE x >= '01/01/2024' is
// WHERE x >= '2024-01-01', where DuckDB reads only ISO text. The column is
// one of a table the statement's FROM (or UPDATE's and DELETE's target)
// names directly, its type from the warehouse's catalog
// (Options.CharLimits); a literal compared with anything else is left as
// written, since it may be compared as text.
func dateComparisons(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	if rw.opts.CharLimits == nil {
		return stmt, nil
	}
	out := ast.Rewrite(stmt, func(n any) any {
		var refs []*ast.TableRef
		var exprs []*ast.Expr
		switch s := n.(type) {
		case *ast.Select:
			refs = tableRefs(s.From)
			exprs = []*ast.Expr{&s.Where, &s.Having}
			for _, t := range s.From {
				exprs = append(exprs, joinConds(t)...)
			}
		case *ast.Update:
			refs = append(tableRefs(s.From), &ast.TableRef{Name: s.Table, Alias: aliasOf(s.Alias)})
			exprs = []*ast.Expr{&s.Where}
		case *ast.Delete:
			refs = append(tableRefs(s.Using), &ast.TableRef{Name: s.Table, Alias: aliasOf(s.Alias)})
			exprs = []*ast.Expr{&s.Where}
		default:
			return n
		}
		var kinds map[string]string
		read := false
		kindOf := func(x ast.Expr) string {
			c, ok := x.(*ast.ColumnRef)
			if !ok || c.Star || len(c.Parts) == 0 || len(c.Parts) > 2 {
				return ""
			}
			if !read {
				kinds, read = rw.dateColumns(refs), true
			}
			key := rw.key(c.Parts[len(c.Parts)-1])
			if len(c.Parts) == 2 {
				key = rw.key(c.Parts[0]) + "." + key
			}
			return kinds[key]
		}
		// fix reads x, compared with col, as a date or timestamp when it is
		// a string literal in one of Redshift's non-ISO forms and col is a
		// DATE or TIMESTAMP column (the catalog is read only then).
		fix := func(col, x ast.Expr) ast.Expr {
			l, ok := x.(*ast.Literal)
			if !ok || l.Kind != ast.LitString || isISODate(l.Value) {
				return x
			}
			if _, ok := redshiftDate(l.Value, "timestamp", rw.opts.DateDMY); !ok {
				return x
			}
			if kind := kindOf(col); kind != "" {
				if iso, ok := redshiftDate(l.Value, kind, rw.opts.DateDMY); ok {
					return str(iso)
				}
			}
			return x
		}
		for _, p := range exprs {
			if *p == nil {
				continue
			}
			*p = ast.Rewrite(*p, func(m any) any {
				switch e := m.(type) {
				case *ast.Binary:
					switch e.Op {
					case "=", "<>", "!=", "<", "<=", ">", ">=":
						e.R = fix(e.L, e.R)
						e.L = fix(e.R, e.L)
					}
				case *ast.Between:
					e.Lo, e.Hi = fix(e.X, e.Lo), fix(e.X, e.Hi)
				case *ast.In:
					for i := range e.List {
						e.List[i] = fix(e.X, e.List[i])
					}
				}
				return m
			}).(ast.Expr)
		}
		return n
	})
	return out.(ast.Stmt), nil
}

func aliasOf(id *ast.Ident) *ast.Alias {
	if id == nil {
		return nil
	}
	return &ast.Alias{Name: *id}
}

// tableRefs are the tables a FROM list names directly, through joins.
func tableRefs(from []ast.TableExpr) []*ast.TableRef {
	var out []*ast.TableRef
	var walk func(t ast.TableExpr)
	walk = func(t ast.TableExpr) {
		switch t := t.(type) {
		case *ast.TableRef:
			out = append(out, t)
		case *ast.Join:
			walk(t.L)
			walk(t.R)
		case *ast.ParenTable:
			walk(t.T)
		}
	}
	for _, t := range from {
		walk(t)
	}
	return out
}

// joinConds are the ON conditions of the joins in t.
func joinConds(t ast.TableExpr) []*ast.Expr {
	switch t := t.(type) {
	case *ast.Join:
		out := append(joinConds(t.L), joinConds(t.R)...)
		return append(out, &t.On)
	case *ast.ParenTable:
		return joinConds(t.T)
	}
	return nil
}

// dateColumns names the DATE and TIMESTAMP columns of refs, by name
// (where only one table has it) and by table.name, with their kinds.
func (rw *rewriter) dateColumns(refs []*ast.TableRef) map[string]string {
	return refColumns(rw, refs, func(c ColumnLimit) (string, bool) { return c.DateKind, c.DateKind != "" })
}

// refColumns maps the columns of refs that pick keeps (with the value it
// gives) by name, where only one of the tables has the name, and by range
// variable.name.
func refColumns[V any](rw *rewriter, refs []*ast.TableRef, pick func(ColumnLimit) (V, bool)) map[string]V {
	out := map[string]V{}
	seen := map[string]int{}
	for _, t := range refs {
		qual := rw.key(t.Name.Last())
		if t.Alias != nil {
			qual = rw.key(t.Alias.Name)
		}
		for _, c := range rw.opts.CharLimits(t.Name) {
			seen[c.Name]++
			if v, ok := pick(c); ok {
				out[c.Name] = v
				out[qual+"."+c.Name] = v
			}
		}
	}
	for name, n := range seen {
		if n > 1 {
			delete(out, name) // ambiguous unqualified
		}
	}
	return out
}

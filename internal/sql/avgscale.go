package sql

import (
	"strconv"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// avgScale: AVG of a DECIMAL(p, s) is a DECIMAL(38, s) (Redshift's AVG
// function page: "The default precision for an AVG function result with a
// NUMERIC or DECIMAL argument is 38. The scale of the result is the same as
// the scale of the argument"), where rs_avg can only give a DOUBLE (DuckDB
// chooses overloads by type, not by scale). Where the argument's scale is
// known, AVG(x) becomes CAST(AVG(x) AS DECIMAL(38, s)): x is a cast to
// DECIMAL or NUMERIC (possibly negated), or a DECIMAL column of the one
// table the SELECT reads (the warehouse's catalog, Options.CharLimits).
// Other decimal averages keep the DOUBLE (docs/sql.md).
func avgScale(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	done := map[*ast.Func]bool{}
	out := ast.Rewrite(stmt, func(n any) any {
		sel, ok := n.(*ast.Select)
		if !ok {
			return n
		}
		var cols map[string]int
		colsRead := false
		scale := func(x ast.Expr) (int, bool) {
			for unwrapped := false; !unwrapped; {
				switch u := x.(type) {
				case *ast.Unary:
					if u.Op != "-" && u.Op != "+" {
						return -1, false
					}
					x = u.X
				case *ast.Paren:
					x = u.X
				default:
					unwrapped = true
				}
			}
			switch x := x.(type) {
			case *ast.Cast:
				return decimalScale(x.Type)
			case *ast.ColumnRef:
				if x.Star || len(x.Parts) > 2 {
					return -1, false
				}
				if !colsRead {
					cols, colsRead = rw.decimalColumns(sel), true
				}
				key := rw.key(x.Parts[len(x.Parts)-1])
				if len(x.Parts) == 2 {
					key = rw.key(x.Parts[0]) + "." + key
				}
				s, ok := cols[key]
				return s, ok
			}
			return -1, false
		}
		wrap := func(x ast.Expr) ast.Expr {
			if x == nil {
				return nil
			}
			return ast.Rewrite(x, func(m any) any {
				f, ok := m.(*ast.Func)
				if !ok || done[f] || len(f.Name) != 1 || rw.key(f.Name[0]) != "avg" || len(f.Args) != 1 || f.Star ||
					len(f.WithinGroup) > 0 {
					return m
				}
				done[f] = true
				s, ok := scale(f.Args[0])
				if !ok {
					return m
				}
				return &ast.Cast{X: f, Type: &ast.TypeName{Name: ast.Name{{Name: "decimal"}}, Args: []string{"38", strconv.Itoa(s)}}}
			}).(ast.Expr)
		}
		for i := range sel.Items {
			sel.Items[i].X = wrap(sel.Items[i].X)
		}
		sel.Having = wrap(sel.Having)
		for i := range sel.OrderBy {
			sel.OrderBy[i].X = wrap(sel.OrderBy[i].X)
		}
		return sel
	})
	return out.(ast.Stmt), nil
}

// decimalScale is the scale of a DECIMAL or NUMERIC type (Redshift's
// default precision and scale are 18 and 0).
func decimalScale(t *ast.TypeName) (int, bool) {
	if t == nil || t.Array || len(t.Name) != 1 || t.Name[0].Quoted {
		return -1, false
	}
	switch t.Name[0].Name {
	case "decimal", "numeric", "dec":
	default:
		return -1, false
	}
	if len(t.Args) < 2 {
		return 0, true
	}
	s, err := strconv.Atoi(t.Args[1])
	return s, err == nil && s >= 0 && s <= 38
}

// decimalColumns names the DECIMAL columns of the one table sel reads, by
// name and by table.name, with their scales; nil otherwise.
func (rw *rewriter) decimalColumns(sel *ast.Select) map[string]int {
	if rw.opts.CharLimits == nil || len(sel.From) != 1 {
		return nil
	}
	t, ok := sel.From[0].(*ast.TableRef)
	if !ok {
		return nil
	}
	qual := rw.key(t.Name.Last())
	if t.Alias != nil {
		qual = rw.key(t.Alias.Name)
	}
	out := map[string]int{}
	for _, c := range rw.opts.CharLimits(t.Name) {
		if c.Decimal {
			out[c.Name] = c.Scale
			out[qual+"."+c.Name] = c.Scale
		}
	}
	return out
}

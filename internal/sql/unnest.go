package sql

import (
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// unnestPartiQL rewrites PartiQL unnesting in FROM (FROM t a, a.arr b;
// LEFT JOIN a.arr b ON TRUE; AT i; UNPIVOT) into DuckDB's fast form: the
// range variable the path is rooted at is wrapped in a subquery that adds a
// select-list unnest of the array:
//
//	FROM (SELECT *, CAST(unnest(TRY_CAST(CAST(a.arr AS JSON) AS JSON[])) AS VARIANT) AS b FROM t AS a) AS a
//
// A select-list unnest is several times faster on DuckDB than a lateral join.
// For LEFT JOIN the list is coalesced to [NULL] when empty or missing, so the
// left row is kept with b NULL, as Redshift keeps it.
func unnestPartiQL(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	var err error
	ast.Walk(stmt, func(n any) bool {
		if err != nil {
			return false
		}
		switch q := n.(type) {
		case *ast.Select:
			err = rw.unnestFrom(&q.From)
		case *ast.Update:
			err = rw.unnestFrom(&q.From)
		case *ast.Delete:
			err = rw.unnestFrom(&q.Using)
		}
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	rw.starsSkipUnnested(stmt)
	return stmt, nil
}

// starsSkipUnnested makes c.* of a range variable c that a wrapper now
// stands for leave out the columns the wrapper added (the unnested element
// and its AT index), which are not c's: SELECT c.*, o FROM t c, c.arr o
// has o once.
func (rw *rewriter) starsSkipUnnested(stmt ast.Stmt) {
	if len(rw.wrappers) == 0 {
		return
	}
	ast.Walk(stmt, func(n any) bool {
		q, ok := n.(*ast.Select)
		if !ok || rw.wrappers[q] {
			return true
		}
		for i := range q.Items {
			c, ok := q.Items[i].X.(*ast.ColumnRef)
			if !ok || !c.Star || len(c.Parts) != 1 {
				continue
			}
			c.Exclude = append(c.Exclude, rw.addedColumns(q.From, rw.key(c.Parts[0]))...)
		}
		return true
	})
}

// addedColumns returns the columns wrappers added to the range variable
// named key in from.
func (rw *rewriter) addedColumns(from []ast.TableExpr, key string) []ast.Ident {
	var out []ast.Ident
	var visit func(t ast.TableExpr)
	visit = func(t ast.TableExpr) {
		switch t := t.(type) {
		case *ast.Join:
			visit(t.L)
			visit(t.R)
		case *ast.ParenTable:
			visit(t.T)
		case *ast.SubqueryTable:
			sel, ok := t.Q.(*ast.Select)
			if !ok || !rw.wrappers[sel] || t.Alias == nil || rw.key(t.Alias.Name) != key {
				return
			}
			for sel != nil && rw.wrappers[sel] {
				for _, it := range sel.Items[1:] {
					if it.Alias != nil {
						out = append(out, *it.Alias)
					}
				}
				inner, ok := sel.From[0].(*ast.SubqueryTable)
				if !ok {
					break
				}
				sel, _ = inner.Q.(*ast.Select)
			}
		}
	}
	for _, t := range from {
		visit(t)
	}
	return out
}

// unnestFrom rewrites one FROM list in place.
func (rw *rewriter) unnestFrom(from *[]ast.TableExpr) error {
	for {
		found, err := rw.unnestOne(from)
		if err != nil || !found {
			return err
		}
	}
}

// unnestOne rewrites the first PartiQL source in from, reporting whether it
// found one.
func (rw *rewriter) unnestOne(from *[]ast.TableExpr) (bool, error) {
	var src ast.TableExpr // *ast.PathTable or *ast.Unpivot
	keep := false
	// Top-level comma entries.
	for i, t := range *from {
		if i > 0 && isPartiQLSource(t) {
			src = t
			*from = append((*from)[:i:i], (*from)[i+1:]...)
			break
		}
	}
	if src == nil {
		// Joins: a JOIN a.arr b ON TRUE, a LEFT JOIN a.arr b ON TRUE.
		var err error
		for i := range *from {
			var ok bool
			(*from)[i], src, keep, ok, err = rw.takeJoinSource((*from)[i])
			if err != nil {
				return false, err
			}
			if ok {
				break
			}
		}
	}
	if src == nil {
		// A PartiQL source as the first FROM entry has nothing to be rooted at.
		for _, t := range *from {
			if isPartiQLSource(t) {
				return false, rw.unsupported(sourcePos(t), "a PartiQL path as the first FROM entry")
			}
		}
		return false, nil
	}
	rootVar, pos := sourceRoot(src)
	if rootVar == nil {
		return false, rw.unsupported(pos, "a PartiQL FROM path not rooted at a range variable")
	}
	root := rw.key(*rootVar)
	for i := range *from {
		if rw.wrapRoot(&(*from)[i], root, src, keep) {
			return true, nil
		}
	}
	return false, rw.unsupported(pos, "a PartiQL FROM path rooted at a variable of an outer query")
}

func isPartiQLSource(t ast.TableExpr) bool {
	switch t.(type) {
	case *ast.PathTable, *ast.Unpivot:
		return true
	}
	return false
}

func sourcePos(t ast.TableExpr) int {
	if p, ok := t.(*ast.PathTable); ok {
		return p.Pos
	}
	return 0
}

// takeJoinSource looks for a PartiQL source on the right of a join in t; it
// returns t without that join, the source, and whether the join keeps
// unmatched left rows.
func (rw *rewriter) takeJoinSource(t ast.TableExpr) (ast.TableExpr, ast.TableExpr, bool, bool, error) {
	switch j := t.(type) {
	case *ast.Join:
		if isPartiQLSource(j.R) {
			if j.Kind == "right" || j.Kind == "full" {
				return t, nil, false, false, rw.unsupported(sourcePos(j.R), "RIGHT or FULL JOIN to a PartiQL path")
			}
			if j.On != nil && !isTrue(j.On) {
				return t, nil, false, false, rw.unsupported(sourcePos(j.R), "a join to a PartiQL path with a condition other than ON TRUE")
			}
			if len(j.Using) > 0 || j.Natural {
				return t, nil, false, false, rw.unsupported(sourcePos(j.R), "USING or NATURAL with a PartiQL path")
			}
			return j.L, j.R, j.Kind == "left", true, nil
		}
		l, src, keep, ok, err := rw.takeJoinSource(j.L)
		if ok || err != nil {
			j.L = l
			return j, src, keep, ok, err
		}
	case *ast.ParenTable:
		inner, src, keep, ok, err := rw.takeJoinSource(j.T)
		if ok || err != nil {
			j.T = inner
			return j, src, keep, ok, err
		}
	}
	return t, nil, false, false, nil
}

func isTrue(x ast.Expr) bool {
	if p, ok := x.(*ast.Paren); ok {
		return isTrue(p.X)
	}
	l, ok := x.(*ast.Literal)
	return ok && l.Kind == ast.LitBool && l.Value == "true"
}

// sourceRoot returns the variable a PartiQL source's path starts at.
func sourceRoot(t ast.TableExpr) (*ast.Ident, int) {
	var x ast.Expr
	pos := 0
	switch t := t.(type) {
	case *ast.PathTable:
		x, pos = t.Path, t.Pos
	case *ast.Unpivot:
		x = t.X
	}
	for {
		switch y := x.(type) {
		case *ast.Field:
			x = y.X
		case *ast.Index:
			x = y.X
		case *ast.ColumnRef:
			if len(y.Parts) == 0 {
				return nil, pos
			}
			return &y.Parts[0], pos
		default:
			return nil, pos
		}
	}
}

// rangeVar returns the name a FROM entry binds, and whether it binds the
// iteration variable v (an entry this rewrite already wrapped).
func (rw *rewriter) binds(t ast.TableExpr, name string) bool {
	switch t := t.(type) {
	case *ast.TableRef:
		if t.Alias != nil {
			return rw.key(t.Alias.Name) == name
		}
		return rw.key(t.Name.Last()) == name
	case *ast.SubqueryTable:
		if t.Alias == nil {
			return false
		}
		if rw.key(t.Alias.Name) == name {
			return true
		}
		// An entry wrapped for an earlier unnest also binds its iteration variables.
		if sel, ok := t.Q.(*ast.Select); ok && rw.wrappers[sel] {
			for _, it := range sel.Items[1:] {
				if it.Alias != nil && rw.key(*it.Alias) == name {
					return true
				}
			}
		}
	case *ast.FuncTable:
		return t.Alias != nil && rw.key(t.Alias.Name) == name
	}
	return false
}

// wrapRoot finds the FROM entry that binds root inside *t and wraps it.
func (rw *rewriter) wrapRoot(t *ast.TableExpr, root string, src ast.TableExpr, keep bool) bool {
	switch j := (*t).(type) {
	case *ast.Join:
		return rw.wrapRoot(&j.L, root, src, keep) || rw.wrapRoot(&j.R, root, src, keep)
	case *ast.ParenTable:
		return rw.wrapRoot(&j.T, root, src, keep)
	}
	if !rw.binds(*t, root) {
		return false
	}
	*t = rw.wrap(*t, src, keep)
	return true
}

func fn(name string, args ...ast.Expr) *ast.Func {
	return &ast.Func{Name: ast.Name{{Name: name}}, Args: args}
}

func cast(x ast.Expr, typ string) ast.Expr {
	return &ast.Cast{X: x, Type: &ast.TypeName{Name: ast.Name{{Name: typ}}}}
}

func tryCast(x ast.Expr, typ string) ast.Expr {
	return &ast.Cast{X: x, Type: &ast.TypeName{Name: ast.Name{{Name: typ}}}, Try: true}
}

func emptyList() ast.Expr { return &ast.ArrayLit{Bracket: true} }

func nullList() ast.Expr {
	return &ast.ArrayLit{Bracket: true, Items: []ast.Expr{&ast.Literal{Kind: ast.LitNull}}}
}

// keepRow makes an empty or NULL list [NULL], so unnest yields one row.
func keepRow(list ast.Expr) ast.Expr {
	return fn("coalesce", fn("nullif", list, emptyList()), nullList())
}

// wrap builds the subquery that adds src's unnest columns to entry t.
func (rw *rewriter) wrap(t ast.TableExpr, src ast.TableExpr, keep bool) ast.TableExpr {
	alias := rangeAlias(t)
	sel := &ast.Select{
		Items: []ast.SelectItem{{X: &ast.ColumnRef{Star: true}}},
		From:  []ast.TableExpr{t},
	}
	if rw.wrappers == nil {
		rw.wrappers = map[*ast.Select]bool{}
	}
	rw.wrappers[sel] = true
	switch s := src.(type) {
	case *ast.PathTable:
		list := tryCast(cast(s.Path, "json"), "json[]")
		elems := list
		if keep {
			elems = keepRow(list)
		}
		b := s.Alias.Name
		sel.Items = append(sel.Items, ast.SelectItem{X: cast(fn("unnest", elems), "super"), Alias: &b})
		if s.Alias.At != nil {
			idx := fn("range", fn("coalesce", fn("array_length", ast.Clone(list)), &ast.Literal{Kind: ast.LitNumber, Value: "0"}))
			var ix ast.Expr = idx
			if keep {
				ix = keepRow(idx)
			}
			at := *s.Alias.At
			sel.Items = append(sel.Items, ast.SelectItem{X: fn("unnest", ix), Alias: &at})
		}
	case *ast.Unpivot:
		m := tryCast(cast(s.X, "json"), "map(varchar, json)")
		if s.At != nil {
			at := *s.At
			sel.Items = append(sel.Items, ast.SelectItem{X: fn("unnest", fn("map_keys", m)), Alias: &at})
		}
		v := s.Value
		sel.Items = append(sel.Items, ast.SelectItem{X: cast(fn("unnest", fn("map_values", ast.Clone(m))), "super"), Alias: &v})
	}
	return &ast.SubqueryTable{Q: sel, Alias: &ast.Alias{Name: alias}}
}

// rangeAlias is the name outer references use for entry t.
func rangeAlias(t ast.TableExpr) ast.Ident {
	switch t := t.(type) {
	case *ast.TableRef:
		if t.Alias != nil {
			return t.Alias.Name
		}
		return t.Name.Last()
	case *ast.SubqueryTable:
		if t.Alias != nil {
			return t.Alias.Name
		}
	case *ast.FuncTable:
		if t.Alias != nil {
			return t.Alias.Name
		}
	}
	return ast.Ident{Name: "t"}
}

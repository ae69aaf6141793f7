package parser

import (
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

func stackErr(p *parser) *sqlerr.Error {
	return sqlerr.New(sqlerr.StatementTooComplex, "statement is too deeply nested").At(charPos(p.src, p.peek().Pos))
}

// query parses [WITH ...] select-or-set-operation [ORDER BY] [LIMIT] [OFFSET].
func (p *parser) query() ast.Query {
	p.enter()
	defer p.leave()
	var with *ast.With
	if p.is("with") {
		with = p.with()
	}
	q := p.setOps()
	order, limit, offset, limitAll := p.queryTail()
	switch x := q.(type) {
	case *ast.Select:
		if order != nil || limit != nil || offset != nil || limitAll {
			if x.OrderBy != nil || x.Limit != nil || x.Offset != nil {
				p.fail(p.peek(), "")
			}
			x.OrderBy, x.Limit, x.Offset, x.LimitAll = order, limit, offset, limitAll
		}
		if with != nil {
			x.With = with
		}
	case *ast.SetOp:
		x.OrderBy, x.Limit, x.Offset = order, limit, offset
		x.With = with
	case *ast.ParenQuery:
		if order != nil || limit != nil || offset != nil {
			x.OrderBy, x.Limit, x.Offset = order, limit, offset
		}
		if with != nil {
			return &ast.Select{With: with, Items: []ast.SelectItem{{X: &ast.ColumnRef{Star: true}}},
				From: []ast.TableExpr{&ast.SubqueryTable{Q: x, Alias: &ast.Alias{Name: ast.Ident{Name: "q"}}}}}
		}
	case *ast.Values:
		if with != nil || order != nil || limit != nil || offset != nil {
			return &ast.Select{With: with, Items: []ast.SelectItem{{X: &ast.ColumnRef{Star: true}}},
				From:    []ast.TableExpr{&ast.SubqueryTable{Q: x, Alias: &ast.Alias{Name: ast.Ident{Name: "v"}}}},
				OrderBy: order, Limit: limit, Offset: offset}
		}
	}
	return q
}

func (p *parser) with() *ast.With {
	p.expect("with")
	w := &ast.With{Recursive: p.accept("recursive")}
	for {
		c := ast.CTE{Name: p.ident()}
		if p.is("(") {
			c.Columns = p.parenIdentList()
		}
		p.expect("as")
		p.expect("(")
		c.Q = p.query()
		p.expect(")")
		w.CTEs = append(w.CTEs, c)
		if !p.accept(",") {
			return w
		}
	}
}

func (p *parser) queryTail() (order []ast.OrderItem, limit, offset ast.Expr, limitAll bool) {
	if p.acceptSeq("order", "by") {
		order = p.orderList()
	}
	for {
		switch {
		case p.accept("limit"):
			if p.accept("all") {
				limitAll = true
			} else {
				limit = p.expr()
			}
		case p.accept("offset"):
			offset = p.expr()
			if !p.accept("rows") {
				p.accept("row")
			}
		default:
			return
		}
	}
}

func (p *parser) setOps() ast.Query {
	l := p.intersects()
	for p.is("union") || p.is("except") || p.is("minus") {
		op := p.next().Value
		all := p.accept("all")
		if !all {
			p.accept("distinct")
		}
		l = &ast.SetOp{Op: op, All: all, L: l, R: p.intersects()}
	}
	return l
}

func (p *parser) intersects() ast.Query {
	l := p.simpleQuery()
	for p.is("intersect") {
		p.next()
		all := p.accept("all")
		if !all {
			p.accept("distinct")
		}
		l = &ast.SetOp{Op: "intersect", All: all, L: l, R: p.simpleQuery()}
	}
	return l
}

func (p *parser) simpleQuery() ast.Query {
	switch {
	case p.is("select"):
		return p.selectBlock()
	case p.is("values"):
		return p.values()
	case p.is("("):
		p.next()
		q := p.query()
		p.expect(")")
		return &ast.ParenQuery{Q: q}
	}
	p.fail(p.peek(), "")
	return nil
}

func (p *parser) values() *ast.Values {
	p.expect("values")
	v := &ast.Values{}
	for {
		p.expect("(")
		var row []ast.Expr
		for {
			if p.is("default") && (p.peekN(1).Is(",") || p.peekN(1).Is(")")) {
				p.next()
				row = append(row, &ast.Keyword{Word: "DEFAULT"})
			} else {
				row = append(row, p.expr())
			}
			if !p.accept(",") {
				break
			}
		}
		v.Rows = append(v.Rows, row)
		p.expect(")")
		if !p.accept(",") {
			return v
		}
	}
}

func (p *parser) selectBlock() *ast.Select {
	p.expect("select")
	s := &ast.Select{}
	if p.accept("top") {
		t := p.next()
		if t.Kind != lex.Number {
			p.fail(t, "")
		}
		s.Top = &ast.Literal{Kind: ast.LitNumber, Value: t.Value}
	}
	if p.accept("distinct") {
		s.Distinct = true
		if p.accept("on") {
			p.expect("(")
			s.DistinctOn = p.exprList()
			p.expect(")")
		}
	} else {
		p.accept("all")
	}
	if s.Top == nil && p.accept("top") {
		t := p.next()
		if t.Kind != lex.Number {
			p.fail(t, "")
		}
		s.Top = &ast.Literal{Kind: ast.LitNumber, Value: t.Value}
	}
	for {
		it := ast.SelectItem{X: p.expr()}
		if c, ok := it.X.(*ast.ColumnRef); ok && c.Star && p.accept("exclude") {
			// SELECT * EXCLUDE col | EXCLUDE (col, ...)
			if p.accept("(") {
				for {
					c.Exclude = append(c.Exclude, p.ident())
					if !p.accept(",") {
						break
					}
				}
				p.expect(")")
			} else {
				c.Exclude = append(c.Exclude, p.ident())
			}
		}
		if p.accept("as") {
			id := p.ident()
			it.Alias = &id
		} else if p.isAliasIdent() {
			id := p.ident()
			it.Alias = &id
		}
		s.Items = append(s.Items, it)
		if !p.accept(",") {
			break
		}
	}
	if p.is("into") {
		p.selectInto()
	}
	if p.accept("from") {
		s.From = p.fromList()
	}
	if p.accept("where") {
		s.Where = p.expr()
	}
	if p.acceptSeq("group", "by") {
		if p.is("all") && !p.peekN(1).Is("(") {
			p.next()
			s.GroupAll = true
		} else {
			s.GroupBy = p.groupByList()
		}
	}
	if p.accept("having") {
		s.Having = p.expr()
	}
	if p.accept("qualify") {
		s.Qualify = p.expr()
	}
	if p.accept("window") {
		for {
			nw := ast.NamedWindow{Name: p.ident()}
			p.expect("as")
			nw.W = p.windowSpec()
			s.Windows = append(s.Windows, nw)
			if !p.accept(",") {
				break
			}
		}
	}
	return s
}

func (p *parser) fromList() []ast.TableExpr {
	var out []ast.TableExpr
	for {
		out = append(out, p.joinTree())
		if !p.accept(",") {
			return out
		}
	}
}

// joinKind consumes a join keyword sequence, returning its kind and naturalness.
func (p *parser) joinKind() (kind string, natural, ok bool) {
	save := p.i
	natural = p.accept("natural")
	switch {
	case p.accept("join"):
		return "inner", natural, true
	case p.acceptSeq("inner", "join"):
		return "inner", natural, true
	case p.acceptSeq("cross", "join"):
		return "cross", natural, true
	}
	for _, k := range []string{"left", "right", "full"} {
		if p.is(k) {
			p.next()
			p.accept("outer")
			if p.accept("join") {
				return k, natural, true
			}
			p.i = save
			return "", false, false
		}
	}
	p.i = save
	return "", false, false
}

func (p *parser) joinTree() ast.TableExpr {
	p.enter()
	defer p.leave()
	l := p.pivots(p.tablePrimary())
	for {
		kind, natural, ok := p.joinKind()
		if !ok {
			return l
		}
		j := &ast.Join{Kind: kind, Natural: natural, L: l, R: p.pivots(p.tablePrimary())}
		if kind != "cross" && !natural {
			switch {
			case p.accept("on"):
				j.On = p.expr()
			case p.accept("using"):
				j.Using = p.parenIdentList()
			default:
				p.fail(p.peek(), "")
			}
		}
		l = j
	}
}

// columnDefList reads an alias's column list: names, or names with types
// (a column definition list); types is nil when no column has one.
func (p *parser) columnDefList() (cols []ast.Ident, types []*ast.TypeName) {
	p.expect("(")
	typed := false
	for {
		cols = append(cols, p.ident())
		var t *ast.TypeName
		if !p.is(",") && !p.is(")") {
			t, typed = p.typeName(), true
		}
		types = append(types, t)
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	if !typed {
		return cols, nil
	}
	for i, t := range types {
		if t == nil {
			p.fail(p.toks[p.i-1], "a column definition list needs a type for every column ("+cols[i].Name+")")
		}
	}
	return cols, types
}

func (p *parser) alias(allowAt bool) *ast.Alias {
	var a *ast.Alias
	if p.accept("as") {
		a = &ast.Alias{Name: p.ident()}
	} else if p.isAliasIdent() && !p.startsPivot() {
		a = &ast.Alias{Name: p.ident()}
	}
	if a != nil && p.is("(") {
		a.Columns, a.Types = p.columnDefList()
	}
	if allowAt && p.is("at") && (p.peekN(1).Kind == lex.Ident || p.peekN(1).Kind == lex.QuotedIdent) {
		p.next()
		at := p.ident()
		if a == nil {
			p.fail(p.toks[p.i-1], "")
		}
		a.At = &at
	}
	return a
}

func (p *parser) tablePrimary() ast.TableExpr {
	t := p.peek()
	switch {
	case t.Is("("):
		if p.parenStartsQuery() {
			p.next()
			q := p.query()
			p.expect(")")
			return &ast.SubqueryTable{Q: q, Alias: p.alias(false)}
		}
		p.next()
		inner := p.joinTree()
		p.expect(")")
		return &ast.ParenTable{T: inner}
	case t.Is("lateral"):
		p.next()
		if p.is("(") {
			p.next()
			q := p.query()
			p.expect(")")
			return &ast.SubqueryTable{Q: q, Alias: p.alias(false), Lateral: true}
		}
		p.unsupported(t, "LATERAL table function")
	case t.Is("unpivot"):
		p.next()
		u := &ast.Unpivot{X: p.postfix(p.columnOrCall())}
		p.expect("as")
		u.Value = p.ident()
		if p.accept("at") {
			at := p.ident()
			u.At = &at
		}
		return u
	}
	if !p.isIdent() {
		p.fail(t, "")
	}
	start := t.Pos
	n := p.name()
	if p.is("(") {
		f := p.call(n).(*ast.Func)
		return &ast.FuncTable{F: f, Alias: p.alias(false)}
	}
	if p.is("[") {
		var x ast.Expr = &ast.ColumnRef{Parts: n, Pos: start}
		for p.is("[") || p.is(".") {
			if p.accept("[") {
				x = &ast.Index{X: x, I: p.expr()}
				p.expect("]")
			} else {
				p.next()
				x = &ast.Field{X: x, Name: p.ident()}
			}
		}
		return &ast.PathTable{Path: x, Alias: p.alias(true), Pos: start}
	}
	return &ast.TableRef{Name: n, Alias: p.alias(true), Pos: start}
}

// groupByList reads GROUP BY's items: expressions (ROLLUP (...) and
// CUBE (...) read as function calls) and GROUPING SETS (...).
func (p *parser) groupByList() []ast.Expr {
	var out []ast.Expr
	for {
		if p.is("grouping") && p.peekN(1).Is("sets") {
			p.next()
			p.next()
			out = append(out, p.groupingSets())
		} else {
			out = append(out, p.expr())
		}
		if !p.accept(",") {
			return out
		}
	}
}

// groupingSets reads ( set, ... ) after GROUPING SETS.
func (p *parser) groupingSets() *ast.GroupingSets {
	gs := &ast.GroupingSets{}
	p.expect("(")
	for {
		if p.accept("(") {
			var set []ast.Expr
			if !p.is(")") {
				set = p.exprList()
			}
			p.expect(")")
			gs.Sets = append(gs.Sets, set)
		} else {
			gs.Sets = append(gs.Sets, []ast.Expr{p.expr()})
		}
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	return gs
}

// startsPivot reports whether the reader is at a relational PIVOT or
// UNPIVOT after a FROM entry (not an alias of that name).
func (p *parser) startsPivot() bool {
	switch {
	case p.is("pivot"):
		return p.peekN(1).Is("(")
	case p.is("unpivot"):
		return p.peekN(1).Is("(") || p.peekN(1).Is("include") || p.peekN(1).Is("exclude")
	}
	return false
}

// pivots reads the PIVOT and UNPIVOT clauses that follow a FROM entry.
func (p *parser) pivots(t ast.TableExpr) ast.TableExpr {
	for p.startsPivot() {
		pt := &ast.PivotTable{Source: t, Unpivot: p.next().Is("unpivot")}
		if pt.Unpivot && (p.is("include") || p.is("exclude")) {
			pt.Nulls = p.next().Value
			p.expect("nulls")
		}
		p.expect("(")
		pt.Aggs = p.pivotItems()
		p.expect("for")
		pt.For = p.ident()
		p.expect("in")
		p.expect("(")
		pt.In = p.pivotItems()
		p.expect(")")
		p.expect(")")
		pt.Alias = p.alias(false)
		t = pt
	}
	return t
}

// pivotItems reads expr [AS alias], ... up to FOR or a closing parenthesis.
func (p *parser) pivotItems() []ast.SelectItem {
	var out []ast.SelectItem
	for {
		it := ast.SelectItem{X: p.expr()}
		if p.accept("as") {
			id := p.ident()
			it.Alias = &id
		} else if p.isAliasIdent() && !p.is("for") {
			id := p.ident()
			it.Alias = &id
		}
		out = append(out, it)
		if !p.accept(",") {
			return out
		}
	}
}

package ast

import "strings"

// Query prints a query.
func (p *Printer) Query(q Query) {
	switch q := q.(type) {
	case *Select:
		p.with(q.With)
		p.selectBlock(q)
	case *SetOp:
		p.with(q.With)
		p.Query(q.L)
		p.W(" ", strings.ToUpper(q.Op))
		if q.All {
			p.W(" ALL")
		}
		p.W(" ")
		if r, ok := q.R.(*SetOp); ok && (r.With != nil || len(r.OrderBy) > 0 || r.Limit != nil || r.Offset != nil || !(q.Op != "intersect" && r.Op == "intersect")) {
			p.W("(")
			p.Query(r)
			p.W(")")
		} else {
			p.Query(q.R)
		}
		p.tail(q.OrderBy, q.Limit, q.Offset, false)
	case *Values:
		p.W("VALUES ")
		for i, r := range q.Rows {
			if i > 0 {
				p.W(", ")
			}
			p.W("(")
			p.exprs(r)
			p.W(")")
		}
	case *ParenQuery:
		p.W("(")
		p.Query(q.Q)
		p.W(")")
		p.tail(q.OrderBy, q.Limit, q.Offset, false)
	default:
		p.fail("ast: cannot print query %T", q)
	}
}

func (p *Printer) with(w *With) {
	if w == nil {
		return
	}
	p.W("WITH ")
	if w.Recursive {
		p.W("RECURSIVE ")
	}
	for i, c := range w.CTEs {
		if i > 0 {
			p.W(", ")
		}
		p.id(c.Name, false)
		if len(c.Columns) > 0 {
			p.W(" ")
			p.parenIDs(c.Columns)
		}
		p.W(" AS (")
		p.Query(c.Q)
		p.W(")")
	}
	p.W(" ")
}

func (p *Printer) tail(order []OrderItem, limit, offset Expr, limitAll bool) {
	if len(order) > 0 {
		p.W(" ORDER BY ")
		p.orderItems(order)
	}
	if limitAll {
		p.W(" LIMIT ALL")
	}
	if limit != nil {
		p.W(" LIMIT ")
		p.Expr(limit)
	}
	if offset != nil {
		p.W(" OFFSET ")
		p.Expr(offset)
	}
}

func (p *Printer) selectBlock(s *Select) {
	p.W("SELECT ")
	if s.Top != nil {
		p.W("TOP ")
		p.Expr(s.Top)
		p.W(" ")
	}
	if s.Distinct {
		p.W("DISTINCT ")
		if len(s.DistinctOn) > 0 {
			p.W("ON (")
			p.exprs(s.DistinctOn)
			p.W(") ")
		}
	}
	for i, it := range s.Items {
		if i > 0 {
			p.W(", ")
		}
		p.Expr(it.X)
		if it.Alias != nil {
			p.W(" AS ")
			p.id(*it.Alias, false)
		}
	}
	if len(s.From) > 0 {
		p.W(" FROM ")
		p.tables(s.From)
	}
	if s.Where != nil {
		p.W(" WHERE ")
		p.Expr(s.Where)
	}
	if s.GroupAll {
		p.W(" GROUP BY ALL")
	}
	if len(s.GroupBy) > 0 {
		p.W(" GROUP BY ")
		p.exprs(s.GroupBy)
	}
	if s.Having != nil {
		p.W(" HAVING ")
		p.Expr(s.Having)
	}
	if s.Qualify != nil {
		p.W(" QUALIFY ")
		p.Expr(s.Qualify)
	}
	if len(s.Windows) > 0 {
		p.W(" WINDOW ")
		for i, w := range s.Windows {
			if i > 0 {
				p.W(", ")
			}
			p.id(w.Name, false)
			p.W(" AS ")
			p.window(w.W)
		}
	}
	p.tail(s.OrderBy, s.Limit, s.Offset, s.LimitAll)
}

func (p *Printer) tables(ts []TableExpr) {
	for i, t := range ts {
		if i > 0 {
			p.W(", ")
		}
		p.table(t)
	}
}

func (p *Printer) alias(a *Alias) {
	if a == nil {
		return
	}
	p.W(" AS ")
	p.id(a.Name, false)
	switch {
	case len(a.Types) > 0 && !p.DuckDB:
		p.W("(")
		for i, c := range a.Columns {
			if i > 0 {
				p.W(", ")
			}
			p.id(c, false)
			p.W(" ")
			p.typ(a.Types[i])
		}
		p.W(")")
	case len(a.Columns) > 0:
		p.parenIDs(a.Columns)
	}
	if a.At != nil {
		p.W(" AT ")
		p.id(*a.At, false)
	}
}

func (p *Printer) table(t TableExpr) {
	switch t := t.(type) {
	case *TableRef:
		p.name(t.Name)
		p.alias(t.Alias)
	case *SubqueryTable:
		if t.Lateral {
			p.W("LATERAL ")
		}
		p.W("(")
		p.Query(t.Q)
		p.W(")")
		p.alias(t.Alias)
	case *FuncTable:
		p.fn(t.F)
		p.alias(t.Alias)
	case *PathTable:
		p.Expr(t.Path)
		p.alias(t.Alias)
	case *Unpivot:
		p.W("UNPIVOT ")
		p.Expr(t.X)
		p.W(" AS ")
		p.id(t.Value, false)
		if t.At != nil {
			p.W(" AT ")
			p.id(*t.At, false)
		}
	case *Join:
		p.table(t.L)
		p.W(" ")
		if t.Natural {
			p.W("NATURAL ")
		}
		switch t.Kind {
		case "inner":
			p.W("JOIN ")
		default:
			p.W(strings.ToUpper(t.Kind), " JOIN ")
		}
		if _, ok := t.R.(*Join); ok {
			p.W("(")
			p.table(t.R)
			p.W(")")
		} else {
			p.table(t.R)
		}
		if t.On != nil {
			p.W(" ON ")
			p.Expr(t.On)
		}
		if len(t.Using) > 0 {
			p.W(" USING ")
			p.parenIDs(t.Using)
		}
	case *ParenTable:
		p.W("(")
		p.table(t.T)
		p.W(")")
	case *PivotTable:
		p.table(t.Source)
		if t.Unpivot {
			p.W(" UNPIVOT ")
			if t.Nulls != "" {
				p.W(strings.ToUpper(t.Nulls), " NULLS ")
			}
		} else {
			p.W(" PIVOT ")
		}
		p.W("(")
		p.pivotItems(t.Aggs)
		p.W(" FOR ")
		p.id(t.For, false)
		p.W(" IN (")
		p.pivotItems(t.In)
		p.W("))")
		p.alias(t.Alias)
	default:
		p.fail("ast: cannot print table %T", t)
	}
}

// pivotItems prints PIVOT's aggregates and IN lists: expr [AS alias], ...
func (p *Printer) pivotItems(items []SelectItem) {
	for i, it := range items {
		if i > 0 {
			p.W(", ")
		}
		p.Expr(it.X)
		if it.Alias != nil {
			p.W(" AS ")
			p.id(*it.Alias, false)
		}
	}
}

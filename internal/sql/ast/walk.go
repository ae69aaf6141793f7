package ast

// Walk visits n and its descendants depth-first, parents before children.
// When visit returns false the node's children are skipped. Nodes are
// statements, queries, expressions, table expressions, *Window and *TypeName.
func Walk(n any, visit func(n any) bool) {
	apply(n, visit, nil)
}

// Rewrite rebuilds n bottom-up: each node's children are rewritten first,
// then fn is called on the node and its result replaces it. fn must return a
// node of a compatible kind (an Expr for an Expr, a TableExpr for a
// TableExpr, a Query for a Query); returning its argument keeps the node.
// Nodes are changed in place where possible.
func Rewrite(n any, fn func(n any) any) any {
	return apply(n, nil, fn)
}

type walker struct {
	pre  func(any) bool
	post func(any) any
}

func apply(n any, pre func(any) bool, post func(any) any) any {
	w := &walker{pre, post}
	return w.node(n)
}

func (w *walker) expr(x Expr) Expr {
	if x == nil {
		return nil
	}
	r := w.node(x)
	if e, ok := r.(Expr); ok {
		return e
	}
	return x
}

func (w *walker) exprs(xs []Expr) {
	for i := range xs {
		xs[i] = w.expr(xs[i])
	}
}

func (w *walker) query(q Query) Query {
	if q == nil {
		return nil
	}
	r := w.node(q)
	if e, ok := r.(Query); ok {
		return e
	}
	return q
}

func (w *walker) table(t TableExpr) TableExpr {
	if t == nil {
		return nil
	}
	r := w.node(t)
	if e, ok := r.(TableExpr); ok {
		return e
	}
	return t
}

func (w *walker) tables(ts []TableExpr) {
	for i := range ts {
		ts[i] = w.table(ts[i])
	}
}

func (w *walker) order(items []OrderItem) {
	for i := range items {
		items[i].X = w.expr(items[i].X)
	}
}

func (w *walker) window(win *Window) {
	if win == nil {
		return
	}
	if w.pre != nil && !w.pre(win) {
		return
	}
	w.exprs(win.PartitionBy)
	w.order(win.OrderBy)
	if win.Frame != nil {
		for _, b := range []*FrameBound{win.Frame.Start, win.Frame.End} {
			if b != nil {
				b.Offset = w.expr(b.Offset)
			}
		}
	}
}

func (w *walker) with(wi *With) {
	if wi == nil {
		return
	}
	for i := range wi.CTEs {
		wi.CTEs[i].Q = w.query(wi.CTEs[i].Q)
	}
}

func (w *walker) assigns(as []Assign) {
	for i := range as {
		as[i].X = w.expr(as[i].X)
	}
}

func (w *walker) node(n any) any {
	if n == nil {
		return nil
	}
	if w.pre != nil && !w.pre(n) {
		return n
	}
	switch n := n.(type) {
	// Expressions.
	case *ColumnRef:
		for i := range n.Replace {
			n.Replace[i].X = w.expr(n.Replace[i].X)
		}
	case *Field:
		n.X = w.expr(n.X)
	case *Index:
		n.X, n.I = w.expr(n.X), w.expr(n.I)
	case *Paren:
		n.X = w.expr(n.X)
	case *Tuple:
		w.exprs(n.Items)
	case *GroupingSets:
		for _, set := range n.Sets {
			w.exprs(set)
		}
	case *Unary:
		n.X = w.expr(n.X)
	case *Binary:
		n.L, n.R = w.expr(n.L), w.expr(n.R)
	case *Like:
		n.X, n.Pattern, n.Escape = w.expr(n.X), w.expr(n.Pattern), w.expr(n.Escape)
	case *Is:
		n.X = w.expr(n.X)
	case *IsDistinct:
		n.L, n.R = w.expr(n.L), w.expr(n.R)
	case *Between:
		n.X, n.Lo, n.Hi = w.expr(n.X), w.expr(n.Lo), w.expr(n.Hi)
	case *In:
		n.X = w.expr(n.X)
		w.exprs(n.List)
		n.Sub = w.query(n.Sub)
	case *Exists:
		n.Sub = w.query(n.Sub)
	case *Subquery:
		n.Q = w.query(n.Q)
	case *Quantified:
		n.X, n.Array = w.expr(n.X), w.expr(n.Array)
		n.Sub = w.query(n.Sub)
	case *Case:
		n.Operand = w.expr(n.Operand)
		for i := range n.Whens {
			n.Whens[i].Cond = w.expr(n.Whens[i].Cond)
			n.Whens[i].Then = w.expr(n.Whens[i].Then)
		}
		n.Else = w.expr(n.Else)
	case *Cast:
		n.X = w.expr(n.X)
	case *Func:
		w.exprs(n.Args)
		w.order(n.OrderBy)
		w.order(n.WithinGroup)
		n.Filter = w.expr(n.Filter)
		w.window(n.Over)
	case *ArrayLit:
		w.exprs(n.Items)
	// Queries.
	case *Select:
		w.with(n.With)
		w.exprs(n.DistinctOn)
		n.Top = w.expr(n.Top)
		for i := range n.Items {
			n.Items[i].X = w.expr(n.Items[i].X)
		}
		w.tables(n.From)
		n.Where = w.expr(n.Where)
		w.exprs(n.GroupBy)
		n.Having = w.expr(n.Having)
		n.Qualify = w.expr(n.Qualify)
		for _, nw := range n.Windows {
			w.window(nw.W)
		}
		w.order(n.OrderBy)
		n.Limit, n.Offset = w.expr(n.Limit), w.expr(n.Offset)
	case *SetOp:
		w.with(n.With)
		n.L, n.R = w.query(n.L), w.query(n.R)
		w.order(n.OrderBy)
		n.Limit, n.Offset = w.expr(n.Limit), w.expr(n.Offset)
	case *Values:
		for _, r := range n.Rows {
			w.exprs(r)
		}
	case *ParenQuery:
		n.Q = w.query(n.Q)
		w.order(n.OrderBy)
		n.Limit, n.Offset = w.expr(n.Limit), w.expr(n.Offset)
	// Tables.
	case *SubqueryTable:
		n.Q = w.query(n.Q)
	case *FuncTable:
		if f, ok := w.expr(n.F).(*Func); ok {
			n.F = f
		}
	case *PathTable:
		n.Path = w.expr(n.Path)
	case *Unpivot:
		n.X = w.expr(n.X)
	case *Join:
		n.L, n.R = w.table(n.L), w.table(n.R)
		n.On = w.expr(n.On)
	case *ParenTable:
		n.T = w.table(n.T)
	case *PivotTable:
		n.Source = w.table(n.Source)
		for i := range n.Aggs {
			n.Aggs[i].X = w.expr(n.Aggs[i].X)
		}
		for i := range n.In {
			n.In[i].X = w.expr(n.In[i].X)
		}
	// Statements.
	case *Insert:
		w.with(n.With)
		n.Source = w.query(n.Source)
	case *Update:
		w.with(n.With)
		w.assigns(n.Set)
		w.tables(n.From)
		n.Where = w.expr(n.Where)
	case *Delete:
		w.with(n.With)
		w.tables(n.Using)
		n.Where = w.expr(n.Where)
	case *Merge:
		n.Source = w.table(n.Source)
		n.On = w.expr(n.On)
		for i := range n.Whens {
			w.assigns(n.Whens[i].Set)
			w.exprs(n.Whens[i].Values)
		}
	case *CreateTable:
		for i := range n.Columns {
			n.Columns[i].Default = w.expr(n.Columns[i].Default)
		}
		n.As = w.query(n.As)
	case *CreateView:
		n.Q = w.query(n.Q)
	case *CreateMaterializedView:
		n.Q = w.query(n.Q)
	case *AlterTable:
		if n.Column != nil {
			n.Column.Default = w.expr(n.Column.Default)
		}
	case *Call:
		w.exprs(n.Args)
	case *Explain:
		if st, ok := w.node(n.Stmt).(Stmt); ok {
			n.Stmt = st
		}
	case *Prepare:
		if st, ok := w.node(n.Stmt).(Stmt); ok {
			n.Stmt = st
		}
	case *Execute:
		w.exprs(n.Args)
	}
	if w.post != nil {
		return w.post(n)
	}
	return n
}

// Tables returns the table references (not CTE references or subqueries) in
// the FROM clauses of q and its subqueries, in order.
func Tables(n any) []*TableRef {
	var out []*TableRef
	Walk(n, func(x any) bool {
		if t, ok := x.(*TableRef); ok {
			out = append(out, t)
		}
		return true
	})
	return out
}

// Transform is Walk and Rewrite at once: pre decides, parents first,
// whether to descend into a node (a node not descended into is still passed
// to post); post rebuilds bottom-up as in Rewrite.
func Transform(n any, pre func(n any) bool, post func(n any) any) any {
	return apply(n, pre, post)
}

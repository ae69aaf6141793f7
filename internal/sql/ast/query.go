package ast

// Query is a SELECT, a set operation, VALUES, or a parenthesised query.
type Query interface {
	Stmt
	query()
}

// CTE is one WITH entry.
type CTE struct {
	Name    Ident
	Columns []Ident
	Q       Query
}

// With is a WITH clause.
type With struct {
	Recursive bool
	CTEs      []CTE
}

// SelectItem is one select-list entry.
type SelectItem struct {
	X     Expr
	Alias *Ident
}

// NamedWindow is a WINDOW w AS (...) entry.
type NamedWindow struct {
	Name Ident
	W    *Window
}

// Select is a SELECT block.
type Select struct {
	With       *With
	Distinct   bool
	DistinctOn []Expr
	Top        Expr
	Items      []SelectItem
	Into       Name
	From       []TableExpr
	Where      Expr
	GroupBy    []Expr
	GroupAll   bool
	Having     Expr
	Qualify    Expr
	Windows    []NamedWindow
	OrderBy    []OrderItem
	Limit      Expr
	LimitAll   bool
	Offset     Expr
}

// SetOp is UNION | INTERSECT | EXCEPT | MINUS of two queries.
type SetOp struct {
	With    *With
	Op      string // "union", "intersect", "except", "minus"
	All     bool
	L, R    Query
	OrderBy []OrderItem
	Limit   Expr
	Offset  Expr
}

// Values is VALUES (...), (...).
type Values struct {
	Rows [][]Expr
}

// ParenQuery is a query in parentheses, with the clauses that may follow it.
type ParenQuery struct {
	Q       Query
	OrderBy []OrderItem
	Limit   Expr
	Offset  Expr
}

func (*Select) query()     {}
func (*SetOp) query()      {}
func (*Values) query()     {}
func (*ParenQuery) query() {}
func (*Select) stmt()      {}
func (*SetOp) stmt()       {}
func (*Values) stmt()      {}
func (*ParenQuery) stmt()  {}

// TableExpr is an entry of a FROM clause.
type TableExpr interface{ tableExpr() }

// Alias is AS name [(columns)] [AT index] on a FROM entry.
type Alias struct {
	Name    Ident
	Columns []Ident
	// Types is a column definition list's types, one per column
	// (FROM f() AS t(a int, b varchar), for a function that returns
	// records); nil for a plain list of names. DuckDB's table functions
	// have their own, so DuckDB SQL omits them.
	Types []*TypeName
	// At is PartiQL's AT index variable (0-based position in the array).
	At *Ident
}

// TableRef is a table, a view, a CTE, or before resolution a PartiQL path
// (a.payload.items) rooted at an earlier FROM entry's alias.
type TableRef struct {
	Name  Name
	Alias *Alias
	Pos   int
}

// PivotTable is a relational PIVOT or UNPIVOT applied to a FROM entry:
// source PIVOT (agg [AS a], ... FOR column IN (value [AS a], ...)) or
// source UNPIVOT [INCLUDE | EXCLUDE NULLS] (value FOR name IN (column
// [AS a], ...)), then an alias.
type PivotTable struct {
	Source  TableExpr
	Unpivot bool
	Nulls   string       // UNPIVOT's "include" or "exclude" when written
	Aggs    []SelectItem // PIVOT's aggregates; UNPIVOT's value column (a ColumnRef)
	For     Ident
	In      []SelectItem
	Alias   *Alias
}

// SubqueryTable is [LATERAL] (query) AS alias.
type SubqueryTable struct {
	Q       Query
	Alias   *Alias
	Lateral bool
}

// FuncTable is a table function: UNNEST(expr) AS t(c), generate_series(...).
type FuncTable struct {
	F     *Func
	Alias *Alias
}

// PathTable is a PartiQL unnest source: a SUPER path (a.items, o.lines[0].x)
// iterated as a table. Resolution makes it from a TableRef or an
// expression in FROM.
type PathTable struct {
	Path  Expr
	Alias *Alias
	Pos   int
}

// Unpivot is PartiQL's UNPIVOT x AS v AT k: iterate an object's attributes.
type Unpivot struct {
	X     Expr
	Value Ident
	At    *Ident
}

// Join is l [NATURAL] kind JOIN r [ON cond | USING (cols)].
type Join struct {
	Kind    string // "inner", "left", "right", "full", "cross"
	Natural bool
	L, R    TableExpr
	On      Expr
	Using   []Ident
}

// ParenTable is a parenthesised join tree.
type ParenTable struct{ T TableExpr }

func (*PivotTable) tableExpr()    {}
func (*TableRef) tableExpr()      {}
func (*SubqueryTable) tableExpr() {}
func (*FuncTable) tableExpr()     {}
func (*PathTable) tableExpr()     {}
func (*Unpivot) tableExpr()       {}
func (*Join) tableExpr()          {}
func (*ParenTable) tableExpr()    {}

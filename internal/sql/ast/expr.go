package ast

// Expr is a value expression.
type Expr interface{ expr() }

// ColumnRef is a possibly qualified column (a, t.a, s.t.a) or a star (*, t.*).
// Before resolution a SUPER path a.b.c is a ColumnRef too; resolution turns
// the steps after the column into Field nodes.
type ColumnRef struct {
	Parts []Ident
	Star  bool
	Pos   int
	// Exclude are columns a star leaves out (SELECT * EXCLUDE (a, b)).
	Exclude []Ident
	// Replace are columns a star gives as another expression, in their
	// place (DuckDB's SELECT * REPLACE (x AS a)); each item has an Alias.
	Replace []SelectItem
	// OuterJoin is Oracle's (+) after the column in WHERE: its table is
	// the optional side of an outer join (rewritten away before printing).
	OuterJoin bool
}

// Field is a PartiQL navigation step x.name into a SUPER value.
type Field struct {
	X    Expr
	Name Ident
}

// Index is a PartiQL array subscript x[i], 0-based as in Redshift.
type Index struct {
	X, I Expr
}

// LitKind classifies a literal.
type LitKind int

// Literal kinds.
const (
	LitNumber LitKind = iota
	LitString
	LitBool
	LitNull
	LitBits // B'..' or X'..'; Value holds the prefix letter and the digits
)

// Literal is a constant. Value is the number's text, the decoded string,
// "true"/"false", or empty for NULL.
type Literal struct {
	Kind  LitKind
	Value string
}

// TypedLiteral is a type name before a string: DATE '2020-01-01'.
type TypedLiteral struct {
	Type  *TypeName
	Value string
}

// Interval is INTERVAL 'text' [unit].
type Interval struct {
	Value string
	Unit  string // lower case, may be empty or "day to second" and the like
}

// Param is a positional parameter $n.
type Param struct{ N int }

// Paren is an expression in parentheses, kept so printing is faithful.
type Paren struct{ X Expr }

// Tuple is a row constructor (a, b, ...) with two or more elements.
type Tuple struct{ Items []Expr }

// Unary is a prefix operator: -x, +x, NOT x, ~x.
type Unary struct {
	Op string // lower case keyword or operator text
	X  Expr
}

// Binary is an infix operator: arithmetic, comparison, ||, AND, OR and
// other operators.
type Binary struct {
	Op   string // lower case for keywords (and, or)
	L, R Expr
}

// Like is x [NOT] LIKE | ILIKE | SIMILAR TO pattern [ESCAPE e].
type Like struct {
	X       Expr
	Not     bool
	Op      string // "like", "ilike", "similar to"
	Pattern Expr
	Escape  Expr
}

// Is is x IS [NOT] NULL | TRUE | FALSE | UNKNOWN.
type Is struct {
	X    Expr
	Not  bool
	What string // "null", "true", "false", "unknown"
}

// IsDistinct is l IS [NOT] DISTINCT FROM r.
type IsDistinct struct {
	L, R Expr
	Not  bool
}

// Between is x [NOT] BETWEEN [SYMMETRIC] lo AND hi.
type Between struct {
	X, Lo, Hi Expr
	Not       bool
	Symmetric bool
}

// In is x [NOT] IN (list) or x [NOT] IN (subquery).
type In struct {
	X    Expr
	Not  bool
	List []Expr
	Sub  Query
}

// Exists is EXISTS (subquery).
type Exists struct{ Sub Query }

// Subquery is a scalar subquery, or ANY/ALL/SOME (subquery) when Quant is set.
type Subquery struct {
	Q     Query
	Quant string // "", "any", "all", "some"
}

// Quantified is x op ANY|ALL|SOME (subquery or array).
type Quantified struct {
	X     Expr
	Op    string
	Quant string
	Sub   Query
	Array Expr
}

// When is one WHEN ... THEN ... arm of a CASE.
type When struct{ Cond, Then Expr }

// Case is CASE [operand] WHEN ... THEN ... [ELSE ...] END.
type Case struct {
	Operand Expr
	Whens   []When
	Else    Expr
}

// Cast is CAST(x AS t), x::t, or TRY_CAST when Try is set (printers only).
type Cast struct {
	X      Expr
	Type   *TypeName
	Colons bool // written x::t
	Try    bool
}

// TypeName is a type as written: name lower-cased with single spaces
// ("double precision", "character varying"), modifiers as text.
type TypeName struct {
	Name  Name
	Args  []string // "max" for varchar(max)
	Array bool
	// TZ is "with" or "without" for TIME/TIMESTAMP ... TIME ZONE.
	TZ string
}

// OrderItem is one ORDER BY element.
type OrderItem struct {
	X     Expr
	Desc  bool
	Asc   bool   // written ASC explicitly
	Nulls string // "", "first", "last"
}

// FrameBound is one end of a window frame.
type FrameBound struct {
	Kind   string // "unbounded preceding", "unbounded following", "current row", "preceding", "following"
	Offset Expr
}

// Frame is a window frame clause.
type Frame struct {
	Mode       string // "rows", "range"
	Start, End *FrameBound
}

// Window is an OVER clause or a WINDOW definition.
type Window struct {
	Ref         string // OVER name, or the base window name
	PartitionBy []Expr
	OrderBy     []OrderItem
	Frame       *Frame
}

// Func is a function call. Special names the SQL-standard call forms that
// use keywords instead of commas: "position" (a IN b), "substring"
// (x FROM y [FOR z]), "extract" (f FROM x), "trim" (Trim x FROM y),
// "overlay"; it is empty for ordinary calls.
type Func struct {
	Name        Name
	Args        []Expr
	Distinct    bool
	Star        bool // count(*)
	OrderBy     []OrderItem
	WithinGroup []OrderItem
	Filter      Expr
	IgnoreNulls bool
	RespectNull bool
	Over        *Window
	Special     string
	Trim        string // both|leading|trailing for trim
	NoParens    bool   // current_date, sysdate and the like
}

// ArrayLit is ARRAY[...] or, in printed DuckDB, [...].
type ArrayLit struct {
	Items   []Expr
	Bracket bool // print as [a, b]
}

// Keyword is a bare word that prints as itself (DuckDB only, made by rewrites).
type Keyword struct{ Word string }

// GroupingSets is GROUP BY's GROUPING SETS (set, ...): each set a list of
// expressions, written (a, b), a or () for the empty set.
type GroupingSets struct{ Sets [][]Expr }

func (*GroupingSets) expr() {}
func (*ColumnRef) expr()    {}
func (*Field) expr()        {}
func (*Index) expr()        {}
func (*Literal) expr()      {}
func (*TypedLiteral) expr() {}
func (*Interval) expr()     {}
func (*Param) expr()        {}
func (*Paren) expr()        {}
func (*Tuple) expr()        {}
func (*Unary) expr()        {}
func (*Binary) expr()       {}
func (*Like) expr()         {}
func (*Is) expr()           {}
func (*IsDistinct) expr()   {}
func (*Between) expr()      {}
func (*In) expr()           {}
func (*Exists) expr()       {}
func (*Subquery) expr()     {}
func (*Quantified) expr()   {}
func (*Case) expr()         {}
func (*Cast) expr()         {}
func (*Func) expr()         {}
func (*ArrayLit) expr()     {}
func (*Keyword) expr()      {}

package partiql

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// Kind is a statement's kind.
type Kind uint8

// The statement kinds.
const (
	Select Kind = iota
	Insert
	Update
	Delete
	// Exists is EXISTS(SELECT * FROM t WHERE key AND condition), a
	// condition check that only ExecuteTransaction accepts (the API answers
	// it elsewhere with ErrExistsOutsideTransaction).
	Exists
)

// Step is one step of a path: a name (the first, or after ".") or a list
// index.
type Step struct {
	Name    string
	Index   int
	IsIndex bool
}

// Path is a document path: attr.sub[2]."quoted name".
type Path []Step

// ExprKind says what an Expr is.
type ExprKind uint8

// The expression kinds.
const (
	EPath    ExprKind = iota // Path
	ELit                     // Lit: a string, number, boolean or null literal
	EMissing                 // MISSING
	EParam                   // ? (Param is its 0-based position)
	EStruct                  // {Fields}
	EList                    // [Elems]
	EBag                     // <<Elems>>
	ECall                    // Func(Args)
	EBinary                  // Left Op Right: comparisons, AND, OR, + and -
	ENot                     // NOT Left
	EBetween                 // Left BETWEEN Args[0] AND Args[1]
	EIn                      // Left IN [Args]
	EIs                      // Left IS [NOT] Type
)

// Field is one key and value of a struct literal.
type Field struct {
	Key   string
	Value *Expr
}

// Expr is a value or condition of a statement.
type Expr struct {
	Kind        ExprKind
	Path        Path
	Lit         attr.Value
	Param       int
	Fields      []Field
	Elems       []*Expr
	Func        string // lower-cased
	Args        []*Expr
	Op          string // =, <>, <, <=, >, >=, AND, OR, +, -
	Left, Right *Expr
	Negated     bool   // IS NOT
	Type        string // EIs: MISSING, NULL, STRING, ... (upper-cased)
}

// Action is one SET or REMOVE of an UPDATE.
type Action struct {
	Remove bool
	Path   Path
	Value  *Expr // SET only
}

// Order is one ORDER BY term.
type Order struct {
	Name string
	Desc bool
}

// Statement is a parsed statement.
type Statement struct {
	Kind       Kind
	Table      string
	Index      string  // SELECT from "table"."index"
	Projection []Path  // SELECT; nil means *
	Where      *Expr   // nil when absent
	OrderBy    []Order // SELECT
	Value      *Expr   // INSERT: the item
	Actions    []Action
	Returning  string // UPDATE, DELETE: "", "ALL OLD", "MODIFIED OLD", "ALL NEW", "MODIFIED NEW"
	NumParams  int    // how many ? the statement has
}

// Format prints the statement in a canonical form that parses to an equal
// Statement.
func (s *Statement) Format() string {
	var b strings.Builder
	switch s.Kind {
	case Select:
		b.WriteString("SELECT ")
		if s.Projection == nil {
			b.WriteString("*")
		}
		for i, p := range s.Projection {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(p.Format())
		}
		b.WriteString(" FROM " + quoteIdent(s.Table))
		if s.Index != "" {
			b.WriteString("." + quoteIdent(s.Index))
		}
	case Insert:
		b.WriteString("INSERT INTO " + quoteIdent(s.Table) + " VALUE " + s.Value.Format())
	case Update:
		b.WriteString("UPDATE " + quoteIdent(s.Table))
		for _, a := range s.Actions {
			if a.Remove {
				b.WriteString(" REMOVE " + a.Path.Format())
			} else {
				b.WriteString(" SET " + a.Path.Format() + " = " + a.Value.Format())
			}
		}
	case Delete:
		b.WriteString("DELETE FROM " + quoteIdent(s.Table))
	case Exists:
		b.WriteString("EXISTS(SELECT * FROM " + quoteIdent(s.Table) + " WHERE " + s.Where.Format() + ")")
		return b.String()
	}
	if s.Where != nil {
		b.WriteString(" WHERE " + s.Where.Format())
	}
	for i, o := range s.OrderBy {
		if i == 0 {
			b.WriteString(" ORDER BY ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(quoteIdent(o.Name))
		if o.Desc {
			b.WriteString(" DESC")
		}
	}
	if s.Returning != "" {
		b.WriteString(" RETURNING " + s.Returning + " *")
	}
	return b.String()
}

func quoteIdent(s string) string  { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteString(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// Format prints the path with every name quoted.
func (p Path) Format() string {
	var b strings.Builder
	for i, st := range p {
		switch {
		case st.IsIndex:
			b.WriteString("[" + strconv.Itoa(st.Index) + "]")
		case i > 0:
			b.WriteString("." + quoteIdent(st.Name))
		default:
			b.WriteString(quoteIdent(st.Name))
		}
	}
	return b.String()
}

// precedence of binary operators, loosest first.
func precedence(e *Expr) int {
	switch e.Kind {
	case EBinary:
		switch e.Op {
		case "OR":
			return 1
		case "AND":
			return 2
		case "+", "-":
			return 5
		}
		return 4 // comparisons
	case ENot:
		return 3
	case EBetween, EIn, EIs:
		return 4
	}
	return 6
}

// sub prints e as an operand of an operator of precedence p, in
// parentheses when e binds looser, or equally on the right.
func sub(e *Expr, p int, right bool) string {
	q := precedence(e)
	if q < p || (right && q == p) || (q == p && p == 4) {
		return "(" + e.Format() + ")"
	}
	return e.Format()
}

// Format prints the expression with parentheses only where needed.
func (e *Expr) Format() string {
	switch e.Kind {
	case EPath:
		return e.Path.Format()
	case ELit:
		return formatValue(e.Lit)
	case EMissing:
		return "MISSING"
	case EParam:
		return "?"
	case EStruct:
		parts := make([]string, len(e.Fields))
		for i, f := range e.Fields {
			parts[i] = quoteString(f.Key) + ": " + f.Value.Format()
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case EList, EBag:
		parts := make([]string, len(e.Elems))
		for i, x := range e.Elems {
			parts[i] = x.Format()
		}
		if e.Kind == EBag {
			return "<<" + strings.Join(parts, ", ") + ">>"
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case ECall:
		parts := make([]string, len(e.Args))
		for i, x := range e.Args {
			parts[i] = x.Format()
		}
		return e.Func + "(" + strings.Join(parts, ", ") + ")"
	case EBinary:
		p := precedence(e)
		return sub(e.Left, p, false) + " " + e.Op + " " + sub(e.Right, p, true)
	case ENot:
		return "NOT " + sub(e.Left, 3, false)
	case EBetween:
		return sub(e.Left, 5, false) + " BETWEEN " + sub(e.Args[0], 5, false) + " AND " + sub(e.Args[1], 5, false)
	case EIn:
		parts := make([]string, len(e.Args))
		for i, x := range e.Args {
			parts[i] = x.Format()
		}
		return sub(e.Left, 5, false) + " IN [" + strings.Join(parts, ", ") + "]"
	case EIs:
		not := ""
		if e.Negated {
			not = "NOT "
		}
		return sub(e.Left, 5, false) + " IS " + not + e.Type
	}
	return ""
}

// formatValue prints a literal's value as PartiQL.
func formatValue(v attr.Value) string {
	switch v.T {
	case attr.S:
		return quoteString(v.S)
	case attr.N:
		return v.S
	case attr.BOOL:
		if v.Bool {
			return "TRUE"
		}
		return "FALSE"
	case attr.NULL:
		return "NULL"
	case attr.B:
		// No literal form; only parameters carry binaries.
		return quoteString(base64.StdEncoding.EncodeToString(v.B))
	}
	return "NULL"
}

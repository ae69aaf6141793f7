package expr

import (
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// PathElem is one step of a document path: a map key (or, first, a
// top-level attribute name) or a list index.
type PathElem struct {
	// Name is the resolved attribute or map key name; empty for an index.
	Name string
	// Src is the name as written: a bare name or a #placeholder. It is
	// empty for paths not built from an expression (legacy parameters).
	Src string
	// Index is the list index when IsIndex.
	Index   int
	IsIndex bool
}

// Path is a document path: a top-level attribute name, then map keys and
// list indexes.
type Path []PathElem

// NamePath returns the path of a top-level attribute.
func NamePath(name string) Path { return Path{{Name: name}} }

// String prints the path as DynamoDB's messages do: "[a, b, [2]]".
func (p Path) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range p {
		if i > 0 {
			b.WriteString(", ")
		}
		if e.IsIndex {
			b.WriteString("[" + strconv.Itoa(e.Index) + "]")
		} else {
			b.WriteString(e.Name)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// Format prints the path as an expression writes it: a.#b[2].
func (p Path) Format() string {
	var b strings.Builder
	for i, e := range p {
		switch {
		case e.IsIndex:
			b.WriteString("[" + strconv.Itoa(e.Index) + "]")
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			if e.Src != "" {
				b.WriteString(e.Src)
			} else {
				b.WriteString(e.Name)
			}
		}
	}
	return b.String()
}

// Top returns the top-level attribute name of the path.
func (p Path) Top() string {
	if len(p) == 0 {
		return ""
	}
	return p[0].Name
}

// OperandKind says what an Operand is.
type OperandKind uint8

// The operand kinds.
const (
	OperandPath  OperandKind = iota // a document path
	OperandValue                    // a :value (or a legacy literal)
	OperandFunc                     // size, if_not_exists, list_append, ...
	OperandPlus                     // Args[0] + Args[1] (update SET)
	OperandMinus                    // Args[0] - Args[1] (update SET)
)

// Operand is a value in an expression: a path, a value, a function call or
// arithmetic.
type Operand struct {
	Kind  OperandKind
	Path  Path       // OperandPath
	Value attr.Value // OperandValue
	Ref   string     // OperandValue: the placeholder as written (":v"); empty for legacy literals
	Func  string     // OperandFunc: the function name as written
	Args  []*Operand // OperandFunc, OperandPlus, OperandMinus
}

// Format prints the operand as written.
func (o *Operand) Format() string {
	switch o.Kind {
	case OperandPath:
		return o.Path.Format()
	case OperandValue:
		if o.Ref != "" {
			return o.Ref
		}
		return string(o.Value.AppendJSON(nil))
	case OperandPlus:
		return o.Args[0].Format() + " + " + o.Args[1].Format()
	case OperandMinus:
		return o.Args[0].Format() + " - " + o.Args[1].Format()
	}
	args := make([]string, len(o.Args))
	for i, a := range o.Args {
		args[i] = a.Format()
	}
	return o.Func + "(" + strings.Join(args, ", ") + ")"
}

// CondKind says what a Condition node is.
type CondKind uint8

// The condition kinds.
const (
	CondCompare CondKind = iota // Args[0] Op Args[1]
	CondBetween                 // Args[0] BETWEEN Args[1] AND Args[2]
	CondIn                      // Args[0] IN (Args[1:]...)
	CondFunc                    // Func(Args...): attribute_exists, attribute_not_exists, attribute_type, begins_with, contains
	CondAnd                     // Left AND Right
	CondOr                      // Left OR Right
	CondNot                     // NOT Left
)

// Condition is a condition or filter expression, or one node of it.
type Condition struct {
	Kind        CondKind
	Op          string // CondCompare: =, <>, <, <=, >, >=
	Func        string // CondFunc: the function name as written
	Args        []*Operand
	Left, Right *Condition
}

// Format prints the condition with parentheses only where the AST needs
// them, so that parsing the result gives the same AST.
func (c *Condition) Format() string {
	switch c.Kind {
	case CondCompare:
		return c.Args[0].Format() + " " + c.Op + " " + c.Args[1].Format()
	case CondBetween:
		return c.Args[0].Format() + " BETWEEN " + c.Args[1].Format() + " AND " + c.Args[2].Format()
	case CondIn:
		args := make([]string, len(c.Args)-1)
		for i, a := range c.Args[1:] {
			args[i] = a.Format()
		}
		return c.Args[0].Format() + " IN (" + strings.Join(args, ", ") + ")"
	case CondFunc:
		args := make([]string, len(c.Args))
		for i, a := range c.Args {
			args[i] = a.Format()
		}
		return c.Func + "(" + strings.Join(args, ", ") + ")"
	case CondAnd:
		return c.Left.formatIn(CondAnd, false) + " AND " + c.Right.formatIn(CondAnd, true)
	case CondOr:
		return c.Left.formatIn(CondOr, false) + " OR " + c.Right.formatIn(CondOr, true)
	case CondNot:
		return "NOT " + c.Left.formatIn(CondNot, true)
	}
	return ""
}

// formatIn prints c as the operand of a parent of kind parent; right says
// whether c is the right operand (AND and OR group to the left).
func (c *Condition) formatIn(parent CondKind, right bool) string {
	s := c.Format()
	need := false
	switch parent {
	case CondNot:
		need = c.Kind == CondAnd || c.Kind == CondOr
	case CondAnd:
		need = c.Kind == CondOr || (right && c.Kind == CondAnd)
	case CondOr:
		need = right && c.Kind == CondOr
	}
	if need {
		return "(" + s + ")"
	}
	return s
}

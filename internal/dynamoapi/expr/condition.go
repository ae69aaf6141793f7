package expr

import (
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

var condKeywords = []string{"AND", "OR", "NOT", "BETWEEN", "IN"}

// condFuncs are the functions of condition expressions and their operand
// counts; size is the only one that is a value rather than a condition.
// The update functions (updateFuncs) are known names too, refused as
// misused rather than unknown.
var condFuncs = map[string]int{
	"attribute_exists":     1,
	"attribute_not_exists": 1,
	"attribute_type":       2,
	"begins_with":          2,
	"contains":             2,
	"size":                 1,
}

// ParseCondition parses a ConditionExpression.
func ParseCondition(s string, p *Params) (*Condition, error) {
	return parseCondition(s, p, KindCondition)
}

// ParseFilter parses a FilterExpression: the condition language, with
// errors that name FilterExpression.
func ParseFilter(s string, p *Params) (*Condition, error) {
	return parseCondition(s, p, KindFilter)
}

func parseCondition(s string, params *Params, kind Kind) (*Condition, error) {
	if err := checkSize(s, kind); err != nil {
		return nil, err
	}
	p := newParser(s, kind)
	c, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tEOF {
		return nil, p.syntaxError()
	}
	if err := validateCondition(p, c, params); err != nil {
		return nil, err
	}
	return c, nil
}

func (p *parser) parseOr() (*Condition, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("OR") {
		p.next()
		if err := p.countOp(); err != nil {
			return nil, err
		}
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		left = &Condition{Kind: CondOr, Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) parseAnd() (*Condition, error) {
	left, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("AND") {
		p.next()
		if err := p.countOp(); err != nil {
			return nil, err
		}
		right, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		left = &Condition{Kind: CondAnd, Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) parseNot() (*Condition, error) {
	if p.isKeyword("NOT") {
		p.next()
		if err := p.countOp(); err != nil {
			return nil, err
		}
		c, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &Condition{Kind: CondNot, Left: c}, nil
	}
	return p.parsePrimary()
}

// startsComparison reports whether the current token continues an operand
// into a comparison, BETWEEN or IN.
func (p *parser) startsComparison() bool {
	t := p.peek()
	if t.kind == tPunct {
		switch t.text {
		case "=", "<>", "<", "<=", ">", ">=":
			return true
		}
	}
	return p.isKeyword("BETWEEN") || p.isKeyword("IN")
}

func (p *parser) parsePrimary() (*Condition, error) {
	start := p.pos
	if p.isPunct("(") && !p.failedParen[start] {
		// A parenthesized condition, unless it turns out to be a
		// parenthesized operand: "(a) = :v", "(size(a)) > :n".
		saveOps, saveRed := p.ops, p.redundantParens
		p.groupParen()
		c, err := p.parseOr()
		if p.fatal != nil {
			return nil, p.fatal
		}
		if err == nil && p.isPunct(")") {
			p.next()
			if !p.startsComparison() {
				return c, nil
			}
		}
		if p.failedParen == nil {
			p.failedParen = map[int]bool{}
		}
		p.failedParen[start] = true
		p.pos, p.ops, p.redundantParens = start, saveOps, saveRed
	}
	if t := p.peek(); t.kind == tIdent && p.peekAt(1).kind == tPunct && p.peekAt(1).text == "(" {
		// A function: a condition by itself, or size(...) in a comparison.
		f, err := p.parseFunc()
		if err != nil {
			return nil, err
		}
		if !p.startsComparison() {
			return &Condition{Kind: CondFunc, Func: f.Func, Args: f.Args}, nil
		}
		return p.parseComparison(f)
	}
	left, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	return p.parseComparison(left)
}

func (p *parser) parseComparison(left *Operand) (*Condition, error) {
	if err := p.countOp(); err != nil {
		return nil, err
	}
	t := p.peek()
	switch {
	case t.kind == tPunct && (t.text == "=" || t.text == "<>" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">="):
		p.next()
		right, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		return &Condition{Kind: CondCompare, Op: t.text, Args: []*Operand{left, right}}, nil
	case p.isKeyword("BETWEEN"):
		p.next()
		lo, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		if !p.isKeyword("AND") {
			return nil, p.syntaxError()
		}
		p.next()
		hi, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		return &Condition{Kind: CondBetween, Args: []*Operand{left, lo, hi}}, nil
	case p.isKeyword("IN"):
		p.next()
		if err := p.expect("("); err != nil {
			return nil, err
		}
		args := []*Operand{left}
		for {
			a, err := p.parseOperand()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if !p.isPunct(",") {
				break
			}
			p.next()
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		if n := len(args) - 1; n > MaxInOperands {
			return nil, p.kind.errorf("The IN operator is provided with too many operands; number of operands: " + strconv.Itoa(n))
		}
		return &Condition{Kind: CondIn, Args: args}, nil
	}
	return nil, p.syntaxError()
}

// parseFunc parses name(operand, ...).
func (p *parser) parseFunc() (*Operand, error) {
	name := p.next().text
	p.next() // "("
	// Function calls are not counted among the 300 operators: DynamoDB
	// answers a < f(f(...)) nested 1355 deep with "Invalid function name"
	// (Alternator's test_deeply_nested_expression_5).
	f := &Operand{Kind: OperandFunc, Func: name}
	for {
		a, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		f.Args = append(f.Args, a)
		if !p.isPunct(",") {
			break
		}
		p.next()
	}
	if err := p.expect(")"); err != nil {
		return nil, err
	}
	return f, nil
}

// parseOperand parses a path, a :value, a function call, or one of those
// in parentheses.
func (p *parser) parseOperand() (*Operand, error) {
	t := p.peek()
	switch {
	case t.kind == tPunct && t.text == "(":
		// The result is remembered, so that backtracking from
		// parenthesized conditions stays linear in nested parentheses.
		start := p.pos
		if r, ok := p.operandAt[start]; ok {
			p.pos = r.end
			return r.o, r.err
		}
		p.groupParen()
		o, err := p.parseOperand()
		if err == nil {
			err = p.expect(")")
		}
		if err != nil {
			o = nil
		}
		if p.operandAt == nil {
			p.operandAt = map[int]operandResult{}
		}
		p.operandAt[start] = operandResult{o: o, end: p.pos, err: err}
		return o, err
	case t.kind == tValue:
		p.next()
		return &Operand{Kind: OperandValue, Ref: t.text}, nil
	case t.kind == tIdent && p.peekAt(1).kind == tPunct && p.peekAt(1).text == "(":
		return p.parseFunc()
	}
	path, err := p.parsePath(condKeywords)
	if err != nil {
		return nil, err
	}
	return &Operand{Kind: OperandPath, Path: path}, nil
}

// walkCond visits every node of c, in source order.
func walkCond(c *Condition, f func(*Condition)) {
	if c == nil {
		return
	}
	walkCond(c.Left, f)
	f(c)
	walkCond(c.Right, f)
}

// walkOperand visits o and the operands inside it.
func walkOperand(o *Operand, f func(*Operand)) {
	f(o)
	for _, a := range o.Args {
		walkOperand(a, f)
	}
}

// validateCondition runs the semantic checks in DynamoDB's order: redundant
// parentheses, unknown functions, misused functions, reserved words, then
// per comparison: names and values, operand counts, distinct operands and
// operand types.
func validateCondition(p *parser, c *Condition, params *Params) error {
	kind := p.kind
	if p.redundantParens {
		return kind.errorf("The expression has redundant parentheses;")
	}
	var err error
	keep := func(e error) {
		if err == nil && e != nil {
			err = e
		}
	}
	// Unknown functions.
	walkCond(c, func(n *Condition) {
		if n.Kind == CondFunc && !knownFunc(n.Func) {
			keep(kind.errorf("Invalid function name; function: " + n.Func))
		}
		for _, a := range n.Args {
			walkOperand(a, func(o *Operand) {
				if o.Kind == OperandFunc && !knownFunc(o.Func) {
					keep(kind.errorf("Invalid function name; function: " + o.Func))
				}
			})
		}
	})
	if err != nil {
		return err
	}
	// Functions used where another kind belongs: size() as a condition, a
	// condition function as a value, an update function anywhere (DynamoDB
	// knows if_not_exists and list_append here, and refuses them so:
	// Alternator's test_update_condition_other_funcs).
	walkCond(c, func(n *Condition) {
		if n.Kind == CondFunc {
			if _, cond := condFuncs[n.Func]; n.Func == "size" || !cond {
				keep(kind.errorf("The function is not allowed to be used this way in an expression; function: " + n.Func))
			}
		}
		for _, a := range n.Args {
			walkOperand(a, func(o *Operand) {
				if o.Kind == OperandFunc && o.Func != "size" {
					keep(kind.errorf("The function is not allowed to be used this way in an expression; function: " + o.Func))
				}
			})
		}
	})
	if err != nil {
		return err
	}
	// Reserved words.
	walkCond(c, func(n *Condition) {
		for _, a := range n.Args {
			walkOperand(a, func(o *Operand) {
				if o.Kind == OperandPath {
					keep(reservedIn(o.Path, kind))
				}
			})
		}
	})
	if err != nil {
		return err
	}
	// Names and values, then each comparison's own checks.
	r := &resolver{params: params, kind: kind}
	walkCond(c, func(n *Condition) {
		for _, a := range n.Args {
			r.operand(a)
		}
	})
	if r.err != nil {
		return r.err
	}
	walkCond(c, func(n *Condition) {
		if err == nil {
			keep(checkLeaf(n, kind))
		}
	})
	return err
}

func checkLeaf(n *Condition, kind Kind) error {
	var args []*Operand
	name := n.Op
	switch n.Kind {
	case CondAnd, CondOr, CondNot:
		return nil
	case CondFunc:
		args, name = n.Args, n.Func
	default:
		args = n.Args
	}
	// Operand counts, of this node's function and of size() inside it.
	if n.Kind == CondFunc && condFuncs[n.Func] != len(n.Args) {
		return kind.errorf("Incorrect number of operands for operator or function; operator or function: " + n.Func + ", number of operands: " + strconv.Itoa(len(n.Args)))
	}
	for _, a := range n.Args {
		if a.Kind == OperandFunc && condFuncs[a.Func] != len(a.Args) {
			return kind.errorf("Incorrect number of operands for operator or function; operator or function: " + a.Func + ", number of operands: " + strconv.Itoa(len(a.Args)))
		}
	}
	// Distinct operands.
	if n.Kind == CondBetween {
		name = "BETWEEN"
	} else if n.Kind == CondIn {
		name = "IN"
	}
	if len(args) >= 2 && args[0].Kind == OperandPath {
		for _, b := range args[1:] {
			if b.Kind == OperandPath && samePath(args[0].Path, b.Path) {
				return kind.errorf("The first operand must be distinct from the remaining operands for this operator or function; operator: " + name + ", first operand: " + args[0].Path.String())
			}
		}
	}
	// Operand types.
	for _, a := range n.Args {
		if a.Kind == OperandFunc && a.Func == "size" {
			if err := checkSizeArg(a, kind); err != nil {
				return err
			}
		}
	}
	switch n.Kind {
	case CondCompare, CondBetween:
		// An ordering on a constant of a type without order is refused
		// (a path of such a type just compares false).
		if n.Kind == CondBetween || (n.Op != "=" && n.Op != "<>") {
			op := n.Op
			if n.Kind == CondBetween {
				op = "BETWEEN"
			}
			for _, a := range n.Args {
				if t := a.Value.T; a.Kind == OperandValue && !t.IsScalar() {
					return kind.errorf("Incorrect operand type for operator or function; operator or function: " + op + ", operand type: " + t.String())
				}
			}
		}
	}
	switch n.Kind {
	case CondFunc:
		switch n.Func {
		case "attribute_exists", "attribute_not_exists":
			if n.Args[0].Kind != OperandPath {
				return kind.errorf("Operator or function requires a document path; operator or function: " + n.Func)
			}
		case "begins_with":
			for _, a := range n.Args {
				if t := constType(a); t != attr.Invalid && t != attr.S && t != attr.B {
					return kind.errorf("Incorrect operand type for operator or function; operator or function: begins_with, operand type: " + t.String())
				}
			}
		case "attribute_type":
			a := n.Args[1]
			t := constType(a)
			if t != attr.S {
				ts := "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
				if t != attr.Invalid {
					ts = t.String()
				}
				return kind.errorf("Incorrect operand type for operator or function; operator or function: attribute_type, operand type: " + ts)
			}
			if attr.ParseType(a.Value.S) == attr.Invalid {
				return kind.errorf("Invalid attribute type name found; type: " + a.Value.S + ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}")
			}
		}
	case CondBetween:
		lo, hi := n.Args[1], n.Args[2]
		if lo.Kind == OperandValue && hi.Kind == OperandValue {
			bounds := "lower bound operand: AttributeValue: {" + showValue(lo.Value) + "}, upper bound operand: AttributeValue: {" + showValue(hi.Value) + "}"
			if lo.Value.T != hi.Value.T {
				return kind.errorf("The BETWEEN operator requires same data type for lower and upper bounds; " + bounds)
			}
			if c, ok := attr.Compare(lo.Value, hi.Value); ok && c > 0 {
				return kind.errorf("The BETWEEN operator requires upper bound to be greater than or equal to lower bound; " + bounds)
			}
		}
	}
	return nil
}

func checkSizeArg(a *Operand, kind Kind) error {
	switch t := constType(a.Args[0]); t {
	case attr.N, attr.BOOL, attr.NULL:
		return kind.errorf("Incorrect operand type for operator or function; operator or function: size, operand type: " + t.String())
	}
	return nil
}

// constType is the type of an operand known before evaluation: a value's
// type, N for size(); Invalid for a path.
func constType(o *Operand) attr.Type {
	switch o.Kind {
	case OperandValue:
		return o.Value.T
	case OperandFunc:
		if o.Func == "size" {
			return attr.N
		}
	}
	return attr.Invalid
}

// showValue prints a value as DynamoDB's messages do: "N:5", "S:abc".
func showValue(v attr.Value) string {
	switch v.T {
	case attr.S, attr.N:
		return v.T.String() + ":" + v.S
	case attr.BOOL:
		return "BOOL:" + strconv.FormatBool(v.Bool)
	case attr.NULL:
		return "NULL:true"
	}
	j := string(v.AppendJSON(nil))
	j = strings.TrimPrefix(j, "{\""+v.T.String()+"\":")
	return v.T.String() + ":" + strings.TrimSuffix(j, "}")
}

// knownFunc reports whether name is a function of any expression kind.
func knownFunc(name string) bool {
	_, c := condFuncs[name]
	_, u := updateFuncs[name]
	return c || u
}

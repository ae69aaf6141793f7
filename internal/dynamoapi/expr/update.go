package expr

import (
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// ActionKind is an update expression's clause.
type ActionKind uint8

// The four clauses, named as DynamoDB prints them.
const (
	ActSet ActionKind = iota
	ActRemove
	ActAdd
	ActDelete
)

var actionNames = [...]string{ActSet: "SET", ActRemove: "REMOVE", ActAdd: "ADD", ActDelete: "DELETE"}

// String returns the clause's keyword: SET, REMOVE, ADD or DELETE.
func (k ActionKind) String() string { return actionNames[k] }

// Action is one action of an update: SET Path = Value, REMOVE Path,
// ADD Path Value, DELETE Path Value.
type Action struct {
	Kind  ActionKind
	Path  Path
	Value *Operand // nil for REMOVE
}

// Section is one clause of an update expression and its actions.
type Section struct {
	Kind    ActionKind
	Actions []Action
}

// Update is an update expression: its clauses in the order written.
type Update struct {
	Sections []Section
}

var updateKeywords = []string{"SET", "REMOVE", "ADD", "DELETE"}

// updateFuncs are the functions of SET values and their operand counts.
var updateFuncs = map[string]int{"if_not_exists": 2, "list_append": 2}

// Format prints the update as written, one clause after another.
func (u *Update) Format() string {
	var b strings.Builder
	for i, s := range u.Sections {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.Kind.String())
		b.WriteByte(' ')
		for j, a := range s.Actions {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(a.Path.Format())
			switch a.Kind {
			case ActSet:
				b.WriteString(" = " + a.Value.Format())
			case ActAdd, ActDelete:
				b.WriteString(" " + a.Value.Format())
			}
		}
	}
	return b.String()
}

// Actions returns every action, clause after clause.
func (u *Update) Actions() []Action {
	var out []Action
	for _, s := range u.Sections {
		out = append(out, s.Actions...)
	}
	return out
}

// Paths returns the document paths the update writes or removes, for
// ReturnValues UPDATED_OLD and UPDATED_NEW and for the key-attribute check.
func (u *Update) Paths() []Path {
	var out []Path
	for _, a := range u.Actions() {
		out = append(out, a.Path)
	}
	return out
}

// ParseUpdate parses an UpdateExpression.
func ParseUpdate(s string, params *Params) (*Update, error) {
	kind := KindUpdate
	if err := checkSize(s, kind); err != nil {
		return nil, err
	}
	p := newParser(s, kind)
	u := &Update{}
	for p.peek().kind != tEOF {
		t := p.peek()
		var sk ActionKind = 255
		if t.kind == tIdent {
			for k, name := range actionNames {
				if strings.EqualFold(t.text, name) {
					sk = ActionKind(k)
				}
			}
		}
		if sk == 255 {
			return nil, p.syntaxError()
		}
		p.next()
		sec := Section{Kind: sk}
		for {
			a, err := p.parseAction(sk)
			if err != nil {
				return nil, err
			}
			sec.Actions = append(sec.Actions, a)
			if !p.isPunct(",") {
				break
			}
			p.next()
		}
		u.Sections = append(u.Sections, sec)
	}
	if err := validateUpdate(u, params, kind); err != nil {
		return nil, err
	}
	return u, nil
}

func (p *parser) parseAction(k ActionKind) (Action, error) {
	path, err := p.parsePath(updateKeywords)
	if err != nil {
		return Action{}, err
	}
	a := Action{Kind: k, Path: path}
	switch k {
	case ActSet:
		if err := p.expect("="); err != nil {
			return a, err
		}
		a.Value, err = p.parseSetValue()
	case ActAdd, ActDelete:
		t := p.peek()
		if t.kind != tValue {
			return a, p.syntaxError()
		}
		p.next()
		a.Value = &Operand{Kind: OperandValue, Ref: t.text}
	}
	return a, err
}

// parseSetValue parses a SET value: an operand, or operand + operand, or
// operand - operand, either one possibly in parentheses.
func (p *parser) parseSetValue() (*Operand, error) {
	if p.isPunct("(") {
		// "(a + b)" or "(a) + b": try the whole value in parentheses first.
		start := p.pos
		p.next()
		v, err := p.parseArith()
		if p.fatal != nil {
			return nil, p.fatal
		}
		if err == nil && p.isPunct(")") {
			p.next()
			if !p.isPunct("+") && !p.isPunct("-") {
				return v, nil
			}
		}
		p.pos = start
	}
	return p.parseArith()
}

func (p *parser) parseArith() (*Operand, error) {
	left, err := p.parseUpdateOperand()
	if err != nil {
		return nil, err
	}
	kind := OperandPlus
	switch {
	case p.isPunct("+"):
	case p.isPunct("-"):
		kind = OperandMinus
	default:
		return left, nil
	}
	p.next()
	if err := p.countOp(); err != nil {
		return nil, err
	}
	right, err := p.parseUpdateOperand()
	if err != nil {
		return nil, err
	}
	return &Operand{Kind: kind, Args: []*Operand{left, right}}, nil
}

// parseUpdateOperand parses a path, a :value or a function call, possibly
// in one pair of parentheses (DynamoDB refuses two).
func (p *parser) parseUpdateOperand() (*Operand, error) {
	if p.isPunct("(") {
		p.next()
		o, err := p.parseBareUpdateOperand()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return o, nil
	}
	return p.parseBareUpdateOperand()
}

// parseBareUpdateOperand parses a path, a :value or a function call.
func (p *parser) parseBareUpdateOperand() (*Operand, error) {
	t := p.peek()
	switch {
	case t.kind == tPunct && t.text == "(":
		return nil, p.syntaxError()
	case t.kind == tValue:
		p.next()
		return &Operand{Kind: OperandValue, Ref: t.text}, nil
	case t.kind == tIdent && p.peekAt(1).kind == tPunct && p.peekAt(1).text == "(":
		p.next()
		p.next()
		if err := p.countOp(); err != nil {
			return nil, err
		}
		f := &Operand{Kind: OperandFunc, Func: t.text}
		for {
			a, err := p.parseUpdateOperand()
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
	path, err := p.parsePath(updateKeywords)
	if err != nil {
		return nil, err
	}
	return &Operand{Kind: OperandPath, Path: path}, nil
}

// validateUpdate runs the semantic checks in DynamoDB's order (as dynalite
// records it): reserved words, unknown functions, repeated clauses, names,
// values, overlapping and conflicting paths, ADD/DELETE operand types, then
// function operands.
func validateUpdate(u *Update, params *Params, kind Kind) error {
	actions := u.Actions()
	eachOperand := func(f func(*Operand)) {
		for _, a := range actions {
			if a.Value != nil {
				walkOperand(a.Value, f)
			}
		}
	}
	var err error
	keep := func(e error) {
		if err == nil && e != nil {
			err = e
		}
	}
	for _, a := range actions {
		keep(reservedIn(a.Path, kind))
		if a.Value != nil {
			walkOperand(a.Value, func(o *Operand) {
				if o.Kind == OperandPath {
					keep(reservedIn(o.Path, kind))
				}
			})
		}
	}
	if err != nil {
		return err
	}
	eachOperand(func(o *Operand) {
		if o.Kind == OperandFunc && !knownFunc(o.Func) {
			keep(kind.errorf("Invalid function name; function: " + o.Func))
		}
	})
	if err != nil {
		return err
	}
	// A condition function (size, attribute_exists, ...) is known but not
	// allowed in an update, as update functions are refused in conditions.
	eachOperand(func(o *Operand) {
		if _, upd := updateFuncs[o.Func]; o.Kind == OperandFunc && !upd {
			keep(kind.errorf("The function is not allowed to be used this way in an expression; function: " + o.Func))
		}
	})
	if err != nil {
		return err
	}
	seen := map[ActionKind]bool{}
	for _, s := range u.Sections {
		if seen[s.Kind] {
			return kind.errorf(`The "` + s.Kind.String() + `" section can only be used once in an update expression;`)
		}
		seen[s.Kind] = true
	}
	// Names, then values.
	rn := &resolver{params: params, kind: kind}
	for _, a := range actions {
		rn.path(a.Path)
	}
	eachOperand(func(o *Operand) {
		if o.Kind == OperandPath {
			rn.path(o.Path)
		}
	})
	if rn.err != nil {
		return rn.err
	}
	rv := &resolver{params: params, kind: kind}
	eachOperand(func(o *Operand) {
		if o.Kind == OperandValue {
			rv.operand(o)
		}
	})
	if rv.err != nil {
		return rv.err
	}
	if err := checkOverlap(u.Paths(), kind); err != nil {
		return err
	}
	typeNames := map[attr.Type]string{attr.S: "STRING", attr.N: "NUMBER", attr.B: "BINARY", attr.NULL: "NULL", attr.BOOL: "BOOLEAN", attr.L: "LIST", attr.M: "MAP"}
	for _, a := range actions {
		if a.Kind != ActAdd && a.Kind != ActDelete {
			continue
		}
		t := a.Value.Value.T
		if name, bad := typeNames[t]; bad && !(a.Kind == ActAdd && t == attr.N) {
			return kind.errorf("Incorrect operand type for operator or function; operator: " + a.Kind.String() + ", operand type: " + name)
		}
	}
	eachOperand(func(o *Operand) {
		if err == nil {
			keep(checkUpdateFunc(o, kind))
		}
	})
	return err
}

func checkUpdateFunc(o *Operand, kind Kind) error {
	var name string
	switch o.Kind {
	case OperandFunc:
		name = o.Func
		if updateFuncs[name] != len(o.Args) {
			return kind.errorf("Incorrect number of operands for operator or function; operator or function: " + name + ", number of operands: " + strconv.Itoa(len(o.Args)))
		}
	case OperandPlus:
		name = "+"
	case OperandMinus:
		name = "-"
	default:
		return nil
	}
	want := attr.N
	switch name {
	case "if_not_exists":
		if o.Args[0].Kind != OperandPath {
			return kind.errorf("Operator or function requires a document path; operator or function: if_not_exists")
		}
		return nil
	case "list_append":
		want = attr.L
		for _, a := range o.Args {
			if a.Kind == OperandFunc && a.Func == "list_append" {
				return kind.errorf("The function is not allowed to be used this way in an expression; function: list_append")
			}
		}
	}
	for _, a := range o.Args {
		if a.Kind == OperandValue && a.Value.T != want {
			return kind.errorf("Incorrect operand type for operator or function; operator or function: " + name + ", operand type: " + a.Value.T.String())
		}
	}
	return nil
}

// NewUpdate builds an update from actions made elsewhere (PartiQL's SET
// and REMOVE, legacy parameters), grouped into clauses in the order SET,
// REMOVE, ADD, DELETE, and checks that no two paths overlap or conflict;
// kind names the parameter in those errors.
func NewUpdate(actions []Action, kind Kind) (*Update, error) {
	u := &Update{}
	for k := ActSet; k <= ActDelete; k++ {
		var sec []Action
		for _, a := range actions {
			if a.Kind == k {
				sec = append(sec, a)
			}
		}
		if len(sec) > 0 {
			u.Sections = append(u.Sections, Section{Kind: k, Actions: sec})
		}
	}
	if err := checkOverlap(u.Paths(), kind); err != nil {
		return nil, err
	}
	return u, nil
}

// CheckKeys returns DynamoDB's error when the update writes or removes a
// key attribute (rangeKey is "" for a table without one).
func (u *Update) CheckKeys(hashKey, rangeKey string) error {
	for _, p := range u.Paths() {
		if top := p.Top(); top == hashKey || (rangeKey != "" && top == rangeKey) {
			return errorf("One or more parameter values were invalid: Cannot update attribute " + top + ". This attribute is part of the key")
		}
	}
	return nil
}

package expr

import (
	"strconv"
	"strings"
)

// DynamoDB's expression limits ("Expression parameters" in "Service,
// account, and table quotas" of the DynamoDB developer guide).
const (
	// MaxExpressionSize is the longest expression string, in bytes (4 KB).
	MaxExpressionSize = 4096
	// MaxOperators is the most operators in one expression: comparisons,
	// BETWEEN, IN, AND, OR, NOT, + and -, and in update expressions also
	// function calls.
	MaxOperators = 300
	// MaxInOperands is the most operands of an IN list.
	MaxInOperands = 100
	// MaxPathDepth is the deepest document path (attributes nest 32 levels).
	MaxPathDepth = 32
)

// parser is the state shared by the expression parsers: tokens, position,
// and the expression kind that prefixes errors.
type parser struct {
	src   string
	toks  []token
	pos   int
	kind  Kind
	match []int // for each "(" token, the index of its ")", or -1

	fatal           error                 // a limit exceeded: not undone by backtracking
	redundantParens bool                  // "((x))" seen: reported after the syntax is known good
	failedParen     map[int]bool          // "(" positions where a parenthesized condition did not parse
	operandAt       map[int]operandResult // parenthesized operands parsed, by "(" position
	ops             int
}

// operandResult is a parenthesized operand parsed at some position: the
// operand and the position after it, or the error.
type operandResult struct {
	o   *Operand
	end int
	err error
}

func newParser(s string, kind Kind) *parser {
	p := &parser{src: s, toks: lex(s), kind: kind}
	p.match = make([]int, len(p.toks))
	var stack []int
	for i, t := range p.toks {
		p.match[i] = -1
		if t.kind != tPunct {
			continue
		}
		switch t.text {
		case "(":
			stack = append(stack, i)
		case ")":
			if len(stack) > 0 {
				p.match[stack[len(stack)-1]] = i
				stack = stack[:len(stack)-1]
			}
		}
	}
	return p
}

// checkSize gives DynamoDB's errors for an empty or oversized expression.
func checkSize(s string, kind Kind) error {
	if len(s) > MaxExpressionSize {
		return kind.errorf("Expression size has exceeded the maximum allowed size; expression size: " + strconv.Itoa(len(s)))
	}
	if strings.TrimSpace(s) == "" {
		return kind.errorf("The expression can not be empty;")
	}
	return nil
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) peekAt(n int) token {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == tPunct && t.text == s
}

func (p *parser) isKeyword(kw string) bool {
	t := p.peek()
	return t.kind == tIdent && strings.EqualFold(t.text, kw)
}

// syntaxError is DynamoDB's "Syntax error; token: "x", near: "y"" for the
// current token: near is the source text from the token before it through
// the token after it. Real DynamoDB answers "a+:delta<b" with token "+",
// near "a+:delta", and "foo" with token "<EOF>", near "foo".
func (p *parser) syntaxError() error {
	t := p.peek()
	from, to := p.pos-1, p.pos+1
	if from < 0 {
		from = 0
	}
	if to >= len(p.toks) {
		to = len(p.toks) - 1
	}
	near := strings.TrimSpace(p.src[p.toks[from].start:p.toks[to].end])
	return p.kind.errorf(`Syntax error; token: "` + t.text + `", near: "` + near + `"`)
}

func (p *parser) expect(s string) error {
	if !p.isPunct(s) {
		return p.syntaxError()
	}
	p.next()
	return nil
}

// groupParen consumes a grouping "(" and notes "((x))", which DynamoDB
// refuses as redundant parentheses.
func (p *parser) groupParen() {
	open := p.pos
	p.next()
	if c := p.match[open]; c > 0 && p.isPunct("(") && p.match[p.pos] == c-1 {
		p.redundantParens = true
	}
}

// countOp counts one operator or function against MaxOperators.
func (p *parser) countOp() error {
	p.ops++
	if p.ops > MaxOperators {
		p.fatal = p.kind.errorf("The expression contains too many operators; operator count: " + strconv.Itoa(p.ops))
		return p.fatal
	}
	return nil
}

// parsePath parses a document path: name, then .name and [index] steps.
// Names are kept as written; resolve fills them in. Words the grammar
// uses (AND, SET, ...) cannot be names.
func (p *parser) parsePath(keywords []string) (Path, error) {
	var path Path
	elem := func() error {
		t := p.peek()
		switch t.kind {
		case tIdent:
			for _, k := range keywords {
				if strings.EqualFold(t.text, k) {
					return p.syntaxError()
				}
			}
			path = append(path, PathElem{Name: t.text})
		case tName:
			path = append(path, PathElem{Src: t.text})
		default:
			return p.syntaxError()
		}
		p.next()
		return nil
	}
	if err := elem(); err != nil {
		return nil, err
	}
	for {
		switch {
		case p.isPunct("."):
			p.next()
			if err := elem(); err != nil {
				return nil, err
			}
		case p.isPunct("["):
			p.next()
			t := p.peek()
			if t.kind != tNumber {
				return nil, p.syntaxError()
			}
			n, err := strconv.Atoi(t.text)
			if err != nil || n > 1<<31-1 {
				return nil, p.syntaxError()
			}
			p.next()
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			path = append(path, PathElem{Index: n, IsIndex: true})
		default:
			if len(path) > MaxPathDepth {
				p.fatal = p.kind.errorf("The document path has too many nesting levels; nesting levels: " + strconv.Itoa(len(path)))
				return nil, p.fatal
			}
			return path, nil
		}
	}
}

// resolver fills in names and values from Params, keeping the first error.
type resolver struct {
	params *Params
	kind   Kind
	err    error
}

func (r *resolver) path(path Path) {
	for i := range path {
		e := &path[i]
		if e.IsIndex || e.Src == "" {
			continue
		}
		n, ok := r.params.name(e.Src)
		if !ok {
			if r.err == nil {
				r.err = r.kind.errorf("An expression attribute name used in the document path is not defined; attribute name: " + e.Src)
			}
			continue
		}
		e.Name = n
	}
}

func (r *resolver) operand(o *Operand) {
	switch o.Kind {
	case OperandPath:
		r.path(o.Path)
	case OperandValue:
		if o.Ref == "" {
			return
		}
		v, ok := r.params.value(o.Ref)
		if !ok {
			if r.err == nil {
				r.err = r.kind.errorf("An expression attribute value used in expression is not defined; attribute value: " + o.Ref)
			}
			return
		}
		o.Value = v
	default:
		for _, a := range o.Args {
			r.operand(a)
		}
	}
}

// reservedIn returns the error for the first bare name in path that is a
// reserved word.
func reservedIn(path Path, kind Kind) error {
	for _, e := range path {
		if e.IsIndex || e.Src != "" {
			continue
		}
		if _, ok := reservedWords[strings.ToUpper(e.Name)]; ok {
			return kind.errorf("Attribute name is a reserved keyword; reserved keyword: " + e.Name)
		}
	}
	return nil
}

// samePath reports whether two paths are the same, by resolved names.
func samePath(a, b Path) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].IsIndex != b[i].IsIndex || a[i].Index != b[i].Index || a[i].Name != b[i].Name {
			return false
		}
	}
	return true
}

// checkOverlap returns DynamoDB's error when one path is a prefix of
// another (overlap) or they diverge at a step where one indexes a list and
// the other a map (conflict). Any overlap is reported before a conflict.
func checkOverlap(paths []Path, kind Kind) error {
	var conflict error
	for i := 1; i < len(paths); i++ {
		for j := 0; j < i; j++ {
			a, b := paths[j], paths[i]
			diverged := false
			for k := 0; k < len(a) && k < len(b); k++ {
				if a[k].IsIndex != b[k].IsIndex {
					if conflict == nil {
						conflict = kind.errorf("Two document paths conflict with each other; must remove or rewrite one of these paths; path one: " + a.String() + ", path two: " + b.String())
					}
					diverged = true
					break
				}
				if a[k].Index != b[k].Index || a[k].Name != b[k].Name {
					diverged = true
					break
				}
			}
			if !diverged {
				return kind.errorf("Two document paths overlap with each other; must remove or rewrite one of these paths; path one: " + a.String() + ", path two: " + b.String())
			}
		}
	}
	return conflict
}

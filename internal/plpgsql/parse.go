package plpgsql

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/lex"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// Parse reads a procedure body (the text between the dollar quotes) for a
// procedure with the given arguments. The result is immutable and may be run
// by any number of calls at once.
func Parse(src string, params []Param) (body *Body, err error) {
	toks, err := tokens(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks, body: &Body{Params: params}}
	// Line 1 is the body's first line; as in Postgres, a newline right
	// after the opening quote does not count.
	first := 0
	if strings.HasPrefix(src, "\r\n") {
		first = 2
	} else if strings.HasPrefix(src, "\n") {
		first = 1
	}
	for i := first; i < len(src); i++ {
		if src[i] == '\n' {
			p.lines = append(p.lines, i)
		}
	}
	p.push()
	for i, prm := range params {
		slot := p.newSlot(&Slot{Name: prm.Name, Type: prm.Type})
		if prm.Name != "" {
			p.declare(prm.Name, slot)
		}
		p.argSlots = append(p.argSlots, i)
	}
	p.found = p.newSlot(&Slot{Name: "found", Type: "boolean"})
	p.declare("found", p.found)
	p.body.Found = p.found

	lbl, err := p.optLabel()
	if err != nil {
		return nil, err
	}
	if !p.at("begin") && !p.at("declare") {
		return nil, p.errf("syntax error at or near %q: a procedure body is a BEGIN ... END block", p.peek().Text(src))
	}
	b, err := p.block(lbl)
	if err != nil {
		return nil, err
	}
	p.accept(";")
	if p.peek().Kind != lex.EOF {
		return nil, p.errf("syntax error at or near %q: text after the body's END", p.peek().Text(src))
	}
	p.body.Block = b
	return p.body, nil
}

type labelInfo struct {
	name string
	loop bool
}

type parser struct {
	src      string
	toks     []lex.Token
	i        int
	lines    []int // offsets of '\n'
	body     *Body
	scopes   []map[string]int
	labels   []labelInfo
	handlers int // depth of EXCEPTION handlers being parsed
	argSlots []int
	found    int
}

func (p *parser) peek() lex.Token { return p.toks[p.i] }

func (p *parser) peekAt(n int) lex.Token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) at(s string) bool { return p.peek().Is(s) && p.peek().Kind != lex.EOF }

func (p *parser) accept(s string) bool {
	if p.at(s) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(s string) error {
	if !p.accept(s) {
		return p.errf("syntax error at or near %q: expected %s", p.near(), strings.ToUpper(s))
	}
	return nil
}

func (p *parser) near() string {
	t := p.peek()
	if t.Kind == lex.EOF {
		return "end of body"
	}
	return t.Text(p.src)
}

func (p *parser) errf(format string, args ...any) *sqlerr.Error {
	return sqlerr.New(sqlerr.SyntaxError, format, args...).At(p.peek().Pos + 1)
}

func (p *parser) lineOf(pos int) int { return sort.SearchInts(p.lines, pos) + 1 }

func (p *parser) push() { p.scopes = append(p.scopes, map[string]int{}) }
func (p *parser) pop()  { p.scopes = p.scopes[:len(p.scopes)-1] }

func (p *parser) newSlot(s *Slot) int {
	p.body.Slots = append(p.body.Slots, s)
	return len(p.body.Slots) - 1
}

func (p *parser) declare(name string, slot int) { p.scopes[len(p.scopes)-1][name] = slot }

func (p *parser) lookup(name string) (int, bool) {
	for i := len(p.scopes) - 1; i >= 0; i-- {
		if s, ok := p.scopes[i][name]; ok {
			return s, true
		}
	}
	return 0, false
}

// ident reads an identifier (unquoted or quoted) and returns its name.
func (p *parser) ident(what string) (string, error) {
	t := p.peek()
	if t.Kind == lex.Ident || t.Kind == lex.QuotedIdent {
		p.i++
		return t.Value, nil
	}
	return "", p.errf("syntax error at or near %q: expected %s", p.near(), what)
}

func (p *parser) optLabel() (string, error) {
	if !p.at("<<") {
		return "", nil
	}
	p.i++
	name, err := p.ident("a label")
	if err != nil {
		return "", err
	}
	return name, p.expect(">>")
}

// block parses [DECLARE ...] BEGIN ... [EXCEPTION ...] END [label].
func (p *parser) block(lbl string) (*Block, error) {
	b := &Block{Pos: Pos{p.lineOf(p.peek().Pos)}, Label: lbl}
	p.push()
	defer p.pop()
	p.labels = append(p.labels, labelInfo{name: lbl})
	defer func() { p.labels = p.labels[:len(p.labels)-1] }()
	if p.accept("declare") {
		for !p.at("begin") {
			if p.peek().Kind == lex.EOF {
				return nil, p.errf("syntax error at end of body: expected BEGIN")
			}
			if p.accept("declare") {
				continue
			}
			d, err := p.decl()
			if err != nil {
				return nil, err
			}
			if d != nil {
				b.Decls = append(b.Decls, d)
			}
		}
	}
	if err := p.expect("begin"); err != nil {
		return nil, err
	}
	var err error
	if b.Body, err = p.stmts("end", "exception"); err != nil {
		return nil, err
	}
	if p.accept("exception") {
		if p.accept("continue_handler") {
			b.Continue = true
		} else {
			p.accept("exit_handler")
		}
		for p.at("when") {
			h, err := p.handler()
			if err != nil {
				return nil, err
			}
			b.Handlers = append(b.Handlers, h)
		}
		if len(b.Handlers) == 0 {
			return nil, p.errf("syntax error at or near %q: expected WHEN", p.near())
		}
	}
	if err := p.expect("end"); err != nil {
		return nil, err
	}
	if t := p.peek(); (t.Kind == lex.Ident || t.Kind == lex.QuotedIdent) && !t.Is("end") {
		if t.Value != lbl {
			return nil, p.errf("end label %q differs from block's label %q", t.Value, lbl)
		}
		p.i++
	}
	return b, nil
}

func (p *parser) handler() (*Handler, error) {
	p.i++ // WHEN
	h := &Handler{}
	for {
		t := p.peek()
		switch {
		case t.Is("sqlstate"):
			p.i++
			s := p.peek()
			if s.Kind != lex.String || len(s.Value) != 5 {
				return nil, p.errf("invalid SQLSTATE code %q", s.Text(p.src))
			}
			p.i++
			h.Conditions = append(h.Conditions, "sqlstate "+quote(s.Value))
		case t.Kind == lex.Ident:
			if _, ok := conditionCodes[t.Value]; !ok && t.Value != "others" {
				return nil, sqlerr.New(sqlerr.UndefinedObject, "unrecognized exception condition %q", t.Value).At(t.Pos + 1)
			}
			p.i++
			h.Conditions = append(h.Conditions, t.Value)
		default:
			return nil, p.errf("syntax error at or near %q: expected an exception condition", p.near())
		}
		if !p.accept("or") {
			break
		}
	}
	if err := p.expect("then"); err != nil {
		return nil, err
	}
	p.push()
	defer p.pop()
	h.StateSlot = p.newSlot(&Slot{Name: "sqlstate", Type: "varchar"})
	h.ErrmSlot = p.newSlot(&Slot{Name: "sqlerrm", Type: "varchar"})
	p.declare("sqlstate", h.StateSlot)
	p.declare("sqlerrm", h.ErrmSlot)
	p.handlers++
	defer func() { p.handlers-- }()
	var err error
	h.Body, err = p.stmts("when", "end")
	return h, err
}

// decl parses one declaration through its semicolon.
func (p *parser) decl() (*Decl, error) {
	name, err := p.ident("a variable name")
	if err != nil {
		return nil, err
	}
	if p.accept("alias") {
		if err := p.expect("for"); err != nil {
			return nil, err
		}
		t := p.peek()
		if t.Kind != lex.Param {
			return nil, p.errf("syntax error at or near %q: expected $n", p.near())
		}
		n, _ := strconv.Atoi(t.Value)
		if n < 1 || n > len(p.argSlots) {
			return nil, sqlerr.New("42P02", "there is no parameter $%d", n).At(t.Pos + 1)
		}
		p.i++
		p.declare(name, p.argSlots[n-1])
		return nil, p.expect(";")
	}
	s := &Slot{Name: name}
	s.Constant = p.accept("constant")
	if p.at("cursor") || p.at("scroll") || p.at("no") {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "bound cursor variables are not supported in procedures; use a refcursor and OPEN ... FOR, or FOR ... IN query LOOP").At(p.peek().Pos + 1)
	}
	start := p.i
	depth := 0
	for {
		t := p.peek()
		if t.Kind == lex.EOF {
			return nil, p.errf("syntax error at end of body: declaration of %q has no ';'", name)
		}
		if depth == 0 && (t.Is(";") || t.Is(":=") || t.Is("=") || t.Is("default") || (t.Is("not") && p.peekAt(1).Is("null"))) {
			break
		}
		if t.Is("(") {
			depth++
		} else if t.Is(")") {
			depth--
		} else if t.Is("%") {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "%%TYPE and %%ROWTYPE are not supported").At(t.Pos + 1)
		}
		p.i++
	}
	if p.i == start {
		return nil, p.errf("syntax error at or near %q: expected a type for %q", p.near(), name)
	}
	typ := p.src[p.toks[start].Pos:p.toks[p.i-1].End]
	if strings.EqualFold(typ, "record") {
		s.Record = true
	} else {
		s.Type = typ
	}
	if p.accept("not") {
		p.i++ // NULL
		s.NotNull = true
	}
	d := &Decl{}
	if p.accept(":=") || p.accept("=") || p.accept("default") {
		a, b, err := p.scan(";")
		if err != nil {
			return nil, err
		}
		// The default is read before the variable is in scope.
		if d.Default, err = p.exprFrag(a, b, s); err != nil {
			return nil, err
		}
	} else if s.Constant || s.NotNull {
		return nil, p.errf("variable %q must have a default value", name)
	}
	if s.Record && d.Default != nil {
		return nil, p.errf("a RECORD variable cannot have a default")
	}
	d.Slot = p.newSlot(s)
	p.declare(name, d.Slot)
	return d, p.expect(";")
}

// stmts parses statements until one of the stop keywords (not consumed).
func (p *parser) stmts(stops ...string) ([]Stmt, error) {
	var out []Stmt
	for {
		t := p.peek()
		if t.Kind == lex.EOF {
			return nil, p.errf("syntax error at end of body: missing END")
		}
		if t.Kind == lex.Ident {
			for _, s := range stops {
				if t.Value == s {
					return out, nil
				}
			}
		}
		if p.accept(";") { // empty statement
			continue
		}
		s, err := p.stmt()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
}

func (p *parser) stmt() (Stmt, error) {
	lbl, err := p.optLabel()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	pos := Pos{p.lineOf(t.Pos)}
	if lbl != "" && !(t.Is("begin") || t.Is("declare") || t.Is("loop") || t.Is("while") || t.Is("for")) {
		return nil, p.errf("syntax error at or near %q: a label must precede a block or a loop", p.near())
	}
	if t.Kind != lex.Ident {
		return p.sqlStmt(pos)
	}
	switch t.Value {
	case "begin", "declare":
		b, err := p.block(lbl)
		if err != nil {
			return nil, err
		}
		return b, p.expect(";")
	case "if":
		return p.ifStmt(pos)
	case "case":
		return p.caseStmt(pos)
	case "loop":
		p.i++
		body, err := p.loopBody(lbl)
		return &Loop{Pos: pos, Label: lbl, Body: body}, err
	case "while":
		p.i++
		a, b, err := p.scan("loop")
		if err != nil {
			return nil, err
		}
		cond, err := p.exprFrag(a, b, nil)
		if err != nil {
			return nil, err
		}
		p.i++ // LOOP
		body, err := p.loopBody(lbl)
		return &While{Pos: pos, Label: lbl, Cond: cond, Body: body}, err
	case "for":
		return p.forStmt(pos, lbl)
	case "exit", "continue":
		return p.exitStmt(pos)
	case "return":
		p.i++
		if !p.at(";") {
			return nil, sqlerr.New(sqlerr.SyntaxError, "RETURN cannot have a parameter in a procedure").At(p.peek().Pos + 1)
		}
		p.i++
		return &Return{Pos: pos}, nil
	case "null":
		if p.peekAt(1).Is(";") {
			p.i += 2
			return &Null{Pos: pos}, nil
		}
	case "raise":
		return p.raiseStmt(pos)
	case "execute":
		return p.executeStmt(pos)
	case "get":
		return p.getDiag(pos)
	case "perform":
		p.i++
		a, b, err := p.scan(";")
		if err != nil {
			return nil, err
		}
		f, err := p.frag(a, b, nil, "SELECT ", "", nil)
		p.i++
		return &Perform{Pos: pos, Frag: f}, err
	case "commit", "rollback":
		kind := TxnCommit
		if t.Value == "rollback" {
			kind = TxnRollback
		}
		p.i++
		if !p.accept("work") {
			p.accept("transaction")
		}
		return &Txn{Pos: pos, Kind: kind}, p.expect(";")
	case "start":
		if p.peekAt(1).Is("transaction") {
			p.i += 2
			return &Txn{Pos: pos, Kind: TxnStart}, p.expect(";")
		}
	case "call":
		return p.callStmt(pos)
	case "open":
		if slot, ok := p.lookup(p.peekAt(1).Value); ok && p.peekAt(1).Kind == lex.Ident && p.peekAt(2).Is("for") &&
			!p.peekAt(3).Is("execute") && strings.EqualFold(p.body.Slots[slot].Type, "refcursor") {
			p.i += 3
			a, b, err := p.scan(";")
			if err != nil {
				return nil, err
			}
			if a == b {
				return nil, p.errf("syntax error at or near \";\": OPEN ... FOR needs a query")
			}
			f, err := p.frag(a, b, nil, "", "", nil)
			p.i++
			return &Open{Pos: pos, Var: slot, Query: f}, err
		}
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "OPEN is supported only as OPEN refcursor_variable FOR query").At(t.Pos + 1)
	case "fetch", "close", "move":
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "cursor statement %s is not supported in procedures; use FOR ... IN query LOOP", strings.ToUpper(t.Value)).At(t.Pos + 1)
	case "elsif", "elseif", "else", "when", "then":
		return nil, p.errf("syntax error at or near %q", p.near())
	}
	// Assignment: var := expr, var = expr, rec.field := expr.
	if slot, ok := p.lookup(t.Value); ok {
		ref := Ref{Slot: slot}
		n := 1
		if p.peekAt(1).Is(".") && p.body.Slots[slot].Record {
			f := p.peekAt(2)
			if f.Kind == lex.Ident || f.Kind == lex.QuotedIdent {
				ref.Field = f.Value
				n = 3
			}
		}
		if op := p.peekAt(n); op.Is(":=") || op.Is("=") {
			if p.body.Slots[slot].Constant {
				return nil, sqlerr.New(sqlerr.SyntaxError, "variable %q is declared CONSTANT", t.Value).At(t.Pos + 1)
			}
			p.i += n + 1
			a, b, err := p.scan(";")
			if err != nil {
				return nil, err
			}
			var typed *Slot
			if ref.Field == "" {
				typed = p.body.Slots[slot]
			}
			e, err := p.exprFrag(a, b, typed)
			p.i++
			return &Assign{Pos: pos, Target: ref, Expr: e}, err
		}
	}
	return p.sqlStmt(pos)
}

func (p *parser) loopBody(lbl string) ([]Stmt, error) {
	p.labels = append(p.labels, labelInfo{name: lbl, loop: true})
	defer func() { p.labels = p.labels[:len(p.labels)-1] }()
	body, err := p.stmts("end")
	if err != nil {
		return nil, err
	}
	p.i++ // END
	if err := p.expect("loop"); err != nil {
		return nil, err
	}
	if t := p.peek(); t.Kind == lex.Ident && !t.Is(";") {
		if t.Value != lbl {
			return nil, p.errf("end label %q differs from loop's label %q", t.Value, lbl)
		}
		p.i++
	}
	return body, p.expect(";")
}

func (p *parser) ifStmt(pos Pos) (Stmt, error) {
	s := &If{Pos: pos}
	for {
		p.i++ // IF / ELSIF
		a, b, err := p.scan("then")
		if err != nil {
			return nil, err
		}
		c, err := p.exprFrag(a, b, nil)
		if err != nil {
			return nil, err
		}
		p.i++
		body, err := p.stmts("elsif", "elseif", "else", "end")
		if err != nil {
			return nil, err
		}
		s.Conds = append(s.Conds, c)
		s.Thens = append(s.Thens, body)
		if p.at("elsif") || p.at("elseif") {
			continue
		}
		break
	}
	if p.accept("else") {
		body, err := p.stmts("end")
		if err != nil {
			return nil, err
		}
		if body == nil {
			body = []Stmt{}
		}
		s.Else = body
	}
	if err := p.expect("end"); err != nil {
		return nil, err
	}
	if err := p.expect("if"); err != nil {
		return nil, err
	}
	return s, p.expect(";")
}

func (p *parser) caseStmt(pos Pos) (Stmt, error) {
	s := &Case{Pos: pos}
	p.i++
	if !p.at("when") {
		a, b, err := p.scan("when")
		if err != nil {
			return nil, err
		}
		if s.Subject, err = p.exprFrag(a, b, nil); err != nil {
			return nil, err
		}
		s.SubjectSlot = p.newSlot(&Slot{Name: "case"})
	}
	for p.accept("when") {
		a, b, err := p.scan("then")
		if err != nil {
			return nil, err
		}
		var w *Frag
		if s.Subject != nil {
			w, err = p.frag(a, b, nil, "SELECT $1 IN (", ")", []Ref{{Slot: s.SubjectSlot}})
		} else {
			w, err = p.exprFrag(a, b, nil)
		}
		if err != nil {
			return nil, err
		}
		p.i++
		body, err := p.stmts("when", "else", "end")
		if err != nil {
			return nil, err
		}
		s.Whens = append(s.Whens, w)
		s.Thens = append(s.Thens, body)
	}
	if len(s.Whens) == 0 {
		return nil, p.errf("syntax error at or near %q: expected WHEN", p.near())
	}
	if p.accept("else") {
		s.HasElse = true
		var err error
		if s.Else, err = p.stmts("end"); err != nil {
			return nil, err
		}
	}
	if err := p.expect("end"); err != nil {
		return nil, err
	}
	if err := p.expect("case"); err != nil {
		return nil, err
	}
	return s, p.expect(";")
}

func (p *parser) forStmt(pos Pos, lbl string) (Stmt, error) {
	p.i++ // FOR
	var names []string
	for {
		n, err := p.ident("a loop variable")
		if err != nil {
			return nil, err
		}
		names = append(names, n)
		if !p.accept(",") {
			break
		}
	}
	if err := p.expect("in"); err != nil {
		return nil, err
	}
	reverse := p.accept("reverse")
	// An integer range has '..' at depth 0 before LOOP.
	a, b, err := p.scan("loop")
	if err != nil {
		return nil, err
	}
	dots := -1
	depth := 0
	for k := a; k < b; k++ {
		t := p.toks[k]
		if t.Is("(") || t.Is("[") {
			depth++
		} else if t.Is(")") || t.Is("]") {
			depth--
		} else if depth == 0 && t.Is("..") {
			dots = k
			break
		}
	}
	p.push()
	defer p.pop()
	if dots >= 0 || reverse {
		if dots < 0 {
			return nil, p.errf("syntax error: FOR ... REVERSE needs an integer range lo .. hi")
		}
		if len(names) != 1 {
			return nil, p.errf("an integer FOR loop has one variable")
		}
		s := &ForInt{Pos: pos, Label: lbl, Reverse: reverse}
		hiEnd := b
		byAt := -1
		depth = 0
		for k := dots + 1; k < b; k++ {
			t := p.toks[k]
			if t.Is("(") {
				depth++
			} else if t.Is(")") {
				depth--
			} else if depth == 0 && t.Is("by") {
				byAt = k
				hiEnd = k
				break
			}
		}
		if dots == a || hiEnd == dots+1 || (byAt >= 0 && byAt+1 == b) {
			return nil, p.errf("syntax error in FOR loop range")
		}
		if s.Lo, err = p.exprFrag(a, dots, nil); err != nil {
			return nil, err
		}
		if s.Hi, err = p.exprFrag(dots+1, hiEnd, nil); err != nil {
			return nil, err
		}
		if byAt >= 0 {
			if s.By, err = p.exprFrag(byAt+1, b, nil); err != nil {
				return nil, err
			}
		}
		s.Var = p.newSlot(&Slot{Name: names[0], Type: "integer"})
		p.declare(names[0], s.Var)
		p.i = b + 1
		s.Body, err = p.loopBody(lbl)
		return s, err
	}
	s := &ForQuery{Pos: pos, Label: lbl}
	p.i = a
	if p.accept("execute") {
		s.Dynamic = true
		qa, qb, err := p.scan("using", "loop")
		if err != nil {
			return nil, err
		}
		if s.Query, err = p.exprFrag(qa, qb, nil); err != nil {
			return nil, err
		}
		if p.accept("using") {
			if s.Using, err = p.exprList(nil, "loop"); err != nil {
				return nil, err
			}
		}
	} else {
		if s.Query, err = p.frag(a, b, nil, "", "", nil); err != nil {
			return nil, err
		}
	}
	p.i = b + 1
	// Targets: declared variables, or one new implicit record.
	for _, n := range names {
		if slot, ok := p.lookup(n); ok {
			s.Targets = append(s.Targets, Ref{Slot: slot})
			continue
		}
		if len(names) > 1 {
			return nil, sqlerr.New(sqlerr.SyntaxError, "loop variable %q is not declared", n)
		}
		slot := p.newSlot(&Slot{Name: n, Record: true})
		p.declare(n, slot)
		s.Targets = append(s.Targets, Ref{Slot: slot})
	}
	s.Body, err = p.loopBody(lbl)
	return s, err
}

func (p *parser) exitStmt(pos Pos) (Stmt, error) {
	t := p.peek()
	s := &Exit{Pos: pos, Continue: t.Value == "continue"}
	p.i++
	if n := p.peek(); (n.Kind == lex.Ident || n.Kind == lex.QuotedIdent) && !n.Is("when") {
		s.Label = n.Value
		p.i++
	}
	found := false
	for i := len(p.labels) - 1; i >= 0; i-- {
		l := p.labels[i]
		if s.Label == "" && l.loop || s.Label != "" && l.name == s.Label && (l.loop || !s.Continue) {
			found = true
			break
		}
	}
	if !found {
		kw := "EXIT"
		if s.Continue {
			kw = "CONTINUE"
		}
		if s.Label != "" {
			return nil, sqlerr.New(sqlerr.SyntaxError, "there is no label %q attached to any %s enclosing the %s", s.Label, map[bool]string{true: "loop", false: "block or loop"}[s.Continue], kw).At(t.Pos + 1)
		}
		return nil, sqlerr.New(sqlerr.SyntaxError, "%s cannot be used outside a loop, unless it has a label", kw).At(t.Pos + 1)
	}
	if p.accept("when") {
		a, b, err := p.scan(";")
		if err != nil {
			return nil, err
		}
		if s.When, err = p.exprFrag(a, b, nil); err != nil {
			return nil, err
		}
	}
	return s, p.expect(";")
}

var raiseLevels = map[string]Level{
	"debug": LevelLog, "log": LevelLog, "info": LevelInfo, "notice": LevelNotice,
	"warning": LevelWarning, "exception": LevelException,
}

func (p *parser) raiseStmt(pos Pos) (Stmt, error) {
	start := p.peek()
	p.i++
	if p.accept(";") {
		if p.handlers == 0 {
			return nil, sqlerr.New(sqlerr.SyntaxError, "RAISE without parameters cannot be used outside an exception handler").At(start.Pos + 1)
		}
		return &Raise{Pos: pos, Rethrow: true}, nil
	}
	s := &Raise{Pos: pos, Level: LevelException}
	if lv, ok := raiseLevels[p.peek().Value]; ok && p.peek().Kind == lex.Ident {
		s.Level = lv
		p.i++
	}
	f := p.peek()
	if f.Kind != lex.String && f.Kind != lex.DollarString {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "RAISE needs a format string literal (condition names and USING are not supported)").At(f.Pos + 1)
	}
	s.Format = f.Value
	p.i++
	if p.accept(",") {
		var err error
		if s.Args, err = p.exprList(&Slot{Type: "varchar"}, ";"); err != nil {
			return nil, err
		}
	}
	if err := p.expect(";"); err != nil {
		return nil, err
	}
	n := placeholders(s.Format)
	if n > len(s.Args) {
		return nil, sqlerr.New(sqlerr.SyntaxError, "too few parameters specified for RAISE").At(start.Pos + 1)
	}
	if n < len(s.Args) {
		return nil, sqlerr.New(sqlerr.SyntaxError, "too many parameters specified for RAISE").At(start.Pos + 1)
	}
	return s, nil
}

// placeholders counts the % placeholders of a RAISE format (%% is a literal %).
func placeholders(f string) int {
	n := 0
	for i := 0; i < len(f); i++ {
		if f[i] == '%' {
			if i+1 < len(f) && f[i+1] == '%' {
				i++
				continue
			}
			n++
		}
	}
	return n
}

func (p *parser) executeStmt(pos Pos) (Stmt, error) {
	p.i++
	s := &Execute{Pos: pos}
	a, b, err := p.scan("into", "using", ";")
	if err != nil {
		return nil, err
	}
	if a == b {
		return nil, p.errf("syntax error: EXECUTE needs a command string")
	}
	if s.Query, err = p.exprFrag(a, b, nil); err != nil {
		return nil, err
	}
	for !p.at(";") {
		switch {
		case p.accept("into"):
			if s.Into != nil {
				return nil, p.errf("INTO specified more than once")
			}
			s.Strict = p.accept("strict")
			if s.Into, err = p.targets(); err != nil {
				return nil, err
			}
		case p.accept("using"):
			if s.Using != nil {
				return nil, p.errf("USING specified more than once")
			}
			if s.Using, err = p.exprList(nil, ";", "into"); err != nil {
				return nil, err
			}
		default:
			return nil, p.errf("syntax error at or near %q", p.near())
		}
	}
	p.i++
	return s, nil
}

func (p *parser) getDiag(pos Pos) (Stmt, error) {
	p.i++
	p.accept("current")
	if err := p.expect("diagnostics"); err != nil {
		return nil, err
	}
	s := &GetDiag{Pos: pos}
	for {
		r, err := p.target()
		if err != nil {
			return nil, err
		}
		if !p.accept("=") && !p.accept(":=") {
			return nil, p.errf("syntax error at or near %q: expected =", p.near())
		}
		item := p.peek()
		if !item.Is("row_count") {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "GET DIAGNOSTICS item %q is not supported (ROW_COUNT is)", item.Text(p.src)).At(item.Pos + 1)
		}
		p.i++
		s.Targets = append(s.Targets, r)
		s.Items = append(s.Items, "ROW_COUNT")
		if !p.accept(",") {
			break
		}
	}
	return s, p.expect(";")
}

func (p *parser) callStmt(pos Pos) (Stmt, error) {
	start := p.i
	p.i++
	var name []string
	for {
		n, err := p.ident("a procedure name")
		if err != nil {
			return nil, err
		}
		name = append(name, n)
		if !p.accept(".") {
			break
		}
	}
	s := &Call{Pos: pos, Name: strings.Join(name, ".")}
	if err := p.expect("("); err != nil {
		return nil, err
	}
	if !p.accept(")") {
		args, err := p.exprList(nil, ")")
		if err != nil {
			return nil, err
		}
		p.i++
		s.Args = args
	}
	for _, a := range s.Args {
		var r *Ref
		if len(a.Refs) == 1 && strings.TrimSpace(strings.Trim(strings.TrimPrefix(a.SQL, "SELECT "), "()")) != "" && isBareRef(a) {
			r = &a.Refs[0]
		}
		s.ArgRefs = append(s.ArgRefs, r)
	}
	_ = start
	return s, p.expect(";")
}

// isBareRef reports whether an argument is just one variable.
func isBareRef(f *Frag) bool {
	toks, err := lex.Tokens(f.Text)
	if err != nil {
		return false
	}
	n := len(toks) - 1 // EOF
	return n == 1 || (n == 3 && toks[1].Is("."))
}

// target reads one assignment target: var or rec.field.
func (p *parser) target() (Ref, error) {
	t := p.peek()
	if t.Kind != lex.Ident && t.Kind != lex.QuotedIdent {
		return Ref{}, p.errf("syntax error at or near %q: expected a variable", p.near())
	}
	slot, ok := p.lookup(t.Value)
	if !ok {
		return Ref{}, sqlerr.New(sqlerr.SyntaxError, "%q is not a known variable", t.Value).At(t.Pos + 1)
	}
	if p.body.Slots[slot].Constant {
		return Ref{}, sqlerr.New(sqlerr.SyntaxError, "variable %q is declared CONSTANT", t.Value).At(t.Pos + 1)
	}
	p.i++
	r := Ref{Slot: slot}
	if p.body.Slots[slot].Record && p.at(".") {
		p.i++
		f, err := p.ident("a field name")
		if err != nil {
			return Ref{}, err
		}
		r.Field = f
	}
	return r, nil
}

func (p *parser) targets() ([]Ref, error) {
	var out []Ref
	for {
		r, err := p.target()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		if !p.accept(",") {
			return out, nil
		}
	}
}

// exprList reads comma-separated expressions up to (not including) a stop token.
func (p *parser) exprList(typed *Slot, stops ...string) ([]*Frag, error) {
	var out []*Frag
	for {
		a, b, err := p.scan(append([]string{","}, stops...)...)
		if err != nil {
			return nil, err
		}
		if a == b {
			return nil, p.errf("syntax error at or near %q: expected an expression", p.near())
		}
		f, err := p.exprFrag(a, b, typed)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
		if !p.accept(",") {
			return out, nil
		}
	}
}

// scan advances to the first stop token at nesting depth 0 (parentheses,
// brackets and CASE ... END) and returns the token range before it.
func (p *parser) scan(stops ...string) (int, int, error) {
	a := p.i
	depth, cases := 0, 0
	for {
		t := p.peek()
		if t.Kind == lex.EOF {
			return 0, 0, p.errf("syntax error at end of body: expected %s", strings.ToUpper(strings.Join(stops, " or ")))
		}
		if depth == 0 && cases == 0 && (t.Kind == lex.Ident || t.Kind == lex.Op) {
			for _, s := range stops {
				if t.Value == s {
					return a, p.i, nil
				}
			}
		}
		switch {
		case t.Is("(") || t.Is("["):
			depth++
		case t.Is(")") || t.Is("]"):
			depth--
			if depth < 0 {
				return 0, 0, p.errf("syntax error at or near \")\"")
			}
		case t.Is("case"):
			cases++
		case t.Is("end") && cases > 0:
			cases--
		case t.Is(";") && depth == 0:
			return 0, 0, p.errf("syntax error at or near \";\": expected %s", strings.ToUpper(strings.Join(stops, " or ")))
		}
		p.i++
	}
}

// sqlStmt reads an SQL statement through its semicolon, taking SELECT ...
// INTO targets out of it.
func (p *parser) sqlStmt(pos Pos) (Stmt, error) {
	a, b, err := p.scan(";")
	if err != nil {
		return nil, err
	}
	p.i++
	if a == b {
		return nil, p.errf("syntax error at or near \";\"")
	}
	s := &SQL{Pos: pos, Kind: p.toks[a].Value}
	var skip map[int]bool
	if s.Kind == "select" || s.Kind == "with" {
		depth := 0
		for k := a; k < b; k++ {
			t := p.toks[k]
			if t.Is("(") {
				depth++
			} else if t.Is(")") {
				depth--
			} else if depth == 0 && t.Is("into") && !(k > a && p.toks[k-1].Is("insert")) {
				save := p.i
				p.i = k + 1
				s.Strict = p.accept("strict")
				if s.Into, err = p.targets(); err != nil {
					return nil, err
				}
				skip = map[int]bool{}
				for j := k; j < p.i; j++ {
					skip[j] = true
				}
				p.i = save
				break
			}
		}
	}
	if s.Frag, err = p.frag(a, b, skip, "", "", nil); err != nil {
		return nil, err
	}
	if s.Kind == "truncate" || s.Kind == "vacuum" {
		// Statements that end the transaction are kept recognisable by Kind.
	}
	return s, nil
}

// exprFrag makes a Frag that evaluates the expression in tokens [a, b). With
// typed (a scalar variable being assigned) the value is cast to its type.
func (p *parser) exprFrag(a, b int, typed *Slot) (*Frag, error) {
	if a == b {
		return nil, p.errf("syntax error at or near %q: expected an expression", p.near())
	}
	if typed != nil && !typed.Record && typed.Type != "" {
		return p.frag(a, b, nil, "SELECT CAST((", ") AS "+typed.Type+")", nil)
	}
	return p.frag(a, b, nil, "SELECT ", "", nil)
}

// frag builds a Frag from tokens [a, b) minus skip, wrapping the SQL in
// prefix and suffix. pre are references already numbered $1..$len(pre) by
// the prefix.
func (p *parser) frag(a, b int, skip map[int]bool, prefix, suffix string, pre []Ref) (*Frag, error) {
	f := &Frag{Pos: p.toks[a].Pos, Refs: append([]Ref(nil), pre...)}
	var text, out strings.Builder
	out.WriteString(prefix)
	index := map[Ref]int{}
	for i, r := range pre {
		index[r] = i + 1
	}
	kind := p.toks[a].Value
	noSub := p.protected(a, b, kind)
	prev := -1
	for k := a; k < b; k++ {
		if skip[k] {
			continue
		}
		t := p.toks[k]
		if prev >= 0 {
			gap := " "
			if prev == k-1 {
				gap = p.src[p.toks[prev].End:t.Pos]
			}
			text.WriteString(gap)
			out.WriteString(gap)
		}
		raw := t.Text(p.src)
		text.WriteString(raw)
		prev = k
		ref, n, ok, err := p.refAt(k, b, skip, noSub[k])
		if err != nil {
			return nil, err
		}
		if !ok {
			out.WriteString(raw)
			continue
		}
		for j := 1; j < n; j++ { // rec . field
			text.WriteString(p.src[p.toks[k+j-1].End:p.toks[k+j].Pos] + p.toks[k+j].Text(p.src))
		}
		prev = k + n - 1
		k += n - 1
		num, seen := index[ref]
		if !seen {
			f.Refs = append(f.Refs, ref)
			num = len(f.Refs)
			index[ref] = num
		}
		s := p.body.Slots[ref.Slot]
		if ref.Field == "" && !s.Record && s.Type != "" {
			fmt.Fprintf(&out, "CAST($%d AS %s)", num, s.Type)
		} else {
			fmt.Fprintf(&out, "$%d", num)
		}
	}
	out.WriteString(suffix)
	f.Text = text.String()
	f.SQL = out.String()
	return f, nil
}

// refAt decides whether token k starts a variable reference, and how many
// tokens it spans.
func (p *parser) refAt(k, b int, skip map[int]bool, protected bool) (Ref, int, bool, error) {
	t := p.toks[k]
	if t.Kind == lex.Param {
		n, _ := strconv.Atoi(t.Value)
		if n < 1 || n > len(p.argSlots) {
			return Ref{}, 0, false, sqlerr.New("42P02", "there is no parameter $%d", n).At(t.Pos + 1)
		}
		return Ref{Slot: p.argSlots[n-1]}, 1, true, nil
	}
	if t.Kind != lex.Ident || protected {
		return Ref{}, 0, false, nil
	}
	slot, ok := p.lookup(t.Value)
	if !ok {
		return Ref{}, 0, false, nil
	}
	if k > 0 && (p.toks[k-1].Is(".") || p.toks[k-1].Is("as")) {
		return Ref{}, 0, false, nil
	}
	next := lex.Token{}
	if k+1 < b && !skip[k+1] {
		next = p.toks[k+1]
	}
	if next.Is("(") {
		return Ref{}, 0, false, nil
	}
	if next.Is(".") {
		if p.body.Slots[slot].Record && k+2 < b && (p.toks[k+2].Kind == lex.Ident || p.toks[k+2].Kind == lex.QuotedIdent) {
			return Ref{Slot: slot, Field: p.toks[k+2].Value}, 3, true, nil
		}
		return Ref{}, 0, false, nil
	}
	return Ref{Slot: slot}, 1, true, nil
}

// protected marks tokens that name columns, not values, so that a variable
// with a column's name is not substituted there: the column list of INSERT
// INTO t (...), and the assigned columns of UPDATE ... SET c = ....
func (p *parser) protected(a, b int, kind string) map[int]bool {
	m := map[int]bool{}
	switch kind {
	case "insert":
		for k := a; k+1 < b; k++ {
			if p.toks[k].Is("into") {
				// The table name: ident [. ident]...
				j := k + 1
				for j < b && (p.toks[j].Kind == lex.Ident || p.toks[j].Kind == lex.QuotedIdent) {
					j++
					if j+1 < b && p.toks[j].Is(".") {
						j++
						continue
					}
					break
				}
				if j < b && p.toks[j].Is("(") {
					for j < b && !p.toks[j].Is(")") {
						m[j] = true
						j++
					}
				}
				break
			}
		}
	case "update":
		inSet := false
		depth := 0
		for k := a; k < b; k++ {
			t := p.toks[k]
			switch {
			case t.Is("("):
				depth++
			case t.Is(")"):
				depth--
			case depth == 0 && t.Is("set"):
				inSet = true
			case depth == 0 && (t.Is("from") || t.Is("where")):
				inSet = false
			}
			if inSet && depth == 0 && k+1 < b && p.toks[k+1].Is("=") && (p.toks[k-1].Is("set") || p.toks[k-1].Is(",")) {
				m[k] = true
			}
		}
	}
	return m
}

// conditionCodes are the Postgres condition names an EXCEPTION WHEN may use.
var conditionCodes = map[string]sqlerr.Code{
	"raise_exception":                sqlerr.RaiseException,
	"no_data_found":                  sqlerr.NoDataFound,
	"too_many_rows":                  sqlerr.TooManyRows,
	"division_by_zero":               sqlerr.DivisionByZero,
	"unique_violation":               sqlerr.UniqueViolation,
	"not_null_violation":             sqlerr.NotNullViolation,
	"undefined_table":                sqlerr.UndefinedTable,
	"undefined_column":               sqlerr.UndefinedColumn,
	"undefined_function":             sqlerr.UndefinedFunction,
	"syntax_error":                   sqlerr.SyntaxError,
	"invalid_text_representation":    sqlerr.InvalidTextRepresentation,
	"numeric_value_out_of_range":     sqlerr.NumericValueOutOfRange,
	"string_data_right_truncation":   sqlerr.StringDataRightTruncation,
	"data_exception":                 sqlerr.DataException,
	"case_not_found":                 sqlerr.CaseNotFound,
	"duplicate_table":                sqlerr.DuplicateTable,
	"feature_not_supported":          sqlerr.FeatureNotSupported,
	"invalid_parameter_value":        sqlerr.InvalidParameterValue,
	"null_value_not_allowed":         sqlerr.NullValueNotAllowed,
	"cardinality_violation":          sqlerr.CardinalityViolation,
	"integrity_constraint_violation": sqlerr.IntegrityConstraintViolation,
	"invalid_transaction_state":      sqlerr.InvalidTransactionState,
}

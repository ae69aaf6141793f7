package parser

import (
	"fmt"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// Parse reads the single statement in text (a trailing semicolon is allowed).
func Parse(text string) (ast.Stmt, error) {
	toks, err := lex.Tokens(text)
	if err != nil {
		return nil, lexError(text, err)
	}
	// Drop trailing semicolons.
	for len(toks) >= 2 && toks[len(toks)-2].Is(";") {
		toks = append(toks[:len(toks)-2], toks[len(toks)-1])
	}
	p := &parser{src: text, toks: toks}
	return p.parseTop()
}

// lexError classifies a lexer error.
func lexError(text string, err error) error {
	if le, ok := err.(*lex.Error); ok {
		return sqlerr.New(sqlerr.SyntaxError, "%s", le.Msg).At(charPos(text, le.Pos))
	}
	return sqlerr.Wrap(sqlerr.SyntaxError, err, "lex")
}

// charPos converts a byte offset into Postgres's 1-based character position.
func charPos(text string, off int) int {
	if off > len(text) {
		off = len(text)
	}
	return len([]rune(text[:off])) + 1
}

// parser is a recursive-descent parser over a token slice.
type parser struct {
	src   string
	toks  []lex.Token
	i     int
	depth int
	// into is SELECT ... INTO's new table, once read.
	into *ast.CreateTable
}

// bail is the panic value used to unwind on a syntax error; parseTop recovers it.
type bail struct{ err *sqlerr.Error }

func (p *parser) peek() lex.Token { return p.toks[p.i] }

func (p *parser) peekN(n int) lex.Token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() lex.Token {
	t := p.toks[p.i]
	if t.Kind != lex.EOF {
		p.i++
	}
	return t
}

func (p *parser) atEOF() bool { return p.peek().Kind == lex.EOF }

// is reports whether the next token is keyword or operator s.
func (p *parser) is(s string) bool { return p.peek().Is(s) }

// isSeq reports whether the next tokens are the keywords ss.
func (p *parser) isSeq(ss ...string) bool {
	for k, s := range ss {
		if !p.peekN(k).Is(s) {
			return false
		}
	}
	return true
}

// accept consumes keyword or operator s if it is next.
func (p *parser) accept(s string) bool {
	if p.is(s) {
		p.next()
		return true
	}
	return false
}

// acceptSeq consumes the keywords ss if they are all next.
func (p *parser) acceptSeq(ss ...string) bool {
	if p.isSeq(ss...) {
		p.i += len(ss)
		return true
	}
	return false
}

func (p *parser) expect(s string) lex.Token {
	if !p.is(s) {
		p.fail(p.peek(), "")
	}
	return p.next()
}

// fail unwinds with a syntax error at t, worded as Postgres words it.
func (p *parser) fail(t lex.Token, msg string) {
	if msg == "" {
		if t.Kind == lex.EOF {
			msg = "syntax error at end of input"
		} else {
			msg = fmt.Sprintf("syntax error at or near %q", t.Text(p.src))
		}
	}
	panic(bail{sqlerr.New(sqlerr.SyntaxError, "%s", msg).At(charPos(p.src, t.Pos))})
}

// unsupported unwinds with SQLSTATE 0A000 naming the construct.
func (p *parser) unsupported(t lex.Token, construct string) {
	panic(bail{sqlerr.New(sqlerr.FeatureNotSupported, "%s is not supported", construct).At(charPos(p.src, t.Pos))})
}

func (p *parser) parseTop() (stmt ast.Stmt, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bail)
			if !ok {
				panic(r)
			}
			stmt, err = nil, b.err
		}
	}()
	if p.atEOF() {
		return &ast.Raw{Text: ""}, nil
	}
	stmt = p.parseStmt()
	if !p.atEOF() {
		p.fail(p.peek(), "")
	}
	return stmt, nil
}

// raw returns the whole statement as an *ast.Raw.
func (p *parser) raw() ast.Stmt {
	p.i = len(p.toks) - 1
	return &ast.Raw{Text: strings.TrimSpace(p.src)}
}

func (p *parser) parseStmt() ast.Stmt {
	t := p.peek()
	if t.Kind != lex.Ident {
		if t.Is("(") {
			return p.parseQueryStmt()
		}
		return p.raw()
	}
	switch t.Value {
	case "set":
		return p.parseSet()
	case "explain":
		return p.explain() // explain.go
	case "prepare":
		return p.prepare() // explain.go
	case "execute":
		return p.execute() // explain.go
	case "deallocate":
		p.next()
		p.accept("prepare")
		if p.accept("all") {
			return &ast.Deallocate{All: true}
		}
		return &ast.Deallocate{Name: p.ident()}
	case "reset":
		p.next()
		if p.accept("all") {
			return &ast.Reset{All: true}
		}
		return &ast.Reset{Name: p.settingName()}
	case "show":
		p.next()
		if p.accept("all") {
			return &ast.Show{All: true}
		}
		if st := p.showCatalog(); st != nil { // show.go
			return st
		}
		if p.is("schedules") && p.peekN(1).Kind == lex.EOF {
			p.next()
			return &ast.ShowSchedules{} // schedule.go
		}
		return &ast.Show{Name: p.settingName()}
	case "declare", "fetch", "move", "close":
		if st := p.cursorStmt(); st != nil { // cursor.go
			return st
		}
	case "begin":
		p.next()
		p.txnTail()
		return &ast.Begin{}
	case "start":
		if p.peekN(1).Is("transaction") {
			p.i += 2
			p.txnModes()
			return &ast.Begin{}
		}
	case "commit", "end":
		p.next()
		p.txnTail()
		return &ast.Commit{}
	case "rollback", "abort":
		p.next()
		if p.is("to") {
			p.unsupported(p.peek(), "ROLLBACK TO SAVEPOINT")
		}
		p.txnTail()
		return &ast.Rollback{}
	}
	return p.parseOther()
}

// txnTail accepts the optional WORK | TRANSACTION and transaction modes.
func (p *parser) txnTail() {
	if !p.accept("work") {
		p.accept("transaction")
	}
	p.txnModes()
}

// txnModes accepts ISOLATION LEVEL ... and READ WRITE | READ ONLY lists.
func (p *parser) txnModes() {
	for !p.atEOF() {
		switch {
		case p.acceptSeq("isolation", "level"):
			switch {
			case p.acceptSeq("read", "committed"), p.acceptSeq("read", "uncommitted"),
				p.acceptSeq("repeatable", "read"), p.accept("serializable"):
			default:
				p.fail(p.peek(), "")
			}
		case p.acceptSeq("read", "write"), p.acceptSeq("read", "only"):
		default:
			p.fail(p.peek(), "")
		}
		p.accept(",")
	}
}

// settingName reads a configuration parameter name: an identifier, possibly
// dotted, or TIME ZONE.
func (p *parser) settingName() string {
	// Postgres's multi-word names for three parameters (SHOW TRANSACTION
	// ISOLATION LEVEL is what SQLAlchemy and JDBC drivers send on connect).
	switch {
	case p.acceptSeq("time", "zone"):
		return "timezone"
	case p.acceptSeq("transaction", "isolation", "level"):
		return "transaction_isolation"
	case p.acceptSeq("session", "authorization"):
		return "session_authorization"
	}
	t := p.next()
	if t.Kind != lex.Ident && t.Kind != lex.QuotedIdent {
		p.fail(t, "")
	}
	name := strings.ToLower(t.Value)
	for p.is(".") {
		p.next()
		u := p.next()
		if u.Kind != lex.Ident && u.Kind != lex.QuotedIdent {
			p.fail(u, "")
		}
		name += "." + strings.ToLower(u.Value)
	}
	return name
}

func (p *parser) parseSet() ast.Stmt {
	p.next() // SET
	s := &ast.Set{}
	if p.accept("local") {
		s.Local = true
	} else {
		p.accept("session")
	}
	if p.is("authorization") || p.isSeq("session", "authorization") {
		p.unsupported(p.peek(), "SET SESSION AUTHORIZATION")
	}
	if p.acceptSeq("time", "zone") {
		s.Name = "timezone"
		if p.accept("local") || p.accept("default") {
			s.Default = true
			return s
		}
		s.Values = []string{p.settingValue()}
		return s
	}
	s.Name = p.settingName()
	if !p.accept("to") && !p.accept("=") {
		p.fail(p.peek(), "")
	}
	if p.accept("default") {
		s.Default = true
		return s
	}
	for {
		s.Values = append(s.Values, p.settingValue())
		if !p.accept(",") {
			break
		}
	}
	return s
}

// settingValue reads one SET value: a string (decoded), a number (with an
// optional sign) or a word, as written.
func (p *parser) settingValue() string {
	t := p.next()
	switch t.Kind {
	case lex.String, lex.QuotedIdent, lex.DollarString:
		return t.Value
	case lex.Number:
		return t.Value
	case lex.Ident:
		return t.Text(p.src)
	case lex.Op:
		if (t.Value == "-" || t.Value == "+") && p.peek().Kind == lex.Number {
			n := p.next()
			if t.Value == "-" {
				return "-" + n.Value
			}
			return n.Value
		}
	}
	p.fail(t, "")
	return ""
}

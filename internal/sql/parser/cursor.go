package parser

import (
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
)

// cursorStmt parses DECLARE ... CURSOR, FETCH, MOVE and CLOSE (see
// ast/cursor.go). It returns nil, consuming nothing, for a statement that
// only starts with one of those words (a DECLARE that is not a cursor's).
func (p *parser) cursorStmt() ast.Stmt {
	switch {
	case p.is("declare"):
		return p.declareCursor()
	case p.is("fetch"), p.is("move"):
		return p.fetch()
	case p.is("close"):
		p.next()
		if p.accept("all") {
			return &ast.CloseCursor{All: true}
		}
		return &ast.CloseCursor{Name: p.ident()}
	}
	return nil
}

func (p *parser) declareCursor() ast.Stmt {
	p.next() // DECLARE
	d := &ast.DeclareCursor{Name: p.ident()}
	for {
		switch {
		case p.accept("binary"):
			p.unsupported(p.toks[p.i-1], "DECLARE ... BINARY CURSOR")
		case p.accept("insensitive"), p.acceptSeq("no", "scroll"):
		case p.accept("scroll"):
			p.unsupported(p.toks[p.i-1], "a SCROLL cursor (Redshift's cursors move forward only)")
		case p.accept("cursor"):
			switch {
			case p.acceptSeq("with", "hold"):
				d.Hold = true
			case p.acceptSeq("without", "hold"):
			}
			p.expect("for")
			pos := p.peek().Pos
			d.Q = p.query()
			d.QueryText = strings.TrimSpace(p.src[pos:p.peek().Pos])
			return d
		default:
			p.fail(p.peek(), "")
		}
	}
}

// fetch parses FETCH | MOVE [direction] [FROM | IN] name. Redshift's
// cursors move forward only: NEXT, n, ALL, FORWARD [n | ALL].
func (p *parser) fetch() ast.Stmt {
	f := &ast.Fetch{Move: p.next().Is("move"), Count: 1}
	count := func() bool {
		t := p.peek()
		switch {
		case t.Kind == lex.Number:
			n, err := strconv.ParseInt(t.Value, 10, 64)
			if err != nil || n < 0 {
				p.fail(t, "")
			}
			p.next()
			f.Count = n
			return true
		case p.accept("all"):
			f.Count = ast.FetchAll
			return true
		}
		return false
	}
	switch {
	case p.accept("next"):
	case p.accept("forward"):
		count()
	case p.is("prior"), p.is("first"), p.is("last"), p.is("absolute"), p.is("relative"), p.is("backward"):
		p.unsupported(p.peek(), "FETCH "+strings.ToUpper(p.peek().Value)+" (Redshift's cursors move forward only)")
	default:
		count()
	}
	if !p.accept("from") {
		p.accept("in")
	}
	f.Name = p.ident()
	return f
}

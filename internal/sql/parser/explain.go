package parser

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// explain reads EXPLAIN in Redshift's form, EXPLAIN [VERBOSE] stmt, and in
// the two Postgres forms psql users type: EXPLAIN ANALYZE [VERBOSE] stmt and
// EXPLAIN (option [value], ...) stmt. Which statements may be explained is
// the translator's concern: any statement parses here.
func (p *parser) explain() ast.Stmt {
	p.next() // EXPLAIN
	e := &ast.Explain{}
	switch {
	case p.is("(") && !p.parenStartsQuery(): // EXPLAIN (SELECT 1) is a query
		p.explainOptions(e)
	case p.accept("analyze"), p.accept("analyse"):
		e.Analyze = true
		e.Verbose = p.accept("verbose")
	default:
		e.Verbose = p.accept("verbose")
	}
	e.Stmt, e.StmtPos = p.innerStmt()
	return e
}

// innerStmt reads the statement that EXPLAIN or PREPARE is about, to the
// end of the text, and its byte offset there.
func (p *parser) innerStmt() (ast.Stmt, int) {
	start := p.peek()
	if start.Kind == lex.EOF {
		p.fail(start, "")
	}
	stmt := p.parseStmt()
	if r, ok := stmt.(*ast.Raw); ok {
		// raw takes the whole text; the inner statement is what follows
		// the outer one's words.
		r.Text = strings.TrimSpace(p.src[start.Pos:])
	}
	return stmt, start.Pos
}

// explainOptions reads Postgres's option list: ( name [value], ... ).
// ANALYZE and VERBOSE set e's flags; the options that only shape
// Postgres's drawing of the plan (COSTS, BUFFERS, TIMING, ...) are read and
// ignored; FORMAT other than TEXT and GENERIC_PLAN are refused (0A000). An
// unknown option or a value of the wrong kind is a syntax error, as in
// Postgres.
func (p *parser) explainOptions(e *ast.Explain) {
	p.expect("(")
	for {
		t := p.next()
		if t.Kind != lex.Ident {
			p.fail(t, "")
		}
		name := strings.ToLower(t.Value)
		switch name {
		case "analyze", "analyse":
			e.Analyze = p.explainBool(name)
		case "verbose":
			e.Verbose = p.explainBool(name)
		case "costs", "settings", "buffers", "wal", "timing", "summary", "memory":
			p.explainBool(name)
		case "generic_plan":
			if p.explainBool(name) {
				p.unsupported(t, "EXPLAIN (GENERIC_PLAN)")
			}
		case "format":
			v := p.next()
			if v.Kind != lex.Ident && v.Kind != lex.String {
				p.fail(v, "")
			}
			if f := strings.ToLower(v.Value); f != "text" {
				p.unsupported(v, "EXPLAIN (FORMAT "+strings.ToUpper(f)+")")
			}
		case "serialize":
			if v := p.peek(); v.Kind == lex.Ident {
				switch strings.ToLower(v.Value) {
				case "none", "text", "binary":
					p.next()
				default:
					p.fail(v, "")
				}
			}
		default:
			panic(bail{sqlerr.New(sqlerr.SyntaxError, "unrecognized EXPLAIN option %q", name).At(charPos(p.src, t.Pos))})
		}
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
}

// explainBool reads an option's optional boolean value (true when
// omitted): TRUE, FALSE, ON, OFF, 1, 0, or one of those quoted.
func (p *parser) explainBool(name string) bool {
	v := p.peek()
	if v.Is(",") || v.Is(")") {
		return true
	}
	switch v.Kind {
	case lex.Ident, lex.String, lex.Number:
		switch strings.ToLower(v.Value) {
		case "true", "on", "1":
			p.next()
			return true
		case "false", "off", "0":
			p.next()
			return false
		}
	}
	panic(bail{sqlerr.New(sqlerr.SyntaxError, "%s requires a Boolean value", name).At(charPos(p.src, v.Pos))})
}

// prepare reads PREPARE name [(type, ...)] AS statement. Which statements
// may be prepared is the translator's concern.
func (p *parser) prepare() ast.Stmt {
	p.next() // PREPARE
	n := &ast.Prepare{Name: p.ident()}
	if p.accept("(") {
		for {
			n.Types = append(n.Types, p.typeName())
			if !p.accept(",") {
				break
			}
		}
		p.expect(")")
	}
	p.expect("as")
	n.Stmt, n.StmtPos = p.innerStmt()
	return n
}

// execute reads EXECUTE name [(arg, ...)].
func (p *parser) execute() ast.Stmt {
	p.next() // EXECUTE
	n := &ast.Execute{Name: p.ident()}
	if p.accept("(") {
		n.Args = p.exprList()
		p.expect(")")
	}
	return n
}

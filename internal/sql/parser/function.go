package parser

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// createFunction reads CREATE [OR REPLACE] FUNCTION after FUNCTION: a SQL
// UDF, whose body is one SELECT of an expression without FROM. Python
// (plpythonu) and Lambda (EXTERNAL) functions are 0A000.
func (p *parser) createFunction(orReplace bool) ast.Stmt {
	f := &ast.CreateFunction{OrReplace: orReplace, Name: p.name()}
	f.Args = p.procArgs()
	p.expect("returns")
	f.Returns = p.typeName()
	bodyPos, lang := -1, ""
	var langTok lex.Token
	for !p.atEOF() {
		switch {
		case p.accept("volatile"), p.accept("stable"), p.accept("immutable"):
			f.Volatility = p.toks[p.i-1].Value
		case p.accept("as"):
			t := p.next()
			switch t.Kind {
			case lex.DollarString:
				bodyPos = t.Pos + len(t.Tag) + 2
			case lex.String:
				bodyPos = t.Pos + 1
			default:
				p.fail(t, "")
			}
			f.Body = t.Value
		case p.accept("language"):
			langTok = p.peek()
			lang = strings.ToLower(p.ident().Name)
		case p.accept("lambda"):
			p.unsupported(p.toks[p.i-1], "Lambda user-defined functions")
		default:
			p.fail(p.peek(), "")
		}
	}
	switch lang {
	case "sql":
	case "plpythonu":
		p.unsupported(langTok, "Python user-defined functions (LANGUAGE plpythonu)")
	case "":
		p.fail(p.peek(), "")
	default:
		p.unsupported(langTok, "user-defined functions in LANGUAGE "+lang)
	}
	if bodyPos < 0 {
		p.fail(p.peek(), "")
	}
	q, err := Parse(f.Body)
	if err != nil {
		if e, ok := sqlerr.As(err); ok && e.Position > 0 {
			e.Position += len([]rune(p.src[:bodyPos]))
		}
		panic(bail{asSQLErr(err)})
	}
	sel, ok := q.(*ast.Select)
	if !ok || len(sel.Items) != 1 || len(sel.From) > 0 || sel.Where != nil || len(sel.GroupBy) > 0 {
		panic(bail{sqlerr.New(sqlerr.InvalidFunctionDefinition, "a SQL function's body must be one SELECT of an expression, without FROM").At(charPos(p.src, bodyPos))})
	}
	f.Q = sel
	return f
}

func asSQLErr(err error) *sqlerr.Error {
	if e, ok := sqlerr.As(err); ok {
		return e
	}
	return sqlerr.Wrap(sqlerr.SyntaxError, err, "function body")
}

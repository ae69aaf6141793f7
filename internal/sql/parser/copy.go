package parser

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// copyOptionValue says whether a COPY option takes a value: always
// (required), never, or when one follows (optional; HEADER's only when it
// is a boolean).
var copyOptionValue = map[string]string{
	"format": "required", "delimiter": "required", "null": "required", "quote": "required",
	"escape": "required", "encoding": "required",
	"csv": "never", "binary": "never",
	"header": "boolean", "freeze": "optional", "force_quote": "optional",
	"force_not_null": "optional", "force_null": "optional",
}

// copyStmt parses COPY with the client (ast.Copy); it returns nil, having
// read nothing, for any other COPY (to or from a file, Redshift's COPY from
// a data source), which stays Raw.
func (p *parser) copyStmt() ast.Stmt {
	start := p.i
	p.next() // COPY
	c := &ast.Copy{}
	var queryStart, queryEnd int // token indexes of the query's parentheses
	if p.is("(") {
		queryStart = p.i
		queryEnd = p.matching(p.i)
		if queryEnd < 0 {
			p.i = start
			return nil
		}
		p.i = queryEnd + 1
	} else {
		if t := p.peek(); t.Kind != lex.Ident && t.Kind != lex.QuotedIdent {
			p.i = start
			return nil
		}
		c.Table = p.name()
		if p.is("(") {
			p.next()
			c.Columns = append(c.Columns, p.ident())
			for p.accept(",") {
				c.Columns = append(c.Columns, p.ident())
			}
			p.expect(")")
		}
	}
	switch {
	case p.isSeq("from", "stdin"):
		c.From = true
	case p.isSeq("to", "stdout"):
	case c.Table != nil && p.is("from") && p.peekN(1).Kind == lex.String && strings.HasPrefix(strings.ToLower(p.peekN(1).Value), "dynamodb://"):
		p.next()
		c.From, c.Source = true, p.next().Value
		c.Options = p.sourceOptions()
		return c
	case c.Table != nil && p.is("from") && p.peekN(1).Kind == lex.String && strings.HasPrefix(strings.ToLower(p.peekN(1).Value), "s3://"):
		// Redshift's loads from Amazon S3: blueshift has no S3 (it loads
		// FROM STDIN and FROM 'dynamodb://table').
		p.unsupported(p.peekN(1), "COPY from Amazon S3")
	default:
		p.i = start
		return nil
	}
	if c.From && c.Table == nil {
		panic(bail{sqlerr.New(sqlerr.SyntaxError, "COPY (query) FROM STDIN is not valid").At(charPos(p.src, p.toks[start].Pos))})
	}
	end := p.i
	if c.Table == nil {
		p.i = queryStart + 1
		pos := p.peek().Pos
		c.Q = p.query()
		if p.i != queryEnd {
			p.fail(p.peek(), "")
		}
		c.QueryText = strings.TrimSpace(p.src[pos:p.toks[queryEnd].Pos])
	}
	p.i = end + 2
	p.accept("with")
	paren := p.accept("(")
	for !p.atEOF() && !(paren && p.is(")")) {
		if p.accept(",") {
			continue
		}
		t := p.next()
		if t.Kind != lex.Ident {
			p.fail(t, "unexpected "+quoteText(t.Text(p.src))+" in COPY options")
		}
		o := ast.CopyOption{Name: t.Value}
		kind, known := copyOptionValue[o.Name]
		if !known {
			p.fail(t, "COPY option "+quoteText(t.Text(p.src))+" is not recognized")
		}
		more := !p.atEOF() && !p.is(",") && !p.is(")")
		switch kind {
		case "required":
			p.accept("as")
			if p.atEOF() || p.is(",") || p.is(")") {
				p.fail(t, "COPY option "+strings.ToUpper(o.Name)+" needs a value")
			}
			o.Value, o.HasValue = p.copyValue(), true
		case "boolean":
			if more {
				switch v := strings.ToLower(p.peek().Value); v {
				case "true", "false", "on", "off", "1", "0", "yes", "no", "t", "f":
					o.Value, o.HasValue = v, true
					p.next()
				}
			}
		case "optional":
			if more {
				o.Value, o.HasValue = p.copyValue(), true
			}
		}
		c.Options = append(c.Options, o)
	}
	if paren {
		p.expect(")")
	}
	return c
}

// sourceOptionValue says which options of a load from a data source take
// a value; the others are flags.
var sourceOptionValue = map[string]bool{
	"iam_role": true, "credentials": true, "access_key_id": true, "secret_access_key": true,
	"session_token": true, "region": true, "compupdate": true, "statupdate": true, "readratio": true,
}

// sourceOptions reads the options of a load from a data source: name
// [AS] value for those that take one, a bare word for flags. An option
// not known here is kept (with a literal that follows it as its value)
// for the engine to refuse.
func (p *parser) sourceOptions() []ast.CopyOption {
	var out []ast.CopyOption
	for !p.atEOF() {
		if p.accept(",") {
			continue
		}
		t := p.next()
		if t.Kind != lex.Ident {
			p.fail(t, "COPY from DynamoDB: unexpected "+quoteText(t.Text(p.src)))
		}
		o := ast.CopyOption{Name: t.Value}
		switch takes, known := sourceOptionValue[o.Name]; {
		case takes:
			p.accept("as")
			if p.atEOF() || p.is(",") {
				p.fail(t, "COPY option "+strings.ToUpper(o.Name)+" needs a value")
			}
			o.Value, o.HasValue = p.copyValue(), true
		case !known && p.accept("as"), !known && (p.peek().Kind == lex.String || p.peek().Kind == lex.Number):
			if !p.atEOF() {
				o.Value, o.HasValue = p.copyValue(), true
			}
		}
		out = append(out, o)
	}
	return out
}

// copyValue reads an option's value: a string's contents, a word
// lower-cased, or any other token as written.
func (p *parser) copyValue() string {
	t := p.next()
	switch t.Kind {
	case lex.String, lex.QuotedIdent, lex.Ident:
		return t.Value
	}
	return t.Text(p.src)
}

// matching returns the index of the ")" closing the "(" at toks[open], or -1.
func (p *parser) matching(open int) int {
	depth := 0
	for i := open; i < len(p.toks); i++ {
		switch {
		case p.toks[i].Kind != lex.Op:
		case p.toks[i].Value == "(":
			depth++
		case p.toks[i].Value == ")":
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

func quoteText(s string) string { return `"` + s + `"` }

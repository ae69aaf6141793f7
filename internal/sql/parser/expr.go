package parser

import (
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
)

// reserved words cannot be bare column aliases or table aliases.
var reserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`all and any array as asc at between both by case cast check collate
	column constraint create cross current_date current_time current_timestamp default desc distinct do
	else end except exists false fetch filter for foreign from full group having ilike in inner intersect
	interval into is isnull join lateral leading left like limit localtime localtimestamp minus natural
	not notnull null nulls offset on only or order outer over partition primary qualify references
	returning right select similar some symmetric table then to top trailing true union unique unpivot
	using values when where window with within`) {
		reserved[w] = true
	}
}

// ident reads an identifier (quoted or not, keywords allowed).
func (p *parser) ident() ast.Ident {
	t := p.next()
	switch t.Kind {
	case lex.Ident:
		return ast.Ident{Name: t.Text(p.src)}
	case lex.QuotedIdent:
		return ast.Ident{Name: t.Value, Quoted: true}
	}
	p.fail(t, "")
	return ast.Ident{}
}

// isIdent reports whether the next token can start an identifier.
func (p *parser) isIdent() bool {
	k := p.peek().Kind
	return k == lex.Ident || k == lex.QuotedIdent
}

// isAliasIdent reports whether the next token can be a bare alias.
func (p *parser) isAliasIdent() bool {
	t := p.peek()
	return t.Kind == lex.QuotedIdent || (t.Kind == lex.Ident && !reserved[t.Value])
}

// name reads a dotted object name.
func (p *parser) name() ast.Name {
	n := ast.Name{p.ident()}
	for p.is(".") && (p.peekN(1).Kind == lex.Ident || p.peekN(1).Kind == lex.QuotedIdent) {
		p.next()
		n = append(n, p.ident())
	}
	return n
}

func (p *parser) identList() []ast.Ident {
	var out []ast.Ident
	for {
		out = append(out, p.ident())
		if !p.accept(",") {
			return out
		}
	}
}

// parenIdentList reads ( a, b, ... ).
func (p *parser) parenIdentList() []ast.Ident {
	p.expect("(")
	ids := p.identList()
	p.expect(")")
	return ids
}

// depth guards against stack exhaustion on deeply nested input.
const maxDepth = 1000

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		panic(bail{stackErr(p)})
	}
}

func (p *parser) leave() { p.depth-- }

// expr parses a full expression.
func (p *parser) expr() ast.Expr {
	p.enter()
	defer p.leave()
	return p.orExpr()
}

func (p *parser) orExpr() ast.Expr {
	l := p.andExpr()
	for p.accept("or") {
		l = &ast.Binary{Op: "or", L: l, R: p.andExpr()}
	}
	return l
}

func (p *parser) andExpr() ast.Expr {
	l := p.notExpr()
	for p.accept("and") {
		l = &ast.Binary{Op: "and", L: l, R: p.notExpr()}
	}
	return l
}

func (p *parser) notExpr() ast.Expr {
	if p.is("not") && !p.peekN(1).Is("exists") {
		p.next()
		p.enter()
		defer p.leave()
		return &ast.Unary{Op: "not", X: p.notExpr()}
	}
	return p.isExpr()
}

func (p *parser) isExpr() ast.Expr {
	x := p.cmpExpr()
	for {
		switch {
		case p.is("is"):
			p.next()
			not := p.accept("not")
			switch {
			case p.accept("null"):
				x = &ast.Is{X: x, Not: not, What: "null"}
			case p.accept("true"):
				x = &ast.Is{X: x, Not: not, What: "true"}
			case p.accept("false"):
				x = &ast.Is{X: x, Not: not, What: "false"}
			case p.accept("unknown"):
				x = &ast.Is{X: x, Not: not, What: "unknown"}
			case p.acceptSeq("distinct", "from"):
				x = &ast.IsDistinct{L: x, R: p.cmpExpr(), Not: not}
			default:
				p.fail(p.peek(), "")
			}
		case p.accept("isnull"):
			x = &ast.Is{X: x, What: "null"}
		case p.accept("notnull"):
			x = &ast.Is{X: x, Not: true, What: "null"}
		default:
			return x
		}
	}
}

var cmpOps = map[string]bool{"=": true, "<": true, ">": true, "<=": true, ">=": true, "<>": true, "!=": true}

func (p *parser) cmpExpr() ast.Expr {
	l := p.predExpr()
	for p.peek().Kind == lex.Op && cmpOps[p.peek().Value] {
		op := p.next().Value
		if q := p.quantified(); q != "" {
			l = p.quantTail(l, op, q)
			continue
		}
		l = &ast.Binary{Op: op, L: l, R: p.predExpr()}
	}
	return l
}

// quantified consumes ANY | ALL | SOME before a parenthesis.
func (p *parser) quantified() string {
	for _, q := range []string{"any", "all", "some"} {
		if p.is(q) && p.peekN(1).Is("(") {
			p.next()
			return q
		}
	}
	return ""
}

func (p *parser) quantTail(l ast.Expr, op, q string) ast.Expr {
	p.expect("(")
	qe := &ast.Quantified{X: l, Op: op, Quant: q}
	if p.startsQuery() {
		qe.Sub = p.query()
	} else {
		qe.Array = p.expr()
	}
	p.expect(")")
	return qe
}

func (p *parser) startsQuery() bool {
	return p.is("select") || p.is("with") || p.is("values") || (p.is("(") && p.parenStartsQuery())
}

// parenStartsQuery reports whether the parenthesis at the cursor opens a query.
func (p *parser) parenStartsQuery() bool {
	j := p.i
	for j < len(p.toks) && p.toks[j].Is("(") {
		j++
	}
	t := p.toks[j]
	return t.Is("select") || t.Is("with") || t.Is("values")
}

func (p *parser) predExpr() ast.Expr {
	x := p.otherOpExpr()
	for {
		not := false
		save := p.i
		if p.is("not") {
			p.next()
			not = true
		}
		switch {
		case p.accept("between"):
			b := &ast.Between{X: x, Not: not}
			b.Symmetric = p.accept("symmetric")
			b.Lo = p.otherOpExpr()
			p.expect("and")
			b.Hi = p.otherOpExpr()
			x = b
		case p.accept("in"):
			in := &ast.In{X: x, Not: not}
			p.expect("(")
			if p.startsQuery() {
				in.Sub = p.query()
			} else {
				in.List = p.exprList()
			}
			p.expect(")")
			x = in
		case p.is("like") || p.is("ilike"):
			op := p.next().Value
			x = p.likeTail(x, not, op)
		case p.isSeq("similar", "to"):
			p.i += 2
			x = p.likeTail(x, not, "similar to")
		default:
			p.i = save
			return x
		}
	}
}

func (p *parser) likeTail(x ast.Expr, not bool, op string) ast.Expr {
	l := &ast.Like{X: x, Not: not, Op: op, Pattern: p.otherOpExpr()}
	if p.accept("escape") {
		l.Escape = p.otherOpExpr()
	}
	return l
}

// isOtherOp reports whether the next token is a generic operator (not one
// with its own precedence level).
func (p *parser) isOtherOp() bool {
	t := p.peek()
	if t.Kind != lex.Op {
		return false
	}
	switch t.Value {
	case "+", "-", "*", "/", "%", "^", "(", ")", "[", "]", ",", ";", ".", "::", ":", "$":
		return false
	}
	return !cmpOps[t.Value]
}

func (p *parser) otherOpExpr() ast.Expr {
	l := p.addExpr()
	for p.isOtherOp() {
		op := p.next().Value
		l = &ast.Binary{Op: op, L: l, R: p.addExpr()}
	}
	return l
}

func (p *parser) addExpr() ast.Expr {
	l := p.mulExpr()
	for p.is("+") || p.is("-") {
		op := p.next().Value
		l = &ast.Binary{Op: op, L: l, R: p.mulExpr()}
	}
	return l
}

func (p *parser) mulExpr() ast.Expr {
	l := p.powExpr()
	for p.is("*") || p.is("/") || p.is("%") {
		op := p.next().Value
		l = &ast.Binary{Op: op, L: l, R: p.powExpr()}
	}
	return l
}

func (p *parser) powExpr() ast.Expr {
	l := p.unaryExpr()
	for p.is("^") {
		p.next()
		l = &ast.Binary{Op: "^", L: l, R: p.unaryExpr()}
	}
	return l
}

func (p *parser) unaryExpr() ast.Expr {
	if p.is("-") || p.is("+") || p.is("~") || p.is("|/") || p.is("@") {
		op := p.next().Value
		p.enter()
		defer p.leave()
		return &ast.Unary{Op: op, X: p.unaryExpr()}
	}
	x := p.postfix(p.primary())
	for p.isSeq("at", "time", "zone") {
		p.i += 3
		zone := p.postfix(p.primary())
		x = &ast.Func{Name: ast.Name{{Name: "timezone"}}, Args: []ast.Expr{zone, x}}
	}
	return x
}

// postfix applies ::type, [index] and .field.
func (p *parser) postfix(x ast.Expr) ast.Expr {
	for {
		switch {
		case p.is("::"):
			p.next()
			x = &ast.Cast{X: x, Type: p.typeName(), Colons: true}
		case p.is("["):
			p.next()
			i := p.expr()
			p.expect("]")
			x = &ast.Index{X: x, I: i}
		case p.is(".") && (p.peekN(1).Kind == lex.Ident || p.peekN(1).Kind == lex.QuotedIdent):
			if _, ok := x.(*ast.ColumnRef); ok {
				return x
			}
			p.next()
			x = &ast.Field{X: x, Name: p.ident()}
		default:
			return x
		}
	}
}

func (p *parser) exprList() []ast.Expr {
	var out []ast.Expr
	for {
		out = append(out, p.expr())
		if !p.accept(",") {
			return out
		}
	}
}

// noParenFuncs are functions written without parentheses.
var noParenFuncs = map[string]bool{
	"current_date": true, "current_time": true, "current_timestamp": true, "localtime": true,
	"localtimestamp": true, "sysdate": true, "current_user": true, "session_user": true,
	"user": true, "current_schema": true, "current_database": true, "current_user_id": true,
}

// typedLiteralTypes may precede a string to make a typed literal.
var typedLiteralTypes = map[string]bool{
	"date": true, "timestamp": true, "timestamptz": true, "time": true, "timetz": true,
}

func (p *parser) primary() ast.Expr {
	t := p.peek()
	switch t.Kind {
	case lex.Number:
		p.next()
		return &ast.Literal{Kind: ast.LitNumber, Value: t.Value}
	case lex.String, lex.DollarString:
		p.next()
		return &ast.Literal{Kind: ast.LitString, Value: t.Value}
	case lex.BitString:
		p.next()
		return &ast.Literal{Kind: ast.LitBits, Value: t.Tag + t.Value}
	case lex.Param:
		p.next()
		n, err := strconv.Atoi(t.Value)
		if err != nil || n < 1 {
			p.fail(t, "")
		}
		return &ast.Param{N: n}
	case lex.Op:
		switch t.Value {
		case "(":
			p.next()
			if p.startsQuery() {
				q := p.query()
				p.expect(")")
				return &ast.Subquery{Q: q}
			}
			x := p.expr()
			if p.accept(",") {
				tu := &ast.Tuple{Items: append([]ast.Expr{x}, p.exprList()...)}
				p.expect(")")
				return tu
			}
			p.expect(")")
			return &ast.Paren{X: x}
		case "*":
			p.next()
			return &ast.ColumnRef{Star: true, Pos: t.Pos}
		}
		p.fail(t, "")
	case lex.QuotedIdent:
		return p.columnOrCall()
	case lex.Ident:
		return p.keywordExpr(t)
	}
	p.fail(t, "")
	return nil
}

// keywordExpr parses an expression that starts with a word.
func (p *parser) keywordExpr(t lex.Token) ast.Expr {
	next := p.peekN(1)
	switch t.Value {
	case "null":
		p.next()
		return &ast.Literal{Kind: ast.LitNull}
	case "true", "false":
		p.next()
		return &ast.Literal{Kind: ast.LitBool, Value: t.Value}
	case "case":
		return p.caseExpr()
	case "cast":
		if next.Is("(") {
			p.i += 2
			x := p.expr()
			p.expect("as")
			ty := p.typeName()
			p.expect(")")
			return &ast.Cast{X: x, Type: ty}
		}
	case "exists":
		if next.Is("(") {
			p.i += 2
			q := p.query()
			p.expect(")")
			return &ast.Exists{Sub: q}
		}
	case "not":
		if next.Is("exists") {
			p.next()
			return &ast.Unary{Op: "not", X: p.primary()}
		}
	case "approximate":
		// Redshift's APPROXIMATE COUNT(DISTINCT x) is DuckDB's (and the
		// tree's) approx_count_distinct(x), HyperLogLog both.
		if next.Is("count") && p.peekN(2).Is("(") {
			p.next()
			f, ok := p.primary().(*ast.Func)
			if !ok || !f.Distinct || len(f.Args) != 1 || f.Over != nil || f.Filter != nil {
				p.unsupported(t, "APPROXIMATE other than APPROXIMATE COUNT(DISTINCT expression)")
			}
			f.Name, f.Distinct = ast.Name{{Name: "approx_count_distinct"}}, false
			return f
		}
		// APPROXIMATE PERCENTILE_DISC(p) WITHIN GROUP (ORDER BY x): the
		// exact percentile, which is within any approximation's error.
		if next.Is("percentile_disc") && p.peekN(2).Is("(") {
			p.next()
			f, ok := p.primary().(*ast.Func)
			if !ok || len(f.WithinGroup) != 1 || f.Over != nil {
				p.unsupported(t, "APPROXIMATE PERCENTILE_DISC other than with one WITHIN GROUP expression")
			}
			return f
		}
	case "interval":
		if next.Kind == lex.String {
			p.i += 2
			iv := &ast.Interval{Value: next.Value}
			iv.Unit = p.intervalUnit()
			return iv
		}
	case "array":
		if next.Is("[") {
			p.i += 2
			a := &ast.ArrayLit{}
			if !p.is("]") {
				a.Items = p.exprList()
			}
			p.expect("]")
			return a
		}
	}
	if typedLiteralTypes[t.Value] && next.Kind == lex.String {
		p.next()
		s := p.next()
		return &ast.TypedLiteral{Type: &ast.TypeName{Name: ast.Name{{Name: t.Value}}}, Value: s.Value}
	}
	if (t.Value == "timestamp" || t.Value == "time") && (next.Is("with") || next.Is("without")) {
		save := p.i
		ty := p.typeName()
		if p.peek().Kind == lex.String {
			return &ast.TypedLiteral{Type: ty, Value: p.next().Value}
		}
		p.i = save
	}
	if next.Is("(") {
		switch t.Value {
		case "position", "substring", "extract", "trim", "overlay":
			return p.specialCall(t.Value)
		}
	}
	if noParenFuncs[t.Value] && !next.Is("(") && !next.Is(".") {
		p.next()
		return &ast.Func{Name: ast.Name{{Name: t.Text(p.src)}}, NoParens: true}
	}
	// AT is reserved only as an alias (PartiQL's FROM a.b x AT i); as an
	// expression it can only be a column, as in Postgres, where AT is not
	// reserved at all.
	if reserved[t.Value] && t.Value != "at" && !next.Is("(") && !next.Is(".") {
		p.fail(t, "")
	}
	return p.columnOrCall()
}

func (p *parser) intervalUnit() string {
	units := map[string]bool{"year": true, "month": true, "day": true, "hour": true, "minute": true, "second": true}
	if !units[p.peek().Value] || p.peek().Kind != lex.Ident {
		return ""
	}
	u := p.next().Value
	if p.is("to") && units[p.peekN(1).Value] {
		p.next()
		u += " to " + p.next().Value
	}
	return u
}

func (p *parser) caseExpr() ast.Expr {
	p.next()
	c := &ast.Case{}
	if !p.is("when") {
		c.Operand = p.expr()
	}
	for p.accept("when") {
		w := ast.When{Cond: p.expr()}
		p.expect("then")
		w.Then = p.expr()
		c.Whens = append(c.Whens, w)
	}
	if len(c.Whens) == 0 {
		p.fail(p.peek(), "")
	}
	if p.accept("else") {
		c.Else = p.expr()
	}
	p.expect("end")
	return c
}

// specialCall parses position(a IN b), substring(x FROM y FOR z),
// extract(f FROM x), trim([both|leading|trailing] [x] FROM y) and
// overlay(x PLACING y FROM z [FOR n]). When the call turns out to use plain
// commas it continues as an ordinary call with the argument already read,
// so nothing is parsed twice.
func (p *parser) specialCall(name string) ast.Expr {
	nameTok := p.next()
	fname := ast.Name{{Name: nameTok.Text(p.src)}}
	p.next() // (
	f := &ast.Func{Name: fname, Special: name}
	plain := func(first ast.Expr) ast.Expr {
		return p.callRest(&ast.Func{Name: fname}, first)
	}
	if p.is(")") {
		return plain(nil)
	}
	switch name {
	case "position":
		a := p.otherOpExpr()
		if !p.accept("in") {
			return plain(a)
		}
		f.Args = []ast.Expr{a, p.expr()}
	case "substring":
		a := p.expr()
		switch {
		case p.accept("from"):
			f.Args = []ast.Expr{a, p.expr()}
			if p.accept("for") {
				f.Args = append(f.Args, p.expr())
			}
		case p.accept("for"):
			f.Args = []ast.Expr{a, &ast.Literal{Kind: ast.LitNumber, Value: "1"}, p.expr()}
		default:
			return plain(a)
		}
	case "extract":
		ft := p.next()
		if ft.Kind != lex.Ident && ft.Kind != lex.String || ft.Kind == lex.String && !plainWord(ft.Value) {
			// A part written as a string must still be a word ('epoch'):
			// no part is named '' or 'a b'.
			p.fail(ft, "")
		}
		if !p.accept("from") {
			p.fail(p.peek(), "")
		}
		f.Args = []ast.Expr{&ast.Keyword{Word: strings.ToLower(ft.Value)}, p.expr()}
	case "trim":
		if p.is("both") || p.is("leading") || p.is("trailing") {
			f.Trim = p.next().Value
		}
		if p.accept("from") {
			f.Args = []ast.Expr{p.expr()}
		} else {
			a := p.expr()
			switch {
			case p.accept("from"):
				f.Args = []ast.Expr{a, p.expr()}
			case f.Trim != "":
				f.Args = []ast.Expr{a}
			default:
				return plain(a)
			}
		}
		if f.Trim == "" {
			f.Trim = "both"
		}
	case "overlay":
		a := p.expr()
		if !p.accept("placing") {
			return plain(a)
		}
		b := p.expr()
		p.expect("from")
		f.Args = []ast.Expr{a, b, p.expr()}
		if p.accept("for") {
			f.Args = append(f.Args, p.expr())
		}
	}
	p.expect(")")
	return f
}

// columnOrCall parses a dotted name, then a call if a parenthesis follows.
func (p *parser) columnOrCall() ast.Expr {
	start := p.peek().Pos
	parts := []ast.Ident{p.ident()}
	for p.is(".") {
		n := p.peekN(1)
		if n.Is("*") {
			p.i += 2
			return &ast.ColumnRef{Parts: parts, Star: true, Pos: start}
		}
		if n.Kind != lex.Ident && n.Kind != lex.QuotedIdent {
			break
		}
		p.next()
		parts = append(parts, p.ident())
	}
	if p.isSeq("(", "+", ")") {
		// Oracle's outer-join marker, which Redshift accepts in WHERE.
		p.i += 3
		return &ast.ColumnRef{Parts: parts, Pos: start, OuterJoin: true}
	}
	if p.is("(") {
		return p.call(ast.Name(parts))
	}
	return &ast.ColumnRef{Parts: parts, Pos: start}
}

func (p *parser) call(name ast.Name) ast.Expr {
	p.expect("(")
	return p.callRest(&ast.Func{Name: name}, nil)
}

// callRest parses a call's arguments after the opening parenthesis; first,
// when set, is an argument already read.
func (p *parser) callRest(f *ast.Func, first ast.Expr) ast.Expr {
	switch {
	case first == nil && p.is("*") && p.peekN(1).Is(")"):
		p.next()
		f.Star = true
	case first == nil && p.is(")"):
	default:
		if first != nil {
			f.Args = []ast.Expr{first}
			if p.accept(",") {
				f.Args = append(f.Args, p.exprList()...)
			}
		} else {
			if p.accept("distinct") {
				f.Distinct = true
			} else {
				p.accept("all")
			}
			f.Args = p.exprList()
		}
		if p.acceptSeq("order", "by") {
			f.OrderBy = p.orderList()
		}
		if p.acceptSeq("ignore", "nulls") {
			f.IgnoreNulls = true
		} else if p.acceptSeq("respect", "nulls") {
			f.RespectNull = true
		}
	}
	p.expect(")")
	if p.acceptSeq("within", "group") {
		p.expect("(")
		p.expect("order")
		p.expect("by")
		f.WithinGroup = p.orderList()
		p.expect(")")
	}
	if p.is("filter") && p.peekN(1).Is("(") {
		p.i += 2
		p.expect("where")
		f.Filter = p.expr()
		p.expect(")")
	}
	if p.acceptSeq("ignore", "nulls") {
		f.IgnoreNulls = true
	} else if p.acceptSeq("respect", "nulls") {
		f.RespectNull = true
	}
	if p.accept("over") {
		if p.isIdent() && !p.is("(") {
			f.Over = &ast.Window{Ref: p.ident().Name}
		} else {
			f.Over = p.windowSpec()
		}
	}
	return f
}

func (p *parser) windowSpec() *ast.Window {
	p.expect("(")
	w := &ast.Window{}
	if p.isIdent() && !p.is("partition") && !p.is("order") && !p.is("rows") && !p.is("range") {
		w.Ref = p.ident().Name
	}
	if p.acceptSeq("partition", "by") {
		w.PartitionBy = p.exprList()
	}
	if p.acceptSeq("order", "by") {
		w.OrderBy = p.orderList()
	}
	if p.is("rows") || p.is("range") {
		fr := &ast.Frame{Mode: p.next().Value}
		if p.accept("between") {
			fr.Start = p.frameBound()
			p.expect("and")
			fr.End = p.frameBound()
		} else {
			fr.Start = p.frameBound()
		}
		w.Frame = fr
	}
	p.expect(")")
	return w
}

func (p *parser) frameBound() *ast.FrameBound {
	switch {
	case p.acceptSeq("unbounded", "preceding"):
		return &ast.FrameBound{Kind: "unbounded preceding"}
	case p.acceptSeq("unbounded", "following"):
		return &ast.FrameBound{Kind: "unbounded following"}
	case p.acceptSeq("current", "row"):
		return &ast.FrameBound{Kind: "current row"}
	}
	x := p.addExpr()
	if p.accept("preceding") {
		return &ast.FrameBound{Kind: "preceding", Offset: x}
	}
	p.expect("following")
	return &ast.FrameBound{Kind: "following", Offset: x}
}

func (p *parser) orderList() []ast.OrderItem {
	var out []ast.OrderItem
	for {
		o := ast.OrderItem{X: p.expr()}
		if p.accept("desc") {
			o.Desc = true
		} else if p.accept("asc") {
			o.Asc = true
		}
		if p.accept("nulls") {
			switch {
			case p.accept("first"):
				o.Nulls = "first"
			case p.accept("last"):
				o.Nulls = "last"
			default:
				p.fail(p.peek(), "")
			}
		}
		out = append(out, o)
		if !p.accept(",") {
			return out
		}
	}
}

// multiWordTypes maps a type's first word to the words that may follow it.
var multiWordTypes = map[string][][]string{
	"double":    {{"precision"}},
	"character": {{"varying"}},
	"char":      {{"varying"}},
	"bit":       {{"varying"}},
	"national":  {{"character", "varying"}, {"character"}, {"char", "varying"}, {"char"}},
}

// typeName reads a type: name [(args)] [WITH[OUT] TIME ZONE] [[]].
func (p *parser) typeName() *ast.TypeName {
	first := p.ident()
	tn := &ast.TypeName{Name: ast.Name{first}}
	if !first.Quoted {
		word := strings.ToLower(first.Name)
		for _, seq := range multiWordTypes[word] {
			if p.acceptSeq(seq...) {
				word += " " + strings.Join(seq, " ")
				break
			}
		}
		tn.Name = ast.Name{{Name: word}}
		for p.is(".") && (p.peekN(1).Kind == lex.Ident || p.peekN(1).Kind == lex.QuotedIdent) {
			p.next()
			tn.Name = append(tn.Name, p.ident())
		}
	}
	if p.is("(") {
		p.next()
		for {
			t := p.next()
			switch {
			case t.Kind == lex.Number:
				tn.Args = append(tn.Args, t.Value)
			case t.Kind == lex.Ident && t.Value == "max":
				tn.Args = append(tn.Args, "max")
			default:
				p.fail(t, "")
			}
			if !p.accept(",") {
				break
			}
		}
		p.expect(")")
	}
	if p.isSeq("with", "time", "zone") {
		p.i += 3
		tn.TZ = "with"
	} else if p.isSeq("without", "time", "zone") {
		p.i += 3
		tn.TZ = "without"
	}
	for p.is("[") && p.peekN(1).Is("]") {
		p.i += 2
		tn.Array = true
	}
	return tn
}

// plainWord reports whether s is a letter or underscore followed by
// letters, digits and underscores.
func plainWord(s string) bool {
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

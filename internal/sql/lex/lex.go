package lex

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kind classifies a token.
type Kind int

// Token kinds.
const (
	EOF          Kind = iota
	Ident             // unquoted identifier or keyword; Value is the text lower-cased
	QuotedIdent       // "..."; Value is the name with "" undoubled, case kept
	String            // '...', E'...', N'...'; Value is the decoded text
	DollarString      // $tag$...$tag$; Value is the body
	BitString         // B'...' or X'...'; Value is the digits
	Number            // integer or decimal literal; Value is the text
	Param             // $1; Value is the digits
	Op                // operator or punctuation: ( ) [ ] , ; . :: : and operator sequences
	Comment           // -- or /* */ comment, only with KeepComments
)

var kindNames = [...]string{"EOF", "Ident", "QuotedIdent", "String", "DollarString", "BitString", "Number", "Param", "Op", "Comment"}

// String names the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Token is one lexeme with its position.
type Token struct {
	Kind Kind
	// Value is the token's meaning: lower-cased for Ident, decoded for strings
	// and quoted identifiers, the text itself otherwise.
	Value string
	// Pos and End are byte offsets of the token's text in the input.
	Pos, End int
	// Tag is the dollar-quote tag (without the dollars) of a DollarString;
	// for String it is "E" for an escape string and "" otherwise.
	Tag string
}

// Text returns the token's source text.
func (t Token) Text(src string) string { return src[t.Pos:t.End] }

// Is reports whether t is the keyword or operator s (keywords compare
// case-insensitively; s must be lower case).
func (t Token) Is(s string) bool {
	return (t.Kind == Ident || t.Kind == Op) && t.Value == s
}

// Error is a lexing error at a byte offset.
type Error struct {
	Pos int
	Msg string
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("%s (at byte %d)", e.Msg, e.Pos) }

// Lexer produces tokens one at a time.
type Lexer struct {
	src string
	pos int
	// KeepComments makes Next return Comment tokens instead of skipping them.
	KeepComments bool
}

// New returns a lexer over src.
func New(src string) *Lexer { return &Lexer{src: src} }

// Tokens lexes all of src, without comments, ending with an EOF token.
func Tokens(src string) ([]Token, error) {
	l := New(src)
	var out []Token
	for {
		t, err := l.Next()
		if err != nil {
			return out, err
		}
		out = append(out, t)
		if t.Kind == EOF {
			return out, nil
		}
	}
}

// Pos returns the offset the lexer has reached.
func (l *Lexer) Pos() int { return l.pos }

// Next returns the next token, or an EOF token at the end of input.
func (l *Lexer) Next() (Token, error) {
	for {
		l.skipSpace()
		if l.pos >= len(l.src) {
			return Token{Kind: EOF, Pos: len(l.src), End: len(l.src)}, nil
		}
		start := l.pos
		c := l.src[l.pos]
		if c == '-' && l.peek(1) == '-' {
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
			if l.KeepComments {
				return Token{Kind: Comment, Value: l.src[start:l.pos], Pos: start, End: l.pos}, nil
			}
			continue
		}
		if c == '/' && l.peek(1) == '*' {
			if err := l.blockComment(); err != nil {
				return Token{}, err
			}
			if l.KeepComments {
				return Token{Kind: Comment, Value: l.src[start:l.pos], Pos: start, End: l.pos}, nil
			}
			continue
		}
		return l.token()
	}
}

func (l *Lexer) peek(n int) byte {
	if l.pos+n < len(l.src) {
		return l.src[l.pos+n]
	}
	return 0
}

func (l *Lexer) skipSpace() {
	for l.pos < len(l.src) {
		switch l.src[l.pos] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			l.pos++
		default:
			return
		}
	}
}

// blockComment skips a /* */ comment; they nest, as in Postgres.
func (l *Lexer) blockComment() error {
	start := l.pos
	depth := 0
	for l.pos < len(l.src) {
		if l.src[l.pos] == '/' && l.peek(1) == '*' {
			depth++
			l.pos += 2
			continue
		}
		if l.src[l.pos] == '*' && l.peek(1) == '/' {
			depth--
			l.pos += 2
			if depth == 0 {
				return nil
			}
			continue
		}
		l.pos++
	}
	return &Error{Pos: start, Msg: "unterminated /* comment"}
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isIdentCont(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9') || c == '$'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// opChars are the characters Postgres allows in operators.
const opChars = "+-*/<>=~!@#%^&|`?"

func (l *Lexer) token() (Token, error) {
	start := l.pos
	c := l.src[l.pos]
	switch {
	case (c == 'e' || c == 'E') && l.peek(1) == '\'':
		l.pos++
		v, err := l.quoted('\'', true)
		if err != nil {
			return Token{}, err
		}
		return Token{Kind: String, Value: v, Pos: start, End: l.pos, Tag: "E"}, nil
	case (c == 'n' || c == 'N') && l.peek(1) == '\'':
		l.pos++
		v, err := l.quoted('\'', false)
		if err != nil {
			return Token{}, err
		}
		return Token{Kind: String, Value: v, Pos: start, End: l.pos}, nil
	case (c == 'b' || c == 'B' || c == 'x' || c == 'X') && l.peek(1) == '\'':
		l.pos++
		v, err := l.quoted('\'', false)
		if err != nil {
			return Token{}, err
		}
		return Token{Kind: BitString, Value: v, Pos: start, End: l.pos, Tag: strings.ToUpper(string(c))}, nil
	case isIdentStart(c), c == '#' && isIdentStart(l.peek(1)) && (start == 0 || !isIdentCont(l.src[start-1]) && l.src[start-1] != ')'):
		// #name (right after a space, a parenthesis or a comma) is
		// Redshift's name of a temporary table; # between operands
		// is the XOR operator.
		l.pos++
		for l.pos < len(l.src) && isIdentCont(l.src[l.pos]) {
			l.pos++
		}
		text := l.src[start:l.pos]
		if !utf8.ValidString(text) {
			return Token{}, &Error{Pos: start, Msg: "invalid UTF-8 in identifier"}
		}
		return Token{Kind: Ident, Value: strings.ToLower(text), Pos: start, End: l.pos}, nil
	case c == '"':
		v, err := l.quoted('"', false)
		if err != nil {
			return Token{}, err
		}
		if v == "" {
			return Token{}, &Error{Pos: start, Msg: "zero-length delimited identifier"}
		}
		return Token{Kind: QuotedIdent, Value: v, Pos: start, End: l.pos}, nil
	case c == '\'':
		v, err := l.quoted('\'', false)
		if err != nil {
			return Token{}, err
		}
		return Token{Kind: String, Value: v, Pos: start, End: l.pos}, nil
	case c == '$':
		if isDigit(l.peek(1)) {
			l.pos++
			for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
				l.pos++
			}
			return Token{Kind: Param, Value: l.src[start+1 : l.pos], Pos: start, End: l.pos}, nil
		}
		if tag, ok := l.dollarTag(); ok {
			return l.dollarBody(start, tag)
		}
		l.pos++
		return Token{Kind: Op, Value: "$", Pos: start, End: l.pos}, nil
	case isDigit(c) || (c == '.' && isDigit(l.peek(1))):
		return l.number(), nil
	case c == ':' && l.peek(1) == ':':
		l.pos += 2
		return Token{Kind: Op, Value: "::", Pos: start, End: l.pos}, nil
	case strings.IndexByte("()[],;.:", c) >= 0:
		l.pos++
		return Token{Kind: Op, Value: string(c), Pos: start, End: l.pos}, nil
	case strings.IndexByte(opChars, c) >= 0:
		return l.operator(), nil
	}
	_, size := utf8.DecodeRuneInString(l.src[l.pos:])
	return Token{}, &Error{Pos: start, Msg: fmt.Sprintf("syntax error at or near %q", l.src[start:start+size])}
}

// quoted reads a literal delimited by q starting at l.pos. Doubled delimiters
// stand for one; with esc, backslash escapes are decoded as in E” strings.
func (l *Lexer) quoted(q byte, esc bool) (string, error) {
	start := l.pos
	l.pos++ // opening quote
	var b strings.Builder
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == q:
			if l.peek(1) == q {
				b.WriteByte(q)
				l.pos += 2
				continue
			}
			l.pos++
			return b.String(), nil
		case c == '\\' && esc:
			if l.pos+1 >= len(l.src) {
				l.pos++
				continue
			}
			l.pos++
			l.escape(&b)
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
	what := "quoted string"
	if q == '"' {
		what = "quoted identifier"
	}
	return "", &Error{Pos: start, Msg: "unterminated " + what}
}

// escape decodes one backslash escape; l.pos is just after the backslash.
func (l *Lexer) escape(b *strings.Builder) {
	c := l.src[l.pos]
	l.pos++
	switch c {
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case '0', '1', '2', '3', '4', '5', '6', '7':
		v := int(c - '0')
		for i := 0; i < 2 && l.pos < len(l.src) && l.src[l.pos] >= '0' && l.src[l.pos] <= '7'; i++ {
			v = v*8 + int(l.src[l.pos]-'0')
			l.pos++
		}
		b.WriteByte(byte(v))
	case 'x':
		v, n := hexDigits(l.src[l.pos:], 2)
		if n == 0 {
			b.WriteByte('x')
			return
		}
		l.pos += n
		b.WriteByte(byte(v))
	case 'u', 'U':
		want := 4
		if c == 'U' {
			want = 8
		}
		v, n := hexDigits(l.src[l.pos:], want)
		if n != want || !utf8.ValidRune(rune(v)) {
			b.WriteByte(c)
			return
		}
		l.pos += n
		b.WriteRune(rune(v))
	default:
		b.WriteByte(c)
	}
}

func hexDigits(s string, max int) (int, int) {
	v, n := 0, 0
	for n < max && n < len(s) {
		c := s[n]
		var d int
		switch {
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case c >= 'a' && c <= 'f':
			d = int(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = int(c-'A') + 10
		default:
			return v, n
		}
		v = v*16 + d
		n++
	}
	return v, n
}

// dollarTag reports whether a dollar-quote opener ($$ or $tag$) starts at
// l.pos, returning the tag without consuming anything.
func (l *Lexer) dollarTag() (string, bool) {
	i := l.pos + 1
	if i < len(l.src) && l.src[i] == '$' {
		return "", true
	}
	if i >= len(l.src) || !isIdentStart(l.src[i]) {
		return "", false
	}
	for i < len(l.src) && isIdentCont(l.src[i]) && l.src[i] != '$' {
		i++
	}
	if i < len(l.src) && l.src[i] == '$' {
		return l.src[l.pos+1 : i], true
	}
	return "", false
}

func (l *Lexer) dollarBody(start int, tag string) (Token, error) {
	delim := "$" + tag + "$"
	bodyStart := start + len(delim)
	end := strings.Index(l.src[bodyStart:], delim)
	if end < 0 {
		l.pos = len(l.src)
		return Token{}, &Error{Pos: start, Msg: "unterminated dollar-quoted string"}
	}
	l.pos = bodyStart + end + len(delim)
	return Token{Kind: DollarString, Value: l.src[bodyStart : bodyStart+end], Pos: start, End: l.pos, Tag: tag}, nil
}

func (l *Lexer) number() Token {
	start := l.pos
	for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
		l.pos++
	}
	// A '.' belongs to the number unless it starts '..' (not SQL) .
	if l.pos < len(l.src) && l.src[l.pos] == '.' && l.peek(1) != '.' {
		l.pos++
		for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
			l.pos++
		}
	}
	if l.pos < len(l.src) && (l.src[l.pos] == 'e' || l.src[l.pos] == 'E') {
		j := l.pos + 1
		if j < len(l.src) && (l.src[j] == '+' || l.src[j] == '-') {
			j++
		}
		if j < len(l.src) && isDigit(l.src[j]) {
			for j < len(l.src) && isDigit(l.src[j]) {
				j++
			}
			l.pos = j
		}
	}
	return Token{Kind: Number, Value: l.src[start:l.pos], Pos: start, End: l.pos}
}

// operator reads an operator the way Postgres does: the longest run of
// operator characters, cut before any -- or /* inside it, and without a
// trailing + or - unless the run holds one of ~ ! @ # % ^ & | ` ?.
func (l *Lexer) operator() Token {
	start := l.pos
	end := start
	for end < len(l.src) && strings.IndexByte(opChars, l.src[end]) >= 0 {
		if end > start && ((l.src[end] == '-' && end+1 < len(l.src) && l.src[end+1] == '-') ||
			(l.src[end] == '/' && end+1 < len(l.src) && l.src[end+1] == '*')) {
			break
		}
		end++
	}
	op := l.src[start:end]
	if len(op) > 1 && !strings.ContainsAny(op, "~!@#%^&|`?") {
		for len(op) > 1 && (op[len(op)-1] == '+' || op[len(op)-1] == '-') {
			op = op[:len(op)-1]
		}
	}
	l.pos = start + len(op)
	return Token{Kind: Op, Value: op, Pos: start, End: l.pos}
}

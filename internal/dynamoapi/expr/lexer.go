package expr

import "strings"

type tokKind uint8

const (
	tEOF    tokKind = iota
	tIdent          // a bare name or keyword
	tName           // #name
	tValue          // :value
	tNumber         // digits, as in a list index
	tPunct          // = <> < <= > >= ( ) [ ] , . + -
	tBad            // a character no token starts with
)

type token struct {
	kind       tokKind
	text       string
	start, end int
}

// A name starts with a letter; "_" and digits may follow. (DynamoDB reports
// a leading "_" as a syntax error on the token "_"; placeholders may start
// with either.)
func isIdentStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || c == '_' || c >= '0' && c <= '9' }

// lex splits s into tokens; it never fails: an unknown character becomes a
// tBad token, which the parser reports as a syntax error.
func lex(s string) []token {
	var out []token
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++
		}
		if i >= len(s) {
			out = append(out, token{kind: tEOF, text: "<EOF>", start: len(s), end: len(s)})
			return out
		}
		start := i
		c := s[i]
		kind := tPunct
		switch {
		case isIdentStart(c):
			kind = tIdent
			for i < len(s) && isIdentPart(s[i]) {
				i++
			}
		case c >= '0' && c <= '9':
			kind = tNumber
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
		case c == '#' || c == ':':
			kind = tName
			if c == ':' {
				kind = tValue
			}
			i++
			for i < len(s) && isIdentPart(s[i]) {
				i++
			}
			if i == start+1 {
				kind = tBad
			}
		case c == '<' && i+1 < len(s) && (s[i+1] == '=' || s[i+1] == '>'), c == '>' && i+1 < len(s) && s[i+1] == '=':
			i += 2
		case strings.IndexByte("=<>()[],.+-", c) >= 0:
			i++
		default:
			kind = tBad
			i++
			// Keep a multi-byte UTF-8 character whole in the error text.
			for i < len(s) && s[i]&0xC0 == 0x80 {
				i++
			}
		}
		out = append(out, token{kind: kind, text: s[start:i], start: start, end: i})
	}
}

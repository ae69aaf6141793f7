package partiql

import "strings"

type tokKind uint8

const (
	tEOF    tokKind = iota
	tIdent          // a bare word
	tQuoted         // "quoted identifier"
	tString         // 'string'
	tNumber         // 12, 1.5, 1e3
	tPunct          // = <> != < <= > >= ( ) [ ] { } , . : ? * << >> + -
	tBad            // anything else, or an unterminated quote
)

type token struct {
	kind tokKind
	text string // the identifier, string contents, number or punctuation
	pos  int
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }

func lex(s string) []token {
	var out []token
	i := 0
	for {
		for i < len(s) && strings.IndexByte(" \t\r\n", s[i]) >= 0 {
			i++
		}
		if i+1 < len(s) && s[i] == '-' && s[i+1] == '-' { // a comment to the end of the line
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		}
		if i >= len(s) {
			return append(out, token{kind: tEOF, text: "<EOF>", pos: i})
		}
		start, c := i, s[i]
		switch {
		case isIdentStart(c):
			for i < len(s) && (isIdentStart(s[i]) || isDigit(s[i]) || s[i] == '$') {
				i++
			}
			out = append(out, token{kind: tIdent, text: s[start:i], pos: start})
		case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
			for i < len(s) && isDigit(s[i]) {
				i++
			}
			if i < len(s) && s[i] == '.' {
				i++
				for i < len(s) && isDigit(s[i]) {
					i++
				}
			}
			if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
				j := i + 1
				if j < len(s) && (s[j] == '+' || s[j] == '-') {
					j++
				}
				if j < len(s) && isDigit(s[j]) {
					i = j
					for i < len(s) && isDigit(s[i]) {
						i++
					}
				}
			}
			out = append(out, token{kind: tNumber, text: s[start:i], pos: start})
		case c == '\'' || c == '"':
			var b strings.Builder
			i++
			closed := false
			for i < len(s) {
				if s[i] == c {
					if i+1 < len(s) && s[i+1] == c { // a doubled quote is one quote
						b.WriteByte(c)
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(s[i])
				i++
			}
			kind := tString
			if c == '"' {
				kind = tQuoted
			}
			if !closed {
				kind = tBad
			}
			out = append(out, token{kind: kind, text: b.String(), pos: start})
		default:
			two := ""
			if i+1 < len(s) {
				two = s[i : i+2]
			}
			switch two {
			case "<>", "!=", "<=", ">=", "<<", ">>":
				i += 2
				out = append(out, token{kind: tPunct, text: two, pos: start})
				continue
			}
			i++
			if strings.IndexByte("=<>()[]{},.:?*+-;", c) >= 0 {
				out = append(out, token{kind: tPunct, text: string(c), pos: start})
			} else {
				for i < len(s) && s[i]&0xC0 == 0x80 {
					i++
				}
				out = append(out, token{kind: tBad, text: s[start:i], pos: start})
			}
		}
	}
}

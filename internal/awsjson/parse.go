package awsjson

import (
	"encoding/json"
	"unicode/utf8"
)

// tree is a parser of the first JSON value of its input into the form
// encoding/json's Decoder gives with UseNumber: map[string]any, []any,
// json.Number, string, bool and nil. It stops after that value, as the
// Decoder does, and checks nothing past it. It builds every request's
// tree for the type check, in one pass and without reflection.
type tree struct {
	data  []byte
	pos   int
	depth int
	bad   bool // set at the first byte that is not well-formed JSON
}

// maxNesting is encoding/json's limit on nested arrays and objects.
const maxNesting = 10000

// parseTree returns the first JSON value of data; ok is false when data
// does not start with a well-formed value.
func parseTree(data []byte) (v any, ok bool) {
	t := tree{data: data}
	v = t.value()
	if t.bad {
		return nil, false
	}
	return v, true
}

func (t *tree) ws() {
	for t.pos < len(t.data) {
		switch t.data[t.pos] {
		case ' ', '\t', '\n', '\r':
			t.pos++
		default:
			return
		}
	}
}

func (t *tree) peek() byte {
	t.ws()
	if t.pos < len(t.data) {
		return t.data[t.pos]
	}
	return 0
}

func (t *tree) value() any {
	switch c := t.peek(); {
	case c == '{':
		return t.object()
	case c == '[':
		return t.array()
	case c == '"':
		return t.str()
	case c == 't':
		t.literal("true")
		return true
	case c == 'f':
		t.literal("false")
		return false
	case c == 'n':
		t.literal("null")
		return nil
	case c == '-' || '0' <= c && c <= '9':
		return t.number()
	}
	t.bad = true
	return nil
}

func (t *tree) object() any {
	if t.depth++; t.depth > maxNesting {
		t.bad = true
		return nil
	}
	defer func() { t.depth-- }()
	t.pos++
	m := map[string]any{}
	if t.peek() == '}' {
		t.pos++
		return m
	}
	for !t.bad {
		if t.peek() != '"' {
			t.bad = true
			return nil
		}
		k := t.str()
		if t.peek() != ':' {
			t.bad = true
			return nil
		}
		t.pos++
		m[k] = t.value()
		switch t.peek() {
		case ',':
			t.pos++
			continue
		case '}':
			t.pos++
			return m
		}
		t.bad = true
	}
	return nil
}

func (t *tree) array() any {
	if t.depth++; t.depth > maxNesting {
		t.bad = true
		return nil
	}
	defer func() { t.depth-- }()
	t.pos++
	a := []any{}
	if t.peek() == ']' {
		t.pos++
		return a
	}
	for !t.bad {
		a = append(a, t.value())
		switch t.peek() {
		case ',':
			t.pos++
			continue
		case ']':
			t.pos++
			return a
		}
		t.bad = true
	}
	return nil
}

func (t *tree) literal(lit string) {
	if len(t.data)-t.pos < len(lit) || string(t.data[t.pos:t.pos+len(lit)]) != lit {
		t.bad = true
		return
	}
	t.pos += len(lit)
}

// str reads a string token as encoding/json decodes it (invalid UTF-8
// and lone surrogates become U+FFFD).
func (t *tree) str() string {
	start := t.pos
	t.pos++
	escaped, ascii := false, true
	for t.pos < len(t.data) {
		c := t.data[t.pos]
		switch {
		case c == '"':
			t.pos++
			raw := t.data[start+1 : t.pos-1]
			if !escaped && (ascii || utf8.Valid(raw)) {
				return string(raw)
			}
			var s string
			if err := json.Unmarshal(t.data[start:t.pos], &s); err != nil {
				t.bad = true
			}
			return s
		case c == '\\':
			escaped = true
			t.pos++
			if t.pos >= len(t.data) {
				t.bad = true
				return ""
			}
			switch t.data[t.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				t.pos++
			case 'u':
				t.pos++
				for range 4 {
					if t.pos >= len(t.data) || !isHex(t.data[t.pos]) {
						t.bad = true
						return ""
					}
					t.pos++
				}
			default:
				t.bad = true
				return ""
			}
		case c < 0x20:
			t.bad = true
			return ""
		default:
			if c >= utf8.RuneSelf {
				ascii = false
			}
			t.pos++
		}
	}
	t.bad = true
	return ""
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? as its text.
func (t *tree) number() any {
	start := t.pos
	digits := func() bool {
		n := 0
		for t.pos < len(t.data) && '0' <= t.data[t.pos] && t.data[t.pos] <= '9' {
			t.pos++
			n++
		}
		return n > 0
	}
	if t.data[t.pos] == '-' {
		t.pos++
	}
	switch {
	case t.pos < len(t.data) && t.data[t.pos] == '0':
		t.pos++
	case !digits():
		t.bad = true
		return nil
	}
	if t.pos < len(t.data) && t.data[t.pos] == '.' {
		t.pos++
		if !digits() {
			t.bad = true
			return nil
		}
	}
	if t.pos < len(t.data) && (t.data[t.pos] == 'e' || t.data[t.pos] == 'E') {
		t.pos++
		if t.pos < len(t.data) && (t.data[t.pos] == '+' || t.data[t.pos] == '-') {
			t.pos++
		}
		if !digits() {
			t.bad = true
			return nil
		}
	}
	return json.Number(t.data[start:t.pos])
}

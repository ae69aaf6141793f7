package attr

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The wire decoder reads an attribute value in one pass over its JSON,
// however deep it nests, and answers exactly what decoding it level by
// level with encoding/json would (the form UnmarshalJSON had first, kept
// in the tests as the reference the fuzz target compares against):
//
//   - JSON that is not well formed anywhere in the input is a
//     SerializationError "Unexpected value type in payload", whatever else
//     is wrong with it;
//   - at each level the members of {"T": ...} are counted first (a member
//     set to null counts as absent, a repeated member's last occurrence
//     counts), then the type name is checked, then the value, so a level's
//     own error wins over one nested inside it;
//   - inside an M or an L the first element in document order with an
//     error gives the error.
//
// Every value is therefore parsed as its member name says while it is
// read, and the level's verdict is taken once its object ends.

var (
	errEmpty    = &ValueError{Msg: "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"}
	errMultiple = &ValueError{Msg: "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"}
	errPayload  = &SerializationError{Msg: "Unexpected value type in payload"}
	errField    = &SerializationError{Msg: "Unexpected field type"}
)

// maxNesting is encoding/json's limit on nested arrays and objects; input
// deeper than this is not well formed to it.
const maxNesting = 10000

// UnmarshalJSON reads v from DynamoDB's wire form and checks it as
// DynamoDB checks each value.
func (v *Value) UnmarshalJSON(data []byte) error {
	d := decoder{data: data}
	out, err := d.attrValue()
	d.ws()
	if d.bad || d.pos != len(d.data) {
		return errPayload
	}
	if err != nil {
		return err
	}
	*v = out
	return nil
}

// decoder reads JSON from data at pos. bad is set at the first byte that
// is not well-formed JSON; from then on every method returns at once.
type decoder struct {
	data  []byte
	pos   int
	depth int
	bad   bool
}

func (d *decoder) fail() { d.bad = true }

func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the next byte after whitespace, or 0 at the end.
func (d *decoder) peek() byte {
	d.ws()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

// enter and leave count container nesting.
func (d *decoder) enter() bool {
	d.depth++
	if d.depth > maxNesting {
		d.fail()
		return false
	}
	return true
}

func (d *decoder) leave() { d.depth-- }

// member is one member of a value's object: its name, and the value it
// names as parsed (or the error parsing gave).
type member struct {
	name string
	null bool
	val  Value
	err  error
}

// attrValue reads one attribute value ({"S": "x"}, or null).
func (d *decoder) attrValue() (Value, error) {
	switch d.peek() {
	case 'n':
		d.literal("null")
		return Value{}, errEmpty
	case '{':
	default:
		d.skip()
		return Value{}, errPayload
	}
	if !d.enter() {
		return Value{}, nil
	}
	defer d.leave()
	d.pos++
	var buf [2]member
	ms := buf[:0]
	if d.peek() == '}' {
		d.pos++
		return Value{}, errEmpty
	}
	for {
		if d.peek() != '"' {
			d.fail()
			return Value{}, nil
		}
		name := d.str()
		if d.peek() != ':' {
			d.fail()
			return Value{}, nil
		}
		d.pos++
		m := member{name: name}
		if d.peek() == 'n' {
			d.literal("null")
			m.null = true
		} else {
			m.val, m.err = d.typed(ParseType(name))
		}
		if d.bad {
			return Value{}, nil
		}
		found := false
		for i := range ms {
			if ms[i].name == name {
				ms[i] = m
				found = true
				break
			}
		}
		if !found {
			ms = append(ms, m)
		}
		switch d.peek() {
		case ',':
			d.pos++
			continue
		case '}':
			d.pos++
		default:
			d.fail()
			return Value{}, nil
		}
		break
	}
	set := 0
	var chosen *member
	for i := range ms {
		if !ms[i].null {
			set++
			chosen = &ms[i]
		}
	}
	switch {
	case set == 0:
		return Value{}, errEmpty
	case set > 1:
		return Value{}, errMultiple
	}
	if ParseType(chosen.name) == Invalid {
		return Value{}, errField
	}
	return chosen.val, chosen.err
}

// typed reads a value (not null) as type t's payload; Invalid only checks
// that it is well formed.
func (d *decoder) typed(t Type) (Value, error) {
	c := d.peek()
	switch t {
	case S, N, B:
		if c != '"' {
			break
		}
		s := d.str()
		switch t {
		case S:
			return Value{T: S, S: s}, nil
		case N:
			n, err := ParseNumber(s)
			if err != nil {
				return Value{}, &ValueError{Msg: err.Error()}
			}
			return Value{T: N, S: n}, nil
		default:
			b, err := decodeBase64(s)
			if err != nil {
				return Value{}, err
			}
			return Value{T: B, B: b}, nil
		}
	case BOOL, NULL:
		var b bool
		switch c {
		case 't':
			d.literal("true")
			b = true
		case 'f':
			d.literal("false")
		default:
			d.skip()
			return Value{}, errPayload
		}
		if t == BOOL {
			return Value{T: BOOL, Bool: b}, nil
		}
		if !b {
			return Value{}, invalid("Null attribute value types must have the value of true")
		}
		return Value{T: NULL, Bool: true}, nil
	case M:
		if c == '{' {
			return d.mapValue()
		}
	case L:
		if c == '[' {
			return d.listValue()
		}
	case SS, NS, BS:
		if c == '[' {
			return d.setValue(t)
		}
	}
	d.skip()
	return Value{}, errPayload
}

// mapValue reads an M's object of attribute values.
func (d *decoder) mapValue() (Value, error) {
	if !d.enter() {
		return Value{}, nil
	}
	defer d.leave()
	d.pos++
	m := map[string]Value{}
	var first error
	if d.peek() == '}' {
		d.pos++
		return Value{T: M, M: m}, nil
	}
	for {
		if d.peek() != '"' {
			d.fail()
			return Value{}, nil
		}
		k := d.str()
		if d.peek() != ':' {
			d.fail()
			return Value{}, nil
		}
		d.pos++
		v, err := d.attrValue()
		if d.bad {
			return Value{}, nil
		}
		if first == nil {
			if err != nil {
				first = err
			} else {
				m[k] = v
			}
		}
		switch d.peek() {
		case ',':
			d.pos++
			continue
		case '}':
			d.pos++
		default:
			d.fail()
			return Value{}, nil
		}
		break
	}
	if first != nil {
		return Value{}, first
	}
	return Value{T: M, M: m}, nil
}

// listValue reads an L's array of attribute values.
func (d *decoder) listValue() (Value, error) {
	if !d.enter() {
		return Value{}, nil
	}
	defer d.leave()
	d.pos++
	l := []Value{}
	var first error
	if d.peek() == ']' {
		d.pos++
		return Value{T: L, L: l}, nil
	}
	for {
		v, err := d.attrValue()
		if d.bad {
			return Value{}, nil
		}
		if first == nil {
			if err != nil {
				first = err
			} else {
				l = append(l, v)
			}
		}
		switch d.peek() {
		case ',':
			d.pos++
			continue
		case ']':
			d.pos++
		default:
			d.fail()
			return Value{}, nil
		}
		break
	}
	if first != nil {
		return Value{}, first
	}
	return Value{T: L, L: l}, nil
}

// setValue reads an SS, NS or BS array. A null member reads as "", as
// encoding/json leaves a string it decodes null into.
func (d *decoder) setValue(t Type) (Value, error) {
	if !d.enter() {
		return Value{}, nil
	}
	defer d.leave()
	d.pos++
	var strs []string
	// For BS each member is checked in order, a non-string one included.
	var notString []bool
	wrongType := false
	if d.peek() == ']' {
		d.pos++
	} else {
		for {
			switch d.peek() {
			case '"':
				strs = append(strs, d.str())
				notString = append(notString, false)
			case 'n':
				d.literal("null")
				strs = append(strs, "")
				notString = append(notString, false)
			default:
				d.skip()
				wrongType = true
				strs = append(strs, "")
				notString = append(notString, true)
			}
			if d.bad {
				return Value{}, nil
			}
			switch d.peek() {
			case ',':
				d.pos++
				continue
			case ']':
				d.pos++
			default:
				d.fail()
				return Value{}, nil
			}
			break
		}
	}
	switch t {
	case SS:
		if wrongType {
			return Value{}, errPayload
		}
		if len(strs) == 0 {
			return Value{}, invalid("An string set  may not be empty")
		}
		if err := noDuplicates(strs, strs); err != nil {
			return Value{}, err
		}
		return Value{T: SS, Strs: strs}, nil
	case NS:
		if wrongType {
			return Value{}, errPayload
		}
		if len(strs) == 0 {
			return Value{}, invalid("An number set  may not be empty")
		}
		canon := make([]string, len(strs))
		for i, s := range strs {
			c, err := ParseNumber(s)
			if err != nil {
				return Value{}, &ValueError{Msg: err.Error()}
			}
			canon[i] = c
		}
		if err := noDuplicates(canon, strs); err != nil {
			return Value{}, err
		}
		return Value{T: NS, Strs: canon}, nil
	}
	if len(strs) == 0 {
		return Value{}, invalid("Binary sets should not be empty")
	}
	bins := make([][]byte, len(strs))
	seen := make(map[string]bool, len(strs))
	for i, s := range strs {
		if notString[i] {
			return Value{}, errPayload
		}
		b, err := decodeBase64(s)
		if err != nil {
			return Value{}, err
		}
		if seen[string(b)] {
			return Value{}, invalid("Input collection contains duplicates.")
		}
		seen[string(b)] = true
		bins[i] = b
	}
	return Value{T: BS, Bins: bins}, nil
}

// decodeBase64 decodes a B value's text with DynamoDB's error text.
func decodeBase64(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, &SerializationError{Msg: "Base64 encoded length is expected a multiple of 4 bytes but found: " + strconv.Itoa(len(s))}
	}
	return b, nil
}

// literal reads the literal lit (the first byte already peeked).
func (d *decoder) literal(lit string) {
	if len(d.data)-d.pos < len(lit) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		d.fail()
		return
	}
	d.pos += len(lit)
}

// str reads a string token and returns its value, as encoding/json
// decodes it (invalid UTF-8 and lone surrogates become U+FFFD).
func (d *decoder) str() string {
	start := d.pos
	d.pos++
	escaped, ascii := false, true
	for {
		if d.pos >= len(d.data) {
			d.fail()
			return ""
		}
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			raw := d.data[start+1 : d.pos-1]
			if !escaped && (ascii || utf8.Valid(raw)) {
				return string(raw)
			}
			// Escapes, or bytes to replace: encoding/json's own rules.
			var s string
			if err := json.Unmarshal(d.data[start:d.pos], &s); err != nil {
				d.fail()
			}
			return s
		case c == '\\':
			escaped = true
			d.pos++
			if d.pos >= len(d.data) {
				d.fail()
				return ""
			}
			switch d.data[d.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.pos++
			case 'u':
				d.pos++
				for range 4 {
					if d.pos >= len(d.data) || !isHex(d.data[d.pos]) {
						d.fail()
						return ""
					}
					d.pos++
				}
			default:
				d.fail()
				return ""
			}
		case c < 0x20:
			d.fail()
			return ""
		default:
			if c >= utf8.RuneSelf {
				ascii = false
			}
			d.pos++
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// skip reads any JSON value, checking only that it is well formed.
func (d *decoder) skip() {
	switch c := d.peek(); {
	case c == '"':
		d.skipString()
	case c == '{':
		if !d.enter() {
			return
		}
		d.pos++
		if d.peek() == '}' {
			d.pos++
			d.leave()
			return
		}
		for !d.bad {
			if d.peek() != '"' {
				d.fail()
				return
			}
			d.skipString()
			if d.peek() != ':' {
				d.fail()
				return
			}
			d.pos++
			d.skip()
			switch d.peek() {
			case ',':
				d.pos++
				continue
			case '}':
				d.pos++
				d.leave()
				return
			}
			d.fail()
		}
	case c == '[':
		if !d.enter() {
			return
		}
		d.pos++
		if d.peek() == ']' {
			d.pos++
			d.leave()
			return
		}
		for !d.bad {
			d.skip()
			switch d.peek() {
			case ',':
				d.pos++
				continue
			case ']':
				d.pos++
				d.leave()
				return
			}
			d.fail()
		}
	case c == 't':
		d.literal("true")
	case c == 'f':
		d.literal("false")
	case c == 'n':
		d.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		d.number()
	default:
		d.fail()
	}
}

// skipString reads a string token without decoding it.
func (d *decoder) skipString() {
	// str checks everything the token may hold; its value is not built
	// unless the string has escapes or bytes to replace.
	d.pos++
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			return
		case c == '\\':
			d.pos++
			if d.pos >= len(d.data) {
				d.fail()
				return
			}
			switch d.data[d.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.pos++
			case 'u':
				d.pos++
				for range 4 {
					if d.pos >= len(d.data) || !isHex(d.data[d.pos]) {
						d.fail()
						return
					}
					d.pos++
				}
			default:
				d.fail()
				return
			}
		case c < 0x20:
			d.fail()
			return
		default:
			d.pos++
		}
	}
	d.fail()
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) number() {
	digits := func() bool {
		n := 0
		for d.pos < len(d.data) && '0' <= d.data[d.pos] && d.data[d.pos] <= '9' {
			d.pos++
			n++
		}
		return n > 0
	}
	if d.data[d.pos] == '-' {
		d.pos++
	}
	switch {
	case d.pos < len(d.data) && d.data[d.pos] == '0':
		d.pos++
	case !digits():
		d.fail()
		return
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if !digits() {
			d.fail()
			return
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if !digits() {
			d.fail()
		}
	}
}

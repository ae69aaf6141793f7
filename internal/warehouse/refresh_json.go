package warehouse

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// checkJSON: the check every text passes before DuckDB's JSON machinery
// sees it (streaming records here, SQL values through rs_json_check in
// json_guard.go). DuckDB converts JSON to VARIANT (SUPER) recursively, so
// deep nesting overflows its stack and takes the process down; its parser
// also refuses unpaired surrogate escapes, which would otherwise fail a
// whole batch instead of one record.

// Redshift's documented limits for SUPER ("Limitations" of the SUPER type,
// Amazon Redshift Database Developer Guide): "The maximum nesting depth for
// arrays and structures of the SUPER data type is 1,000" and "An individual
// SUPER object can hold up to 16 MB of data".
const (
	maxJSONDepth = 1000
	maxJSONBytes = 16 << 20
)

// jsonFault says why a text is not a JSON value blueshift accepts.
type jsonFault uint8

const (
	jsonOK jsonFault = iota
	jsonSyntax
	jsonTooDeep
	jsonSurrogate
	jsonBadUTF8
	jsonTooLarge
	jsonNumberRange
)

// String is the reason, as SYS_STREAM_SCAN_ERRORS and SQL errors give it.
func (f jsonFault) String() string {
	switch f {
	case jsonOK:
		return "valid JSON"
	case jsonTooDeep:
		return "invalid JSON: arrays and objects nest deeper than 1000, the maximum for SUPER"
	case jsonSurrogate:
		return "invalid JSON: a \\u escape is an unpaired UTF-16 surrogate"
	case jsonBadUTF8:
		return "invalid JSON: the text is not valid UTF-8"
	case jsonTooLarge:
		return "invalid JSON: the text is larger than 16 MB, the maximum size of a SUPER value"
	case jsonNumberRange:
		return "invalid JSON: a number is out of the range of a double precision number (about 1.8e308)"
	}
	return "invalid JSON: syntax error"
}

// checkJSON reports whether b is one JSON value within Redshift's SUPER
// limits, and why not.
func checkJSON(b []byte) jsonFault {
	f, _ := checkJSONNumbers(b)
	return f
}

// checkJSONNumbers is checkJSON, and whether a number of b is one DuckDB's
// conversion to VARIANT would change (inexactNumber, super_number.go).
func checkJSONNumbers(b []byte) (jsonFault, bool) {
	if len(b) > maxJSONBytes {
		return jsonTooLarge, false
	}
	if !utf8.Valid(b) {
		return jsonBadUTF8, false
	}
	return scanJSON(b)
}

// validJSON reports whether b passes checkJSON.
func validJSON(b []byte) bool { return checkJSON(b) == jsonOK }

// strSafe marks the bytes a JSON string holds without a second look: not
// '"', not '\\', not a control character.
var strSafe = func() (t [256]bool) {
	for i := 0x20; i < 256; i++ {
		t[i] = i != '"' && i != '\\'
	}
	return t
}()

// scanJSON reports whether b is one JSON value (RFC 8259), with
// whitespace around it, nested at most maxJSONDepth deep and without
// unpaired surrogate escapes: what encoding/json.Valid reports within
// those bounds (FuzzValidJSON compares them), at several times its speed,
// which matters because every record a view parses passes through it.
// Like json.Valid it does not check UTF-8; checkJSON does. inexact says
// whether a number is one DuckDB's conversion to VARIANT would change
// (only meaningful with jsonOK).
func scanJSON(b []byte) (_ jsonFault, inexact bool) {
	// stack holds the open containers, '{' or '['; the top one decides
	// what may follow a value.
	var stackBuf [64]byte
	stack := stackBuf[:0]
	i, n := 0, len(b)
	// done is what a syntactically valid text gets: jsonOK, or
	// jsonNumberRange once a number was found out of range.
	done := jsonOK
	skipWS := func() {
		for i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
			i++
		}
	}
value:
	skipWS()
	if i >= n {
		return jsonSyntax, false
	}
	switch c := b[i]; {
	case c == '{':
		if len(stack) >= maxJSONDepth {
			return jsonTooDeep, false
		}
		stack = append(stack, '{')
		i++
		skipWS()
		if i < n && b[i] == '}' {
			i++
			stack = stack[:len(stack)-1]
			goto after
		}
		goto key
	case c == '[':
		if len(stack) >= maxJSONDepth {
			return jsonTooDeep, false
		}
		stack = append(stack, '[')
		i++
		skipWS()
		if i < n && b[i] == ']' {
			i++
			stack = stack[:len(stack)-1]
			goto after
		}
		goto value
	case c == '"':
		if i = scanString(b, i+1); i < 0 {
			return stringFault(i), false
		}
	case c == '-' || (c >= '0' && c <= '9'):
		start := i
		if i = scanNumber(b, i); i < 0 {
			return jsonSyntax, false
		}
		if outOfRange(b[start:i]) {
			done = jsonNumberRange
		} else if i-start > exactDoubleDigits && !inexact {
			inexact = inexactNumber(b[start:i])
		}
	case c == 't':
		if n-i < 4 || string(b[i:i+4]) != "true" {
			return jsonSyntax, false
		}
		i += 4
	case c == 'f':
		if n-i < 5 || string(b[i:i+5]) != "false" {
			return jsonSyntax, false
		}
		i += 5
	case c == 'n':
		if n-i < 4 || string(b[i:i+4]) != "null" {
			return jsonSyntax, false
		}
		i += 4
	default:
		return jsonSyntax, false
	}
after: // a value ended: close containers, or go on to the next element
	skipWS()
	if len(stack) == 0 {
		if i != n {
			return jsonSyntax, false
		}
		return done, inexact
	}
	if i >= n {
		return jsonSyntax, false
	}
	switch top := stack[len(stack)-1]; {
	case b[i] == ',':
		i++
		if top == '{' {
			goto key
		}
		goto value
	case (top == '{' && b[i] == '}') || (top == '[' && b[i] == ']'):
		i++
		stack = stack[:len(stack)-1]
		goto after
	}
	return jsonSyntax, false
key: // an object member: "name" : value
	skipWS()
	if i >= n || b[i] != '"' {
		return jsonSyntax, false
	}
	if i = scanString(b, i+1); i < 0 {
		return jsonSyntax, false
	}
	skipWS()
	if i >= n || b[i] != ':' {
		return jsonSyntax, false
	}
	i++
	goto value
}

// scanString returns the index after the string whose first content byte
// is at i (just after the opening quote), or a negative fault: -1 if it is
// not valid, errSurrogate if it holds an unpaired surrogate escape.
func scanString(b []byte, i int) int {
	n := len(b)
	for i < n {
		// The common bytes, eight at a time while all are plain.
		for i+8 <= n && strSafe[b[i]] && strSafe[b[i+1]] && strSafe[b[i+2]] && strSafe[b[i+3]] &&
			strSafe[b[i+4]] && strSafe[b[i+5]] && strSafe[b[i+6]] && strSafe[b[i+7]] {
			i += 8
		}
		for i < n && strSafe[b[i]] {
			i++
		}
		if i >= n {
			return -1
		}
		switch b[i] {
		case '"':
			return i + 1
		case '\\':
			if i+1 >= n {
				return -1
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > n || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return -1
				}
				switch u := hex4(b[i+2:]); {
				case u >= 0xDC00 && u <= 0xDFFF: // a low surrogate first
					return errSurrogate
				case u >= 0xD800 && u <= 0xDBFF: // a high one: a low one must follow
					if i+12 > n || b[i+6] != '\\' || b[i+7] != 'u' || !isHex(b[i+8]) || !isHex(b[i+9]) || !isHex(b[i+10]) || !isHex(b[i+11]) {
						return errSurrogate
					}
					if l := hex4(b[i+8:]); l < 0xDC00 || l > 0xDFFF {
						return errSurrogate
					}
					i += 6
				}
				i += 6
			default:
				return -1
			}
		default: // a control character
			return -1
		}
	}
	return -1
}

// errSurrogate is scanString's fault for an unpaired surrogate escape.
const errSurrogate = -2

func stringFault(i int) jsonFault {
	if i == errSurrogate {
		return jsonSurrogate
	}
	return jsonSyntax
}

// hex4 is the value of the four hex digits at the start of b.
func hex4(b []byte) int {
	v := 0
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | int(c-'a'+10)
		default:
			v = v<<4 | int(c-'A'+10)
		}
	}
	return v
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// scanNumber returns the index after the number starting at i, or -1:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// outOfRange reports whether JSON number num is beyond a double's range
// (DuckDB makes it Infinity, which json_serialize then writes as a text
// that is not JSON). Only a number with an exponent or of more than 300
// digits can be; others cost one look at each byte.
func outOfRange(num []byte) bool {
	if len(num) <= 300 && bytes.IndexAny(num, "eE") < 0 {
		return false
	}
	_, err := strconv.ParseFloat(string(num), 64)
	return err != nil
}

func scanNumber(b []byte, i int) int {
	n := len(b)
	if b[i] == '-' {
		i++
	}
	switch {
	case i < n && b[i] == '0':
		i++
	case i < n && b[i] >= '1' && b[i] <= '9':
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return -1
	}
	if i < n && b[i] == '.' {
		i++
		if i >= n || b[i] < '0' || b[i] > '9' {
			return -1
		}
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < n && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < n && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= n || b[i] < '0' || b[i] > '9' {
			return -1
		}
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	return i
}

package warehouse

// validJSON: the check a record passes before json_parse sees it.

// maxJSONDepth is how deeply arrays and objects may nest: encoding/json's
// limit, so validJSON accepts exactly what json.Valid accepts.
const maxJSONDepth = 10000

// strSafe marks the bytes a JSON string holds without a second look: not
// '"', not '\\', not a control character.
var strSafe = func() (t [256]bool) {
	for i := 0x20; i < 256; i++ {
		t[i] = i != '"' && i != '\\'
	}
	return t
}()

// validJSON reports whether b is one JSON value (RFC 8259), with
// whitespace around it: what encoding/json.Valid reports (FuzzValidJSON
// compares them), at several times its speed, which matters because every
// record a view parses with json_parse passes through it. Like json.Valid
// it does not check UTF-8; the caller does.
func validJSON(b []byte) bool {
	// stack holds the open containers, '{' or '['; the top one decides
	// what may follow a value.
	var stackBuf [64]byte
	stack := stackBuf[:0]
	i, n := 0, len(b)
	skipWS := func() {
		for i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
			i++
		}
	}
value:
	skipWS()
	if i >= n {
		return false
	}
	switch c := b[i]; {
	case c == '{':
		if len(stack) >= maxJSONDepth {
			return false
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
			return false
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
			return false
		}
	case c == '-' || (c >= '0' && c <= '9'):
		if i = scanNumber(b, i); i < 0 {
			return false
		}
	case c == 't':
		if n-i < 4 || string(b[i:i+4]) != "true" {
			return false
		}
		i += 4
	case c == 'f':
		if n-i < 5 || string(b[i:i+5]) != "false" {
			return false
		}
		i += 5
	case c == 'n':
		if n-i < 4 || string(b[i:i+4]) != "null" {
			return false
		}
		i += 4
	default:
		return false
	}
after: // a value ended: close containers, or go on to the next element
	skipWS()
	if len(stack) == 0 {
		return i == n
	}
	if i >= n {
		return false
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
	return false
key: // an object member: "name" : value
	skipWS()
	if i >= n || b[i] != '"' {
		return false
	}
	if i = scanString(b, i+1); i < 0 {
		return false
	}
	skipWS()
	if i >= n || b[i] != ':' {
		return false
	}
	i++
	goto value
}

// scanString returns the index after the string whose first content byte
// is at i (just after the opening quote), or -1 if it is not valid.
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

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// scanNumber returns the index after the number starting at i, or -1:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
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

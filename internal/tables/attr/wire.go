package attr

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ValueError is a value DynamoDB refuses; Msg is DynamoDB's text, sent as
// a ValidationException.
type ValueError struct{ Msg string }

func (e *ValueError) Error() string { return e.Msg }

// SerializationError is a value whose JSON has the wrong shape (a number
// where a string belongs, an unknown type name); DynamoDB answers these
// with a SerializationException.
type SerializationError struct{ Msg string }

func (e *SerializationError) Error() string { return e.Msg }

func invalid(format string, a ...any) error {
	return &ValueError{Msg: "One or more parameter values were invalid: " + fmt.Sprintf(format, a...)}
}

// MarshalJSON writes v in DynamoDB's wire form, e.g. {"N":"1.5"}.
func (v Value) MarshalJSON() ([]byte, error) {
	return v.AppendJSON(nil), nil
}

// AppendJSON appends v's wire form to b.
func (v Value) AppendJSON(b []byte) []byte {
	switch v.T {
	case S:
		b = append(b, `{"S":`...)
		b = appendString(b, v.S)
	case N:
		b = append(b, `{"N":`...)
		b = appendString(b, v.S)
	case B:
		b = append(b, `{"B":"`...)
		b = base64.StdEncoding.AppendEncode(b, v.B)
		b = append(b, '"')
	case BOOL:
		b = append(b, `{"BOOL":`...)
		b = strconv.AppendBool(b, v.Bool)
	case NULL:
		b = append(b, `{"NULL":true`...)
	case M:
		b = append(b, `{"M":`...)
		b = appendMap(b, v.M)
	case L:
		b = append(b, `{"L":[`...)
		for i, e := range v.L {
			if i > 0 {
				b = append(b, ',')
			}
			b = e.AppendJSON(b)
		}
		b = append(b, ']')
	case SS, NS:
		b = append(b, `{"`...)
		b = append(b, v.T.String()...)
		b = append(b, `":[`...)
		for i, s := range v.Strs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s)
		}
		b = append(b, ']')
	case BS:
		b = append(b, `{"BS":[`...)
		for i, e := range v.Bins {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, e)
			b = append(b, '"')
		}
		b = append(b, ']')
	default:
		return append(b, "null"...)
	}
	return append(b, '}')
}

// appendMap writes an attribute map as a JSON object, keys sorted so that
// output is deterministic.
func appendMap(b []byte, m map[string]Value) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = m[k].AppendJSON(b)
	}
	return append(b, '}')
}

// MarshalJSON writes the item as a JSON object of wire-form values.
func (it Item) MarshalJSON() ([]byte, error) {
	if it == nil {
		return []byte("null"), nil
	}
	return appendMap(nil, it), nil
}

// AppendJSON appends the item's wire form to b.
func (it Item) AppendJSON(b []byte) []byte { return appendMap(b, it) }

func appendString(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			plain = false
			break
		}
	}
	if plain {
		// Nothing to escape: what json.Marshal would write.
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, _ := json.Marshal(s) // never fails for a string
	// json.Marshal escapes <, > and & for HTML; DynamoDB does not, but both are valid JSON.
	return append(b, q...)
}

// noDuplicates refuses a set whose canonical members repeat; the message
// lists the members as given, as DynamoDB's does.
func noDuplicates(canon, given []string) error {
	seen := make(map[string]bool, len(canon))
	for _, s := range canon {
		if seen[s] {
			return invalid("Input collection [%s] contains duplicates.", strings.Join(given, ", "))
		}
		seen[s] = true
	}
	return nil
}

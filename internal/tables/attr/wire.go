package attr

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
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
	q, _ := json.Marshal(s) // never fails for a string
	// json.Marshal escapes <, > and & for HTML; DynamoDB does not, but both are valid JSON.
	return append(b, q...)
}

// UnmarshalJSON reads v from DynamoDB's wire form and checks it as
// DynamoDB checks each value.
func (v *Value) UnmarshalJSON(data []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return &SerializationError{Msg: "Unexpected value type in payload"}
	}
	// A member set to JSON null counts as not set, as in the AWS SDKs.
	set := 0
	var name string
	var raw json.RawMessage
	for k, r := range fields {
		if bytes.Equal(bytes.TrimSpace(r), []byte("null")) {
			continue
		}
		set++
		name, raw = k, r
	}
	switch {
	case set == 0:
		return &ValueError{Msg: "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"}
	case set > 1:
		return &ValueError{Msg: "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"}
	}
	t := ParseType(name)
	if t == Invalid {
		return &SerializationError{Msg: "Unexpected field type"}
	}
	out := Value{T: t}
	switch t {
	case S:
		if err := json.Unmarshal(raw, &out.S); err != nil {
			return &SerializationError{Msg: "Unexpected value type in payload"}
		}
	case N:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return &SerializationError{Msg: "Unexpected value type in payload"}
		}
		c, err := ParseNumber(s)
		if err != nil {
			return &ValueError{Msg: err.Error()}
		}
		out.S = c
	case B:
		b, err := decodeBinary(raw)
		if err != nil {
			return err
		}
		out.B = b
	case BOOL:
		if err := json.Unmarshal(raw, &out.Bool); err != nil {
			return &SerializationError{Msg: "Unexpected value type in payload"}
		}
	case NULL:
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return &SerializationError{Msg: "Unexpected value type in payload"}
		}
		if !b {
			return invalid("Null attribute value types must have the value of true")
		}
		out.Bool = true
	case M:
		if err := json.Unmarshal(raw, &out.M); err != nil {
			return unwrap(err)
		}
		if out.M == nil {
			out.M = map[string]Value{}
		}
	case L:
		if err := json.Unmarshal(raw, &out.L); err != nil {
			return unwrap(err)
		}
		if out.L == nil {
			out.L = []Value{}
		}
	case SS:
		if err := json.Unmarshal(raw, &out.Strs); err != nil {
			return &SerializationError{Msg: "Unexpected value type in payload"}
		}
		if len(out.Strs) == 0 {
			return invalid("An string set  may not be empty")
		}
		if err := noDuplicates(out.Strs, out.Strs); err != nil {
			return err
		}
	case NS:
		var raws []string
		if err := json.Unmarshal(raw, &raws); err != nil {
			return &SerializationError{Msg: "Unexpected value type in payload"}
		}
		if len(raws) == 0 {
			return invalid("An number set  may not be empty")
		}
		out.Strs = make([]string, len(raws))
		for i, s := range raws {
			c, err := ParseNumber(s)
			if err != nil {
				return &ValueError{Msg: err.Error()}
			}
			out.Strs[i] = c
		}
		if err := noDuplicates(out.Strs, raws); err != nil {
			return err
		}
	case BS:
		var raws []json.RawMessage
		if err := json.Unmarshal(raw, &raws); err != nil {
			return &SerializationError{Msg: "Unexpected value type in payload"}
		}
		if len(raws) == 0 {
			return invalid("Binary sets should not be empty")
		}
		out.Bins = make([][]byte, len(raws))
		seen := make(map[string]bool, len(raws))
		for i, r := range raws {
			b, err := decodeBinary(r)
			if err != nil {
				return err
			}
			if seen[string(b)] {
				return invalid("Input collection contains duplicates.")
			}
			seen[string(b)] = true
			out.Bins[i] = b
		}
	}
	*v = out
	return nil
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

func decodeBinary(raw json.RawMessage) ([]byte, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, &SerializationError{Msg: "Unexpected value type in payload"}
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, &SerializationError{Msg: "Base64 encoded length is expected a multiple of 4 bytes but found: " + strconv.Itoa(len(s))}
	}
	return b, nil
}

// unwrap returns the first attr error inside a json error chain, so a bad
// value nested in a map or list reports DynamoDB's text.
func unwrap(err error) error {
	switch e := err.(type) {
	case *ValueError, *SerializationError:
		return e
	}
	return &SerializationError{Msg: "Unexpected value type in payload"}
}

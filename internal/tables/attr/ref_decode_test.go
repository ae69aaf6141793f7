package attr

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
)

// refValue decodes with the level-by-level decoder UnmarshalJSON had before
// the one-pass one: each level unmarshals its object into raw members with
// encoding/json and then each member again. FuzzUnmarshal holds the two to
// the same values and the same errors.
type refValue struct{ v Value }

// UnmarshalJSON is the reference decoder.
func (v *refValue) UnmarshalJSON(data []byte) error {
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
		b, err := refDecodeBinary(raw)
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
		var m map[string]refValue
		if err := json.Unmarshal(raw, &m); err != nil {
			return refUnwrap(err)
		}
		out.M = map[string]Value{}
		for k, e := range m {
			out.M[k] = e.v
		}
	case L:
		var l []refValue
		if err := json.Unmarshal(raw, &l); err != nil {
			return refUnwrap(err)
		}
		out.L = []Value{}
		for _, e := range l {
			out.L = append(out.L, e.v)
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
			b, err := refDecodeBinary(r)
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
	v.v = out
	return nil
}

func refDecodeBinary(raw json.RawMessage) ([]byte, error) {
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
func refUnwrap(err error) error {
	switch e := err.(type) {
	case *ValueError, *SerializationError:
		return e
	}
	return &SerializationError{Msg: "Unexpected value type in payload"}
}

package awsjson

import (
	"errors"
	"testing"
)

// testShape has one member of every type and constraint.
var testShape = &Shape{Type: Structure, Members: []Member{
	{Name: "Name", Required: true, Shape: &Shape{Type: String, Pattern: `[a-z]+`, MinLen: Int(1), MaxLen: Int(5)}},
	{Name: "Count", Shape: &Shape{Type: Integer, Min: Int(1), Max: Int(10)}},
	{Name: "Kind", Shape: &Shape{Type: String, Enum: []string{"A", "B"}}},
	{Name: "Data", Shape: &Shape{Type: Blob, MaxLen: Int(4)}},
	{Name: "At", Shape: &Shape{Type: Timestamp}},
	{Name: "On", Shape: &Shape{Type: Boolean}},
	{Name: "Keys", Shape: &Shape{Type: List, MinLen: Int(1), Elem: &Shape{Type: String, MinLen: Int(1), MaxLen: Int(3)}}},
	{Name: "Tags", Shape: &Shape{Type: Map, MaxLen: Int(2), Key: &Shape{Type: String, MinLen: Int(1)}, Elem: &Shape{Type: String, MaxLen: Int(2)}}},
	{Name: "Items", Shape: &Shape{Type: List, Elem: &Shape{Type: Structure, Members: []Member{
		{Name: "Key", Required: true, Shape: &Shape{Type: String, MinLen: Int(1)}},
	}}}},
	{Name: "ARN", Shape: &Shape{Type: String}},
	{Name: "Alt", RequiredWithout: "ARN", Shape: &Shape{Type: String}},
}}

// TestCheck: violations in member order with AWS's texts (the forms AWS
// uses, as in the Kinesis conformance tests).
func TestCheck(t *testing.T) {
	cases := []struct{ body, want string }{
		{`{"Name":"ab","Alt":"x"}`, ""},
		{`{"Name":"ab","ARN":"x"}`, ""},
		{`{}`, "ValidationException: 2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'alt' failed to satisfy constraint: Member must not be null"},
		{`{"Name":"ABCDEF","Count":0,"Kind":"C","Data":"AAAAAAAA","Keys":[],"Tags":{"a":"xyz","b":"","c":""},"Items":[{}],"Alt":"x"}`,
			"ValidationException: 9 validation errors detected: " +
				"Value 'ABCDEF' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+; " +
				"Value 'ABCDEF' at 'name' failed to satisfy constraint: Member must have length less than or equal to 5; " +
				"Value '0' at 'count' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
				"Value 'C' at 'kind' failed to satisfy constraint: Member must satisfy enum value set: [A, B]; " +
				"Value 'java.nio.HeapByteBuffer[pos=0 lim=6 cap=6]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 4; " +
				"Value '[]' at 'keys' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				"Value '{a=xyz, b=, c=}' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 2; " +
				"Value '{a=xyz, b=, c=}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 2]; " +
				"Value null at 'items.1.member.key' failed to satisfy constraint: Member must not be null"},
		{`{"Name":"a","On":"yes","Alt":"x"}`, "SerializationException: 'YES' can not be converted to an Boolean"},
		{`{"Name":"a","On":1,"Alt":"x"}`, "SerializationException: class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Boolean"},
		{`{"Name":"a","At":true,"Alt":"x"}`, "SerializationException: Unexpected field type"},
		{`{"Name":"a","Items":[[]],"Alt":"x"}`, "SerializationException: Start of list found where not expected"},
		{`[]`, "SerializationException: "},
	}
	for _, c := range cases {
		err := Check(testShape, []byte(c.body))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.body, got, c.want)
		}
	}
}

// FuzzCheck: any body is accepted or refused with an *Error, never a panic.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(`{"Name":"ab","Count":3,"Data":"AAA=","Keys":["a"],"Tags":{"k":"v"},"Items":[{"Key":"x"}],"Alt":"x","At":1.5,"On":true}`))
	f.Add([]byte(`{"Count":1e400,"Data":"A","Keys":"x","Tags":[],"Items":[1]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		err := Check(testShape, body)
		var ae *Error
		if err != nil && !errors.As(err, &ae) {
			t.Fatalf("%q: %v", body, err)
		}
	})
}

// TestCheckMapValues: a Map's values that are lists are held to the list's
// length bounds, and those that are structures are validated member by
// member under "map.key.member." (DynamoDB's BatchWriteItem and
// BatchGetItem; the texts as dynalite records DynamoDB's).
func TestCheckMapValues(t *testing.T) {
	shape := &Shape{Type: Structure, Members: []Member{
		{Name: "Writes", Shape: &Shape{Type: Map, Elem: &Shape{Type: List, MinLen: Int(1), MaxLen: Int(2), Elem: &Shape{Type: String}}}},
		{Name: "Gets", Shape: &Shape{Type: Map, Elem: &Shape{Type: Structure, Members: []Member{
			{Name: "Keys", Required: true, Shape: &Shape{Type: List, MinLen: Int(1), Elem: &Shape{Type: Integer}}},
		}}}},
	}}
	cases := []struct{ body, want string }{
		{`{"Writes":{"t":["a"]},"Gets":{"t":{"Keys":[1]}}}`, ""},
		{`{"Writes":{"t":[]}}`, "ValidationException: 1 validation error detected: Value '{t=[]}' at 'writes' failed to satisfy constraint: " +
			"Map value must satisfy constraint: [Member must have length less than or equal to 2, Member must have length greater than or equal to 1]"},
		{`{"Gets":{"b":{},"a":{"Keys":[]}}}`, "ValidationException: 2 validation errors detected: " +
			"Value '[]' at 'gets.a.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
			"Value null at 'gets.b.member.keys' failed to satisfy constraint: Member must not be null"},
	}
	for _, c := range cases {
		err := Check(shape, []byte(c.body))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.body, got, c.want)
		}
	}
}

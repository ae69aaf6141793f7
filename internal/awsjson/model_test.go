package awsjson

import (
	"encoding/json"
	"errors"
	"testing"
)

// testModel is a botocore-form model: members out of alphabetical order,
// a recursive shape, an opaque one and constraints of each kind.
const testModel = `{
 "operations": {"Put": {"input": {"shape": "PutInput"}}, "Nothing": {}},
 "shapes": {
  "PutInput": {"type": "structure", "required": ["Name", "Count"], "members": {
    "Name": {"shape": "Name"}, "Count": {"shape": "Count"}, "Tree": {"shape": "Tree"}, "Item": {"shape": "Value"},
    "Flag": {"shape": "Flag"}, "Data": {"shape": "Data"}}},
  "Name": {"type": "string", "min": 3, "max": 5, "pattern": "[a-z]+"},
  "Count": {"type": "integer", "min": 1, "max": 10},
  "Tree": {"type": "structure", "members": {"Kind": {"shape": "Kind"}, "Children": {"shape": "Trees"}}},
  "Trees": {"type": "list", "member": {"shape": "Tree"}},
  "Kind": {"type": "string", "enum": ["A", "B"]},
  "Value": {"type": "structure", "members": {"S": {"shape": "Name"}}},
  "Flag": {"type": "boolean"},
  "Data": {"type": "blob"}
 }
}`

func errText(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Type + ": " + e.Message
	}
	return ""
}

// TestShapesFromModel: shapes built from a model validate in the model's
// member order with AWS's texts, share recursive shapes, skip opaque ones,
// and with TypesOnly only type-check.
func TestShapesFromModel(t *testing.T) {
	shapes, err := ShapesFromModel([]byte(testModel), ModelOptions{Opaque: []string{"Value"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(shapes) != 1 {
		t.Fatalf("%d shapes, want the one operation with an input", len(shapes))
	}
	put := shapes["Put"]
	for _, c := range []struct{ body, want string }{
		{`{}`, "ValidationException: 2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'count' failed to satisfy constraint: Member must not be null"},
		{`{"Name":"ab","Count":11}`, "ValidationException: 2 validation errors detected: " +
			"Value 'ab' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
			"Value '11' at 'count' failed to satisfy constraint: Member must have value less than or equal to 10"},
		{`{"Name":"abc","Count":1,"Tree":{"Children":[{"Kind":"C"}]}}`, "ValidationException: 1 validation error detected: " +
			"Value 'C' at 'tree.children.1.member.kind' failed to satisfy constraint: Member must satisfy enum value set: [A, B]"},
		{`{"Name":"abc","Count":1,"Item":{"S":1,"X":[]}}`, ""}, // opaque: its own decoder checks it
		{`{"Name":"abc","Count":"1"}`, "SerializationException: class java.lang.String can not be converted to an Integer"},
	} {
		if got := errText(Check(put, []byte(c.body))); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.body, got, c.want)
		}
	}
	typesOnly, err := ShapesFromModel([]byte(testModel), ModelOptions{TypesOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(typesOnly["Put"], []byte(`{"Name":"toolongname"}`)); err != nil {
		t.Errorf("types only: %v", err)
	}
	if _, err := ShapesFromModel([]byte(`{"operations":{"X":{"input":{"shape":"Missing"}}},"shapes":{}}`), ModelOptions{}); err == nil {
		t.Error("a model naming an undefined shape was accepted")
	}
}

// TestJavaNumbers: DynamoDB's front end names a misplaced number by the
// Java class it fits (dynalite's tests record these texts from DynamoDB).
func TestJavaNumbers(t *testing.T) {
	shapes, err := ShapesFromModel([]byte(testModel), ModelOptions{TypesOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	put := shapes["Put"]
	for _, c := range []struct{ body, want string }{
		{`{"Name":23}`, "SerializationException: class java.lang.Short can not be converted to an String"},
		{`{"Name":-2147483648}`, "SerializationException: class java.lang.Integer can not be converted to an String"},
		{`{"Name":2147483648}`, "SerializationException: class java.lang.Long can not be converted to an String"},
		{`{"Name":34.56}`, "SerializationException: class java.lang.Double can not be converted to an String"},
		{`{"Flag":23}`, "SerializationException: class java.lang.Short can not be converted to an Boolean"},
		{`{"Flag":34.56}`, ""}, // "For some reason, doubles are fine" (dynalite)
		{`{"Data":2147483648}`, "SerializationException: class java.lang.Long can not be converted to a Blob"},
	} {
		_, err := typeCheck(put, []byte(c.body), true)
		if got := errText(err); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.body, got, c.want)
		}
	}
	var n json.Number = "23"
	if javaNumberClass(n) != "class java.lang.Short" {
		t.Error(javaNumberClass(n))
	}
}

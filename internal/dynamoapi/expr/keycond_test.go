package expr

import (
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

func TestKeyCondition(t *testing.T) {
	vals := map[string]attr.Value{":h": s("u1"), ":a": n("10"), ":b": n("20"), ":p": s("ab")}
	cases := []struct {
		expr    string
		hash    string
		rangeOp string
		match   attr.Item
		want    bool
	}{
		{"pk = :h", "u1", "", attr.Item{"pk": s("u1"), "sk": n("1")}, true},
		{"pk = :h AND sk = :a", "u1", "EQ", attr.Item{"pk": s("u1"), "sk": n("10")}, true},
		{":h = pk AND :a < sk", "u1", "GT", attr.Item{"pk": s("u1"), "sk": n("11")}, true},
		{"sk <= :a AND pk = :h", "u1", "LE", attr.Item{"pk": s("u1"), "sk": n("10.5")}, false},
		{"pk = :h AND sk BETWEEN :a AND :b", "u1", "BETWEEN", attr.Item{"pk": s("u1"), "sk": n("20")}, true},
		{"(pk = :h) AND (begins_with(sk, :p))", "u1", "BEGINS_WITH", attr.Item{"pk": s("u1"), "sk": s("abc")}, true},
		{"pk = :h AND sk > :a", "u1", "GT", attr.Item{"pk": s("u2"), "sk": n("11")}, false},
	}
	for _, c := range cases {
		k, err := ParseKeyCondition(c.expr, &Params{Values: vals})
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if err := k.Check("pk", "sk"); err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		op := ""
		if k.Range != nil {
			op = k.Range.Op
		}
		if k.HashValue.S != c.hash || op != c.rangeOp || k.Match(c.match) != c.want {
			t.Errorf("%s: hash %v range %q match %v", c.expr, k.HashValue, op, k.Match(c.match))
		}
	}
}

// Texts from dynalite's query validation (architect/dynalite
// validations/index.js) and moto's tests quoting DynamoDB.
func TestKeyConditionErrors(t *testing.T) {
	vals := map[string]attr.Value{":h": s("u1"), ":a": n("10"), ":b": n("20"), ":t": s("S")}
	cases := []struct{ expr, want string }{
		{"pk = :h OR sk = :a", "Invalid operator used in KeyConditionExpression: OR"},
		{"NOT pk = :h", "Invalid operator used in KeyConditionExpression: NOT"},
		{"pk IN (:h)", "Invalid operator used in KeyConditionExpression: IN"},
		{"pk <> :h", "Invalid operator used in KeyConditionExpression: <>"},
		{"attribute_type(pk, :t)", "Invalid operator used in KeyConditionExpression: attribute_type"},
		{"size(pk) = :a", "KeyConditionExpressions cannot contain nested operations"},
		{"pk.x = :h", "KeyConditionExpressions cannot have conditions on nested attributes"},
		{"pk = sk", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{":h = :a", "Invalid condition in KeyConditionExpression: No key attribute specified"},
		{"pk = :h AND pk = :h", "KeyConditionExpressions must only contain one condition per key"},
		{"sk = :a", "Query condition missed key schema element: pk"},
		{"pk > :h", "Query key condition not supported"},
		{"pk = :h AND extra = :a", "Query condition missed key schema element: sk"},
		{"pk = :h AND sk BETWEEN :b AND :a", "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:20}, upper bound operand: AttributeValue: {N:10}"},
		{"pk =", `Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "="`},
	}
	for _, c := range cases {
		k, err := ParseKeyCondition(c.expr, &Params{Values: vals})
		if err == nil {
			err = k.Check("pk", "sk")
		}
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: got %v\nwant %s", c.expr, err, c.want)
		}
	}
	k, _ := ParseKeyCondition("pk = :a", &Params{Values: vals})
	_ = k.Check("pk", "")
	if err := k.CheckTypes(attr.S, attr.Invalid); err == nil || err.Error() != "One or more parameter values were invalid: Condition parameter type does not match schema type" {
		t.Errorf("types: %v", err)
	}
}

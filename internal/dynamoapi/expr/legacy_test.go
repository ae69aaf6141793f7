package expr

import (
	"encoding/json"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

func decodeLegacy(t *testing.T, js string) map[string]LegacyCondition {
	t.Helper()
	var m map[string]LegacyCondition
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Semantics from "Condition" and "ExpectedAttributeValue" in the DynamoDB
// API reference; messages from dynalite's validations (validations/index.js).
func TestLegacyExpectedAndFilter(t *testing.T) {
	it := testItem()
	cases := []struct {
		js   string
		op   string
		want bool
	}{
		{`{"Price":{"Value":{"N":"500"}}}`, "", true},
		{`{"Price":{"Value":{"N":"500"},"Exists":true}}`, "", true},
		{`{"Absent":{"Exists":false}}`, "", true},
		{`{"Price":{"Exists":false}}`, "", false},
		{`{"Price":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"100"}]},"Title":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"S":"Bic"}]}}`, "AND", true},
		{`{"Price":{"ComparisonOperator":"LT","AttributeValueList":[{"N":"100"}]},"Title":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"S":"Bic"}]}}`, "OR", true},
		{`{"Price":{"ComparisonOperator":"LT","AttributeValueList":[{"N":"100"}]},"Title":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"S":"Bic"}]}}`, "AND", false},
		{`{"Color":{"ComparisonOperator":"CONTAINS","AttributeValueList":[{"S":"Red"}]}}`, "", true},
		{`{"Color":{"ComparisonOperator":"NOT_CONTAINS","AttributeValueList":[{"S":"Red"}]}}`, "", false},
		{`{"Price":{"ComparisonOperator":"IN","AttributeValueList":[{"N":"1"},{"N":"500"}]}}`, "", true},
		{`{"Price":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"N":"500"}]}}`, "", true},
		{`{"Price":{"ComparisonOperator":"NE","AttributeValueList":[{"S":"500"}]}}`, "", true},
		{`{"Absent":{"ComparisonOperator":"NULL"}}`, "", true},
		{`{"Price":{"ComparisonOperator":"NOT_NULL"}}`, "", true},
		{`{"Color":{"ComparisonOperator":"EQ","AttributeValueList":[{"SS":["Black","Red"]}]}}`, "", true},
	}
	for _, c := range cases {
		cond, err := ConvertExpected(decodeLegacy(t, c.js), c.op)
		if err != nil {
			t.Errorf("%s: %v", c.js, err)
			continue
		}
		if got, _ := cond.Eval(it); got != c.want {
			t.Errorf("%s %s: got %v (%s)", c.js, c.op, got, cond.Format())
		}
	}
	errs := []struct{ js, want string }{
		{`{"a":{"ComparisonOperator":"EQ"}}`, "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a"},
		{`{"a":{"ComparisonOperator":"EQ","Exists":true,"Value":{"N":"1"}}}`, "One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for Attribute: a"},
		{`{"a":{"Value":{"N":"1"},"AttributeValueList":[]}}`, "One or more parameter values were invalid: Value and AttributeValueList cannot be used together for Attribute: a"},
		{`{"a":{"Exists":true}}`, "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: a"},
		{`{"a":{}}`, "One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a"},
		{`{"a":{"Exists":false,"Value":{"N":"1"}}}`, "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a"},
		{`{"a":{"AttributeValueList":[{"N":"1"}]}}`, "One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: a"},
		{`{"a":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"}]}}`, "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator"},
		{`{"a":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"S":"x"}]}}`, "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"},
		{`{"a":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"2"},{"N":"1"}]}}`, "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"},
		{`{"a":{"ComparisonOperator":"LT","AttributeValueList":[{"SS":["x"]}]}}`, "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS AttributeValue type"},
	}
	for _, c := range errs {
		_, err := ConvertExpected(decodeLegacy(t, c.js), "")
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v\nwant %s", c.js, err, c.want)
		}
	}
	if _, err := ConvertFilter(decodeLegacy(t, `{"a":{"ComparisonOperator":"NULL","AttributeValueList":[{"N":"1"}]}}`), ""); err == nil ||
		err.Error() != "One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator" {
		t.Errorf("filter: %v", err)
	}
}

func TestLegacyKeyConditions(t *testing.T) {
	k, err := ConvertKeyConditions(decodeLegacy(t, `{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"u1"}]},"sk":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"N":"5"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Check("pk", "sk"); err != nil || k.Range.Op != "BETWEEN" || !k.Match(attr.Item{"pk": s("u1"), "sk": n("3")}) {
		t.Errorf("check %v range %+v", err, k.Range)
	}
	_, err = ConvertKeyConditions(decodeLegacy(t, `{"pk":{"ComparisonOperator":"NE","AttributeValueList":[{"S":"u1"}]}}`))
	if err == nil || err.Error() != "Attempted conditional constraint is not an indexable operation" {
		t.Errorf("NE: %v", err)
	}
}

func TestLegacyAttributeUpdates(t *testing.T) {
	var ups map[string]AttributeUpdate
	js := `{"Price":{"Value":{"N":"60"}},"Qty":{"Action":"ADD","Value":{"N":"2"}},"Brand":{"Action":"DELETE"},
		"Color":{"Action":"DELETE","Value":{"SS":["Red"]}},"RelatedItems":{"Action":"ADD","Value":{"L":[{"N":"1"}]}},"New":{"Action":"ADD","Value":{"L":[{"N":"1"}]}}}`
	if err := json.Unmarshal([]byte(js), &ups); err != nil {
		t.Fatal(err)
	}
	u, err := ConvertAttributeUpdates(ups)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := u.Apply(testItem())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["Brand"]; ok || got["Price"].S != "60" || got["Qty"].S != "2" || len(got["Color"].Strs) != 1 || len(got["RelatedItems"].L) != 4 || len(got["New"].L) != 1 {
		t.Errorf("got %s", mustJSON(t, got))
	}
	for js, want := range map[string]string{
		`{"a":{"Action":"PUT"}}`:                      "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified",
		`{"a":{"Action":"ADD","Value":{"S":"x"}}}`:    "One or more parameter values were invalid: ADD action is not supported for the type S",
		`{"a":{"Action":"DELETE","Value":{"N":"1"}}}`: "One or more parameter values were invalid: DELETE action with value is not supported for the type N",
	} {
		var ups map[string]AttributeUpdate
		_ = json.Unmarshal([]byte(js), &ups)
		if _, err := ConvertAttributeUpdates(ups); err == nil || err.Error() != want {
			t.Errorf("%s: %v", js, err)
		}
	}
}

// Texts from dynalite's validateExpressionParams.
func TestCheckParams(t *testing.T) {
	err := CheckParams([]Param{{"ProjectionExpression", true}}, []Param{{"AttributesToGet", true}}, false, false)
	if err == nil || err.Error() != "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}" {
		t.Errorf("mixed: %v", err)
	}
	// KeyConditions goes with FilterExpression.
	if err := CheckParams([]Param{{"FilterExpression", true}, {"ProjectionExpression", false}, {"KeyConditionExpression", false}}, []Param{{"KeyConditions", true}}, false, true); err != nil {
		t.Errorf("KeyConditions with FilterExpression: %v", err)
	}
	err = CheckParams([]Param{{"UpdateExpression", false}, {"ConditionExpression", false}}, nil, true, false)
	if err == nil || err.Error() != "ExpressionAttributeNames can only be specified when using expressions" {
		t.Errorf("names: %v", err)
	}
	err = CheckParams([]Param{{"UpdateExpression", false}, {"ConditionExpression", false}}, nil, false, true)
	if err == nil || err.Error() != "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null" {
		t.Errorf("values: %v", err)
	}
	if _, err := ConvertAttributesToGet([]string{"a", "b", "a"}); err == nil || err.Error() != "One or more parameter values were invalid: Duplicate value in attribute name: a" {
		t.Errorf("duplicate: %v", err)
	}
}

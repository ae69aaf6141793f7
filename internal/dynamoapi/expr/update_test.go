package expr

import (
	"encoding/json"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

func mustJSON(t *testing.T, it attr.Item) string {
	t.Helper()
	b, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func item(t *testing.T, js string) attr.Item {
	t.Helper()
	var it attr.Item
	if err := json.Unmarshal([]byte(js), &it); err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return it
}

// The cases follow the examples of "Using update expressions in DynamoDB"
// in the DynamoDB developer guide (the ProductCatalog item 789), with the
// results the guide shows.
func TestUpdateApply(t *testing.T) {
	base := `{"Id":{"N":"789"},"ProductCategory":{"S":"Home Improvement"},"Price":{"N":"52"},"InStock":{"BOOL":true},
		"Brand":{"S":"Acme"},"RelatedItems":{"L":[{"S":"Hammer"},{"S":"Nails"},{"S":"Screwdriver"}]},
		"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"}]}}},"Color":{"SS":["Red","Green"]},"Qty":{"N":"3"}}`
	vals := map[string]attr.Value{
		":c": s("Hardware"), ":p": n("60"), ":ri": s("Hacksaw"), ":r5": s("Very happy with my purchase"),
		":r3": attr.List(s("Just OK - not that great")), ":d": n("15"), ":vals": attr.List(s("Chisel")),
		":q": n("5"), ":cs": {T: attr.SS, Strs: []string{"Orange", "Purple", "Red"}}, ":cd": {T: attr.SS, Strs: []string{"Red", "Green"}},
		":ns": {T: attr.NS, Strs: []string{"1", "2"}}, ":big": n("1e125"), ":tiny": n("0.1"),
	}
	names := map[string]string{"#pr": "ProductReviews", "#ri": "RelatedItems"}
	cases := []struct{ expr, want string }{
		{"SET ProductCategory = :c, Price = :p", `"Price":{"N":"60"}`},
		{"SET RelatedItems[1] = :ri", `"RelatedItems":{"L":[{"S":"Hammer"},{"S":"Hacksaw"},{"S":"Screwdriver"}]}`},
		{"SET #pr.FiveStar[1] = :r5, #pr.ThreeStar = :r3", `"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"},{"S":"Very happy with my purchase"}]},"ThreeStar":{"L":[{"S":"Just OK - not that great"}]}}}`},
		{"SET Price = Price - :d", `"Price":{"N":"37"}`},
		{"SET Price = Price + :tiny", `"Price":{"N":"52.1"}`},
		{"SET #ri = list_append(#ri, :vals)", `"RelatedItems":{"L":[{"S":"Hammer"},{"S":"Nails"},{"S":"Screwdriver"},{"S":"Chisel"}]}`},
		{"SET #ri = list_append(:vals, #ri)", `"RelatedItems":{"L":[{"S":"Chisel"},{"S":"Hammer"},{"S":"Nails"},{"S":"Screwdriver"}]}`},
		{"SET Price = if_not_exists(Price, :p)", `"Price":{"N":"52"}`},
		{"SET Discount = if_not_exists(Discount, :d)", `"Discount":{"N":"15"}`},
		{"SET RelatedItems[10] = :ri", `"RelatedItems":{"L":[{"S":"Hammer"},{"S":"Nails"},{"S":"Screwdriver"},{"S":"Hacksaw"}]}`},
		{"REMOVE Brand, InStock", `"ProductCategory":{"S":"Home Improvement"}`},
		{"REMOVE RelatedItems[1], RelatedItems[2]", `"RelatedItems":{"L":[{"S":"Hammer"}]}`},
		{"REMOVE RelatedItems[0], RelatedItems[5]", `"RelatedItems":{"L":[{"S":"Nails"},{"S":"Screwdriver"}]}`},
		{"ADD Qty :q", `"Qty":{"N":"8"}`},
		{"ADD NewQty :q", `"NewQty":{"N":"5"}`},
		{"ADD Color :cs", `"Color":{"SS":["Red","Green","Orange","Purple"]}`},
		{"ADD Nums :ns", `"Nums":{"NS":["1","2"]}`},
		{"DELETE Color :cd", `"Brand":{"S":"Acme"}`}, // the empty set removes Color
		{"DELETE Absent :cd", `"Brand":{"S":"Acme"}`},
		{"SET Price = :p REMOVE Brand ADD Qty :q", `"Qty":{"N":"8"}`},
		{"set Price = (Price - :d)", `"Price":{"N":"37"}`},
		{"SET Price = (Price) - :d", `"Price":{"N":"37"}`},
	}
	for _, c := range cases {
		p := &Params{Names: names, Values: vals}
		u, err := ParseUpdate(c.expr, p)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		old := item(t, base)
		oldJSON := mustJSON(t, old)
		got, paths, err := u.Apply(old)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if mustJSON(t, old) != oldJSON {
			t.Errorf("%s: Apply changed its input", c.expr)
		}
		js := mustJSON(t, got)
		if !contains(attr.Str(js), attr.Str(c.want)) {
			t.Errorf("%s:\n got %s\nwant it to hold %s", c.expr, js, c.want)
		}
		if len(paths) != len(u.Actions()) {
			t.Errorf("%s: %d updated paths", c.expr, len(paths))
		}
		again, err := ParseUpdate(u.Format(), &Params{Names: names, Values: vals})
		if err != nil || again.Format() != u.Format() {
			t.Errorf("%s: Format %q reparses to %v", c.expr, u.Format(), err)
		}
	}
	// Specific results.
	old := item(t, base)
	u, _ := ParseUpdate("DELETE Color :cd", &Params{Values: vals})
	got, _, _ := u.Apply(old)
	if _, ok := got["Color"]; ok {
		t.Error("DELETE of every member leaves the attribute")
	}
	u, _ = ParseUpdate("REMOVE Brand, InStock", &Params{})
	got, _, _ = u.Apply(old)
	if _, ok := got["Brand"]; ok || len(got) != len(old)-2 {
		t.Errorf("REMOVE: %v", got)
	}
	// Upsert: no item.
	u, _ = ParseUpdate("SET a = :p ADD b :q", &Params{Values: vals})
	got, _, err := u.Apply(nil)
	if err != nil || mustJSON(t, got) != `{"a":{"N":"60"},"b":{"N":"5"}}` {
		t.Errorf("upsert: %s %v", mustJSON(t, got), err)
	}
}

// Runtime errors; texts from dynalite's update tests and the DynamoDB
// developer guide ("Update expressions": arithmetic on a missing attribute
// fails, list_append needs lists).
func TestUpdateApplyErrors(t *testing.T) {
	base := `{"n":{"N":"1"},"s":{"S":"x"},"l":{"L":[]},"m":{"M":{}},"ss":{"SS":["a"]},"big":{"N":"9.9999999999999999999999999999999999999E+125"}}`
	vals := map[string]attr.Value{":n": n("1"), ":s": s("x"), ":l": attr.List(), ":ss": {T: attr.SS, Strs: []string{"a"}}, ":ns": {T: attr.NS, Strs: []string{"1"}}, ":big": n("9e125")}
	cases := []struct{ expr, want string }{
		{"SET a = absent + :n", "The provided expression refers to an attribute that does not exist in the item"},
		{"SET a = s + :n", "An operand in the update expression has an incorrect data type"},
		{"SET a = list_append(s, :l)", "An operand in the update expression has an incorrect data type"},
		{"SET a = list_append(absent, :l)", "The provided expression refers to an attribute that does not exist in the item"},
		{"SET absent.b = :n", "The document path provided in the update expression is invalid for update"},
		{"SET n.b = :n", "The document path provided in the update expression is invalid for update"},
		{"SET n[0] = :n", "The document path provided in the update expression is invalid for update"},
		{"ADD s :n", "An operand in the update expression has an incorrect data type"},
		{"ADD ss :ns", "An operand in the update expression has an incorrect data type"},
		{"DELETE s :ss", "An operand in the update expression has an incorrect data type"},
		{"SET a = big + :big", "Number overflow. Attempting to store a number with magnitude larger than supported range"},
	}
	for _, c := range cases {
		u, err := ParseUpdate(c.expr, &Params{Values: vals})
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		_, _, err = u.Apply(item(t, base))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v, want %s", c.expr, err, c.want)
		}
	}
}

// Parse errors; texts from dynalite's update grammar (architect/dynalite
// db/updateParser.pegjs) and the quotes of DynamoDB.
func TestUpdateParseErrors(t *testing.T) {
	vals := map[string]attr.Value{":n": n("1"), ":s": s("x"), ":l": attr.List(), ":ss": {T: attr.SS, Strs: []string{"a"}}}
	names := map[string]string{"#a": "a"}
	cases := []struct{ expr, want string }{
		{"", "Invalid UpdateExpression: The expression can not be empty;"},
		{"SET name = :n", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"},
		{"SET a = :n, a.b = :n", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"SET a[0] = :n REMOVE a.b", "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]"},
		{"SET a = :n SET b = :n", `Invalid UpdateExpression: The "SET" section can only be used once in an update expression;`},
		{"SET a = :x", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
		{"SET #b = :n", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #b"},
		{"SET a = foo(b)", "Invalid UpdateExpression: Invalid function name; function: foo"},
		// DynamoDB refuses update functions in conditions as misused, not
		// unknown (Alternator's test_update_condition_other_funcs); we take
		// the same to hold the other way round.
		{"SET a = size(b)", "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: size"},
		{"ADD a :s", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"},
		{"DELETE a :n", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"},
		{"SET a = :s + :n", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"},
		{"SET a = list_append(:n, b)", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: N"},
		{"SET a = if_not_exists(:n, b)", "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"},
		{"SET a = list_append(b)", "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"},
		{"SET a = b + c + d", `Invalid UpdateExpression: Syntax error; token: "+", near: "c + d"`},
		{"SET a", `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "a"`},
		{"SET path = VALUE 1", `Invalid UpdateExpression: Syntax error; token: "1", near: "VALUE 1"`}, // moto's quote of DynamoDB
		{"FOO a", `Invalid UpdateExpression: Syntax error; token: "FOO", near: "FOO a"`},
		{"REMOVE a b", `Invalid UpdateExpression: Syntax error; token: "b", near: "a b"`},
		{"ADD a b", `Invalid UpdateExpression: Syntax error; token: "b", near: "a b"`},
	}
	for _, c := range cases {
		_, err := ParseUpdate(c.expr, &Params{Names: names, Values: vals})
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: got %v\nwant %s", c.expr, err, c.want)
		}
	}
}

func TestProjection(t *testing.T) {
	it := testItem()
	p, err := ParseProjection("Title, RelatedItems[2], RelatedItems[0], #pr.FiveStar, Pictures.TopView, Absent", &Params{Names: map[string]string{"#pr": "ProductReviews"}})
	if err != nil {
		t.Fatal(err)
	}
	got := mustJSON(t, p.Apply(it))
	// A projection of list elements gathers them in index order; missing
	// paths are left out (the developer guide's "Projection expressions").
	want := `{"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Excellent! Can't recommend it highly enough! Buy it!"},{"S":"Do yourself a favor and buy this."}]}}},"RelatedItems":{"L":[{"N":"341"},{"N":"649"}]},"Title":{"S":"Bicycle 123"}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	for expr, want := range map[string]string{
		"a, a.b":    "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]",
		"a, name":   "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name",
		"a,":        `Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","`,
		"#x":        "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #x",
		"a[0], a.b": "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]",
	} {
		if _, err := ParseProjection(expr, &Params{}); err == nil || err.Error() != want {
			t.Errorf("%q: got %v\nwant %s", expr, err, want)
		}
	}
}

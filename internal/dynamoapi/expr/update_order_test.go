package expr

import (
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// List positions in one update refer to the list before it, and elements
// SET past the end are appended in index order. Expected lists from
// ScyllaDB Alternator's tests run against DynamoDB
// (test_update_expression_nested_remove_list_item_original_number,
// test_nested_attribute_update_array_out_of_bounds) and the developer
// guide ("If you add multiple elements in a single SET operation, the
// elements are sorted in order by element number").
func TestUpdateListPositions(t *testing.T) {
	nums := func(ss ...string) attr.Value {
		l := make([]attr.Value, len(ss))
		for i, x := range ss {
			l[i] = n(x)
		}
		return attr.List(l...)
	}
	vals := map[string]attr.Value{":val": n("17"), ":v1": s("a1"), ":v2": s("a2"), ":v3": s("a3"), ":v4": s("a4")}
	for _, expr := range []string{"REMOVE a[1] SET a[3] = :val", "SET a[3] = :val REMOVE a[1]"} {
		u, err := ParseUpdate(expr, &Params{Values: vals})
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := u.Apply(attr.Item{"a": nums("2", "3", "4", "5", "6", "7")})
		if err != nil || !attr.Equal(got["a"], nums("2", "4", "17", "6", "7")) {
			t.Errorf("%s: %s %v", expr, mustJSON(t, got), err)
		}
	}
	u, _ := ParseUpdate("SET a[84] = :v1, a[37] = :v2, a[17] = :v3, a[50] = :v4", &Params{Values: vals})
	got, _, _ := u.Apply(attr.Item{"a": attr.List(s("one"), s("two"), s("three"), s("hello"))})
	want := attr.List(s("one"), s("two"), s("three"), s("hello"), s("a3"), s("a2"), s("a4"), s("a1"))
	if !attr.Equal(got["a"], want) {
		t.Errorf("appends: %s", mustJSON(t, got))
	}
	// Every position is the one before the update, also for paths inside
	// list elements and for ADD.
	u, _ = ParseUpdate("REMOVE a[0], a[1].x ADD a[2].n :val", &Params{Values: vals})
	m := func(kv ...any) attr.Value {
		mm := map[string]attr.Value{}
		for i := 0; i < len(kv); i += 2 {
			mm[kv[i].(string)] = kv[i+1].(attr.Value)
		}
		return attr.Map(mm)
	}
	got, _, err := u.Apply(attr.Item{"a": attr.List(m("x", n("0")), m("x", n("1"), "y", n("1")), m("n", n("2")))})
	if err != nil || !attr.Equal(got["a"], attr.List(m("y", n("1")), m("n", n("19")))) {
		t.Errorf("positions inside elements: %s %v", mustJSON(t, got), err)
	}
	// A REMOVE past the end does nothing, even beside an append.
	u, _ = ParseUpdate("SET a[9] = :v1 REMOVE a[4]", &Params{Values: vals})
	got, _, _ = u.Apply(attr.Item{"a": attr.List(s("x"))})
	if !attr.Equal(got["a"], attr.List(s("x"), s("a1"))) {
		t.Errorf("append and remove: %s", mustJSON(t, got))
	}
}

// With no item at all, REMOVE of a nested path is silently ignored, while
// with an item lacking the parent it is an error (Alternator's
// test_nested_attribute_remove_from_missing_item and
// test_nested_attribute_update_bad_path_dot, both observed on DynamoDB).
func TestRemoveFromMissingItem(t *testing.T) {
	u, err := ParseUpdate("REMOVE x.y, z[0]", &Params{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := u.Apply(nil); err != nil || len(got) != 0 {
		t.Errorf("no item: %v %v", got, err)
	}
	if _, _, err := u.Apply(attr.Item{"p": s("k")}); err != ErrInvalidPath {
		t.Errorf("item without x: %v", err)
	}
}

func TestUpdateMoreErrors(t *testing.T) {
	vals := map[string]attr.Value{":a": attr.List(s("a")), ":b": attr.List(s("b")), ":c": attr.List(s("c")), ":v": n("1")}
	// Alternator's test_update_expression_function_nesting quotes DynamoDB.
	_, err := ParseUpdate("SET a = list_append(list_append(:a, :b), :c)", &Params{Values: vals})
	if err == nil || err.Error() != "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append" {
		t.Errorf("nested list_append: %v", err)
	}
	// The common idiom is accepted.
	if _, err := ParseUpdate("SET a = list_append(if_not_exists(a, :a), :b)", &Params{Values: vals}); err != nil {
		t.Errorf("list_append(if_not_exists()): %v", err)
	}
	// Names start with a letter (test_update_expression_unknown_function).
	_, err = ParseUpdate("SET a = _f(b)", &Params{})
	if err == nil || err.Error() != `Invalid UpdateExpression: Syntax error; token: "_", near: "= _f"` {
		t.Errorf("_f: %v", err)
	}
	// Key attributes cannot be updated (the DynamoDB API reference for
	// UpdateItem; text as DynamoDB sends it).
	u, _ := ParseUpdate("SET a = :v ADD c :v", &Params{Values: vals})
	if err := u.CheckKeys("p", "c"); err == nil || err.Error() != "One or more parameter values were invalid: Cannot update attribute c. This attribute is part of the key" {
		t.Errorf("key: %v", err)
	}
	if err := u.CheckKeys("p", ""); err != nil {
		t.Errorf("no sort key: %v", err)
	}
}

// An ordering comparison with a constant that has no order is an error,
// while an attribute of such a type just compares false (Alternator's
// test_update_condition_lt, observed on DynamoDB).
func TestOrderingOnUnorderedConstant(t *testing.T) {
	vals := map[string]attr.Value{":l": attr.List(n("1")), ":v": n("1")}
	_, err := ParseCondition("a < :l", &Params{Values: vals})
	if err == nil || err.Error() != "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: L" {
		t.Errorf("constant: %v", err)
	}
	c, err := ParseCondition("x < :v", &Params{Values: vals})
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Eval(attr.Item{"x": attr.List(n("1"))}); ok {
		t.Error("a list attribute compares true")
	}
	if _, err := ParseCondition("_hidden = :v", &Params{Values: vals}); err == nil || err.Error() != `Invalid ConditionExpression: Syntax error; token: "_", near: "_hidden"` {
		t.Errorf("_hidden: %v", err)
	}
}

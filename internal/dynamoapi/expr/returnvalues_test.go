package expr

import (
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// UPDATED_OLD and UPDATED_NEW are the old and new item projected on the
// updated paths. Expected values from ScyllaDB Alternator's
// test_update_item_returnvalues_nested, which records DynamoDB's answers:
// only the nested attribute comes back, within its hierarchy; a path that
// did not exist is left out; an element SET past the end of a list is not
// returned; after REMOVE a.c[1], UPDATED_NEW shows the element that moved
// into position 1.
func TestUpdatedOldNew(t *testing.T) {
	vals := map[string]attr.Value{":val": n("4"), ":val2": s("dog"), ":v70": n("70"), ":v8": n("8")}
	m := func(kv ...any) attr.Value {
		mm := map[string]attr.Value{}
		for i := 0; i < len(kv); i += 2 {
			mm[kv[i].(string)] = kv[i+1].(attr.Value)
		}
		return attr.Map(mm)
	}
	base := attr.Item{"p": s("k"), "a": m("b", s("hi"), "c", attr.List(n("1"), n("3"), n("3"))), "d": s("cat")}
	cases := []struct {
		expr     string
		old, new attr.Item
	}{
		{"SET a.c[1] = :val", attr.Item{"a": m("c", attr.List(n("3")))}, attr.Item{"a": m("c", attr.List(n("4")))}},
		{"SET a.c[1] = :val, a.b = :val2", attr.Item{"a": m("b", s("hi"), "c", attr.List(n("3")))}, attr.Item{"a": m("b", s("dog"), "c", attr.List(n("4")))}},
		{"REMOVE a.c[1], a.c[3]", attr.Item{"a": m("c", attr.List(n("3")))}, attr.Item{"a": m("c", attr.List(n("3")))}},
		{"SET a.x1 = :v8", attr.Item{}, attr.Item{"a": m("x1", n("8"))}},
		{"SET a.c[100] = :v70", attr.Item{}, attr.Item{}},
	}
	for _, c := range cases {
		u, err := ParseUpdate(c.expr, &Params{Values: vals})
		if err != nil {
			t.Fatal(err)
		}
		got, paths, err := u.Apply(base)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if old := Project(base, paths); !attr.EqualItems(old, c.old) {
			t.Errorf("%s: UPDATED_OLD %s, want %s", c.expr, mustJSON(t, old), mustJSON(t, c.old))
		}
		if nw := Project(got, paths); !attr.EqualItems(nw, c.new) {
			t.Errorf("%s: UPDATED_NEW %s, want %s", c.expr, mustJSON(t, nw), mustJSON(t, c.new))
		}
	}
}

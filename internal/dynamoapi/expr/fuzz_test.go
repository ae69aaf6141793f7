package expr

import (
	"reflect"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// fuzzParams are the placeholders the fuzz targets' inputs may use.
func fuzzParams() *Params {
	return &Params{
		Names: map[string]string{"#a": "a", "#b": "b", "#n": "name", "#dot": "x.y"},
		Values: map[string]attr.Value{
			":v": n("1"), ":w": n("2.5"), ":s": s("ab"), ":t": s("S"), ":l": attr.List(n("1")),
			":ss": {T: attr.SS, Strs: []string{"a", "b"}}, ":ns": {T: attr.NS, Strs: []string{"1"}},
			":m": attr.Map(map[string]attr.Value{"k": s("v")}), ":b": attr.Bin([]byte("ab")), ":t2": s("N"),
		},
	}
}

func fuzzItem() attr.Item {
	return attr.Item{
		"a": n("1"), "b": s("abc"), "c": attr.List(n("1"), s("x"), attr.Map(map[string]attr.Value{"d": n("3")})),
		"m": attr.Map(map[string]attr.Value{"k": s("v"), "l": attr.List(n("2"))}), "ss": {T: attr.SS, Strs: []string{"a"}},
		"ns": {T: attr.NS, Strs: []string{"1"}}, "x.y": attr.Boolean(true),
	}
}

var conditionSeeds = []string{
	"a = :v", "a <> :v AND b < :s", "a = :v OR b = :s AND NOT c[0] = :v", "(a = :v OR b = :s) AND m.k = :s",
	"a BETWEEN :v AND :w", "a IN (:v, :w, :s)", "attribute_exists(#a) AND attribute_not_exists(m.l[0])",
	"attribute_type(a, :t)", "begins_with(b, :s)", "contains(ss, :s)", "size(c) > :v", "NOT (a = :v)",
	"((a = :v))", "a = a", "name = :v", "#dot = :v", "a =", "(size(b)) = :v", "NOT NOT a = :v",
	"a = :v AND (b = :s AND c = :l)", "foo(a)", "a.b.c[1][2].d = :m",
}

func FuzzCondition(f *testing.F) {
	for _, s := range conditionSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCondition(s, fuzzParams())
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("%q: error of type %T", s, err)
			}
			return
		}
		out := c.Format()
		c2, err := ParseCondition(out, fuzzParams())
		if err != nil {
			t.Fatalf("%q formats as %q, which does not parse: %v", s, out, err)
		}
		if !reflect.DeepEqual(c, c2) {
			t.Fatalf("%q formats as %q, which parses to another AST", s, out)
		}
		_, _ = c.Eval(fuzzItem())
		_, _ = c.Eval(nil)
	})
}

var updateSeeds = []string{
	"SET a = :v", "SET a = a + :v, b = :s", "SET c = list_append(c, :l) REMOVE m.k", "ADD ns :ns DELETE ss :ss",
	"SET a = if_not_exists(a, :v) - :w", "REMOVE c[0], c[1]", "SET m.l[5] = :v", "SET (a) = :v", "SET a = (a + :v)",
	"SET a = :v SET b = :v", "SET a = :v, a.b = :v", "ADD a :s", "set #a = :v remove #b add x :v delete ss :ss",
}

func FuzzUpdate(f *testing.F) {
	for _, s := range updateSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUpdate(s, fuzzParams())
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("%q: error of type %T", s, err)
			}
			return
		}
		out := u.Format()
		u2, err := ParseUpdate(out, fuzzParams())
		if err != nil {
			t.Fatalf("%q formats as %q, which does not parse: %v", s, out, err)
		}
		if !reflect.DeepEqual(u, u2) {
			t.Fatalf("%q formats as %q, which parses to another AST", s, out)
		}
		item := fuzzItem()
		if got, paths, err := u.Apply(item); err == nil {
			_ = Project(got, paths)
		}
		if !attr.EqualItems(item, fuzzItem()) {
			t.Fatalf("%q: Apply changed its input", s)
		}
		_, _, _ = u.Apply(nil)
	})
}

var projectionSeeds = []string{"a", "a, b, c[0]", "m.k, m.l[0], #a", "a, a.b", "name", "c[1][2].x", "a,"}

func FuzzProjection(f *testing.F) {
	for _, s := range projectionSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProjection(s, fuzzParams())
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("%q: error of type %T", s, err)
			}
			return
		}
		out := p.Format()
		p2, err := ParseProjection(out, fuzzParams())
		if err != nil || !reflect.DeepEqual(p, p2) {
			t.Fatalf("%q formats as %q: %v", s, out, err)
		}
		_ = p.Apply(fuzzItem())
	})
}

var keySeeds = []string{"a = :v", "a = :v AND b > :s", "a = :v AND b BETWEEN :v AND :w", "a = :v AND begins_with(b, :s)", "a = :v OR b = :v", ":v = a"}

func FuzzKeyCondition(f *testing.F) {
	for _, s := range keySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKeyCondition(s, fuzzParams())
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("%q: error of type %T", s, err)
			}
			return
		}
		out := k.Format()
		k2, err := ParseKeyCondition(out, fuzzParams())
		if err != nil || !reflect.DeepEqual(k, k2) {
			t.Fatalf("%q formats as %q: %v", s, out, err)
		}
		if k.Check("a", "b") == nil {
			_ = k.CheckTypes(attr.N, attr.S)
			_ = k.Match(fuzzItem())
		}
	})
}

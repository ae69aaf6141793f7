package partiql

import (
	"reflect"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

var seeds = []string{
	`SELECT * FROM "Music" WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'`,
	`SELECT a, b.c[1], "d e" FROM t."idx" WHERE pk = ? AND sk BETWEEN 1 AND 5 ORDER BY sk DESC`,
	`SELECT * FROM t WHERE pk IN ['a', 'b'] OR NOT (x < -1.5e3 AND y IS NOT MISSING)`,
	`SELECT * FROM t WHERE begins_with(a, 'x') AND contains(s, 1) AND attribute_type(a, 'S') AND size(l) >= 2`,
	`INSERT INTO t VALUE {'pk': 'a', 'sk': 1, 'm': {'l': [TRUE, NULL, <<'x', 'y'>>]}, 'p': ?}`,
	`UPDATE t SET a = a + 1, b = list_append(b, [1]) SET s = set_add(s, <<1, 2>>) REMOVE c[0] WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *`,
	`DELETE FROM t WHERE pk = 'a' AND sk = 1 AND x <> 'y' RETURNING ALL OLD *`,
	`select * from t where a = 'it''s'`, `EXISTS(SELECT * FROM "t" WHERE pk = 'a' AND sk = 1 AND v > 3)`, `SELECT * FROM t WHERE a = 1 = 2`, `SELECT * FROM t;`,
}

func FuzzStatement(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := Parse(s)
		if err != nil {
			return
		}
		out := st.Format()
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("%q formats as %q, which does not parse: %v", s, out, err)
		}
		if !reflect.DeepEqual(st, again) {
			t.Fatalf("%q formats as %q, which parses to another statement", s, out)
		}
		params := make([]attr.Value, st.NumParams)
		for i := range params {
			params[i] = attr.Num("1")
		}
		p, err := st.Plan(params, "pk", "sk")
		if err != nil {
			return
		}
		it := attr.Item{"pk": attr.Str("a"), "sk": attr.Num("1"), "a": attr.Num("2"), "l": attr.List(attr.Str("x"))}
		for _, c := range []*Plan{p} {
			if c.Filter != nil {
				_, _ = c.Filter.Eval(it)
			}
			if c.Condition != nil {
				_, _ = c.Condition.Eval(it)
			}
			if c.Update != nil {
				_, _, _ = c.Update.Apply(it)
			}
			if c.Projection != nil {
				_ = c.Projection.Apply(it)
			}
			if c.Query != nil {
				_ = c.Query.Match(it)
			}
		}
	})
}

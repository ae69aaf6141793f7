package sql

import (
	"testing"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// TestCharLimits checks where the length check goes: each VALUES value for
// a sized column (not DEFAULT), a subquery around INSERT ... SELECT, and
// UPDATE's assignments.
func TestCharLimits(t *testing.T) {
	opts := Options{CharLimits: func(n ast.Name) []ColumnLimit {
		if n.Last().Name != "t" {
			return nil
		}
		return []ColumnLimit{{Name: "a", Limit: 3, Type: "character varying"}, {Name: "b"}}
	}}
	for _, tc := range []struct{ in, want string }{
		{`INSERT INTO t VALUES ('x', 1), (DEFAULT, 2)`,
			`INSERT INTO t VALUES (rs_char_limit('x', 3, 'character varying(3)'), 1), (DEFAULT, 2)`},
		{`INSERT INTO t (b, a) VALUES (1, 'x')`,
			`INSERT INTO t (b, a) VALUES (1, rs_char_limit('x', 3, 'character varying(3)'))`},
		{`INSERT INTO t (b) VALUES (1)`, `INSERT INTO t (b) VALUES (1)`},
		{`INSERT INTO u VALUES ('xyzw')`, `INSERT INTO u VALUES ('xyzw')`},
		{`INSERT INTO t SELECT s, 1 FROM u`,
			`INSERT INTO t SELECT rs_char_limit(rs_c1, 3, 'character varying(3)'), rs_c2 FROM (SELECT s, 1 FROM u) AS rs_insert(rs_c1, rs_c2)`},
		{`UPDATE t SET a = 'y', b = 2`,
			`UPDATE t SET a = rs_char_limit('y', 3, 'character varying(3)'), b = 2`},
	} {
		tr, err := Translate(tc.in, opts)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if tr.SQL != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.in, tr.SQL, tc.want)
		}
	}
}

package warehouse

import (
	"context"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// TestUnknownColumnMessage checks that DuckDB's binder errors for a missing
// column read as Postgres words them, with SQLSTATE 42703, whichever of
// DuckDB's phrasings (with or without a FROM clause) comes back.
func TestUnknownColumnMessage(t *testing.T) {
	ctx := context.Background()
	w, err := Open(ctx, t.TempDir(), Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s, err := w.NewSession(ctx, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct{ query, want string }{
		{`select invalid`, `column "invalid" does not exist`},
		{`select nope from (select 1 as a) t`, `column "nope" does not exist`},
		{`select "Odd""Name" from (select 1 as a) t`, `column "odd"name" does not exist`},
	} {
		rs := s.Execute(ctx, tc.query, nil)
		for rs.Next() {
		}
		err := rs.Err()
		_ = rs.Close()
		e, ok := sqlerr.As(err)
		if !ok {
			t.Errorf("%s: got %v, want a *sqlerr.Error", tc.query, err)
			continue
		}
		if e.Code != sqlerr.UndefinedColumn || e.Message != tc.want {
			t.Errorf("%s: got %s %q, want %s %q", tc.query, e.Code, e.Message, sqlerr.UndefinedColumn, tc.want)
		}
	}
}

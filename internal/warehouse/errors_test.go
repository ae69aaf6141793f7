package warehouse

import (
	"context"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// TestUnknownColumnMessage checks that DuckDB's binder errors for a missing
// column read as Postgres words them, with SQLSTATE 42703, whichever of
// DuckDB's phrasings (with or without a FROM clause) comes back.
func TestUnknownColumnMessage(t *testing.T) {
	ctx := context.Background()
	w, _ := openTest(t)
	s := testSession(t, w)
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

// TestCatalogMessages checks DuckDB's catalog errors reworded as Postgres
// words them: the name quoted once, the SQLSTATE Postgres uses.
func TestCatalogMessages(t *testing.T) {
	ctx := context.Background()
	w, _ := openTest(t)
	s := testSession(t, w)
	run := func(q string) error {
		rs := s.Execute(ctx, q, nil)
		for rs.Next() {
		}
		err := rs.Err()
		_ = rs.Close()
		return err
	}
	for _, q := range []string{`create table MetaData_ETL (x int)`, `create view v1 as select 1 as a`, `create schema s1`} {
		if err := run(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, tc := range []struct {
		query string
		code  sqlerr.Code
		want  string
	}{
		{`create table MetaData_ETL (x int)`, sqlerr.DuplicateTable, `relation "metadata_etl" already exists`},
		{`create view v1 as select 2 as a`, sqlerr.DuplicateTable, `relation "v1" already exists`},
		{`create schema s1`, sqlerr.DuplicateSchema, `schema "s1" already exists`},
		{`select * from no_such_table`, sqlerr.UndefinedTable, `relation "no_such_table" does not exist`},
		{`select * from nosuch2`, sqlerr.UndefinedTable, `relation "nosuch2" does not exist`},
	} {
		e, ok := sqlerr.As(run(tc.query))
		if !ok {
			t.Errorf("%s: want a *sqlerr.Error", tc.query)
			continue
		}
		if e.Code != tc.code || e.Message != tc.want {
			t.Errorf("%s: got %s %q, want %s %q", tc.query, e.Code, e.Message, tc.code, tc.want)
		}
		// DuckDB suggests its own catalog tables (pg_sequences for a
		// mistyped name); that is no hint for a user.
		if strings.Contains(e.Hint, "pg_") {
			t.Errorf("%s: hint %q names an internal catalog table", tc.query, e.Hint)
		}
	}
}

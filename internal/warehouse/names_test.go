package warehouse

import (
	"context"
	"fmt"
	"testing"
)

// TestResultColumnNames checks the names a result's columns get, as psql
// and drivers see them: Postgres's names for functions and casts, and the
// keyword functions (current_date, current_user) running and named by
// their keyword when they stand alone in a select list.
func TestResultColumnNames(t *testing.T) {
	ctx := context.Background()
	w, _ := openTest(t)
	s := testSession(t, w)
	for _, tc := range []struct{ query, want string }{
		{`select count(*), max(x), x::varchar, upper(y) from (select 1 as x, 'a' as y) t group by x, y`, "[count max x upper]"},
		{`select current_date, current_timestamp, current_user, user, session_user`, "[current_date current_timestamp current_user user session_user]"},
		{`select sysdate, getdate()`, "[sysdate getdate]"},
		// An operator's column is ?column? in a subquery too (Postgres's
		// name), never DuckDB's expression text.
		{`select * from (select x + 1, x from (select 1 as x) a) b`, "[?column? x]"},
		{`with c as (select x * 2 from (select 1 as x) a) select * from c`, "[?column?]"},
	} {
		rs := s.Execute(ctx, tc.query, nil)
		var names []string
		if rs.Next() {
			for _, c := range rs.Result().Columns {
				names = append(names, c.Name)
			}
			for rs.Result().Next() {
			}
		}
		err := rs.Err()
		_ = rs.Close()
		if err != nil {
			t.Errorf("%s: %v", tc.query, err)
			continue
		}
		if got := fmt.Sprint(names); got != tc.want {
			t.Errorf("%s: columns %s, want %s", tc.query, got, tc.want)
		}
	}
}

// TestAvgTypes checks AVG's result types (Redshift SQL reference, "AVG
// function": "BIGINT for any integer type argument", "DOUBLE PRECISION for
// a floating point argument").
func TestAvgTypes(t *testing.T) {
	ctx := context.Background()
	w, _ := openTest(t)
	s := testSession(t, w)
	rs := s.Execute(ctx, `select avg(x), avg(x::smallint), avg(x::bigint), avg(x::real), avg(x::float8) from (select 1 as x) t`, nil)
	defer rs.Close()
	var types []string
	if rs.Next() {
		for _, c := range rs.Result().Columns {
			types = append(types, c.Type.DuckDB)
		}
		for rs.Result().Next() {
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(types), "[BIGINT BIGINT BIGINT DOUBLE DOUBLE]"; got != want {
		t.Errorf("avg types %s, want %s", got, want)
	}
}

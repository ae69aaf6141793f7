package warehouse

import (
	"context"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// copyRows runs a COPY ... FROM STDIN on s with rows as its data.
func copyRows(t *testing.T, s *Session, stmt string, rows [][]any) error {
	t.Helper()
	ctx := context.Background()
	rs := s.Execute(ctx, stmt, nil)
	defer rs.Close()
	if !rs.Next() {
		t.Fatal(rs.Err())
	}
	res, err := s.CopyIn(ctx, rs.Result().Copy, func() ([]any, error) {
		if len(rows) == 0 {
			return nil, nil
		}
		r := rows[0]
		rows = rows[1:]
		return r, nil
	})
	if err == nil {
		res.Close()
	}
	return err
}

// TestCopyCharLimits: COPY refuses a value longer than a VARCHAR(n) or
// CHAR(n) column, as INSERT does (Redshift SQL reference, "Character
// types": a longer value is an error; COPY's load error is "String length
// exceeds DDL length"), and loads nothing of that COPY.
func TestCopyCharLimits(t *testing.T) {
	ctx := context.Background()
	w, err := Open(ctx, t.TempDir(), Options{DeferAutoRefresh: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s := testSession(t, w)
	mustRun(t, s, `set enable_case_sensitive_identifier to true`)
	mustRun(t, s, `create table c (id int, code varchar(3), "Flag" char(2))`)
	if err := copyRows(t, s, `copy c from stdin`, [][]any{{"1", "abc", "ab"}, {"2", nil, "x"}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		stmt string
		row  []any
		want string
	}{
		{`copy c from stdin`, []any{"3", "abcd", "a"}, "value too long for type character varying(3)"},
		{`copy c (id, "Flag") from stdin`, []any{"4", "xyz"}, "value too long for type character(2)"},
		{`copy c (code) from stdin`, []any{"héé"}, "value too long for type character varying(3)"}, // five bytes
	} {
		err := copyRows(t, s, tc.stmt, [][]any{[]any{"5", "ok", "ok"}[:len(tc.row)], tc.row})
		if sqlerr.CodeOf(err) != "22001" || err.Error() != tc.want {
			t.Errorf("%s %q: %v (%s), want 22001 %s", tc.stmt, tc.row, err, sqlerr.CodeOf(err), tc.want)
		}
	}
	if got := mustRun(t, s, `select id, code, "Flag" from c order by id`); got != "[1 abc ab]\n[2 <nil> x]\nSELECT 2\n" {
		t.Fatalf("rows after the refused COPYs: %q", got)
	}
}

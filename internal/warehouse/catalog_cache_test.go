package warehouse

import (
	"strings"
	"testing"
)

// tooLong runs sql on s and reports whether it failed with "value too
// long" (22001); any other error fails the test.
func tooLong(t *testing.T, s *Session, sql string) bool {
	t.Helper()
	_, err := run(t, s, sql)
	if err != nil && !strings.Contains(err.Error(), "value too long") {
		t.Fatalf("%s: %v", sql, err)
	}
	return err != nil
}

// The lookups the front end remembers (a column's declared length, its
// SUPER storage) follow every change of the catalog: by another session,
// inside a transaction block that commits later, and for a temporary table
// dropped and made again under the same name. The expected outcomes are
// Redshift's: a value longer than a VARCHAR(n) column is refused with
// 22001 ("value too long for type character varying(n)"), and fits once
// the column is wider.
func TestCatalogLookupsFollowChanges(t *testing.T) {
	w, _ := openTest(t)
	a, b := testSession(t, w), testSession(t, w)

	mustRun(t, a, `create table t (v varchar(3))`)
	if !tooLong(t, b, `insert into t values ('abcd')`) {
		t.Fatal("'abcd' fit a varchar(3)")
	}
	// Another session widens the column.
	mustRun(t, a, `alter table t alter column v type varchar(10)`)
	if tooLong(t, b, `insert into t values ('abcd')`) {
		t.Fatal("'abcd' refused after the column became varchar(10) in another session")
	}

	// Inside a transaction block: b looks while the change is not
	// committed, then again after the commit.
	mustRun(t, a, `begin; alter table t alter column v type varchar(20)`)
	if !tooLong(t, b, `insert into t values ('abcdefghijklmno')`) {
		t.Fatal("15 characters fit before the change committed")
	}
	mustRun(t, a, `commit`)
	if tooLong(t, b, `insert into t values ('abcdefghijklmno')`) {
		t.Fatal("15 characters refused after the change to varchar(20) committed")
	}

	// A temporary table dropped and made again under the same name, as a
	// procedure's working table is on every CALL: its column is SUPER
	// stored as JSON text, then VARCHAR (where a path into it is an
	// error), then SUPER again.
	superPath := func() (string, error) {
		out, err := run(t, b, `select p.a from j`)
		return strings.TrimSpace(strings.Split(out, "\n")[0]), err
	}
	mustRun(t, b, `create temp table j (p json); insert into j values ('{"a":1}')`)
	if got, err := superPath(); err != nil || got != "[1]" {
		t.Fatalf("p.a of the JSON column: %q, %v; want [1]", got, err)
	}
	mustRun(t, b, `drop table j; create temp table j (p varchar(100)); insert into j values ('{"a":1}')`)
	if _, err := superPath(); err == nil {
		t.Fatal("p.a of a VARCHAR column: no error")
	}
	mustRun(t, b, `drop table j; create temp table j (p json); insert into j values ('{"a":2}')`)
	if got, err := superPath(); err != nil || got != "[2]" {
		t.Fatalf("p.a of the JSON column made again: %q, %v; want [2]", got, err)
	}
}

// A procedure that makes its working table on every CALL sees each one's
// columns.
func TestCatalogLookupsInProcedure(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	mustRun(t, s, `create table src (v varchar(10)); insert into src values ('abcdef')`)
	mustRun(t, s, `create procedure p(n int) as $$
begin
  drop table if exists work;
  execute 'create table work (v varchar(' || n || '))';
  insert into work select v from src;
end;
$$ language plpgsql`)
	mustRun(t, s, `call p(8)`)
	if _, err := run(t, s, `call p(3)`); err == nil || !strings.Contains(err.Error(), "value too long") {
		t.Fatalf("call p(3): %v, want value too long", err)
	}
	mustRun(t, s, `call p(9)`)
}

// What a schedule's next run keeps of the last run's lookups: all but
// those of the temporary tables the last run's session made, which the
// next run's session does not have (a name may then be a permanent
// table's).
func TestLookupsCarriedToNextRun(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	mustRun(t, s, `create table docs (p varchar(100)); create table keep (v varchar(3))`)
	mustRun(t, s, `create temp table docs (p json); insert into docs values ('{"a":1}')`)
	mustRun(t, s, `select p.a from docs; insert into keep values ('a')`)
	if !s.tempNames["docs"] {
		t.Fatalf("temporary tables made: %v, want docs among them", s.tempNames)
	}
	next := s.memo.withoutNames(s.tempNames)
	for _, e := range next.json {
		if e.name == "docs" {
			t.Fatal("the temporary docs' SUPER columns carried over")
		}
	}
	kept := false
	for _, e := range next.limits {
		kept = kept || e.name == "keep"
	}
	if !kept {
		t.Fatal("the permanent table's column lengths did not carry over")
	}
}

// TestProcedureLookupFollowsChanges: a session that called a procedure
// runs the new body after another session replaces it (committed), not
// before the replacement commits, and gets Redshift's "procedure ... does
// not exist" (42883) once it is dropped.
func TestProcedureLookupFollowsChanges(t *testing.T) {
	w, _ := openTest(t)
	a, b := testSession(t, w), testSession(t, w)
	mustRun(t, a, `create table calls (v int)`)
	mustRun(t, a, `create procedure p() as $$ begin insert into calls values (1); end; $$ language plpgsql`)
	last := func() string {
		t.Helper()
		mustRun(t, b, `call p()`)
		out := mustRun(t, b, `select v from calls order by v desc limit 1`)
		return strings.Split(out, "\n")[0]
	}
	if got := last(); got != "[1]" {
		t.Fatalf("first body inserted %q, want [1]", got)
	}
	mustRun(t, a, `begin; create or replace procedure p() as $$ begin insert into calls values (2); end; $$ language plpgsql`)
	if got := last(); got != "[1]" {
		t.Fatalf("before the replacement committed: %q, want [1]", got)
	}
	mustRun(t, a, `commit`)
	if got := last(); got != "[2]" {
		t.Fatalf("after the replacement committed: %q, want [2]", got)
	}
	mustRun(t, a, `drop procedure p()`)
	if _, err := run(t, b, `call p()`); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("call of a dropped procedure: %v, want does not exist", err)
	}
}

// TestTempTableLookupsStayInSession: a temporary table that hides a
// permanent one of the same name changes what its own session looks up
// (whether the column is SUPER kept as JSON text, where a path navigates,
// or VARCHAR, where it is an error), not what another session does; dropping it brings the
// permanent table back, and a rollback of the drop brings the temporary
// one back. A permanent table made by another session after this one
// found none of the name is dropped with its records (its declared
// length: Redshift refuses a value longer than a VARCHAR(n) with 22001,
// "value too long for type character varying(n)").
func TestTempTableLookupsStayInSession(t *testing.T) {
	w, _ := openTest(t)
	a, b := testSession(t, w), testSession(t, w)
	navigates := func(s *Session) bool {
		t.Helper()
		out, err := run(t, s, `select p.a from t`)
		if err == nil && !strings.HasPrefix(out, "[1]") {
			t.Fatalf("p.a: %q", out)
		}
		return err == nil
	}
	mustRun(t, a, `create table t (p varchar(100)); insert into t values ('{"a":1}')`)
	if navigates(a) {
		t.Fatal("a path into the permanent VARCHAR column navigated")
	}
	// A JSON column is SUPER kept as JSON text (JSONColumns).
	mustRun(t, a, `create temp table t (p json); insert into t values ('{"a":1}')`)
	if !navigates(a) {
		t.Fatal("a path into the session's temporary JSON column failed")
	}
	if navigates(b) {
		t.Fatal("another session's temporary table made this session's VARCHAR column JSON")
	}
	mustRun(t, a, `begin; drop table t`)
	if navigates(a) {
		t.Fatal("a path navigated after the temporary table's drop (the permanent VARCHAR is back)")
	}
	mustRun(t, a, `rollback`)
	if !navigates(a) {
		t.Fatal("a path failed after the drop of the temporary JSON table rolled back")
	}
	mustRun(t, a, `drop table t`)
	if navigates(a) {
		t.Fatal("a path navigated after the temporary table's drop")
	}

	// a looks for a permanent table u and finds none; b makes one; a's
	// DROP must reach it, and forget its declared length: u made again
	// with a wider column takes 'abcdefghijkl'.
	mustRun(t, a, `drop table if exists u`)
	mustRun(t, b, `create table u (v varchar(3))`)
	mustRun(t, a, `drop table u`)
	mustRun(t, b, `create table u (v varchar(20))`)
	if tooLong(t, b, `insert into u values ('abcdefghijkl')`) {
		t.Fatal("12 characters refused by u made again as varchar(20)")
	}
}

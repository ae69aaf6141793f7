package warehouse

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

func openTest(t testing.TB) (*Warehouse, string) {
	t.Helper()
	dir := t.TempDir()
	w, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	return w, dir
}

func testSession(t testing.TB, w *Warehouse) *Session {
	t.Helper()
	s, err := w.NewSession(context.Background(), "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// run executes a script and returns one line per statement: the tag, and the
// rows as text.
func run(t testing.TB, s *Session, script string, params ...any) (string, error) {
	t.Helper()
	var out strings.Builder
	rs := s.Execute(context.Background(), script, params)
	defer rs.Close()
	for rs.Next() {
		r := rs.Result()
		for r.Next() {
			fmt.Fprintf(&out, "%v\n", r.Values())
		}
		if err := r.Err(); err != nil {
			return out.String(), err
		}
		fmt.Fprintf(&out, "%s\n", r.Tag())
	}
	return out.String(), rs.Err()
}

func mustRun(t testing.TB, s *Session, script string, params ...any) string {
	t.Helper()
	out, err := run(t, s, script, params...)
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	return out
}

func TestCommandTags(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	for _, c := range []struct{ sql, want string }{
		{"CREATE TABLE public.t (a character varying(500), b numeric(5,2), c integer, d timestamp)", "CREATE TABLE"},
		{"insert into t values ('x', 1.5, 1, current_timestamp)", "INSERT 0 1"},
		{"insert into t select * from t", "INSERT 0 1"},
		{"update t set c = 2", "UPDATE 2"},
		{"delete from t where a in (select a from t where c = 2)", "DELETE 2"},
		{"create table t2 as select 1 as x union all select 2", "SELECT 2"},
		{"select x from t2 order by x", "[1]\n[2]\nSELECT 2"},
		{"drop table if exists t2", "DROP TABLE"},
		{"drop table if exists t2", "DROP TABLE"},
	} {
		if got := strings.TrimSpace(mustRun(t, s, c.sql)); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.sql, got, c.want)
		}
	}
}

func TestErrorsCarryCodesAndPositions(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	mustRun(t, s, "create table t (a int)")
	for _, c := range []struct {
		sql  string
		code sqlerr.Code
		pos  int
	}{
		{"select * from nope", sqlerr.UndefinedTable, 15},
		{"select nope from t", sqlerr.UndefinedColumn, 8},
		{"selec 1", sqlerr.SyntaxError, 1},
		{"select 'a'::int", sqlerr.InvalidTextRepresentation, 0},
		{"create table t (a int)", sqlerr.DuplicateTable, 0},
	} {
		_, err := run(t, s, c.sql)
		e, ok := sqlerr.As(err)
		if !ok {
			t.Errorf("%s: error %v has no code", c.sql, err)
			continue
		}
		if e.Code != c.code || (c.pos != 0 && e.Position != c.pos) {
			t.Errorf("%s: got %s at %d (%s), want %s at %d", c.sql, e.Code, e.Position, e.Message, c.code, c.pos)
		}
	}
}

func TestTransactionBlock(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	mustRun(t, s, "create table t (a int)")
	mustRun(t, s, "begin")
	if s.TxStatus() != TxActive {
		t.Fatalf("status after BEGIN = %c", s.TxStatus())
	}
	mustRun(t, s, "insert into t values (1)")
	if _, err := run(t, s, "select * from nope"); sqlerr.CodeOf(err) != sqlerr.UndefinedTable {
		t.Fatalf("got %v", err)
	}
	if s.TxStatus() != TxFailed {
		t.Fatalf("status after error = %c", s.TxStatus())
	}
	if _, err := run(t, s, "select 1"); sqlerr.CodeOf(err) != sqlerr.InFailedSQLTransaction {
		t.Fatalf("statement in failed block: got %v, want 25P02", err)
	}
	if got := strings.TrimSpace(mustRun(t, s, "commit")); got != "ROLLBACK" {
		t.Fatalf("COMMIT of a failed block: tag %q, want ROLLBACK", got)
	}
	if got := strings.TrimSpace(mustRun(t, s, "select count(*) from t")); got != "[0]\nSELECT 1" {
		t.Fatalf("rolled-back insert visible: %q", got)
	}
	mustRun(t, s, "start transaction; insert into t values (2); end")
	other := testSession(t, w)
	if got := strings.TrimSpace(mustRun(t, other, "select a from t")); got != "[2]\nSELECT 1" {
		t.Fatalf("committed row not visible to another session: %q", got)
	}
}

func TestUncommittedInvisibleToOthers(t *testing.T) {
	w, _ := openTest(t)
	a, b := testSession(t, w), testSession(t, w)
	mustRun(t, a, "create table t (a int)")
	mustRun(t, a, "begin; insert into t values (1)")
	if got := strings.TrimSpace(mustRun(t, b, "select count(*) from t")); got != "[0]\nSELECT 1" {
		t.Fatalf("uncommitted row visible: %q", got)
	}
	mustRun(t, a, "rollback")
	if a.TxStatus() != TxIdle {
		t.Fatal("not idle after rollback")
	}
}

func TestParameters(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	mustRun(t, s, "create table t (a int, b varchar)")
	mustRun(t, s, "insert into t values ($1, $2)", "7", "seven")
	if got := strings.TrimSpace(mustRun(t, s, "select b from t where a = $1", "7")); got != "[seven]\nSELECT 1" {
		t.Fatalf("got %q", got)
	}
}

func TestSettings(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	if got := strings.TrimSpace(mustRun(t, s, "show timezone")); got != "[UTC]\nSHOW" {
		t.Fatalf("show timezone: %q", got)
	}
	mustRun(t, s, "set enable_case_sensitive_identifier to true")
	if !s.Options().CaseSensitive {
		t.Fatal("enable_case_sensitive_identifier not applied")
	}
	mustRun(t, s, "set query_group to 'etl'")
	if v, _ := s.Setting("query_group"); v != "etl" {
		t.Fatalf("query_group = %q", v)
	}
	mustRun(t, s, "create schema other; set search_path to other, public; create table x (a int)")
	if got := strings.TrimSpace(mustRun(t, s, "select table_schema from information_schema.tables where table_name = 'x'")); got != "[other]\nSELECT 1" {
		t.Fatalf("table created in %q, want other", got)
	}
	if _, err := run(t, s, "show nonsense"); sqlerr.CodeOf(err) != sqlerr.UndefinedObject {
		t.Fatalf("show unknown: %v", err)
	}
	mustRun(t, s, "set timezone = 'America/New_York'")
	if got := strings.TrimSpace(mustRun(t, s, "select current_setting('TimeZone')")); !strings.Contains(got, "America/New_York") {
		t.Fatalf("DuckDB time zone: %q", got)
	}
}

func TestPersistsAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	w, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := w.NewSession(ctx, "u", "dev")
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, s, "create table t (a int); insert into t values (42)")
	applied := mustRun(t, s, "select count(*) from blueshift_catalog.migrations")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s = testSession(t, w)
	if got := strings.TrimSpace(mustRun(t, s, "select a from t")); got != "[42]\nSELECT 1" {
		t.Fatalf("after reopen: %q", got)
	}
	// Reopening applies no migration twice.
	if got := mustRun(t, s, "select count(*) from blueshift_catalog.migrations"); got != applied || applied == "[0]\nSELECT 1\n" {
		t.Fatalf("migrations recorded: %q after reopen, %q before", got, applied)
	}
}

func TestCurrentDatabaseIsTheConnectedName(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	if got := strings.TrimSpace(mustRun(t, s, "select current_database()")); got != "[dev]\nSELECT 1" {
		t.Fatalf("current_database() = %q", got)
	}
}

func TestUnknownDatabase(t *testing.T) {
	w, _ := openTest(t)
	if _, err := w.NewSession(context.Background(), "u", "nope"); sqlerr.CodeOf(err) != sqlerr.InvalidCatalogName {
		t.Fatalf("got %v", err)
	}
}

func TestSuperSentAsJSON(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	st, err := s.Prepare(context.Background(), `select json_parse_test.v, 1 as n from (select '{"a":[1,2]}'::JSON::VARIANT as v) json_parse_test`)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.Columns[0].Type.Kind != KindSuper || st.Columns[0].Name != "v" {
		t.Fatalf("column 0: %+v", st.Columns[0])
	}
	r, err := s.Run(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !r.Next() {
		t.Fatal(r.Err())
	}
	if got := r.Values()[0]; got != `{"a":[1,2]}` {
		t.Fatalf("VARIANT as %T %v", got, got)
	}
}

func TestCancel(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	st, err := s.Prepare(context.Background(), "select count(*) from range(100000000000) a")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	done := make(chan error, 1)
	go func() {
		_, err := s.Run(context.Background(), st, nil)
		done <- err
	}()
	// Cancel until the statement ends: a cancel before it starts is a no-op.
	for {
		s.Cancel()
		select {
		case err := <-done:
			if sqlerr.CodeOf(err) != sqlerr.QueryCanceled {
				t.Fatalf("got %v, want 57014", err)
			}
			return
		default:
			runtime.Gosched()
		}
	}
}

func TestStreamingDoesNotCollect(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	rs := s.Execute(context.Background(), "select i, 'row ' || i from range(1000000) t(i)", nil)
	defer rs.Close()
	if !rs.Next() {
		t.Fatal(rs.Err())
	}
	r := rs.Result()
	var ms runtime.MemStats
	var peak uint64
	var n int64
	for r.Next() {
		if n++; n%200000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 1000000 || r.Tag() != "SELECT 1000000" {
		t.Fatalf("rows %d tag %q", n, r.Tag())
	}
	// A million rows of ~20 bytes would be well over 32 MB of Go heap if kept.
	if peak > 32<<20 {
		t.Fatalf("Go heap reached %d bytes while streaming", peak)
	}
}

func TestEmptyScript(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	rs := s.Execute(context.Background(), " -- nothing\n;", nil)
	if rs.Next() || !rs.Empty() {
		t.Fatal("empty script ran something")
	}
	if err := rs.Err(); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

// TestSetRolledBack: as in Postgres, a SET inside a transaction that rolls
// back (a block's ROLLBACK, a failed block's COMMIT, a script whose implicit
// transaction fails) is undone, in the session and in DuckDB; one that
// commits stays.
func TestSetRolledBack(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	tz := func() string {
		t.Helper()
		return strings.TrimSpace(mustRun(t, s, "show timezone")) + " / " +
			strings.TrimSpace(mustRun(t, s, "select current_setting('TimeZone')"))
	}
	utc := "[UTC]\nSHOW / [UTC]\nSELECT 1"
	mustRun(t, s, "begin; set timezone = 'Asia/Tokyo'; set query_group = 'etl'; rollback")
	if got := tz(); got != utc {
		t.Errorf("after ROLLBACK: %q, want UTC", got)
	}
	if v, _ := s.Setting("query_group"); v != defaultSettings["query_group"] {
		t.Errorf("query_group after ROLLBACK: %q", v)
	}
	if _, err := run(t, s, "begin; set timezone = 'Asia/Tokyo'; select 1/0"); err == nil {
		t.Fatal("division by zero did not fail")
	}
	mustRun(t, s, "commit") // of a failed block: rolls back
	if got := tz(); got != utc {
		t.Errorf("after COMMIT of a failed block: %q, want UTC", got)
	}
	if _, err := run(t, s, "set timezone = 'Asia/Tokyo'; select 1/0"); err == nil {
		t.Fatal("division by zero did not fail")
	}
	if got := tz(); got != utc {
		t.Errorf("after a failed script: %q, want UTC", got)
	}
	mustRun(t, s, "begin; set timezone = 'Asia/Tokyo'; commit")
	if got := tz(); !strings.Contains(got, "Asia/Tokyo") || strings.Contains(got, "UTC") {
		t.Errorf("after COMMIT: %q, want Asia/Tokyo", got)
	}
	mustRun(t, s, "set timezone = 'Europe/Paris'") // autocommit: stays
	if got := tz(); !strings.Contains(got, "Europe/Paris") {
		t.Errorf("after SET in autocommit: %q", got)
	}
}

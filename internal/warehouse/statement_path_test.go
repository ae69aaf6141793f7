package warehouse

// Tests of the statement path: each runs one statement the ways a client can
// (simple query, prepared and executed again, inside a procedure, in a
// schedule) and expects the same result from every way.

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestHexLiteralEveryPath: a bytea hex literal ('\x0102', Postgres's
// bytea hex format, which exec_params.go reads as bytes in a cast to
// VARBYTE) stores the same two bytes whether the statement runs once,
// prepared and executed twice (its GETDATE() makes every run after the
// first translate again), or inside a stored procedure.
func TestHexLiteralEveryPath(t *testing.T) {
	ctx := context.Background()
	w, _ := openTest(t)
	s := testSession(t, w)
	mustRun(t, s, `create table b (at timestamp, v varbyte(16), how varchar(16))`)
	const insert = `insert into b values (getdate(), '\x0102'::varbyte, '%s')`
	mustRun(t, s, fmt.Sprintf(insert, "simple"))
	st, err := s.Prepare(ctx, fmt.Sprintf(insert, "prepared"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for range 2 {
		res, err := s.Run(ctx, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := res.Close(); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, s, `create procedure p_hex() as $$ begin `+fmt.Sprintf(insert, "procedure")+`; end; $$ language plpgsql`)
	mustRun(t, s, `call p_hex()`)
	mustRun(t, s, `call p_hex()`)
	got := mustRun(t, s, `select how, octet_length(v), to_hex(v) from b order by at`)
	want := "[simple 2 0102]\n[prepared 2 0102]\n[prepared 2 0102]\n[procedure 2 0102]\n[procedure 2 0102]\nSELECT 5\n"
	if got != want {
		t.Errorf("stored bytes:\n%s\nwant\n%s", got, want)
	}
}

// TestCatalogCompatLiterals: the Postgres catalog rewrite leaves string
// and dollar-quoted literals as the client wrote them (a literal's text is
// data, as in Postgres), rewrites what follows a dollar-quoted literal
// that holds a comment's opener, and applies inside procedures too.
func TestCatalogCompatLiterals(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	for _, c := range []struct{ sql, want string }{
		{`SELECT $$pg_catalog.version()$$`, "[pg_catalog.version()]\nSELECT 1\n"},
		{`SELECT 'pg_catalog.version()', $x$ version() $x$`, "[pg_catalog.version()  version() ]\nSELECT 1\n"},
		{`SELECT $$ -- $$, version()`, "[ --  " + VersionString() + "]\nSELECT 1\n"},
		{`SELECT $$ -- $$ AS d, version() LIKE 'PostgreSQL 8.0.2 %Redshift%' AS redshift`, "[ --  true]\nSELECT 1\n"},
		{`SELECT $$ /* $$ AS d, pg_catalog.version() LIKE 'PostgreSQL 8.0.2 %Redshift%' AS redshift`, "[ /*  true]\nSELECT 1\n"},
	} {
		got, err := run(t, s, c.sql)
		if err != nil || got != c.want {
			t.Errorf("%s:\n got %q, %v\nwant %q", c.sql, got, err, c.want)
		}
	}
	var notices []Notice
	s.SetNoticeHandler(func(n Notice) { notices = append(notices, n) })
	defer s.SetNoticeHandler(nil)
	mustRun(t, s, `create procedure p_version() as $$
declare v varchar(256);
begin
  select version() into v;
  raise info '%', v;
end; $$ language plpgsql`)
	mustRun(t, s, `call p_version()`)
	if len(notices) != 1 || !strings.HasPrefix(notices[0].Message, "PostgreSQL 8.0.2 ") || !strings.Contains(notices[0].Message, "Redshift") {
		t.Errorf("version() in a procedure: notices %+v, want Redshift's version string", notices)
	}
}

// TestScheduleHistoryKeptPerSchedule: the history keeps the newest
// scheduleHistoryKeep runs of each schedule, whatever the run ids the
// schedules share.
func TestScheduleHistoryKeptPerSchedule(t *testing.T) {
	ctx := context.Background()
	w, _ := openTest(t)
	s := testSession(t, w)
	mustRun(t, s, `CREATE SCHEDULE tick EVERY 1 HOUR AS SELECT 1`)
	// A full history of older runs (ids below the sequence's).
	if _, err := s.Conn().Exec(ctx, `INSERT INTO `+CatalogSchema+`.schedule_runs
		(run_id, schedule_name, scheduled_time, start_time, end_time, status)
		SELECT -i, 'tick', now(), now(), now(), 'succeeded' FROM range(1, `+fmt.Sprint(scheduleHistoryKeep+1)+`) t(i)`); err != nil {
		t.Fatal(err)
	}
	defs, err := loadSchedules(ctx, s.Conn())
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		w.runSchedule(ctx, defs["tick"], time.Now())
	}
	got := schedScript(t, s, `select count(*), max(run_id) > 0 from sys_schedule_history where schedule_name = 'tick'`)
	if want := fmt.Sprintf("%d | true\nSELECT 1\n", scheduleHistoryKeep); got != want {
		t.Errorf("history of tick: %q, want %q", got, want)
	}
}

// TestChangeFeedAfterFailedCommit: the relations a transaction wrote are
// dropped when its COMMIT fails (DuckDB rolled it back), not published
// with the session's next transaction.
func TestChangeFeedAfterFailedCommit(t *testing.T) {
	ctx := context.Background()
	w, err := Open(ctx, t.TempDir(), Options{DeferAutoRefresh: true}) // nothing else takes from the feed
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	a, b := testSession(t, w), testSession(t, w)
	// keys's key is one DuckDB enforces (a table made before Redshift's
	// keys were informational), so the second insert's COMMIT fails.
	if _, err := a.Conn().Exec(ctx, `create table keys (k int primary key)`); err != nil {
		t.Fatal(err)
	}
	mustRun(t, a, `create table other (x int)`)
	w.ingest.changes.take()
	mustRun(t, a, `begin; insert into keys values (1)`)
	mustRun(t, b, `insert into keys values (1)`) // commits first
	if _, err := run(t, a, `commit`); err == nil {
		t.Fatal("COMMIT of a conflicting insert succeeded")
	}
	if got := sortedNames(w.ingest.changes.take()); got != "keys" {
		t.Errorf("published after the other session's commit: %s, want keys", got)
	}
	mustRun(t, a, `begin; insert into other values (1); commit`)
	if got := sortedNames(w.ingest.changes.take()); got != "other" {
		t.Errorf("published with the next transaction: %s, want other", got)
	}
}

// TestChangeFeedQuotedDottedName: a COPY into a table named "a.b" (one
// quoted name holding a dot) publishes that name, not "b".
func TestChangeFeedQuotedDottedName(t *testing.T) {
	ctx := context.Background()
	w, err := Open(ctx, t.TempDir(), Options{DeferAutoRefresh: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s := testSession(t, w)
	mustRun(t, s, `create table "a.b" (x int)`)
	w.ingest.changes.take()
	rs := s.Execute(ctx, `copy "a.b" from stdin`, nil)
	if !rs.Next() {
		t.Fatal(rs.Err())
	}
	c := rs.Result().Copy
	rows := [][]any{{"1"}}
	res, err := s.CopyIn(ctx, c, func() ([]any, error) {
		if len(rows) == 0 {
			return nil, nil
		}
		r := rows[0]
		rows = rows[1:]
		return r, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res.Close()
	if rs.Next() {
		t.Fatal("one statement, two results")
	}
	rs.Close()
	if got := mustRun(t, s, `select x from "a.b"`); got != "[1]\nSELECT 1\n" {
		t.Fatalf("copied rows: %q", got)
	}
	if got := sortedNames(w.ingest.changes.take()); got != "a.b" {
		t.Errorf("published %s, want a.b", got)
	}
}

func sortedNames(m map[string]time.Time) string {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// opaqueCtx hides its parent's cancellation from the context package, so
// a context derived from it is watched by a goroutine of its own until it
// is cancelled (as with a client library's own context type).
type opaqueCtx struct {
	context.Context
	done chan struct{}
}

func (c opaqueCtx) Done() <-chan struct{} { return c.done }

func (c opaqueCtx) Err() error {
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

// TestStatementTimeoutReleasesContext: a statement run under a
// statement_timeout releases every context it derived when it ends.
func TestStatementTimeoutReleasesContext(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	mustRun(t, s, `set statement_timeout to 60000`)
	ctx := opaqueCtx{Context: context.Background(), done: make(chan struct{})}
	defer close(ctx.done)
	before := runtime.NumGoroutine()
	for range 20 {
		rs := s.Execute(ctx, `select 1`, nil)
		for rs.Next() {
		}
		if err := rs.Close(); err != nil {
			t.Fatal(err)
		}
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before+5 {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after 20 statements, %d before: contexts left watching the caller's", runtime.NumGoroutine(), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

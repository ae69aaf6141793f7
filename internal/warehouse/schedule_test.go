package warehouse

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/jonboulle/clockwork"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// schedScript runs a script and renders each statement's notices, rows and
// tag; an error ends the output with its SQLSTATE and message.
func schedScript(t testing.TB, s *Session, script string) string {
	t.Helper()
	var notices []Notice
	s.SetNoticeHandler(func(n Notice) { notices = append(notices, n) })
	defer s.SetNoticeHandler(nil)
	var out strings.Builder
	flush := func() {
		for _, n := range notices {
			fmt.Fprintf(&out, "%s: %s\n", n.Severity, n.Message)
		}
		notices = notices[:0]
	}
	rs := s.Execute(context.Background(), script, nil)
	defer rs.Close()
	for rs.Next() {
		r := rs.Result()
		for r.Next() {
			var vals []string
			for _, v := range r.Values() {
				if v == nil {
					v = "NULL"
				}
				vals = append(vals, fmt.Sprint(v))
			}
			fmt.Fprintf(&out, "%s\n", strings.Join(vals, " | "))
		}
		if err := r.Err(); err != nil {
			flush()
			fmt.Fprintf(&out, "error %s: %s\n", sqlerr.CodeOf(err), err)
			return out.String()
		}
		flush()
		fmt.Fprintf(&out, "%s\n", r.Tag())
	}
	flush()
	if err := rs.Err(); err != nil {
		fmt.Fprintf(&out, "error %s: %s\n", sqlerr.CodeOf(err), err)
	}
	return out.String()
}

// TestScheduleStatements runs testdata/schedule: the statements and the
// catalog views, without the runner (no run happens).
func TestScheduleStatements(t *testing.T) {
	datadriven.Walk(t, "testdata/schedule", func(t *testing.T, path string) {
		w, _ := openTest(t)
		sessions := map[string]*Session{}
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			name := "default"
			if d.HasArg("session") {
				d.ScanArgs(t, "session", &name)
			}
			s := sessions[name]
			if s == nil {
				s = testSession(t, w)
				sessions[name] = s
			}
			switch d.Cmd {
			case "exec":
				return schedScript(t, s, d.Input)
			}
			t.Fatalf("unknown command %s", d.Cmd)
			return ""
		})
	})
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func queryInt(t *testing.T, s *Session, q string) int64 {
	t.Helper()
	rs := s.Execute(context.Background(), q, nil)
	defer rs.Close()
	if !rs.Next() {
		t.Fatalf("%s: %v", q, rs.Err())
	}
	r := rs.Result()
	if !r.Next() {
		t.Fatalf("%s: no row: %v", q, r.Err())
	}
	v := r.Values()[0]
	for r.Next() {
	}
	switch v := v.(type) {
	case int64:
		return v
	case nil:
		return 0
	}
	t.Fatalf("%s: got %T %v", q, v, v)
	return 0
}

// TestScheduleRuns runs the runner: rate schedules execute in sessions of
// their own, record each run, stop when paused, fail visibly, and come back
// after a restart. The runner's clock is a fake one, advanced a second at a
// time while the test waits for what a run leaves in the catalog.
func TestScheduleRuns(t *testing.T) {
	fc := clockwork.NewFakeClockAt(time.Now())
	dir := t.TempDir()
	w, err := Open(context.Background(), dir, Options{Clock: fc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	waitFor := func(t *testing.T, what string, cond func() bool) {
		t.Helper()
		waitFor(t, what, func() bool {
			if cond() {
				return true
			}
			fc.Advance(time.Second)
			return false
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	runnerDone := make(chan error, 1)
	go func() { runnerDone <- w.RunSchedules(ctx) }()
	stopRunner := func() {
		cancel()
		if err := <-runnerDone; err != nil {
			t.Errorf("RunSchedules: %v", err)
		}
	}
	s := testSession(t, w)
	schedScript(t, s, "create table ticks (n int)")
	for _, q := range []string{
		"create schedule tick every 1 second as insert into ticks values (1)",
		"create schedule witness every 1 second as select 1",
		"create schedule broken every 1 second as select * from no_such_table",
		// Created in a block: the runner sees it once the block commits.
		"begin; create schedule later every 1 second as select 2 union all select 3; commit",
	} {
		if out := schedScript(t, s, q); strings.Contains(out, "error") {
			t.Fatalf("%s: %s", q, out)
		}
	}
	succeeded := func(name string) int64 {
		return queryInt(t, s, fmt.Sprintf("select count(*) from sys_schedule_history where schedule_name = '%s' and status = 'succeeded'", name))
	}
	waitFor(t, "two runs of tick", func() bool { return succeeded("tick") >= 2 })
	waitFor(t, "a run of the schedule created in a block", func() bool { return succeeded("later") >= 1 })
	if got := queryInt(t, s, "select min(rows) from sys_schedule_history where schedule_name = 'later' and status = 'succeeded'"); got != 2 {
		t.Errorf("rows of a two-row select: got %d, want 2", got)
	}
	waitFor(t, "a failed run", func() bool {
		return queryInt(t, s, "select count(*) from sys_schedule_history where schedule_name = 'broken' and status = 'failed' and error_code = '42P01'") >= 1
	})

	// Pause: once the run in flight (if any) has ended, no new run starts,
	// while another schedule keeps running.
	schedScript(t, s, "alter schedule tick pause")
	waitFor(t, "tick's last run to end", func() bool {
		return queryInt(t, s, "select count(*) from sys_schedule_history where schedule_name = 'tick' and status = 'running'") == 0
	})
	runs := queryInt(t, s, "select count(*) from sys_schedule_history where schedule_name = 'tick'")
	rows := queryInt(t, s, "select count(*) from ticks")
	if sum := queryInt(t, s, "select sum(rows)::bigint from sys_schedule_history where schedule_name = 'tick'"); sum != rows {
		t.Errorf("history counts %d rows, ticks holds %d", sum, rows)
	}
	base := succeeded("witness")
	waitFor(t, "two more runs of the witness", func() bool { return succeeded("witness") >= base+2 })
	if got := queryInt(t, s, "select count(*) from sys_schedule_history where schedule_name = 'tick'"); got != runs {
		t.Errorf("a paused schedule ran: %d runs, was %d", got, runs)
	}
	if got := schedScript(t, s, "select state, next_run_time is null from sys_schedules where schedule_name = 'tick'"); got != "paused | true\nSELECT 1\n" {
		t.Errorf("paused schedule in sys_schedules: %q", got)
	}

	// Resume, then restart the warehouse: the schedule survives and runs again.
	schedScript(t, s, "alter schedule tick resume")
	stopRunner()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w2, err := Open(context.Background(), dir, Options{Clock: fc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w2.Close() })
	ctx2, cancel2 := context.WithCancel(context.Background())
	done2 := make(chan error, 1)
	go func() { done2 <- w2.RunSchedules(ctx2) }()
	defer func() { cancel2(); <-done2 }()
	s2 := testSession(t, w2)
	before := queryInt(t, s2, "select count(*) from ticks")
	waitFor(t, "tick to run after the restart", func() bool {
		return queryInt(t, s2, "select count(*) from ticks") > before
	})
	if out := schedScript(t, s2, "drop schedule tick; select count(*) from sys_schedule_history where schedule_name = 'tick'"); out != "DROP SCHEDULE\n0\nSELECT 1\n" {
		t.Errorf("drop: %q", out)
	}
}

// TestScheduleFollowing checks the timetable arithmetic: a rate keeps its
// phase and skips periods already past; cron takes the next match in UTC.
func TestScheduleFollowing(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	rate := &scheduleDef{name: "r", every: 30 * time.Second}
	for _, c := range []struct {
		planned, now, want time.Time
	}{
		{t0, t0, t0.Add(30 * time.Second)},
		{t0, t0.Add(5 * time.Second), t0.Add(30 * time.Second)},
		{t0, t0.Add(30 * time.Second), t0.Add(60 * time.Second)},
		{t0, t0.Add(95 * time.Second), t0.Add(120 * time.Second)},
	} {
		got, err := rate.following(c.planned, c.now)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("rate following(%v, %v) = %v, %v; want %v", c.planned, c.now, got, err, c.want)
		}
	}
	cr := &scheduleDef{name: "c", cron: "*/5 * * * *"}
	got, err := cr.following(t0, t0.Add(61*time.Second))
	if want := t0.Add(5 * time.Minute); err != nil || !got.Equal(want) {
		t.Errorf("cron following = %v, %v; want %v", got, err, want)
	}
}

// TestScheduleRunChecksPause: a run the runner planned before its schedule
// was paused or dropped does not start (no history row, its SQL does not
// run); a run of an active schedule does.
func TestScheduleRunChecksPause(t *testing.T) {
	ctx := context.Background()
	w, _ := openTest(t)
	s := testSession(t, w)
	mustRun(t, s, `CREATE TABLE ticks (at timestamp)`)
	mustRun(t, s, `CREATE SCHEDULE tick EVERY 1 HOUR AS INSERT INTO ticks VALUES (getdate())`)
	defs, err := loadSchedules(ctx, s.Conn())
	if err != nil {
		t.Fatal(err)
	}
	d := defs["tick"]
	if d == nil {
		t.Fatal("schedule tick not in the catalog")
	}
	count := func(sql string) string {
		t.Helper()
		return schedScript(t, s, sql)
	}
	mustRun(t, s, `ALTER SCHEDULE tick PAUSE`)
	w.runSchedule(ctx, d, time.Now())
	if got := count(`select count(*) from ticks`); got != "0\nSELECT 1\n" {
		t.Errorf("a paused schedule's planned run ran: ticks %q", got)
	}
	if got := count(`select count(*) from sys_schedule_history where schedule_name = 'tick'`); got != "0\nSELECT 1\n" {
		t.Errorf("a paused schedule's planned run left history %q", got)
	}
	mustRun(t, s, `ALTER SCHEDULE tick RESUME`)
	w.runSchedule(ctx, d, time.Now())
	if got := count(`select count(*) from ticks`); got != "1\nSELECT 1\n" {
		t.Errorf("an active schedule's run: ticks %q, want 1", got)
	}
	mustRun(t, s, `DROP SCHEDULE tick`)
	w.runSchedule(ctx, d, time.Now())
	if got := count(`select count(*) from ticks`); got != "1\nSELECT 1\n" {
		t.Errorf("a dropped schedule's planned run ran: ticks %q", got)
	}
}

// TestScheduleOnChange runs an ON CHANGE OF schedule: it runs once when
// created, then after each committed change to its relation (not after a
// rolled-back one), and changes made during a run cause one more run, not
// one per change.
func TestScheduleOnChange(t *testing.T) {
	w, _ := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	runnerDone := make(chan error, 1)
	go func() { runnerDone <- w.RunSchedules(ctx) }()
	defer func() {
		cancel()
		if err := <-runnerDone; err != nil {
			t.Errorf("RunSchedules: %v", err)
		}
	}()
	s := testSession(t, w)
	for _, q := range []string{
		"create table src (n int)",
		"create table copied (n int)",
		"create table other (n int)",
		// The body copies what is new: the copy equals src after a run that
		// started after src's last change.
		"create schedule follow on change of public.src as $$ insert into copied select n from src where n > (select coalesce(max(n), 0) from copied) $$",
	} {
		if out := schedScript(t, s, q); strings.Contains(out, "error") {
			t.Fatalf("%s: %s", q, out)
		}
	}
	if out := schedScript(t, s, "show schedules"); !strings.Contains(out, "on change of public.src") {
		t.Fatalf("SHOW SCHEDULES does not show the trigger:\n%s", out)
	}
	runs := func() int64 {
		return queryInt(t, s, "select count(*) from sys_schedule_history where schedule_name = 'follow' and status = 'succeeded'")
	}
	waitFor(t, "the first run", func() bool { return runs() >= 1 })
	for i := 1; i <= 20; i++ {
		schedScript(t, s, fmt.Sprintf("insert into src values (%d)", i))
	}
	waitFor(t, "copied to catch up", func() bool { return queryInt(t, s, "select count(*) from copied") == 20 })
	waitFor(t, "runs to settle", func() bool {
		return queryInt(t, s, "select count(*) from sys_schedule_history where schedule_name = 'follow' and status = 'running'") == 0
	})
	settled := runs()
	// 20 commits, coalesced: at most one run per commit plus the first.
	if settled > 21 {
		t.Fatalf("%d runs for 20 changes", settled)
	}
	// Another relation and a rolled-back write do not trigger it.
	schedScript(t, s, "insert into other values (1)")
	schedScript(t, s, "begin; insert into src values (100); rollback")
	schedScript(t, s, "insert into src values (21)")
	waitFor(t, "the change after the rollback", func() bool { return queryInt(t, s, "select count(*) from copied") == 21 })
	if n := queryInt(t, s, "select count(*) from copied where n = 100"); n != 0 {
		t.Fatalf("the rolled-back row was copied")
	}
}

// TestScheduleRunInterruptedByCrash: a run left "running" by a process that
// died during it is marked failed (57P02 crash_shutdown) when the
// scheduler starts again, instead of showing running forever.
func TestScheduleRunInterruptedByCrash(t *testing.T) {
	w, _ := openTest(t)
	c, err := w.connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Exec(context.Background(), `INSERT INTO `+CatalogSchema+`.schedule_runs
		(run_id, schedule_name, scheduled_time, start_time, status) VALUES (1, 's', now(), now(), 'running')`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.RunSchedules(ctx) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := c.Query(context.Background(), `SELECT status, error_code FROM `+CatalogSchema+`.schedule_runs WHERE run_id = 1`)
		if err != nil {
			t.Fatal(err)
		}
		res.Next()
		v := res.Values()
		res.Close()
		if v[0] == "failed" && v[1] == "57P02" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("interrupted run: %v, want failed 57P02", v)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

package warehouse

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestPruneSystemLogs: rows of every system log dated before the cutoff go,
// later ones and a schedule run still running stay, and the system views
// show what is left.
func TestPruneSystemLogs(t *testing.T) {
	ctx := context.Background()
	w, _ := openTest(t)
	c, err := w.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	now := time.Now().UTC()
	old, recent := now.Add(-8*24*time.Hour), now.Add(-time.Hour)
	for _, at := range []time.Time{old, recent} {
		for _, q := range []string{
			`INSERT INTO ` + CatalogSchema + `.mv_refresh_history (mv_id, db_name, user_name, schema_name, mv_name, starttime, endtime, status, refresh_type)
				VALUES (1, 'dev', 'u', 'public', 'v', $1, $1, 'Refresh successfully updated MV incrementally', 'Manual')`,
			`INSERT INTO ` + CatalogSchema + `.stream_scan_states (mv_name, record_time) VALUES ('v', $1)`,
			`INSERT INTO ` + CatalogSchema + `.stream_scan_errors (mv_name, record_time) VALUES ('v', $1)`,
			`INSERT INTO ` + CatalogSchema + `.stored_proc_calls (querytxt, starttime, endtime) VALUES ('call p()', $1, $1)`,
			`INSERT INTO ` + CatalogSchema + `.stored_proc_messages (message, recordtime) VALUES ('m', $1)`,
			`INSERT INTO ` + CatalogSchema + `.schedule_runs (run_id, schedule_name, scheduled_time, start_time, end_time, status)
				VALUES (1, 's', $1, $1, $1, 'succeeded')`,
		} {
			if _, err := c.Exec(ctx, q, at); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	// A run that started long ago and has not ended is kept.
	if _, err := c.Exec(ctx, `INSERT INTO `+CatalogSchema+`.schedule_runs (run_id, schedule_name, scheduled_time, start_time, status)
		VALUES (2, 's', $1, $1, 'running')`, old); err != nil {
		t.Fatal(err)
	}
	n, err := w.PruneSystemLogs(ctx, now.Add(-7*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(systemLogs)) {
		t.Errorf("pruned %d rows, want %d (one old row per log)", n, len(systemLogs))
	}
	for _, l := range systemLogs {
		var left, oldLeft int64
		res, err := c.Query(ctx, fmt.Sprintf("SELECT count(*), count(*) FILTER (WHERE %s < $1) FROM %s.%s", l.column, CatalogSchema, l.table), now.Add(-7*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if res.Next() {
			left, oldLeft = res.Values()[0].(int64), res.Values()[1].(int64)
		}
		if err := res.Close(); err != nil {
			t.Fatal(err)
		}
		want := int64(1)
		if l.table == "schedule_runs" {
			want = 2 // the recent run and the one still running
		}
		if left != want || oldLeft != 0 {
			t.Errorf("%s: %d rows left (%d old), want %d (0 old)", l.table, left, oldLeft, want)
		}
	}
	s := testSession(t, w)
	if got := mustRun(t, s, `select count(*) from sys_mv_refresh_history`); got != "[1]\nSELECT 1\n" {
		t.Errorf("sys_mv_refresh_history after pruning: %q", got)
	}
}

// TestSystemLogRetentionRuns: RunSystemLogRetention prunes when it starts,
// and returns when its context ends.
func TestSystemLogRetentionRuns(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, _ := openTest(t)
	c, err := w.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Exec(ctx, `INSERT INTO `+CatalogSchema+`.stream_scan_errors (mv_name, record_time) VALUES ('v', $1)`,
		time.Now().UTC().Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.RunSystemLogRetention(ctx, time.Hour) }()
	deadline := time.Now().Add(time.Minute)
	for {
		res, err := c.Query(ctx, `SELECT count(*) FROM `+CatalogSchema+`.stream_scan_errors`)
		if err != nil {
			t.Fatal(err)
		}
		var n int64 = -1
		if res.Next() {
			n = res.Values()[0].(int64)
		}
		_ = res.Close()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the two-hour-old row is still there a minute after retention of one hour started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

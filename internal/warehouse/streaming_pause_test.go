package warehouse_test

import (
	"strings"
	"testing"
	"time"
)

// TestRefreshCrashPausesView: a view whose refresh kills the process (an
// injected panic, as a crash inside DuckDB would) does not keep the server
// down. After a second crash and a restart the server serves, the view is paused (its reason
// in STV_MV_INFO) while other views refresh, and ALTER MATERIALIZED VIEW
// ... AUTO REFRESH YES resumes it. (Every view that was inside a batch
// when the process died is paused: which one killed it cannot be told.)
func TestRefreshCrashPausesView(t *testing.T) {
	e := newStreamEnv(t)
	e.createStream("s1", 1)
	e.createStream("s2", 1)
	e.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	e.exec(`CREATE MATERIALIZED VIEW boom AUTO REFRESH YES AS SELECT shard_id, sequence_number, json_parse(kinesis_data) AS p FROM k.s1`)
	// From the next start on, boom's first batch, at once, crashes the
	// process; after a restart it crashes it again (one crash may be an
	// innocent kill: see refresh_marker.go). The crash is injected only
	// after CREATE has answered: injected from the start, it could kill
	// the process before CREATE's reply was sent. The server stops
	// cleanly here (SIGTERM): a kill could land inside one of boom's
	// empty batches and leave a strike behind, so that the first injected
	// crash would already pause it.
	e.srv.Stop()
	t.Setenv("BLUESHIFT_TEST_CRASH_REFRESH", "boom")
	e.srv.Restart()
	for range 2 {
		deadline := time.Now().Add(60 * time.Second)
		for !strings.Contains(e.srv.Logs(), "injected crash") {
			if time.Now().After(deadline) {
				t.Fatalf("the refresh of boom did not crash the server\n%s", e.srv.Logs())
			}
			time.Sleep(20 * time.Millisecond)
		}
		e.srv.Restart()
	}
	// The third run serves, with boom paused (it would crash again).
	e.srv.Kill()
	t.Setenv("BLUESHIFT_TEST_CRASH_REFRESH", "")
	e.srv.Restart()
	e.connect()
	e.kc = kinesisClient(e.srv.AWS)
	var reason *string
	if err := e.pg.QueryRow(e.ctx, "SELECT paused_reason FROM stv_mv_info WHERE name = 'boom'").Scan(&reason); err != nil {
		t.Fatal(err)
	}
	if reason == nil || !strings.Contains(*reason, "AUTO REFRESH YES") {
		t.Fatalf("boom's paused_reason %v, want the pause and how to resume", reason)
	}
	e.exec(`CREATE MATERIALIZED VIEW fine AUTO REFRESH YES AS SELECT shard_id, sequence_number FROM k.s2`)
	e.put("s1", "a", []byte(`{"a":1}`))
	e.put("s2", "a", []byte(`x`))
	e.waitCount("SELECT count(*) FROM fine", 1)
	if n := e.count("SELECT count(*) FROM boom"); n != 0 {
		t.Errorf("paused boom has %d rows", n)
	}

	e.exec(`ALTER MATERIALIZED VIEW boom AUTO REFRESH YES`)
	e.waitCount("SELECT count(*) FROM boom", 1)
	if n := e.count("SELECT count(*) FROM stv_mv_info WHERE paused_reason IS NOT NULL"); n != 0 {
		t.Errorf("%d views still paused after ALTER", n)
	}
}

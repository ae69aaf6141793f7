package warehouse

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// Another session's queries and its end show in the monitoring views under
// its process ID, and PG_CANCEL_BACKEND cancels what it runs.
func TestQueryLogAcrossSessions(t *testing.T) {
	w, _ := openTest(t)
	watcher := testSession(t, w)
	a, err := w.NewSession(t.Context(), "alice", "")
	if err != nil {
		t.Fatal(err)
	}
	pid := a.ID()
	mustRun(t, a, "select 42")
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got := mustRun(t, watcher, fmt.Sprintf(`select trim(querytxt), aborted from stl_query where pid = %d;
		select user_name, timed_out, endtime >= starttime from stl_sessions where process = %d;
		select count(*) from stv_sessions where process = %d`, pid, pid, pid))
	want := "[select 42 0]\nSELECT 1\n[alice 2 true]\nSELECT 1\n[0]\nSELECT 1\n"
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}

	// A long query of b's, canceled from the watcher once STV_INFLIGHT
	// shows it (polled, with a deadline).
	b := testSession(t, w)
	done := make(chan error, 1)
	go func() {
		_, err := run(t, b, "select pg_sleep(60)")
		done <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out := mustRun(t, watcher, fmt.Sprintf("select count(*) from stv_inflight where pid = %d", b.ID()))
		if out == "[1]\nSELECT 1\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("b's query never showed in stv_inflight: %s", out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := mustRun(t, watcher, fmt.Sprintf("select pg_cancel_backend(%d)", b.ID())); got != "[true]\nSELECT 1\n" {
		t.Fatalf("pg_cancel_backend: %s", got)
	}
	select {
	case err := <-done:
		if sqlerr.CodeOf(err) != sqlerr.QueryCanceled {
			t.Fatalf("b's query ended with %v, want 57014", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("b's query was not canceled")
	}
	got = mustRun(t, watcher, fmt.Sprintf("select status from sys_query_history where session_id = %d", b.ID()))
	if got != "[canceled]\nSELECT 1\n" {
		t.Fatalf("sys_query_history: %s", got)
	}
}

// A long statement's text is kept to its first 8 KiB, cut on a character.
func TestQueryLogTextLimit(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	long := "select '" + strings.Repeat("é", 5000) + "'"
	mustRun(t, s, long)
	got := mustRun(t, s, "select octet_length(querytxt), left(querytxt, 9) from rs_query_log() where query = 1")
	// 8 bytes of "select '" then whole 2-byte characters up to 8192 bytes.
	if want := "[8192 select 'é]\nSELECT 1\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

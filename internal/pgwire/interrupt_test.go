package pgwire_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
)

// slowToPlan is a statement DuckDB takes long to bind and plan (a second or
// more here) and no time to run: an IN list of 100,000 values, the most the
// complexity limits allow (docs/limits.md).
func slowToPlan() string {
	var b strings.Builder
	b.WriteString("select 1 where 5 in (")
	for i := range 100_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(i))
	}
	b.WriteString(")")
	return b.String()
}

// statement_timeout covers planning: the statement fails with 57014 and
// Postgres's message for a timeout. Before, only execution was timed, and a
// statement slow to plan ran to its end.
func TestStatementTimeoutCoversPlanning(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, "set statement_timeout = 100"); err != nil {
		t.Fatal(err)
	}
	var one int
	err := c.QueryRow(ctx, slowToPlan()).Scan(&one)
	if pgCode(err) != "57014" || !strings.Contains(err.Error(), "canceling statement due to statement timeout") {
		t.Fatalf("got %v (row %d), want 57014 canceling statement due to statement timeout", err, one)
	}
	if _, err := c.Exec(ctx, "set statement_timeout = 0"); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("connection unusable after the timeout: %v", err)
	}
}

// A CancelRequest reaches a statement being planned. Before, a cancel
// during planning was dropped and the statement ran to its end.
func TestCancelReachesPlanning(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	pc := c.PgConn()
	mrr := pc.Exec(ctx, slowToPlan())
	done := make(chan error, 1)
	go func() {
		_, err := mrr.ReadAll()
		done <- err
	}()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if pgCode(err) != "57014" {
				t.Fatalf("got %v, want 57014", err)
			}
			return
		case <-tick.C:
			cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
			_ = pc.CancelRequest(cctx)
			ccancel()
		case <-ctx.Done():
			t.Fatal("statement not cancelled")
		}
	}
}

// A client that goes away cancels its statement, also one that sends
// nothing until its end (an aggregate over a trillion rows). Before, it ran
// on with nobody to read it.
func TestClientGoneCancelsStatement(t *testing.T) {
	s := server(t)
	r := dialRaw(t, s)
	r.send(&pgproto3.Query{String: "select count(*) from range(1000000000000) t(i)"})
	if err := r.nc.Close(); err != nil {
		t.Fatal(err)
	}
	// The server counts the statement's 57014 once it stopped.
	re := regexp.MustCompile(`(?m)^blueshift_warehouse_statement_errors_total\{sqlstate="57014"\} (\d+)`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + s.HTTP + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if m := re.FindSubmatch(b); m != nil && string(m[1]) != "0" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the statement of a client gone 30 s ago was not cancelled\n%s", s.Logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// statement_timeout times each Execute of a portal on its own, as Postgres
// does: a portal read a row at a time, with pauses that add up to more than
// the timeout, reads to its end. A statement whose rows are slow to come
// (computed while they are read) is stopped by it, with its message.
func TestStatementTimeoutPerExecute(t *testing.T) {
	s := server(t)
	r := dialRaw(t, s)
	r.send(&pgproto3.Query{String: "set statement_timeout = 300"})
	r.until("ReadyForQuery")
	r.send(&pgproto3.Query{String: "begin"}) // the portal outlives each Sync
	r.until("ReadyForQuery")
	r.send(&pgproto3.Parse{Name: "q", Query: "select i from range(8) t(i)"},
		&pgproto3.Bind{DestinationPortal: "p", PreparedStatement: "q"}, &pgproto3.Sync{})
	r.until("ReadyForQuery")
	for i := range 8 {
		r.send(&pgproto3.Execute{Portal: "p", MaxRows: 1}, &pgproto3.Sync{})
		got := strings.Join(r.until("ReadyForQuery"), ",")
		if !strings.HasPrefix(got, "DataRow ["+strconv.Itoa(i)+"],PortalSuspended") {
			t.Fatalf("Execute %d: %s", i, got)
		}
		time.Sleep(100 * time.Millisecond) // the client works on its row
	}
	r.send(&pgproto3.Execute{Portal: "p", MaxRows: 1}, &pgproto3.Sync{})
	if got := strings.Join(r.until("ReadyForQuery"), ","); !strings.HasPrefix(got, "CommandComplete SELECT 8") {
		t.Fatalf("last Execute: %s", got)
	}
	r.send(&pgproto3.Query{String: "commit"})
	r.until("ReadyForQuery")

	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, "set statement_timeout = 300"); err != nil {
		t.Fatal(err)
	}
	rows, err := c.Query(ctx, "select i from range(1000000000000) t(i) where i % 1000000000000 = 999999999999")
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
	}
	if pgCode(err) != "57014" || !strings.Contains(err.Error(), "statement timeout") {
		t.Fatalf("slow rows: %v, want 57014 canceling statement due to statement timeout", err)
	}
}

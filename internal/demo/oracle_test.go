package demo

import (
	"context"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

var (
	oracleChanges = flag.Int64("oracle.changes", 3000, "item changes the oracle test's application makes (a longer run: -oracle.changes 100000)")
	oracleRate    = flag.Float64("oracle.rate", 2000, "item changes per second the oracle test's application aims at")
	oracleSeed    = flag.Uint64("oracle.seed", 7, "the oracle test application's seed")
)

// TestExactLoadOracle runs the application at speed against the built
// binary, with the pipeline as the demo sets it up (the exact load on ON
// CHANGE OF, the article's load on a schedule, both running while the
// application writes), and then compares the exact fact table row by row
// with a Scan of the application table: the fact table must hold exactly
// the table's items projected to the fact columns (FactOf), with every
// delete applied and every change applied once, in order.
//
// The expected rows come from the application table itself, read through
// the DynamoDB API, not from the warehouse.
func TestExactLoadOracle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	srv := testserver.Start(t)
	addrs := map[string]string{"aws": srv.AWS, "sql": srv.SQL, "http": srv.HTTP}
	conn, err := pgx.Connect(ctx, "postgres://tester@"+srv.SQL+"/dev?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if resumed, err := SetUp(ctx, addrs, conn, 2, 2*time.Second); err != nil || resumed {
		t.Fatalf("SetUp: resumed %v, %v", resumed, err)
	}
	db := NewDynamoDB(srv.AWS, 8)
	// A small key space, so that items are updated, have attributes removed
	// and are deleted many times over.
	app := NewApp(db, AppOptions{Customers: 20, Live: 400, Workers: 4, Seed: *oracleSeed})
	start := time.Now()
	if err := app.Run(ctx, *oracleRate, *oracleChanges); err != nil {
		t.Fatal(err)
	}
	t.Logf("the application made %d item changes in %s", app.Writes.Load(), time.Since(start).Round(time.Millisecond))

	records, err := StreamRecords(ctx, NewKinesis(srv.AWS), StreamName)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the stream holds %d change records", records)
	if records < int(app.Writes.Load())/2 {
		t.Fatalf("%d change records for %d item changes", records, app.Writes.Load())
	}
	wctx, wcancel := context.WithTimeout(ctx, 2*time.Minute)
	defer wcancel()
	if err := WaitExactLoaded(wctx, conn, int64(records)); err != nil {
		t.Fatal(err)
	}
	want, err := TableFacts(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	got, err := QueryFacts(ctx, conn, ExactFactsQuery)
	if err != nil {
		t.Fatal(err)
	}
	if diff := DiffFacts(want, got); len(diff) > 0 {
		if len(diff) > 20 {
			diff = append(diff[:20], "...")
		}
		t.Fatalf("the exact fact table (%d rows) differs from the application table (%d items) at %d keys:\n%s",
			len(got), len(want), len(diff), strings.Join(diff, "\n"))
	}
	t.Logf("the exact fact table equals the application table: %d rows", len(got))
	var fails int64
	if err := conn.QueryRow(ctx, `select count(*) from sys_schedule_history where status not in ('succeeded', 'running')`).Scan(&fails); err != nil {
		t.Fatal(err)
	}
	if fails != 0 {
		t.Errorf("%d schedule runs did not succeed", fails)
	}
}

// TestExactLoadCrash kills the server (SIGKILL) while the application
// writes and the loads run, several times, restarting it on the same data
// directory; then the exact fact table must still equal the application
// table: no change lost or applied twice by a load cut off mid-run. Writes
// the crash cut off may or may not have happened; the table, read after
// the last restart, is the truth either way.
func TestExactLoadCrash(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	srv := testserver.Start(t)
	connect := func() *pgx.Conn {
		conn, err := pgx.Connect(ctx, "postgres://tester@"+srv.SQL+"/dev?sslmode=disable")
		if err != nil {
			t.Fatal(err)
		}
		return conn
	}
	conn := connect()
	if _, err := SetUp(ctx, map[string]string{"aws": srv.AWS, "sql": srv.SQL, "http": srv.HTTP}, conn, 2, time.Second); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	for round := range 4 {
		app := NewApp(NewDynamoDB(srv.AWS, 4), AppOptions{Customers: 20, Live: 300, Workers: 4, Seed: uint64(round + 1)})
		done := make(chan error, 1)
		go func() { done <- app.Run(ctx, 1000, 600) }()
		// Crash mid-way through the round's writes, while the exact load
		// follows them.
		for app.Writes.Load() < 300 {
			select {
			case err := <-done:
				t.Fatalf("round %d: the application stopped early: %v", round, err)
			case <-time.After(5 * time.Millisecond):
			}
		}
		srv.Kill()
		<-done // its writes now fail: the server is gone
		srv.Restart()
		t.Logf("round %d: killed after %d acknowledged changes", round, app.Writes.Load())
	}

	conn = connect()
	defer conn.Close(context.Background())
	records, err := StreamRecords(ctx, NewKinesis(srv.AWS), StreamName)
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(ctx, 2*time.Minute)
	defer wcancel()
	if err := WaitExactLoaded(wctx, conn, int64(records)); err != nil {
		t.Fatal(err)
	}
	want, err := TableFacts(ctx, NewDynamoDB(srv.AWS, 1))
	if err != nil {
		t.Fatal(err)
	}
	got, err := QueryFacts(ctx, conn, ExactFactsQuery)
	if err != nil {
		t.Fatal(err)
	}
	if diff := DiffFacts(want, got); len(diff) > 0 {
		if len(diff) > 20 {
			diff = append(diff[:20], "...")
		}
		t.Fatalf("after 4 crashes the exact fact table (%d rows) differs from the application table (%d items) at %d keys:\n%s",
			len(got), len(want), len(diff), strings.Join(diff, "\n"))
	}
	t.Logf("after 4 crashes: %d change records, the exact fact table equals the application table (%d rows)", records, len(got))
}

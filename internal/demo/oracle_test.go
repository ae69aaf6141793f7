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

package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// The article's procedure (SP_Customer_Transaction_Fact in scenario.sql)
// modelled in Go from its SQL, so that a test can tell its known weaknesses
// (which blueshift must reproduce when running it verbatim) from anything
// else. Per run, given the records in the streaming view at the run and the
// audit row's EndDate before it:
//
//   - it takes the records with eventName <> 'REMOVE' and
//     approximate_arrival_timestamp > EndDate (a record that reached the view
//     only after a run whose EndDate is later than its arrival is never
//     loaded; REMOVEs are ignored);
//   - per Transaction_ID and per column, the non-NULL values of the latest
//     arrival time (rank() over (order by case when c is not null then 1
//     end, arrival desc) = 1; ASC puts NULL last, as Redshift documents),
//     and of those the least (min): ties of one arrival millisecond are
//     broken by value, not by order;
//   - it deletes the fact rows of those Transaction_IDs and inserts the new
//     ones (a column with no value in the run's records is NULL, whatever
//     the older row held).

// articleRecord is one change record as the streaming view holds it.
type articleRecord struct {
	shard, seq string
	arrival    time.Time
	event      string
	// cols are the fact columns, as the unnest view derives them (nil: NULL).
	txn  string
	cols [6]*string // Customer_ID, percent, amount, max, provider, completion
	// nums holds the numeric columns' values for min() (percent, amount, max).
	nums [6]float64
}

// articleRun is what one CALL saw.
type articleRun struct {
	visible map[string]bool // shard/seq of the records in the view
	endDate time.Time       // MetaData_ETL.EndDate before the run
}

// parseArticleRecord reads a streaming view row: its payload as JSON text.
func parseArticleRecord(shard, seq string, arrival time.Time, payload string) (articleRecord, error) {
	var p struct {
		EventName string `json:"eventName"`
		Dynamodb  struct {
			Keys     map[string]map[string]any `json:"Keys"`
			NewImage map[string]map[string]any `json:"NewImage"`
		} `json:"dynamodb"`
	}
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return articleRecord{}, fmt.Errorf("payload of %s/%s: %w", shard, seq, err)
	}
	r := articleRecord{shard: shard, seq: seq, arrival: arrival, event: p.EventName}
	get := func(m map[string]map[string]any, name, typ string) *string {
		v, ok := m[name][typ]
		if !ok {
			return nil
		}
		s := fmt.Sprint(v)
		return &s
	}
	pk, sk := get(p.Dynamodb.Keys, "pk", "S"), get(p.Dynamodb.Keys, "sk", "S")
	if pk == nil || sk == nil {
		return r, fmt.Errorf("record %s/%s has no pk/sk", shard, seq)
	}
	// substring(x, position('#TRANSACTION' in x)+1): all of sk when absent.
	r.txn = *sk
	if i := strings.Index(*sk, "#TRANSACTION"); i >= 0 {
		r.txn = (*sk)[i+1:]
	}
	cust := (*pk)[strings.Index(*pk, "#")+1:]
	r.cols[0] = &cust
	img := p.Dynamodb.NewImage
	for i, f := range []struct {
		name  string
		scale int
	}{{"OutofPockPercent", 2}, {"OutofPockAmount", 0}, {"OutofPockMax", 0}} {
		if v := get(img, f.name, "N"); v != nil {
			x, err := strconv.ParseFloat(*v, 64)
			if err != nil {
				return r, fmt.Errorf("record %s/%s: %s: %w", shard, seq, f.name, err)
			}
			s := strconv.FormatFloat(x, 'f', f.scale, 64)
			r.cols[1+i], r.nums[1+i] = &s, x
		}
	}
	r.cols[4] = get(img, "Provider", "S")
	if v := get(img, "completionDateTime", "S"); v != nil {
		t, err := time.Parse(time.RFC3339, *v)
		if err != nil {
			return r, fmt.Errorf("record %s/%s: completionDateTime: %w", shard, seq, err)
		}
		s := t.UTC().Format("2006-01-02 15:04:05")
		r.cols[5] = &s
	}
	return r, nil
}

// less orders column i's values as min() does: numbers as numbers, the
// rest (strings, timestamps in a sortable form) as text.
func (r articleRecord) less(o articleRecord, i int) bool {
	if i >= 1 && i <= 3 {
		return r.nums[i] < o.nums[i]
	}
	return *r.cols[i] < *o.cols[i]
}

// articleFacts applies runs to an empty fact table and returns it in
// QueryFacts's form for articleFactsQuery (Transaction_ID first).
func articleFacts(records []articleRecord, runs []articleRun) Facts {
	facts := Facts{}
	for _, run := range runs {
		byTxn := map[string][]articleRecord{}
		for _, r := range records {
			if run.visible[r.shard+"/"+r.seq] && strings.ToUpper(r.event) != "REMOVE" && r.arrival.After(run.endDate) {
				byTxn[r.txn] = append(byTxn[r.txn], r)
			}
		}
		for txn, rs := range byTxn {
			row := []string{txn}
			for i := range 6 {
				var best *articleRecord
				for j := range rs {
					r := &rs[j]
					if r.cols[i] == nil {
						continue
					}
					switch {
					case best == nil, r.arrival.After(best.arrival):
						best = r
					case r.arrival.Equal(best.arrival) && r.less(*best, i):
						best = r
					}
				}
				if best == nil {
					row = append(row, "NULL")
				} else {
					row = append(row, *best.cols[i])
				}
			}
			facts[txn+" | "+row[1]] = strings.Join(row, " | ")
		}
	}
	return facts
}

// articleFactsQuery reads the article's fact table in articleFacts's form.
const articleFactsQuery = `select Transaction_ID, Customer_ID, OutofPocket_Percent::varchar, OutofPock_Amount::varchar,
	OutofPocket_Max::varchar, Provider, to_char(completion_datetime, 'YYYY-MM-DD HH24:MI:SS')
	from Customer_Transaction_Fact`

// TestArticleLoadOracle runs the article's procedure verbatim over the
// application's changes, in rounds. In some rounds the streaming view takes
// the round's records in before the CALL; in others only after it, as when
// records arrive while a run is going: the article's watermark then skips
// them. The fact table must equal articleFacts, computed in Go from the
// change records, what each run saw and the EndDate before it. The test
// also checks that the weaknesses did show: a skipped record, an ignored
// REMOVE.
func TestArticleLoadOracle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	srv := testserver.Start(t)
	addrs := map[string]string{"aws": srv.AWS, "sql": srv.SQL, "http": srv.HTTP}
	conn, err := pgx.Connect(ctx, "postgres://tester@"+srv.SQL+"/dev?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := SetUp(ctx, addrs, conn, 2, time.Hour); err != nil {
		t.Fatal(err)
	}
	// The test decides when the view takes records in and when the
	// article's load runs.
	if err := Exec(ctx, conn, "ALTER SCHEDULE load_customer_transaction_fact PAUSE",
		"ALTER MATERIALIZED VIEW demo_stream_vw AUTO REFRESH NO", "REFRESH MATERIALIZED VIEW demo_stream_vw"); err != nil {
		t.Fatal(err)
	}
	db := NewDynamoDB(srv.AWS, 4)
	kc := NewKinesis(srv.AWS)
	var runs []articleRun
	total := 0
	for round := range 8 {
		app := NewApp(db, AppOptions{Customers: 10, Live: 100, Workers: 2, Seed: uint64(round + 1)})
		if err := app.Run(ctx, 1000, 150); err != nil {
			t.Fatal(err)
		}
		n, err := StreamRecords(ctx, kc, StreamName)
		if err != nil {
			t.Fatal(err)
		}
		total = n
		if round%3 != 1 { // rounds 1, 4, 7: the records reach the view only after the CALL
			if err := Exec(ctx, conn, "REFRESH MATERIALIZED VIEW demo_stream_vw"); err != nil {
				t.Fatal(err)
			}
		}
		run := articleRun{visible: map[string]bool{}}
		rows, err := conn.Query(ctx, "select shard_id, sequence_number from demo_stream_vw", pgx.QueryExecModeSimpleProtocol)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var shard, seq string
			if err := rows.Scan(&shard, &seq); err != nil {
				t.Fatal(err)
			}
			run.visible[shard+"/"+seq] = true
		}
		rows.Close()
		if err := conn.QueryRow(ctx, "select EndDate from MetaData_ETL where JobName = 'Customer_Transaction_Fact_Load'").Scan(&run.endDate); err != nil {
			t.Fatal(err)
		}
		if err := Exec(ctx, conn, "CALL SP_Customer_Transaction_Fact()"); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	if err := Exec(ctx, conn, "REFRESH MATERIALIZED VIEW demo_stream_vw"); err != nil {
		t.Fatal(err)
	}

	// The change records, as the streaming view holds them.
	var records []articleRecord
	rows, err := conn.Query(ctx, "select shard_id, sequence_number, approximate_arrival_timestamp, payload from demo_stream_vw",
		pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var shard, seq, payload string
		var arrival time.Time
		if err := rows.Scan(&shard, &seq, &arrival, &payload); err != nil {
			t.Fatal(err)
		}
		r, err := parseArticleRecord(shard, seq, arrival, payload)
		if err != nil {
			t.Fatal(err)
		}
		records = append(records, r)
	}
	rows.Close()
	if len(records) != total {
		t.Fatalf("the streaming view holds %d records, the stream %d", len(records), total)
	}

	want := articleFacts(records, runs)
	got, err := QueryFacts(ctx, conn, articleFactsQuery)
	if err != nil {
		t.Fatal(err)
	}
	if diff := DiffFactsWhy(want, got, [3]string{
		"the article's semantics load this row, the fact table lacks it",
		"the fact row differs from what the article's semantics give",
		"the fact table holds a row the article's semantics do not",
	}); len(diff) > 0 {
		if len(diff) > 20 {
			diff = append(diff[:20], "...")
		}
		t.Fatalf("the article's fact table (%d rows) differs from its semantics computed in Go (%d rows) at %d keys:\n%s",
			len(got), len(want), len(diff), strings.Join(diff, "\n"))
	}

	// The weaknesses showed: records never loaded, deleted items kept.
	skipped, removes := 0, 0
	for _, r := range records {
		if r.event == "REMOVE" {
			removes++
			continue
		}
		loaded := false
		for _, run := range runs {
			if run.visible[r.shard+"/"+r.seq] && r.arrival.After(run.endDate) {
				loaded = true
			}
		}
		if !loaded {
			skipped++
		}
	}
	table, err := TableFacts(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]bool{} // "Transaction_ID | Customer_ID" of the table's items
	for k := range table {
		cust, txn, _ := strings.Cut(k, " | ")
		items[txn+" | "+cust] = true
	}
	stale := 0
	for k := range got {
		if !items[k] {
			stale++
		}
	}
	t.Logf("%d change records in %d runs; the article's load skipped %d and ignored %d REMOVEs; %d of its %d fact rows are items since deleted",
		len(records), len(runs), skipped, removes, stale, len(got))
	if skipped == 0 || removes == 0 || stale == 0 {
		t.Errorf("the run did not exercise the article's weaknesses (skipped %d, REMOVEs %d, stale rows %d)", skipped, removes, stale)
	}
}

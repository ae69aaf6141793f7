package warehouse

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/source"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// changeRecord returns the i-th ~1 KB DynamoDB change record, shaped like
// the reference scenario's sample record.
func changeRecord(i int) []byte {
	return []byte(fmt.Sprintf(`{"awsRegion":"us-east-1","eventID":"6d24680a-6d12-49e2-8a6b-%012d","eventName":"%s","userIdentity":null,"recordFormat":"application/json","tableName":"sample-dynamoDB","dynamodb":{"ApproximateCreationDateTime":%d,"Keys":{"pk":{"S":"CUSTOMER#CUST_%d"},"sk":{"S":"TRANSACTION#2022-07-08T23:59:59Z#CUST_%d"}},"NewImage":{"completionDateTime":{"S":"2022-07-08T23:59:59Z"},"OutofPockPercent":{"N":"50.00"},"calculationRequirements":{"M":{"dependentIds":{"L":[{"M":{"sk":{"S":"CUSTOMER#2022-07-08T23:59:59Z#CUST_%d"},"pk":{"S":"CUSTOMER#CUST_%d"}}},{"M":{"sk":{"S":"CUSTOMER#2022-07-08T23:59:59Z#CUST_%d"},"pk":{"S":"CUSTOMER#CUST_%d"}}}]}}},"Event":{"S":"SAMPLE"},"Provider":{"S":"PV-%d"},"OutofPockAmount":{"N":"%d"},"lastCalculationDateTime":{"S":"2022-07-08T00:00:00Z"},"sk":{"S":"CUSTOMER#2022-07-08T23:59:59Z#CUST_%d"},"OutofPockMax":{"N":"2000"},"pk":{"S":"CUSTOMER#CUST_%d"}},"SizeBytes":694},"eventSource":"aws:dynamodb"}`,
		i, []string{"INSERT", "MODIFY", "REMOVE"}[i%3], 1657294923614+int64(i), i, i, i+1, i, i+2, i, i%50, 1000+i%1000, i+1, i))
}

type benchEnv struct {
	log *streamlog.Log
	w   *Warehouse
	s   *Session
}

func newBenchEnv(b *testing.B, shards int) *benchEnv {
	b.Helper()
	ctx := context.Background()
	l, err := streamlog.Open(b.TempDir(), streamlog.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = l.Close() })
	if err := l.Create(ctx, "s", streamlog.CreateOptions{ShardCount: shards}); err != nil {
		b.Fatal(err)
	}
	w, err := Open(ctx, b.TempDir(), Options{Sources: &source.Registry{Log: source.NewLog(l)}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = w.Close() })
	s, err := w.NewSession(ctx, "u", "")
	if err != nil {
		b.Fatal(err)
	}
	e := &benchEnv{log: l, w: w, s: s}
	e.run(b, `CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	return e
}

func (e *benchEnv) run(b *testing.B, sql string) {
	b.Helper()
	rs := e.s.Execute(context.Background(), sql, nil)
	for rs.Next() {
	}
	if err := rs.Err(); err != nil {
		b.Fatalf("%s: %v", sql, err)
	}
}

func (e *benchEnv) count(b *testing.B, c *Conn, sql string) int64 {
	res, err := c.Query(context.Background(), sql)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Close()
	res.Next()
	return res.Values()[0].(int64)
}

// BenchmarkStreamingIngest measures records/s from the stream into a view
// with json_parse (1 KB change records), beside the fastest hand-written
// DuckDB load of the same records: read the JSON-lines file, cast to VARIANT.
func BenchmarkStreamingIngest(b *testing.B) {
	const n = 300_000 // more than the largest bound, so every bound ends at least one batch early
	recs := make([][]byte, n)
	for i := range recs {
		recs[i] = changeRecord(i)
	}
	// The batch bound trades memory for commits: each bound is measured.
	for _, bound := range []batchBound{{records: batchMaxRecords, bytes: batchMaxBytes}, {records: 100_000, bytes: 128 << 20}, {records: 20_000, bytes: 32 << 20}} {
		b.Run(fmt.Sprintf("view/bound=%dk", bound.records/1000), func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				e := newBenchEnv(b, 2)
				e.w.ingest.bound = bound
				for j := 0; j < n; j += 500 {
					entries := make([]streamlog.Entry, 0, 500)
					for _, r := range recs[j:min(j+500, n)] {
						entries = append(entries, streamlog.Entry{PartitionKey: r[60:80], Data: r})
					}
					if err := e.log.Append(context.Background(), "s", entries, make([]streamlog.Appended, len(entries))); err != nil {
						b.Fatal(err)
					}
				}
				e.run(b, `CREATE MATERIALIZED VIEW v AS SELECT approximate_arrival_timestamp, partition_key, shard_id, sequence_number, json_parse(kinesis_data) AS payload FROM k.s`)
				start := time.Now()
				e.run(b, `REFRESH MATERIALIZED VIEW v`)
				total += time.Since(start)
				if got := e.count(b, e.s.conn, "SELECT count(*) FROM v"); got != n {
					b.Fatalf("view holds %d rows, want %d", got, n)
				}
			}
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "records/s")
		})
	}
	b.Run("duckdb", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "records.json")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		bw := bufio.NewWriter(f)
		for _, r := range recs {
			bw.Write(r)
			bw.WriteByte('\n')
		}
		if err := errors2(bw.Flush(), f.Close()); err != nil {
			b.Fatal(err)
		}
		// DuckDB alone, on a database of its own: the warehouse's reads no
		// files (enable_external_access is off).
		var total time.Duration
		for i := 0; i < b.N; i++ {
			db, err := sql.Open("duckdb", filepath.Join(b.TempDir(), "hand.duckdb")+"?storage_compatibility_version=v1.5.0&variant_minimum_shredding_size=-1")
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if _, err := db.Exec(`CREATE TABLE hand AS SELECT CAST(json AS VARIANT) AS payload FROM read_json_objects('` + path + `', format = 'newline_delimited')`); err != nil {
				b.Fatal(err)
			}
			total += time.Since(start)
			var got int
			if err := db.QueryRow("SELECT count(*) FROM hand").Scan(&got); err != nil || got != n {
				b.Fatalf("table holds %d rows (%v), want %d", got, err, n)
			}
			_ = db.Close()
		}
		b.ReportMetric(float64(n*b.N)/total.Seconds(), "records/s")
	})
}

func errors2(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// BenchmarkStreamingFreshness measures the time from an append being
// acknowledged (streamlog's Append returning: PutRecords' ack point) to its
// row being visible to another connection's query, with AUTO REFRESH, at
// 1,000 and 10,000 records/s of 1 KB change records, 3 seconds each.
func BenchmarkStreamingFreshness(b *testing.B) {
	for _, rate := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) {
			var lat []time.Duration
			for i := 0; i < b.N; i++ {
				lat = append(lat, freshnessRun(b, rate, 3*time.Second)...)
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
		})
	}
}

func freshnessRun(b *testing.B, rate int, d time.Duration) []time.Duration {
	ctx := context.Background()
	e := newBenchEnv(b, 1)
	e.run(b, `CREATE MATERIALIZED VIEW v AUTO REFRESH YES AS SELECT sequence_number, json_parse(kinesis_data) AS payload FROM k.s`)
	total := int(float64(rate) * d.Seconds())
	acked := make([]time.Time, total)
	visible := make([]time.Time, total)
	const tick = 10 * time.Millisecond
	const pollEvery = 5 * time.Millisecond
	perTick := rate / int(time.Second/tick)

	watcher, err := e.w.connect(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer watcher.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the reader: records each row's first sighting
		defer wg.Done()
		seen := 0
		deadline := time.Now().Add(d + 30*time.Second)
		for seen < total && time.Now().Before(deadline) {
			start := time.Now()
			n := int(e.count(b, watcher, "SELECT count(*) FROM public.v"))
			now := time.Now()
			for ; seen < n; seen++ {
				visible[seen] = now
			}
			// At most one poll per pollEvery: a reader spinning on count(*)
			// would take one of the machine's cores from the ingestion it
			// measures. It adds up to pollEvery to a measured latency.
			time.Sleep(pollEvery - now.Sub(start))
		}
	}()
	t := time.NewTicker(tick)
	defer t.Stop()
	rec := changeRecord(1)
	for sent := 0; sent < total; {
		<-t.C
		k := min(perTick, total-sent)
		entries := make([]streamlog.Entry, k)
		for j := range entries {
			entries[j] = streamlog.Entry{PartitionKey: []byte("k"), Data: rec}
		}
		if err := e.log.Append(ctx, "s", entries, make([]streamlog.Appended, k)); err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		for j := range k {
			acked[sent+j] = now
		}
		sent += k
	}
	wg.Wait()
	lat := make([]time.Duration, 0, total)
	for i := range total {
		if visible[i].IsZero() {
			b.Fatalf("record %d never became visible", i)
		}
		lat = append(lat, max(0, visible[i].Sub(acked[i])))
	}
	return lat
}

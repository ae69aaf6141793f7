package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"
)

// How long the view may go without a new row, while records are missing,
// before the run fails.
const stallTimeout = time.Minute

// pollEvery is the least time between the starts of two polls of the view.
const pollEvery = 10 * time.Millisecond

// drive sets the pipeline up on the server at awsAddr/sqlAddr and runs the
// phases, filling res.
func drive(ctx context.Context, o Options, res *Result, awsAddr, sqlAddr string, external bool) error {
	kc := newKinesis(awsAddr, max(o.Clients, 1))
	nm := newNames()
	conn, err := connect(ctx, &o, sqlAddr, !external)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))

	o.progress("creating stream %s (%d shards), external schema %s and view %s", nm.stream, o.Shards, nm.schema, nm.view)
	if err := createStream(ctx, kc, nm.stream, o.Shards); err != nil {
		return err
	}
	if external { // leave the running server as it was
		defer func() {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			err := errors.Join(execSQL(cctx, conn, "DROP MATERIALIZED VIEW "+nm.view, "DROP SCHEMA "+nm.schema),
				deleteStream(cctx, kc, nm.stream))
			if err != nil {
				o.progress("cleaning up: %v", err)
			}
		}()
	}
	if err := execSQL(ctx, conn,
		"CREATE EXTERNAL SCHEMA "+nm.schema+" FROM KINESIS IAM_ROLE default",
		"CREATE MATERIALIZED VIEW "+nm.view+" AUTO REFRESH YES AS SELECT approximate_arrival_timestamp, partition_key, shard_id, sequence_number, json_parse(kinesis_data) AS payload FROM "+nm.schema+`."`+nm.stream+`"`,
	); err != nil {
		return err
	}

	o.progress("phase 1, put: %d records of %d bytes from %d clients", o.Records, o.RecordSize, o.Clients)
	put, start, lastAck, err := putPhase(ctx, &o, kc, nm.stream)
	if err != nil {
		return err
	}
	res.Put = put

	o.progress("phase 2, ingest: waiting for the view to hold all %d records", o.Records)
	res.Ingest, err = ingestPhase(ctx, &o, conn, sqlAddr, !external, nm.view, int64(o.Records), start, lastAck)
	if err != nil {
		return err
	}
	// The bulk load leaves tens of MB in DuckDB's write-ahead log, which the
	// next commit would checkpoint: a stall of about a second that belongs
	// to the load, not to the steady state phase 3 measures.
	o.progress("checkpointing the bulk load's write-ahead log")
	if res.Ingest.CheckpointSeconds, err = checkpoint(ctx, conn); err != nil {
		return err
	}

	o.progress("phase 3, freshness: %d records/s for %s", o.Rate, o.Duration)
	res.Freshness, err = freshnessPhase(ctx, &o, kc, sqlAddr, nm, !external)
	if err != nil {
		return err
	}

	total := int64(o.Records + o.freshRecords())
	o.progress("phase 4, query: point lookups (by key, by JSON field) and an aggregate from %d connections, %s each", o.QueryClients, o.QueryDuration)
	res.Query, err = queryPhase(ctx, &o, sqlAddr, nm.view, total, !external)
	if err != nil {
		return err
	}

	o.progress("verifying the view")
	res.Verify, err = verify(ctx, conn, nm.view, total)
	return err
}

func deleteStream(ctx context.Context, kc *kinesis.Client, name string) error {
	if _, err := kc.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(name), EnforceConsumerDeletion: aws.Bool(true)}); err != nil {
		return fmt.Errorf("bench: delete stream %s: %w", name, err)
	}
	return nil
}

// batcher builds PutRecords entries for a range of ids, reusing its memory
// between calls (the SDK is done with the entries once the call returns).
type batcher struct {
	size    int
	buf     []byte
	entries []types.PutRecordsRequestEntry
}

func (b *batcher) build(lo, hi int64, now time.Time) []types.PutRecordsRequestEntry {
	n := int(hi - lo)
	if cap(b.buf) < n*b.size {
		b.buf = make([]byte, 0, n*b.size)
	}
	b.buf = b.buf[:0]
	for id := lo; id < hi; id++ {
		b.buf = appendRecord(b.buf, id, b.size, now)
	}
	b.entries = b.entries[:0]
	for i := range n {
		id := lo + int64(i)
		b.entries = append(b.entries, types.PutRecordsRequestEntry{
			Data:         b.buf[i*b.size : (i+1)*b.size],
			PartitionKey: aws.String(strconv.FormatInt(id, 10)),
		})
	}
	return b.entries
}

// putPhase puts records 0..Records-1 in batches, from Clients goroutines
// that each take the next batch as they finish one. It returns when the
// puts began and when the last was acknowledged.
func putPhase(ctx context.Context, o *Options, kc *kinesis.Client, stream string) (PutResult, time.Time, time.Time, error) {
	size := int64(o.batchSize())
	batches := (int64(o.Records) + size - 1) / size
	var next atomic.Int64
	lats := make([][]time.Duration, o.Clients)
	lastAcks := make([]time.Time, o.Clients)
	g, gctx := errgroup.WithContext(ctx)
	start := time.Now()
	for c := range o.Clients {
		g.Go(func() error {
			b := batcher{size: o.RecordSize}
			for {
				i := next.Add(1) - 1
				if i >= batches {
					return nil
				}
				t0 := time.Now()
				entries := b.build(i*size, min((i+1)*size, int64(o.Records)), t0)
				if err := putRecords(gctx, kc, stream, entries); err != nil {
					return err
				}
				lastAcks[c] = time.Now()
				lats[c] = append(lats[c], lastAcks[c].Sub(t0))
			}
		})
	}
	if err := g.Wait(); err != nil {
		return PutResult{}, start, start, err
	}
	end := time.Now()
	var all []time.Duration
	lastAck := start
	for c := range o.Clients {
		all = append(all, lats[c]...)
		if lastAcks[c].After(lastAck) {
			lastAck = lastAcks[c]
		}
	}
	secs := end.Sub(start).Seconds()
	bytes := int64(o.Records) * int64(o.RecordSize)
	return PutResult{Records: o.Records, Bytes: bytes, Calls: len(all), Seconds: secs,
		RecordsPerSec: float64(o.Records) / secs, MBPerSec: float64(bytes) / 1e6 / secs,
		CallLatency: latency(all)}, start, lastAck, nil
}

// ingestPhase polls the view's count(*) until it holds want rows.
func ingestPhase(ctx context.Context, o *Options, conn *pgx.Conn, sqlAddr string, inProcess bool, view string, want int64, start, lastAck time.Time) (IngestResult, error) {
	var last int64 = -1
	progressed := time.Now()
	for {
		var n int64
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+view).Scan(&n); err != nil {
			return IngestResult{}, fmt.Errorf("bench: ingest: count the view: %w", err)
		}
		now := time.Now()
		switch {
		case n > want:
			return IngestResult{}, fmt.Errorf("bench: ingest: the view holds %d rows, more than the %d records put", n, want)
		case n == want:
			secs := now.Sub(start).Seconds()
			return IngestResult{Rows: n, Seconds: secs, RowsPerSec: float64(n) / secs, AfterLastAck: now.Sub(lastAck).Seconds()}, nil
		case n != last:
			last, progressed = n, now
		case now.Sub(progressed) > stallTimeout:
			return IngestResult{}, fmt.Errorf("bench: ingest: the view has held %d of the %d records put for %s (%s)", n, want, stallTimeout, diagnose(ctx, conn, o, sqlAddr, inProcess, view))
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return IngestResult{}, err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// freshnessPhase puts records Records..Records+freshRecords-1 at Rate
// records/s while a poller on its own connection reads the view for the
// records not seen yet and notes when each first appears.
func freshnessPhase(ctx context.Context, o *Options, kc *kinesis.Client, sqlAddr string, nm names, inProcess bool) (FreshnessResult, error) {
	base, n := int64(o.Records), o.freshRecords()
	acked := make([]time.Time, n)   // written by the putter
	visible := make([]time.Time, n) // written by the poller
	putAt := make([]int64, n)       // put_us as the view holds it; by the poller
	watcher, err := connect(ctx, o, sqlAddr, inProcess)
	if err != nil {
		return FreshnessResult{}, err
	}
	defer watcher.Close(context.WithoutCancel(ctx))

	// The poller reads only rows that arrived at or after the newest
	// arrival so far: the stream's arrival times never decrease, and the
	// filter on a plain column lets the scan skip the earlier rows (their
	// JSON is not touched). The time is the server's, read back as text.
	var since string
	if err := watcher.QueryRow(ctx, "SELECT max(approximate_arrival_timestamp)::varchar FROM "+nm.view).Scan(&since); err != nil {
		return FreshnessResult{}, fmt.Errorf("bench: freshness: newest arrival: %w", err)
	}
	q := "SELECT payload.id::bigint, payload.put_us::bigint FROM " + nm.view +
		" WHERE approximate_arrival_timestamp >= '" + since + "'::timestamp AND payload.id::bigint >= $1"

	var putDone atomic.Bool
	var polls int
	var pollTime time.Duration
	var start, end time.Time
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { // the putter: a batch every 10ms, as many records as the rate owes
		defer putDone.Store(true)
		b := batcher{size: o.RecordSize}
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		start = time.Now()
		for sent := 0; sent < n; {
			select {
			case <-gctx.Done():
				return gctx.Err()
			case <-tick.C:
			}
			owed := min(n, int(time.Since(start).Seconds()*float64(o.Rate)))
			for sent < owed {
				k := min(owed-sent, o.batchSize())
				entries := b.build(base+int64(sent), base+int64(sent+k), time.Now())
				if err := putRecords(gctx, kc, nm.stream, entries); err != nil {
					return err
				}
				now := time.Now()
				for i := sent; i < sent+k; i++ {
					acked[i] = now
				}
				sent += k
			}
		}
		end = time.Now()
		return nil
	})
	g.Go(func() error { // the poller
		seen, low := 0, 0 // low: the first record not seen yet
		progressed := time.Now()
		for seen < n {
			t0 := time.Now()
			rows, err := watcher.Query(gctx, q, base+int64(low))
			if err != nil {
				return fmt.Errorf("bench: freshness: poll the view: %w", err)
			}
			var id, putUs int64
			_, err = pgx.ForEachRow(rows, []any{&id, &putUs}, func() error {
				i := id - base
				if i < 0 || i >= int64(n) {
					return fmt.Errorf("bench: freshness: the view holds id %d, which was never put", id)
				}
				if visible[i].IsZero() {
					visible[i], putAt[i] = time.Now(), putUs
					seen++
				}
				return nil
			})
			t1 := time.Now()
			if err != nil {
				return fmt.Errorf("bench: freshness: poll the view: %w", err)
			}
			polls++
			pollTime += t1.Sub(t0)
			if low < n && !visible[low].IsZero() {
				progressed = t1
			}
			for low < n && !visible[low].IsZero() {
				low++
			}
			if putDone.Load() && t1.Sub(progressed) > stallTimeout {
				return fmt.Errorf("bench: freshness: %d of %d records not visible %s after the last put (%s)", n-seen, n, stallTimeout, diagnose(ctx, watcher, o, sqlAddr, inProcess, nm.view))
			}
			if err := sleep(gctx, pollEvery-time.Since(t0)); err != nil {
				return err
			}
		}
		return nil
	})
	pollStart := time.Now()
	if err := g.Wait(); err != nil {
		return FreshnessResult{}, err
	}
	pollSpan := time.Since(pollStart)

	ackLat := make([]time.Duration, n)
	putLat := make([]time.Duration, n)
	early := 0
	for i := range n {
		d := visible[i].Sub(acked[i])
		if d < 0 { // the poll ran while the ack was on its way
			early++
			d = 0
		}
		ackLat[i] = d
		putLat[i] = visible[i].Sub(time.UnixMicro(putAt[i]))
	}
	secs := end.Sub(start).Seconds()
	res := FreshnessResult{Records: n, TargetRate: o.Rate, Rate: float64(n) / secs, Seconds: secs,
		AckToVisible: latency(ackLat), PutToVisible: latency(putLat),
		Polls: polls, PollPeriod: ms(pollSpan) / float64(polls), PollTime: ms(pollTime) / float64(polls)}
	res.Method = fmt.Sprintf("a poller on its own connection queries the view (at most every %s) for the records not seen yet "+
		"(arrived since the phase began, id >= the lowest unseen); a record counts as visible when the first poll whose result holds it has been read. "+
		"Ack to visible runs from the PutRecords call returning; put to visible from put_us, the client's clock when the call was built, read back from the view. "+
		"Both include up to one poll period and one poll's duration of measuring delay; %d of %d records showed up in a poll before their ack arrived and count as 0.",
		pollEvery, early, n)
	return res, nil
}

// Phase 4's queries: a point lookup by partition key (a plain column), the
// same lookup by a field of the JSON, and an aggregate over JSON fields.
const (
	keySQL       = "SELECT payload.amount::bigint FROM %s WHERE partition_key = $1"
	pointSQL     = "SELECT payload.amount::bigint FROM %s WHERE payload.id::bigint = $1"
	aggregateSQL = "SELECT payload.cat::varchar AS cat, count(*), sum(payload.amount::bigint)::bigint FROM %s GROUP BY 1"
)

// queryPhase runs point lookups by key, then by field, then the aggregate, each from QueryClients
// connections for QueryDuration, checking every result against the records.
func queryPhase(ctx context.Context, o *Options, sqlAddr, view string, total int64, inProcess bool) (QueryResult, error) {
	conns := make([]*pgx.Conn, o.QueryClients)
	defer func() {
		for _, c := range conns {
			if c != nil {
				_ = c.Close(context.WithoutCancel(ctx))
			}
		}
	}()
	for i := range conns {
		c, err := connect(ctx, o, sqlAddr, inProcess)
		if err != nil {
			return QueryResult{}, err
		}
		conns[i] = c
	}
	type agg struct{ count, sum int64 }
	want := map[string]agg{}
	for id := range total {
		a := want[category(id)]
		want[category(id)] = agg{a.count + 1, a.sum + amountOf(id)}
	}

	lookup := func(sql string, arg func(id int64) any) (QueryStats, error) {
		return runQueries(ctx, conns, o.QueryDuration, sql, func(ctx context.Context, c *pgx.Conn, rng *rand.Rand) error {
			id := rng.Int64N(total)
			rows, err := c.Query(ctx, sql, arg(id))
			if err != nil {
				return err
			}
			amounts, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			if len(amounts) != 1 || amounts[0] != amountOf(id) {
				return fmt.Errorf("id %d: got amounts %v, want [%d]", id, amounts, amountOf(id))
			}
			return nil
		})
	}
	keyStats, err := lookup(fmt.Sprintf(keySQL, view), func(id int64) any { return strconv.FormatInt(id, 10) })
	if err != nil {
		return QueryResult{}, err
	}
	pointStats, err := lookup(fmt.Sprintf(pointSQL, view), func(id int64) any { return id })
	if err != nil {
		return QueryResult{}, err
	}
	aggregate := fmt.Sprintf(aggregateSQL, view)
	aggStats, err := runQueries(ctx, conns, o.QueryDuration, aggregate, func(ctx context.Context, c *pgx.Conn, _ *rand.Rand) error {
		rows, err := c.Query(ctx, aggregate)
		if err != nil {
			return err
		}
		var cat string
		var a agg
		got := 0
		if _, err := pgx.ForEachRow(rows, []any{&cat, &a.count, &a.sum}, func() error {
			if want[cat] != a {
				return fmt.Errorf("cat %q: got count %d, sum %d; want count %d, sum %d", cat, a.count, a.sum, want[cat].count, want[cat].sum)
			}
			got++
			return nil
		}); err != nil {
			return err
		}
		if got != len(want) {
			return fmt.Errorf("got %d groups, want %d", got, len(want))
		}
		return nil
	})
	if err != nil {
		return QueryResult{}, err
	}
	return QueryResult{Key: keyStats, Field: pointStats, Aggregate: aggStats}, nil
}

// runQueries runs one on every connection, repeatedly, for d.
func runQueries(ctx context.Context, conns []*pgx.Conn, d time.Duration, sql string,
	one func(context.Context, *pgx.Conn, *rand.Rand) error) (QueryStats, error) {
	lats := make([][]time.Duration, len(conns))
	var mu sync.Mutex // guards firstErr
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	stop := start.Add(d)
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 1))
			for time.Now().Before(stop) && ctx.Err() == nil {
				t0 := time.Now()
				if err := one(ctx, c, rng); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("bench: query %s: %w", sql, err)
					}
					mu.Unlock()
					return
				}
				lats[i] = append(lats[i], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	if firstErr != nil {
		return QueryStats{}, firstErr
	}
	if err := ctx.Err(); err != nil {
		return QueryStats{}, err
	}
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	return QueryStats{SQL: sql, Clients: len(conns), Queries: len(all), Seconds: secs,
		PerSecond: float64(len(all)) / secs, Latency: latency(all)}, nil
}

// verify checks that the view holds exactly records 0..total-1.
func verify(ctx context.Context, conn *pgx.Conn, view string, total int64) (VerifyResult, error) {
	var v VerifyResult
	err := conn.QueryRow(ctx, "SELECT count(*), count(DISTINCT payload.id::bigint), coalesce(min(payload.id::bigint), -1), "+
		"coalesce(max(payload.id::bigint), -1), coalesce(sum(payload.id::bigint), 0)::bigint FROM "+view).
		Scan(&v.Rows, &v.DistinctIDs, &v.MinID, &v.MaxID, &v.IDSum)
	if err != nil {
		return v, fmt.Errorf("bench: verify: %w", err)
	}
	want := VerifyResult{Rows: total, DistinctIDs: total, MinID: 0, MaxID: total - 1, IDSum: total * (total - 1) / 2, OK: true}
	v.OK = true
	if v != want {
		v.OK = false
		return v, fmt.Errorf("bench: verify: the view does not hold exactly the %d records put (ids 0..%d, each once): "+
			"it holds %d rows, %d distinct ids from %d to %d summing to %d (want %d)",
			total, total-1, v.Rows, v.DistinctIDs, v.MinID, v.MaxID, v.IDSum, want.IDSum)
	}
	return v, nil
}

// diagnose describes a view that stopped short of the records put: what
// the server reports of it, what a new connection counts (which tells a
// stale session from rows that are not there), and whether a manual
// REFRESH brings the rest (which tells a stuck AUTO REFRESH from records
// that never arrived).
func diagnose(ctx context.Context, conn *pgx.Conn, o *Options, sqlAddr string, inProcess bool, view string) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	lit := "'" + view + "'"
	fresh := "a new connection counts "
	if c, err := connect(ctx, o, sqlAddr, inProcess); err != nil {
		fresh += "nothing: " + err.Error()
	} else {
		fresh += rowsText(ctx, c, "SELECT count(*) FROM "+view)
		_ = c.Close(ctx)
	}
	parts := []string{
		fmt.Sprintf("this connection's transaction status %q", conn.PgConn().TxStatus()),
		"over the simple protocol it counts " + rowsText(ctx, conn, "SELECT count(*) FROM "+view),
		"and with another statement text " + rowsText(ctx, conn, "SELECT count(*) AS n FROM "+view),
		fresh,
		"stv_mv_info " + rowsText(ctx, conn, "SELECT state, is_stale, autorefresh FROM stv_mv_info WHERE name = "+lit),
		"newest sys_stream_scan_states " + rowsText(ctx, conn, "SELECT partition_id, latest_position, scanned_rows, record_time FROM sys_stream_scan_states WHERE mv_name = "+lit+" ORDER BY record_time DESC LIMIT 4"),
		"sys_stream_scan_errors " + rowsText(ctx, conn, "SELECT count(*) FROM sys_stream_scan_errors WHERE mv_name = "+lit),
	}
	var before, after int64
	err := conn.QueryRow(ctx, "SELECT count(*) FROM "+view).Scan(&before)
	if err == nil {
		err = execSQL(ctx, conn, "REFRESH MATERIALIZED VIEW "+view)
	}
	if err == nil {
		err = conn.QueryRow(ctx, "SELECT count(*) FROM "+view).Scan(&after)
	}
	if err != nil {
		parts = append(parts, fmt.Sprintf("a manual REFRESH: %v", err))
	} else {
		parts = append(parts, fmt.Sprintf("a manual REFRESH took the view from %d to %d rows", before, after))
	}
	return strings.Join(parts, "; ")
}

// rowsText renders a query's rows as [a b c] [d e f], or its error.
func rowsText(ctx context.Context, conn *pgx.Conn, sql string) string {
	rows, err := conn.Query(ctx, sql, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var cells []string
		for _, v := range rows.RawValues() {
			cells = append(cells, string(v))
		}
		out = append(out, "["+strings.Join(cells, " ")+"]")
	}
	if err := rows.Err(); err != nil {
		return "(" + err.Error() + ")"
	}
	if len(out) == 0 {
		return "(no rows)"
	}
	return strings.Join(out, " ")
}

// checkpoint runs CHECKPOINT and returns how long it took. A streaming
// batch committing at the same moment makes DuckDB refuse it ("other write
// transactions active"); it is then tried again.
func checkpoint(ctx context.Context, conn *pgx.Conn) (float64, error) {
	start := time.Now()
	for attempt := 1; ; attempt++ {
		_, err := conn.Exec(ctx, "CHECKPOINT")
		if err == nil {
			return time.Since(start).Seconds(), nil
		}
		if attempt == 50 || !strings.Contains(err.Error(), "transactions active") {
			return 0, fmt.Errorf("bench: checkpoint after the load: %w", err)
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return 0, err
		}
	}
}

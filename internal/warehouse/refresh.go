package warehouse

// Refresh of a streaming materialized view: exactly once, by construction.
//
// One batch is: read every shard from its stored position (none yet: the
// trim horizon), a shard's children only after the shard itself is
// finished, checking each record; append the records to the staging table
// with DuckDB's Appender, while the next ones are read (a reading goroutine
// hands each read's records to the appending one); then in ONE DuckDB
// transaction run the view's query over the staging table into the view's
// table, store every shard's new position, and record the scan states, the
// skipped records and the refresh. A crash
// before COMMIT leaves the old positions with the old rows; after it, the
// new ones with the new rows. Nothing is lost or loaded twice.
//
// Records that cannot be ingested never block the stream: larger than
// maxRecordBytes, or not JSON when the query parses kinesis_data with
// json_parse, a record is skipped and kept in SYS_STREAM_SCAN_ERRORS. An
// error of the view's own expressions fails the batch, which then commits
// nothing, so the positions stay where they were. Records retention removed
// before they were read are reported (SYS_STREAM_SCAN_ERRORS and the log at
// ERROR, with the lost range), and reading goes on after them.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"golang.org/x/sync/errgroup"

	"github.com/blueshift-dev/blueshift/internal/source"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// Batch bounds: a batch stops reading at either, so memory stays bounded
// whatever the backlog, and a refresh commits in steps. They are the
// defaults of ingestManager.bound.
//
// Why this large: smaller batches cost more than their per-batch work.
// Each commit that takes DuckDB's WAL past its checkpoint threshold (16
// MiB) checkpoints, and a checkpoint rewrites the table's partly filled row
// group (up to 122,880 rows), so its cost grows with the rows already in
// that group, not with the batch. Measured with BenchmarkStreamingIngest
// (300,000 records of 1 KB, 2 shared cores, unshredded SUPER, see Open):
// 200k records / 256 MiB ingests 65-67k records/s, 100k / 128 MiB 47-50k,
// 20k / 32 MiB 28-29k, the hand-written DuckDB load 99-109k; no smaller
// bound stays within 10%. The memory this implies,
// per view refreshing at once: the Go side holds one read (at most
// readMaxRecords records, 10 MiB from Kinesis) at a time; DuckDB holds the
// staged batch (up to 200k records or 256 MiB of data, plus ~100 bytes of
// other columns a record) and, until COMMIT, the view's new rows (the
// VARIANT of the same data), so about twice the batch's data, 0.4-0.6 GiB
// for 1 KB records, within DuckDB's memory_limit (it spills past it).
// Measured (duckdb_memory() every 10 ms while 200,000 such records are
// refreshed): peak 691 MiB with this bound, 641 MiB with 20k / 32 MiB:
// most of it is DuckDB's cache of the table, so a smaller bound saves
// little memory for the throughput it costs.
const (
	batchMaxRecords = 200_000
	batchMaxBytes   = 256 << 20
	readMaxRecords  = 10_000
)

// batchBound bounds one batch.
type batchBound struct{ records, bytes int }

// Scan error codes in SYS_STREAM_SCAN_ERRORS.error_code (blueshift's).
const (
	scanErrTooLarge    = 1001
	scanErrInvalidJSON = 1002
	scanErrGap         = 1003
)

// Status strings, as Redshift writes them in SVL_MV_REFRESH_STATUS.
const (
	statusIncremental  = "Refresh successfully updated MV incrementally"
	qualNoNewData      = "Stream returned no new data"
	qualAllSkipped     = "All records received from the stream were skipped"
	qualSomeSkipped    = "Some stream records were skipped"
	qualMoreData       = "The stream may contain more data"
	statusInternalFail = "Refresh failed due to an internal error"
	// Failures Redshift names (STV_MV_INFO.state 104, 103, 102).
	statusColumnRenamed = "Refresh failed. Base table column was renamed"
	statusTableRenamed  = "Refresh failed. Base table was renamed"
	statusColumnType    = "Refresh failed. Base table column type was changed"
)

// ingestor refreshes one streaming view: its reader, its connection with
// the staging table, and its compiled batch query. It is used by one
// goroutine at a time (the view's refresh lock).
type ingestor struct {
	w      *Warehouse
	mv     *mvRow
	es     *extSchema
	reader source.Reader
	conn   *Conn
	query  *batchQuery
	insert string
	// insertExact is insert for a batch with a record that holds a
	// number DuckDB's conversion to VARIANT would change.
	insertExact string
}

func (w *Warehouse) newIngestor(ctx context.Context, mv *mvRow) (_ *ingestor, err error) {
	c, err := w.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = c.Close()
		}
	}()
	es, ok, err := lookupExtSchema(ctx, c, mv.extSchema)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, sqlerr.New(sqlerr.UndefinedSchema, "external schema %q of materialized view %s does not exist", mv.extSchema, mv.qualified())
	}
	rd, err := w.ingest.sources.Open(ctx, es.spec())
	if err != nil {
		return nil, sourceError(err)
	}
	if err := prepareIngestConn(ctx, c, es.source); err != nil {
		return nil, err
	}
	bq, err := compileStreaming(mv)
	if err != nil {
		return nil, err
	}
	into := "INSERT INTO " + quoteIdent(mv.schema) + "." + quoteIdent(mv.name) + " "
	return &ingestor{w: w, mv: mv, es: es, reader: rd, conn: c, query: bq,
		insert: into + bq.sql, insertExact: into + bq.exactSQL}, nil
}

func (g *ingestor) close() error { return g.conn.Close() }

type shardPos struct {
	position string
	finished bool
}

// shardScan is one shard's part of a batch (a SYS_STREAM_SCAN_STATES row).
type shardScan struct {
	shard                string
	before, after        shardPos
	scanned, skipped     int64
	bytes                int64
	minArrival, maxArriv time.Time
	millisBehind         int64
	behind               int64 // records left after the batch; -1 unknown
	read                 bool  // the batch read the shard (behind is set)
}

type scanError struct {
	shard, position string
	arrival         time.Time
	code            int
	reason          string
}

// batchResult says what one batch did.
type batchResult struct {
	scanned, skipped, loaded, bytes int64
	more                            bool // stopped at a bound: the stream may hold more
	gaps                            []scanError
	millisBehind                    int64
	// lagRecords is how many records the stream holds past the batch, as
	// the reader counts them; nil when it cannot tell.
	lagRecords any
	status     string
}

func (g *ingestor) positions(ctx context.Context) (map[string]shardPos, error) {
	res, err := g.conn.Query(ctx, "SELECT shard_id, position, finished FROM "+CatalogSchema+".mv_stream_positions WHERE mv_id = $1", g.mv.id)
	if err != nil {
		return nil, errorf("read positions: %w", err)
	}
	out := map[string]shardPos{}
	for res.Next() {
		v := res.Values()
		out[v[0].(string)] = shardPos{position: v[1].(string), finished: v[2].(bool)}
	}
	return out, errors.Join(res.Err(), res.Close())
}

// batch reads, stages and commits one batch. refreshType is Manual or Auto.
func (g *ingestor) batch(ctx context.Context, by refreshBy) (*batchResult, error) {
	start := time.Now()
	unmark, err := g.w.ingest.markRefreshing(g.mv) // refresh_marker.go
	if err != nil {
		return nil, err
	}
	defer unmark()
	r, err := g.runBatch(ctx, by, start)
	if err != nil {
		g.w.ingest.metrics.errors.WithLabelValues(g.mv.qualified()).Inc()
		g.recordFailure(ctx, by, start, err)
		return nil, err
	}
	g.w.ingest.metrics.observe(g.mv.qualified(), r, time.Since(start))
	for _, gap := range r.gaps {
		g.w.ingest.log.Error("stream records lost to retention before they were read",
			"view", g.mv.qualified(), "stream", g.mv.stream, "shard", gap.shard, "lost", gap.reason)
	}
	return r, nil
}

func (g *ingestor) runBatch(ctx context.Context, by refreshBy, start time.Time) (*batchResult, error) {
	shards, err := g.reader.Shards(ctx, g.mv.stream)
	if err != nil {
		return nil, sourceError(err)
	}
	pos, err := g.positions(ctx)
	if err != nil {
		return nil, err
	}
	stored := make(map[string]bool, len(pos)) // the shards with a position row
	for id := range pos {
		stored[id] = true
	}
	if _, err := g.conn.ExecKept(ctx, "DELETE FROM "+stageTable); err != nil {
		return nil, errorf("clear staging table: %w", err)
	}
	refreshTime := start.UTC()
	// Reading (and checking) the stream and appending to the staging table
	// overlap: one goroutine reads, this one appends what it has read.
	rd := &batchRead{res: &batchResult{}, behind: map[string]int64{}}
	chunks := make(chan stageChunk, stageQueue)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	eg, rctx := errgroup.WithContext(sctx)
	eg.Go(func() error {
		defer close(chunks)
		return g.read(rctx, shards, pos, rd, chunks)
	})
	serr := g.stage(rctx, chunks, refreshTime)
	if serr != nil {
		cancel() // the reader stops at its next chunk
		for range chunks {
		}
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	if serr != nil {
		return nil, serr
	}
	res, scans, errs, behind := rd.res, rd.scans, rd.errs, rd.behind
	insert := g.insert
	if rd.inexact {
		insert = g.insertExact
	}
	lag, err := g.lag(ctx, shards, pos, behind)
	if err != nil {
		return nil, err
	}
	res.lagRecords = lag
	for _, sc := range scans {
		res.scanned += sc.scanned
		res.skipped += sc.skipped
		res.bytes += sc.bytes
	}
	res.status = refreshStatus(res)
	if len(scans) == 0 && len(errs) == 0 && by.kind == refreshAuto {
		return res, nil // a wake-up with nothing to do leaves no trace
	}

	commit := func() error {
		if res.scanned > res.skipped {
			n, err := g.conn.Exec(ctx, insert)
			if err != nil {
				return err
			}
			res.loaded = n
		}
		xid, err := g.xid(ctx)
		if err != nil {
			return err
		}
		// One statement a moved position (an UPDATE of a row that exists
		// costs DuckDB less than half an INSERT ... ON CONFLICT), and one
		// for all the shards' scan states: a batch's bookkeeping took
		// ten times its rows' INSERT.
		var states strings.Builder
		var stateArgs []any
		for _, sc := range scans {
			if sc.after != sc.before {
				q := `UPDATE ` + CatalogSchema + `.mv_stream_positions SET position = $3, finished = $4 WHERE mv_id = $1 AND shard_id = $2`
				if !stored[sc.shard] {
					q = `INSERT INTO ` + CatalogSchema + `.mv_stream_positions (mv_id, shard_id, position, finished) VALUES ($1, $2, $3, $4)`
				}
				if _, err := g.conn.ExecKept(ctx, q, g.mv.id, sc.shard, sc.after.position, sc.after.finished); err != nil {
					return errorf("store position: %w", err)
				}
			}
			if sc.scanned > 0 {
				if states.Len() == 0 {
					states.WriteString(`INSERT INTO ` + CatalogSchema + `.stream_scan_states VALUES `)
					stateArgs = append(stateArgs, g.es.name, g.mv.stream, g.mv.name, xid, refreshTime)
				} else {
					states.WriteString(", ")
				}
				n := len(stateArgs)
				fmt.Fprintf(&states, "($1, $2, $3, $4, $4, $5, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7)
				stateArgs = append(stateArgs, sc.shard, sc.after.position, sc.scanned, sc.skipped, sc.bytes, sc.minArrival, sc.maxArriv)
			}
		}
		if states.Len() > 0 {
			if _, err := g.conn.ExecKept(ctx, states.String(), stateArgs...); err != nil {
				return errorf("record scan state: %w", err)
			}
		}
		for _, e := range errs {
			var ts any
			if !e.arrival.IsZero() {
				ts = e.arrival
			}
			if _, err := g.conn.ExecKept(ctx, `INSERT INTO `+CatalogSchema+`.stream_scan_errors VALUES
				($1, $2, $3, $4, $4, 'A', $5, $6, $7, $8, $9, $10)`,
				g.es.name, g.mv.stream, g.mv.name, xid, ts, refreshTime, e.shard, e.position, e.code, e.reason); err != nil {
				return errorf("record scan error: %w", err)
			}
		}
		if err := markRefreshed(ctx, g.conn, g.mv, res.lagRecords, res.millisBehind); err != nil {
			return err
		}
		return recordRefresh(ctx, g.conn, g.mv, g.w.database, by, xid, start, res.status, "")
	}
	// A record the query fails on is isolated and skipped, and the batch
	// committed without it (refresh_isolate.go); twice at most, for the
	// records a first isolation could not tell apart.
	for attempt := 0; ; attempt++ {
		err = g.conn.InTx(ctx, commit)
		if err == nil || attempt == 2 || !recordFault(err) || res.scanned <= res.skipped {
			break
		}
		bad, ierr := g.isolate(ctx, err)
		if ierr != nil {
			err = ierr
			break
		}
		if err = g.skip(ctx, bad); err != nil {
			break
		}
		for _, b := range bad {
			errs = append(errs, b.scanError)
			for _, sc := range scans {
				if sc.shard == b.shard {
					sc.skipped++
				}
			}
			res.skipped++
			g.w.ingest.log.Warn("stream record skipped: the view's query fails on it",
				"view", g.mv.qualified(), "shard", b.shard, "seq", b.position, "err", b.err)
		}
		res.status = refreshStatus(res)
	}
	if err != nil {
		return nil, err
	}
	if res.loaded > 0 {
		g.w.ingest.changes.publish(relationNames(g.mv.schema, g.mv.name)...)
	}
	if res.scanned > 0 {
		// Free the batch's copy now rather than holding it (up to the
		// batch bound, in memory) until the next batch; should this fail,
		// the next batch clears the table before it stages.
		_, _ = g.conn.ExecKept(ctx, "DELETE FROM "+stageTable)
	}
	return res, nil
}

// stageQueue is how many reads the reader may be ahead of the appender.
const stageQueue = 2

// stageChunk is one read's records that go into the staging table.
type stageChunk struct {
	shard string
	recs  []source.Record
	// inexact holds the indexes in recs of the records whose JSON holds a
	// number DuckDB's conversion to VARIANT would change (nil: none).
	inexact map[int]bool
}

// batchRead is what reading a batch found, written by the reading
// goroutine and read once it has ended.
type batchRead struct {
	res    *batchResult
	scans  []*shardScan
	errs   []scanError
	behind map[string]int64 // per shard read: records left after it
	// inexact: a staged record holds a number DuckDB's conversion to
	// VARIANT would change; the batch then runs the view's exact query.
	inexact bool
}

// read reads the batch: every shard that is due from its position (its
// children once it is finished, in this batch too), up to the batch
// bounds. It checks each record, keeps the account in rd and pos, and
// sends the records to stage to chunks.
func (g *ingestor) read(ctx context.Context, shards []source.Shard, pos map[string]shardPos, rd *batchRead, chunks chan<- stageChunk) error {
	res := rd.res
	known := map[string]bool{}
	for _, sh := range shards {
		known[sh.ID] = true
	}
	finished := func(id string) bool { return id == "" || !known[id] || pos[id].finished }
	leftRecs, leftBytes := g.w.ingest.bound.records, g.w.ingest.bound.bytes
	for _, sh := range shards {
		p := pos[sh.ID]
		if p.finished || !finished(sh.ParentID) || !finished(sh.AdjacentParentID) {
			continue
		}
		sc := &shardScan{shard: sh.ID, before: p, after: p}
		var next *pendingRead
		for leftRecs > 0 && leftBytes > 0 {
			var b source.Batch
			var err error
			if next != nil {
				b, err = next.wait()
				next = nil
			} else {
				b, err = g.reader.Read(ctx, g.mv.stream, sh.ID, sc.after.position,
					source.Limits{MaxRecords: min(leftRecs, readMaxRecords), MaxBytes: leftBytes})
			}
			if err != nil {
				return sourceError(err)
			}
			if !b.End && len(b.Records) > 0 && b.Next != "" {
				// The next read runs while this one's records are checked.
				// Its bounds are what is left if every record of this one
				// is kept, so this loop always takes it.
				recs, size := leftRecs-len(b.Records), leftBytes
				for i := range b.Records {
					size -= len(b.Records[i].Data)
				}
				if recs > 0 && size > 0 {
					next = g.startRead(ctx, sh.ID, b.Next, source.Limits{MaxRecords: min(recs, readMaxRecords), MaxBytes: size})
				}
			}
			if b.Gap != nil {
				rd.errs = append(rd.errs, gapError(sh.ID, b))
				res.gaps = append(res.gaps, rd.errs[len(rd.errs)-1])
			}
			checks := g.checkAll(b.Records)
			keep := b.Records[:0] // the records to stage, in place
			var inexactKeep map[int]bool
			for i := range b.Records {
				rec := &b.Records[i]
				sc.scanned++
				sc.bytes += int64(len(rec.Data))
				arr := rec.Arrival.UTC()
				if sc.minArrival.IsZero() || arr.Before(sc.minArrival) {
					sc.minArrival = arr
				}
				if arr.After(sc.maxArriv) {
					sc.maxArriv = arr
				}
				code, reason, inexact := checks[i].code, checks[i].reason, checks[i].inexact
				if code != 0 {
					sc.skipped++
					rd.errs = append(rd.errs, scanError{shard: sh.ID, position: rec.Seq, arrival: arr, code: code, reason: reason})
					continue
				}
				if inexact {
					rd.inexact = true
					if inexactKeep == nil {
						inexactKeep = map[int]bool{}
					}
					inexactKeep[len(keep)] = true
				}
				leftBytes -= len(rec.Data)
				keep = append(keep, *rec)
			}
			if len(keep) > 0 {
				select {
				case chunks <- stageChunk{shard: sh.ID, recs: keep, inexact: inexactKeep}:
				case <-ctx.Done():
					if next != nil {
						_, _ = next.wait()
					}
					return ctx.Err()
				}
			}
			leftRecs -= len(b.Records)
			if b.Next != "" {
				sc.after.position = b.Next
			}
			sc.millisBehind = b.MillisBehind
			sc.behind, sc.read = b.Behind, true
			if b.End {
				sc.after.finished = true
				pos[sh.ID] = sc.after // its children may be read in this batch
				break
			}
			if len(b.Records) == 0 {
				break
			}
		}
		if leftRecs <= 0 || leftBytes <= 0 {
			res.more = true
		}
		if sc.after != sc.before || sc.scanned > 0 {
			rd.scans = append(rd.scans, sc)
		}
		if sc.read {
			rd.behind[sh.ID] = sc.behind
		}
		res.millisBehind = max(res.millisBehind, sc.millisBehind)
		if res.more {
			break
		}
	}
	return nil
}

// pendingRead is a read of the log running in a goroutine of its own.
type pendingRead struct {
	done chan struct{}
	b    source.Batch
	err  error
}

// startRead starts reading a shard from position; wait returns the batch.
func (g *ingestor) startRead(ctx context.Context, shard, position string, lim source.Limits) *pendingRead {
	p := &pendingRead{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.b, p.err = g.reader.Read(ctx, g.mv.stream, shard, position, lim)
	}()
	return p
}

func (p *pendingRead) wait() (source.Batch, error) {
	<-p.done
	return p.b, p.err
}

// stage appends the chunks' records to the staging table with DuckDB's
// Appender, until chunks is closed.
func (g *ingestor) stage(ctx context.Context, chunks <-chan stageChunk, refreshTime time.Time) (err error) {
	app, err := duckdb.NewAppender(g.conn.c, "temp", "main", stageTable)
	if err != nil {
		return errorf("appender: %w", err)
	}
	defer func() {
		if cerr := app.Close(); err == nil && cerr != nil {
			err = errorf("stage batch: %w", cerr)
		}
	}()
	for c := range chunks {
		for i := range c.recs {
			rec := &c.recs[i]
			// The data goes where the query reads it: as bytes, and as the
			// JSON text checkJSON has passed (the Appender copies both).
			var data, text any
			if g.query.readsData {
				data = rec.Data
			}
			if g.query.jsonText {
				// Written as it is (third_party/duckdb-go/PATCHES.md), but
				// for the blanks before the value: a leading space is the
				// mark below, which no other text may carry.
				doc := bytes.TrimLeft(rec.Data, " \t\r\n")
				text = json.RawMessage(doc)
				if c.inexact[i] {
					// It holds a number DuckDB's conversion to VARIANT
					// would change: marked by a leading space, which JSON
					// allows, its readers build it exactly (rs_json_super,
					// internal/sql/jsonrest.go).
					text = json.RawMessage(append([]byte{' '}, doc...))
				}
			}
			if err := app.AppendRow(rec.Arrival.UTC(), rec.PartitionKey, c.shard, rec.Seq, refreshTime, data, text); err != nil {
				return errorf("stage record %s/%s: %w", c.shard, rec.Seq, err)
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// gapError is the SYS_STREAM_SCAN_ERRORS row of b's gap: the lost range,
// and the position of its last record (when the reader cannot name it, of
// the first record read after it, or the position it was read from).
func gapError(shard string, b source.Batch) scanError {
	g := b.Gap
	if g.Through != "" {
		return scanError{shard: shard, position: g.Through, code: scanErrGap,
			reason: fmt.Sprintf("records trimmed by retention before they were read: sequence numbers after %s through %s", g.After, g.Through)}
	}
	pos, upTo := g.After, "the shard's trim horizon"
	if len(b.Records) > 0 {
		pos = b.Records[0].Seq
		upTo = "before " + pos
	}
	return scanError{shard: shard, position: pos, code: scanErrGap,
		reason: fmt.Sprintf("records trimmed by retention before they were read: sequence numbers after %s, %s (the stream does not say how many)", g.After, upTo)}
}

// lag counts the records the stream holds past this batch: what each shard
// read reported, and for unfinished shards the batch did not reach (it
// stopped at its bound) a one-record probe. nil when a reader cannot count.
func (g *ingestor) lag(ctx context.Context, shards []source.Shard, pos map[string]shardPos, behind map[string]int64) (any, error) {
	var total int64
	for _, sh := range shards {
		n, read := behind[sh.ID]
		switch {
		case read:
		case pos[sh.ID].finished:
			continue
		default:
			b, err := g.reader.Read(ctx, g.mv.stream, sh.ID, pos[sh.ID].position, source.Limits{MaxRecords: 1})
			if err != nil {
				return nil, sourceError(err)
			}
			n = b.Behind
			if n >= 0 {
				n += int64(len(b.Records))
			}
		}
		if n < 0 {
			return nil, nil
		}
		total += n
	}
	return total, nil
}

// check says why a record cannot be ingested (code 0: it can), and
// whether the view parses it as JSON that holds a number DuckDB's
// conversion to VARIANT would change (super_number.go).
// recordCheck is what check says of one record.
type recordCheck struct {
	code    int
	reason  string
	inexact bool
}

// checkParallel is how many goroutines check one read's records: checking
// the JSON of every record took as long as reading them from the log, and
// the goroutine that appends them to the staging table waits on both.
const checkParallel = 2

// checkAll checks recs, in checkParallel goroutines when there are many.
func (g *ingestor) checkAll(recs []source.Record) []recordCheck {
	out := make([]recordCheck, len(recs))
	one := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			c := &out[i]
			c.code, c.reason, c.inexact = g.check(recs[i].Data)
		}
	}
	if len(recs) < 256 {
		one(0, len(recs))
		return out
	}
	var wg sync.WaitGroup
	step := (len(recs) + checkParallel - 1) / checkParallel
	for lo := step; lo < len(recs); lo += step {
		wg.Add(1)
		go func(lo int) {
			defer wg.Done()
			one(lo, min(lo+step, len(recs)))
		}(lo)
	}
	one(0, step)
	wg.Wait()
	return out
}

func (g *ingestor) check(data []byte) (code int, reason string, inexact bool) {
	if len(data) > maxRecordBytes {
		return scanErrTooLarge, fmt.Sprintf("Record size %d exceeds the maximum size %d", len(data), maxRecordBytes) + dataStart(data), false
	}
	if g.query.parseJSON {
		f, inexact := checkJSONNumbers(data)
		if f != jsonOK {
			return scanErrInvalidJSON, "Invalid JSON: json_parse failed on the record: " + f.String() + dataStart(data), false
		}
		return 0, "", inexact
	}
	return 0, "", false
}

// dataStartBytes is how much of a skipped record's data its reason quotes.
const dataStartBytes = 64

// dataStart is the start of a skipped record's data, for its reason.
func dataStart(data []byte) string {
	if len(data) > dataStartBytes {
		return fmt.Sprintf("; data begins %q...", data[:dataStartBytes])
	}
	return fmt.Sprintf("; data %q", data)
}

func refreshStatus(r *batchResult) string {
	var q []string
	switch {
	case r.scanned == 0:
		q = append(q, qualNoNewData)
	case r.skipped == r.scanned:
		q = append(q, qualAllSkipped)
	case r.skipped > 0:
		q = append(q, qualSomeSkipped)
	}
	if r.more {
		q = append(q, qualMoreData)
	}
	if len(q) == 0 {
		return statusIncremental
	}
	return statusIncremental + " - " + strings.Join(q, " - ")
}

func (g *ingestor) xid(ctx context.Context) (int64, error) {
	res, err := g.conn.Query(ctx, "SELECT txid_current()")
	if err != nil {
		return 0, err
	}
	defer res.Close()
	if !res.Next() {
		return 0, errors.Join(res.Err(), errors.New("txid_current: no row"))
	}
	switch v := res.Values()[0].(type) {
	case int64:
		return v, nil
	case uint64:
		return int64(v), nil
	}
	return 0, nil
}

// recordFailure writes a failed refresh in a transaction of its own: the
// batch's own transaction rolled back, positions and all.
func (g *ingestor) recordFailure(ctx context.Context, by refreshBy, start time.Time, cause error) {
	status, infoState := refreshFailure(cause)
	ctx = context.WithoutCancel(ctx)
	err := g.conn.InTx(ctx, func() error {
		if err := markFailed(ctx, g.conn, g.mv, infoState); err != nil {
			return err
		}
		return recordRefresh(ctx, g.conn, g.mv, g.w.database, by, 0, start, status, cause.Error())
	})
	if err != nil {
		g.w.ingest.log.Error("record failed refresh", "view", g.mv.qualified(), "err", err)
	}
	g.w.ingest.log.Warn("materialized view refresh failed", "view", g.mv.qualified(), "type", by.kind, "err", cause)
}

// refreshBy says who refreshes: the refresh type as SVL_MV_REFRESH_STATUS
// writes it (Manual, Auto) and the user.
type refreshBy struct{ kind, user string }

// refreshFailure is how a failed refresh shows: SVL_MV_REFRESH_STATUS's
// status, verbatim as Redshift writes it, and the STV_MV_INFO.state it
// leaves (0: unchanged). A base relation or column that is gone reads as
// renamed, the way Redshift puts it (it refuses to drop them under a view
// without CASCADE); every other failure, the view's own expressions
// included, is Redshift's internal error, with the cause in the log and the
// client's error.
func refreshFailure(err error) (status string, infoState int) {
	switch sqlerr.CodeOf(err) {
	case sqlerr.UndefinedColumn:
		return statusColumnRenamed, 104
	case sqlerr.UndefinedTable:
		return statusTableRenamed, 103
	case sqlerr.DatatypeMismatch:
		return statusColumnType, 102
	}
	return statusInternalFail, 0
}

// markFailed records in c's transaction that mv's last refresh failed.
func markFailed(ctx context.Context, c *Conn, mv *mvRow, infoState int) error {
	var st any
	if infoState != 0 {
		st = infoState
	}
	if _, err := c.Exec(ctx, "UPDATE "+CatalogSchema+".materialized_views SET state = $1 WHERE id = $2", mvStateFailed, mv.id); err != nil {
		return errorf("mark failed: %w", err)
	}
	if _, err := c.Exec(ctx, `INSERT INTO `+CatalogSchema+`.mv_state VALUES ($1, $2, NULL, NULL)
		ON CONFLICT (mv_id) DO UPDATE SET info_state = coalesce(excluded.info_state, info_state)`, mv.id, st); err != nil {
		return errorf("mark failed: %w", err)
	}
	return nil
}

// markRefreshed records in c's transaction that mv was refreshed now, and
// (streaming) how far behind its stream it is.
func markRefreshed(ctx context.Context, c *Conn, mv *mvRow, lagRecords, lagMillis any) error {
	if _, err := c.ExecKept(ctx, "UPDATE "+CatalogSchema+".materialized_views SET refreshed_at = now(), state = $1 WHERE id = $2",
		mvStateActive, mv.id); err != nil {
		return errorf("mark refreshed: %w", err)
	}
	// The row is there after the first refresh: an UPDATE costs DuckDB
	// less than half an INSERT ... ON CONFLICT.
	n, err := c.ExecKept(ctx, `UPDATE `+CatalogSchema+`.mv_state SET info_state = NULL, lag_records = $2, lag_millis = $3 WHERE mv_id = $1`,
		mv.id, lagRecords, lagMillis)
	if err == nil && n == 0 {
		_, err = c.ExecKept(ctx, `INSERT INTO `+CatalogSchema+`.mv_state VALUES ($1, NULL, $2, $3)`, mv.id, lagRecords, lagMillis)
	}
	if err != nil {
		return errorf("mark refreshed: %w", err)
	}
	return nil
}

// markStale records that a relation mv reads changed at (or before) at,
// and forgets the changes its last refresh took in. The two statements
// need not be atomic: the rows the first deletes count for nothing
// (STV_MV_INFO.is_stale wants one after refreshed_at), and a transaction
// around them made a call slower, not faster (BenchmarkDueViews/refreshed:
// 2.0 ms against 1.6 ms, BEGIN and COMMIT being statements of their own).
func markStale(ctx context.Context, c *Conn, mv *mvRow, at time.Time) error {
	if _, err := c.Exec(ctx, `DELETE FROM `+CatalogSchema+`.mv_changes WHERE mv_id = $1
		AND changed_at <= (SELECT refreshed_at FROM `+CatalogSchema+`.materialized_views WHERE id = $1)`, mv.id); err != nil {
		return errorf("mark stale: %w", err)
	}
	if _, err := c.Exec(ctx, `INSERT INTO `+CatalogSchema+`.mv_changes VALUES ($1, $2)`, mv.id, at.UTC()); err != nil {
		return errorf("mark stale: %w", err)
	}
	return nil
}

// recordRefresh adds a row to the refresh history (SVL_MV_REFRESH_STATUS,
// SYS_MV_REFRESH_HISTORY), in c's current transaction. Both kinds of
// materialized view use it.
func recordRefresh(ctx context.Context, c *Conn, mv *mvRow, db string, by refreshBy, xid int64, start time.Time, status, detail string) error {
	var x any
	if xid != 0 {
		x = xid
	}
	_, err := c.ExecKept(ctx, `INSERT INTO `+CatalogSchema+`.mv_refresh_history
		(mv_id, db_name, user_name, schema_name, mv_name, xid, starttime, endtime, status, refresh_type, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		mv.id, db, by.user, mv.schema, mv.name, x, start.UTC(), time.Now().UTC(), status, by.kind, detail)
	if err != nil {
		return errorf("record refresh: %w", err)
	}
	return nil
}

package bench

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/jackc/pgx/v5"

	"github.com/blueshift-dev/blueshift/internal/capture"
	"github.com/blueshift-dev/blueshift/internal/config"
	"github.com/blueshift-dev/blueshift/internal/demo"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// PipelineOptions configure RunPipeline: the end-to-end scenario, from the
// application's write through the DynamoDB API to the exact fact row.
type PipelineOptions struct {
	// Serve runs the in-process server (app.Run, given by main).
	Serve func(ctx context.Context, cfg config.Config, log *slog.Logger) error
	// Log receives the server's logs.
	Log *slog.Logger
	// Out receives the report; Progress a line as each step starts.
	Out, Progress io.Writer

	DataDir    string        // the server's data directory; empty: a temporary one, removed at the end
	Shards     int           // the stream's shards
	Writers    int           // concurrent application writers in the throughput phase
	Throughput time.Duration // length of the throughput phase
	Rate       int           // item changes per second in the latency phase
	Duration   time.Duration // length of the latency phase
	Probes     int           // concurrent probes in the latency phase
	Customers  int           // the application's key space
	Live       int           // most items the application keeps
	History    []int         // history sizes of the history phase (none: skip it)
	Batch      int           // new changes per exact-load run in the history phase
	Rounds     int           // timed runs per history size
	JSONOut    bool          // print JSON instead of a table
}

// Flags registers the pipeline scenario's flags on fs, filling o.
func (o *PipelineOptions) Flags(fs *flag.FlagSet) {
	fs.StringVar(&o.DataDir, "data", "", "data directory of the in-process server (must be new or empty; kept); empty means a temporary directory, removed at the end")
	fs.IntVar(&o.Shards, "shards", 2, "shards of demo-data-stream")
	fs.IntVar(&o.Writers, "writers", 16, "concurrent application writers in the throughput phase")
	fs.DurationVar(&o.Throughput, "throughput-duration", 10*time.Second, "length of the throughput phase")
	fs.IntVar(&o.Rate, "rate", 1000, "item changes per second the application makes in the latency phase")
	fs.DurationVar(&o.Duration, "duration", 20*time.Second, "length of the latency phase")
	fs.IntVar(&o.Probes, "probes", 4, "concurrent probes (a PutItem, then polling until its row shows) in the latency phase")
	fs.IntVar(&o.Customers, "customers", 1000, "customers the application writes for (the key space)")
	fs.IntVar(&o.Live, "live", 20000, "most transactions the application keeps in its table")
	o.History = []int{100_000, 2_000_000}
	fs.Func("history", "comma-separated history sizes (change records) at which to time the exact load; empty skips the phase (default 100000,2000000)", func(v string) error {
		o.History = nil
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			n, err := strconv.Atoi(f)
			if err != nil || n < 1 {
				return fmt.Errorf("%q is not a positive count", f)
			}
			o.History = append(o.History, n)
		}
		return nil
	})
	fs.IntVar(&o.Batch, "history-batch", 1000, "new change records before each timed exact-load run in the history phase")
	fs.IntVar(&o.Rounds, "history-rounds", 5, "timed exact-load runs at each history size")
	fs.BoolVar(&o.JSONOut, "json", false, "print the results as JSON")
}

// Validate reports every parameter that cannot run.
func (o *PipelineOptions) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(o.Shards >= 1 && o.Shards <= 64, "--shards %d: want 1 to 64", o.Shards)
	check(o.Writers >= 1 && o.Writers <= 256, "--writers %d: want 1 to 256", o.Writers)
	check(o.Throughput > 0, "--throughput-duration %s: want more than 0", o.Throughput)
	check(o.Rate >= 1, "--rate %d: want at least 1", o.Rate)
	check(o.Duration > 0, "--duration %s: want more than 0", o.Duration)
	check(o.Probes >= 1 && o.Probes <= 64, "--probes %d: want 1 to 64", o.Probes)
	check(o.Customers >= 1, "--customers %d: want at least 1", o.Customers)
	check(o.Live >= 1, "--live %d: want at least 1", o.Live)
	check(slices.IsSorted(o.History), "--history %v: want increasing sizes", o.History)
	check(o.Batch >= 1, "--history-batch %d: want at least 1", o.Batch)
	check(o.Rounds >= 1, "--history-rounds %d: want at least 1", o.Rounds)
	return errors.Join(errs...)
}

func (o *PipelineOptions) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", args...)
	}
}

// PipelineResult is what RunPipeline measured.
type PipelineResult struct {
	Machine Machine `json:"machine"`
	// Throughput phase: changes acknowledged per second with Writers
	// writers and no rate limit, and how long after the last
	// acknowledgement the exact fact table held every change.
	Changes       int64   `json:"throughput_changes"`
	ChangesPerSec float64 `json:"throughput_changes_per_s"`
	CatchUp       float64 `json:"throughput_catch_up_s"`
	// Latency phase: the rate reached, and the time from PutItem
	// acknowledged to the change in the streaming view and in the exact
	// fact table.
	Rate     float64 `json:"latency_rate_changes_per_s"`
	ToView   Latency `json:"ack_to_streaming_view"`
	ToFact   Latency `json:"ack_to_fact_row"`
	Loads    int64   `json:"exact_load_runs"`
	LoadTime Latency `json:"exact_load_run_time"`
	// Verified: after both phases the exact fact table equaled a Scan of
	// the application table.
	FactRows int `json:"fact_rows"`
	// History: the exact load's run time as the history grows.
	History []HistoryResult `json:"history,omitempty"`
}

// RunPipeline starts a server in-process on a temporary data directory,
// sets up the demo's pipeline (demo.SetUp), and measures it through the
// DynamoDB API and the SQL endpoint, then checks the exact fact table
// against the application table.
func RunPipeline(ctx context.Context, o PipelineOptions) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	dir := o.DataDir
	if dir == "" {
		d, err := os.MkdirTemp("", "blueshift-bench-")
		if err != nil {
			return fmt.Errorf("bench: data directory: %w", err)
		}
		dir = d
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("bench: data directory: %w", err)
	}
	cfg := config.Config{DataDir: dir, AWSAddr: "127.0.0.1:0", SQLAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
		AddrFile: filepath.Join(dir, "bench-addrs"), LogLevel: "warn"}
	sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	serverDone := make(chan error, 1)
	go func() { serverDone <- o.Serve(sctx, cfg, o.Log) }()
	addrs, err := config.WaitAddrFile(ctx, cfg.AddrFile, serverDone, 2*time.Minute)
	if err != nil {
		stop()
		if !errors.Is(err, config.ErrServerStopped) {
			err = errors.Join(err, <-serverDone)
		}
		return fmt.Errorf("bench: %w", err)
	}
	res, err := drivePipeline(ctx, &o, addrs)
	stop()
	if serr := <-serverDone; serr != nil {
		err = errors.Join(err, fmt.Errorf("bench: server: %w", serr))
	}
	if err != nil {
		return err
	}
	if o.JSONOut {
		enc := json.NewEncoder(o.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	res.WriteTable(o.Out, &o)
	return nil
}

func drivePipeline(ctx context.Context, o *PipelineOptions, addrs map[string]string) (*PipelineResult, error) {
	res := &PipelineResult{Machine: machine()}
	conn, err := pgx.Connect(ctx, "postgres://bench@"+addrs["sql"]+"/dev?sslmode=disable")
	if err != nil {
		return nil, fmt.Errorf("bench: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	o.progress("setting up the demo's pipeline: table %s -> stream %s (%d shards) -> scenario.sql + exact_load.sql", demo.TableName, demo.StreamName, o.Shards)
	// The article's load every hour: only the exact load runs while measuring.
	if _, err := demo.SetUp(ctx, addrs, conn, o.Shards, time.Hour); err != nil {
		return nil, err
	}
	db := demo.NewDynamoDB(addrs["aws"], o.Writers+o.Probes)
	appOpts := demo.AppOptions{Customers: o.Customers, Live: o.Live, Seed: 1}

	// 1. Throughput.
	o.progress("phase 1, throughput: %d writers, no rate limit, %s", o.Writers, o.Throughput)
	appOpts.Workers = o.Writers
	app := demo.NewApp(db, appOpts)
	tctx, cancel := context.WithTimeout(ctx, o.Throughput)
	start := time.Now()
	err = app.Run(tctx, 1e9, 0)
	cancel()
	lastAck := time.Now()
	if err != nil {
		return nil, err
	}
	res.Changes = app.Writes.Load()
	res.ChangesPerSec = float64(res.Changes) / lastAck.Sub(start).Seconds()
	if err := waitLoaded(ctx, o, addrs, conn); err != nil {
		return nil, err
	}
	res.CatchUp = time.Since(lastAck).Seconds()

	// 2. Latency at a steady rate, measured by probes.
	o.progress("phase 2, latency: %d changes/s for %s, %d probes", o.Rate, o.Duration, o.Probes)
	var before int64
	if err := conn.QueryRow(ctx, `select count(*) from sys_schedule_history where schedule_name = 'load_customer_transaction_fact_exact'`).Scan(&before); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	appOpts.Workers = 4
	appOpts.Seed = 2
	app = demo.NewApp(db, appOpts)
	lctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var toView, toFact []time.Duration
	errc := make(chan error, o.Probes+1)
	start = time.Now()
	watch, err := newWatcher(ctx, addrs["sql"])
	if err != nil {
		return nil, err
	}
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go watch.run(wctx)
	for p := 0; p < o.Probes; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, f, err := probe(lctx, db, watch, p)
			if err != nil {
				errc <- err
				return
			}
			mu.Lock()
			toView, toFact = append(toView, v...), append(toFact, f...)
			mu.Unlock()
		}()
	}
	if err := app.Run(lctx, float64(o.Rate), 0); err != nil {
		errc <- err
	}
	res.Rate = float64(app.Writes.Load()) / time.Since(start).Seconds()
	wg.Wait()
	stopWatch()
	<-watch.stopped
	select {
	case err := <-errc:
		return nil, err
	default:
	}
	res.ToView, res.ToFact = latency(toView), latency(toFact)

	// 3. Check: the exact fact table equals the application table.
	o.progress("checking the exact fact table against a Scan of the application table")
	if err := waitLoaded(ctx, o, addrs, conn); err != nil {
		return nil, err
	}
	want, err := demo.TableFacts(ctx, db)
	if err != nil {
		return nil, err
	}
	got, err := demo.QueryFacts(ctx, conn, demo.ExactFactsQuery)
	if err != nil {
		return nil, err
	}
	if diff := demo.DiffFacts(want, got); len(diff) > 0 {
		if len(diff) > 10 {
			diff = append(diff[:10], "...")
		}
		return nil, fmt.Errorf("bench: the exact fact table differs from the application table:\n%s", strings.Join(diff, "\n"))
	}
	res.FactRows = len(got)
	rows, err := conn.Query(ctx, `select datediff(ms, start_time, end_time) from sys_schedule_history
		where schedule_name = 'load_customer_transaction_fact_exact' and status = 'succeeded' and run_id > $1`, pgx.QueryExecModeSimpleProtocol, before)
	if err != nil {
		return nil, fmt.Errorf("bench: load runs: %w", err)
	}
	var runs []time.Duration
	for rows.Next() {
		var msec int64
		if err := rows.Scan(&msec); err != nil {
			rows.Close()
			return nil, fmt.Errorf("bench: load runs: %w", err)
		}
		runs = append(runs, time.Duration(msec)*time.Millisecond)
	}
	rows.Close()
	res.Loads = int64(len(runs))
	res.LoadTime = latency(runs)

	// 4. The load's cost as history grows.
	if len(o.History) > 0 {
		res.History, err = historyPhase(ctx, o, newKinesis(addrs["aws"], 4), conn, o.History, o.Batch, o.Rounds)
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

// waitLoaded waits until the exact load has read the whole stream.
func waitLoaded(ctx context.Context, o *PipelineOptions, addrs map[string]string, conn *pgx.Conn) error {
	records, err := demo.StreamRecords(ctx, demo.NewKinesis(addrs["aws"]), demo.StreamName)
	if err != nil {
		return err
	}
	o.progress("waiting for the exact load to take in all %d change records", records)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	return demo.WaitExactLoaded(wctx, conn, int64(records))
}

// probeEvery is how often the probes' watcher looks for their changes:
// the latencies it measures are late by half of it on average.
const probeEvery = 10 * time.Millisecond

// probe puts a new item, waits until the watcher has seen the change in
// the streaming view and in the exact fact table, and again, until ctx
// ends. Each probe writes items of a customer of its own, outside the
// application's key space.
func probe(ctx context.Context, db *dynamodb.Client, w *watcher, id int) (toView, toFact []time.Duration, err error) {
	for n := 0; ctx.Err() == nil; n++ {
		cust := fmt.Sprintf("PROBE_%d_%d", id, n)
		now := time.Now().UTC()
		item := map[string]types.AttributeValue{
			"pk":                 &types.AttributeValueMemberS{Value: "CUSTOMER#" + cust},
			"sk":                 &types.AttributeValueMemberS{Value: "TRANSACTION#" + now.Format(time.RFC3339Nano)},
			"completionDateTime": &types.AttributeValueMemberS{Value: now.Format("2006-01-02T15:04:05Z")},
			"OutofPockPercent":   &types.AttributeValueMemberN{Value: "12.5"},
			"OutofPockAmount":    &types.AttributeValueMemberN{Value: "100"},
			"OutofPockMax":       &types.AttributeValueMemberN{Value: "1000"},
			"Provider":           &types.AttributeValueMemberS{Value: "PV-PROBE"},
		}
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(demo.TableName), Item: item}); err != nil {
			if ctx.Err() != nil {
				break
			}
			return nil, nil, fmt.Errorf("bench: probe: put item: %w", err)
		}
		ack := time.Now()
		// The change's record is found by its partition key (the hash of
		// the item's key the table's Kinesis destination gives it), not by
		// a path into every new record's JSON.
		partKey := capture.PartitionKeyOf(demo.TableName, attr.Item{
			"pk": attr.Str(item["pk"].(*types.AttributeValueMemberS).Value),
			"sk": attr.Str(item["sk"].(*types.AttributeValueMemberS).Value)})
		// The measurement ends with its row, not with ctx.
		v, f, err := w.wait(string(partKey), cust, ack)
		if err != nil {
			return nil, nil, err
		}
		toView, toFact = append(toView, v), append(toFact, f)
	}
	return toView, toFact, nil
}

// watcher looks for the probes' changes with one query a tick for all of
// them, so that the measurement's own load on the server stays small and
// does not grow with the number of probes.
type watcher struct {
	conn *pgx.Conn // the watcher's goroutine's alone
	mu   sync.Mutex
	// pending are the changes not yet seen in the fact table, by the
	// customer the probe wrote.
	pending map[string]*watch
	wake    chan struct{} // capacity 1: a change was added
	stopped chan struct{} // closed when run ends; err says why
	err     error
}

// watch is one probe's change.
type watch struct {
	partKey  string
	ack      time.Time // when PutItem was acknowledged
	toView   time.Duration
	seenView bool
	toFact   time.Duration
	done     chan struct{} // closed once seen in the fact table
}

func newWatcher(ctx context.Context, sqlAddr string) (*watcher, error) {
	conn, err := pgx.Connect(ctx, "postgres://bench@"+sqlAddr+"/dev?sslmode=disable")
	if err != nil {
		return nil, fmt.Errorf("bench: probe watcher: connect: %w", err)
	}
	// The change record's field names are mixed case.
	if _, err := conn.Exec(ctx, "set enable_case_sensitive_identifier to true"); err != nil {
		_ = conn.Close(ctx)
		return nil, fmt.Errorf("bench: probe watcher: %w", err)
	}
	return &watcher{conn: conn, pending: map[string]*watch{}, wake: make(chan struct{}, 1), stopped: make(chan struct{})}, nil
}

// wait adds a change and returns how long after ack it showed in the
// streaming view and in the fact table.
func (w *watcher) wait(partKey, cust string, ack time.Time) (toView, toFact time.Duration, err error) {
	c := &watch{partKey: partKey, ack: ack, done: make(chan struct{})}
	w.mu.Lock()
	w.pending[cust] = c
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	select {
	case <-c.done:
		return c.toView, c.toFact, nil
	case <-w.stopped:
		if w.err != nil {
			return 0, 0, w.err
		}
		return 0, 0, errors.New("bench: probe watcher stopped")
	}
}

// run polls until ctx ends, every probeEvery while changes are pending.
func (w *watcher) run(ctx context.Context) {
	defer close(w.stopped)
	defer w.conn.Close(context.WithoutCancel(ctx))
	w.err = w.loop(ctx)
}

func (w *watcher) loop(ctx context.Context) error {
	for {
		w.mu.Lock()
		var since time.Time
		var keys, custs []string
		for cust, c := range w.pending {
			custs = append(custs, "'"+cust+"'")
			if !c.seenView {
				keys = append(keys, "'"+c.partKey+"'")
			}
			if since.IsZero() || c.ack.Before(since) {
				since = c.ack
			}
		}
		w.mu.Unlock()
		if len(custs) == 0 {
			select {
			case <-w.wake:
				continue
			case <-ctx.Done():
				return nil
			}
		}
		if err := w.poll(ctx, since, keys, custs); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		select {
		case <-time.After(probeEvery): // leave the server's CPUs to the pipeline
		case <-ctx.Done():
			return nil
		}
	}
}

// poll runs one query for the pending changes and settles those it finds.
// The arrival filter keeps the lookup to the view's newest rows.
func (w *watcher) poll(ctx context.Context, since time.Time, keys, custs []string) error {
	q := `select 'f', Customer_ID from Customer_Transaction_Fact_Exact where Customer_ID in (` + strings.Join(custs, ", ") + `)`
	if len(keys) > 0 {
		q = fmt.Sprintf(`select 'v', partition_key from demo_stream_vw where approximate_arrival_timestamp >= '%s'
			and partition_key in (%s) union all `, since.Add(-5*time.Second).UTC().Format("2006-01-02 15:04:05.000"), strings.Join(keys, ", ")) + q
	}
	rows, err := w.conn.Query(ctx, q, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return fmt.Errorf("bench: probe watcher: %w", err)
	}
	now := time.Now()
	var seenKeys, seenCusts []string
	for rows.Next() {
		var kind, val string
		if err := rows.Scan(&kind, &val); err != nil {
			rows.Close()
			return fmt.Errorf("bench: probe watcher: %w", err)
		}
		if kind == "v" {
			seenKeys = append(seenKeys, val)
		} else {
			seenCusts = append(seenCusts, val)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("bench: probe watcher: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for cust, c := range w.pending {
		if !c.seenView && slices.Contains(seenKeys, c.partKey) {
			c.seenView, c.toView = true, now.Sub(c.ack)
		}
		if slices.Contains(seenCusts, cust) {
			c.toFact = now.Sub(c.ack)
			if !c.seenView { // seen in both by the same query
				c.seenView, c.toView = true, c.toFact
			}
			delete(w.pending, cust)
			close(c.done)
			continue
		}
		if now.Sub(c.ack) > 2*time.Minute {
			return fmt.Errorf("bench: probe: %s not in the fact table 2 minutes after its PutItem", cust)
		}
	}
	return nil
}

// WriteTable prints the result.
func (r *PipelineResult) WriteTable(w io.Writer, o *PipelineOptions) {
	fmt.Fprintf(w, "blueshift bench pipeline: %s, %d CPUs, load average %.1f at start, %s\n", r.Machine.CPUModel, r.Machine.NumCPU, r.Machine.LoadAvg, r.Machine.GoVersion)
	fmt.Fprintf(w, "application -> DynamoDB API -> %d-shard stream -> streaming view -> exact load (ON CHANGE OF) -> fact table\n\n", o.Shards)
	fmt.Fprintf(w, "1 throughput   %s changes/s acknowledged (%d writers, %d changes); fact table complete %.2f s after the last\n",
		num(r.ChangesPerSec), o.Writers, r.Changes, r.CatchUp)
	fmt.Fprintf(w, "2 latency      at %s changes/s (%d probes, %s):\n", num(r.Rate), o.Probes, o.Duration)
	fmt.Fprintf(w, "  to the view  p50 %s  p95 %s  p99 %s  max %s ms  (n=%d)\n", num(r.ToView.P50), num(r.ToView.P95), num(r.ToView.P99), num(r.ToView.Max), r.ToView.N)
	fmt.Fprintf(w, "  to the fact  p50 %s  p95 %s  p99 %s  max %s ms  (n=%d)\n", num(r.ToFact.P50), num(r.ToFact.P95), num(r.ToFact.P99), num(r.ToFact.Max), r.ToFact.N)
	fmt.Fprintf(w, "  exact load   %d runs, p50 %s  p99 %s  max %s ms\n", r.Loads, num(r.LoadTime.P50), num(r.LoadTime.P99), num(r.LoadTime.Max))
	fmt.Fprintf(w, "verified       the exact fact table equals a Scan of the application table (%d rows)\n", r.FactRows)
	for i, h := range r.History {
		if i == 0 {
			fmt.Fprintf(w, "3 history      exact load of %d new changes, by change records behind it (%d keys):\n", h.Batch, historyKeys)
		}
		fmt.Fprintf(w, "  %9d    p50 %s  max %s ms  (n=%d; first load after the history put: %.2f s)\n", h.History, num(h.Load.P50), num(h.Load.Max), h.Load.N, h.FirstLoad)
	}
}

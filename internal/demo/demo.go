package demo

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/jackc/pgx/v5"

	"github.com/blueshift-dev/blueshift/internal/config"
	bsql "github.com/blueshift-dev/blueshift/internal/sql"
)

// Options configure Run.
type Options struct {
	// Serve runs the server until ctx ends (app.Run; given by main, since
	// only main composes the application).
	Serve func(ctx context.Context, cfg config.Config, log *slog.Logger) error
	// DataDir is the data directory. A new or empty one is set up; one a
	// previous demo set up is resumed. Empty means DefaultDataDir.
	DataDir string
	// Out receives what the demo prints for the user.
	Out io.Writer
	// Log receives the server's logs.
	Log *slog.Logger
	// Every is how often the demo prints the pipeline's state. Zero means 2s.
	Every time.Duration
	// Rate is how many item changes per second the application makes.
	// Zero means 50.
	Rate int
	// Customers and Live set the application's key space (AppOptions).
	Customers, Live int
	// Shards is the stream's shard count when it is created. Zero means 2.
	Shards int
	// Seed seeds the application.
	Seed uint64
	// AWSAddr, SQLAddr and HTTPAddr are the server's listen addresses.
	// Empty means the defaults `blueshift serve` uses, or a free port when
	// one is taken.
	AWSAddr, SQLAddr, HTTPAddr string
	// Changes, when positive, stops the application after that many item
	// changes; the pipeline keeps running (and printing) until ctx ends.
	Changes int64
	// LoadEvery is the article's load's schedule. Zero means 10s.
	LoadEvery time.Duration
}

// DefaultDataDir is where the demo keeps its data unless told otherwise, so
// that a second run resumes the first.
const DefaultDataDir = "blueshift-demo"

// Default addresses, as `blueshift serve` uses them.
var defaultAddrs = map[string]string{"aws": "127.0.0.1:4566", "sql": "127.0.0.1:5439", "http": "127.0.0.1:8080"}

// pickAddr returns addr when it can be bound, else a port-0 address and a
// note saying so.
func pickAddr(name, addr string) (string, string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "127.0.0.1:0", fmt.Sprintf("%s: %s is taken; using a free port instead", name, addr)
	}
	_ = ln.Close()
	return addr, ""
}

// Run runs the demo until ctx ends.
func Run(ctx context.Context, o Options) error {
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if o.Every <= 0 {
		o.Every = 2 * time.Second
	}
	if o.Rate <= 0 {
		o.Rate = 50
	}
	if o.Shards <= 0 {
		o.Shards = 2
	}
	if o.LoadEvery <= 0 {
		o.LoadEvery = 10 * time.Second
	}
	if o.DataDir == "" {
		o.DataDir = DefaultDataDir
	}
	if abs, err := filepath.Abs(o.DataDir); err == nil {
		o.DataDir = abs
	}
	if err := os.MkdirAll(o.DataDir, 0o755); err != nil {
		return fmt.Errorf("demo: data directory: %w", err)
	}
	cfg := config.Config{DataDir: o.DataDir, AddrFile: filepath.Join(o.DataDir, "addrs"), LogLevel: "warn"}
	_ = os.Remove(cfg.AddrFile) // a previous run's addresses
	given := map[string]string{"aws": o.AWSAddr, "sql": o.SQLAddr, "http": o.HTTPAddr}
	for _, name := range []string{"aws", "sql", "http"} {
		addr := given[name]
		if addr == "" {
			var note string
			addr, note = pickAddr(name, defaultAddrs[name])
			if note != "" {
				fmt.Fprintln(o.Out, note)
			}
		}
		switch name {
		case "aws":
			cfg.AWSAddr = addr
		case "sql":
			cfg.SQLAddr = addr
		case "http":
			cfg.HTTPAddr = addr
		}
	}

	// The server outlives the application: when ctx ends, the application
	// stops first, then the server, so no write is cut off mid-request.
	srvCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	serverDone := make(chan error, 1)
	go func() { serverDone <- o.Serve(srvCtx, cfg, o.Log) }()
	addrs, err := config.WaitAddrFile(ctx, cfg.AddrFile, serverDone, 0)
	if err != nil {
		cancel()
		if !errors.Is(err, config.ErrServerStopped) {
			<-serverDone
		}
		return fmt.Errorf("demo: %w", err)
	}
	err = drive(ctx, o, addrs)
	cancel()
	serverErr := <-serverDone
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	if err == nil && serverErr == nil {
		fmt.Fprintf(o.Out, "\nstopped; the data stays in %s (run the demo again to resume)\n", o.DataDir)
	}
	return errors.Join(err, serverErr)
}

// ExactLoadSQL is the exact load (exact_load.sql), run after ScenarioSQL.
//
//go:embed exact_load.sql
var ExactLoadSQL string

// ExactLoad returns exact_load.sql's statements, as psql sends them.
func ExactLoad() ([]string, error) {
	pieces, err := bsql.Split(ExactLoadSQL)
	if err != nil {
		return nil, fmt.Errorf("demo: split exact_load.sql: %w", err)
	}
	var out []string
	for _, p := range pieces {
		if strings.TrimSpace(p.Text) != "" {
			out = append(out, p.Text)
		}
	}
	return out, nil
}

// SetUp makes the pipeline on a server at addrs if it is not there yet:
// the stream, the application's table with its streaming destination, the
// article's SQL (scenario.sql) and the exact load (exact_load.sql), the
// streaming view's AUTO REFRESH and the article's load every loadEvery.
// It reports whether it found the pipeline already set up.
func SetUp(ctx context.Context, addrs map[string]string, conn *pgx.Conn, shards int, loadEvery time.Duration) (bool, error) {
	kc := NewKinesis(addrs["aws"])
	if _, err := kc.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(StreamName)}); err != nil {
		var nf *ktypes.ResourceNotFoundException
		if !errors.As(err, &nf) {
			return false, fmt.Errorf("demo: describe stream: %w", err)
		}
		if err := CreateStream(ctx, kc, StreamName, int32(shards)); err != nil {
			return false, err
		}
	}
	arn, err := StreamARN(ctx, kc, StreamName)
	if err != nil {
		return false, err
	}
	if _, err := NewApp(NewDynamoDB(addrs["aws"], 0), AppOptions{}).Setup(ctx, arn); err != nil {
		return false, err
	}
	var done int64
	if err := conn.QueryRow(ctx, `select count(*) from information_schema.tables where lower(table_name) = 'customer_transaction_fact_exact'`).Scan(&done); err != nil {
		return false, fmt.Errorf("demo: look for the pipeline: %w", err)
	}
	exact, err := ExactLoad()
	if err != nil {
		return false, err
	}
	if done > 0 {
		// exact_load.sql is idempotent: a resumed pipeline gets its
		// current procedure.
		if err := Exec(ctx, conn, exact...); err != nil {
			return false, fmt.Errorf("demo: exact_load.sql: %w", err)
		}
		return true, nil
	}
	sc, err := SplitScenario()
	if err != nil {
		return false, err
	}
	if err := Exec(ctx, conn, sc.Setup...); err != nil {
		return false, fmt.Errorf("demo: scenario.sql: %w", err)
	}
	if err := Exec(ctx, conn, sc.Load...); err != nil {
		return false, fmt.Errorf("demo: scenario.sql: %w", err)
	}
	if err := Exec(ctx, conn, "ALTER MATERIALIZED VIEW demo_stream_vw AUTO REFRESH YES"); err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	if err := Exec(ctx, conn, exact...); err != nil {
		return false, fmt.Errorf("demo: exact_load.sql: %w", err)
	}
	if err := Exec(ctx, conn, fmt.Sprintf("CREATE SCHEDULE load_customer_transaction_fact EVERY %d SECONDS AS CALL SP_Customer_Transaction_Fact()",
		int(loadEvery.Seconds()))); err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	if err := createDashboard(ctx, addrs["http"]); err != nil {
		return false, err
	}
	return false, nil
}

// drive sets the pipeline up (or finds it), then runs the application and
// prints the pipeline's state until ctx ends.
func drive(ctx context.Context, o Options, addrs map[string]string) error {
	out := o.Out
	host, port, _ := net.SplitHostPort(addrs["sql"])
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://demo@%s/dev?sslmode=disable", addrs["sql"]))
	if err != nil {
		return fmt.Errorf("demo: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	resumed, err := SetUp(ctx, addrs, conn, o.Shards, o.LoadEvery)
	if err != nil {
		return err
	}
	if resumed {
		fmt.Fprintf(out, "resuming the pipeline found in %s\n", o.DataDir)
	} else {
		fmt.Fprintf(out, "set up a new pipeline in %s: table %s -> stream %s -> scenario.sql + exact_load.sql\n", o.DataDir, TableName, StreamName)
	}
	aws := addrs["aws"]
	fmt.Fprintf(out, `
blueshift demo is running (data in %s)

  dashboard and HTTP API:  http://%s/
      the fact table's dashboard: http://%s/dashboards/transactions
  DynamoDB API:            http://%s   (the application's table %q)
      aws --endpoint-url http://%s dynamodb scan --table-name %s --max-items 3
  Kinesis API:             http://%s   (stream %q)
      aws --endpoint-url http://%s kinesis describe-stream-summary --stream-name %s
  SQL (Postgres wire protocol): %s
      psql "host=%s port=%s dbname=dev user=demo sslmode=disable"
      select * from Customer_Transaction_Fact_Exact order by completion_datetime desc limit 5;

(the AWS CLI wants credentials, any will do: AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_DEFAULT_REGION=us-east-1)

The application makes %d item changes/s. The exact load (exact_load.sql) runs whenever
the streaming view takes in records (ON CHANGE OF); the article's (scenario.sql) every %s.
Ctrl-C stops.

`, o.DataDir, addrs["http"], addrs["http"], aws, TableName, aws, TableName, aws, StreamName, aws, StreamName,
		addrs["sql"], host, port, o.Rate, o.LoadEvery)

	app := NewApp(NewDynamoDB(aws, 8), AppOptions{Customers: o.Customers, Live: o.Live, Seed: o.Seed})
	errc := make(chan error, 1)
	go func() { errc <- app.Run(ctx, float64(o.Rate), o.Changes) }()
	st := &status{}
	tick := time.NewTicker(o.Every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			if errc != nil {
				<-errc
			}
			return nil
		case err := <-errc:
			if err != nil {
				return err
			}
			errc = nil // the application is done; keep reporting
			fmt.Fprintf(out, "the application stopped after %d item changes; the pipeline keeps running (Ctrl-C stops)\n", app.Writes.Load())
		case <-tick.C:
			st.report(ctx, out, conn, app.Writes.Load())
		}
	}
}

// status is what the last report saw, for rates.
type status struct {
	at     time.Time
	writes int64
	rows   int64 // streaming view rows
	loaded int64 // of them, read by the exact load
	header int
}

// statusQuery reads the streaming view's rows, the exact load's backlog
// (records after its positions) and lag (how long ago the oldest of them
// arrived), and the fact tables' rows. The arrival bound only narrows the
// scan, as in exact_load.sql.
const statusQuery = `select (select count(*) from demo_stream_vw),
	b.backlog, coalesce(datediff(ms, b.oldest, getdate()), 0),
	(select count(*) from Customer_Transaction_Fact_Exact),
	(select count(*) from Customer_Transaction_Fact)
	from (select count(*) as backlog, min(v.approximate_arrival_timestamp) as oldest
		from demo_stream_vw v left join Customer_Transaction_Fact_Exact_Position p on p.shard_id = v.shard_id
		where v.approximate_arrival_timestamp >= coalesce((select min(approximate_arrival_timestamp) from Customer_Transaction_Fact_Exact_Position), '1900-01-01')
		and (p.sequence_number is null or len(v.sequence_number) > len(p.sequence_number)
		or (len(v.sequence_number) = len(p.sequence_number) and v.sequence_number > p.sequence_number))) b`

// report prints one line of the pipeline's state: changes per second at
// each stage (the application's acknowledged writes, the streaming view's
// new rows, the changes the exact load took in), the exact load's backlog
// and lag, the fact tables' rows and the loads' last runs.
func (st *status) report(ctx context.Context, out io.Writer, conn *pgx.Conn, writes int64) {
	now := time.Now()
	var rows, backlog, lagMs, exactRows, articleRows int64
	err := conn.QueryRow(ctx, statusQuery, pgx.QueryExecModeSimpleProtocol).Scan(&rows, &backlog, &lagMs, &exactRows, &articleRows)
	if err != nil {
		fmt.Fprintf(out, "%s  error: %v\n", now.Format("15:04:05"), err)
		return
	}
	loads := map[string]string{}
	rs, err := conn.Query(ctx, `select schedule_name, status, coalesce(datediff(ms, start_time, end_time), -1), runs_total from (
		select schedule_name, status, start_time, end_time, count(*) over (partition by schedule_name) as runs_total,
		row_number() over (partition by schedule_name order by run_id desc) as rn
		from sys_schedule_history where status <> 'running') h where rn = 1`, pgx.QueryExecModeSimpleProtocol)
	if err == nil {
		for rs.Next() {
			var name, state string
			var ms, runs int64
			if rs.Scan(&name, &state, &ms, &runs) == nil {
				loads[name] = fmt.Sprintf("%s %dms (%d runs)", state, ms, runs)
			}
		}
		rs.Close()
	}
	if st.header%15 == 0 {
		fmt.Fprintf(out, "%-8s  %-18s %-18s %-18s %-8s %-7s %-9s %-9s  %-27s %s\n", "time",
			"DynamoDB writes/s", "view rows/s", "exact load/s", "backlog", "lag", "exact", "article",
			"exact load: last run", "article's load: last run")
		fmt.Fprintf(out, "%-8s  %-18s %-18s %-18s %-8s %-7s %-9s %-9s\n", "",
			"(total)", "(total)", "(total)", "records", "", "fact rows", "fact rows")
	}
	st.header++
	loaded := rows - backlog
	rate := func(cur, prev int64) string {
		if st.at.IsZero() {
			return fmt.Sprintf("- (%d)", cur)
		}
		return fmt.Sprintf("%.0f (%d)", float64(cur-prev)/now.Sub(st.at).Seconds(), cur)
	}
	fmt.Fprintf(out, "%-8s  %-18s %-18s %-18s %-8d %-7s %-9d %-9d  %-27s %s\n", now.Format("15:04:05"),
		rate(writes, st.writes), rate(rows, st.rows), rate(loaded, st.loaded), backlog,
		(time.Duration(lagMs) * time.Millisecond).String(), exactRows, articleRows,
		loads["load_customer_transaction_fact_exact"], loads["load_customer_transaction_fact"])
	st.at, st.writes, st.rows, st.loaded = now, writes, rows, loaded
}

// dashboardJSON is the demo's dashboard over the fact table: transactions
// and amounts over time, by provider.
//
//go:embed dashboard.json
var dashboardJSON []byte

// createDashboard saves the demo's dashboard through the HTTP API, as a user
// would.
func createDashboard(ctx context.Context, httpAddr string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+httpAddr+"/api/dashboards", bytes.NewReader(dashboardJSON))
	if err != nil {
		return fmt.Errorf("demo: dashboard: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("demo: dashboard: %w", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("demo: dashboard: %s: %s", res.Status, body)
	}
	return nil
}

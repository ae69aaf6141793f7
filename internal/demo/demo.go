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

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/jackc/pgx/v5"

	"github.com/blueshift-dev/blueshift/internal/config"
)

// Options configure Run.
type Options struct {
	// Serve runs the server until ctx ends (app.Run; given by main, since
	// only main composes the application).
	Serve func(ctx context.Context, cfg config.Config, log *slog.Logger) error
	// DataDir is the data directory; it must not exist yet or be empty.
	// Empty means a new temporary directory.
	DataDir string
	// Out receives what the demo prints for the user.
	Out io.Writer
	// Log receives the server's logs.
	Log *slog.Logger
	// Every is how often the demo prints the views' rows. Zero means 5s.
	Every time.Duration
	// Rate is how many change records the generator puts per second. Zero means 4.
	Rate int
	// Seed seeds the generator.
	Seed uint64
}

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
		o.Every = 5 * time.Second
	}
	if o.Rate <= 0 {
		o.Rate = 4
	}
	if o.DataDir == "" {
		dir, err := os.MkdirTemp("", "blueshift-demo-")
		if err != nil {
			return fmt.Errorf("demo: data directory: %w", err)
		}
		o.DataDir = dir
	} else if entries, err := os.ReadDir(o.DataDir); err == nil && len(entries) > 0 {
		return fmt.Errorf("demo: %s is not empty; the demo starts on a fresh data directory", o.DataDir)
	}
	cfg := config.Config{DataDir: o.DataDir, AddrFile: filepath.Join(o.DataDir, "addrs"), LogLevel: "warn"}
	for _, name := range []string{"aws", "sql", "http"} {
		addr, note := pickAddr(name, defaultAddrs[name])
		if note != "" {
			fmt.Fprintln(o.Out, note)
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

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	serverDone := make(chan error, 1)
	go func() { serverDone <- o.Serve(ctx, cfg, o.Log) }()
	addrs, err := config.WaitAddrFile(ctx, cfg.AddrFile, serverDone, 0)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	err = drive(ctx, o, addrs)
	cancel()
	serverErr := <-serverDone
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return errors.Join(err, serverErr)
}

// drive sets the scenario up, then feeds the stream and prints the views
// until ctx ends.
func drive(ctx context.Context, o Options, addrs map[string]string) error {
	out := o.Out
	kc := NewKinesis(addrs["aws"])
	if err := CreateStream(ctx, kc, StreamName, 2); err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(addrs["sql"])
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://demo@%s/dev?sslmode=disable", addrs["sql"]))
	if err != nil {
		return fmt.Errorf("demo: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	sc, err := SplitScenario()
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "running the reference scenario's SQL (scenario.sql)...")
	if err := Exec(ctx, conn, sc.Setup...); err != nil {
		return fmt.Errorf("demo: scenario: %w", err)
	}
	if err := PutRecords(ctx, kc, StreamName, []Record{{PartitionKey: "CUSTOMER#CUST_123", Data: SampleRecord}}); err != nil {
		return err
	}
	if err := Exec(ctx, conn, "REFRESH MATERIALIZED VIEW demo_stream_vw"); err != nil {
		return fmt.Errorf("demo: scenario: %w", err)
	}
	if err := Exec(ctx, conn, sc.Load...); err != nil {
		return fmt.Errorf("demo: scenario: %w", err)
	}
	// From here the pipeline runs by itself: the streaming view refreshes
	// as records arrive, the load procedure runs on a schedule.
	if err := Exec(ctx, conn,
		"ALTER MATERIALIZED VIEW demo_stream_vw AUTO REFRESH YES",
		"CREATE SCHEDULE load_customer_transaction_fact EVERY 10 SECONDS AS CALL SP_Customer_Transaction_Fact()",
	); err != nil {
		return fmt.Errorf("demo: scenario: %w", err)
	}
	if err := createDashboard(ctx, addrs["http"]); err != nil {
		return err
	}

	fmt.Fprintf(out, `
blueshift demo is running (data in %s)

  SQL (Postgres wire protocol): %s
      psql "host=%s port=%s dbname=dev user=demo sslmode=disable"
  dashboard and HTTP API:       http://%s/
      the fact table's dashboard: http://%s/dashboards/transactions
  Kinesis API:                  http://%s   (stream %q)
      aws --endpoint-url http://%s kinesis describe-stream-summary --stream-name %s

The load procedure runs every 10 seconds (SHOW SCHEDULES; SELECT * FROM sys_schedule_history).
Generated DynamoDB change records go into the stream at %d per second. Ctrl-C stops.
`, o.DataDir, addrs["sql"], host, port, addrs["http"], addrs["http"], addrs["aws"], StreamName, addrs["aws"], StreamName, o.Rate)

	errc := make(chan error, 1)
	go func() { errc <- generate(ctx, o, kc) }()
	tick := time.NewTicker(o.Every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			return err
		case <-tick.C:
			report(ctx, out, conn)
		}
	}
}

// generate puts generated change records until ctx ends.
func generate(ctx context.Context, o Options, k *kinesis.Client) error {
	g := NewGenerator(o.Seed, time.Now)
	tick := time.NewTicker(time.Second / time.Duration(o.Rate))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		if err := PutRecords(ctx, k, StreamName, []Record{g.Next()}); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// report prints the row counts and the newest rows of the streaming view
// and the fact table: plain values (an event name without JSON's quotes),
// arrival times to the millisecond so that the rows line up.
func report(ctx context.Context, out io.Writer, conn *pgx.Conn) {
	fmt.Fprintf(out, "\n-- %s\n", time.Now().Format("15:04:05"))
	for _, q := range []struct{ title, sql string }{
		{"demo_stream_vw (streaming view)", `select count(*) from demo_stream_vw`},
		{"mv_demo_super_unnest", `select count(*) from mv_demo_super_unnest`},
		{"Customer_Transaction_Fact", `select count(*) from Customer_Transaction_Fact`},
	} {
		var n int64
		if err := conn.QueryRow(ctx, q.sql).Scan(&n); err != nil {
			fmt.Fprintf(out, "%-34s error: %v\n", q.title, err)
			continue
		}
		fmt.Fprintf(out, "%-34s %s\n", q.title, plural(n, "row"))
	}
	rows, err := conn.Query(ctx, `select to_char(approximate_arrival_timestamp, 'YYYY-MM-DD HH24:MI:SS.MS'), partition_key,
		payload."eventName"::varchar
		from demo_stream_vw order by approximate_arrival_timestamp desc limit 3`, pgx.QueryExecModeSimpleProtocol)
	printRows(out, "newest in demo_stream_vw:", rows, err)
	rows, err = conn.Query(ctx, `select Transaction_ID, Customer_ID, OutofPocket_Percent::varchar, OutofPock_Amount::varchar,
		Provider, completion_datetime::varchar from Customer_Transaction_Fact order by completion_datetime desc, Transaction_ID limit 5`,
		pgx.QueryExecModeSimpleProtocol)
	printRows(out, "newest in Customer_Transaction_Fact:", rows, err)
}

// plural is "1 row", "2 rows".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func printRows(out io.Writer, title string, rows pgx.Rows, err error) {
	fmt.Fprintln(out, title)
	if err != nil {
		fmt.Fprintf(out, "  error: %v\n", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		vals := rows.RawValues()
		cells := make([]string, len(vals))
		for i, v := range vals {
			if v == nil {
				cells[i] = "NULL"
			} else {
				cells[i] = string(v)
			}
		}
		fmt.Fprintf(out, "  %s\n", strings.Join(cells, " | "))
	}
	if err := rows.Err(); err != nil {
		fmt.Fprintf(out, "  error: %v\n", err)
	}
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

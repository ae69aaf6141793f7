package bench

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/blueshift-dev/blueshift/internal/config"
)

// Options configure Run. Flags fills them with their defaults; Validate
// checks them.
type Options struct {
	// Serve runs a server until ctx ends (app.Run, given by main, which
	// alone composes the application). Unused with AWSAddr and SQLAddr.
	Serve func(ctx context.Context, cfg config.Config, log *slog.Logger) error
	// Log receives the in-process server's logs.
	Log *slog.Logger
	// Out receives the report: a table, or JSON with JSONOut.
	Out io.Writer
	// Progress receives a line as each step starts; nil discards them.
	Progress io.Writer
	// Version is blueshift's version, for the report.
	Version string

	// DataDir is the in-process server's data directory. Empty means a new
	// temporary directory, removed at the end.
	DataDir string
	// AWSAddr and SQLAddr, both set, point the run at a running server
	// instead of starting one.
	AWSAddr, SQLAddr string
	// SQLUser and Database are the SQL endpoint's user and database (the
	// password, if any, comes from PGPASSWORD).
	SQLUser, Database string

	Shards        int           // the stream's shards
	Clients       int           // concurrent PutRecords callers in phase 1
	Records       int           // records put in phase 1
	RecordSize    int           // bytes of JSON per record
	Rate          int           // records/s in phase 3
	Duration      time.Duration // length of phase 3
	QueryClients  int           // concurrent SQL connections in phase 4
	QueryDuration time.Duration // length of each query kind in phase 4
	JSONOut       bool          // print JSON instead of a table
}

// Limits of the parameters.
const (
	maxBatch      = 500     // records per PutRecords call (Kinesis's limit)
	maxBatchBytes = 5 << 20 // data and partition keys per PutRecords call
	maxRecordSize = 1 << 20 // data per record
)

// Flags registers the bench flags on fs, with their defaults, filling o.
func (o *Options) Flags(fs *flag.FlagSet) {
	fs.StringVar(&o.DataDir, "data", "", "data directory of the in-process server; empty means a new temporary directory, removed at the end")
	fs.StringVar(&o.AWSAddr, "aws-addr", "", "Kinesis API (host:port) of a running server to measure instead of starting one; needs --sql-addr")
	fs.StringVar(&o.SQLAddr, "sql-addr", "", "SQL endpoint (host:port) of a running server; needs --aws-addr")
	fs.StringVar(&o.SQLUser, "sql-user", "bench", "SQL user (the password, if any, comes from PGPASSWORD)")
	fs.StringVar(&o.Database, "database", "dev", "SQL database")
	fs.IntVar(&o.Shards, "shards", 2, "shards of the benchmark stream")
	fs.IntVar(&o.Clients, "clients", 4, "concurrent PutRecords callers in the put phase")
	fs.IntVar(&o.Records, "records", 200_000, "records put in the put phase")
	fs.IntVar(&o.RecordSize, "record-size", 1024, fmt.Sprintf("bytes of JSON per record (%d to %d)", minRecordSize, maxRecordSize))
	fs.IntVar(&o.Rate, "rate", 1000, "records per second in the freshness phase")
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "length of the freshness phase")
	fs.IntVar(&o.QueryClients, "query-clients", 2, "concurrent SQL connections in the query phase")
	fs.DurationVar(&o.QueryDuration, "query-duration", 4*time.Second, "how long each kind of query runs in the query phase")
	fs.BoolVar(&o.JSONOut, "json", false, "print the results as JSON")
}

// Validate reports every parameter that cannot run.
func (o *Options) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check((o.AWSAddr == "") == (o.SQLAddr == ""), "--aws-addr and --sql-addr go together")
	for name, addr := range map[string]string{"aws-addr": o.AWSAddr, "sql-addr": o.SQLAddr} {
		if addr != "" {
			_, _, err := net.SplitHostPort(addr)
			check(err == nil, "--%s %q: want host:port", name, addr)
		}
	}
	check(o.DataDir == "" || o.AWSAddr == "", "--data is for the in-process server; it cannot go with --aws-addr")
	check(o.Shards >= 1 && o.Shards <= 1024, "--shards %d: want 1 to 1024", o.Shards)
	check(o.Clients >= 1 && o.Clients <= 256, "--clients %d: want 1 to 256", o.Clients)
	check(o.Records >= 1, "--records %d: want at least 1", o.Records)
	check(o.RecordSize >= minRecordSize && o.RecordSize <= maxRecordSize, "--record-size %d: want %d to %d", o.RecordSize, minRecordSize, maxRecordSize)
	check(o.Rate >= 1 && o.Rate <= 1_000_000, "--rate %d: want 1 to 1000000", o.Rate)
	check(o.Duration > 0, "--duration %s: want more than 0", o.Duration)
	check(o.Duration <= 0 || o.freshRecords() >= 1, "--rate %d for --duration %s puts no record", o.Rate, o.Duration)
	check(o.QueryClients >= 1 && o.QueryClients <= 256, "--query-clients %d: want 1 to 256", o.QueryClients)
	check(o.QueryDuration > 0, "--query-duration %s: want more than 0", o.QueryDuration)
	check(o.SQLUser != "", "--sql-user is empty")
	check(o.Database != "", "--database is empty")
	return errors.Join(errs...)
}

// freshRecords is how many records phase 3 puts.
func (o *Options) freshRecords() int {
	return int(float64(o.Rate) * o.Duration.Seconds())
}

// batchSize is how many records one PutRecords call carries.
func (o *Options) batchSize() int {
	per := o.RecordSize + maxKeyLen
	return max(1, min(maxBatch, maxBatchBytes/per))
}

func (o *Options) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", args...)
	}
}

// Run runs the benchmark and prints its report to o.Out. It returns an
// error when a step fails or the view does not hold exactly the records
// put; the report is printed only for a complete, verified run.
func Run(ctx context.Context, o Options) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	start := time.Now()
	res, err := run(ctx, o)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("bench: interrupted: %w", ctx.Err())
		}
		return err
	}
	res.Seconds = time.Since(start).Seconds()
	if o.JSONOut {
		enc := json.NewEncoder(o.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return res.WriteTable(o.Out)
}

// run starts the server when it has to, and runs the phases against it.
func run(ctx context.Context, o Options) (*Result, error) {
	res := &Result{Version: o.Version, Machine: machine(), Params: o.params()}
	if o.AWSAddr != "" {
		res.Server = Server{InProcess: false, AWSAddr: o.AWSAddr, SQLAddr: o.SQLAddr}
		return res, drive(ctx, o, res, o.AWSAddr, o.SQLAddr, true)
	}
	if o.Serve == nil {
		return nil, errors.New("bench: no server to start (Options.Serve is nil)")
	}
	dir, temp := o.DataDir, o.DataDir == ""
	if temp {
		d, err := os.MkdirTemp("", "blueshift-bench-")
		if err != nil {
			return nil, fmt.Errorf("bench: data directory: %w", err)
		}
		dir = d
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("bench: data directory: %w", err)
	}
	addrFile := filepath.Join(dir, "bench-addrs")
	_ = os.Remove(addrFile)
	cfg := config.Config{DataDir: dir, AWSAddr: "127.0.0.1:0", SQLAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
		AddrFile: addrFile, LogLevel: "warn"}
	o.progress("starting the server in-process (data %s)", dir)

	sctx, stop := context.WithCancel(ctx)
	defer stop()
	serverDone := make(chan error, 1)
	go func() { serverDone <- o.Serve(sctx, cfg, o.Log) }()
	addrs, err := config.WaitAddrFile(ctx, addrFile, serverDone, 2*time.Minute)
	if err != nil {
		stop()
		if !errors.Is(err, config.ErrServerStopped) { // else serverDone is spent
			err = errors.Join(err, <-serverDone)
		}
		return nil, fmt.Errorf("bench: %w", err)
	}
	res.Server = Server{InProcess: true, DataDir: dir, TempDir: temp, AWSAddr: addrs["aws"], SQLAddr: addrs["sql"], HTTPAddr: addrs["http"]}
	o.progress("server listening: Kinesis API %s, SQL %s, HTTP %s", addrs["aws"], addrs["sql"], addrs["http"])
	err = drive(ctx, o, res, addrs["aws"], addrs["sql"], false)
	stop()
	serverErr := <-serverDone
	if serverErr != nil {
		serverErr = fmt.Errorf("bench: server: %w", serverErr)
	}
	return res, errors.Join(err, serverErr)
}

// names are the objects one run creates, unique per run so that runs
// against a running server do not collide.
type names struct {
	stream, schema, view string
}

func newNames() names {
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	return names{stream: "blueshift-bench-" + suffix, schema: "bench_" + suffix, view: "bench_" + suffix + "_vw"}
}

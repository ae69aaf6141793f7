// Command blueshift runs the blueshift server and its tools.
//
//	blueshift serve [flags]   run the server (streams, warehouse, SQL, HTTP)
//	blueshift demo [flags]    the reference scenario, live (make demo)
//	blueshift bench [flags]   measure the whole pipeline on this machine
//	blueshift version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/blueshift-dev/blueshift/internal/app"
	"github.com/blueshift-dev/blueshift/internal/bench"
	"github.com/blueshift-dev/blueshift/internal/config"
	"github.com/blueshift-dev/blueshift/internal/demo"
	"github.com/blueshift-dev/blueshift/internal/obs"
)

const usage = `usage: blueshift <command> [flags]

commands:
  serve     run the server: DynamoDB and Kinesis APIs, SQL endpoint, HTTP dashboard
  demo      run the reference scenario on a fresh server, with generated records (make demo)
  bench     measure puts, ingestion, freshness and queries end to end on this machine
  version   print the version

Run "blueshift <command> -h" for a command's flags.
`

// version is set at build time with -ldflags "-X main.version=...".

var version = "dev"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, os.Args[2:])
	case "demo":
		err = runDemo(ctx, os.Args[2:])
	case "bench":
		err = runBench(ctx, os.Args[2:])
	case "version":
		fmt.Println("blueshift", version)
	case "-h", "--help", "help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "blueshift: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "blueshift:", err)
		os.Exit(1)
	}
}

// serveFlags registers the server flags on fs, filling cfg.
func serveFlags(fs *flag.FlagSet, cfg *config.Config) {
	fs.StringVar(&cfg.DataDir, "data", "./blueshift-data", "data directory")
	fs.StringVar(&cfg.AWSAddr, "aws-addr", "127.0.0.1:4566", "AWS API (DynamoDB and Kinesis) listen address; port 0 picks one; \"off\" disables")
	fs.StringVar(&cfg.SQLAddr, "sql-addr", "127.0.0.1:5439", "Postgres wire protocol listen address; port 0 picks one; \"off\" disables")
	fs.StringVar(&cfg.HTTPAddr, "http-addr", "127.0.0.1:8080", "dashboard, HTTP API and /metrics listen address; port 0 picks one; \"off\" disables")
	fs.StringVar(&cfg.Database, "database", "dev", "database name clients connect to")
	fs.StringVar(&cfg.SQLAuth, "sql-auth", "scram-sha-256", "how --user users authenticate on the SQL endpoint: scram-sha-256 or password (cleartext)")
	fs.StringVar(&cfg.TLSCert, "tls-cert", "", "PEM certificate for TLS on the SQL endpoint")
	fs.StringVar(&cfg.TLSKey, "tls-key", "", "PEM private key for TLS on the SQL endpoint")
	fs.StringVar(&cfg.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.DurationVar(&cfg.StreamTransitionDelay, "stream-transition-delay", 0, "how long a stream (or DynamoDB table) stays CREATING/UPDATING/DELETING before ACTIVE or gone (clients poll for it)")
	fs.DurationVar(&cfg.StreamTrimInterval, "stream-trim-interval", time.Minute, "how often records past their stream's retention are removed")
	fs.DurationVar(&cfg.SystemLogRetention, "system-log-retention", 7*24*time.Hour, "how long the warehouse keeps refresh, scan, procedure and schedule history (negative: forever)")
	fs.StringVar(&cfg.KinesisEndpoint, "kinesis-endpoint", "", "Kinesis endpoint URL that streaming materialized views read (default: blueshift's own streams)")
	fs.StringVar(&cfg.KinesisRegion, "kinesis-region", "", "AWS region of the Kinesis service streaming materialized views read")
	fs.StringVar(&cfg.AddrFile, "addr-file", "", "write the bound addresses (name=host:port lines) to this file once listening")
	fs.IntVar(&cfg.MaxSQLConnections, "max-sql-connections", 500, "SQL connections open at once; more are refused with 53300 (negative: no cap)")
	fs.IntVar(&cfg.MaxAWSConnections, "max-aws-connections", 1000, "AWS API connections open at once; more get HTTP 503 ThrottlingException (negative: no cap)")
	fs.IntVar(&cfg.MaxHTTPConnections, "max-http-connections", 200, "dashboard/HTTP API connections open at once; more get HTTP 503 (negative: no cap)")
	fs.DurationVar(&cfg.HTTPReadHeaderTimeout, "http-read-header-timeout", 10*time.Second, "time to read a request's head, on the AWS and HTTP ports")
	fs.DurationVar(&cfg.HTTPReadTimeout, "http-read-timeout", 60*time.Second, "time to read a whole request, on the AWS and HTTP ports")
	fs.DurationVar(&cfg.HTTPIdleTimeout, "http-idle-timeout", 120*time.Second, "how long a kept-alive connection may wait for its next request, on the AWS and HTTP ports")
	fs.StringVar(&cfg.WarehouseMemoryLimit, "warehouse-memory-limit", "", "memory all SQL statements and streaming batches may hold together (for example 4GB); past it they spill to disk or fail with 53200 (default: half the machine's memory)")
	fs.StringVar(&cfg.WarehouseTempLimit, "warehouse-temp-limit", "", "disk space statements may spill to in the data directory (for example 20GB); past it they fail with 53200 (default: half the space free at start)")
	fs.Func("user", "SQL and dashboard user as name:password or name:password:readonly (repeatable; also BLUESHIFT_USERS=name:pw,name:pw); none means trust, loopback only", func(s string) error {
		return addUser(cfg, s)
	})
	fs.IntVar(&cfg.KinesisShardLimit, "kinesis-shard-limit", 0, "account-wide open-shard quota the Kinesis API enforces as Kinesis does (LimitExceededException); 0 means none")
	fs.Func("aws-credentials", "AWS access key as KEY:SECRET whose SigV4 signatures the AWS API verifies (repeatable; also BLUESHIFT_AWS_CREDENTIALS=KEY:SECRET,KEY:SECRET); none means any well-formed signature is accepted", func(s string) error {
		return addAWSCredentials(cfg, s)
	})
}

func addAWSCredentials(cfg *config.Config, s string) error {
	key, secret, ok := strings.Cut(s, ":")
	if !ok || key == "" || secret == "" {
		return fmt.Errorf("want ACCESS_KEY_ID:SECRET_KEY")
	}
	if cfg.AWSCredentials == nil {
		cfg.AWSCredentials = map[string]string{}
	}
	cfg.AWSCredentials[key] = secret
	return nil
}

func addUser(cfg *config.Config, s string) error {
	name, pw, ok := strings.Cut(s, ":")
	if !ok || name == "" {
		return fmt.Errorf("want name:password or name:password:readonly, got %q", s)
	}
	readOnly := false
	if p, found := strings.CutSuffix(pw, ":readonly"); found {
		pw, readOnly = p, true
	}
	if cfg.Users == nil {
		cfg.Users = map[string]string{}
	}
	cfg.Users[name] = pw
	if readOnly {
		if cfg.ReadOnly == nil {
			cfg.ReadOnly = map[string]bool{}
		}
		cfg.ReadOnly[name] = true
	} else {
		delete(cfg.ReadOnly, name)
	}
	return nil
}

const serveUsage = `usage: blueshift serve [flags]

Runs the server: the Kinesis API, the SQL endpoint (Postgres wire protocol,
Redshift's SQL) and the HTTP dashboard and API, keeping everything in the
data directory. It runs until interrupted (Ctrl-C, SIGTERM).

example:
  blueshift serve --data ./blueshift-data
  psql "host=127.0.0.1 port=5439 dbname=dev user=me sslmode=disable"

With no --user, any user name connects from this machine without a
password; with --user name:password (or BLUESHIFT_USERS), those users only.

flags:
`

const demoUsage = `usage: blueshift demo [flags]

Starts a server on a fresh data directory, runs the reference scenario's
SQL (a streaming materialized view over a Kinesis stream, a stored
procedure run by a schedule), puts generated records into the stream, and
prints the views every few seconds until Ctrl-C. It prints where to
connect (psql, the dashboard, the AWS CLI) and where its data is.

example:
  blueshift demo --rate 20

flags:
`

// usageOf makes fs print text, then its flags, for -h.
func usageOf(fs *flag.FlagSet, text string) {
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), text)
		fs.PrintDefaults()
	}
}

func serve(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	usageOf(fs, serveUsage)
	serveFlags(fs, &cfg)
	if env := os.Getenv("BLUESHIFT_USERS"); env != "" {
		for _, u := range strings.Split(env, ",") {
			if err := addUser(&cfg, u); err != nil {
				return fmt.Errorf("BLUESHIFT_USERS: %w", err)
			}
		}
	}
	if env := os.Getenv("BLUESHIFT_AWS_CREDENTIALS"); env != "" {
		for _, c := range strings.Split(env, ",") {
			if err := addAWSCredentials(&cfg, c); err != nil {
				return fmt.Errorf("BLUESHIFT_AWS_CREDENTIALS: %w", err)
			}
		}
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := obs.NewLogger(os.Stderr, cfg.LogLevel)
	return app.Run(ctx, cfg, log)
}

// runDemo runs `blueshift demo` (internal/demo).
func runDemo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ExitOnError)
	usageOf(fs, demoUsage)
	o := demo.Options{Out: os.Stdout, Serve: app.Run}
	fs.StringVar(&o.DataDir, "data", "", "data directory (must be new or empty); empty means a new temporary directory")
	fs.IntVar(&o.Rate, "rate", 4, "change records put into the stream per second")
	fs.DurationVar(&o.Every, "every", 5*time.Second, "how often to print the views")
	logLevel := fs.String("log-level", "warn", "server log level: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.Log = obs.NewLogger(os.Stderr, *logLevel)
	return demo.Run(ctx, o)
}

const benchUsage = `usage: blueshift bench [flags]

Starts a server in-process on a fresh temporary data directory (or measures
a running one: --aws-addr and --sql-addr), creates a stream and a streaming
materialized view with AUTO REFRESH over json_parse()d records, and measures
through the Kinesis API and the SQL endpoint:

  1 put        PutRecords throughput (records/s, MB/s) and call latency
  2 ingest     time until the view holds every record put (rows/s)
  3 freshness  ack-to-visible latency at a steady rate (p50/p95/p99/max)
  4 query      point lookups (by partition key, by a JSON field) and an
               aggregate over the view (q/s, latency)

It checks that the view ends with exactly the records put and fails
otherwise. Figures go to stdout (a table, or JSON with --json), progress to
stderr. With the defaults a run takes under a minute.

flags:
`

// runBench runs `blueshift bench` (internal/bench). Bad flags exit with
// status 2.
func runBench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), benchUsage)
		fs.PrintDefaults()
	}
	o := bench.Options{Serve: app.Run, Version: version, Out: os.Stdout, Progress: os.Stderr}
	o.Flags(fs)
	logLevel := fs.String("log-level", "warn", "in-process server log level: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2) // fs printed the error and the usage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "blueshift bench: unexpected argument %q\n", fs.Arg(0))
		os.Exit(2)
	}
	if err := o.Validate(); err != nil {
		fmt.Fprintf(os.Stderr, "blueshift bench: %s\nRun \"blueshift bench -h\" for the flags.\n", strings.ReplaceAll(err.Error(), "\n", "\nblueshift bench: "))
		os.Exit(2)
	}
	switch *logLevel {
	case "debug", "info", "warn", "error":
	default:
		fmt.Fprintf(os.Stderr, "blueshift bench: --log-level %q: want debug, info, warn or error\n", *logLevel)
		os.Exit(2)
	}
	o.Log = obs.NewLogger(os.Stderr, *logLevel)
	return bench.Run(ctx, o)
}

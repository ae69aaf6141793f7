// Package config holds blueshift's configuration: one struct whose zero values
// are documented, Default to fill them, and Validate to reject bad combinations
// before anything starts. Command-line flags override the defaults.
package config

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// Config is everything a blueshift server needs to start.
type Config struct {
	// DataDir holds all state: the stream log, the tables and the warehouse
	// file. Empty means "./blueshift-data".
	DataDir string

	// AWSAddr is the listen address of the AWS JSON APIs (DynamoDB and
	// Kinesis).
	// Empty means 127.0.0.1:4566. Port 0 picks a free port.
	AWSAddr string
	// SQLAddr is the listen address of the Postgres wire protocol.
	// Empty means 127.0.0.1:5439 (Redshift's port). Port 0 picks a free port.
	SQLAddr string
	// HTTPAddr is the listen address of the dashboard, HTTP query API,
	// /metrics and /healthz. Empty means 127.0.0.1:8080. Port 0 picks a free port.
	HTTPAddr string

	// Database is the name clients connect to. Empty means "dev", as in Redshift.
	Database string
	// AWSCredentials maps access key IDs to secret keys. When set, the AWS
	// API verifies every request's SigV4 signature and refuses other keys;
	// empty means any well-formed signature is accepted.
	AWSCredentials map[string]string
	// KinesisShardLimit, when positive, is the account-wide open-shard
	// quota the Kinesis API enforces (LimitExceededException, as Kinesis).
	// Zero means none.
	KinesisShardLimit int
	// Users maps user names to passwords for the SQL endpoint. Empty means
	// trust authentication (any user, no password), meant for loopback use.
	Users map[string]string
	// ReadOnly marks Users who may query (SELECT) and look, on the SQL
	// endpoint and the dashboard, but change nothing.
	ReadOnly map[string]bool
	// SQLAuth is how configured Users authenticate on the SQL endpoint:
	// "scram-sha-256" or "password" (cleartext, for clients without SCRAM).
	// Empty means scram-sha-256.
	SQLAuth string
	// TLSCert and TLSKey are PEM files; both set enables TLS on the SQL endpoint.
	TLSCert, TLSKey string

	// LogLevel is debug, info, warn or error. Empty means info.
	LogLevel string

	// ShutdownTimeout bounds graceful shutdown. Zero means 10s.
	ShutdownTimeout time.Duration

	// StreamTransitionDelay is how long a stream stays CREATING, UPDATING
	// (after a reshard) or DELETING before it turns ACTIVE or disappears, as
	// clients of Kinesis poll for. Zero means at once.
	StreamTransitionDelay time.Duration
	// StreamTrimInterval is how often records past retention are removed.
	// Zero means one minute.
	StreamTrimInterval time.Duration
	// SystemLogRetention is how long the warehouse keeps its system logs
	// (refresh history, stream scan states and errors, procedure calls and
	// messages, schedule runs). Zero means seven days; negative keeps them
	// all.
	SystemLogRetention time.Duration

	// KinesisEndpoint and KinesisRegion, when either is set, make external
	// schemas FROM KINESIS read that Kinesis service through the AWS SDK
	// (default credential chain; IAM_ROLE ARNs assumed through STS) instead
	// of blueshift's own streams. Empty endpoint: AWS's for the region.
	KinesisEndpoint, KinesisRegion string

	// MaxSQLConnections, MaxAWSConnections and MaxHTTPConnections cap the
	// connections open at once on each endpoint; one more is refused in
	// the endpoint's protocol (SQL: FATAL 53300 too_many_connections; AWS:
	// HTTP 503 ThrottlingException; HTTP: 503). Zero means 500 (Redshift's
	// limit for a cluster's user connections), 1000 and 200; negative
	// means no cap.
	MaxSQLConnections, MaxAWSConnections, MaxHTTPConnections int
	// HTTPReadHeaderTimeout, HTTPReadTimeout and HTTPIdleTimeout bound, on
	// both HTTP servers (AWS APIs and dashboard), reading a request's head,
	// reading a whole request, and a kept-alive connection's wait for its
	// next request. Zero means 10s, 60s and 120s.
	HTTPReadHeaderTimeout, HTTPReadTimeout, HTTPIdleTimeout time.Duration

	// WarehouseMemoryLimit bounds the memory of the warehouse (DuckDB's
	// memory_limit, for example "4GB"): every statement and streaming batch
	// together; past it DuckDB spills to disk where it can and fails the
	// statement with 53200 out_of_memory where it cannot. Empty means half
	// of the machine's memory (or of the container's limit).
	WarehouseMemoryLimit string
	// WarehouseTempLimit bounds what spilled statements write to the
	// warehouse's temporary directory in the data directory (DuckDB's
	// max_temp_directory_size), whose disk the stream log shares. Empty
	// means half of the space free at start.
	WarehouseTempLimit string

	// AddrFile, when set, receives one "name=addr" line per bound listener
	// once all servers listen; tests and scripts read it to find port-0 addresses.
	AddrFile string
}

// Default returns a copy of c with every zero value replaced by its documented default.
func (c Config) Default() Config {
	if c.DataDir == "" {
		c.DataDir = "./blueshift-data"
	}
	if c.AWSAddr == "" {
		c.AWSAddr = "127.0.0.1:4566"
	}
	if c.SQLAddr == "" {
		c.SQLAddr = "127.0.0.1:5439"
	}
	if c.HTTPAddr == "" {
		c.HTTPAddr = "127.0.0.1:8080"
	}
	if c.Database == "" {
		c.Database = "dev"
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
	if c.SystemLogRetention == 0 {
		c.SystemLogRetention = 7 * 24 * time.Hour
	}
	for _, d := range []struct {
		v   *int
		def int
	}{{&c.MaxSQLConnections, 500}, {&c.MaxAWSConnections, 1000}, {&c.MaxHTTPConnections, 200}} {
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&c.HTTPReadHeaderTimeout, 10 * time.Second}, {&c.HTTPReadTimeout, 60 * time.Second}, {&c.HTTPIdleTimeout, 120 * time.Second}} {
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	return c
}

// Validate reports the first problem that would stop the server from starting.
func (c Config) Validate() error {
	var errs []error
	for name, addr := range map[string]string{"aws-addr": c.AWSAddr, "sql-addr": c.SQLAddr, "http-addr": c.HTTPAddr} {
		if addr == "" || addr == "off" {
			continue
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			errs = append(errs, fmt.Errorf("config: --%s %q: %w", name, addr, err))
		}
	}
	switch c.LogLevel {
	case "", "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("config: log level %q: want debug, info, warn or error", c.LogLevel))
	}
	switch c.SQLAuth {
	case "", "scram-sha-256", "password":
	default:
		errs = append(errs, fmt.Errorf("config: --sql-auth %q: want scram-sha-256 or password", c.SQLAuth))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("config: --tls-cert and --tls-key go together"))
	}
	return errors.Join(errs...)
}

// ParseAddrFile reads what the server writes to AddrFile: one "name=addr"
// line per bound listener (aws, sql, http), as a map from name to address.
func ParseAddrFile(b []byte) map[string]string {
	addrs := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			addrs[k] = v
		}
	}
	return addrs
}

// ErrServerStopped is WaitAddrFile's error when the server ended before it
// listened; the server's own error is wrapped with it, already taken from
// serverDone.
var ErrServerStopped = errors.New("the server stopped before listening")

// WaitAddrFile waits until the server has written file (see AddrFile) and
// returns its addresses. It gives up when serverDone delivers (the server
// stopped before listening), when ctx ends, or after timeout (0: no limit).
func WaitAddrFile(ctx context.Context, file string, serverDone <-chan error, timeout time.Duration) (map[string]string, error) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	for {
		if b, err := os.ReadFile(file); err == nil {
			return ParseAddrFile(b), nil
		}
		select {
		case err := <-serverDone:
			return nil, fmt.Errorf("%w: %w", ErrServerStopped, err)
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-deadline:
			return nil, fmt.Errorf("the server did not listen within %s", timeout)
		case <-tick.C:
		}
	}
}

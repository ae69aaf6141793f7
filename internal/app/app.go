// Package app is blueshift's composition root: it opens the data directory,
// builds every component, binds the listeners, runs the servers under one
// errgroup (any failure cancels the rest) and shuts them down in order:
// listeners first, then the engine, then storage.
package app

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/capture"
	"github.com/blueshift-dev/blueshift/internal/config"
	"github.com/blueshift-dev/blueshift/internal/connlimit"
	"github.com/blueshift-dev/blueshift/internal/dynamoapi"
	"github.com/blueshift-dev/blueshift/internal/kinesisapi"
	"github.com/blueshift-dev/blueshift/internal/obs"
	"github.com/blueshift-dev/blueshift/internal/pgwire"
	"github.com/blueshift-dev/blueshift/internal/source"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/warehouse"
	"github.com/blueshift-dev/blueshift/internal/web"
)

// Run starts blueshift with cfg and blocks until ctx is cancelled or a
// component fails. It returns nil after a clean shutdown.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	cfg = cfg.Default()
	if err := cfg.Validate(); err != nil {
		return err
	}
	log = obs.Logger(log)
	raiseFileLimit(log)
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("app: data directory: %w", err)
	}
	reg := obs.NewRegistry()

	var closers []func() error // run in reverse order at shutdown
	defer func() {
		for i := len(closers) - 1; i >= 0; i-- {
			if err := closers[i](); err != nil {
				log.Error("shutdown", "err", err)
			}
		}
	}()

	// HTTP: dashboard, query API, metrics, health.
	httpMux := http.NewServeMux()

	var servers []server
	servers = append(servers, httpServer(cfg, "http", cfg.HTTPAddr, httpMux, cfg.MaxHTTPConnections, refuseHTTP))

	// Stream log and the AWS APIs over it. Storage closes last (closers run
	// in reverse), after the engine that reads it.
	streams, err := streamlog.Open(filepath.Join(cfg.DataDir, "streams"), streamlog.Options{
		Logger: log, Registerer: reg, TransitionDelay: cfg.StreamTransitionDelay, TrimInterval: cfg.StreamTrimInterval,
	})
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	closers = append(closers, streams.Close)
	awsAPI := awsjson.NewServer(log, reg)
	awsAPI.SetCredentials(cfg.AWSCredentials)
	awsAPI.Register(kinesisapi.New(streams, kinesisapi.Options{Logger: log, ShardLimit: cfg.KinesisShardLimit}).Service())
	// DynamoDB-compatible tables, in the stream log's database.
	// Their changes go to Kinesis streaming destinations and their DynamoDB
	// streams in the same batch.
	streamExists := capture.StreamsIn(streams)
	tbls, err := tables.Open(streams, tables.Options{Logger: log, TransitionDelay: cfg.StreamTransitionDelay,
		Capture: capture.New(capture.Options{StreamExists: streamExists})})
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	ddbStreams := capture.NewStreams(tbls, streams, nil)
	if err := ddbStreams.Sweep(ctx); err != nil {
		log.Warn("DynamoDB streams no table refers to were not all removed", "err", err)
	}
	dynamoAPI := dynamoapi.New(tbls, dynamoapi.Options{Logger: log, StreamExists: streamExists, Streams: ddbStreams})
	awsAPI.Register(dynamoAPI.Service())
	awsAPI.Register(dynamoAPI.StreamsService())
	servers = append(servers, httpServer(cfg, "aws", cfg.AWSAddr, awsAPI, cfg.MaxAWSConnections, awsjson.RefuseConn))

	// Warehouse and the SQL endpoint over it. The warehouse closes after
	// every listener has stopped (closers run after the servers return).
	// Streaming materialized views read the stream log (or a configured
	// Kinesis endpoint) through the source registry.
	sources := &source.Registry{Log: source.NewLog(streams)}
	if cfg.KinesisEndpoint != "" || cfg.KinesisRegion != "" {
		sources.Kinesis = source.NewKinesisOpener(source.KinesisOptions{Endpoint: cfg.KinesisEndpoint, Region: cfg.KinesisRegion})
	}
	memLimit, tempLimit := warehouseLimits(cfg)
	log.Info("warehouse limits", "memory", memLimit, "temp", tempLimit)
	wh, err := warehouse.Open(ctx, cfg.DataDir, warehouse.Options{Logger: log, Registerer: reg, Database: cfg.Database, Sources: sources,
		MemoryLimit: memLimit, TempLimit: tempLimit,
		DynamoDB:         copyTables{tbls}, // COPY ... FROM 'dynamodb://...'
		DeferAutoRefresh: true})            // started once the listeners answer, below
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	closers = append(closers, wh.Close)
	// /healthz: the stream log accepts writes, the warehouse commits, every
	// materialized view refreshes.
	obs.Mount(httpMux, reg,
		obs.Check{Name: "stream log", Check: func(context.Context) error { return streams.Err() }},
		obs.Check{Name: "warehouse", Check: wh.Health},
		obs.Check{Name: "views", Check: wh.ViewsHealth})
	sqlSrv, err := newSQLServer(cfg, wh, log, reg)
	if err != nil {
		return err
	}
	servers = append(servers, server{name: "sql", addr: cfg.SQLAddr, serve: sqlSrv.Serve, max: cfg.MaxSQLConnections, refuse: pgwire.RefuseConn})

	// The dashboard and HTTP query API, on the HTTP listener.
	dashboard := web.Handler(web.Options{
		Engine: web.EngineFunc(func(ctx context.Context, user, database string) (web.Session, error) {
			s, err := wh.NewSession(ctx, user, database)
			if err != nil {
				return nil, err
			}
			return s, nil
		}),
		Streams: streams, Tables: dashboardTables(tbls), Users: cfg.Users, ReadOnly: cfg.ReadOnly, Logger: log, Registerer: reg,
	})
	closers = append(closers, dashboard.Close) // before the warehouse's: its queries run there
	httpMux.Handle("/", dashboard)

	// Every listener is bound before anything starts: a port in use ends
	// Run here, with nothing running under the closers.
	type bound struct {
		server
		ln net.Listener
	}
	var listeners []bound
	closeListeners := func() {
		for _, b := range listeners {
			_ = b.ln.Close()
		}
	}
	var addrs []string
	for _, s := range servers {
		if s.addr == "off" {
			continue
		}
		tcp, err := net.Listen("tcp", s.addr)
		if err != nil {
			closeListeners()
			return fmt.Errorf("app: %s listen %s: %w", s.name, s.addr, err)
		}
		// A cap on connections, refused in the endpoint's protocol, and an
		// accept that outlives running out of file descriptors.
		ln := connlimit.Wrap(tcp, connlimit.Options{Name: s.name, Max: s.max, Refuse: s.refuse, Logger: log})
		listeners = append(listeners, bound{server: s, ln: ln})
		addrs = append(addrs, s.name+"="+ln.Addr().String())
	}
	if cfg.AddrFile != "" {
		if err := writeAtomic(cfg.AddrFile, strings.Join(addrs, "\n")+"\n"); err != nil {
			closeListeners()
			return err
		}
	}

	// One errgroup owns every goroutine from here: any failure cancels the
	// rest, and Run returns only once all of them have.
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(runCtx)
	for _, b := range listeners {
		log.Info("listening", "server", b.name, "addr", b.ln.Addr().String())
		g.Go(func() error { return b.serve(gctx, b.ln) })
	}
	g.Go(func() error { return streams.Run(gctx) })     // retention trim
	g.Go(func() error { return tbls.Run(gctx) })        // table TTL expiry
	g.Go(func() error { return wh.RunSchedules(gctx) }) // CREATE SCHEDULE runs
	g.Go(func() error { return wh.RunSystemLogRetention(gctx, cfg.SystemLogRetention) })
	// AUTO REFRESH starts after the listeners are bound: whatever it does,
	// the server answers (and a view whose refresh crashed the last run is
	// paused, see warehouse.Options.DeferAutoRefresh).
	g.Go(func() error { return wh.RunAutoRefresh(gctx) })
	log.Info("blueshift ready", "data", cfg.DataDir)
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// dashboardTables gives the dashboard's pipeline the DynamoDB-compatible
// tables, with their figures and Kinesis streaming destinations.
func dashboardTables(tbls *tables.Store) web.SourceTables {
	return web.SourceTablesFunc(func(ctx context.Context) ([]web.SourceTable, error) {
		nowMs := time.Now().UnixMilli()
		var out []web.SourceTable
		for _, name := range tbls.List() {
			t, items, size, err := tbls.Describe(name)
			if err != nil {
				continue // deleted meanwhile
			}
			writes, _ := tbls.Writes(name)
			st := web.SourceTable{Name: name, Status: t.Status(nowMs), Items: items, SizeBytes: size, Writes: writes}
			for _, d := range capture.Destinations(t) {
				st.Destinations = append(st.Destinations, web.StreamingDestination{Stream: d.Stream, Status: d.Status})
			}
			if s, ok := capture.EnabledStream(t); ok {
				st.DynamoDBStream = s.ViewType
			}
			out = append(out, st)
		}
		return out, ctx.Err()
	})
}

// server is one listener and what serves it until ctx ends.
type server struct {
	name, addr string
	serve      func(ctx context.Context, ln net.Listener) error
	max        int              // connections open at once (connlimit)
	refuse     func(c net.Conn) // answers one connection too many
}

// refuseHTTP answers a connection over the dashboard's cap: 503.
func refuseHTTP(c net.Conn) {
	if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
		return
	}
	const body = "too many connections; retry later\n"
	_, _ = fmt.Fprintf(c, "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
}

func httpServer(cfg config.Config, name, addr string, h http.Handler, max int, refuse func(net.Conn)) server {
	return server{name: name, addr: addr, max: max, refuse: refuse, serve: func(ctx context.Context, ln net.Listener) error {
		srv := &http.Server{Handler: h, BaseContext: func(net.Listener) context.Context { return ctx },
			ReadHeaderTimeout: cfg.HTTPReadHeaderTimeout, ReadTimeout: cfg.HTTPReadTimeout, IdleTimeout: cfg.HTTPIdleTimeout}
		// HTTP/1.1 and cleartext HTTP/2 (h2c, with prior knowledge) on
		// the same port: the AWS SDK for JavaScript v3 speaks HTTP/2.
		srv.Protocols = new(http.Protocols)
		srv.Protocols.SetHTTP1(true)
		srv.Protocols.SetUnencryptedHTTP2(true)
		errc := make(chan error, 1)
		go func() { errc <- srv.Serve(ln) }()
		select {
		case err := <-errc:
			return fmt.Errorf("%s server: %w", name, err)
		case <-ctx.Done():
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10e9)
		defer cancel()
		_ = srv.Shutdown(sctx)
		return nil
	}}
}

// newSQLServer builds the Postgres wire-protocol server over the warehouse.
func newSQLServer(cfg config.Config, wh *warehouse.Warehouse, log *slog.Logger, reg *prometheus.Registry) (*pgwire.Server, error) {
	var tlsCfg *tls.Config
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("app: sql tls: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	engine := pgwire.EngineFunc(func(ctx context.Context, user, database string) (pgwire.Session, error) {
		s, err := wh.NewSession(ctx, user, database)
		if err != nil {
			return nil, err
		}
		s.SetReadOnly(cfg.ReadOnly[user])
		return s, nil
	})
	srv, err := pgwire.New(engine, pgwire.Config{Users: cfg.Users, AuthMethod: cfg.SQLAuth, TLS: tlsCfg,
		ShutdownGrace: cfg.ShutdownTimeout / 2, Logger: log, Registerer: reg})
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	return srv, nil
}

func writeAtomic(path, content string) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return fmt.Errorf("app: addr file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("app: addr file: %w", err)
	}
	return nil
}

// warehouseLimits are the warehouse's memory and temporary-disk limits:
// the configured ones, or half of the machine's memory and half of the
// data directory's free space (empty, DuckDB's defaults, where those are
// unknown). DuckDB's own defaults, 80% of the memory and 90% of the free
// disk, leave too little to the stream log and tables beside it: a query
// that spilled could fill the disk the stream log writes to.
func warehouseLimits(cfg config.Config) (memory, temp string) {
	memory, temp = cfg.WarehouseMemoryLimit, cfg.WarehouseTempLimit
	if n := machineMemory(); memory == "" && n > 0 {
		memory = fmt.Sprintf("%dMiB", max(n/2>>20, 64))
	}
	if n := freeDisk(cfg.DataDir); temp == "" && n > 0 {
		temp = fmt.Sprintf("%dMiB", max(n/2>>20, 64))
	}
	return memory, temp
}

// Package app is blueshift's composition root: it opens the data directory,
// builds every component, binds the listeners, runs the servers under one
// errgroup (any failure cancels the rest) and shuts them down in order:
// listeners first, then the engine, then storage.
package app

import (
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

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/config"
	"github.com/blueshift-dev/blueshift/internal/kinesisapi"
	"github.com/blueshift-dev/blueshift/internal/obs"
	"github.com/blueshift-dev/blueshift/internal/pgwire"
	"github.com/blueshift-dev/blueshift/internal/source"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
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
	obs.Mount(httpMux, reg)

	var servers []server
	servers = append(servers, httpServer("http", cfg.HTTPAddr, httpMux))

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
	awsAPI.Register(kinesisapi.New(streams, kinesisapi.Options{Logger: log}).Service())
	servers = append(servers, httpServer("aws", cfg.AWSAddr, awsAPI))

	// Warehouse and the SQL endpoint over it. The warehouse closes after
	// every listener has stopped (closers run after the servers return).
	// Streaming materialized views read the stream log (or a configured
	// Kinesis endpoint) through the source registry.
	sources := &source.Registry{Log: source.NewLog(streams)}
	if cfg.KinesisEndpoint != "" || cfg.KinesisRegion != "" {
		sources.Kinesis = source.NewKinesisOpener(source.KinesisOptions{Endpoint: cfg.KinesisEndpoint, Region: cfg.KinesisRegion})
	}
	wh, err := warehouse.Open(ctx, cfg.DataDir, warehouse.Options{Logger: log, Registerer: reg, Database: cfg.Database, Sources: sources})
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	closers = append(closers, wh.Close)
	sqlSrv, err := newSQLServer(cfg, wh, log, reg)
	if err != nil {
		return err
	}
	servers = append(servers, server{name: "sql", addr: cfg.SQLAddr, serve: sqlSrv.Serve})

	// The dashboard and HTTP query API, on the HTTP listener.
	dashboard := web.Handler(web.Options{
		Engine: web.EngineFunc(func(ctx context.Context, user, database string) (web.Session, error) {
			s, err := wh.NewSession(ctx, user, database)
			if err != nil {
				return nil, err
			}
			return s, nil
		}),
		Streams: streams, Users: cfg.Users, ReadOnly: cfg.ReadOnly, Logger: log, Registerer: reg,
	})
	closers = append(closers, dashboard.Close) // before the warehouse's: its queries run there
	httpMux.Handle("/", dashboard)

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return streams.Run(gctx) })     // retention trim
	g.Go(func() error { return wh.RunSchedules(gctx) }) // CREATE SCHEDULE runs
	g.Go(func() error { return wh.RunSystemLogRetention(gctx, cfg.SystemLogRetention) })
	var bound []string
	for _, s := range servers {
		if s.addr == "off" {
			continue
		}
		ln, err := net.Listen("tcp", s.addr)
		if err != nil {
			return fmt.Errorf("app: %s listen %s: %w", s.name, s.addr, err)
		}
		log.Info("listening", "server", s.name, "addr", ln.Addr().String())
		bound = append(bound, s.name+"="+ln.Addr().String())
		g.Go(func() error { return s.serve(gctx, ln) })
	}
	if cfg.AddrFile != "" {
		if err := writeAtomic(cfg.AddrFile, strings.Join(bound, "\n")+"\n"); err != nil {
			return err
		}
	}
	log.Info("blueshift ready", "data", cfg.DataDir)
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// server is one listener and what serves it until ctx ends.
type server struct {
	name, addr string
	serve      func(ctx context.Context, ln net.Listener) error
}

func httpServer(name, addr string, h http.Handler) server {
	return server{name: name, addr: addr, serve: func(ctx context.Context, ln net.Listener) error {
		srv := &http.Server{Handler: h, BaseContext: func(net.Listener) context.Context { return ctx }}
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

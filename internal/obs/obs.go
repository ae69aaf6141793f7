// Package obs sets up what lets an operator watch blueshift: the slog logger,
// the Prometheus registry, and the /metrics and /healthz handlers.
//
// Metric names follow blueshift_<component>_<thing>_<unit>; log keys are stable
// (stream, shard, seq, view, session).
package obs

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// NewLogger returns a text logger at the given level (debug, info, warn, error).
func NewLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	switch strings.ToLower(level) {
	case "debug":
		l = slog.LevelDebug
	case "warn":
		l = slog.LevelWarn
	case "error":
		l = slog.LevelError
	default:
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// Logger returns l, or a logger that discards everything when l is nil, so
// components can take an optional logger.
func Logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// NewRegistry returns a Prometheus registry with the Go and process collectors.
func NewRegistry() *prometheus.Registry {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// Registerer returns r, or a throwaway registry when r is nil, so components
// can take an optional registry and register unconditionally.
func Registerer(r prometheus.Registerer) prometheus.Registerer {
	if r == nil {
		return prometheus.NewRegistry()
	}
	return r
}

// Mount adds /metrics (from g), /healthz and the Go profiler's
// /debug/pprof/ endpoints to mux. The HTTP listener binds to loopback by
// default; whoever exposes it further exposes these too.
//
// /healthz runs every check (each within healthTimeout) and answers 200
// with "ok" and one "name: ok" line per check when all pass, or 503 with
// "unhealthy" and each failing check's error.
func Mount(mux *http.ServeMux, g prometheus.Gatherer, checks ...Check) {
	mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		var b strings.Builder
		healthy := true
		for _, c := range checks {
			ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
			err := c.Check(ctx)
			cancel()
			if err != nil {
				healthy = false
				fmt.Fprintf(&b, "%s: %s\n", c.Name, strings.ReplaceAll(err.Error(), "\n", "; "))
				continue
			}
			fmt.Fprintf(&b, "%s: ok\n", c.Name)
		}
		if !healthy {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "unhealthy\n"+b.String())
			return
		}
		_, _ = io.WriteString(w, "ok\n"+b.String())
	})
}

// healthTimeout bounds one health check.
const healthTimeout = 5 * time.Second

// Check is one component's health check for /healthz: nil when the
// component works.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

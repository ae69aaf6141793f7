package pgwire

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/blueshift-dev/blueshift/internal/obs"
	"github.com/blueshift-dev/blueshift/internal/warehouse"
)

// Session is what a connection needs from the engine: the warehouse session
// it drives.
type Session interface {
	Execute(ctx context.Context, script string, params []any) *warehouse.Results
	Prepare(ctx context.Context, text string, paramTypes ...string) (*warehouse.Statement, error)
	Run(ctx context.Context, st *warehouse.Statement, params []any) (*warehouse.Result, error)
	CopyIn(ctx context.Context, c *warehouse.CopyStmt, rows func() ([]any, error)) (*warehouse.Result, error)
	// CursorColumns describes the rows of an open cursor (a DECLAREd cursor
	// is also a portal that Describe can name).
	CursorColumns(ctx context.Context, name string) ([]warehouse.Column, bool)
	TxStatus() warehouse.TxStatus
	Setting(name string) (string, bool)
	Location() *time.Location
	SetNoticeHandler(func(warehouse.Notice))
	Cancel()
	Close() error
}

// Engine opens sessions.
type Engine interface {
	NewSession(ctx context.Context, user, database string) (Session, error)
}

// EngineFunc adapts a function to Engine.
type EngineFunc func(ctx context.Context, user, database string) (Session, error)

// NewSession calls f.
func (f EngineFunc) NewSession(ctx context.Context, user, database string) (Session, error) {
	return f(ctx, user, database)
}

// Auth methods for configured users.
const (
	AuthSCRAM    = "scram-sha-256"
	AuthPassword = "password"
)

// Config configures a Server. The zero value serves trust authentication to
// loopback clients without TLS.
type Config struct {
	// Users maps user names to passwords. Empty means trust authentication,
	// which is offered to loopback clients only.
	Users map[string]string
	// AuthMethod is AuthSCRAM (the default) or AuthPassword (cleartext).
	AuthMethod string
	// TLS, when set, is offered in answer to SSLRequest.
	TLS *tls.Config
	// ShutdownGrace is how long running statements may go on after shutdown
	// begins before they are cancelled. Zero means 5s.
	ShutdownGrace time.Duration
	// Logger and Registerer are optional.
	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

// Server serves the protocol on listeners.
type Server struct {
	engine Engine
	cfg    Config
	log    *slog.Logger
	scram  map[string]scramKeys
	m      *metrics

	// mu guards the connections, tracked as net/http tracks them: from
	// Accept, so that a shutdown closes the ones still starting up and
	// waits for every one it let in.
	mu struct {
		sync.Mutex
		conns    map[*conn]struct{}    // past startup: drained at shutdown
		starting map[net.Conn]struct{} // in startup: closed at shutdown
		shutdown bool                  // no connection is let in any more
	}
	// wg counts the connections' goroutines; Add is called under mu while
	// shutdown is false, so never concurrently with Wait.
	wg sync.WaitGroup
}

// New returns a server over engine.
func New(engine Engine, cfg Config) (*Server, error) {
	if cfg.AuthMethod == "" {
		cfg.AuthMethod = AuthSCRAM
	}
	if cfg.AuthMethod != AuthSCRAM && cfg.AuthMethod != AuthPassword {
		return nil, fmt.Errorf("pgwire: auth method %q: want %s or %s", cfg.AuthMethod, AuthSCRAM, AuthPassword)
	}
	if cfg.ShutdownGrace == 0 {
		cfg.ShutdownGrace = 5 * time.Second
	}
	s := &Server{engine: engine, cfg: cfg, log: obs.Logger(cfg.Logger).With("component", "pgwire"),
		m: newMetrics(obs.Registerer(cfg.Registerer))}
	s.mu.conns = map[*conn]struct{}{}
	s.mu.starting = map[net.Conn]struct{}{}
	s.scram = map[string]scramKeys{}
	for user, pw := range cfg.Users {
		keys, err := newSCRAMKeys(pw)
		if err != nil {
			return nil, err
		}
		s.scram[user] = keys
	}
	return s, nil
}

// Serve accepts connections on ln until ctx ends, then shuts down: it stops
// accepting, lets running statements finish within the grace period, cancels
// the rest and closes every connection. It returns nil after a shutdown,
// once every connection it accepted is closed.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { _ = ln.Close() })
	defer stop()
	var err error
	for {
		var nc net.Conn
		if nc, err = ln.Accept(); err != nil {
			break
		}
		if !s.track(nc) {
			_ = nc.Close()
			continue
		}
		go func() {
			defer s.wg.Done()
			s.serveConn(ctx, nc)
		}()
	}
	_ = ln.Close()
	s.shutdown()
	if ctx.Err() == nil {
		return fmt.Errorf("pgwire: accept: %w", err)
	}
	return nil
}

// track lets a new connection in, unless the server is shutting down.
func (s *Server) track(nc net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.shutdown {
		return false
	}
	s.mu.starting[nc] = struct{}{}
	s.wg.Add(1)
	return true
}

// forgetStarting stops tracking a connection as starting: its startup
// ended.
func (s *Server) forgetStarting(nc net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.mu.starting, nc)
}

// shutdown drains the connections: those in startup close now, idle ones
// close now, busy ones after their statement, cancelled when the grace
// period ends.
func (s *Server) shutdown() {
	s.mu.Lock()
	s.mu.shutdown = true
	for nc := range s.mu.starting {
		_ = nc.Close()
	}
	for c := range s.mu.conns {
		c.drain()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-time.After(s.cfg.ShutdownGrace):
	}
	s.mu.Lock()
	for c := range s.mu.conns {
		c.cancel()
	}
	s.mu.Unlock()
	<-done
}

// register tracks a connection past startup; one registered after
// shutdown began is drained at once.
func (s *Server) register(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mu.conns[c] = struct{}{}
	s.m.conns.Inc()
	if s.mu.shutdown {
		c.drain()
	}
}

func (s *Server) unregister(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.mu.conns, c)
	s.m.conns.Dec()
}

// cancelRequest interrupts the statement of the connection with this key.
func (s *Server) cancelRequest(pid uint32, secret []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.mu.conns {
		if c.pid == pid && string(c.secret) == string(secret) {
			c.cancel()
			s.m.cancels.Inc()
			return
		}
	}
}

func newKey() (uint32, []byte) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint32(b[:4]) & 0x7fffffff, append([]byte(nil), b[4:]...)
}

type metrics struct {
	conns    prometheus.Gauge
	accepted prometheus.Counter
	authFail prometheus.Counter
	cancels  prometheus.Counter
	protoErr prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		conns: prometheus.NewGauge(prometheus.GaugeOpts{Name: "blueshift_pgwire_connections_open",
			Help: "Open SQL connections."}),
		accepted: prometheus.NewCounter(prometheus.CounterOpts{Name: "blueshift_pgwire_connections_total",
			Help: "SQL connections accepted."}),
		authFail: prometheus.NewCounter(prometheus.CounterOpts{Name: "blueshift_pgwire_auth_failures_total",
			Help: "SQL connections refused at authentication."}),
		cancels: prometheus.NewCounter(prometheus.CounterOpts{Name: "blueshift_pgwire_cancel_requests_total",
			Help: "Cancel requests that matched a connection."}),
		protoErr: prometheus.NewCounter(prometheus.CounterOpts{Name: "blueshift_pgwire_protocol_errors_total",
			Help: "Connections closed because of a malformed message."}),
	}
	reg.MustRegister(m.conns, m.accepted, m.authFail, m.cancels, m.protoErr)
	return m
}

var errTerminate = errors.New("client terminated the connection")

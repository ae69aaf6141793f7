package pgwire_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/pgwire"
)

// lateListener hands out one connection only once it is closed: a
// connection accepted just as the server shuts down.
type lateListener struct {
	once   sync.Once
	closed chan struct{}
	conns  chan net.Conn
}

func (l *lateListener) Accept() (net.Conn, error) {
	<-l.closed
	select {
	case c := <-l.conns:
		return c, nil
	default:
		return nil, net.ErrClosed
	}
}

func (l *lateListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *lateListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// closeRecorder records that the server closed it.
type closeRecorder struct {
	net.Conn
	closed atomic.Bool
}

func (c *closeRecorder) Close() error {
	c.closed.Store(true)
	return c.Conn.Close()
}

// TestServeWaitsForLateConnection: a connection accepted as shutdown
// begins is closed before Serve returns, and no goroutine of it outlives
// Serve (TestMain's goleak checks the package).
func TestServeWaitsForLateConnection(t *testing.T) {
	srv, err := pgwire.New(pgwire.EngineFunc(func(context.Context, string, string) (pgwire.Session, error) {
		return nil, errors.New("no sessions in this test")
	}), pgwire.Config{})
	if err != nil {
		t.Fatal(err)
	}
	server, client := net.Pipe()
	defer client.Close()
	rec := &closeRecorder{Conn: server}
	ln := &lateListener{closed: make(chan struct{}), conns: make(chan net.Conn, 1)}
	ln.conns <- rec
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // shut down at once; the listener then hands out its connection
	if err := srv.Serve(ctx, ln); err != nil {
		t.Fatal(err)
	}
	if !rec.closed.Load() {
		t.Fatal("Serve returned with a connection it accepted still open")
	}
}

// Package connlimit wraps a net.Listener so that no client can take the
// server down by opening connections: it caps the connections open at once
// (a connection over the cap is refused in the endpoint's own protocol,
// then closed), and it survives running out of file descriptors (EMFILE,
// ENFILE) or any other temporary accept error by retrying with backoff,
// where a plain accept loop would return the error and stop serving.
//
// Invariants: Accept returns only connections counted under the cap, or
// the listener's permanent error (it was closed); a counted connection is
// uncounted exactly once, at its first Close. Refusals run on their own
// goroutines, at most maxRefusing at once (beyond that a connection is
// closed without a word), each bounded by refuseTimeout.
package connlimit

import (
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Options configure Wrap.
type Options struct {
	// Name names the endpoint in logs.
	Name string
	// Max is how many connections may be open at once. Zero or negative
	// means no cap.
	Max int
	// Refuse answers a connection over the cap in the endpoint's protocol
	// (it may read the client's first message); the caller has set a
	// deadline, and closes the connection after. Nil closes it at once.
	Refuse func(net.Conn)
	// Logger receives accept errors and refusals; nil discards them.
	Logger *slog.Logger
}

// Backoff bounds of the retried accept.
const (
	minBackoff    = 5 * time.Millisecond
	maxBackoff    = time.Second
	refuseTimeout = 5 * time.Second
	maxRefusing   = 64
	// refuseLogEvery is the least time between two log lines about
	// refusals: a flood of connections (thousands a second) must not
	// become a flood of log lines filling the disk.
	refuseLogEvery = time.Second
)

// Listener is a wrapped net.Listener.
type Listener struct {
	net.Listener
	opts     Options
	open     atomic.Int64
	refusing atomic.Int64
	// Refused counts the connections refused over the cap.
	Refused atomic.Int64
	// lastLog is when refusals were last logged (UnixNano), logged how
	// many of Refused had been logged by then.
	lastLog, logged atomic.Int64
}

// Wrap returns ln with opts' cap and the retried accept.
func Wrap(ln net.Listener, opts Options) *Listener {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Listener{Listener: ln, opts: opts}
}

// Open is how many accepted connections are open.
func (l *Listener) Open() int64 { return l.open.Load() }

// Accept waits for the next connection under the cap.
func (l *Listener) Accept() (net.Conn, error) {
	backoff := time.Duration(0)
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if !retryable(err) {
				return nil, err
			}
			backoff = min(max(2*backoff, minBackoff), maxBackoff)
			l.opts.Logger.Warn("accept failed; retrying", "server", l.opts.Name, "err", err, "retry_in", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		if l.opts.Max > 0 && l.open.Load() >= int64(l.opts.Max) {
			l.refuse(c)
			continue
		}
		l.open.Add(1)
		return &conn{Conn: c, l: l}, nil
	}
}

func (l *Listener) refuse(c net.Conn) {
	l.Refused.Add(1)
	l.logRefusals(c)
	if l.opts.Refuse == nil || l.refusing.Load() >= maxRefusing {
		_ = c.Close()
		return
	}
	l.refusing.Add(1)
	go func() {
		defer l.refusing.Add(-1)
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(refuseTimeout))
		l.opts.Refuse(c)
	}()
}

// logRefusals logs the refusals since its last line, at most once every
// refuseLogEvery; c is the latest.
func (l *Listener) logRefusals(c net.Conn) {
	now, last := time.Now().UnixNano(), l.lastLog.Load()
	if now-last < int64(refuseLogEvery) || !l.lastLog.CompareAndSwap(last, now) {
		return
	}
	total := l.Refused.Load()
	l.opts.Logger.Warn("connections refused: too many connections", "server", l.opts.Name, "max", l.opts.Max,
		"refused", total-l.logged.Swap(total), "latest", c.RemoteAddr().String())
}

// retryable reports whether an accept error is temporary: out of file
// descriptors or memory, or a connection that died before it was accepted.
func retryable(err error) bool {
	if errors.Is(err, net.ErrClosed) {
		return false
	}
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED, syscall.ECONNRESET, syscall.EINTR, syscall.EAGAIN, syscall.EPROTO, syscall.EPERM} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// conn uncounts itself at its first Close.
type conn struct {
	net.Conn
	l    *Listener
	once sync.Once
}

func (c *conn) Close() error {
	c.once.Do(func() { c.l.open.Add(-1) })
	return c.Conn.Close()
}

// NetConn returns the connection accepted, as tls.Conn's NetConn does, for
// callers that need what it is (its file descriptor, to watch it).
func (c *conn) NetConn() net.Conn { return c.Conn }

package pgwire

import (
	"net"
	"syscall"
	"time"
)

// hangupPoll is how often the connection of a running statement is checked
// for a client that went away, as Postgres's client_connection_check_interval
// does. A statement whose client is gone is cancelled: nobody will read its
// result, and a query that sends nothing until its end (an aggregate) would
// otherwise keep a core busy until then.
const hangupPoll = 100 * time.Millisecond

// watchHangup cancels the session's running statement when the client
// closes its end of the connection, until stop is called.
func (c *conn) watchHangup() (stop func()) {
	rc := rawConn(c.nc)
	if rc == nil {
		return func() {}
	}
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(hangupPoll)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			if peerGone(rc) {
				c.srv.log.Info("client gone: cancelling its statement", "remote", c.nc.RemoteAddr().String())
				c.cancel()
				return
			}
		}
	}()
	return func() {
		close(done)
		<-exited
	}
}

// rawConn is the socket under nc (through TLS and the connection limit's
// wrapper), or nil.
func rawConn(nc net.Conn) syscall.RawConn {
	for range 4 {
		if sc, ok := nc.(syscall.Conn); ok {
			rc, err := sc.SyscallConn()
			if err != nil {
				return nil
			}
			return rc
		}
		u, ok := nc.(interface{ NetConn() net.Conn })
		if !ok {
			return nil
		}
		nc = u.NetConn()
	}
	return nil
}

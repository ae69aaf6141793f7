package pgwire_test

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// rawConn is a protocol-level client for edge cases drivers do not produce.
type rawConn struct {
	t  *testing.T
	nc net.Conn
	fe *pgproto3.Frontend
}

func dialRaw(t *testing.T, s *testserver.Server) *rawConn {
	t.Helper()
	nc, err := net.Dial("tcp", s.SQL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(30 * time.Second))
	r := &rawConn{t: t, nc: nc, fe: pgproto3.NewFrontend(nc, nc)}
	r.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": "raw", "database": "dev"}})
	r.until("ReadyForQuery")
	return r
}

func (r *rawConn) send(msgs ...pgproto3.FrontendMessage) {
	for _, m := range msgs {
		r.fe.Send(m)
	}
	if err := r.fe.Flush(); err != nil {
		r.t.Fatal(err)
	}
}

// until reads messages up to one of the given type, and returns a summary of
// each, e.g. "DataRow [3]" or "CommandComplete SELECT 2".
func (r *rawConn) until(last string) []string {
	r.t.Helper()
	var out []string
	for {
		msg, err := r.fe.Receive()
		if err != nil {
			r.t.Fatalf("after %v: %v", out, err)
		}
		name := fmt.Sprintf("%T", msg)
		name = name[strings.LastIndex(name, ".")+1:]
		line := name
		switch m := msg.(type) {
		case *pgproto3.DataRow:
			line += fmt.Sprintf(" %s", m.Values)
		case *pgproto3.CommandComplete:
			line += " " + string(m.CommandTag)
		case *pgproto3.ErrorResponse:
			line += " " + m.Severity + " " + m.Code
		}
		out = append(out, line)
		if name == last {
			return out
		}
	}
}

func TestPortalSuspension(t *testing.T) {
	s := testserver.Start(t)
	r := dialRaw(t, s)
	r.send(&pgproto3.Parse{Name: "q", Query: "select i from range(5) t(i) order by i"},
		&pgproto3.Bind{DestinationPortal: "p", PreparedStatement: "q"},
		&pgproto3.Execute{Portal: "p", MaxRows: 2},
		&pgproto3.Execute{Portal: "p", MaxRows: 2},
		&pgproto3.Execute{Portal: "p", MaxRows: 2},
		&pgproto3.Sync{})
	got := strings.Join(r.until("ReadyForQuery"), "\n")
	want := strings.Join([]string{"ParseComplete", "BindComplete",
		"DataRow [0]", "DataRow [1]", "PortalSuspended",
		"DataRow [2]", "DataRow [3]", "PortalSuspended",
		"DataRow [4]", "CommandComplete SELECT 5", "ReadyForQuery"}, "\n")
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestErrorSkipsToSync(t *testing.T) {
	s := testserver.Start(t)
	r := dialRaw(t, s)
	r.send(&pgproto3.Parse{Query: "select * from nope"},
		&pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{},
		&pgproto3.Parse{Query: "select 7"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{})
	got := strings.Join(append(r.until("ReadyForQuery"), r.until("ReadyForQuery")...), "\n")
	want := strings.Join([]string{"ErrorResponse ERROR 42P01", "ReadyForQuery",
		"ParseComplete", "BindComplete", "DataRow [7]", "CommandComplete SELECT 1", "ReadyForQuery"}, "\n")
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestMalformedMessageClosesOnlyThatConnection(t *testing.T) {
	s := testserver.Start(t)
	r := dialRaw(t, s)
	// A Bind whose parameter count promises more than the message holds.
	if _, err := r.nc.Write([]byte{'B', 0, 0, 0, 12, 0, 0, 0, 0, 0x7f, 0xff, 0, 0}); err != nil {
		t.Fatal(err)
	}
	got := r.until("ErrorResponse")
	if last := got[len(got)-1]; last != "ErrorResponse FATAL 08P01" {
		t.Fatalf("got %v", got)
	}
	if _, err := r.fe.Receive(); err == nil {
		t.Fatal("connection still open after a malformed message")
	}
	other := dialRaw(t, s)
	other.send(&pgproto3.Query{String: "select 1"})
	if got := other.until("ReadyForQuery"); !strings.Contains(strings.Join(got, ","), "DataRow [1]") {
		t.Fatalf("server not serving after a malformed message: %v", got)
	}
}

package pgwire

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/blueshift-dev/blueshift/internal/warehouse"
)

// startFuzzServer starts an in-process server over a real warehouse for
// the fuzz inputs of one fuzz target (in a process of its own when
// fuzzing), and stops it, closes the warehouse and removes its directory
// when the target ends.
func startFuzzServer(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	w, err := warehouse.Open(context.Background(), dir, warehouse.Options{Threads: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := w.Close(); err != nil {
			tb.Error(err)
		}
	})
	engine := EngineFunc(func(ctx context.Context, user, db string) (Session, error) {
		s, err := w.NewSession(ctx, user, db)
		if err != nil {
			return nil, err
		}
		// Inputs may spell out expensive queries; keep each one short.
		rs := s.Execute(ctx, "SET statement_timeout = 2000", nil)
		for rs.Next() {
		}
		return s, rs.Err()
	})
	srv, err := New(engine, Config{})
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	tb.Cleanup(func() { // before the warehouse closes: cleanups run last first
		cancel()
		if err := <-served; err != nil {
			tb.Error(err)
		}
	})
	return ln.Addr().String()
}

func startup() []byte {
	b, _ := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": "fuzz", "database": "dev"}}).Encode(nil)
	return b
}

func encode(msgs ...pgproto3.FrontendMessage) []byte {
	var out []byte
	for _, m := range msgs {
		out, _ = m.Encode(out)
	}
	return out
}

// FuzzFrontendMessages sends a valid startup message followed by arbitrary
// bytes. The connection may fail, but the server must answer or close it, and
// keep serving others.
func FuzzFrontendMessages(f *testing.F) {
	f.Add(encode(&pgproto3.Query{String: "select 1"}, &pgproto3.Terminate{}))
	f.Add(encode(&pgproto3.Query{String: "create table t (a int); insert into t values (1); select * from t; select * from nope"}))
	f.Add(encode(&pgproto3.Parse{Name: "s", Query: "select $1::int + 1"},
		&pgproto3.Describe{ObjectType: 'S', Name: "s"},
		&pgproto3.Bind{PreparedStatement: "s", ParameterFormatCodes: []int16{1}, Parameters: [][]byte{{0, 0, 0, 7}}, ResultFormatCodes: []int16{1}},
		&pgproto3.Execute{MaxRows: 1}, &pgproto3.Sync{}))
	f.Add(encode(&pgproto3.Parse{Query: "select i from range(10) t(i)"}, &pgproto3.Bind{},
		&pgproto3.Execute{MaxRows: 3}, &pgproto3.Execute{MaxRows: 3}, &pgproto3.Close{ObjectType: 'P'}, &pgproto3.Sync{}))
	f.Add(encode(&pgproto3.Query{String: "create table c (a int, b varchar)"}, &pgproto3.Query{String: "copy c from stdin"},
		&pgproto3.CopyData{Data: []byte("1\tx\n2\t\\N\n")}, &pgproto3.CopyDone{}))
	f.Add(encode(&pgproto3.Bind{PreparedStatement: "missing"}, &pgproto3.Execute{}, &pgproto3.Sync{}))
	f.Add([]byte{'Q', 0, 0, 0, 3})                // length shorter than itself
	f.Add([]byte{'Q', 0x7f, 0xff, 0xff, 0xff, 0}) // enormous length
	f.Add([]byte{'B', 0, 0, 0, 12, 0, 0, 0, 0, 0xff, 0xff, 0, 0})
	f.Add([]byte{'Z', 0, 0, 0, 4})
	addr := startFuzzServer(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatalf("server down: %v", err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
		if _, err := conn.Write(append(startup(), data...)); err != nil {
			return // the server may already have closed a bad connection
		}
		_ = conn.(*net.TCPConn).CloseWrite()
		// The server must end the exchange: a clean close once our input
		// ends, or an error and a close.
		if _, err := io.Copy(io.Discard, conn); err != nil {
			t.Fatalf("connection neither answered nor closed: %v", err)
		}
		// And it still serves a new client.
		check, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatalf("server down after input: %v", err)
		}
		defer check.Close()
		_ = check.SetDeadline(time.Now().Add(10 * time.Second))
		fe := pgproto3.NewFrontend(check, check)
		if _, err := check.Write(append(startup(), encode(&pgproto3.Query{String: "select 1"}, &pgproto3.Terminate{})...)); err != nil {
			t.Fatal(err)
		}
		for {
			msg, err := fe.Receive()
			if err != nil {
				t.Fatalf("server stopped answering: %v", err)
			}
			if _, ok := msg.(*pgproto3.DataRow); ok {
				return
			}
			if e, ok := msg.(*pgproto3.ErrorResponse); ok {
				t.Fatalf("select 1 failed after input: %s", e.Message)
			}
		}
	})
}

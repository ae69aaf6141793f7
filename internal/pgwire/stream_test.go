package pgwire_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
)

// A result's first rows reach the client while DuckDB has not computed the
// rest: the result is streamed, never held whole. The last of 50 million
// rows fails a cast (22P02), so a server that computed the whole result
// before sending a row answers with that error and no row at all.
func TestResultStreamsAsItIsComputed(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	rows, err := c.Query(ctx, "select cast(case when i = 49999999 then 'x' else i::varchar end as bigint) from range(50000000) t(i)")
	if err != nil {
		t.Fatalf("%v\n%s", err, s.Logs())
	}
	var n int64
	for n < 10000 && rows.Next() {
		var i int64
		if err := rows.Scan(&i); err != nil {
			t.Fatal(err)
		}
		if i != n {
			t.Fatalf("row %d is %d", n, i)
		}
		n++
	}
	if n < 10000 {
		t.Fatalf("the first rows did not come before the whole result was computed: %d rows, then %v", n, rows.Err())
	}
	// Ending the context cancels the rest (pgx sends a CancelRequest).
	cancel()
	rows.Close()
	c2 := connect(t, s)
	var one int
	if err := c2.QueryRow(ctxT(t), "select 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("server unusable after a cancelled stream: %v", err)
	}
}

// Two portals open at once on one connection, read in turns with row
// limits, with a third statement run between: each gets its own rows, in
// order, to its end. (DuckDB ends a streaming result when its connection
// runs another statement; the rest of the first is then read into memory.)
func TestInterleavedPortalsKeepTheirRows(t *testing.T) {
	s := server(t)
	r := dialRaw(t, s)
	r.send(&pgproto3.Parse{Name: "a", Query: "select i from range(6) t(i)"},
		&pgproto3.Parse{Name: "b", Query: "select i * 10 from range(4) t(i)"},
		&pgproto3.Bind{DestinationPortal: "pa", PreparedStatement: "a"},
		&pgproto3.Bind{DestinationPortal: "pb", PreparedStatement: "b"},
		&pgproto3.Execute{Portal: "pa", MaxRows: 2},
		&pgproto3.Execute{Portal: "pb", MaxRows: 1},
		&pgproto3.Execute{Portal: "pa", MaxRows: 2},
		&pgproto3.Parse{Name: "c", Query: "select 'c'"},
		&pgproto3.Bind{DestinationPortal: "pc", PreparedStatement: "c"},
		&pgproto3.Execute{Portal: "pc"},
		&pgproto3.Execute{Portal: "pb", MaxRows: 2},
		&pgproto3.Execute{Portal: "pa"},
		&pgproto3.Execute{Portal: "pb"},
		&pgproto3.Sync{})
	got := strings.Join(r.until("ReadyForQuery"), "\n")
	want := strings.Join([]string{"ParseComplete", "ParseComplete", "BindComplete", "BindComplete",
		"DataRow [0]", "DataRow [1]", "PortalSuspended",
		"DataRow [0]", "PortalSuspended",
		"DataRow [2]", "DataRow [3]", "PortalSuspended",
		"ParseComplete", "BindComplete", "DataRow [c]", "CommandComplete SELECT 1",
		"DataRow [10]", "DataRow [20]", "PortalSuspended",
		"DataRow [4]", "DataRow [5]", "CommandComplete SELECT 6",
		"DataRow [30]", "CommandComplete SELECT 4",
		"ReadyForQuery"}, "\n")
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// What blueshift itself holds for one statement is bounded: when a portal's
// rows must be read into memory (another statement runs on its connection
// before the portal is read to its end), past 256 MB the portal ends with
// 53200 at that row instead of taking all of it (here 400 MB).
func TestDetachedPortalMemoryIsBounded(t *testing.T) {
	s := server(t)
	r := dialRaw(t, s)
	r.send(&pgproto3.Parse{Name: "big", Query: "select repeat('x', 100000) from range(4000) t(i)"},
		&pgproto3.Bind{DestinationPortal: "p", PreparedStatement: "big"},
		&pgproto3.Execute{Portal: "p", MaxRows: 1},
		&pgproto3.Parse{Name: "one", Query: "select 1"},
		&pgproto3.Bind{DestinationPortal: "q", PreparedStatement: "one"},
		&pgproto3.Execute{Portal: "q"},
		&pgproto3.Execute{Portal: "p"},
		&pgproto3.Sync{})
	rows := 0
	var last string
	for {
		msg, err := r.fe.Receive()
		if err != nil {
			t.Fatalf("after %d rows: %v", rows, err)
		}
		switch m := msg.(type) {
		case *pgproto3.DataRow:
			rows++
		case *pgproto3.ErrorResponse:
			last = "ErrorResponse " + m.Code
		case *pgproto3.CommandComplete:
			last = "CommandComplete " + string(m.CommandTag)
		case *pgproto3.ReadyForQuery:
			// The first row, select 1's row, and the rest of p up to the bound.
			if last != "ErrorResponse 53200" || rows >= 4000+1 {
				t.Fatalf("portal read after another statement: %d rows then %s, want 53200 before its 4000 rows", rows, last)
			}
			return
		}
	}
}

package warehouse

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/source"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// mvStack is a warehouse reading a real stream log through the source
// registry, as the server wires them.
type mvStack struct {
	t       testing.TB
	dir     string
	streams *streamlog.Log
	w       *Warehouse
	s       *Session
}

func newMVStack(t testing.TB) *mvStack {
	t.Helper()
	dir := t.TempDir()
	streams, err := streamlog.Open(filepath.Join(dir, "streams"), streamlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = streams.Close() })
	st := &mvStack{t: t, dir: dir, streams: streams}
	st.open()
	t.Cleanup(st.close) // before the log's: cleanups run last-in first-out
	if err := streams.Create(context.Background(), "events", streamlog.CreateOptions{ShardCount: 2}); err != nil {
		t.Fatal(err)
	}
	return st
}

func (st *mvStack) open() {
	st.t.Helper()
	w, err := Open(context.Background(), st.dir, Options{Sources: &source.Registry{Log: source.NewLog(st.streams)}})
	if err != nil {
		st.t.Fatal(err)
	}
	st.w = w
	st.s, err = w.NewSession(context.Background(), "tester", "")
	if err != nil {
		st.t.Fatal(err)
	}
}

func (st *mvStack) close() {
	_ = st.s.Close()
	if err := st.w.Close(); err != nil {
		st.t.Fatal(err)
	}
}

func (st *mvStack) exec(sql string) string {
	st.t.Helper()
	out := schedScript(st.t, st.s, sql)
	if strings.Contains(out, "error ") {
		st.t.Fatalf("%s: %s", sql, out)
	}
	return out
}

func (st *mvStack) put(recs ...string) {
	st.t.Helper()
	entries := make([]streamlog.Entry, len(recs))
	for i, r := range recs {
		entries[i] = streamlog.Entry{PartitionKey: []byte(fmt.Sprint("k", i)), Data: []byte(r)}
	}
	if err := st.streams.Append(context.Background(), "events", entries, make([]streamlog.Appended, len(entries))); err != nil {
		st.t.Fatal(err)
	}
}

// unnestDef is an incremental view of the reference scenario's shape: a
// projection, a filter and a PartiQL unnest (LEFT JOIN ... ON true) over a
// streaming view.
const unnestDef = `select a.payload."id"::int as id, a.payload."kind"::varchar as kind, b."v"::int as v
from events_vw a left outer join a.payload."items" b on true
where a.payload."kind"::varchar <> 'skip'`

func (st *mvStack) setup() {
	st.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	st.exec(`CREATE MATERIALIZED VIEW events_vw AS SELECT approximate_arrival_timestamp, partition_key,
		json_parse(kinesis_data) AS payload FROM k."events"`)
	st.exec(`CREATE MATERIALIZED VIEW unnest_vw AS ` + unnestDef)
	st.exec(`CREATE MATERIALIZED VIEW kinds_vw AS select kind, count(*) as n from unnest_vw group by kind`)
}

// diff counts the rows in which the view and a full recompute of its
// definition differ (as multisets).
func (st *mvStack) diff(view, def string) string {
	return st.exec(fmt.Sprintf(`select count(*) from ((select * from %s except all (%s)) union all ((%s) except all select * from %s)) d`,
		view, def, def, view))
}

func randomRecord(r *rand.Rand, id int) string {
	kinds := []string{"a", "b", "skip"}
	var items []string
	switch r.IntN(4) {
	case 0: // no items attribute at all
		return fmt.Sprintf(`{"id": %d, "kind": %q}`, id, kinds[r.IntN(len(kinds))])
	case 1: // an empty array
	default:
		for i, n := 0, 1+r.IntN(3); i < n; i++ {
			items = append(items, fmt.Sprintf(`{"v": %d}`, r.IntN(100)))
		}
	}
	return fmt.Sprintf(`{"id": %d, "kind": %q, "items": [%s]}`, id, kinds[r.IntN(len(kinds))], strings.Join(items, ","))
}

// TestIncrementalEqualsFull: after every refresh in a random sequence of
// appends, refreshes and restarts, the incremental view holds exactly what
// a full recompute of its definition gives, and a view over it that is
// fully recomputed does too.
func TestIncrementalEqualsFull(t *testing.T) {
	st := newMVStack(t)
	st.setup()
	if got := st.exec(`select state from stv_mv_info where name = 'unnest_vw'`); got != "1\nSELECT 1\n" {
		t.Errorf("unnest_vw state: %q, want incremental (1)", got)
	}
	if got := st.exec(`select state from stv_mv_info where name = 'kinds_vw'`); got != "0\nSELECT 1\n" {
		t.Errorf("kinds_vw state: %q, want full recompute (0)", got)
	}
	seed := uint64(rand.Int64())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	id := 0
	for step := 0; step < 40; step++ {
		switch op := r.IntN(10); {
		case op < 5:
			var recs []string
			for i, n := 0, 1+r.IntN(20); i < n; i++ {
				id++
				recs = append(recs, randomRecord(r, id))
			}
			st.put(recs...)
		case op < 7:
			st.exec(`REFRESH MATERIALIZED VIEW events_vw`)
		case op < 9:
			st.exec(`REFRESH MATERIALIZED VIEW unnest_vw CASCADE`)
			if d := st.diff("unnest_vw", unnestDef); d != "0\nSELECT 1\n" {
				t.Fatalf("step %d (seed %d): unnest_vw differs from a full recompute in %s rows", step, seed, d)
			}
			if d := st.diff("kinds_vw", "select kind, count(*) as n from unnest_vw group by kind"); d != "0\nSELECT 1\n" {
				t.Fatalf("step %d (seed %d): kinds_vw differs from a full recompute in %s rows", step, seed, d)
			}
		default:
			st.close()
			st.open()
		}
	}
	st.exec(`REFRESH MATERIALIZED VIEW events_vw`)
	st.exec(`REFRESH MATERIALIZED VIEW unnest_vw CASCADE`)
	if d := st.diff("unnest_vw", unnestDef); d != "0\nSELECT 1\n" {
		t.Fatalf("final (seed %d): unnest_vw differs from a full recompute in %s rows", seed, d)
	}
	// The history says which kind of refresh happened.
	if got := st.exec(`select count(*) > 0 from sys_mv_refresh_history where mv_name = 'unnest_vw' and status like 'Refresh successfully%'`); got != "true\nSELECT 1\n" {
		t.Errorf("refresh history: %q", got)
	}
}

// TestOrdinaryMVStatements covers the messages, dependencies and DROP rules.
func TestOrdinaryMVStatements(t *testing.T) {
	st := newMVStack(t)
	st.setup()
	st.put(`{"id": 1, "kind": "a", "items": [{"v": 1}, {"v": 2}]}`)
	st.exec(`REFRESH MATERIALIZED VIEW events_vw`)
	for _, c := range []struct{ sql, want string }{
		{`REFRESH MATERIALIZED VIEW unnest_vw`, "INFO: Materialized view unnest_vw was incrementally updated successfully.\nREFRESH MATERIALIZED VIEW\n"},
		{`REFRESH MATERIALIZED VIEW unnest_vw`, "INFO: Materialized view unnest_vw is already up to date.\nREFRESH MATERIALIZED VIEW\n"},
		{`REFRESH MATERIALIZED VIEW kinds_vw`, "INFO: Materialized view kinds_vw was fully recomputed, because its definition cannot be refreshed incrementally.\nREFRESH MATERIALIZED VIEW\n"},
		{`select * from kinds_vw`, "a | 2\nSELECT 1\n"},
		{`select schema, name, ref_schema, ref_name from stv_mv_deps order by name`, "public | kinds_vw | public | unnest_vw\npublic | unnest_vw | public | events_vw\nSELECT 2\n"},
		{`DROP MATERIALIZED VIEW unnest_vw`, "error 2BP01: cannot drop materialized view unnest_vw because other objects depend on it\n"},
		{`DROP MATERIALIZED VIEW unnest_vw CASCADE`, "DROP MATERIALIZED VIEW\n"},
		{`select count(*) from stv_mv_info where name in ('unnest_vw', 'kinds_vw')`, "0\nSELECT 1\n"},
		{`select count(*) from stv_mv_deps`, "0\nSELECT 1\n"},
	} {
		if got := schedScript(t, st.s, c.sql); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.sql, got, c.want)
		}
	}
}

// BenchmarkOrdinaryRefresh times the incremental refresh of the unnest view
// after 10,000 new records arrive, when the streaming view already holds
// 100,000 or 2,000,000 records: the cost should follow the new rows, not the
// history. The history is written into the streaming view's table directly
// (setup only); the new records go through the stream log and a refresh of
// the streaming view, untimed; only REFRESH of the unnest view is timed.
func BenchmarkOrdinaryRefresh(b *testing.B) {
	for _, history := range []int{100_000, 2_000_000} {
		b.Run(fmt.Sprintf("history=%d", history), func(b *testing.B) {
			ctx := context.Background()
			st := newMVStack(b)
			st.setup()
			record := `'{"id": ' || i || ', "kind": "a", "items": [{"v": ' || (i % 7) || '}, {"v": 2}]}'`
			if _, err := st.s.Conn().Exec(ctx, `INSERT INTO public.events_vw SELECT now()::TIMESTAMP, 'k',
				CAST(CAST(`+record+` AS JSON) AS VARIANT) FROM range(`+fmt.Sprint(history)+`) t(i)`); err != nil {
				b.Fatal(err)
			}
			st.exec(`REFRESH MATERIALIZED VIEW unnest_vw`)
			recs := make([]string, 10_000)
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				for j := range recs {
					recs[j] = fmt.Sprintf(`{"id": %d, "kind": "b", "items": [{"v": %d}, {"v": 3}]}`, history+i*len(recs)+j, j%5)
				}
				for j := 0; j < len(recs); j += 500 {
					st.put(recs[j : j+500]...)
				}
				st.exec(`REFRESH MATERIALIZED VIEW events_vw`)
				b.StartTimer()
				st.exec(`REFRESH MATERIALIZED VIEW unnest_vw`)
			}
		})
	}
}

package warehouse

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestAutoRefreshFollowsCatalog: the AUTO REFRESH loop keeps the list of
// ordinary views between passes (viewMemo); once it has read it, a view
// created, altered, or dropped and created again under the same name is
// still refreshed or marked stale as its catalog row now says.
func TestAutoRefreshFollowsCatalog(t *testing.T) {
	st := newMVStack(t)
	st.exec(`CREATE TABLE t (a int)`)
	st.exec(`CREATE TABLE u (a int)`)
	st.exec(`CREATE MATERIALIZED VIEW plain AS SELECT a FROM u`)
	st.exec(`INSERT INTO u VALUES (1)`)
	// The loop has read the list: it marked plain stale.
	st.waitFor(`select is_stale from stv_mv_info where name = 'plain'`, "t\nSELECT 1\n")

	// A view made after that is refreshed on a write to what it reads.
	st.exec(`CREATE MATERIALIZED VIEW later AUTO REFRESH YES AS SELECT a FROM t`)
	st.exec(`INSERT INTO t VALUES (1)`)
	st.waitFor(`select count(*) from later`, "1\nSELECT 1\n")

	// AUTO REFRESH NO: a write marks it stale instead, and leaves it as it was.
	st.exec(`ALTER MATERIALIZED VIEW later AUTO REFRESH NO`)
	st.exec(`INSERT INTO t VALUES (2)`)
	st.waitFor(`select is_stale from stv_mv_info where name = 'later'`, "t\nSELECT 1\n")
	st.want(`select count(*) from later`, "1\nSELECT 1\n")
	// Refreshed, it is current; the next write makes it stale again, and
	// so do those after (which need not be written again).
	st.exec(`REFRESH MATERIALIZED VIEW later`)
	st.want(`select is_stale from stv_mv_info where name = 'later'`, "f\nSELECT 1\n")
	for i := 3; i < 6; i++ {
		st.exec(`INSERT INTO t VALUES (3)`)
		st.waitFor(`select is_stale from stv_mv_info where name = 'later'`, "t\nSELECT 1\n")
	}
	// AUTO REFRESH YES again: refreshed at once (the ALTER announces its
	// sources) and after each write.
	st.exec(`ALTER MATERIALIZED VIEW later AUTO REFRESH YES`)
	st.waitFor(`select count(*) from later`, "5\nSELECT 1\n")
	st.exec(`INSERT INTO t VALUES (4)`)
	st.waitFor(`select count(*) from later`, "6\nSELECT 1\n")

	// Dropped and made again under the same name, over another table: the
	// new view (a new id, other sources) is the one refreshed.
	st.exec(`DROP MATERIALIZED VIEW later`)
	st.exec(`CREATE MATERIALIZED VIEW later AUTO REFRESH YES AS SELECT a FROM u`)
	st.want(`select count(*) from later`, "1\nSELECT 1\n")
	st.exec(`INSERT INTO u VALUES (2)`)
	st.waitFor(`select count(*) from later`, "2\nSELECT 1\n")
}

// TestStaleAfterRefreshInBlock: a REFRESH inside a transaction block reads
// the snapshot the block took when it began; a change committed after that,
// while the view was already stale, must leave it stale once the block
// commits (STV_MV_INFO.is_stale: a change after refreshed_at, which is the
// block's start), though the loop did not write that change when it came.
func TestStaleAfterRefreshInBlock(t *testing.T) {
	st := newMVStack(t)
	st.exec(`CREATE TABLE t (a int)`)
	st.exec(`CREATE MATERIALIZED VIEW p AS SELECT a FROM t`)
	st.exec(`INSERT INTO t VALUES (1)`)
	st.waitFor(`select is_stale from stv_mv_info where name = 'p'`, "t\nSELECT 1\n")
	id := int64(-1)
	for _, v := range mustViews(t, st) {
		if v.name == "p" {
			id = v.id
		}
	}

	b := testSession(t, st.w)
	if out := schedScript(t, b, `BEGIN; SELECT count(*) FROM t`); out != "BEGIN\n1\nSELECT 1\n" {
		t.Fatalf("begin: %q", out)
	}
	st.exec(`INSERT INTO t VALUES (2)`)
	// Wait for the loop to let the change go as already stale.
	deadline := time.Now().Add(15 * time.Second)
	for {
		f := st.w.ingest.changes
		f.stale.Lock()
		_, skipped := f.stale.skipped[id]
		f.stale.Unlock()
		if skipped {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the loop did not skip the second change")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if out := schedScript(t, b, `REFRESH MATERIALIZED VIEW p; COMMIT`); !strings.HasSuffix(out, "REFRESH MATERIALIZED VIEW\nCOMMIT\n") {
		t.Fatalf("refresh in block: %q", out)
	}
	st.want(`select count(*) from p`, "1\nSELECT 1\n") // the block's snapshot
	st.waitFor(`select is_stale from stv_mv_info where name = 'p'`, "t\nSELECT 1\n")
}

func mustViews(t *testing.T, st *mvStack) []*mvRow {
	t.Helper()
	c, err := st.w.connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	views, err := queryMVs(context.Background(), c, "true")
	if err != nil {
		t.Fatal(err)
	}
	return views
}

// TestCatalogSettled: a change to the catalog is under way from the start
// of its statement until the generation moves after its transaction ends;
// a session closed in the middle of its block ends it.
func TestCatalogSettled(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	g0, ok := w.catalogGen.settled()
	if !ok {
		t.Fatal("under way at the start")
	}
	mustRun(t, s, `BEGIN; CREATE TABLE x (a int)`)
	if _, ok := w.catalogGen.settled(); ok {
		t.Fatal("settled inside the block that changed it")
	}
	mustRun(t, s, `COMMIT`)
	g1, ok := w.catalogGen.settled()
	if !ok || g1 == g0 {
		t.Fatalf("after COMMIT: settled %v, generation %d (was %d)", ok, g1, g0)
	}
	s2, err := w.NewSession(context.Background(), "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, s2, `BEGIN; CREATE TABLE y (a int)`)
	_ = s2.Close()
	if _, ok := w.catalogGen.settled(); !ok {
		t.Fatal("under way after the session that held it closed")
	}
}

// BenchmarkDueViews measures one pass of the AUTO REFRESH loop's decision
// (dueViews) over a publication: "miss", a write to a relation no view
// reads; "stale", a write to the source of a view without AUTO REFRESH,
// already stale; "refreshed", the same after a refresh of the view, which
// must write the change (markStale).
func BenchmarkDueViews(b *testing.B) {
	ctx := context.Background()
	w, _ := openTest(b)
	s := testSession(b, w)
	mustRun(b, s, `create table src (a int); create table other (a int); insert into src values (1)`)
	mustRun(b, s, `create materialized view plain as select count(*) n from src`)
	m := w.ingest
	views, err := s.w.connect(ctx)
	if err != nil {
		b.Fatal(err)
	}
	rows, err := queryMVs(ctx, views, "name = 'plain'")
	_ = views.Close()
	if err != nil || len(rows) != 1 {
		b.Fatal(rows, err)
	}
	for _, c := range []struct {
		name, table string
		refresh     bool
	}{{"miss", "other", false}, {"stale", "src", false}, {"refreshed", "src", true}} {
		b.Run(c.name, func(b *testing.B) {
			var memo viewMemo
			held, last := map[int64]bool{}, map[int64]time.Time{}
			for b.Loop() {
				if c.refresh {
					b.StopTimer()
					m.changes.refreshing(rows[0].id)()
					b.StartTimer()
				}
				now := time.Now()
				changed := map[string]time.Time{"public." + c.table: now, c.table: now}
				if _, held, err = m.dueViews(ctx, &memo, changed, false, held, last); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

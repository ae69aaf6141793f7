package warehouse

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// want runs sql in the stack's session and compares its printed output.
func (st *mvStack) want(sql, want string) {
	st.t.Helper()
	if got := schedScript(st.t, st.s, sql); got != want {
		st.t.Errorf("%s:\n got %q\nwant %q", sql, got, want)
	}
}

func (st *mvStack) putTo(stream string, recs ...string) {
	st.t.Helper()
	entries := make([]streamlog.Entry, len(recs))
	for i, r := range recs {
		entries[i] = streamlog.Entry{PartitionKey: []byte(fmt.Sprint("k", i)), Data: []byte(r)}
	}
	if err := st.streams.Append(context.Background(), stream, entries, make([]streamlog.Appended, len(entries))); err != nil {
		st.t.Fatal(err)
	}
}

// TestStreamingJSONParseAnywhere: a view that parses kinesis_data only
// inside BETWEEN in its WHERE clause still skips records that are not JSON
// (and reports them) instead of failing on them.
func TestStreamingJSONParseAnywhere(t *testing.T) {
	st := newMVStack(t)
	st.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	st.exec(`CREATE MATERIALIZED VIEW v AS SELECT partition_key FROM k."events"
		WHERE json_parse(kinesis_data)."n"::int BETWEEN 1 AND 5`)
	st.put(`{"n": 3}`, `{"n":`, `{"n": 9}`, `{"n": 5}`)
	st.want(`REFRESH MATERIALIZED VIEW v`, "INFO: Materialized view v was incrementally updated successfully.\nREFRESH MATERIALIZED VIEW\n")
	st.want(`select count(*) from v`, "2\nSELECT 1\n")
	st.want(`select count(*) from sys_stream_scan_errors where mv_name = 'v'`, "1\nSELECT 1\n")
}

// TestStreamingLag: a batch stopped at its bound reports the records left
// behind it, in the metric and in STV_MV_INFO.is_stale; caught up, none.
func TestStreamingLag(t *testing.T) {
	st := newMVStack(t)
	ctx := context.Background()
	if err := st.streams.Create(ctx, "one", streamlog.CreateOptions{ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	st.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	st.exec(`CREATE MATERIALIZED VIEW v AS SELECT sequence_number FROM k."one"`)
	recs := make([]string, 250)
	for i := range recs {
		recs[i] = fmt.Sprintf(`{"i": %d}`, i)
	}
	st.putTo("one", recs...)
	mv, err := st.s.findMV(ctx, nameOf("v"))
	if err != nil {
		t.Fatal(err)
	}
	st.w.ingest.bound = batchBound{records: 100, bytes: 1 << 20}
	batch := func() *batchResult {
		t.Helper()
		var r *batchResult
		if err := st.w.ingest.withLock(ctx, mv, func(g *ingestor) error {
			var err error
			r, err = g.batch(ctx, refreshBy{kind: refreshManual, user: "tester"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return r
	}
	gauge := func() float64 {
		var m dto.Metric
		if err := st.w.ingest.metrics.lagRecords.WithLabelValues("public.v").Write(&m); err != nil {
			t.Fatal(err)
		}
		return m.GetGauge().GetValue()
	}
	for _, want := range []int64{150, 50} {
		r := batch()
		if !r.more || r.lagRecords != want {
			t.Errorf("bounded batch: more %v, lag %v; want more, lag %d", r.more, r.lagRecords, want)
		}
		if g := gauge(); g != float64(want) {
			t.Errorf("blueshift_streaming_lag_records %v, want %d", g, want)
		}
		st.want(`select is_stale from stv_mv_info where name = 'v'`, "t\nSELECT 1\n")
	}
	if r := batch(); r.more || r.lagRecords != int64(0) {
		t.Errorf("last batch: more %v, lag %v; want caught up", r.more, r.lagRecords)
	}
	if g := gauge(); g != 0 {
		t.Errorf("blueshift_streaming_lag_records %v after catching up", g)
	}
	st.want(`select count(*), bool_and(is_stale = 'f') from stv_mv_info where name = 'v'`, "1 | true\nSELECT 1\n")
	st.want(`select count(*) from v`, "250\nSELECT 1\n")

	// Several shards (one sequence counter numbers them all): the count is
	// still exact, over every shard's records, and drops to 0 once caught
	// up.
	st.exec(`CREATE MATERIALIZED VIEW w AS SELECT sequence_number FROM k."events"`)
	st.put(recs...)
	mw, err := st.s.findMV(ctx, nameOf("w"))
	if err != nil {
		t.Fatal(err)
	}
	mv = mw
	for _, want := range []int64{150, 50, 0} {
		r := batch()
		if r.more != (want > 0) || r.lagRecords != want {
			t.Errorf("two shards: more %v, lag %v; want more %v, lag %d", r.more, r.lagRecords, want > 0, want)
		}
		st.want(`select is_stale from stv_mv_info where name = 'w'`, map[bool]string{true: "t\nSELECT 1\n", false: "f\nSELECT 1\n"}[want > 0])
	}
}

// TestRefreshStatuses: SVL_MV_REFRESH_STATUS and SYS_MV_REFRESH_HISTORY
// write Redshift's status text for each outcome, failures included, and
// STV_MV_INFO's state and is_stale follow what happened.
func TestRefreshStatuses(t *testing.T) {
	st := newMVStack(t)
	st.setup()
	st.exec(`CREATE TABLE t (a int, b int)`)
	st.exec(`INSERT INTO t VALUES (1, 2)`)
	st.exec(`CREATE MATERIALIZED VIEW tv AS SELECT a, sum(b) AS s FROM t GROUP BY a`)
	st.put(`{"id": 1, "kind": "a", "items": [{"v": 1}]}`)
	st.exec(`REFRESH MATERIALIZED VIEW events_vw`)
	st.exec(`REFRESH MATERIALIZED VIEW unnest_vw`)
	st.exec(`REFRESH MATERIALIZED VIEW unnest_vw`)
	st.exec(`REFRESH MATERIALIZED VIEW tv`)
	last := func(view string) string {
		return fmt.Sprintf(`select h.status, s.status = h.status from sys_mv_refresh_history h
			join svl_mv_refresh_status s on s.mv_name = h.mv_name and s.starttime = h.start_time
			where h.mv_name = '%s' order by h.start_time desc limit 1`, view)
	}
	st.want(last("unnest_vw"), "MV was already updated | true\nSELECT 1\n")
	st.want(last("tv"), "Refresh successfully recomputed MV from scratch | true\nSELECT 1\n")
	st.want(last("events_vw"), "Refresh successfully updated MV incrementally | true\nSELECT 1\n")
	st.want(`select state, is_stale from stv_mv_info where name = 'tv'`, "0 | f\nSELECT 1\n")

	// A base column renamed: the refresh fails with Redshift's status, the
	// view's state says why, and it is stale until a refresh succeeds.
	st.exec(`ALTER TABLE t RENAME COLUMN b TO c`)
	if out := schedScript(t, st.s, `REFRESH MATERIALIZED VIEW tv`); !strings.HasPrefix(out, "error 42703") {
		t.Errorf("refresh after the rename: %q", out)
	}
	st.want(last("tv"), "Refresh failed. Base table column was renamed | true\nSELECT 1\n")
	st.want(`select state, is_stale from stv_mv_info where name = 'tv'`, "104 | t\nSELECT 1\n")
	st.exec(`ALTER TABLE t RENAME TO t2`)
	schedScript(t, st.s, `REFRESH MATERIALIZED VIEW tv`)
	st.want(last("tv"), "Refresh failed. Base table was renamed | true\nSELECT 1\n")
	st.want(`select state, is_stale from stv_mv_info where name = 'tv'`, "103 | t\nSELECT 1\n")
	st.exec(`ALTER TABLE t2 RENAME TO t`)
	st.exec(`ALTER TABLE t RENAME COLUMN c TO b`)
	st.exec(`REFRESH MATERIALIZED VIEW tv`)
	st.want(`select state, is_stale from stv_mv_info where name = 'tv'`, "0 | f\nSELECT 1\n")

	// An error of the view's own expressions: Redshift's internal error.
	st.exec(`CREATE MATERIALIZED VIEW bad AS SELECT partition_key, json_parse(kinesis_data)."n"::int / 0 AS x FROM k."events"`)
	st.put(`{"n": 1}`)
	if out := schedScript(t, st.s, `REFRESH MATERIALIZED VIEW bad`); !strings.HasPrefix(out, "error 22012") {
		t.Errorf("refresh dividing by zero: %q", out)
	}
	st.want(last("bad"), "Refresh failed due to an internal error | true\nSELECT 1\n")
	st.want(`select state, is_stale from stv_mv_info where name = 'bad'`, "1 | t\nSELECT 1\n")
}

// TestDropMVDependents: DROP of a materialized view that others read is
// refused (RESTRICT, the default) for streaming and ordinary views alike;
// CASCADE drops the readers too, loops and all.
func TestDropMVDependents(t *testing.T) {
	st := newMVStack(t)
	st.setup()
	st.exec(`ALTER MATERIALIZED VIEW events_vw AUTO REFRESH YES`)
	for _, sql := range []string{`DROP MATERIALIZED VIEW events_vw`, `DROP MATERIALIZED VIEW events_vw RESTRICT`} {
		st.want(sql, "error 2BP01: cannot drop materialized view events_vw because other objects depend on it\n")
	}
	st.want(`DROP MATERIALIZED VIEW unnest_vw`, "error 2BP01: cannot drop materialized view unnest_vw because other objects depend on it\n")
	st.want(`select count(*) from stv_mv_info`, "3\nSELECT 1\n")
	st.want(`DROP MATERIALIZED VIEW events_vw CASCADE`, "DROP MATERIALIZED VIEW\n")
	st.want(`select count(*) from stv_mv_info`, "0\nSELECT 1\n")
	st.want(`select count(*) from stv_mv_deps`, "0\nSELECT 1\n")
	st.want(`select count(*) from duckdb_tables() where table_name in ('events_vw', 'unnest_vw', 'kinds_vw')`, "0\nSELECT 1\n")
	st.w.ingest.mu.Lock()
	loops := len(st.w.ingest.mu.views)
	st.w.ingest.mu.Unlock()
	if loops != 0 {
		t.Errorf("%d streaming runners left after DROP ... CASCADE", loops)
	}
}

func nameOf(parts ...string) ast.Name {
	n := make(ast.Name, len(parts))
	for i, p := range parts {
		n[i] = ast.Ident{Name: p}
	}
	return n
}

// waitFor waits until sql prints want, failing after a deadline.
func (st *mvStack) waitFor(sql, want string) {
	st.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := schedScript(st.t, st.s, sql)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			st.t.Fatalf("%s: %q, want %q within 15s", sql, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestAutoRefreshAfterChange: AUTO REFRESH views, fully recomputed ones
// included, refresh after the relations they read change (a table written
// in autocommit, in a committed block, and a chain fed by a stream), not on
// a timer; a rolled-back write changes nothing; a view without AUTO REFRESH
// turns stale instead.
func TestAutoRefreshAfterChange(t *testing.T) {
	st := newMVStack(t)
	st.setup()
	st.exec(`CREATE TABLE t (a int, b int)`)
	st.exec(`CREATE MATERIALIZED VIEW tsum AUTO REFRESH YES AS SELECT a, sum(b) AS s FROM t GROUP BY a`)
	st.exec(`CREATE MATERIALIZED VIEW tman AS SELECT count(*) AS n FROM t`)
	st.exec(`INSERT INTO t VALUES (1, 2), (1, 3)`)
	st.waitFor(`select a, s from tsum`, "1 | 5\nSELECT 1\n")
	st.waitFor(`select is_stale from stv_mv_info where name = 'tman'`, "t\nSELECT 1\n")
	st.exec(`REFRESH MATERIALIZED VIEW tman`)
	st.want(`select is_stale from stv_mv_info where name = 'tman'`, "f\nSELECT 1\n")

	st.exec(`BEGIN; UPDATE t SET b = 10 WHERE b = 2; COMMIT`)
	st.waitFor(`select a, s from tsum`, "1 | 13\nSELECT 1\n")
	st.exec(`BEGIN; DELETE FROM t; ROLLBACK`)
	st.exec(`INSERT INTO t VALUES (2, 1)`) // a committed change after it, to wait on
	st.waitFor(`select a, s from tsum order by a`, "1 | 13\n2 | 1\nSELECT 2\n")
	// A script of several statements commits once, at its end.
	st.exec(`INSERT INTO t VALUES (3, 1); INSERT INTO t VALUES (3, 2)`)
	st.waitFor(`select a, s from tsum order by a`, "1 | 13\n2 | 1\n3 | 3\nSELECT 3\n")

	// A chain: stream -> events_vw (streaming) -> unnest_vw (incremental)
	// -> kinds_vw (full recompute), all AUTO REFRESH.
	for _, v := range []string{"events_vw", "unnest_vw", "kinds_vw"} {
		st.exec(`ALTER MATERIALIZED VIEW ` + v + ` AUTO REFRESH YES`)
	}
	st.put(`{"id": 1, "kind": "a", "items": [{"v": 1}, {"v": 2}]}`, `{"id": 2, "kind": "b", "items": [{"v": 3}]}`)
	st.waitFor(`select kind, n from kinds_vw order by kind`, "a | 2\nb | 1\nSELECT 2\n")
	st.put(`{"id": 3, "kind": "b", "items": [{"v": 4}]}`)
	st.waitFor(`select kind, n from kinds_vw order by kind`, "a | 2\nb | 2\nSELECT 2\n")
	st.want(`select count(*) > 0 from svl_mv_refresh_status where mv_name = 'kinds_vw' and refresh_type = 'Auto'`, "true\nSELECT 1\n")
}

// TestRefreshCascade: REFRESH ... CASCADE of a streaming view refreshes the
// views that read it; when a view fails, those that read it are skipped
// with Redshift's cascade status.
func TestRefreshCascade(t *testing.T) {
	st := newMVStack(t)
	st.setup()
	st.put(`{"id": 1, "kind": "a", "items": [{"v": 1}, {"v": 2}]}`)
	st.want(`REFRESH MATERIALIZED VIEW events_vw CASCADE`, "INFO: Materialized view events_vw was incrementally updated successfully.\n"+
		"INFO: Materialized view unnest_vw was incrementally updated successfully.\n"+
		"INFO: Materialized view kinds_vw was fully recomputed, because its definition cannot be refreshed incrementally.\n"+
		"REFRESH MATERIALIZED VIEW\n")
	st.want(`select kind, n from kinds_vw`, "a | 2\nSELECT 1\n")

	st.exec(`CREATE TABLE t (a int, b int)`)
	st.exec(`CREATE MATERIALIZED VIEW tv AS SELECT a, b FROM t`)
	st.exec(`CREATE MATERIALIZED VIEW tv2 AS SELECT a, count(*) AS n FROM tv GROUP BY a`)
	st.exec(`ALTER TABLE t RENAME COLUMN b TO c`)
	if out := schedScript(t, st.s, `REFRESH MATERIALIZED VIEW tv CASCADE`); !strings.HasPrefix(out, "error 42703") {
		t.Errorf("refresh cascade: %q", out)
	}
	st.want(`select status from svl_mv_refresh_status where mv_name = 'tv2' order by starttime desc limit 1`,
		"Cascade refresh skipped because materialized view public.tv was not refreshed.\nSELECT 1\n")
}

// TestSuperUnshredded: SUPER (VARIANT) columns of every table, not only
// streaming views, are stored unshredded (see Open): after a checkpoint a
// plain table's SUPER column has no shredded part (DuckDB's storage path
// [0, 2, ...]), though its values all have one shape, which DuckDB would
// shred.
func TestSuperUnshredded(t *testing.T) {
	st := newMVStack(t)
	st.want(`select current_setting('variant_minimum_shredding_size')`, "-1\nSELECT 1\n")
	st.exec(`CREATE TABLE docs (doc SUPER)`)
	st.exec(`INSERT INTO docs SELECT json_parse('{"a": ' || n || ', "b": "x' || n || '"}') FROM generate_series(1, 60000) AS g(n)`)
	st.exec(`CHECKPOINT`)
	c, err := st.w.connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.Query(context.Background(), `SELECT count(*) FILTER (WHERE column_path LIKE '[0, 1%'), count(*) FILTER (WHERE column_path LIKE '[0, 2%') FROM pragma_storage_info('public.docs')`)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if !res.Next() {
		t.Fatal(res.Err())
	}
	if v := res.Values(); v[0].(int64) == 0 || v[1].(int64) != 0 {
		t.Errorf("docs.doc storage: %d unshredded segments, %d shredded; want some and none", v[0], v[1])
	}
}

// TestStagingFreedAfterBatch: a batch's staged copy of the records is
// freed once the batch commits, not held until the next one.
func TestStagingFreedAfterBatch(t *testing.T) {
	st := newMVStack(t)
	ctx := context.Background()
	st.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	st.exec(`CREATE MATERIALIZED VIEW v AS SELECT json_parse(kinesis_data) AS p FROM k."events"`)
	st.put(`{"n": 1}`, `{"n": 2}`, `{"n": 3}`)
	st.exec(`REFRESH MATERIALIZED VIEW v`)
	st.want(`select count(*) from v`, "3\nSELECT 1\n")
	mv, err := st.s.findMV(ctx, nameOf("v"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.w.ingest.withLock(ctx, mv, func(g *ingestor) error {
		res, err := g.conn.Query(ctx, "SELECT count(*) FROM "+stageTable)
		if err != nil {
			return err
		}
		defer res.Close()
		if !res.Next() {
			t.Fatal("no count")
		}
		if n := res.Values()[0].(int64); n != 0 {
			t.Errorf("staging table holds %d records after the batch committed", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

package warehouse

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/source"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// TestStreamingRetentionGap: records trimmed by retention before the view
// read them are reported in SYS_STREAM_SCAN_ERRORS with the lost range, and
// reading goes on from the trim horizon. It runs in-process to drive the
// stream log's clock past the retention period.
func TestStreamingRetentionGap(t *testing.T) {
	ctx := context.Background()
	var nowMs atomic.Int64
	nowMs.Store(1_700_000_000_000)
	clock := func() time.Time { return time.UnixMilli(nowMs.Load()) }
	l, err := streamlog.Open(t.TempDir(), streamlog.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Create(ctx, "s", streamlog.CreateOptions{ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	put := func(n int, tag string) []string {
		var seqs []string
		for i := range n {
			out := make([]streamlog.Appended, 1)
			if err := l.Append(ctx, "s", []streamlog.Entry{{PartitionKey: []byte("k"), Data: []byte(fmt.Sprintf(`{"%s":%d}`, tag, i))}}, out); err != nil {
				t.Fatal(err)
			}
			seqs = append(seqs, out[0].Seq.String())
		}
		return seqs
	}
	w, err := Open(ctx, t.TempDir(), Options{Sources: &source.Registry{Log: source.NewLog(l)}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s, err := w.NewSession(ctx, "u", "")
	if err != nil {
		t.Fatal(err)
	}
	run := func(sql string) {
		t.Helper()
		rs := s.Execute(ctx, sql, nil)
		for rs.Next() {
		}
		if err := rs.Err(); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	count := func(sql string) int64 {
		t.Helper()
		res, err := s.conn.Query(ctx, sql)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		if !res.Next() {
			t.Fatalf("%s: no row", sql)
		}
		return res.Values()[0].(int64)
	}
	a := put(3, "a")
	run(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	run(`CREATE MATERIALIZED VIEW v AS SELECT sequence_number, json_parse(kinesis_data) AS p FROM k.s`)
	run(`REFRESH MATERIALIZED VIEW v`)
	nowMs.Add(time.Hour.Milliseconds())
	lost := put(5, "b")
	nowMs.Add((23*time.Hour + 30*time.Minute).Milliseconds())
	kept := put(2, "c")
	nowMs.Add(time.Hour.Milliseconds()) // b is now older than 24 hours
	if err := l.Trim(ctx); err != nil {
		t.Fatal(err)
	}
	run(`REFRESH MATERIALIZED VIEW v`)
	if n := count("SELECT count(*) FROM v"); n != int64(len(a)+len(kept)) {
		t.Fatalf("view holds %d rows, want %d", n, len(a)+len(kept))
	}
	if n := count("SELECT count(*) FROM v WHERE sequence_number IN ('" + strings.Join(lost, "','") + "')"); n != 0 {
		t.Fatalf("view holds %d trimmed records", n)
	}
	res, err := s.conn.Query(ctx, "SELECT error_reason, position FROM sys_stream_scan_errors WHERE mv_name = 'v'")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if !res.Next() {
		t.Fatal("no gap reported in SYS_STREAM_SCAN_ERRORS")
	}
	reason, pos := res.Values()[0].(string), res.Values()[1].(string)
	if !strings.Contains(reason, "after "+a[len(a)-1]) || pos < lost[len(lost)-1] {
		t.Errorf("gap %q at %s: want the range after %s through at least %s", reason, pos, a[len(a)-1], lost[len(lost)-1])
	}
	if res.Next() {
		t.Errorf("more than one gap reported")
	}
}

// TestStreamingManyReads: a batch that takes several reads of a shard
// (readMaxRecords each; the next read runs while the one before is
// checked) loads every record once, skips the invalid ones it meets in
// any read, and a second refresh finds nothing new.
func TestStreamingManyReads(t *testing.T) {
	st := newMVStack(t)
	st.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	st.exec(`CREATE MATERIALIZED VIEW v AS SELECT partition_key, json_parse(kinesis_data) AS payload FROM k."events"`)
	const n = 3*readMaxRecords + 1234 // over two shards: more than one read each
	recs := make([]string, n)
	bad := 0
	for i := range recs {
		recs[i] = fmt.Sprintf(`{"i":%d}`, i)
		if i%5000 == 4999 {
			recs[i] = `{"i":` // not JSON: skipped and reported
			bad++
		}
	}
	st.put(recs...)
	st.exec(`REFRESH MATERIALIZED VIEW v`)
	st.want(`SELECT count(*), count(DISTINCT payload.i), min(payload.i::int), max(payload.i::int) FROM v`,
		fmt.Sprintf("%d | %d | 0 | %d\nSELECT 1\n", n-bad, n-bad, n-1))
	st.want(`SELECT count(*) FROM sys_stream_scan_errors WHERE mv_name = 'v'`, fmt.Sprintf("%d\nSELECT 1\n", bad))
	st.exec(`REFRESH MATERIALIZED VIEW v`)
	st.want(`SELECT count(*) FROM v`, fmt.Sprintf("%d\nSELECT 1\n", n-bad))
}

package warehouse_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// streamEnv is a running server with a pgx connection and a Kinesis client.
type streamEnv struct {
	t   *testing.T
	srv *testserver.Server
	ctx context.Context
	pg  *pgx.Conn
	kc  *kinesis.Client
}

func newStreamEnv(t *testing.T, args ...string) *streamEnv {
	t.Helper()
	srv := testserver.Start(t, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	e := &streamEnv{t: t, srv: srv, ctx: ctx}
	e.connect()
	e.kc = kinesisClient(srv.AWS)
	return e
}

func (e *streamEnv) connect() {
	e.t.Helper()
	pg, err := pgx.Connect(e.ctx, fmt.Sprintf("postgres://blueshift@%s/dev?sslmode=disable", e.srv.SQL))
	if err != nil {
		e.t.Fatalf("connect: %v\n%s", err, e.srv.Logs())
	}
	e.pg = pg
	e.t.Cleanup(func() { _ = pg.Close(context.Background()) })
}

func kinesisClient(addr string) *kinesis.Client { return testserver.KinesisClient(addr) }

func (e *streamEnv) exec(sql string) {
	e.t.Helper()
	if _, err := e.pg.Exec(e.ctx, sql); err != nil {
		e.t.Fatalf("%s: %v\n%s", sql, err, e.srv.Logs())
	}
}

func (e *streamEnv) execErr(sql string) *pgconn.PgError {
	e.t.Helper()
	_, err := e.pg.Exec(e.ctx, sql)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		e.t.Fatalf("%s: want an SQL error, got %v", sql, err)
	}
	return pe
}

func (e *streamEnv) createStream(name string, shards int32) {
	e.t.Helper()
	if _, err := e.kc.CreateStream(e.ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}); err != nil {
		e.t.Fatalf("create stream %s: %v", name, err)
	}
	w := kinesis.NewStreamExistsWaiter(e.kc, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 100*time.Millisecond
	})
	if err := w.Wait(e.ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)}, 30*time.Second); err != nil {
		e.t.Fatal(err)
	}
}

// rec identifies one acknowledged record.
type rec struct{ Shard, Seq string }

func (e *streamEnv) put(stream, key string, data []byte) rec {
	e.t.Helper()
	out, err := e.kc.PutRecord(e.ctx, &kinesis.PutRecordInput{StreamName: aws.String(stream), PartitionKey: aws.String(key), Data: data})
	if err != nil {
		e.t.Fatalf("put: %v", err)
	}
	return rec{aws.ToString(out.ShardId), aws.ToString(out.SequenceNumber)}
}

// rows returns the view's (shard_id, sequence_number) pairs, sorted.
func (e *streamEnv) rows(view string) []rec {
	e.t.Helper()
	rs, err := e.pg.Query(e.ctx, "SELECT shard_id, sequence_number FROM "+view)
	if err != nil {
		e.t.Fatalf("read %s: %v", view, err)
	}
	got, err := pgx.CollectRows(rs, func(r pgx.CollectableRow) (rec, error) {
		var x rec
		err := r.Scan(&x.Shard, &x.Seq)
		x.Shard = strings.TrimSpace(x.Shard)
		return x, err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	sortRecs(got)
	return got
}

func sortRecs(rs []rec) {
	slices.SortFunc(rs, func(a, b rec) int { return strings.Compare(a.Shard+a.Seq, b.Shard+b.Seq) })
}

func (e *streamEnv) count(sql string) int64 {
	e.t.Helper()
	var n int64
	if err := e.pg.QueryRow(e.ctx, sql).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// lastStatus is the status of view's latest refresh in SVL_MV_REFRESH_STATUS.
func (e *streamEnv) lastStatus(view string) string {
	e.t.Helper()
	var status string
	if err := e.pg.QueryRow(e.ctx, "SELECT status FROM svl_mv_refresh_status WHERE mv_name = $1 ORDER BY endtime DESC LIMIT 1", view).Scan(&status); err != nil {
		e.t.Fatal(err)
	}
	return status
}

// waitCount waits until sql returns want, failing after a deadline.
func (e *streamEnv) waitCount(sql string, want int64) {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		n := e.count(sql)
		if n == want {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s: %d, want %d within 60s\n%s", sql, n, want, e.srv.Logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func seedFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "demo", name))
	if err != nil {
		t.Fatalf("reference scenario: %v", err)
	}
	return b
}

func sameRecs(t *testing.T, got, want []rec) {
	t.Helper()
	sortRecs(want)
	if !slices.Equal(got, want) {
		t.Fatalf("view holds %d records, want %d\ngot  %v\nwant %v", len(got), len(want), got, want)
	}
}

// TestStreamingScenario runs the reference scenario's streaming steps (3-6 of
// scenario.sql, verbatim) against records put through the Kinesis API, then
// refreshes incrementally.
func TestStreamingScenario(t *testing.T) {
	e := newStreamEnv(t)
	e.createStream("demo-data-stream", 2)
	pieces, err := bsql.Split(string(seedFile(t, "scenario.sql")))
	if err != nil {
		t.Fatal(err)
	}
	if len(pieces) < 4 || !strings.HasPrefix(pieces[3].Text, "REFRESH MATERIALIZED VIEW demo_stream_vw") {
		t.Fatalf("scenario.sql changed: statement 4 is %q", pieces[3].Text)
	}
	sample := seedFile(t, "sample-record.json")
	want := []rec{e.put("demo-data-stream", "CUSTOMER#CUST_123", sample)}
	for _, p := range pieces[:4] {
		e.exec(p.Text)
	}
	sameRecs(t, e.rows("demo_stream_vw"), want)

	var payload string
	var arrival time.Time
	if err := e.pg.QueryRow(e.ctx, "SELECT payload, approximate_arrival_timestamp FROM demo_stream_vw").Scan(&payload, &arrival); err != nil {
		t.Fatal(err)
	}
	var got, exp any
	if err := json.Unmarshal([]byte(payload), &got); err != nil {
		t.Fatalf("payload %q: %v", payload, err)
	}
	_ = json.Unmarshal(sample, &exp)
	if fmt.Sprint(got) != fmt.Sprint(exp) {
		t.Errorf("payload differs from the record put:\n%s", payload)
	}
	if d := time.Since(arrival); d < 0 || d > 5*time.Minute {
		t.Errorf("approximate_arrival_timestamp %v is not the put time", arrival)
	}

	// Incremental: a second refresh adds only the new records.
	for i := range 20 {
		want = append(want, e.put("demo-data-stream", fmt.Sprintf("key-%d", i), []byte(fmt.Sprintf(`{"i":%d}`, i))))
	}
	e.exec("REFRESH MATERIALIZED VIEW demo_stream_vw")
	sameRecs(t, e.rows("demo_stream_vw"), want)
	e.exec("REFRESH MATERIALIZED VIEW demo_stream_vw")
	sameRecs(t, e.rows("demo_stream_vw"), want)

	if status := e.lastStatus("demo_stream_vw"); status != "Refresh successfully updated MV incrementally - Stream returned no new data" {
		t.Errorf("last status %q", status)
	}
	if n := e.count("SELECT sum(scanned_rows)::bigint FROM sys_stream_scan_states WHERE mv_name = 'demo_stream_vw'"); n != int64(len(want)) {
		t.Errorf("SYS_STREAM_SCAN_STATES counts %d scanned rows, want %d", n, len(want))
	}
	if n := e.count("SELECT count(*) FROM stv_mv_info WHERE name = 'demo_stream_vw' AND autorefresh = 'f' AND is_stale = 'f'"); n != 1 {
		t.Errorf("STV_MV_INFO: %d rows for the view", n)
	}
	if n := e.count("SELECT count(*) FROM svv_external_schemas WHERE schemaname = 'demo_schema'"); n != 1 {
		t.Errorf("SVV_EXTERNAL_SCHEMAS: %d rows for demo_schema", n)
	}

	// The metrics count what was ingested.
	body := httpGet(t, "http://"+e.srv.HTTP+"/metrics")
	line := fmt.Sprintf(`blueshift_streaming_ingested_records_total{view="public.demo_stream_vw"} %d`, len(want))
	if !strings.Contains(body, line) {
		t.Errorf("/metrics lacks %q", line)
	}

	// DROP removes the view, its rows and positions.
	e.exec("DROP MATERIALIZED VIEW demo_stream_vw")
	if pe := e.execErr("SELECT * FROM demo_stream_vw"); pe.Code != "42P01" {
		t.Errorf("after DROP: %s %s", pe.Code, pe.Message)
	}
	if pe := e.execErr("DROP MATERIALIZED VIEW demo_stream_vw"); pe.Code != "42P01" {
		t.Errorf("DROP again: %s %s", pe.Code, pe.Message)
	}
	e.exec("DROP MATERIALIZED VIEW IF EXISTS demo_stream_vw")
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestStreamingBadRecords puts invalid JSON and an over-size record beside
// good ones: the good ones load, the bad ones are skipped and reported.
func TestStreamingBadRecords(t *testing.T) {
	e := newStreamEnv(t)
	e.createStream("s1", 1)
	e.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	e.exec(`CREATE MATERIALIZED VIEW v AS SELECT shard_id, sequence_number, json_parse(kinesis_data) AS payload FROM k."s1"`)
	var want []rec
	want = append(want, e.put("s1", "a", []byte(`{"ok":1}`)))
	bad1 := e.put("s1", "a", []byte(`{"ok":`))
	want = append(want, e.put("s1", "a", []byte(`[1,2,3]`)))
	big := make([]byte, 1_030_000)
	for i := range big {
		big[i] = ' '
	}
	copy(big, `{"big":true}`)
	bad2 := e.put("s1", "a", big)
	want = append(want, e.put("s1", "a", []byte(`"str"`)))
	e.exec("REFRESH MATERIALIZED VIEW v")
	sameRecs(t, e.rows("v"), want)

	rs, err := e.pg.Query(e.ctx, "SELECT trim(position), error_code, error_reason FROM sys_stream_scan_errors WHERE mv_name = 'v' ORDER BY position")
	if err != nil {
		t.Fatal(err)
	}
	type scanErr struct {
		Pos    string
		Code   int32
		Reason string
	}
	errs, err := pgx.CollectRows(rs, pgx.RowToStructByPos[scanErr])
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != 2 || errs[0].Pos != bad1.Seq || errs[1].Pos != bad2.Seq {
		t.Fatalf("SYS_STREAM_SCAN_ERRORS: %+v, want the records %s and %s", errs, bad1.Seq, bad2.Seq)
	}
	if !strings.Contains(errs[0].Reason, "JSON") || !strings.Contains(errs[1].Reason, "size") {
		t.Errorf("reasons: %q, %q", errs[0].Reason, errs[1].Reason)
	}
	if status := e.lastStatus("v"); status != "Refresh successfully updated MV incrementally - Some stream records were skipped" {
		t.Errorf("status %q", status)
	}
	if n := e.count("SELECT sum(skipped_rows)::bigint FROM sys_stream_scan_states WHERE mv_name = 'v'"); n != 2 {
		t.Errorf("skipped_rows %d, want 2", n)
	}
}

// TestStreamingExpressionError: a record the view's expressions fail on
// (here a cast) is skipped and reported, and the batch goes on; an error of
// the view's own definition (every record fails) fails the refresh and keeps
// the positions; the status shows the failure.
func TestStreamingExpressionError(t *testing.T) {
	e := newStreamEnv(t)
	e.createStream("s1", 1)
	e.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	e.exec(`CREATE MATERIALIZED VIEW v AS SELECT shard_id, sequence_number, CAST(from_varbyte(kinesis_data, 'utf8') AS INTEGER) AS n FROM k."s1"`)
	e.exec(`CREATE MATERIALIZED VIEW broken AS SELECT shard_id, sequence_number, CAST('x' || from_varbyte(kinesis_data, 'utf8') AS INTEGER) AS n FROM k."s1"`)
	first := e.put("s1", "a", []byte("1"))
	e.exec("REFRESH MATERIALIZED VIEW v")
	sameRecs(t, e.rows("v"), []rec{first})
	second := e.put("s1", "a", []byte("2"))
	bad := e.put("s1", "a", []byte("not a number"))
	third := e.put("s1", "a", []byte("3"))
	e.exec("REFRESH MATERIALIZED VIEW v")
	sameRecs(t, e.rows("v"), []rec{first, second, third})
	var code int32
	var reason string
	if err := e.pg.QueryRow(e.ctx, "SELECT error_code, error_reason FROM sys_stream_scan_errors WHERE mv_name = 'v' AND trim(position) = $1", bad.Seq).Scan(&code, &reason); err != nil {
		t.Fatalf("the skipped record in SYS_STREAM_SCAN_ERRORS: %v", err)
	}
	if code != 1004 || !strings.Contains(reason, "not a number") {
		t.Errorf("scan error %d %q, want 1004 quoting the record's data", code, reason)
	}
	if status := e.lastStatus("v"); status != "Refresh successfully updated MV incrementally - Some stream records were skipped" {
		t.Errorf("status %q", status)
	}

	for range 2 {
		pe := e.execErr("REFRESH MATERIALIZED VIEW broken")
		if !strings.HasPrefix(pe.Code, "22") {
			t.Errorf("refresh error %s %s, want a data exception", pe.Code, pe.Message)
		}
		sameRecs(t, e.rows("broken"), nil)
	}
	if status := e.lastStatus("broken"); status != "Refresh failed due to an internal error" {
		t.Errorf("status %q", status)
	}
	if n := e.count("SELECT count(*) FROM sys_mv_refresh_history WHERE mv_name = 'broken' AND status = 'Refresh failed due to an internal error'"); n != 2 {
		t.Errorf("SYS_MV_REFRESH_HISTORY: %d failed refreshes, want 2", n)
	}
	// /healthz says so.
	res, err := http.Get("http://" + e.srv.HTTP + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "public.broken") || strings.Contains(string(body), "public.v ") {
		t.Errorf("/healthz: %d %s, want 503 naming public.broken only", res.StatusCode, body)
	}
}

// TestStreamingAutoRefreshReshardAndSeveralStreams: two views with AUTO
// REFRESH on two streams; one stream is resharded mid-stream; both views end
// with exactly the records acknowledged.
func TestStreamingAutoRefreshReshardAndSeveralStreams(t *testing.T) {
	e := newStreamEnv(t)
	e.createStream("orders", 1)
	e.createStream("clicks", 2)
	e.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	e.exec(`CREATE MATERIALIZED VIEW orders_v AUTO REFRESH YES AS SELECT shard_id, sequence_number, json_parse(kinesis_data) AS p FROM k.orders`)
	e.exec(`CREATE MATERIALIZED VIEW clicks_v AUTO REFRESH YES AS SELECT * FROM k."clicks" WHERE can_json_parse(kinesis_data)`)
	var orders, clicks []rec
	for i := range 50 {
		orders = append(orders, e.put("orders", fmt.Sprintf("o%d", i), []byte(fmt.Sprintf(`{"order":%d}`, i))))
		clicks = append(clicks, e.put("clicks", fmt.Sprintf("c%d", i), []byte(fmt.Sprintf(`{"click":%d}`, i))))
	}
	e.waitCount("SELECT count(*) FROM orders_v", 50)
	// Reshard: one shard becomes two; more records go to the children.
	if _, err := e.kc.UpdateShardCount(e.ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("orders"),
		TargetShardCount: aws.Int32(2), ScalingType: "UNIFORM_SCALING"}); err != nil {
		t.Fatal(err)
	}
	w := kinesis.NewStreamExistsWaiter(e.kc, func(o *kinesis.StreamExistsWaiterOptions) { o.MinDelay = 10 * time.Millisecond })
	if err := w.Wait(e.ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("orders")}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		orders = append(orders, e.put("orders", fmt.Sprintf("o%d", i), []byte(fmt.Sprintf(`{"order":%d}`, 100+i))))
	}
	e.waitCount("SELECT count(*) FROM orders_v", 100)
	e.waitCount("SELECT count(*) FROM clicks_v", 50)
	sameRecs(t, e.rows("orders_v"), orders)
	sameRecs(t, e.rows("clicks_v"), clicks)
	if n := e.count("SELECT count(DISTINCT shard_id) FROM orders_v"); n != 3 {
		t.Errorf("orders_v spans %d shards, want the parent and its 2 children", n)
	}

	// ALTER ... AUTO REFRESH NO stops the loop; a manual refresh still works.
	e.exec("ALTER MATERIALIZED VIEW orders_v AUTO REFRESH NO")
	orders = append(orders, e.put("orders", "late", []byte(`{"late":1}`)))
	e.exec("REFRESH MATERIALIZED VIEW orders_v")
	sameRecs(t, e.rows("orders_v"), orders)
	if n := e.count("SELECT count(*) FROM svl_mv_refresh_status WHERE mv_name = 'clicks_v' AND refresh_type = 'Auto'"); n == 0 {
		t.Error("no Auto refresh recorded for clicks_v")
	}
}

// TestStreamingRules checks Redshift's rules for streaming views and the
// Kafka placeholder.
func TestStreamingRules(t *testing.T) {
	e := newStreamEnv(t)
	e.createStream("s1", 1)
	e.createStream("s2", 1)
	e.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	if pe := e.execErr(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`); pe.Code != "42P06" {
		t.Errorf("duplicate schema: %s %s", pe.Code, pe.Message)
	}
	e.exec(`CREATE EXTERNAL SCHEMA IF NOT EXISTS k FROM KINESIS IAM_ROLE default`)
	e.exec(`CREATE TABLE t (shard_id varchar)`)
	for _, c := range []struct{ q, msg string }{
		{`CREATE MATERIALIZED VIEW j AS SELECT a.shard_id FROM k.s1 a JOIN k.s2 b ON a.shard_id = b.shard_id`,
			"Your streaming ingestion materialized view can reference only one stream."},
		{`CREATE MATERIALIZED VIEW j AS SELECT a.shard_id FROM k.s1 a JOIN t ON a.shard_id = t.shard_id`,
			"JOINs are not currently supported in materialized views created on a stream."},
		{`CREATE MATERIALIZED VIEW j AS SELECT shard_id FROM k.s1 WHERE shard_id IN (SELECT shard_id FROM k.s2)`,
			"Your streaming ingestion materialized view can reference only one stream."},
		{`CREATE MATERIALIZED VIEW j AS SELECT shard_id, count(*) FROM k.s1 GROUP BY shard_id`,
			"GROUP BY is not supported in materialized views created on a stream: the materialized view must be incrementally maintainable, one record at a time."},
		{`CREATE MATERIALIZED VIEW j AS SELECT count(*) FROM k.s1`,
			"An aggregate function (count) is not supported in materialized views created on a stream: the materialized view must be incrementally maintainable, one record at a time."},
		{`CREATE MATERIALIZED VIEW j AS SELECT shard_id FROM k.s1 UNION ALL SELECT shard_id FROM k.s2`,
			"Your streaming ingestion materialized view can reference only one stream."},
	} {
		if pe := e.execErr(c.q); pe.Code != "0A000" || pe.Message != c.msg {
			t.Errorf("%s:\n got %s %s\nwant 0A000 %s", c.q, pe.Code, pe.Message, c.msg)
		}
	}
	if pe := e.execErr(`CREATE MATERIALIZED VIEW j AS SELECT * FROM k."nope"`); pe.Code != "42P01" {
		t.Errorf("missing stream: %s %s", pe.Code, pe.Message)
	}
	// Kafka: the schema and the view are stored; refreshing says it is not available.
	e.exec(`CREATE EXTERNAL SCHEMA kf FROM KAFKA AUTHENTICATION none URI 'localhost:9092'`)
	e.exec(`CREATE MATERIALIZED VIEW kv AS SELECT kafka_partition, kafka_offset, kafka_value FROM kf.topic1`)
	if pe := e.execErr(`REFRESH MATERIALIZED VIEW kv`); pe.Code != "0A000" || !strings.Contains(pe.Message, "not available") {
		t.Errorf("kafka refresh: %s %s", pe.Code, pe.Message)
	}
	// DROP SCHEMA refuses while views depend on it, unless CASCADE.
	e.exec(`CREATE MATERIALIZED VIEW v1 AS SELECT * FROM k.s1`)
	if pe := e.execErr(`DROP SCHEMA k`); pe.Code != "2BP01" {
		t.Errorf("drop schema with views: %s %s", pe.Code, pe.Message)
	}
	e.exec(`DROP SCHEMA k CASCADE`)
	if pe := e.execErr("SELECT * FROM v1"); pe.Code != "42P01" {
		t.Errorf("view after DROP SCHEMA CASCADE: %s %s", pe.Code, pe.Message)
	}
	if n := e.count("SELECT count(*) FROM svv_external_schemas"); n != 1 {
		t.Errorf("SVV_EXTERNAL_SCHEMAS holds %d schemas, want kf only", n)
	}
}

// TestStreamingFromKinesisEndpoint reads streams through the AWS SDK: server
// B is configured with server A's Kinesis API as its endpoint, so one code
// path reads blueshift's streams over the network as it would read AWS's.
func TestStreamingFromKinesisEndpoint(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	a := newStreamEnv(t)
	a.createStream("remote", 2)
	b := newStreamEnv(t, "--kinesis-endpoint", "http://"+a.srv.AWS, "--kinesis-region", "us-east-1")
	var want []rec
	for i := range 30 {
		want = append(want, a.put("remote", fmt.Sprintf("k%d", i), []byte(fmt.Sprintf(`{"i":%d}`, i))))
	}
	b.exec(`CREATE EXTERNAL SCHEMA ks FROM KINESIS REGION 'us-east-1' IAM_ROLE default`)
	b.exec(`CREATE MATERIALIZED VIEW rv AS SELECT shard_id, sequence_number, json_parse(kinesis_data) AS p FROM ks."remote"`)
	b.exec(`REFRESH MATERIALIZED VIEW rv`)
	sameRecs(t, b.rows("rv"), slices.Clone(want))
	for i := range 10 {
		want = append(want, a.put("remote", fmt.Sprintf("m%d", i), []byte(fmt.Sprintf(`{"m":%d}`, i))))
	}
	b.exec(`REFRESH MATERIALIZED VIEW rv`)
	sameRecs(t, b.rows("rv"), want)
	if n := b.count("SELECT count(*) FROM rv"); n != int64(len(want)) {
		t.Fatalf("%d rows, want %d", n, len(want))
	}
	// Server B's own streams are not what it reads: a stream only B has is unknown.
	b.createStream("local-only", 1)
	if pe := b.execErr(`CREATE MATERIALIZED VIEW lv AS SELECT * FROM ks."local-only"`); pe.Code != "42P01" {
		t.Errorf("stream of the wrong server: %s %s", pe.Code, pe.Message)
	}
}

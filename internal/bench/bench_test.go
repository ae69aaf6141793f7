package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/jackc/pgx/v5"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// runBench runs `blueshift bench args...` and returns its stdout, stderr
// and exit code.
func runBench(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, testserver.Binary(t), append([]string{"bench"}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	default:
		t.Fatalf("run blueshift bench: %v\n%s", err, errOut.String())
	}
	if strings.Contains(errOut.String(), "WARNING: DATA RACE") {
		t.Errorf("blueshift bench reported a data race:\n%s", errOut.String())
	}
	return out.String(), errOut.String(), code
}

// decode parses bench's JSON output.
func decode(t *testing.T, stdout, stderr string) Result {
	t.Helper()
	var r Result
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("bench --json printed no Result: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	return r
}

// checkLatency checks a latency summary of n samples.
func checkLatency(t *testing.T, name string, l Latency, n int) {
	t.Helper()
	if l.N != n {
		t.Errorf("%s: %d samples, want %d", name, l.N, n)
	}
	if !(l.P50 >= 0 && l.P50 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.Max && l.Max > 0) {
		t.Errorf("%s: want 0 <= p50 <= p95 <= p99 <= max, max > 0; got %+v", name, l)
	}
}

// checkResult checks a run of records records and rate*duration more.
func checkResult(t *testing.T, r Result, records, fresh int) {
	t.Helper()
	if r.Machine.GOMAXPROCS < 1 || r.Machine.NumCPU < 1 || !strings.HasPrefix(r.Machine.GoVersion, "go") {
		t.Errorf("machine: %+v", r.Machine)
	}
	calls := (records + maxBatch - 1) / maxBatch
	p := r.Put
	if p.Records != records || p.Calls != calls || p.Bytes != int64(records)*int64(r.Params.RecordSize) {
		t.Errorf("put: %d records, %d calls, %d bytes; want %d, %d, %d", p.Records, p.Calls, p.Bytes, records, calls, records*r.Params.RecordSize)
	}
	if !(p.Seconds > 0 && p.RecordsPerSec > 0 && p.MBPerSec > 0 && r.Seconds > p.Seconds) {
		t.Errorf("put: want positive figures, got %+v", p)
	}
	checkLatency(t, "put call latency", p.CallLatency, calls)

	g := r.Ingest
	if g.Rows != int64(records) || !(g.Seconds > 0 && g.RowsPerSec > 0 && g.CheckpointSeconds > 0) {
		t.Errorf("ingest: want %d rows and positive figures, got %+v", records, g)
	}
	f := r.Freshness
	if f.Records != fresh || f.TargetRate != r.Params.Rate || !(f.Rate > 0 && f.Seconds > 0) || f.Polls < 1 || f.Method == "" {
		t.Errorf("freshness: want %d records at %d/s and positive figures, got %+v", fresh, r.Params.Rate, f)
	}
	checkLatency(t, "ack to visible", f.AckToVisible, fresh)
	checkLatency(t, "put to visible", f.PutToVisible, fresh)

	for name, q := range map[string]QueryStats{"point_by_key": r.Query.Key, "point_by_field": r.Query.Field, "aggregate": r.Query.Aggregate} {
		if q.Queries < 1 || !(q.PerSecond > 0 && q.Seconds > 0) || q.Clients != r.Params.QueryClients || !strings.HasPrefix(q.SQL, "SELECT ") {
			t.Errorf("query %s: want queries run from %d connections, got %+v", name, r.Params.QueryClients, q)
		}
		checkLatency(t, "query "+name, q.Latency, q.Queries)
	}

	total := int64(records + fresh)
	want := VerifyResult{Rows: total, DistinctIDs: total, MinID: 0, MaxID: total - 1, IDSum: total * (total - 1) / 2, OK: true}
	if r.Verify != want {
		t.Errorf("verify: got %+v, want %+v", r.Verify, want)
	}
}

// TestBenchJSON runs `blueshift bench --json` small, on its in-process
// server, and checks every figure it reports.
func TestBenchJSON(t *testing.T) {
	stdout, stderr, code := runBench(t, "--records", "3000", "--rate", "300", "--duration", "2s", "--query-duration", "500ms", "--json")
	if code != 0 {
		t.Fatalf("exit code %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	r := decode(t, stdout, stderr)
	wantParams := Params{Shards: 2, Clients: 4, Records: 3000, RecordSize: 1024, BatchSize: 500, Rate: 300, Duration: 2, QueryClients: 2, QueryDuration: 0.5}
	if r.Params != wantParams {
		t.Errorf("params: got %+v, want %+v", r.Params, wantParams)
	}
	checkResult(t, r, 3000, 600)
	if !r.Server.InProcess || !r.Server.TempDir || r.Server.DataDir == "" {
		t.Errorf("server: want in-process on a temporary directory, got %+v", r.Server)
	}
	if _, err := os.Stat(r.Server.DataDir); !os.IsNotExist(err) {
		t.Errorf("the temporary data directory %s is still there (stat: %v)", r.Server.DataDir, err)
	}
	for _, step := range []string{"phase 1, put", "phase 2, ingest", "phase 3, freshness", "phase 4, query", "verifying"} {
		if !strings.Contains(stderr, step) {
			t.Errorf("progress on stderr lacks %q:\n%s", step, stderr)
		}
	}

	// The table prints the same figures.
	var table bytes.Buffer
	if err := r.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	t.Logf("as a table:\n%s", table.String())
	for _, want := range []string{
		"GOMAXPROCS " + strconv.Itoa(r.Machine.GOMAXPROCS),
		"3000 records of 1024 bytes",
		"\n1 put ", num(r.Put.RecordsPerSec) + " records/s",
		"\n2 ingest ", "view held all 3000 rows",
		"\n3 freshness ", "ack to visible p50 " + num(r.Freshness.AckToVisible.P50),
		"\n4 lookup by key ", "\n  lookup by field ", "\n  aggregate ",
		"\nverify ", "3600 rows, 3600 distinct ids 0..3599",
		r.Query.Aggregate.SQL,
	} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

// TestBenchRunningServer points bench at a running server: it measures
// that server and leaves it as it found it (no stream, no view).
func TestBenchRunningServer(t *testing.T) {
	srv := testserver.Start(t)
	stdout, stderr, code := runBench(t, "--aws-addr", srv.AWS, "--sql-addr", srv.SQL,
		"--records", "1000", "--shards", "1", "--rate", "200", "--duration", "1s", "--query-duration", "200ms", "--json")
	if code != 0 {
		t.Fatalf("exit code %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	r := decode(t, stdout, stderr)
	checkResult(t, r, 1000, 200)
	if r.Server.InProcess || r.Server.AWSAddr != srv.AWS || r.Server.SQLAddr != srv.SQL {
		t.Errorf("server: want the running one, got %+v", r.Server)
	}

	ctx := context.Background()
	streams, err := testserver.KinesisClient(srv.AWS).ListStreams(ctx, &kinesis.ListStreamsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(streams.StreamNames) != 0 {
		t.Errorf("streams left behind: %v", streams.StreamNames)
	}
	conn, err := pgx.Connect(ctx, "postgres://u@"+srv.SQL+"/dev?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var views int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM stv_mv_info").Scan(&views); err != nil {
		t.Fatal(err)
	}
	if views != 0 {
		t.Errorf("%d materialized views left behind", views)
	}
}

// TestBenchBadFlags: a flag that cannot run exits with status 2 and says
// which flag and why, before anything starts.
func TestBenchBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--records", "0"}, "--records 0: want at least 1"},
		{[]string{"--record-size", "10"}, "--record-size 10: want 100 to 1048576"},
		{[]string{"--shards", "0", "--clients", "0"}, "--shards 0: want 1 to 1024"},
		{[]string{"--shards", "0", "--clients", "0"}, "--clients 0: want 1 to 256"},
		{[]string{"--rate", "1", "--duration", "100ms"}, "puts no record"},
		{[]string{"--aws-addr", "127.0.0.1:4566"}, "--aws-addr and --sql-addr go together"},
		{[]string{"--aws-addr", "nohost", "--sql-addr", "127.0.0.1:5439"}, `--aws-addr "nohost": want host:port`},
		{[]string{"--log-level", "loud"}, `--log-level "loud"`},
		{[]string{"--duration", "soon"}, `invalid value "soon" for flag -duration`},
		{[]string{"--no-such-flag"}, "flag provided but not defined: -no-such-flag"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			stdout, stderr, code := runBench(t, tc.args...)
			if code != 2 {
				t.Errorf("exit code %d, want 2\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout: want nothing, got %q", stdout)
			}
		})
	}
	t.Run("-h", func(t *testing.T) {
		_, stderr, code := runBench(t, "-h")
		if code != 0 {
			t.Errorf("exit code %d, want 0", code)
		}
		for _, want := range []string{"usage: blueshift bench", "-records", "-rate", "-json"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("help lacks %q:\n%s", want, stderr)
			}
		}
	})
}

package bench

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Result is everything one run measured, as --json prints it. Durations
// are in seconds, latencies in milliseconds.
type Result struct {
	Version   string          `json:"version"`
	Machine   Machine         `json:"machine"`
	Server    Server          `json:"server"`
	Params    Params          `json:"params"`
	Put       PutResult       `json:"put"`
	Ingest    IngestResult    `json:"ingest"`
	Freshness FreshnessResult `json:"freshness"`
	Query     QueryResult     `json:"query"`
	Verify    VerifyResult    `json:"verify"`
	// Seconds is the whole run's wall time, server start and setup included.
	Seconds float64 `json:"seconds"`
}

// Machine is where the benchmark ran (the client side; the in-process
// server shares it).
type Machine struct {
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	GoVersion  string `json:"go_version"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	NumCPU     int    `json:"num_cpu"`
	CPUModel   string `json:"cpu_model,omitempty"`
	// LoadAvg is the 1-minute load average when the run began (Linux):
	// other work on the machine shares its CPUs with the run.
	LoadAvg float64 `json:"load_avg,omitempty"`
}

// Server is the server measured.
type Server struct {
	InProcess bool   `json:"in_process"`
	DataDir   string `json:"data_dir,omitempty"`
	TempDir   bool   `json:"temp_dir,omitempty"` // DataDir is removed at the end
	AWSAddr   string `json:"aws_addr"`
	SQLAddr   string `json:"sql_addr"`
	HTTPAddr  string `json:"http_addr,omitempty"`
}

// Params are the run's parameters.
type Params struct {
	Shards        int     `json:"shards"`
	Clients       int     `json:"clients"`
	Records       int     `json:"records"`
	RecordSize    int     `json:"record_size"`
	BatchSize     int     `json:"batch_size"`
	Rate          int     `json:"rate"`
	Duration      float64 `json:"duration_s"`
	QueryClients  int     `json:"query_clients"`
	QueryDuration float64 `json:"query_duration_s"`
}

// Latency summarizes a set of latencies, in milliseconds.
type Latency struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// PutResult is phase 1.
type PutResult struct {
	Records       int     `json:"records"`
	Bytes         int64   `json:"bytes"` // record data, without partition keys
	Calls         int     `json:"calls"`
	Seconds       float64 `json:"seconds"`
	RecordsPerSec float64 `json:"records_per_s"`
	MBPerSec      float64 `json:"mb_per_s"` // 10^6 bytes of record data per second
	CallLatency   Latency `json:"call_latency"`
}

// IngestResult is phase 2.
type IngestResult struct {
	Rows int64 `json:"rows"`
	// Seconds runs from the first put to the first count(*) that saw every record.
	Seconds    float64 `json:"seconds"`
	RowsPerSec float64 `json:"rows_per_s"`
	// AfterLastAck is how long after the last put was acknowledged the view held every record.
	AfterLastAck float64 `json:"after_last_ack_s"`
	// CheckpointSeconds is how long the CHECKPOINT after the load took, run
	// before phase 3 so that the load's write-ahead log is not checkpointed
	// inside the freshness window.
	CheckpointSeconds float64 `json:"checkpoint_s"`
}

// FreshnessResult is phase 3.
type FreshnessResult struct {
	Records    int     `json:"records"`
	TargetRate int     `json:"target_rate"`
	Rate       float64 `json:"rate"` // achieved, records/s
	Seconds    float64 `json:"seconds"`
	// AckToVisible: from the PutRecords call returning to the end of the
	// first poll whose result held the record.
	AckToVisible Latency `json:"ack_to_visible"`
	// PutToVisible: from put_us, the client's clock when the call was
	// built (read back from the view), to the same poll's end.
	PutToVisible Latency `json:"put_to_visible"`
	Polls        int     `json:"polls"`
	PollPeriod   float64 `json:"poll_period_ms"` // mean time between poll starts
	PollTime     float64 `json:"poll_time_ms"`   // mean time one poll took
	Method       string  `json:"method"`
}

// QueryResult is phase 4.
type QueryResult struct {
	Key       QueryStats `json:"point_by_key"`   // WHERE partition_key = $1
	Field     QueryStats `json:"point_by_field"` // WHERE payload.id::bigint = $1
	Aggregate QueryStats `json:"aggregate"`      // GROUP BY a JSON field
}

// QueryStats are one kind of query's figures.
type QueryStats struct {
	SQL       string  `json:"sql"`
	Clients   int     `json:"clients"`
	Queries   int     `json:"queries"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"per_s"`
	Latency   Latency `json:"latency"`
}

// VerifyResult is the final check of the view against what was put.
type VerifyResult struct {
	Rows        int64 `json:"rows"`
	DistinctIDs int64 `json:"distinct_ids"`
	MinID       int64 `json:"min_id"`
	MaxID       int64 `json:"max_id"`
	IDSum       int64 `json:"id_sum"`
	OK          bool  `json:"ok"`
}

func (o *Options) params() Params {
	return Params{Shards: o.Shards, Clients: o.Clients, Records: o.Records, RecordSize: o.RecordSize,
		BatchSize: o.batchSize(), Rate: o.Rate, Duration: o.Duration.Seconds(),
		QueryClients: o.QueryClients, QueryDuration: o.QueryDuration.Seconds()}
}

func machine() Machine {
	m := Machine{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, GoVersion: runtime.Version(),
		GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU()}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 0 {
			m.LoadAvg, _ = strconv.ParseFloat(f[0], 64)
		}
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

// latency summarizes ds (it sorts them). Percentiles are nearest-rank.
func latency(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	at := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(ds)))) - 1
		return ms(ds[max(0, min(i, len(ds)-1))])
	}
	return Latency{N: len(ds), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: ms(ds[len(ds)-1])}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// WriteTable prints r for people.
func (r *Result) WriteTable(w io.Writer) error {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "blueshift bench: blueshift %s, %s %s/%s, GOMAXPROCS %d (%d CPUs)", r.Version, m.GoVersion, m.GOOS, m.GOARCH, m.GOMAXPROCS, m.NumCPU)
	if m.CPUModel != "" {
		fmt.Fprintf(&b, ", %s", m.CPUModel)
	}
	if m.LoadAvg > 0 {
		fmt.Fprintf(&b, ", load average %.2f at the start", m.LoadAvg)
	}
	b.WriteString("\n")
	if r.Server.InProcess {
		note := ""
		if r.Server.TempDir {
			note = ", removed at the end"
		}
		fmt.Fprintf(&b, "server: in-process, data %s%s\n", r.Server.DataDir, note)
	} else {
		fmt.Fprintf(&b, "server: running at Kinesis API %s, SQL %s (the machine above is the client's)\n", r.Server.AWSAddr, r.Server.SQLAddr)
	}
	p := r.Params
	fmt.Fprintf(&b, "parameters: %d shards; %d records of %d bytes, PutRecords batches of %d from %d clients; freshness %d records/s for %gs; queries from %d connections, %gs each\n\n",
		p.Shards, p.Records, p.RecordSize, p.BatchSize, p.Clients, p.Rate, p.Duration, p.QueryClients, p.QueryDuration)

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	row := func(cells ...string) { fmt.Fprintln(tw, strings.Join(cells, "\t")) }
	lat := func(l Latency) string {
		return fmt.Sprintf("p50 %s  p95 %s  p99 %s  max %s ms", num(l.P50), num(l.P95), num(l.P99), num(l.Max))
	}
	row("phase", "figure", "details")
	u := r.Put
	row("1 put", fmt.Sprintf("%s records/s, %s MB/s", num(u.RecordsPerSec), num(u.MBPerSec)),
		fmt.Sprintf("%d records in %.2fs, %d PutRecords calls", u.Records, u.Seconds, u.Calls))
	row("", "call latency "+lat(u.CallLatency), "")
	g := r.Ingest
	row("2 ingest", fmt.Sprintf("%s rows/s", num(g.RowsPerSec)),
		fmt.Sprintf("view held all %d rows %.2fs after the first put, %.2fs after the last ack; checkpoint after it %.2fs",
			g.Rows, g.Seconds, g.AfterLastAck, g.CheckpointSeconds))
	f := r.Freshness
	row("3 freshness", "ack to visible "+lat(f.AckToVisible),
		fmt.Sprintf("%d records at %s records/s over %.1fs", f.Records, num(f.Rate), f.Seconds))
	row("", "put to visible "+lat(f.PutToVisible),
		fmt.Sprintf("%d polls, one every %s ms, each taking %s ms", f.Polls, num(f.PollPeriod), num(f.PollTime)))
	for _, q := range []struct {
		name string
		s    QueryStats
	}{{"4 lookup by key", r.Query.Key}, {"  lookup by field", r.Query.Field}, {"  aggregate", r.Query.Aggregate}} {
		row(q.name, fmt.Sprintf("%s q/s, p50 %s  p99 %s ms", num(q.s.PerSecond), num(q.s.Latency.P50), num(q.s.Latency.P99)),
			fmt.Sprintf("%d queries in %.1fs from %d connections", q.s.Queries, q.s.Seconds, q.s.Clients))
	}
	v := r.Verify
	row("verify", "OK", fmt.Sprintf("%d rows, %d distinct ids %d..%d, id sum %d; query results checked", v.Rows, v.DistinctIDs, v.MinID, v.MaxID, v.IDSum))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(&b, "\nthe run took %.1fs in all.\n", r.Seconds)
	b.WriteString(wrap("freshness: "+f.Method, 100, "  "))
	fmt.Fprintf(&b, "queries:\n  %s\n  %s\n  %s\n", r.Query.Key.SQL, r.Query.Field.SQL, r.Query.Aggregate.SQL)
	_, err := io.WriteString(w, b.String())
	return err
}

// num prints a figure with three significant digits, thousands separated.
func num(f float64) string {
	switch {
	case f >= 1000:
		s := fmt.Sprintf("%.0f", f)
		var out []byte
		for i := range len(s) {
			if i > 0 && (len(s)-i)%3 == 0 {
				out = append(out, ',')
			}
			out = append(out, s[i])
		}
		return string(out)
	case f >= 100:
		return fmt.Sprintf("%.0f", f)
	case f >= 10:
		return fmt.Sprintf("%.1f", f)
	default:
		return fmt.Sprintf("%.2f", f)
	}
}

// wrap breaks text into lines of at most width bytes (longer words stand
// alone), indenting every line but the first.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(text) {
		switch {
		case i == 0:
		case line+1+len(w) > width:
			b.WriteString("\n" + indent)
			line = len(indent)
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String() + "\n"
}

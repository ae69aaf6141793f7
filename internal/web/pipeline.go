package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// The pipeline is a graph: nodes are sources (DynamoDB tables with their
// streaming destinations, and streams; Kafka topics would be a further kind
// of source node), streaming views, materialized views, procedures and the
// tables procedures load; edges say what reads what (a table's edge goes to
// the stream its changes go to). Each node carries the figures the page
// shows on it.

// Node kinds.
const (
	KindStream        = "stream"
	KindStreamingView = "streaming_view"
	KindView          = "materialized_view"
	KindProcedure     = "procedure"
	KindTable         = "table"
)

// Node is one step of the pipeline. ID is kind:name; fields that do not
// apply to a kind are left out.
type Node struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Streams and DynamoDB tables: status. Streams: shards, the highest
	// sequence number, records/s in.
	Status string  `json:"status,omitempty"`
	Shards []Shard `json:"shards,omitempty"`
	// RecordsPerSec is records in per second (streams) or rows added per
	// second (views and tables), over the last sample interval.
	RecordsPerSec *float64 `json:"recordsPerSec,omitempty"`
	Rows          *int64   `json:"rows,omitempty"`
	// Streaming views: how far behind the stream they are.
	PendingShards *int `json:"pendingShards,omitempty"`
	// LagRecords bounds the records not yet ingested from above: sequence
	// numbers come from one counter per stream, so across shards the
	// difference of positions counts records of other shards too.
	LagRecords *int64 `json:"lagRecords,omitempty"`
	// LagMs is how long ago the view last refreshed, while records are
	// waiting for it; 0 when caught up.
	LagMs *int64 `json:"lagMs,omitempty"`
	// Views: the last refresh, its status and kind.
	LastRefresh   string `json:"lastRefresh,omitempty"`
	RefreshStatus string `json:"refreshStatus,omitempty"`
	AutoRefresh   *bool  `json:"autoRefresh,omitempty"`
	State         string `json:"state,omitempty"`
	// DynamoDB tables: item count and size, item writes per second over
	// the last sample interval, and the streaming destinations.
	Items        *int64                 `json:"items,omitempty"`
	SizeBytes    *int64                 `json:"sizeBytes,omitempty"`
	WritesPerSec *float64               `json:"writesPerSec,omitempty"`
	Destinations []StreamingDestination `json:"destinations,omitempty"`
	// DynamoDBStream is the view type of the table's DynamoDB stream.
	DynamoDBStream string `json:"dynamodbStream,omitempty"`
	// Procedures: the last call, and the schedules that call it.
	LastCall  string         `json:"lastCall,omitempty"`
	Schedules []NodeSchedule `json:"schedules,omitempty"`
}

// NodeSchedule is a schedule, with its last run.
type NodeSchedule struct {
	Name      string `json:"name"`
	SQL       string `json:"sql,omitempty"`
	Schedule  string `json:"schedule"`
	State     string `json:"state"`
	LastRun   string `json:"lastRun,omitempty"`
	LastState string `json:"lastStatus,omitempty"`
	Error     string `json:"error,omitempty"`
}

// Edge says To reads (or is loaded from) From.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// ScanError is a record a streaming view could not ingest, with the record.
type ScanError struct {
	View     string `json:"view"`
	Stream   string `json:"stream"`
	Shard    string `json:"shard"`
	Position string `json:"position"`
	Time     string `json:"time"`
	Code     int64  `json:"code"`
	Reason   string `json:"reason"`
	// Record is the record's data as text (cut at 4 KiB); empty when the
	// stream no longer holds it.
	Record string `json:"record,omitempty"`
}

// Pipeline is GET /api/pipeline's answer and each event of
// /api/pipeline/events.
type Pipeline struct {
	At         string      `json:"at"`
	Nodes      []*Node     `json:"nodes"`
	Edges      []Edge      `json:"edges"`
	ScanErrors []ScanError `json:"scanErrors"`
	// Schedules are all the schedules, whatever they run, with their last run.
	Schedules []NodeSchedule `json:"schedules"`
}

// rates turns counters sampled over time into per-second rates.
type rates struct {
	mu   sync.Mutex
	last map[string]sample
}

type sample struct {
	v    float64
	at   time.Time
	rate *float64
}

// rate records v for key now and returns the rate since the sample before
// (nil before there are two). Samples closer than half a second keep the
// rate from before.
func (r *rates) rate(key string, v float64, now time.Time) *float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == nil {
		r.last = map[string]sample{}
	}
	prev, ok := r.last[key]
	if ok && now.Sub(prev.at) < 500*time.Millisecond {
		return prev.rate
	}
	s := sample{v: v, at: now}
	if ok {
		x := (v - prev.v) / now.Sub(prev.at).Seconds()
		if x < 0 {
			x = 0
		}
		s.rate = &x
	}
	r.last[key] = s
	return s.rate
}

func ptr[T any](v T) *T { return &v }

// pipelineSnapshot reads the whole pipeline.
func (a *api) pipelineSnapshot(ctx context.Context) (*Pipeline, error) {
	now := time.Now()
	p := &Pipeline{At: now.UTC().Format(time.RFC3339Nano), Nodes: []*Node{}, Edges: []Edge{}, ScanErrors: []ScanError{}, Schedules: []NodeSchedule{}}
	byID := map[string]*Node{}
	add := func(n *Node) *Node {
		if o := byID[n.ID]; o != nil {
			return o
		}
		byID[n.ID] = n
		p.Nodes = append(p.Nodes, n)
		return n
	}
	edge := func(from, to string) {
		for _, e := range p.Edges {
			if e.From == from && e.To == to {
				return
			}
		}
		p.Edges = append(p.Edges, Edge{From: from, To: to})
	}

	// Sources: streams and their shards.
	infos := map[string]streamlog.StreamInfo{}
	if a.opts.Streams != nil {
		names, err := a.opts.Streams.Streams(ctx)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			info, err := a.opts.Streams.Describe(ctx, name)
			if err != nil {
				continue // deleted meanwhile
			}
			infos[name] = info
			n := add(&Node{ID: KindStream + ":" + name, Kind: KindStream, Name: name, Status: info.Status, Shards: []Shard{}})
			var top streamlog.Seq
			for _, sh := range info.Shards {
				x := Shard{ID: sh.ID, Closed: sh.Closed}
				if sh.LastSeq >= sh.StartingSeq {
					x.LastSeq = sh.LastSeq.String()
					top = max(top, sh.LastSeq)
				}
				n.Shards = append(n.Shards, x)
			}
			// One counter numbers a stream's records: its growth is the rate in.
			n.RecordsPerSec = a.rates.rate(n.ID, float64(top), now)
		}
	}

	// DynamoDB tables, and the streams their changes go to.
	if err := a.addSourceTables(ctx, add, edge, now); err != nil {
		return nil, err
	}

	// Materialized views, streaming or not, with their last refresh.
	views, err := a.systemRows(ctx, `SELECT m.schema_name, m.name, m.kind, m.stream_name, m.state, m.auto_refresh,
			h.last_refresh, h.last_status,
			date_diff('millisecond', h.last_refresh, timezone('UTC', now())) AS age_ms
		FROM blueshift_catalog.materialized_views m
		LEFT JOIN (SELECT schema_name, mv_name, max(end_time) AS last_refresh, arg_max(status, end_time) AS last_status
		           FROM sys_mv_refresh_history GROUP BY schema_name, mv_name) h
		  ON h.schema_name = m.schema_name AND h.mv_name = m.name
		ORDER BY m.kind DESC, m.schema_name, m.name`)
	if sqlerr.CodeOf(err) == sqlerr.UndefinedTable {
		views, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	positions, err := a.viewPositions(ctx)
	if err != nil {
		return nil, err
	}
	for _, v := range views {
		schema, name := str(v["schema_name"]), str(v["name"])
		full := schema + "." + name
		kind := KindView
		if str(v["kind"]) == "streaming" {
			kind = KindStreamingView
		}
		n := add(&Node{ID: "view:" + full, Kind: kind, Name: full, State: str(v["state"]),
			LastRefresh: str(v["last_refresh"]), RefreshStatus: str(v["last_status"])})
		if b, ok := v["auto_refresh"].(bool); ok {
			n.AutoRefresh = ptr(b)
		}
		if rows, err := a.systemRows(ctx, "SELECT count(*) AS n FROM "+ast.QuoteIdent(schema)+"."+ast.QuoteIdent(name)); err == nil && len(rows) == 1 {
			if c, ok := toInt64(rows[0]["n"]); ok {
				n.Rows = ptr(c)
				n.RecordsPerSec = a.rates.rate(n.ID, float64(c), now)
			}
		}
		if kind == KindStreamingView {
			stream := str(v["stream_name"])
			src := add(&Node{ID: KindStream + ":" + stream, Kind: KindStream, Name: stream, Status: "MISSING"})
			edge(src.ID, n.ID)
			pending, lag := 0, int64(0)
			if info, ok := infos[stream]; ok {
				pos := positions[stream][full]
				for _, sh := range info.Shards {
					if sh.LastSeq < sh.StartingSeq || pos[sh.ID] == "finished" {
						continue
					}
					at := sh.StartingSeq - 1
					if s, _, _, err := streamlog.ParseAWSSeq(pos[sh.ID]); err == nil {
						at = s
					}
					if sh.LastSeq > at {
						pending++
						lag += int64(sh.LastSeq - at)
					}
				}
			}
			n.PendingShards, n.LagRecords, n.LagMs = ptr(pending), ptr(lag), ptr(int64(0))
			if age, ok := toInt64(v["age_ms"]); ok && pending > 0 {
				n.LagMs = ptr(age)
			}
		}
	}
	deps, err := a.systemRows(ctx, `SELECT schema_name, name, ref_schema, ref_name, ref_is_mv FROM blueshift_catalog.mv_deps`)
	if sqlerr.CodeOf(err) == sqlerr.UndefinedTable {
		deps, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, d := range deps {
		from := "view:" + str(d["ref_schema"]) + "." + str(d["ref_name"])
		if b, _ := d["ref_is_mv"].(bool); !b {
			from = add(&Node{ID: KindTable + ":" + str(d["ref_schema"]) + "." + str(d["ref_name"]), Kind: KindTable,
				Name: str(d["ref_schema"]) + "." + str(d["ref_name"])}).ID
		}
		edge(from, "view:"+str(d["schema_name"])+"."+str(d["name"]))
	}

	if err := a.pipelineProcedures(ctx, p, add, edge, byID, now); err != nil {
		return nil, err
	}
	p.ScanErrors, err = a.scanErrors(ctx, infos)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Statements in a procedure's body that write a table, and clauses that read one.
var (
	writesRE = regexp.MustCompile(`(?i)\b(?:insert\s+into|update|delete\s+from|merge\s+into|truncate(?:\s+table)?|create\s+(?:temp(?:orary)?\s+)?table(?:\s+if\s+not\s+exists)?)\s+((?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?)`)
	readsRE  = regexp.MustCompile(`(?i)\b(?:from|join|refresh\s+materialized\s+view)\s+((?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?)`)
	// COPY table [(columns)] FROM 'dynamodb://Table': a load of a DynamoDB table.
	copyDynamoRE = regexp.MustCompile(`(?i)\bcopy\s+((?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?)(?:\s*\([^)]*\))?\s+from\s+'dynamodb://([^']+)'`)
)

// qualify turns a name from SQL text into schema.name, lower case unless quoted.
func qualify(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		if strings.HasPrefix(p, `"`) {
			parts[i] = strings.Trim(p, `"`)
		} else {
			parts[i] = strings.ToLower(p)
		}
	}
	if len(parts) == 1 {
		return "public." + parts[0]
	}
	return strings.Join(parts, ".")
}

// pipelineProcedures adds procedures, what their bodies read and load, their
// last call and the schedules that call them.
func (a *api) pipelineProcedures(ctx context.Context, p *Pipeline, add func(*Node) *Node, edge func(string, string),
	byID map[string]*Node, now time.Time) error {
	procs, err := a.systemRows(ctx, `SELECT schema_name, name, body FROM blueshift_catalog.procedures ORDER BY 1, 2`)
	if sqlerr.CodeOf(err) == sqlerr.UndefinedTable {
		return nil
	}
	if err != nil {
		return err
	}
	scheds, err := a.systemRows(ctx, `SELECT s.schedule_name, s.schedule, s.state, s.query_text, s.last_run_start, s.last_run_status,
			(SELECT error_message FROM sys_schedule_history h WHERE h.schedule_name = s.schedule_name ORDER BY run_id DESC LIMIT 1) AS error
		FROM sys_schedules s ORDER BY 1`)
	if err != nil && sqlerr.CodeOf(err) != sqlerr.UndefinedTable {
		return err
	}
	calls, err := a.systemRows(ctx, `SELECT lower(querytxt) AS q, max(endtime) AS last FROM svl_stored_proc_call GROUP BY 1`)
	if err != nil && sqlerr.CodeOf(err) != sqlerr.UndefinedTable {
		return err
	}
	for _, s := range scheds {
		p.Schedules = append(p.Schedules, NodeSchedule{Name: str(s["schedule_name"]), SQL: str(s["query_text"]), Schedule: str(s["schedule"]),
			State: str(s["state"]), LastRun: str(s["last_run_start"]), LastState: str(s["last_run_status"]), Error: str(s["error"])})
	}
	for _, pr := range procs {
		full := str(pr["schema_name"]) + "." + str(pr["name"])
		n := add(&Node{ID: KindProcedure + ":" + full, Kind: KindProcedure, Name: full, Schedules: []NodeSchedule{}})
		callsIt := regexp.MustCompile(`(?i)\bcall\s+(?:"?` + regexp.QuoteMeta(str(pr["schema_name"])) + `"?\.)?"?` + regexp.QuoteMeta(str(pr["name"])) + `"?\s*\(`)
		for _, c := range calls {
			if callsIt.MatchString(str(c["q"])) && str(c["last"]) > n.LastCall {
				n.LastCall = str(c["last"])
			}
		}
		for _, s := range scheds {
			if callsIt.MatchString(str(s["query_text"])) {
				n.Schedules = append(n.Schedules, NodeSchedule{Name: str(s["schedule_name"]), Schedule: str(s["schedule"]),
					State: str(s["state"]), LastRun: str(s["last_run_start"]), LastState: str(s["last_run_status"]), Error: str(s["error"])})
			}
		}
		body := str(pr["body"])
		written := map[string]bool{}
		for _, m := range writesRE.FindAllStringSubmatch(body, -1) {
			written[qualify(m[1])] = true
		}
		// A COPY from a DynamoDB table loads the table COPY names from it.
		for _, m := range copyDynamoRE.FindAllStringSubmatch(body, -1) {
			written[qualify(m[1])] = true
			if _, ok := byID[KindDynamoDBTable+":"+m[2]]; ok {
				edge(KindDynamoDBTable+":"+m[2], n.ID)
			}
		}
		for _, m := range readsRE.FindAllStringSubmatch(body, -1) {
			name := qualify(m[1])
			if written[name] {
				continue // a staging table the procedure makes and reads
			}
			if _, ok := byID["view:"+name]; ok {
				edge("view:"+name, n.ID)
			}
		}
		targets := make([]string, 0, len(written))
		for t := range written {
			targets = append(targets, t)
		}
		sort.Strings(targets)
		for _, t := range targets {
			if strings.HasSuffix(t, "_stg") || strings.HasPrefix(t, "pg_temp") {
				continue
			}
			if _, ok := byID["view:"+t]; ok {
				continue
			}
			tn := add(&Node{ID: KindTable + ":" + t, Kind: KindTable, Name: t})
			edge(n.ID, tn.ID)
		}
	}
	// Tables: their row counts. A name the body's text matched that is no
	// table (a CTE, a temporary table gone since) is left out.
	gone := map[string]bool{}
	kept := p.Nodes[:0]
	for _, n := range p.Nodes {
		if n.Kind == KindTable {
			schema, name, _ := strings.Cut(n.Name, ".")
			rows, err := a.systemRows(ctx, "SELECT count(*) AS n FROM "+ast.QuoteIdent(schema)+"."+ast.QuoteIdent(name))
			if err != nil || len(rows) != 1 {
				gone[n.ID] = true
				delete(byID, n.ID)
				continue
			}
			if c, ok := toInt64(rows[0]["n"]); ok {
				n.Rows = ptr(c)
				n.RecordsPerSec = a.rates.rate(n.ID, float64(c), now)
			}
		}
		kept = append(kept, n)
	}
	p.Nodes = kept
	edges := p.Edges[:0]
	for _, e := range p.Edges {
		if !gone[e.From] && !gone[e.To] {
			edges = append(edges, e)
		}
	}
	p.Edges = edges
	return nil
}

// RecordReader reads one record of a stream, for scan errors.
type RecordReader interface {
	Read(ctx context.Context, req streamlog.ReadRequest) (streamlog.ReadResult, error)
}

// scanErrors are the latest records streaming views could not ingest.
func (a *api) scanErrors(ctx context.Context, infos map[string]streamlog.StreamInfo) ([]ScanError, error) {
	rows, err := a.systemRows(ctx, `SELECT mv_name, stream_name, partition_id, position, record_time, error_code, error_reason
		FROM sys_stream_scan_errors ORDER BY record_time DESC LIMIT 20`)
	if sqlerr.CodeOf(err) == sqlerr.UndefinedTable {
		return []ScanError{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := []ScanError{}
	rr, _ := a.opts.Streams.(RecordReader)
	for _, r := range rows {
		e := ScanError{View: str(r["mv_name"]), Stream: str(r["stream_name"]), Shard: str(r["partition_id"]),
			Position: str(r["position"]), Time: str(r["record_time"]), Reason: str(r["error_reason"])}
		e.Code, _ = toInt64(r["error_code"])
		// The position is the record's sequence number as Kinesis clients
		// see it (or the log's own form, in scan errors kept from before).
		if seq, _, _, err := streamlog.ParseAWSSeq(e.Position); err == nil && rr != nil && seq > 0 {
			if _, ok := infos[e.Stream]; ok {
				res, err := rr.Read(ctx, streamlog.ReadRequest{Stream: e.Stream, Shard: e.Shard, After: seq - 1, MaxRecords: 1})
				if err == nil && len(res.Records) == 1 && res.Records[0].Seq == seq {
					data := res.Records[0].Data
					if len(data) > 4096 {
						data = data[:4096]
					}
					e.Record = strings.ToValidUTF8(string(data), "\uFFFD")
				}
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func (a *api) pipeline(w http.ResponseWriter, r *http.Request) error {
	p, err := a.pipelineSnapshot(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// pipelineEvents sends the pipeline as server-sent events ("event:
// pipeline"), at once and then every Options.PipelineEvery, until the client
// goes away. A failed snapshot is sent as "event: error".
func (a *api) pipelineEvents(w http.ResponseWriter, r *http.Request) error {
	fl, ok := w.(http.Flusher)
	if !ok {
		return fmt.Errorf("web: the response cannot stream")
	}
	// The stream lasts as long as the client stays: no write deadline
	// (a server-wide WriteTimeout would cut it).
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	t := time.NewTicker(a.opts.PipelineEvery)
	defer t.Stop()
	for {
		p, err := a.pipelineSnapshot(r.Context())
		event, v := "pipeline", any(p)
		if err != nil {
			if r.Context().Err() != nil {
				return nil
			}
			event, v = "error", errorBody(err)
		}
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return nil // the client went away
		}
		fl.Flush()
		select {
		case <-r.Context().Done():
			return nil
		case <-t.C:
		}
	}
}

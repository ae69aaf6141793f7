package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// ---- streams ----

// StreamView is a streaming materialized view reading a stream, and how far
// it has read.
type StreamView struct {
	Name string `json:"name"` // schema.name
	// PendingShards counts shards holding records the view has not
	// ingested yet; CaughtUp is true when there are none.
	PendingShards int  `json:"pendingShards"`
	CaughtUp      bool `json:"caughtUp"`
}

// Stream is one stream in GET /api/streams.
type Stream struct {
	Name       string       `json:"name"`
	Status     string       `json:"status"`
	OpenShards int          `json:"openShards"`
	Shards     []Shard      `json:"shards"`
	Views      []StreamView `json:"views"`
}

// Shard is one shard of a stream.
type Shard struct {
	ID      string `json:"id"`
	Closed  bool   `json:"closed"`
	LastSeq string `json:"lastSequenceNumber,omitempty"`
}

// viewPositions reads, per streaming view, the stream it reads and its
// position in each shard. Before the streaming catalog exists it returns none.
func (a *api) viewPositions(ctx context.Context) (map[string]map[string]map[string]string, error) {
	rows, err := a.rows(ctx, `SELECT m.schema_name || '.' || m.name AS view, m.stream_name AS stream,
		p.shard_id, p.position, p.finished
		FROM blueshift_catalog.materialized_views m
		LEFT JOIN blueshift_catalog.mv_stream_positions p ON p.mv_id = m.id
		WHERE m.kind = 'streaming'`)
	if sqlerr.CodeOf(err) == sqlerr.UndefinedTable {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]map[string]string{} // stream -> view -> shard -> position
	for _, r := range rows {
		stream, _ := r["stream"].(string)
		view, _ := r["view"].(string)
		if out[stream] == nil {
			out[stream] = map[string]map[string]string{}
		}
		if out[stream][view] == nil {
			out[stream][view] = map[string]string{}
		}
		if shard, ok := r["shard_id"].(string); ok {
			pos, _ := r["position"].(string)
			if f, _ := r["finished"].(bool); f {
				pos = "finished"
			}
			out[stream][view][shard] = pos
		}
	}
	return out, nil
}

func (a *api) streams(w http.ResponseWriter, r *http.Request) error {
	out := []Stream{}
	if a.opts.Streams != nil {
		names, err := a.opts.Streams.Streams(r.Context())
		if err != nil {
			return err
		}
		positions, err := a.viewPositions(r.Context())
		if err != nil {
			return err
		}
		for _, name := range names {
			info, err := a.opts.Streams.Describe(r.Context(), name)
			if err != nil {
				continue // deleted meanwhile
			}
			out = append(out, describeStream(info, positions[name]))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"streams": out})
	return nil
}

// describeStream renders a stream and the progress of the views reading it.
func describeStream(info streamlog.StreamInfo, views map[string]map[string]string) Stream {
	s := Stream{Name: info.Name, Status: info.Status, OpenShards: info.OpenShards, Shards: []Shard{}, Views: []StreamView{}}
	for _, sh := range info.Shards {
		x := Shard{ID: sh.ID, Closed: sh.Closed}
		if sh.LastSeq >= sh.StartingSeq {
			x.LastSeq = sh.LastSeq.String()
		}
		s.Shards = append(s.Shards, x)
	}
	names := make([]string, 0, len(views))
	for v := range views {
		names = append(names, v)
	}
	sort.Strings(names)
	for _, v := range names {
		sv := StreamView{Name: v}
		for _, sh := range s.Shards {
			pos := views[v][sh.ID]
			// Sequence numbers print at a fixed width: they compare as strings.
			if sh.LastSeq != "" && pos != "finished" && pos < sh.LastSeq {
				sv.PendingShards++
			}
		}
		sv.CaughtUp = sv.PendingShards == 0
		s.Views = append(s.Views, sv)
	}
	return s
}

// ---- views and refreshes ----

func (a *api) views(w http.ResponseWriter, r *http.Request) error {
	rows, err := a.rows(r.Context(), `SELECT i.schema, i.name, i.is_stale, i.state, i.autorefresh,
		h.last_refresh, h.last_status, h.refresh_type,
		date_diff('millisecond', h.last_refresh, timezone('UTC', now())) AS age_ms
		FROM stv_mv_info i
		LEFT JOIN (SELECT schema_name, mv_name, max(end_time) AS last_refresh,
		                  arg_max(status, end_time) AS last_status, arg_max(refresh_type, end_time) AS refresh_type
		           FROM sys_mv_refresh_history GROUP BY schema_name, mv_name) h
		  ON h.schema_name = i.schema AND h.mv_name = i.name
		ORDER BY i.schema, i.name`)
	if sqlerr.CodeOf(err) == sqlerr.UndefinedTable {
		rows, err = []map[string]any{}, nil
	}
	if err != nil {
		return err
	}
	for _, v := range rows {
		schema, _ := v["schema"].(string)
		name, _ := v["name"].(string)
		count, err := a.rows(r.Context(), "SELECT count(*) AS n FROM "+ast.QuoteIdent(schema)+"."+ast.QuoteIdent(name))
		if err == nil && len(count) == 1 {
			v["rows"] = count[0]["n"]
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"views": rows})
	return nil
}

func (a *api) refreshes(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 20, 1, 10000)
	if err != nil {
		return err
	}
	rows, err := a.rows(r.Context(), `SELECT schema_name, mv_name, status, refresh_type, start_time, end_time, duration
		FROM sys_mv_refresh_history ORDER BY end_time DESC LIMIT `+strconv.Itoa(limit))
	if sqlerr.CodeOf(err) == sqlerr.UndefinedTable {
		rows, err = []map[string]any{}, nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"refreshes": rows})
	return nil
}

// ---- schedules ----

func (a *api) listSchedules(w http.ResponseWriter, r *http.Request) error {
	rows, err := a.rows(r.Context(), `SELECT schedule_name, schedule, state, query_text, owner, created_time,
		next_run_time, last_run_start, last_run_status, runs FROM sys_schedules ORDER BY schedule_name`)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"schedules": rows})
	return nil
}

// ScheduleRequest is POST /api/schedules's body: a rate (Every, "30
// seconds") or a cron expression, and the SQL to run.
type ScheduleRequest struct {
	Name      string `json:"name"`
	Every     string `json:"every,omitempty"`
	Cron      string `json:"cron,omitempty"`
	SQL       string `json:"sql"`
	Paused    bool   `json:"paused,omitempty"`
	OrReplace bool   `json:"orReplace,omitempty"`
}

// statement turns the request into CREATE SCHEDULE.
func (q *ScheduleRequest) statement() (string, error) {
	if q.Name == "" || strings.TrimSpace(q.SQL) == "" {
		return "", badRequest("a schedule needs a name and sql")
	}
	n := &ast.CreateSchedule{OrReplace: q.OrReplace, Name: nameIdent(q.Name), Paused: q.Paused, Cron: q.Cron}
	switch {
	case q.Every != "" && q.Cron != "":
		return "", badRequest("give every or cron, not both")
	case q.Every != "":
		f := strings.Fields(strings.ToLower(q.Every))
		if len(f) != 2 {
			return "", badRequest("every: want a number and a unit, as in \"30 seconds\"")
		}
		v, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || v <= 0 {
			return "", badRequest("every: %q is not a positive whole number", f[0])
		}
		n.Every, n.Unit = v, strings.TrimSuffix(f[1], "s")
		if ast.UnitSeconds(n.Unit) == 0 {
			return "", badRequest("every: unit %q: want seconds, minutes, hours or days", f[1])
		}
	case q.Cron == "":
		return "", badRequest("give every (\"30 seconds\") or cron (\"*/5 * * * *\")")
	}
	body := strings.TrimSpace(q.SQL)
	body = strings.TrimSpace(strings.TrimRight(body, "; \t\n"))
	if strings.Contains(body, ";") {
		n.Body, n.Script = body, true
	} else {
		n.Body = body
	}
	return ast.Format(n), nil
}

// nameIdent quotes a name unless it is a plain lower-case identifier.
func nameIdent(name string) ast.Ident {
	plain := name != ""
	for i, c := range name {
		if !(c == '_' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			plain = false
		}
	}
	return ast.Ident{Name: name, Quoted: !plain}
}

func (a *api) createSchedule(w http.ResponseWriter, r *http.Request) error {
	var req ScheduleRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	stmt, err := req.statement()
	if err != nil {
		return err
	}
	if _, err := a.run(r.Context(), stmt); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"statement": stmt})
	return nil
}

func (a *api) alterSchedule(w http.ResponseWriter, r *http.Request) error {
	n := &ast.AlterSchedule{Name: nameIdent(r.PathValue("name"))}
	switch r.PathValue("action") {
	case "pause":
		n.Pause = true
	case "resume":
	default:
		return &httpError{status: http.StatusNotFound, msg: "want /api/schedules/{name}/pause or /resume"}
	}
	stmt := ast.Format(n)
	if _, err := a.run(r.Context(), stmt); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"statement": stmt})
	return nil
}

func (a *api) dropSchedule(w http.ResponseWriter, r *http.Request) error {
	stmt := ast.Format(&ast.DropSchedule{Name: nameIdent(r.PathValue("name"))})
	if _, err := a.run(r.Context(), stmt); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"statement": stmt})
	return nil
}

func (a *api) scheduleHistory(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 50, 1, 10000)
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	rows, err := a.rows(r.Context(), `SELECT run_id, scheduled_time, start_time, end_time, status, error_code,
		error_message, rows FROM sys_schedule_history WHERE schedule_name = `+ast.QuoteString(name)+`
		ORDER BY run_id DESC LIMIT `+strconv.Itoa(limit))
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		// No runs: a schedule not run yet, or none of that name (a dropped
		// one keeps its runs).
		exists, err := a.rows(r.Context(), `SELECT 1 AS one FROM sys_schedules WHERE schedule_name = `+ast.QuoteString(name))
		if err != nil {
			return err
		}
		if len(exists) == 0 {
			return &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("schedule %q does not exist", name)}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"history": rows})
	return nil
}

func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("body: %v", err)
	}
	return nil
}

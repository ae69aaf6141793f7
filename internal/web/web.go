package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/blueshift-dev/blueshift/internal/obs"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/warehouse"
)

//go:embed static
var static embed.FS

// Session is what the API needs of a warehouse session.
type Session interface {
	Execute(ctx context.Context, script string, params []any) *warehouse.Results
	Location() *time.Location
	SetNoticeHandler(func(warehouse.Notice))
	Close() error
}

// Engine opens sessions.
type Engine interface {
	NewSession(ctx context.Context, user, database string) (Session, error)
}

// EngineFunc adapts a function to Engine.
type EngineFunc func(ctx context.Context, user, database string) (Session, error)

// NewSession calls f.
func (f EngineFunc) NewSession(ctx context.Context, user, database string) (Session, error) {
	return f(ctx, user, database)
}

// Streams is what the API needs of the stream log.
type Streams interface {
	Streams(ctx context.Context) ([]string, error)
	Describe(ctx context.Context, name string) (streamlog.StreamInfo, error)
}

// Options configure Handler. Engine is required.
type Options struct {
	Engine Engine
	// Streams lists streams; nil shows none.
	Streams Streams
	// User is the warehouse user API requests run as. Empty means "blueshift".
	User string
	// MaxRows caps the rows one statement returns. Zero means 10,000.
	MaxRows int
	// LiveQuery is the dashboard's live query. Empty means the reference
	// scenario's fact table.
	LiveQuery string
	Logger    *slog.Logger
	// Registerer receives the API's metrics; nil uses a throwaway registry.
	Registerer prometheus.Registerer
}

// DefaultLiveQuery is the dashboard's live query when none is configured.
const DefaultLiveQuery = "SELECT * FROM public.customer_transaction_fact ORDER BY completion_datetime DESC, transaction_id LIMIT 50"

type api struct {
	opts     Options
	log      *slog.Logger
	requests *prometheus.CounterVec
}

// Handler returns the API and the dashboard, to mount at "/".
func Handler(opts Options) http.Handler {
	if opts.User == "" {
		opts.User = "blueshift"
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = 10000
	}
	if opts.LiveQuery == "" {
		opts.LiveQuery = DefaultLiveQuery
	}
	a := &api{opts: opts, log: obs.Logger(opts.Logger).With("component", "web"),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "blueshift_web_requests_total",
			Help: "HTTP API requests, by route and status class.",
		}, []string{"route", "status"})}
	obs.Registerer(opts.Registerer).MustRegister(a.requests)

	mux := http.NewServeMux()
	route := func(pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if err := h(w, r); err != nil {
				a.writeError(w, err)
				a.requests.WithLabelValues(pattern, statusClass(httpStatus(err))).Inc()
				return
			}
			a.requests.WithLabelValues(pattern, "2xx").Inc()
		})
	}
	route("POST /api/query", a.query)
	route("GET /api/streams", a.streams)
	route("GET /api/views", a.views)
	route("GET /api/refreshes", a.refreshes)
	route("GET /api/schedules", a.listSchedules)
	route("POST /api/schedules", a.createSchedule)
	route("POST /api/schedules/{name}/{action}", a.alterSchedule)
	route("DELETE /api/schedules/{name}", a.dropSchedule)
	route("GET /api/schedules/{name}/history", a.scheduleHistory)
	route("GET /api/config", func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusOK, map[string]any{"liveQuery": a.opts.LiveQuery})
		return nil
	})
	sub, _ := fs.Sub(static, "static")
	mux.Handle("GET /", http.FileServerFS(sub))
	return mux
}

// ---- query ----

// queryRequest is POST /api/query's body. A text/plain body is the SQL itself.
type queryRequest struct {
	SQL string `json:"sql"`
}

// Column is a result column.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// StatementResult is one statement's outcome.
type StatementResult struct {
	Columns   []Column `json:"columns,omitempty"`
	Rows      [][]any  `json:"rows,omitempty"`
	Tag       string   `json:"tag"`
	Truncated bool     `json:"truncated,omitempty"`
	Notices   []string `json:"notices,omitempty"`
}

// maxQueryBody bounds POST /api/query's body; a larger one gets 413.
const maxQueryBody = 1 << 20

// QueryResponse is POST /api/query's answer.
type QueryResponse struct {
	Results []StatementResult `json:"results"`
}

func (a *api) query(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxQueryBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &httpError{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("request body larger than %d bytes", maxQueryBody)}
		}
		return badRequest("read body: %v", err)
	}
	text := string(body)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		var req queryRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return badRequest("body: want {\"sql\": \"...\"} or text/plain SQL: %v", err)
		}
		text = req.SQL
	}
	if strings.TrimSpace(text) == "" {
		return badRequest("no SQL to run")
	}
	res, err := a.run(r.Context(), text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, QueryResponse{Results: res})
	return nil
}

// run executes a script in a session of its own.
func (a *api) run(ctx context.Context, script string) ([]StatementResult, error) {
	s, err := a.opts.Engine.NewSession(ctx, a.opts.User, "")
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var notices []string
	s.SetNoticeHandler(func(n warehouse.Notice) { notices = append(notices, n.Severity+": "+n.Message) })
	out := []StatementResult{}
	rs := s.Execute(ctx, script, nil)
	defer rs.Close()
	for rs.Next() {
		res := rs.Result()
		sr := StatementResult{}
		if res.Columns != nil {
			sr.Rows = [][]any{}
			for _, c := range res.Columns {
				sr.Columns = append(sr.Columns, Column{Name: c.Name, Type: c.Type.Kind.String()})
			}
		}
		for res.Next() {
			if len(sr.Rows) >= a.opts.MaxRows {
				sr.Truncated = true
				break
			}
			vals := res.Values()
			row := make([]any, len(vals))
			for i, v := range vals {
				row[i] = jsonValue(v, res.Columns[i].Type.Kind, s.Location())
			}
			sr.Rows = append(sr.Rows, row)
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		sr.Tag = res.Tag()
		for _, n := range res.Notices {
			notices = append(notices, n.Severity+": "+n.Message)
		}
		sr.Notices, notices = notices, nil
		out = append(out, sr)
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// rows runs one query and returns its rows as objects keyed by column name.
func (a *api) rows(ctx context.Context, query string) ([]map[string]any, error) {
	res, err := a.run(ctx, query)
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	if len(res) == 0 {
		return out, nil
	}
	last := res[len(res)-1]
	for _, row := range last.Rows {
		m := make(map[string]any, len(row))
		for i, c := range last.Columns {
			m[c.Name] = row[i]
		}
		out = append(out, m)
	}
	return out, nil
}

// jsonValue turns a warehouse value into what JSON carries: numbers stay
// numbers (numerics as strings, exactly), times are ISO 8601, SUPER and JSON
// are embedded as JSON.
func jsonValue(v any, k warehouse.Kind, loc *time.Location) any {
	switch v := v.(type) {
	case nil:
		return nil
	case time.Time:
		switch k {
		case warehouse.KindDate:
			return v.Format("2006-01-02")
		case warehouse.KindTimestamp:
			return v.Format("2006-01-02T15:04:05.999999")
		case warehouse.KindTime:
			return v.Format("15:04:05.999999")
		default:
			return v.In(loc).Format(time.RFC3339Nano)
		}
	case string:
		if (k == warehouse.KindSuper || k == warehouse.KindJSON) && json.Valid([]byte(v)) {
			return json.RawMessage(v)
		}
		return v
	case []byte:
		return fmt.Sprintf("%X", v)
	case warehouse.Interval:
		return v.String()
	}
	return v
}

// ---- errors ----

// httpError is an error about the request itself.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &httpError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

func httpStatus(err error) int {
	var he *httpError
	if errors.As(err, &he) {
		return he.status
	}
	e, ok := sqlerr.As(err)
	if !ok {
		return http.StatusInternalServerError
	}
	switch {
	case e.Code == sqlerr.UndefinedObject || e.Code == sqlerr.UndefinedTable:
		return http.StatusNotFound
	case e.Code == sqlerr.QueryCanceled:
		return http.StatusServiceUnavailable
	case e.Code == sqlerr.AdminShutdown:
		return http.StatusServiceUnavailable
	case strings.HasPrefix(string(e.Code), "XX") || strings.HasPrefix(string(e.Code), "53") || strings.HasPrefix(string(e.Code), "58"):
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func statusClass(code int) string { return fmt.Sprintf("%dxx", code/100) }

// ErrorBody is the JSON of a failed request.
type ErrorBody struct {
	Code     string `json:"code,omitempty"`
	Message  string `json:"message"`
	Position int    `json:"position,omitempty"`
}

func (a *api) writeError(w http.ResponseWriter, err error) {
	status := httpStatus(err)
	body := ErrorBody{Message: err.Error()}
	if e, ok := sqlerr.As(err); ok {
		body.Code, body.Message, body.Position = string(e.Code), e.Message, e.Position
	}
	if status >= 500 {
		a.log.Error("api", "err", err)
	}
	writeJSON(w, status, map[string]any{"error": body})
}

// writeJSON writes v with status. An error writing means the client went
// away; there is no one left to tell.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

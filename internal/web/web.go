package web

import (
	"bytes"
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
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/blueshift-dev/blueshift/internal/obs"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/warehouse"
)

// dist is the built dashboard (ui/, built by `make web`).
//
//go:embed dist
var dist embed.FS

// Session is what the API needs of a warehouse session.
type Session interface {
	Execute(ctx context.Context, script string, params []any) *warehouse.Results
	Location() *time.Location
	SetNoticeHandler(func(warehouse.Notice))
	// SetReadOnly makes the session refuse statements that write.
	SetReadOnly(bool)
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
	// Tables lists the DynamoDB-compatible tables, the pipeline's first
	// step; nil shows none.
	Tables SourceTables
	// User is the warehouse user API requests run as when no Users are
	// configured, and the user the dashboard's own catalog reads and writes
	// run as. Empty means "blueshift".
	User string
	// Users are the users who may log in, with their passwords: the SQL
	// endpoint's. Empty means no login, and loopback clients only.
	Users map[string]string
	// ReadOnly marks users who may query and look but change nothing.
	ReadOnly map[string]bool
	// SpoolDir holds query results being paged through. Empty means the
	// system's temporary directory.
	SpoolDir string
	// MaxSpoolRows caps the rows a query started with POST /api/queries
	// keeps. Zero means 1,000,000.
	MaxSpoolRows int
	// PipelineEvery is how often GET /api/pipeline/events sends the
	// pipeline. Zero means one second.
	PipelineEvery time.Duration
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
	logins   logins
	queries  queries
	rates    rates
	wg       sync.WaitGroup
	http.Handler
}

// Server is the API and the dashboard. Close it to stop the queries it runs.
type Server struct{ a *api }

// ServeHTTP serves the API and the dashboard.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.a.ServeHTTP(w, r) }

// Close cancels the running queries and removes their spooled results.
func (s *Server) Close() error {
	s.a.queries.closeAll()
	s.a.wg.Wait()
	return nil
}

// Handler returns the API and the dashboard, to mount at "/". The caller
// should Close it at shutdown.
func Handler(opts Options) *Server {
	if opts.User == "" {
		opts.User = "blueshift"
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = 10000
	}
	if opts.LiveQuery == "" {
		opts.LiveQuery = DefaultLiveQuery
	}
	if opts.MaxSpoolRows <= 0 {
		opts.MaxSpoolRows = 1000000
	}
	if opts.PipelineEvery <= 0 {
		opts.PipelineEvery = time.Second
	}
	a := &api{opts: opts, log: obs.Logger(opts.Logger).With("component", "web"),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "blueshift_web_requests_total",
			Help: "HTTP API requests, by route and status class.",
		}, []string{"route", "status"})}
	obs.Registerer(opts.Registerer).MustRegister(a.requests)

	mux := http.NewServeMux()
	// route serves an API endpoint. Public endpoints run for anyone; the
	// rest authenticate first, and those marked write refuse read-only users.
	const (
		public = iota
		read
		write
	)
	route := func(pattern string, access int, h func(w http.ResponseWriter, r *http.Request) error) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			err := func() error {
				if access != public {
					who, err := a.authenticate(r)
					if err != nil {
						return err
					}
					if access == write {
						if err := refuseReadOnly(who); err != nil {
							return err
						}
					}
					r = r.WithContext(context.WithValue(r.Context(), whoKey{}, who))
				}
				return h(w, r)
			}()
			if err != nil {
				a.writeError(w, err)
				a.requests.WithLabelValues(pattern, statusClass(httpStatus(err))).Inc()
				return
			}
			a.requests.WithLabelValues(pattern, "2xx").Inc()
		})
	}
	route("POST /api/login", public, a.login)
	route("POST /api/logout", public, a.logout)
	route("GET /api/me", public, a.me)
	route("POST /api/query", read, a.query) // read-only users' sessions refuse writes
	route("POST /api/queries", read, a.startQuery)
	route("GET /api/queries/{id}", read, a.queryStatus)
	route("GET /api/queries/{id}/rows", read, a.queryRows)
	route("GET /api/queries/{id}/csv", read, a.queryCSV)
	route("DELETE /api/queries/{id}", read, a.cancelQuery)
	route("GET /api/history", read, a.history)
	route("GET /api/schema", read, a.schema)
	route("GET /api/pipeline", read, a.pipeline)
	route("GET /api/pipeline/events", read, a.pipelineEvents)
	route("GET /api/dashboards", read, a.listDashboards)
	route("POST /api/dashboards", write, a.createDashboard)
	route("GET /api/dashboards/{id}", read, a.getDashboard)
	route("PUT /api/dashboards/{id}", write, a.putDashboard)
	route("DELETE /api/dashboards/{id}", write, a.deleteDashboard)
	route("GET /api/streams", read, a.streams)
	route("GET /api/views", read, a.views)
	route("GET /api/refreshes", read, a.refreshes)
	route("GET /api/schedules", read, a.listSchedules)
	route("POST /api/schedules", write, a.createSchedule)
	route("POST /api/schedules/{name}/{action}", write, a.alterSchedule)
	route("DELETE /api/schedules/{name}", write, a.dropSchedule)
	route("GET /api/schedules/{name}/history", read, a.scheduleHistory)
	route("GET /api/config", read, func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusOK, map[string]any{"liveQuery": a.opts.LiveQuery})
		return nil
	})
	sub, _ := fs.Sub(dist, "dist")
	files := http.FileServerFS(sub)
	// Everything else: an unknown API path is a JSON 404; the built assets
	// are files; the page's own paths (/query, /dashboards/{id}, ...) all
	// load the one page, which routes on the path.
	route("/", public, func(w http.ResponseWriter, r *http.Request) error {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			// A path another method answers: 405, with the methods it takes.
			var allow []string
			for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
				probe := r.Clone(r.Context())
				probe.Method = m
				if _, pattern := mux.Handler(probe); pattern != "/" {
					allow = append(allow, m)
				}
			}
			if len(allow) > 0 {
				w.Header().Set("Allow", strings.Join(allow, ", "))
				return &httpError{status: http.StatusMethodNotAllowed, msg: r.Method + " " + r.URL.Path + ": the endpoint takes " + strings.Join(allow, ", ")}
			}
			return &httpError{status: http.StatusNotFound, msg: r.Method + " " + r.URL.Path + ": no such endpoint (see docs/dashboard.md)"}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return &httpError{status: http.StatusMethodNotAllowed, msg: r.Method + " " + r.URL.Path + ": the page is read with GET"}
		}
		if _, err := fs.Stat(sub, strings.TrimPrefix(r.URL.Path, "/")); err == nil && r.URL.Path != "/" {
			files.ServeHTTP(w, r)
			return nil
		}
		w.Header().Set("Cache-Control", "no-store")
		http.ServeFileFS(w, r, sub, "index.html")
		return nil
	})
	a.Handler = mux
	return &Server{a: a}
}

// whoOf is the user the request was authenticated as.
func whoOf(r *http.Request) Who {
	who, _ := r.Context().Value(whoKey{}).(Who)
	return who
}

// session opens a warehouse session for who: read-only for a read-only user.
func (a *api) session(ctx context.Context, who Who) (Session, error) {
	if who.User == "" {
		who.User = a.opts.User
	}
	s, err := a.opts.Engine.NewSession(ctx, who.User, "")
	if err != nil {
		return nil, err
	}
	s.SetReadOnly(who.ReadOnly)
	return s, nil
}

// system runs one statement with parameters as Options.User, for the
// dashboard's own catalog tables, and returns its rows keyed by column.
func (a *api) system(ctx context.Context, stmt string, params ...any) ([]map[string]any, error) {
	s, err := a.session(ctx, Who{User: a.opts.User})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	rs := s.Execute(ctx, stmt, params)
	defer rs.Close()
	out := []map[string]any{}
	for rs.Next() {
		res := rs.Result()
		out = out[:0]
		for res.Next() {
			vals := res.Values()
			m := make(map[string]any, len(vals))
			for i, v := range vals {
				m[res.Columns[i].Name] = jsonValue(v, res.Columns[i].Type.Kind, s.Location())
			}
			out = append(out, m)
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
	}
	return out, rs.Err()
}

// systemRows is system for a query.
func (a *api) systemRows(ctx context.Context, query string, params ...any) ([]map[string]any, error) {
	return a.system(ctx, query, params...)
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
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return badRequest("body: want {\"sql\": \"...\"} or text/plain SQL: %v", err)
		}
		if dec.More() {
			return badRequest("body: want one JSON object {\"sql\": \"...\"}, or text/plain SQL")
		}
		text = req.SQL
	}
	if strings.TrimSpace(text) == "" {
		return badRequest("no SQL to run")
	}
	res, err := a.runAs(r.Context(), whoOf(r), text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, QueryResponse{Results: res})
	return nil
}

// run executes a script in a session of its own, as Options.User.
func (a *api) run(ctx context.Context, script string) ([]StatementResult, error) {
	return a.runAs(ctx, Who{User: a.opts.User}, script)
}

// runAs executes a script in a session of its own, as who.
func (a *api) runAs(ctx context.Context, who Who, script string) ([]StatementResult, error) {
	s, err := a.session(ctx, who)
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
	case e.Code == sqlerr.ReadOnlySQLTransaction || e.Code == sqlerr.InsufficientPrivilege:
		return http.StatusForbidden
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

// errorBody is err as the API reports it.
func errorBody(err error) ErrorBody {
	body := ErrorBody{Message: err.Error()}
	if e, ok := sqlerr.As(err); ok {
		body.Code, body.Message, body.Position = string(e.Code), e.Message, e.Position
	}
	return body
}

func (a *api) writeError(w http.ResponseWriter, err error) {
	status := httpStatus(err)
	body := errorBody(err)
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

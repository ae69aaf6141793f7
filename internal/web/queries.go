package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
	"github.com/blueshift-dev/blueshift/internal/warehouse"
)

// A query started with POST /api/queries runs in the background in a
// warehouse session of its own. Its rows are spooled to a temporary file as
// they arrive (one JSON array a line, with the lines' offsets in memory), so
// the page fetches them a page at a time and a CSV export streams them: no
// one holds a whole large result in memory. DELETE cancels the statement
// through its context and removes the spool.

// Query states.
const (
	stateRunning   = "running"
	stateSucceeded = "succeeded"
	stateFailed    = "failed"
	stateCanceled  = "canceled"
)

// queryRun is one query started through the API.
type queryRun struct {
	id      string
	who     Who
	sql     string
	started time.Time
	cancel  context.CancelFunc
	done    chan struct{}

	mu         sync.Mutex
	state      string
	columns    []Column
	statements []string // the tags of the statements that finished
	notices    []string
	offsets    []int64 // of each spooled row in file
	truncated  bool
	err        error
	ended      time.Time
	file       *os.File // the spool; nil once removed
	size       int64
	lastUse    time.Time
}

// QueryStatus is GET /api/queries/{id}'s answer.
type QueryStatus struct {
	ID         string     `json:"id"`
	SQL        string     `json:"sql"`
	State      string     `json:"state"`
	Columns    []Column   `json:"columns"`
	RowCount   int        `json:"rowCount"`
	Truncated  bool       `json:"truncated,omitempty"`
	Statements []string   `json:"statements"`
	Notices    []string   `json:"notices,omitempty"`
	ElapsedMs  int64      `json:"elapsedMs"`
	Error      *ErrorBody `json:"error,omitempty"`
}

func (q *queryRun) status() QueryStatus {
	q.mu.Lock()
	defer q.mu.Unlock()
	end := q.ended
	if end.IsZero() {
		end = time.Now()
	}
	st := QueryStatus{ID: q.id, SQL: q.sql, State: q.state, Columns: q.columns, RowCount: len(q.offsets),
		Truncated: q.truncated, Statements: append([]string{}, q.statements...), Notices: q.notices,
		ElapsedMs: end.Sub(q.started).Milliseconds()}
	if st.Columns == nil {
		st.Columns = []Column{}
	}
	if q.err != nil {
		b := errorBody(q.err)
		st.Error = &b
	}
	return st
}

// queries holds the running and recent queries.
type queries struct {
	mu sync.Mutex
	m  map[string]*queryRun
}

// keepQueries is how long a finished query's result stays fetchable after
// its last use, and maxQueries how many results one user keeps.
const (
	keepQueries = 30 * time.Minute
	maxQueries  = 20
)

func (qs *queries) add(q *queryRun) {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	if qs.m == nil {
		qs.m = map[string]*queryRun{}
	}
	// Forget stale results, and the user's oldest beyond maxQueries.
	var mine []*queryRun
	for id, o := range qs.m {
		o.mu.Lock()
		stale := o.state != stateRunning && time.Since(o.lastUse) > keepQueries
		o.mu.Unlock()
		if stale {
			o.discard()
			delete(qs.m, id)
		} else if o.who.User == q.who.User {
			mine = append(mine, o)
		}
	}
	for len(mine) >= maxQueries {
		oldest := 0
		for i, o := range mine {
			if o.started.Before(mine[oldest].started) {
				oldest = i
			}
		}
		o := mine[oldest]
		o.cancel()
		go func() { // its spool goes once the statement has stopped
			<-o.done
			o.discard()
		}()
		delete(qs.m, o.id)
		mine = append(mine[:oldest], mine[oldest+1:]...)
	}
	qs.m[q.id] = q
}

// get returns the user's query id, or a 404.
func (qs *queries) get(id string, who Who) (*queryRun, error) {
	qs.mu.Lock()
	q := qs.m[id]
	qs.mu.Unlock()
	if q == nil || q.who.User != who.User {
		return nil, &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("no query %q (results are kept %v after their last use)", id, keepQueries)}
	}
	q.mu.Lock()
	q.lastUse = time.Now()
	q.mu.Unlock()
	return q, nil
}

func (qs *queries) remove(id string) {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	delete(qs.m, id)
}

// closeAll cancels every query and removes the spools (at shutdown).
func (qs *queries) closeAll() {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	for id, q := range qs.m {
		q.cancel()
		<-q.done
		q.discard()
		delete(qs.m, id)
	}
}

// discard removes the spool file.
func (q *queryRun) discard() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.file != nil && q.state != stateRunning {
		name := q.file.Name()
		q.file.Close()
		os.Remove(name)
		q.file = nil
	}
}

// StartQueryRequest is POST /api/queries's body.
type StartQueryRequest struct {
	SQL string `json:"sql"`
}

func (a *api) startQuery(w http.ResponseWriter, r *http.Request) error {
	who := whoOf(r)
	var req StartQueryRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.SQL) == "" {
		return badRequest("no SQL to run")
	}
	f, err := os.CreateTemp(a.opts.SpoolDir, "blueshift-query-*.jsonl")
	if err != nil {
		return fmt.Errorf("web: query spool: %w", err)
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	q := &queryRun{id: randomToken()[:16], who: who, sql: req.SQL, started: time.Now(), cancel: cancel,
		done: make(chan struct{}), state: stateRunning, file: f, lastUse: time.Now(), statements: []string{}}
	a.queries.add(q)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer close(q.done)
		defer cancel()
		a.execute(ctx, q)
	}()
	writeJSON(w, http.StatusAccepted, q.status())
	return nil
}

// execute runs q's script, spooling the rows of each statement that returns
// rows (a later one replaces an earlier one's), and records it in the user's
// history.
func (a *api) execute(ctx context.Context, q *queryRun) {
	err := a.executeInto(ctx, q)
	q.mu.Lock()
	q.ended = time.Now()
	switch {
	case err == nil:
		q.state = stateSucceeded
	case ctx.Err() != nil:
		q.state, q.err = stateCanceled, sqlerr.New(sqlerr.QueryCanceled, "canceling statement due to user request")
	default:
		q.state, q.err = stateFailed, err
	}
	st := q.state
	rows := len(q.offsets)
	q.mu.Unlock()
	var msg any
	if err != nil {
		msg = errorBody(q.err).Message
	}
	// The history is written whatever became of the query.
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := a.system(hctx, `INSERT INTO blueshift_catalog.query_history
		VALUES (nextval('blueshift_catalog.query_history_seq'), $1, $2, $3, $4, $5, $6, $7)`,
		q.who.User, q.sql, q.started.UTC(), q.ended.Sub(q.started).Milliseconds(), st, rows, msg); err != nil {
		a.log.Warn("query history", "err", err)
	}
}

func (a *api) executeInto(ctx context.Context, q *queryRun) error {
	s, err := a.session(ctx, q.who)
	if err != nil {
		return err
	}
	defer s.Close()
	s.SetNoticeHandler(func(n warehouse.Notice) {
		q.mu.Lock()
		q.notices = append(q.notices, n.Severity+": "+n.Message)
		q.mu.Unlock()
	})
	rs := s.Execute(ctx, q.sql, nil)
	defer rs.Close()
	w := bufio.NewWriterSize(q.file, 64<<10)
	var buf []byte
	for rs.Next() {
		res := rs.Result()
		if res.Columns != nil {
			cols := make([]Column, len(res.Columns))
			for i, c := range res.Columns {
				cols[i] = Column{Name: c.Name, Type: c.Type.Kind.String()}
			}
			// A new result replaces the one before in the spool.
			if err := w.Flush(); err != nil {
				return fmt.Errorf("web: spool: %w", err)
			}
			q.mu.Lock()
			q.columns, q.offsets, q.truncated, q.size = cols, nil, false, 0
			err := q.file.Truncate(0)
			q.mu.Unlock()
			if err != nil {
				return fmt.Errorf("web: spool: %w", err)
			}
			w.Reset(q.file)
			if _, err := q.file.Seek(0, io.SeekStart); err != nil {
				return fmt.Errorf("web: spool: %w", err)
			}
		}
		var pending []int64
		flush := func() error {
			if err := w.Flush(); err != nil {
				return fmt.Errorf("web: spool: %w", err)
			}
			q.mu.Lock()
			q.offsets = append(q.offsets, pending...)
			q.mu.Unlock()
			pending = pending[:0]
			return nil
		}
		var size int64
		q.mu.Lock()
		size = q.size
		q.mu.Unlock()
		n := 0
		for res.Next() {
			if n >= a.opts.MaxSpoolRows {
				q.mu.Lock()
				q.truncated = true
				q.mu.Unlock()
				break
			}
			vals := res.Values()
			row := make([]any, len(vals))
			for i, v := range vals {
				row[i] = jsonValue(v, res.Columns[i].Type.Kind, s.Location())
			}
			buf, err = json.Marshal(row)
			if err != nil {
				return fmt.Errorf("web: encode row: %w", err)
			}
			buf = append(buf, '\n')
			if _, err := w.Write(buf); err != nil {
				return fmt.Errorf("web: spool: %w", err)
			}
			pending = append(pending, size)
			size += int64(len(buf))
			n++
			if len(pending) >= 500 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		q.mu.Lock()
		q.size = size
		q.mu.Unlock()
		if err := res.Err(); err != nil {
			return err
		}
		q.mu.Lock()
		q.statements = append(q.statements, res.Tag())
		for _, n := range res.Notices {
			q.notices = append(q.notices, n.Severity+": "+n.Message)
		}
		q.mu.Unlock()
	}
	return rs.Err()
}

func (a *api) queryStatus(w http.ResponseWriter, r *http.Request) error {
	q, err := a.queries.get(r.PathValue("id"), whoOf(r))
	if err != nil {
		return err
	}
	// ?wait=ms waits for the query to end (at most 10 s), so the page need
	// not poll often.
	ms, err := queryInt(r, "wait", 0, 0, 10000)
	if err != nil {
		return err
	}
	if ms > 0 {
		t := time.NewTimer(time.Duration(ms) * time.Millisecond)
		defer t.Stop()
		select {
		case <-q.done:
		case <-t.C:
		case <-r.Context().Done():
		}
	}
	writeJSON(w, http.StatusOK, q.status())
	return nil
}

// RowsPage is GET /api/queries/{id}/rows's answer.
type RowsPage struct {
	Offset   int               `json:"offset"`
	Rows     []json.RawMessage `json:"rows"`
	RowCount int               `json:"rowCount"`
	State    string            `json:"state"`
}

func (a *api) queryRows(w http.ResponseWriter, r *http.Request) error {
	q, err := a.queries.get(r.PathValue("id"), whoOf(r))
	if err != nil {
		return err
	}
	offset, err := queryInt(r, "offset", 0, 0, 1<<40)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 100, 1, 10000)
	if err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	page := RowsPage{Offset: offset, Rows: []json.RawMessage{}, RowCount: len(q.offsets), State: q.state}
	if q.file == nil {
		return &httpError{status: http.StatusGone, msg: "the query's result was discarded"}
	}
	if offset < len(q.offsets) {
		end := min(offset+limit, len(q.offsets))
		from := q.offsets[offset]
		to := q.size
		if end < len(q.offsets) {
			to = q.offsets[end]
		}
		if q.state == stateRunning && end == len(q.offsets) {
			// The writer may be ahead of the offsets: read whole lines only.
			to = -1
		}
		buf, err := readSpool(q.file, from, to)
		if err != nil {
			return err
		}
		for _, line := range strings.SplitN(string(buf), "\n", end-offset+1)[:end-offset] {
			page.Rows = append(page.Rows, json.RawMessage(line))
		}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// readSpool reads the spool from..to; to < 0 reads to the end.
func readSpool(f *os.File, from, to int64) ([]byte, error) {
	if to < 0 {
		st, err := f.Stat()
		if err != nil {
			return nil, fmt.Errorf("web: spool: %w", err)
		}
		to = st.Size()
	}
	buf := make([]byte, to-from)
	if _, err := f.ReadAt(buf, from); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("web: spool: %w", err)
	}
	return buf, nil
}

// queryCSV streams the whole spooled result as CSV (RFC 4180), a header line
// of column names first.
func (a *api) queryCSV(w http.ResponseWriter, r *http.Request) error {
	q, err := a.queries.get(r.PathValue("id"), whoOf(r))
	if err != nil {
		return err
	}
	select {
	case <-q.done:
	case <-r.Context().Done():
		return r.Context().Err()
	}
	q.mu.Lock()
	cols, f, size := q.columns, q.file, q.size
	q.mu.Unlock()
	if f == nil {
		return &httpError{status: http.StatusGone, msg: "the query's result was discarded"}
	}
	if cols == nil {
		return badRequest("the query returned no rows to export")
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{}) // a large export takes its time
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="query-`+q.id+`.csv"`)
	cw := csv.NewWriter(w)
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Name
	}
	_ = cw.Write(header)
	sc := bufio.NewScanner(io.NewSectionReader(f, 0, size))
	sc.Buffer(make([]byte, 64<<10), 256<<20)
	rec := make([]string, len(cols))
	for sc.Scan() {
		var row []any
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.UseNumber()
		if err := dec.Decode(&row); err != nil {
			return fmt.Errorf("web: spool: %w", err)
		}
		for i := range rec {
			rec[i] = csvText(row[i])
		}
		if err := cw.Write(rec); err != nil {
			return nil // the client went away
		}
	}
	cw.Flush()
	return nil
}

func csvText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// cancelQuery cancels a running query (its statement stops through its
// context) and forgets the query.
func (a *api) cancelQuery(w http.ResponseWriter, r *http.Request) error {
	q, err := a.queries.get(r.PathValue("id"), whoOf(r))
	if err != nil {
		return err
	}
	q.cancel()
	select {
	case <-q.done:
	case <-time.After(10 * time.Second):
		return &httpError{status: http.StatusServiceUnavailable, msg: "the query did not stop within 10 s"}
	}
	st := q.status()
	if r.URL.Query().Get("discard") != "" {
		a.queries.remove(q.id)
		q.discard()
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// HistoryEntry is one of a user's past queries.
type HistoryEntry struct {
	ID         int64  `json:"id"`
	SQL        string `json:"sql"`
	StartedAt  string `json:"startedAt"`
	DurationMs int64  `json:"durationMs"`
	Status     string `json:"status"`
	RowCount   int64  `json:"rowCount"`
	Error      string `json:"error,omitempty"`
}

func (a *api) history(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 50, 1, 1000)
	if err != nil {
		return err
	}
	rows, err := a.systemRows(r.Context(), `SELECT id, query_text, started_at, duration_ms, status, row_count, error
		FROM blueshift_catalog.query_history WHERE user_name = $1 ORDER BY id DESC LIMIT `+strconv.Itoa(limit), whoOf(r).User)
	if err != nil {
		return err
	}
	out := []HistoryEntry{}
	for _, row := range rows {
		e := HistoryEntry{SQL: str(row["query_text"]), StartedAt: str(row["started_at"]), Status: str(row["status"]), Error: str(row["error"])}
		e.ID, _ = toInt64(row["id"])
		e.DurationMs, _ = toInt64(row["duration_ms"])
		e.RowCount, _ = toInt64(row["row_count"])
		out = append(out, e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"history": out})
	return nil
}

// queryInt reads an integer query parameter in [lo, hi]; absent means def.
func queryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badRequest("%s: want a whole number from %d to %d, got %q", name, lo, hi, v)
	}
	return n, nil
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func toInt64(v any) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case int32:
		return int64(v), true
	case int:
		return int64(v), true
	case float64:
		return int64(v), true
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return 0, false
}

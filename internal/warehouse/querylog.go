package warehouse

// The query log: the statements the warehouse ran lately, kept in memory
// for Redshift's query-monitoring system views (STL_QUERY, STL_QUERYTEXT,
// SVL_QLOG, SVL_STATEMENTTEXT, STV_RECENTS) and the sessions open now
// (STV_SESSIONS) or ended lately (STL_SESSIONS), which sysviews_query.go
// defines over the table functions
// rs_query_log() and rs_sessions() registered here.
//
// Behavior:
//   - Every statement a client runs (simple or extended protocol) is one
//     entry, numbered from 1 in the order it started: Redshift's query ID.
//   - The log keeps the last queryLogSize entries, each with the first
//     8 KiB of its text, and starts empty when the server starts (Redshift
//     keeps days of STL rows on disk; blueshift's history is as long as the
//     process).
//   - A statement is running from its start until its result is closed
//     (all its rows read); aborted is 1 when it failed or was canceled.
//     returned_rows counts the rows it returned (a SELECT: those the client
//     read) or changed.
//   - label is the session's query_group at the start ("default" unset).

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// queryLogSize is how many statements the query log keeps, and
// queryTextLimit how many bytes of each one's text (at most 80 MB in all;
// Redshift's querytxt keeps 4000 characters, STL_QUERYTEXT all of them).
const (
	queryLogSize   = 10000
	queryTextLimit = 8192
)

// queryEntry is one statement in the log. Fields after start are guarded
// by queryLog.mu.
type queryEntry struct {
	query    int64
	pid      int64
	user     string
	database string
	label    string
	text     string
	start    time.Time
	end      time.Time // zero while running
	aborted  bool
	canceled bool   // aborted by a cancel or statement_timeout (57014)
	errText  string // why it failed
	rows     int64  // rows returned (or changed)
}

// sessionEntry is a session that ended (STL_SESSIONS).
type sessionEntry struct {
	pid        int64
	user, db   string
	start, end time.Time
}

// sessionLogSize is how many ended sessions the log keeps.
const sessionLogSize = 1000

// queryLog is the ring of recent statements, and the sessions that ended.
type queryLog struct {
	mu struct {
		sync.Mutex
		next    int64
		entries []*queryEntry // oldest first once full, from head
		head    int
		ended   []sessionEntry // the last sessionLogSize, oldest first
	}
}

// sessionEnded records that s ended now.
func (l *queryLog) sessionEnded(s *Session) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.mu.ended) == sessionLogSize {
		l.mu.ended = append(l.mu.ended[:0], l.mu.ended[1:]...)
	}
	l.mu.ended = append(l.mu.ended, sessionEntry{pid: int64(s.id), user: s.user, db: s.database, start: s.started, end: time.Now()})
}

// endedSessions copies the ended sessions, oldest first.
func (l *queryLog) endedSessions() []sessionEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]sessionEntry(nil), l.mu.ended...)
}

// begin records a statement starting now and returns its entry.
func (l *queryLog) begin(s *Session, text string) *queryEntry {
	label := s.settings["query_group"]
	if label == "" {
		label = "default"
	}
	if len(text) > queryTextLimit {
		cut := queryTextLimit
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = strings.Clone(text[:cut])
	}
	e := &queryEntry{pid: int64(s.id), user: s.user, database: s.database, label: label, text: text, start: time.Now()}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.mu.next++
	e.query = l.mu.next
	if len(l.mu.entries) < queryLogSize {
		l.mu.entries = append(l.mu.entries, e)
	} else {
		l.mu.entries[l.mu.head] = e
		l.mu.head = (l.mu.head + 1) % queryLogSize
	}
	return e
}

// finish records e's end and its rows; a non-nil err marks it aborted.
func (l *queryLog) finish(e *queryEntry, err error, rows int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e.end.IsZero() {
		e.end = time.Now()
		e.rows = rows
		if err != nil {
			e.aborted = true
			e.canceled = sqlerr.CodeOf(err) == sqlerr.QueryCanceled
			e.errText = err.Error()
		}
	}
}

// snapshot copies the entries, oldest first.
func (l *queryLog) snapshot() []queryEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]queryEntry, 0, len(l.mu.entries))
	for i := range l.mu.entries {
		out = append(out, *l.mu.entries[(l.mu.head+i)%len(l.mu.entries)])
	}
	return out
}

// current is the entry of the statement the session is running, if any
// (Session.mu guards it).
func (s *Session) currentQuery() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.running == nil {
		return 0
	}
	return s.mu.running.query
}

// logStart records a statement the session starts.
func (s *Session) logStart(text string) *queryEntry {
	e := s.w.queries.begin(s, text)
	s.mu.Lock()
	s.mu.running = e
	s.mu.Unlock()
	return e
}

// logEnd records the end of a statement the session ran.
func (s *Session) logEnd(e *queryEntry, err error, rows int64) {
	s.w.queries.finish(e, err, rows)
	s.mu.Lock()
	if s.mu.running == e {
		s.mu.running = nil
	}
	s.mu.Unlock()
}

// rowsTable is a table function's result: fixed columns, and rows that
// load reads when the scan starts (Init: when the statement runs, not when
// it is prepared, so a prepared statement run again sees the log anew and
// a query sees itself running).
type rowsTable struct {
	cols []duckdb.ColumnInfo
	load func() [][]any
	rows [][]any
	i    int
}

func (t *rowsTable) ColumnInfos() []duckdb.ColumnInfo { return t.cols }

func (t *rowsTable) Cardinality() *duckdb.CardinalityInfo { return nil }

func (t *rowsTable) Init() { t.rows, t.i = t.load(), 0 }

func (t *rowsTable) FillRow(r duckdb.Row) (bool, error) {
	if t.i >= len(t.rows) {
		return false, nil
	}
	if len(t.rows[t.i]) != len(t.cols) {
		return false, fmt.Errorf("warehouse: a row of %d values for %d columns", len(t.rows[t.i]), len(t.cols))
	}
	for c, v := range t.rows[t.i] {
		if err := r.SetRowValue(c, v); err != nil {
			return false, err
		}
	}
	t.i++
	return true, nil
}

// columns builds ColumnInfos from name, type pairs.
func columns(pairs ...any) ([]duckdb.ColumnInfo, error) {
	var out []duckdb.ColumnInfo
	for i := 0; i < len(pairs); i += 2 {
		t, err := duckdb.NewTypeInfo(pairs[i+1].(duckdb.Type))
		if err != nil {
			return nil, err
		}
		out = append(out, duckdb.ColumnInfo{Name: pairs[i].(string), T: t})
	}
	return out, nil
}

// nullTime is t, or nil for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// registerQueryLog registers rs_query_log() and rs_sessions() on sc.
func (w *Warehouse) registerQueryLog(sc *sql.Conn) error {
	if err := registerRows(sc, "rs_query_log", w.queryLogRows,
		"query", duckdb.TYPE_BIGINT, "pid", duckdb.TYPE_BIGINT, "user_name", duckdb.TYPE_VARCHAR,
		"database", duckdb.TYPE_VARCHAR, "label", duckdb.TYPE_VARCHAR, "querytxt", duckdb.TYPE_VARCHAR,
		"starttime", duckdb.TYPE_TIMESTAMP, "endtime", duckdb.TYPE_TIMESTAMP, "aborted", duckdb.TYPE_INTEGER,
		"status", duckdb.TYPE_VARCHAR, "error_message", duckdb.TYPE_VARCHAR, "returned_rows", duckdb.TYPE_BIGINT); err != nil {
		return err
	}
	return registerRows(sc, "rs_sessions", w.sessionRows,
		"pid", duckdb.TYPE_BIGINT, "user_name", duckdb.TYPE_VARCHAR,
		"db_name", duckdb.TYPE_VARCHAR, "starttime", duckdb.TYPE_TIMESTAMP, "query", duckdb.TYPE_BIGINT,
		"endtime", duckdb.TYPE_TIMESTAMP)
}

// registerRows registers on sc a table function name() whose rows load
// returns, with the columns given as name, type pairs (columns).
func registerRows(sc *sql.Conn, name string, load func() [][]any, cols ...any) error {
	info, err := columns(cols...)
	if err != nil {
		return fmt.Errorf("warehouse: %s: %w", name, err)
	}
	fn := duckdb.RowTableFunction{
		BindArgumentsContext: func(ctx context.Context, named map[string]any, args ...any) (duckdb.RowTableSource, error) {
			return &rowsTable{cols: info, load: load}, nil
		},
	}
	if err := duckdb.RegisterTableUDF(sc, name, fn); err != nil {
		return fmt.Errorf("warehouse: register %s: %w", name, err)
	}
	return nil
}

// queryLogRows are rs_query_log()'s rows.
func (w *Warehouse) queryLogRows() [][]any {
	entries := w.queries.snapshot()
	rows := make([][]any, 0, len(entries))
	for _, e := range entries {
		aborted, status := int32(0), "success"
		switch {
		case e.end.IsZero():
			status = "running"
		case e.canceled:
			aborted, status = 1, "canceled"
		case e.aborted:
			aborted, status = 1, "failed"
		}
		var errText any
		if e.errText != "" {
			errText = e.errText
		}
		rows = append(rows, []any{e.query, e.pid, e.user, e.database, e.label, e.text,
			e.start.UTC(), nullTime(e.end), aborted, status, errText, e.rows})
	}
	return rows
}

// sessionRows are rs_sessions()'s rows: the open sessions, by ID (endtime
// NULL), then the last sessionLogSize that ended.
func (w *Warehouse) sessionRows() [][]any {
	w.mu.Lock()
	sessions := make([]*Session, 0, len(w.mu.sessions))
	for s := range w.mu.sessions {
		sessions = append(sessions, s)
	}
	w.mu.Unlock()
	sort.Slice(sessions, func(i, j int) bool { return sessions[i].id < sessions[j].id })
	var rows [][]any
	for _, s := range sessions {
		var q any
		if id := s.currentQuery(); id != 0 {
			q = id
		}
		rows = append(rows, []any{int64(s.id), s.user, s.database, s.started.UTC(), q, nil})
	}
	for _, e := range w.queries.endedSessions() {
		rows = append(rows, []any{e.pid, e.user, e.db, e.start.UTC(), nil, e.end.UTC()})
	}
	return rows
}

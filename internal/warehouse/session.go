package warehouse

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// TxStatus is a session's transaction state, with the byte Postgres's
// ReadyForQuery message uses for it.
type TxStatus byte

// The transaction states.
const (
	TxIdle   TxStatus = 'I' // autocommit: no transaction block
	TxActive TxStatus = 'T' // inside BEGIN ... COMMIT
	TxFailed TxStatus = 'E' // inside a block that failed: only ROLLBACK works
)

// Session is one client's connection to the warehouse: its own DuckDB
// connection, its settings and its transaction state. It is used by one
// goroutine at a time, except Cancel.
type Session struct {
	w        *Warehouse
	id       uint64
	user     string
	database string
	conn     *Conn
	log      *slog.Logger

	settings map[string]string
	loc      *time.Location // the timezone setting, loaded
	// txn is the transaction state machine (txn.go).
	txn      txn
	onNotice func(Notice)
	pending  []Notice
	// writes counts the session's own writes (committed or not); with the
	// change feed's version it dates what a prepared statement has seen
	// (see planDuck).
	writes uint64
	// cursors are the open cursors by name (exec_cursor.go); cursorSeq
	// numbers the temporary tables that hold their rows.
	cursors   map[string]*cursor
	cursorSeq uint64
	// prepared are the statements PREPARE made, by name, with their
	// command tags (exec_prepare.go).
	prepared map[string]preparedStmt
	// paramTypes are the parameter types of the statement Prepare is
	// planning (see Options).
	paramTypes []string
	// readOnly refuses statements that write (readonly.go).
	readOnly bool
	// started is when the session opened (STV_SESSIONS).
	started time.Time
	// memo holds the catalog lookups of the SQL front end; catalogDirty
	// marks a transaction that changed the catalog (catalog_cache.go).
	memo         lookupMemo
	catalogDirty bool
	tempNames    map[string]bool // the temporary tables the session made
	// localDrop: the DROP that just ran reached only temporary tables or
	// nothing (owners.go); txNames: the names of the tables the open
	// transaction made or dropped (catalog_cache.go).
	localDrop bool
	txNames   []string

	mu struct {
		sync.Mutex
		cancel   context.CancelFunc // of the statement running now (or streaming its rows)
		cancelID uint64             // which statement cancel belongs to
		closed   bool
		running  *queryEntry // the statement running now, in the query log (querylog.go)
	}
}

func newSession(w *Warehouse, c *Conn, id uint64, user, database string) *Session {
	s := &Session{w: w, id: id, user: user, database: database, conn: c,
		log: w.log.With("session", id, "user", user), started: time.Now()}
	s.settings = make(map[string]string, len(defaultSettings))
	for k, v := range defaultSettings {
		s.settings[k] = v
	}
	s.settings["session_authorization"] = user
	return s
}

// init applies the default settings to the DuckDB connection.
func (s *Session) init(ctx context.Context) error {
	if err := s.applySearchPath(ctx, s.settings["search_path"]); err != nil {
		return err
	}
	if _, err := s.conn.Exec(ctx, "SET TimeZone = 'UTC'"); err != nil {
		return errorf("session timezone: %w", err)
	}
	for _, stmt := range sessionCompat(s.user, s.id) { // compat.go
		if _, err := s.conn.Exec(ctx, stmt); err != nil {
			return errorf("session catalog compatibility: %w", err)
		}
	}
	return nil
}

// ID is the session's number, unique in this process.
func (s *Session) ID() uint64 { return s.id }

// User is the user the session was opened for.
func (s *Session) User() string { return s.user }

// Database is the database name the session is connected to.
func (s *Session) Database() string { return s.database }

// Setting returns the current value of a parameter (lower-case name).
func (s *Session) Setting(name string) (string, bool) {
	v, ok := s.settings[name]
	return v, ok
}

// Location is the session's TimeZone, for printing timestamptz values.
func (s *Session) Location() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

// SetNoticeHandler makes notices go to f as they are raised, instead of
// accumulating in the next Result's Notices.
func (s *Session) SetNoticeHandler(f func(Notice)) { s.onNotice = f }

// Notify sends a notice to the client.
func (s *Session) Notify(n Notice) {
	if n.Severity == "" {
		n.Severity = "NOTICE"
	}
	if s.onNotice != nil {
		s.onNotice(n)
		return
	}
	s.pending = append(s.pending, n)
}

// Conn returns the session's DuckDB connection, for engine code that must run
// DuckDB SQL in the session's current transaction (or in autocommit mode
// outside a block). Use it only from the goroutine running the session.
func (s *Session) Conn() *Conn { return s.conn }

// Options returns the SQL front end's options for the current settings.
func (s *Session) Options() bsql.Options {
	opts := s.baseOptions()
	// Both remembered until the catalog may have changed (catalog_cache.go).
	opts.CharLimits = func(n ast.Name) []bsql.ColumnLimit {
		return memoized(s, &s.memo.limits, n, func() []bsql.ColumnLimit {
			return s.charLimits(context.Background(), n) // column_types.go
		})
	}
	opts.JSONColumns = func(n ast.Name) []string {
		return memoized(s, &s.memo.json, n, func() []string { return s.jsonColumns(context.Background(), n) })
	}
	return opts
}

// jsonColumns names the columns of the relation n that are DuckDB JSON:
// SUPER stored as JSON text (Options.JSONColumns). DuckDB resolves n as it
// resolves the statement's own reference (its search path); one
// pragma_table_info, a fraction of a millisecond. An unknown name has
// none: the statement then reports it.
func (s *Session) jsonColumns(ctx context.Context, n ast.Name) []string {
	opts := s.baseOptions()
	parts := make([]string, len(n))
	for i, id := range n {
		parts[i] = quoteIdent(catalogIdent(id, opts)) // as the catalog keeps names that differ in case
	}
	res, err := s.conn.Query(ctx, `SELECT name FROM pragma_table_info(`+quoteLiteral(strings.Join(parts, "."))+`) WHERE type = 'JSON'`)
	if err != nil {
		return nil
	}
	defer res.Close()
	var cols []string
	for res.Next() {
		if name, ok := res.Values()[0].(string); ok {
			cols = append(cols, bsql.DisplayName(name))
		}
	}
	if res.Err() != nil {
		return nil
	}
	return cols
}

// catalogOptions are opts (a view's, as stored) with the session's catalog
// lookups, which the translation needs to read every column as its type
// (a SUPER column stored as JSON text, above all).
func (s *Session) catalogOptions(opts bsql.Options) bsql.Options {
	cat := s.Options()
	opts.CharLimits, opts.JSONColumns = cat.CharLimits, cat.JSONColumns
	return opts
}

// baseOptions are Options without the catalog lookups.
func (s *Session) baseOptions() bsql.Options {
	return bsql.Options{
		CaseSensitive:      isOn(s.settings["enable_case_sensitive_identifier"]),
		CaseSensitiveSuper: isOn(s.settings["enable_case_sensitive_super_attribute"]),
		ParamTypes:         s.paramTypes,
		DateDMY:            strings.Contains(strings.ToUpper(s.settings["datestyle"]), "DMY"),
	}
}

// Atomic runs fn as one unit: inside the current transaction block when there
// is one (an error then aborts the block), otherwise in a transaction of its
// own that commits when fn returns nil.
func (s *Session) Atomic(ctx context.Context, fn func() error) error {
	switch {
	case s.aborted():
		return errAborted()
	case s.inTx():
		if err := fn(); err != nil {
			s.failed(err)
			return err
		}
		return nil
	case s.inProcedureTxn():
		// A statement of a stored procedure: the procedure's transaction
		// holds it (a COPY in a procedure body).
		return fn()
	}
	return s.conn.InTx(ctx, fn)
}

// Cancel interrupts the statement running now, if any; the statement fails
// with 57014. It may be called from any goroutine.
func (s *Session) Cancel() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.cancel != nil {
		s.mu.cancel()
	}
}

// Close rolls back any open transaction and releases the DuckDB connection.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.mu.closed {
		s.mu.Unlock()
		return nil
	}
	s.mu.closed = true
	s.mu.Unlock()
	defer s.w.forget(s)
	s.txn.held = nil // writes of a block left open are rolled back
	if s.inTx() {
		_, _ = s.conn.Exec(context.Background(), "ROLLBACK")
	}
	s.catalogClosed()
	return s.conn.Close()
}

// Statement is one statement read, translated and (for DuckDB statements)
// prepared: the extended protocol's prepared statement.
type Statement struct {
	// Text is the statement as the client sent it.
	Text string
	// Params are the types of $1..$n, KindUnknown where DuckDB cannot tell.
	Params []Type
	// Columns describes the rows it returns; nil for commands.
	Columns []Column

	plan *plan
}

// Empty reports whether the statement was empty (only blanks or comments).
func (st *Statement) Empty() bool { return st.plan == nil }

// Close releases the statement's DuckDB resources.
func (st *Statement) Close() {
	if st.plan != nil && st.plan.prep != nil {
		st.plan.prep.close()
	}
}

// Prepare reads one statement for later runs (the extended protocol's Parse).
// An empty text gives an Empty statement; more than one statement is 42601.
//
// paramTypes are the types the client declared for $1, $2, ... as Redshift
// type names ("integer[]"; "" where it declared none); it may be shorter
// than the parameters or absent.
func (s *Session) Prepare(ctx context.Context, text string, paramTypes ...string) (*Statement, error) {
	s.paramTypes = paramTypes
	defer func() { s.paramTypes = nil }()
	pieces, err := bsql.Split(text)
	if err != nil {
		return nil, err
	}
	switch len(pieces) {
	case 0:
		return &Statement{Text: text}, nil
	case 1:
	default:
		return nil, sqlerr.New(sqlerr.SyntaxError, "cannot insert multiple commands into a prepared statement")
	}
	if s.aborted() && !bsql.EndsTransaction(pieces[0].Text) {
		return nil, errAborted()
	}
	pl, err := s.planPiece(ctx, text, pieces[0])
	if err != nil {
		return nil, err
	}
	return &Statement{Text: text, Params: pl.params, Columns: pl.columns, plan: pl}, nil
}

// Run executes a prepared statement with parameters (the extended
// protocol's Bind and Execute). Parameters are nil (NULL), strings (text
// form, cast to the parameter's type), or Go values (int64, float64, bool,
// []byte, time.Time).
func (s *Session) Run(ctx context.Context, st *Statement, params []any) (*Result, error) {
	if st.plan == nil {
		return commandResult(""), nil
	}
	return s.runPlan(ctx, st.plan, params)
}

// Execute runs a script of one or more statements (the simple query
// protocol). Statements run one after another as Results.Next is called;
// the first error stops the script.
//
// As in Postgres, a script of several statements outside a transaction
// block runs as one implicit transaction: it commits when Next reports the
// end of the script, and an error (or a Close before the end) rolls back
// every statement of it. BEGIN inside the script turns the implicit
// transaction into an explicit block that holds the statements before it;
// COMMIT or ROLLBACK inside it ends it (with Postgres's warning) and the
// statements after it start another. Statements that manage their own
// transactions (materialized-view statements and CALL) end the implicit
// transaction before they run, as in autocommit.
func (s *Session) Execute(ctx context.Context, script string, params []any) *Results {
	rs := &Results{s: s, ctx: ctx, script: script, params: params}
	pieces, err := bsql.Split(script)
	if err != nil {
		rs.err = err
		return rs
	}
	rs.pieces = pieces
	return rs
}

// Results steps through a script's statements.
type Results struct {
	s      *Session
	ctx    context.Context
	script string
	params []any
	pieces []bsql.Piece
	i      int
	cur    *Result
	err    error
}

// Next closes the previous statement's Result and runs the next statement.
// It returns false when the script is done or a statement failed (see Err).
func (rs *Results) Next() bool {
	if rs.cur != nil {
		err := rs.cur.Close()
		rs.cur = nil
		if err != nil {
			rs.err = err
			return false
		}
	}
	if rs.err != nil {
		return false
	}
	if rs.i >= len(rs.pieces) {
		if err := rs.s.endImplicit(rs.ctx, true); err != nil {
			rs.s.failed(err)
			rs.err = err
		}
		return false
	}
	p := rs.pieces[rs.i]
	rs.i++
	if rs.s.aborted() && !bsql.EndsTransaction(p.Text) {
		rs.err = errAborted()
		return false
	}
	pl, err := rs.s.planPiece(rs.ctx, rs.script, p)
	if err != nil {
		rs.err = err
		return false
	}
	if err := rs.implicitFor(pl); err != nil {
		if pl.prep != nil {
			pl.prep.close()
		}
		rs.err = err
		return false
	}
	params := rs.params
	if len(rs.pieces) > 1 && len(pl.params) == 0 {
		params = nil
	}
	res, err := rs.s.runPlan(rs.ctx, pl, params)
	if pl.prep != nil {
		if res != nil && !res.done {
			res.onClose = append(res.onClose, pl.prep.close)
		} else {
			pl.prep.close()
		}
	}
	if err != nil {
		rs.err = err
		return false
	}
	rs.cur = res
	return true
}

// implicitFor opens or ends the script's implicit transaction before pl
// runs: a statement of a multi-statement script outside a block joins one,
// a statement that manages its own transactions runs after it commits.
func (rs *Results) implicitFor(pl *plan) error {
	s := rs.s
	if pl.ownTx {
		return s.endImplicit(rs.ctx, true)
	}
	if len(rs.pieces) < 2 {
		return nil
	}
	return s.beginImplicit(rs.ctx)
}

// Result is the current statement's result.
func (rs *Results) Result() *Result { return rs.cur }

// Empty reports whether the script held no statement at all.
func (rs *Results) Empty() bool { return rs.err == nil && len(rs.pieces) == 0 }

// Err is the error that stopped the script, with its Position in the script.
func (rs *Results) Err() error { return rs.err }

// Close releases the current Result. A script closed before its end rolls
// back its implicit transaction.
func (rs *Results) Close() error {
	var err error
	if rs.cur != nil {
		err = rs.cur.Close()
		rs.cur = nil
	}
	_ = rs.s.endImplicit(rs.ctx, false)
	return err
}

// runPlan runs a planned statement, tracking the transaction state and the
// cancel function.
func (s *Session) runPlan(ctx context.Context, pl *plan, params []any) (*Result, error) {
	if s.aborted() && !pl.txControl {
		return nil, errAborted()
	}
	ctx, g, err := s.guard(ctx)
	if err != nil {
		return nil, err
	}
	streaming := false
	defer func() {
		if !streaming {
			g.stop()
		}
	}()
	start := time.Now()
	entry := s.logStart(pl.text) // querylog.go
	res, err := pl.run(ctx, params)
	s.w.metrics.duration.Observe(time.Since(start).Seconds())
	if err == nil && res.conn != nil {
		// DuckDB computes the rows as they are read: the statement runs
		// (Cancel and statement_timeout reach it) until they are.
		streaming = true
		res.guard = g
		res.onClose = append(res.onClose, g.stop)
	}
	if err != nil {
		err = pl.locate(g.explain(err))
		s.failed(err)
		s.logEnd(entry, err, 0)
		return nil, err
	}
	if res.Copy != nil && res.Copy.From {
		res.Copy.entry = entry // it ends with CopyIn, with the rows loaded
	} else if res.done {
		s.logEnd(entry, nil, res.affected)
	} else {
		res.onClose = append(res.onClose, func() { s.logEnd(entry, res.err, res.affected) })
	}
	s.w.metrics.statements.WithLabelValues(pl.command).Inc()
	if len(s.pending) > 0 {
		res.Notices = append(s.pending, res.Notices...)
		s.pending = nil
	}
	if !res.done {
		res.onErr = func(err error) { s.failed(err) }
	}
	return res, nil
}

// stmtGuard is a phase of a statement (planning, running and streaming
// its rows): Cancel ends its context, and so does statement_timeout, which
// resume starts again (Postgres times each Execute message of a portal on
// its own).
type stmtGuard struct {
	s      *Session
	id     uint64
	cancel context.CancelFunc
	d      time.Duration
	timer  *time.Timer
	fired  atomic.Bool
}

// guard starts a phase of a statement.
func (s *Session) guard(ctx context.Context) (context.Context, *stmtGuard, error) {
	ctx, cancel := context.WithCancel(ctx)
	g := &stmtGuard{s: s, cancel: cancel}
	if g.d = statementTimeout(s.settings["statement_timeout"]); g.d > 0 {
		g.timer = time.AfterFunc(g.d, func() {
			g.fired.Store(true)
			cancel()
		})
	}
	s.mu.Lock()
	if s.mu.closed {
		s.mu.Unlock()
		g.stop()
		return nil, nil, sqlerr.New(sqlerr.AdminShutdown, "terminating connection due to administrator command")
	}
	s.mu.cancel = cancel
	s.mu.cancelID++
	g.id = s.mu.cancelID
	s.mu.Unlock()
	return ctx, g, nil
}

// resume starts statement_timeout again, unless it has passed.
func (g *stmtGuard) resume() {
	if g.timer != nil && !g.fired.Load() {
		g.timer.Reset(g.d)
	}
}

// stop ends the phase: its context, its timer, its hold on Cancel.
func (g *stmtGuard) stop() {
	if g.timer != nil {
		g.timer.Stop()
	}
	g.cancel()
	if g.id == 0 {
		return
	}
	g.s.mu.Lock()
	if g.s.mu.cancelID == g.id {
		g.s.mu.cancel = nil
	}
	g.s.mu.Unlock()
}

// explain gives a cancellation that statement_timeout caused Postgres's
// message for it.
func (g *stmtGuard) explain(err error) error {
	e, ok := sqlerr.As(err)
	if !ok || e.Code != sqlerr.QueryCanceled || !g.fired.Load() {
		return err
	}
	c := *e
	c.Message = "canceling statement due to statement timeout"
	return &c
}

func errAborted() error {
	return sqlerr.New(sqlerr.InFailedSQLTransaction, "current transaction is aborted, commands ignored until end of transaction block")
}

// shiftPosition moves an error's Position from statement-relative to
// script-relative, given the piece's byte offset in the script.
func shiftPosition(err error, script string, offset int) error {
	e, ok := sqlerr.As(err)
	if !ok || e.Position == 0 || offset <= 0 || offset > len(script) {
		return err
	}
	return e.At(e.Position + utf8.RuneCountInString(script[:offset]))
}

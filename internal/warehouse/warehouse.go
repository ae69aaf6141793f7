package warehouse

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/blueshift-dev/blueshift/internal/obs"
	"github.com/blueshift-dev/blueshift/internal/source"
	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// FileName returns the DuckDB file of a database inside the data directory.
// DuckDB names its catalog after the file, so current_database() is the name
// clients connect to ("dev.duckdb" for dev).
func FileName(database string) string { return database + ".duckdb" }

// CatalogSchema is the DuckDB schema that holds blueshift's own catalog.
const CatalogSchema = "blueshift_catalog"

// Options configure Open. The zero value is usable.
type Options struct {
	// Logger receives the engine's logs; nil discards them.
	Logger *slog.Logger
	// Registerer receives the engine's metrics; nil uses a throwaway registry.
	Registerer prometheus.Registerer
	// Database is the one database name clients may connect to. Empty means "dev".
	Database string
	// MemoryLimit is DuckDB's memory_limit (for example "2GB"): what all
	// statements and streaming batches together may hold in memory; past it
	// DuckDB spills to its temporary directory where an operator can, and
	// fails the statement with 53200 where it cannot. Empty keeps DuckDB's
	// default (80% of RAM).
	MemoryLimit string
	// TempLimit is DuckDB's max_temp_directory_size (for example "10GB"):
	// what spilled statements may write to the temporary directory
	// (<data>/<database>.duckdb.tmp), which shares its disk with the stream
	// log. Empty keeps DuckDB's default (90% of the free disk space).
	TempLimit string
	// Threads is DuckDB's thread count. Zero keeps DuckDB's default (one per core).
	Threads int
	// Sources opens stream readers for streaming materialized views; nil
	// means no stream service (creating a streaming view then fails).
	Sources *source.Registry
	// DeferAutoRefresh: Open does not start AUTO REFRESH; RunAutoRefresh
	// does (the server calls it once its listeners answer). False starts
	// it at Open.
	DeferAutoRefresh bool
	// DynamoDB is the DynamoDB-compatible table service that
	// COPY ... FROM 'dynamodb://...' loads from; nil means none (such a
	// COPY then fails with 0A000).
	DynamoDB DynamoDBTables
	// Clock is the time of the schedule runner (RunSchedules) and of the
	// streaming views' poll and retry waits; nil is the wall clock. Tests
	// pass a fake one (clockwork.NewFakeClock) and advance it.
	Clock clockwork.Clock
}

// Warehouse is an open DuckDB database and the sessions over it.
type Warehouse struct {
	path      string
	database  string
	log       *slog.Logger
	connector *duckdb.Connector
	metrics   *metrics
	ingest    *ingestManager  // autorefresh.go: streaming materialized views
	dynamo    DynamoDBTables  // exec_copy_dynamodb.go
	clock     clockwork.Clock // Options.Clock; set at Open

	nextSession atomic.Uint64
	sched       scheduler    // schedule_run.go
	procQuery   procQueryIDs // exec_procedure.go
	queries     queryLog     // querylog.go
	catalogGen  catalogGen   // catalog_cache.go

	mu struct {
		sync.Mutex
		closed   bool
		sessions map[*Session]struct{}
		// idle are connections Update may use again, with the
		// statements they keep (Conn.ExecKept): a schedule's run and a
		// CALL's log write through Update every time.
		idle []*Conn
	}
}

// maxIdleConns bounds Warehouse.mu.idle.
const maxIdleConns = 4

// Open opens (creating if needed) the warehouse file in dir, migrates
// blueshift's catalog schema, and runs the SQL front end's prelude.
func Open(ctx context.Context, dir string, opts Options) (*Warehouse, error) {
	if opts.Database == "" {
		opts.Database = "dev"
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("warehouse: data directory: %w", err)
	}
	path := filepath.Join(dir, FileName(opts.Database))
	// SUPER is VARIANT, which DuckDB stores only from storage version 1.5.
	//
	// SUPER columns are stored unshredded (variant_minimum_shredding_size
	// -1), in every table. DuckDB 1.5.6 shreds a VARIANT column into typed
	// columns at each checkpoint; on streaming views of 1 KB change records
	// that made ingest 2.7x slower (checkpoints rewrite the shredded row
	// group) and PartiQL path queries 25-100x slower (200,000 records: 6-24
	// s against 0.08-0.23 s unshredded).
	dsn := path + "?access_mode=read_write&storage_compatibility_version=v1.5.0&variant_minimum_shredding_size=-1"
	// No statement reads or writes files, attaches databases or installs
	// extensions: a SQL client reaches DuckDB's file system only through
	// blueshift (COPY FROM STDIN, TO STDOUT). Otherwise any SQL user could
	// overwrite the data directory's files or read the machine's.
	dsn += "&enable_external_access=false"
	if opts.MemoryLimit != "" {
		dsn += "&memory_limit=" + url.QueryEscape(opts.MemoryLimit)
	}
	if opts.TempLimit != "" {
		dsn += "&max_temp_directory_size=" + url.QueryEscape(opts.TempLimit)
	}
	if opts.Threads > 0 {
		dsn += fmt.Sprintf("&threads=%d", opts.Threads)
	}
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		return nil, fmt.Errorf("warehouse: open %s: %w", path, err)
	}
	w := &Warehouse{
		dynamo:    opts.DynamoDB,
		clock:     opts.Clock,
		path:      path,
		database:  opts.Database,
		log:       obs.Logger(opts.Logger).With("component", "warehouse"),
		connector: connector,
		metrics:   newMetrics(obs.Registerer(opts.Registerer)),
	}
	w.mu.sessions = map[*Session]struct{}{}
	if err := w.setup(ctx); err != nil {
		_ = connector.Close()
		return nil, err
	}
	w.ingest = newIngestManager(w, opts.Sources, obs.Registerer(opts.Registerer))
	w.ingest.deferLoops = opts.DeferAutoRefresh
	if err := w.ingest.setup(ctx); err != nil {
		_ = w.ingest.close()
		_ = connector.Close()
		return nil, err
	}
	if err := w.setupCatalogCompat(ctx); err != nil { // compat_catalog.go
		_ = w.ingest.close()
		_ = connector.Close()
		return nil, err
	}
	w.log.Info("warehouse open", "path", path)
	return w, nil
}

// setup creates the public schema, migrates the catalog and runs the prelude.
func (w *Warehouse) setup(ctx context.Context) error {
	c, err := w.connect(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS public"); err != nil {
		return fmt.Errorf("warehouse: create schema public: %w", err)
	}
	if err := migrate(ctx, c, migrations); err != nil {
		return err
	}
	if err := w.registerJSONGuard(ctx, c); err != nil { // json_guard.go
		return err
	}
	for _, stmt := range compatPrelude() {
		if _, err := c.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("warehouse: catalog compatibility %q: %w", stmt, err)
		}
	}
	for _, stmt := range bsql.Prelude() {
		if _, err := c.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("warehouse: prelude %q: %w", stmt, err)
		}
	}
	return nil
}

// connect opens a new DuckDB connection.
func (w *Warehouse) connect(ctx context.Context) (*Conn, error) {
	dc, err := w.connector.Connect(ctx)
	if err != nil {
		return nil, fmt.Errorf("warehouse: connect: %w", err)
	}
	return &Conn{c: dc.(*duckdb.Conn)}, nil
}

// RunAutoRefresh runs the materialized views' AUTO REFRESH until ctx
// ends, when Options.DeferAutoRefresh kept Open from starting it, then
// stops every refresh loop and waits for them: the background work of the
// warehouse runs under its caller's errgroup like RunSchedules and
// RunSystemLogRetention. Views paused because their refresh crashed the
// process last time stay paused. It returns nil when ctx ends.
func (w *Warehouse) RunAutoRefresh(ctx context.Context) error {
	if err := w.ingest.start(ctx); err != nil {
		return errorf("auto refresh: %w", err)
	}
	<-ctx.Done()
	w.ingest.stop()
	return nil
}

// Path returns the DuckDB file's path.
func (w *Warehouse) Path() string { return w.path }

// Database returns the database name clients connect to.
func (w *Warehouse) Database() string { return w.database }

// NewSession opens a session for user on database, with its own DuckDB
// connection and default settings. database must be the warehouse's name
// (3D000 otherwise); the empty string means the default.
func (w *Warehouse) NewSession(ctx context.Context, user, database string) (*Session, error) {
	if database != "" && database != w.database {
		return nil, sqlerr.New(sqlerr.InvalidCatalogName, "database %q does not exist", database)
	}
	w.mu.Lock()
	closed := w.mu.closed
	w.mu.Unlock()
	if closed {
		return nil, sqlerr.New(sqlerr.AdminShutdown, "the server is shutting down")
	}
	c, err := w.connect(ctx)
	if err != nil {
		return nil, err
	}
	s := newSession(w, c, w.nextSession.Add(1), user, w.database)
	if err := s.init(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.mu.closed {
		_ = c.Close()
		return nil, sqlerr.New(sqlerr.AdminShutdown, "the server is shutting down")
	}
	w.mu.sessions[s] = struct{}{}
	w.metrics.sessions.Inc()
	return s, nil
}

func (w *Warehouse) forget(s *Session) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.mu.sessions[s]; ok {
		delete(w.mu.sessions, s)
		w.metrics.sessions.Dec()
		w.queries.sessionEnded(s) // querylog.go
	}
}

// Update runs fn on a fresh connection inside a transaction of its own, and
// commits when fn returns nil (rolls back otherwise). Engine work that must
// not depend on any client's transaction (refreshes, schedules) uses it.
func (w *Warehouse) Update(ctx context.Context, fn func(c *Conn) error) (err error) {
	w.mu.Lock()
	var c *Conn
	if n := len(w.mu.idle); n > 0 {
		c, w.mu.idle = w.mu.idle[n-1], w.mu.idle[:n-1]
	}
	w.mu.Unlock()
	if c == nil {
		if c, err = w.connect(ctx); err != nil {
			return err
		}
	}
	err = c.InTx(ctx, func() error { return fn(c) })
	if err != nil || ctx.Err() != nil {
		// Its state is not known to be clean: it goes.
		_ = c.Close()
		return err
	}
	w.mu.Lock()
	if !w.mu.closed && len(w.mu.idle) < maxIdleConns {
		w.mu.idle = append(w.mu.idle, c)
		c = nil
	}
	w.mu.Unlock()
	if c != nil {
		_ = c.Close()
	}
	return nil
}

// InTx runs fn in a transaction of its own on c: it commits when fn returns
// nil and rolls back otherwise. c must not be in a transaction already.
func (c *Conn) InTx(ctx context.Context, fn func() error) error {
	if _, err := c.ExecKept(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	if err := fn(); err != nil {
		if _, rbErr := c.Exec(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
			err = errors.Join(err, rbErr)
		}
		return err
	}
	_, err := c.ExecKept(ctx, "COMMIT")
	return err
}

// Close cancels running statements, closes every session, checkpoints the
// database file and closes it. Sessions are unusable afterwards.
func (w *Warehouse) Close() error {
	w.mu.Lock()
	if w.mu.closed {
		w.mu.Unlock()
		return nil
	}
	w.mu.closed = true
	sessions := make([]*Session, 0, len(w.mu.sessions))
	for s := range w.mu.sessions {
		sessions = append(sessions, s)
	}
	idle := w.mu.idle
	w.mu.idle = nil
	w.mu.Unlock()
	var errs []error
	for _, c := range idle {
		errs = append(errs, c.Close())
	}
	errs = append(errs, w.ingest.close())
	for _, s := range sessions {
		s.Cancel()
		if err := s.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if c, err := w.connect(context.Background()); err == nil {
		if _, err := c.Exec(context.Background(), "CHECKPOINT"); err != nil {
			errs = append(errs, fmt.Errorf("warehouse: checkpoint: %w", err))
		}
		errs = append(errs, c.Close())
	}
	errs = append(errs, w.connector.Close())
	w.log.Info("warehouse closed", "path", w.path)
	return errors.Join(errs...)
}

// Conn is one DuckDB connection. Engine code gets one from Session.Conn (the
// session's, in its current transaction) or from Warehouse.Update (its own).
// A Conn is not safe for concurrent use.
type Conn struct {
	c      *duckdb.Conn
	stream *Result // the result streaming from c, if any
	// stmts are the statements ExecKept prepared, by text: engine code
	// runs the same few bookkeeping statements (a streaming batch's
	// positions, scan states and history) on one connection again and
	// again, and preparing took a fifth of their time. DuckDB binds a kept
	// statement again itself when the catalog it read has changed.
	stmts map[string]*duckdb.Stmt
}

// maxConnStmts bounds Conn.stmts: past it the cache starts again empty.
const maxConnStmts = 64

// yield frees the connection for another statement: a result still
// streaming from it is read to its end into memory first, since DuckDB ends
// a streaming result when its connection runs anything else.
func (c *Conn) yield() {
	if r := c.stream; r != nil {
		r.detach()
	}
}

// Exec runs one DuckDB statement and returns the number of rows it changed.
// args bind to $1..$n.
func (c *Conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	c.yield()
	res, err := c.c.ExecContext(ctx, query, namedArgs(args))
	return c.affected(ctx, query, res, err)
}

// ExecKept is Exec for the bookkeeping statements engine code runs again
// and again on one connection: the statement stays prepared on c (see
// Conn.stmts). Only for statements whose plan cannot depend on the data:
// INSERT ... VALUES, and UPDATE or DELETE filtered on parameters alone.
// DuckDB folds a filter on a constant that a column's statistics rule out
// into an empty plan, which a kept statement would go on using after the
// data changed.
func (c *Conn) ExecKept(ctx context.Context, query string, args ...any) (int64, error) {
	c.yield()
	res, err := c.execKept(ctx, query, args)
	return c.affected(ctx, query, res, err)
}

func (c *Conn) affected(ctx context.Context, query string, res driver.Result, err error) (int64, error) {
	if err != nil {
		c.settle(ctx)
		return 0, classify(err, query)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, nil
	}
	return n, nil
}

// execKept runs query, one statement, as a statement kept prepared on c.
// A statement that fails is not kept.
func (c *Conn) execKept(ctx context.Context, query string, args []any) (driver.Result, error) {
	st, ok := c.stmts[query]
	if !ok {
		ds, err := c.c.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		st = ds.(*duckdb.Stmt)
		if len(c.stmts) >= maxConnStmts {
			c.closeStmts()
		}
		if c.stmts == nil {
			c.stmts = map[string]*duckdb.Stmt{}
		}
		c.stmts[query] = st
	}
	res, err := st.ExecContext(ctx, namedArgs(args))
	if err != nil {
		delete(c.stmts, query)
		_ = st.Close()
	}
	return res, err
}

func (c *Conn) closeStmts() {
	for _, st := range c.stmts {
		_ = st.Close()
	}
	c.stmts = nil
}

// Query runs one DuckDB statement and returns its rows as a streaming Result.
// The caller must Close it.
func (c *Conn) Query(ctx context.Context, query string, args ...any) (*Result, error) {
	st, err := c.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := st.run(ctx, c, args, "")
	if err != nil {
		st.close()
		return nil, err
	}
	res.onClose = append(res.onClose, st.close)
	return res, nil
}

// settle ends a statement that ctx cancelled before it ran. The driver
// (duckdb-go v2.10506) can give up on a statement after DuckDB has begun
// it (a pending query, in autocommit its transaction too) and before it
// executes; DuckDB then keeps that query active on the connection, and
// the query keeps the database instance alive after the connection and
// the connector close: the file is never released, and opening it again
// in this process waits forever in DuckDB's instance cache. Running any
// statement ends the abandoned query (rolling its transaction back), so
// settle runs one, uncancelled, after a call that failed with its context
// ended.
func (c *Conn) settle(ctx context.Context) {
	if ctx.Err() == nil {
		return
	}
	// Its own error (an aborted transaction's, say) changes nothing.
	c.yield()
	_, _ = c.c.ExecContext(context.Background(), "SELECT 1", nil)
}

// Close closes the connection.
func (c *Conn) Close() error {
	if r := c.stream; r != nil {
		_ = r.Close()
	}
	c.closeStmts()
	if err := c.c.Close(); err != nil {
		return fmt.Errorf("warehouse: close connection: %w", err)
	}
	return nil
}

func namedArgs(args []any) []driver.NamedValue {
	if len(args) == 0 {
		return nil
	}
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return nv
}

type metrics struct {
	sessions   prometheus.Gauge
	statements *prometheus.CounterVec
	errors     *prometheus.CounterVec
	duration   prometheus.Histogram
	schedule   *scheduleMetrics // schedule_run.go
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		sessions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "blueshift_warehouse_sessions_open",
			Help: "Open warehouse sessions.",
		}),
		statements: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "blueshift_warehouse_statements_total",
			Help: "Statements executed, by command.",
		}, []string{"command"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "blueshift_warehouse_statement_errors_total",
			Help: "Statements that failed, by SQLSTATE.",
		}, []string{"sqlstate"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "blueshift_warehouse_statement_duration_seconds",
			Help:    "Time to execute a statement, until its first row is ready.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10),
		}),
	}
	reg.MustRegister(m.sessions, m.statements, m.errors, m.duration)
	m.schedule = newScheduleMetrics(reg)
	return m
}

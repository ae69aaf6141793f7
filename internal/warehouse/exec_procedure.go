package warehouse

// Stored procedures: CREATE [OR REPLACE] PROCEDURE, DROP PROCEDURE, CALL, and
// the session the PL/pgSQL interpreter (internal/plpgsql) runs on.
//
// Behavior:
//   - Procedures are rows of blueshift_catalog.procedures, written in the
//     caller's transaction, so they commit (or roll back) with the data.
//     CREATE parses the body and reports syntax errors then, as Redshift does.
//   - One procedure per schema-qualified name: CREATE of an existing name needs
//     OR REPLACE (overloading by argument types is not supported).
//   - CALL passes IN and INOUT arguments (or every argument, OUT included);
//     with OUT or INOUT parameters it returns one row of their final values.
//   - A top-level CALL inside a transaction block, or any call under a
//     procedure created with SET options, cannot COMMIT, ROLLBACK or TRUNCATE.
//   - Every call and every RAISE is recorded in SVL_STORED_PROC_CALL and
//     SVL_STORED_PROC_MESSAGES, in a transaction of their own, so they stay
//     even when the call fails and its work is rolled back.
//   - System views live in DuckDB's main schema, which DuckDB searches after
//     the search_path: they resolve unqualified, like Redshift's.

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/blueshift-dev/blueshift/internal/plpgsql"
	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// procedureMigration creates the procedure catalog and the call log.
var procedureMigration = Migration{Name: "0002_procedures", SQL: []string{
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.procedures (
		schema_name VARCHAR NOT NULL,
		name        VARCHAR NOT NULL,
		params      VARCHAR NOT NULL, -- JSON: [{"Name","Mode","Type"}]
		nonatomic   BOOLEAN NOT NULL,
		security    VARCHAR NOT NULL,
		config      VARCHAR NOT NULL, -- JSON: ["name=value"]
		body        VARCHAR NOT NULL,
		owner       VARCHAR NOT NULL,
		created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
		PRIMARY KEY (schema_name, name)
	)`,
	`CREATE SEQUENCE IF NOT EXISTS ` + CatalogSchema + `.proc_query_seq`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.stored_proc_calls (
		userid INTEGER, session_userid INTEGER, query INTEGER, label VARCHAR,
		xid BIGINT, pid INTEGER, database VARCHAR, querytxt VARCHAR,
		starttime TIMESTAMP, endtime TIMESTAMP, aborted INTEGER, from_sp_call INTEGER
	)`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.stored_proc_messages (
		userid INTEGER, session_userid INTEGER, pid INTEGER, xid BIGINT, query INTEGER,
		recordtime TIMESTAMP, loglevel INTEGER, loglevel_text VARCHAR, message VARCHAR,
		linenum INTEGER, querytext VARCHAR, label VARCHAR, aborted INTEGER, message_xid BIGINT
	)`,
	`CREATE OR REPLACE VIEW main.svl_stored_proc_call AS
		SELECT userid, session_userid, query, label, xid, pid, database, querytxt,
		       starttime, endtime, aborted, from_sp_call
		FROM ` + CatalogSchema + `.stored_proc_calls`,
	`CREATE OR REPLACE VIEW main.svl_stored_proc_messages AS
		SELECT userid, session_userid, pid, xid, query, recordtime, loglevel, loglevel_text,
		       message, linenum, querytext, label, aborted, message_xid
		FROM ` + CatalogSchema + `.stored_proc_messages`,
}}

// procUserID is the userid recorded in the call log (Redshift's first user).
const procUserID = 100

// procedure is a catalog row.
type procedure struct {
	schema, name string
	params       []plpgsql.Param
	nonatomic    bool
	security     string
	config       []string
	body         string
}

func (p *procedure) qualified() string { return p.schema + "." + p.name }

// createProc, dropProc and callProc are the procedure statements as the
// engine runs them, read from the SQL front end's tree (procedureStmt).
type createProc struct {
	procedure
	orReplace bool
	bodyPos   int
}

type dropProc struct {
	ifExists     bool
	schema, name string
}

type callProc struct {
	schema, name string
	// args is "SELECT arg1, arg2, ...": the argument values, computed as
	// one row before the call; empty without arguments.
	args string
}

// planProcedure plans CREATE PROCEDURE, DROP PROCEDURE and CALL.
func (s *Session) planProcedure(ctx context.Context, stmt ast.Stmt, text string) (*plan, error) {
	switch n := s.procedureStmt(stmt).(type) {
	case *createProc:
		return &plan{command: "CREATE PROCEDURE", run: func(ctx context.Context, _ []any) (*Result, error) {
			return s.createProcedure(ctx, n)
		}}, nil
	case *dropProc:
		return &plan{command: "DROP PROCEDURE", run: func(ctx context.Context, _ []any) (*Result, error) {
			return s.dropProcedure(ctx, n)
		}}, nil
	case *callProc:
		pl := &plan{command: "CALL", run: func(ctx context.Context, params []any) (*Result, error) {
			return s.callStatement(ctx, n, params, text)
		}}
		// Describe the OUT row before the call runs (the extended protocol asks).
		if p, err := s.lookupProcedure(ctx, n.schema, n.name); err == nil {
			if out, err := s.outPlan(ctx, p); err == nil && out != nil {
				pl.columns = out.columns
				if out.prep != nil {
					out.prep.close()
				}
			}
		}
		return pl, nil
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "statement %T is not a procedure statement", stmt)
}

// procedureStmt reads a procedure statement's tree. Names fold as the
// session folds identifiers; parameter names are lower case, as the
// interpreter looks them up.
func (s *Session) procedureStmt(stmt ast.Stmt) any {
	opts := s.Options()
	name := func(n ast.Name) (string, string) {
		if len(n) >= 2 {
			// schema.name, or database.schema.name in the current database
			return bsql.Fold(n[len(n)-2], false, opts), bsql.Fold(n.Last(), false, opts)
		}
		return "public", bsql.Fold(n.Last(), false, opts)
	}
	switch n := stmt.(type) {
	case *ast.CreateProcedure:
		c := &createProc{orReplace: n.OrReplace, bodyPos: n.BodyPos}
		c.schema, c.name = name(n.Name)
		c.nonatomic, c.body, c.security = n.Nonatomic, n.Body, n.Security
		if c.security == "" {
			c.security = "invoker"
		}
		for _, a := range n.Args {
			prm := plpgsql.Param{Name: strings.ToLower(a.Name.Name), Type: ast.FormatType(a.Type), Mode: plpgsql.In}
			switch a.Mode {
			case "out":
				prm.Mode = plpgsql.Out
			case "inout":
				prm.Mode = plpgsql.InOut
			}
			c.params = append(c.params, prm)
		}
		for _, set := range n.Set {
			c.config = append(c.config, set.Name+"="+strings.Join(set.Values, ", "))
		}
		return c
	case *ast.DropProcedure:
		d := &dropProc{ifExists: n.IfExists}
		d.schema, d.name = name(n.Name)
		return d
	case *ast.Call:
		c := &callProc{}
		c.schema, c.name = name(n.Name)
		if len(n.Args) > 0 {
			sel := &ast.Select{}
			for _, a := range n.Args {
				sel.Items = append(sel.Items, ast.SelectItem{X: a})
			}
			c.args = ast.Format(sel)
		}
		return c
	}
	return nil
}

func (s *Session) createProcedure(ctx context.Context, n *createProc) (*Result, error) {
	// The parser accepts LANGUAGE plpgsql only (0A000 for any other).
	if _, err := plpgsql.Parse(n.body, n.params); err != nil {
		if e, ok := sqlerr.As(err); ok && e.Position > 0 {
			return nil, e.At(e.Position + n.bodyPos)
		}
		return nil, err
	}
	params, _ := json.Marshal(n.params)
	config, _ := json.Marshal(n.config)
	err := s.Atomic(ctx, func() error {
		var exists bool
		res, err := s.conn.Query(ctx, "SELECT count(*) > 0 FROM "+CatalogSchema+".procedures WHERE schema_name = $1 AND name = $2", n.schema, n.name)
		if err != nil {
			return err
		}
		if res.Next() {
			exists, _ = res.Values()[0].(bool)
		}
		if err := res.Close(); err != nil {
			return err
		}
		if exists && !n.orReplace {
			return sqlerr.New(sqlerr.DuplicateFunction, "procedure %q already exists with same argument types", n.name)
		}
		if exists {
			if _, err := s.conn.Exec(ctx, "DELETE FROM "+CatalogSchema+".procedures WHERE schema_name = $1 AND name = $2", n.schema, n.name); err != nil {
				return err
			}
		}
		_, err = s.conn.Exec(ctx, "INSERT INTO "+CatalogSchema+".procedures (schema_name, name, params, nonatomic, security, config, body, owner) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			n.schema, n.name, string(params), n.nonatomic, n.security, string(config), n.body, s.user)
		return err
	})
	if err != nil {
		return nil, err
	}
	return commandResult("CREATE PROCEDURE"), nil
}

func (s *Session) dropProcedure(ctx context.Context, n *dropProc) (*Result, error) {
	err := s.Atomic(ctx, func() error {
		count, err := s.conn.Exec(ctx, "DELETE FROM "+CatalogSchema+".procedures WHERE schema_name = $1 AND name = $2", n.schema, n.name)
		if err != nil {
			return err
		}
		if count == 0 && !n.ifExists {
			return sqlerr.New(sqlerr.UndefinedFunction, "procedure %s does not exist", n.name)
		}
		if count == 0 {
			s.Notify(Notice{Severity: "NOTICE", Message: fmt.Sprintf("procedure %s does not exist, skipping", n.name)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return commandResult("DROP PROCEDURE"), nil
}

// lookupProcedure reads a procedure in the session's current transaction,
// or returns what the session read before while the catalog has not
// changed since (catalog_cache.go): a CALL on a schedule reads it once.
func (s *Session) lookupProcedure(ctx context.Context, schema, name string) (*procedure, error) {
	key := schema + "\x00" + name
	now := s.w.catalogGen.stamp(strings.ToLower(name))
	if e, ok := s.memo.procs[key]; ok && e.at == now {
		return e.val, nil
	}
	p, err := s.readProcedure(ctx, schema, name)
	if err != nil {
		return nil, err
	}
	if s.memo.procs == nil {
		s.memo.procs = map[string]memoEntry[*procedure]{}
	}
	s.memo.procs[key] = memoEntry[*procedure]{at: now, name: strings.ToLower(name), val: p}
	return p, nil
}

func (s *Session) readProcedure(ctx context.Context, schema, name string) (*procedure, error) {
	res, err := s.conn.Query(ctx, "SELECT params, nonatomic, security, config, body FROM "+CatalogSchema+".procedures WHERE schema_name = $1 AND name = $2", schema, name)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	if !res.Next() {
		if err := res.Err(); err != nil {
			return nil, err
		}
		return nil, sqlerr.New(sqlerr.UndefinedFunction, "procedure %s does not exist", name)
	}
	v := res.Values()
	p := &procedure{schema: schema, name: name}
	p.nonatomic, _ = v[1].(bool)
	p.security, _ = v[2].(string)
	p.body, _ = v[4].(string)
	if err := json.Unmarshal([]byte(v[0].(string)), &p.params); err != nil {
		return nil, fmt.Errorf("warehouse: procedure %s: params: %w", name, err)
	}
	if err := json.Unmarshal([]byte(v[3].(string)), &p.config); err != nil {
		return nil, fmt.Errorf("warehouse: procedure %s: config: %w", name, err)
	}
	return p, nil
}

// bodies caches parsed procedure bodies by (arguments, body). A parsed body
// is immutable and a pure function of its text, so calls share it.
var bodies = struct {
	sync.Mutex
	m map[string]*plpgsql.Body
}{m: map[string]*plpgsql.Body{}}

func parsedBody(p *procedure) (*plpgsql.Body, error) {
	key, _ := json.Marshal(p.params)
	k := string(key) + "\x00" + p.body
	bodies.Lock()
	b, ok := bodies.m[k]
	bodies.Unlock()
	if ok {
		return b, nil
	}
	b, err := plpgsql.Parse(p.body, p.params)
	if err != nil {
		return nil, err
	}
	bodies.Lock()
	if len(bodies.m) > 1024 {
		bodies.m = map[string]*plpgsql.Body{}
	}
	bodies.m[k] = b
	bodies.Unlock()
	return b, nil
}

// callStatement runs a top-level CALL: it evaluates the arguments and
// returns the OUT values as a row.
func (s *Session) callStatement(ctx context.Context, n *callProc, params []any, text string) (*Result, error) {
	var args []any
	if n.args != "" {
		pl, err := s.planText(ctx, n.args) // frontend.go
		if err != nil {
			return nil, err
		}
		rows, err := drain(ctx, pl, params)
		if pl.prep != nil {
			pl.prep.close()
		}
		if err != nil {
			return nil, err
		}
		if len(rows.Rows) == 1 {
			args = rows.Rows[0]
		}
	}
	p, outs, err := s.call(ctx, n.schema, n.name, args, text)
	if err != nil {
		return nil, err
	}
	if len(outs.Values) == 0 {
		return commandResult("CALL"), nil
	}
	pl, err := s.outPlan(ctx, p)
	if err != nil {
		return nil, err
	}
	return pl.run(ctx, bindable(outs.Values))
}

// outPlan plans the one row of OUT values a CALL returns, typed by the
// parameters' declarations; nil when the procedure has no OUT parameters.
func (s *Session) outPlan(ctx context.Context, p *procedure) (*plan, error) {
	var cols []string
	k := 0
	for _, prm := range p.params {
		if prm.Mode == plpgsql.In {
			continue
		}
		k++
		name := prm.Name
		if name == "" {
			name = fmt.Sprintf("column%d", k)
		}
		cols = append(cols, fmt.Sprintf("CAST($%d AS %s) AS %s", k, prm.Type, quoteIdent(name)))
	}
	if len(cols) == 0 {
		return nil, nil
	}
	q := "SELECT " + strings.Join(cols, ", ")
	tr, err := bsql.Translate(q, s.Options())
	if err != nil {
		return nil, err
	}
	return s.plan(ctx, tr, q)
}

// call runs procedure schema.name with argument values, top-level or nested.
func (s *Session) call(ctx context.Context, schema, name string, args []any, text string) (*procedure, *plpgsql.CallResult, error) {
	if s.txn.proc == nil {
		s.txn.proc = &procState{inTxn: s.inBlock(), noTxnControl: s.inBlock(), reason: "an explicit transaction block"}
		defer func() { s.txn.proc = nil }()
	}
	st := s.txn.proc
	p, err := s.lookupProcedure(ctx, schema, name)
	if err != nil {
		return nil, nil, err
	}
	full, out, err := bindCall(p, args)
	if err != nil {
		return nil, nil, err
	}
	body, err := parsedBody(p)
	if err != nil {
		return nil, nil, err
	}
	opts := plpgsql.Options{Nonatomic: p.nonatomic, NoTxnControl: st.noTxnControl, Reason: st.reason, Name: p.name}
	saved, savedReason := st.noTxnControl, st.reason
	if len(p.config) > 0 {
		opts.NoTxnControl, opts.Reason = true, "a procedure created with SET options"
		st.noTxnControl, st.reason = opts.NoTxnControl, opts.Reason
	}
	rec := &callRecord{start: time.Now().UTC(), text: text}
	rec.query = s.nextQueryID(ctx)
	if len(st.queries) > 0 {
		rec.parent = st.queries[len(st.queries)-1]
	}
	st.queries = append(st.queries, rec.query)
	st.depth++
	ps := &procSession{s: s, st: st, rec: rec}
	values, err := plpgsql.Run(ctx, ps, body, full, opts)
	st.depth--
	st.queries = st.queries[:len(st.queries)-1]
	st.noTxnControl, st.reason = saved, savedReason
	rec.end = time.Now().UTC()
	rec.aborted = err != nil
	s.logCall(ctx, rec)
	if err != nil {
		return nil, nil, err
	}
	out.Values = values
	return p, out, nil
}

// bindCall lines up call arguments with parameters: either one per IN and
// INOUT parameter, or one per parameter.
func bindCall(p *procedure, args []any) ([]any, *plpgsql.CallResult, error) {
	nIn := 0
	for _, prm := range p.params {
		if prm.Mode != plpgsql.Out {
			nIn++
		}
	}
	full := make([]any, len(p.params))
	out := &plpgsql.CallResult{}
	switch len(args) {
	case len(p.params):
		copy(full, args)
		for i, prm := range p.params {
			if prm.Mode == plpgsql.Out {
				full[i] = nil
			}
			if prm.Mode != plpgsql.In {
				out.Names = append(out.Names, prm.Name)
				out.ArgIdx = append(out.ArgIdx, i)
			}
		}
	case nIn:
		k := 0
		for i, prm := range p.params {
			idx := -1
			if prm.Mode != plpgsql.Out {
				full[i] = args[k]
				idx = k
				k++
			}
			if prm.Mode != plpgsql.In {
				out.Names = append(out.Names, prm.Name)
				out.ArgIdx = append(out.ArgIdx, idx)
			}
		}
	default:
		var types []string
		for _, prm := range p.params {
			if prm.Mode != plpgsql.Out {
				types = append(types, prm.Type)
			}
		}
		return nil, nil, sqlerr.New(sqlerr.UndefinedFunction, "procedure %s(%s) takes %d arguments, %d given", p.name, strings.Join(types, ", "), nIn, len(args))
	}
	for i, v := range full {
		full[i] = v
	}
	return full, out, nil
}

// callRecord is one call's row of SVL_STORED_PROC_CALL and its messages.
type callRecord struct {
	query, parent int64
	text          string
	start, end    time.Time
	aborted       bool
	messages      []procMessage
}

type procMessage struct {
	at time.Time
	n  plpgsql.Notice
}

func (s *Session) nextQueryID(ctx context.Context) int64 {
	q := &s.w.procQuery
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.seeded {
		// The highest number given before: the log's, or that of the
		// sequence that numbered calls before they were counted in memory.
		err := s.w.Update(ctx, func(c *Conn) error {
			res, err := c.Query(ctx, `SELECT greatest(
				(SELECT coalesce(max(query), 0) FROM `+CatalogSchema+`.stored_proc_calls),
				(SELECT coalesce(max(last_value), 0) FROM duckdb_sequences()
					WHERE schema_name = '`+CatalogSchema+`' AND sequence_name = 'proc_query_seq'))::BIGINT`)
			if err != nil {
				return err
			}
			defer res.Close()
			if res.Next() {
				q.next, _ = res.Values()[0].(int64)
			}
			return res.Err()
		})
		if err != nil {
			s.log.Warn("procedure call numbers", "err", err)
		}
		q.seeded = err == nil
	}
	q.next++
	return q.next
}

// procQueryIDs numbers procedure calls (SVL_STORED_PROC_CALL's query):
// seeded once from the highest number logged, then counted in memory, so
// that a CALL costs no catalog transaction for its number. A call that
// ends without its log (a crash) leaves its number to be given again, to
// a call that is logged.
type procQueryIDs struct {
	mu     sync.Mutex
	seeded bool
	next   int64
}

// logCall writes the call and its messages in a transaction of their own,
// so they stay when the call's work rolls back.
func (s *Session) logCall(ctx context.Context, rec *callRecord) {
	aborted := 0
	if rec.aborted {
		aborted = 1
	}
	var parent any
	if rec.parent != 0 {
		parent = rec.parent
	}
	err := s.w.Update(context.WithoutCancel(ctx), func(c *Conn) error {
		if _, err := c.ExecKept(ctx, "INSERT INTO "+CatalogSchema+".stored_proc_calls VALUES ($1, $1, $2, 'default', 0, $3, $4, $5, $6, $7, $8, $9)",
			procUserID, rec.query, int64(s.id), s.database, rec.text, rec.start, rec.end, aborted, parent); err != nil {
			return err
		}
		for _, m := range rec.messages {
			if _, err := c.ExecKept(ctx, "INSERT INTO "+CatalogSchema+".stored_proc_messages VALUES ($1, $1, $2, 0, $3, $4, $5, $6, $7, $8, $9, 'default', $10, 0)",
				procUserID, int64(s.id), rec.query, m.at, int64(m.n.Level), m.n.Level.String(), m.n.Message, int64(m.n.Line), rec.text, aborted); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.log.Warn("procedure call log", "err", err, "query", rec.query)
	}
}

// procSession is the plpgsql.Session of one call.
type procSession struct {
	s   *Session
	st  *procState
	rec *callRecord
}

var _ plpgsql.Session = (*procSession)(nil)

type procStmt struct {
	s  *Session
	pl *plan
}

func (ps *procSession) Prepare(ctx context.Context, sql string) (plpgsql.Prepared, error) {
	pl, err := ps.s.planText(ctx, sql) // frontend.go; each run in a later second sees a later GETDATE()
	if err != nil {
		return nil, err
	}
	return &procStmt{s: ps.s, pl: pl}, nil
}

func (p *procStmt) Run(ctx context.Context, args []any) (*plpgsql.Result, error) {
	args = bindable(args)
	// Values go in as the parameter's own type: DuckDB re-plans a prepared
	// statement whose argument types differ from the ones it was bound with.
	for i, a := range args {
		if i >= len(p.pl.params) {
			break
		}
		if n, ok := a.(int64); ok {
			switch p.pl.params[i].Kind {
			case KindInt32:
				if n >= math.MinInt32 && n <= math.MaxInt32 {
					args[i] = int32(n)
				}
			case KindInt16:
				if n >= math.MinInt16 && n <= math.MaxInt16 {
					args[i] = int16(n)
				}
			}
		}
	}
	return drain(ctx, p.pl, args)
}

func (p *procStmt) Close() error {
	if p.pl.prep != nil {
		p.pl.prep.close()
	}
	return nil
}

// drain runs a plan and collects its rows.
func drain(ctx context.Context, pl *plan, args []any) (*plpgsql.Result, error) {
	res, err := pl.run(ctx, args)
	if err != nil {
		return nil, err
	}
	out := &plpgsql.Result{}
	for _, c := range res.Columns {
		out.Columns = append(out.Columns, c.Name)
	}
	for res.Next() {
		out.Rows = append(out.Rows, append([]any(nil), res.Values()...))
	}
	if err := res.Close(); err != nil {
		return nil, err
	}
	out.RowsAffected = res.RowsAffected()
	return out, nil
}

// bindable turns values read from results back into parameters DuckDB accepts.
func bindable(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case Interval:
			out[i] = fmt.Sprintf("%d months %d days %d microseconds", v.Months, v.Days, v.Micros)
		default:
			out[i] = v
		}
	}
	return out
}

func (ps *procSession) Call(ctx context.Context, name string, args []any) (*plpgsql.CallResult, error) {
	schema, n := "public", name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		schema, n = name[:i], name[i+1:]
		if j := strings.LastIndexByte(schema, '.'); j >= 0 {
			schema = schema[j+1:] // database.schema.name
		}
	}
	_, out, err := ps.s.call(ctx, schema, n, args, "CALL "+name+"(...)")
	return out, err
}

func (ps *procSession) Notice(_ context.Context, n plpgsql.Notice) {
	ps.rec.messages = append(ps.rec.messages, procMessage{at: time.Now().UTC(), n: n})
	switch n.Level {
	case plpgsql.LevelInfo, plpgsql.LevelNotice, plpgsql.LevelWarning:
		ps.s.Notify(Notice{Severity: n.Level.String(), Message: n.Message})
	}
}

func (ps *procSession) InTransaction() bool { return ps.st.inTxn }

func (ps *procSession) Begin(ctx context.Context) error { return ps.s.procBegin(ctx) } // txn.go

func (ps *procSession) Commit(ctx context.Context) error { return ps.s.procCommit(ctx) }

func (ps *procSession) Rollback(ctx context.Context) error {
	err := ps.s.procRollback(ctx)
	if err != nil && strings.Contains(err.Error(), "no transaction is active") {
		return nil
	}
	return err
}

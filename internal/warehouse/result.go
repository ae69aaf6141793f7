package warehouse

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// Result is the outcome of one statement. A statement that returns rows has
// Columns (possibly zero of them for a SELECT without columns is impossible in
// SQL, so nil means "no rows": a command). Rows stream: call Next until it
// returns false, then Err; Tag is complete once Next has returned false.
// Close releases the rows early. A Result is not safe for concurrent use.
type Result struct {
	// Columns describes the rows; nil for statements that return none.
	Columns []Column
	// Notices raised while the statement ran, in order.
	Notices []Notice
	// Copy is set for a COPY that exchanges data with the client: for TO
	// STDOUT the rows are the data to send; for FROM STDIN the protocol layer
	// reads the data and passes it to Session.CopyIn.
	Copy *CopyStmt

	command  string // the tag's first words: SELECT, INSERT 0, UPDATE, CREATE TABLE...
	affected int64  // rows changed, or rows read so far
	counted  bool   // the tag carries a row count
	rows     driver.Rows
	static   [][]any
	dst      []driver.Value
	vals     []any
	err      error
	done     bool
	onClose  []func()
	onErr    func(error) // told when the rows end in an error

	// A streaming result (DuckDB computes rows as they are read) holds its
	// connection: conn is set while it streams. When the connection must
	// run something else first, yield reads the rest into buffered.
	conn     *Conn
	guard    *stmtGuard // of a streaming result: its statement runs until it closes
	detached bool
	buffered [][]any
	bufErr   error
}

// Notice is a message for the client that is not an error (Postgres's
// NoticeResponse): RAISE NOTICE, "there is no transaction in progress", and the like.
type Notice struct {
	Severity string // WARNING, NOTICE, INFO, LOG, DEBUG
	Code     string // SQLSTATE, "00000" when empty
	Message  string
	Detail   string
	Hint     string
}

// Next advances to the next row. It returns false at the end or on error.
func (r *Result) Next() bool {
	if r.done {
		return false
	}
	if r.static != nil {
		if int(r.affected) >= len(r.static) {
			r.finish(nil)
			return false
		}
		r.vals = r.static[r.affected]
		r.affected++
		return true
	}
	if r.detached {
		if len(r.buffered) == 0 {
			r.finish(r.bufErr)
			return false
		}
		r.vals, r.buffered[0] = r.buffered[0], nil
		r.buffered = r.buffered[1:]
		r.affected++
		return true
	}
	if r.rows == nil {
		r.finish(nil)
		return false
	}
	if err := r.rows.Next(r.dst); err != nil {
		if errors.Is(err, io.EOF) {
			err = nil
		}
		r.finish(err)
		return false
	}
	for i, v := range r.dst {
		r.vals[i] = normalize(v, r.Columns[i].Type.Kind)
	}
	r.affected++
	return true
}

func (r *Result) finish(err error) {
	if err != nil && r.err == nil {
		r.err = classify(err, "")
		if r.guard != nil {
			r.err = r.guard.explain(r.err)
		}
	}
	r.release()
	if r.err != nil && r.onErr != nil {
		r.onErr(r.err)
		r.onErr = nil
	}
}

// detach reads the rest of a streaming result into memory and lets its
// connection go, for the connection must run another statement while the
// client has not read all of it (two portals open at once, engine code
// between). An error met on the way is kept for the row it came at.
func (r *Result) detach() {
	if r.conn != nil && r.conn.stream == r {
		r.conn.stream = nil
	}
	r.conn = nil
	if r.done || r.rows == nil || r.detached {
		return
	}
	held := 0
	for {
		if err := r.rows.Next(r.dst); err != nil {
			if !errors.Is(err, io.EOF) {
				r.bufErr = err
			}
			break
		}
		row := make([]any, len(r.dst))
		for i, v := range r.dst {
			row[i] = normalize(v, r.Columns[i].Type.Kind)
			held += valueSize(row[i])
		}
		r.buffered = append(r.buffered, row)
		if held > MaxDetachedBytes {
			r.bufErr = sqlerr.New(sqlerr.OutOfMemory,
				"out of memory: the rest of this result passed %d MB while it was read into memory to run another statement on the connection; read a result to its end (or close its portal) before running another statement", MaxDetachedBytes>>20)
			break
		}
	}
	if err := r.rows.Close(); err != nil && r.bufErr == nil {
		r.bufErr = err
	}
	r.rows = nil
	r.detached = true
}

// MaxDetachedBytes bounds the memory a result read into memory by detach
// may hold: blueshift's own per-statement memory bound (docs/limits.md).
// Past it the result ends, at that row, with 53200.
const MaxDetachedBytes = 256 << 20

// valueSize is about what v takes in memory.
func valueSize(v any) int {
	switch v := v.(type) {
	case string:
		return 16 + len(v)
	case []byte:
		return 24 + len(v)
	}
	return 16
}

func (r *Result) release() {
	if r.done {
		return
	}
	r.done = true
	r.buffered = nil
	if r.conn != nil && r.conn.stream == r {
		r.conn.stream = nil
	}
	r.conn = nil
	if r.rows != nil {
		if err := r.rows.Close(); err != nil && r.err == nil {
			r.err = classify(err, "")
		}
		r.rows = nil
	}
	for _, f := range r.onClose {
		f()
	}
	r.onClose = nil
}

// Resume marks the start of another read of a streaming result's rows (an
// Execute message on a suspended portal): statement_timeout counts again
// from now, as Postgres times each Execute on its own.
func (r *Result) Resume() {
	if r.guard != nil {
		r.guard.resume()
	}
}

// Values returns the current row, valid until the next call to Next. Each
// value is nil (NULL) or the Go type of its column's Kind.
func (r *Result) Values() []any { return r.vals }

// Err returns the error that ended the rows, if any.
func (r *Result) Err() error { return r.err }

// RowsAffected returns the rows changed by a command, or the rows read so far.
func (r *Result) RowsAffected() int64 { return r.affected }

// Tag returns the Postgres command tag: "SELECT 3", "INSERT 0 1", "CREATE TABLE".
func (r *Result) Tag() string {
	if !r.counted {
		return r.command
	}
	return r.command + " " + strconv.FormatInt(r.affected, 10)
}

// Close releases the result's rows. It is safe to call more than once.
func (r *Result) Close() error {
	r.release()
	return r.err
}

// commandResult is a Result without rows.
func commandResult(tag string) *Result {
	return &Result{command: tag, done: true}
}

// rowsResult is a Result holding rows computed by the engine.
func rowsResult(command string, cols []Column, rows [][]any) *Result {
	if rows == nil {
		rows = [][]any{}
	}
	return &Result{command: command, counted: true, Columns: cols, static: rows}
}

// prepared is a DuckDB prepared statement and what blueshift knows about it.
type prepared struct {
	sql     string // the DuckDB SQL actually prepared (possibly wrapped)
	stmt    *duckdb.Stmt
	kind    duckdb.StmtType
	columns []Column // nil for commands
	params  []Type
	busy    bool // rows of a run are open
	// unresolved: DuckDB could not type the result before the parameters
	// are bound; columns are a best guess and each run reads the real ones.
	unresolved bool
}

// rowStatements are the DuckDB statement kinds that return rows.
var rowStatements = map[duckdb.StmtType]bool{
	duckdb.STATEMENT_TYPE_SELECT: true, duckdb.STATEMENT_TYPE_EXPLAIN: true,
	duckdb.STATEMENT_TYPE_PRAGMA: true, duckdb.STATEMENT_TYPE_CALL: true,
	duckdb.STATEMENT_TYPE_RELATION: true, duckdb.STATEMENT_TYPE_EXECUTE: true,
	duckdb.STATEMENT_TYPE_LOGICAL_PLAN: true,
}

// prepare prepares one DuckDB statement on c. A SELECT whose columns the
// driver cannot scan (VARIANT, JSON) is wrapped in a projection that casts
// them to JSON text.
func (c *Conn) prepare(ctx context.Context, query string) (*prepared, error) {
	p, err := c.prepareOnce(ctx, query)
	if err != nil {
		return nil, err
	}
	if p.kind != duckdb.STATEMENT_TYPE_SELECT {
		return p, nil
	}
	cols, casts := p.columns, textCasts(p.stmt, len(p.columns))
	if p.unresolved {
		// Learn the columns from the statement with its parameters replaced
		// by typed NULLs; runs read the real ones.
		var ok bool
		if cols, casts, ok = c.describeWithNulls(ctx, query, p.params); !ok {
			return p, nil
		}
		p.columns = cols
	}
	if len(casts) == 0 {
		return p, nil
	}
	w, err := c.prepareTextCasts(ctx, query, cols, casts)
	if err != nil {
		// Fall back to the plain statement: the error surfaces when it runs.
		return p, nil //nolint:nilerr
	}
	p.close()
	return w, nil
}

// textCasts returns the indexes of st's first n columns whose values the
// driver cannot scan (VARIANT, JSON).
func textCasts(st *duckdb.Stmt, n int) []int {
	var casts []int
	for i := 0; i < n; i++ {
		ti, err := st.ColumnTypeInfo(i)
		if err == nil && needsTextCast(ti) {
			casts = append(casts, i)
		}
	}
	return casts
}

// prepareTextCasts prepares query wrapped in a projection that casts the
// columns at casts (of cols, query's columns) to JSON text.
func (c *Conn) prepareTextCasts(ctx context.Context, query string, cols []Column, casts []int) (*prepared, error) {
	kinds := make([]Type, len(cols))
	var b strings.Builder
	b.WriteString("SELECT ")
	next := 0
	for i, col := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		kinds[i] = col.Type
		if next < len(casts) && casts[next] == i {
			next++
			if col.Type.Kind == KindSuper {
				// A missing SUPER attribute is SQL NULL in Redshift; DuckDB's
				// VARIANT holds it as a JSON null.
				fmt.Fprintf(&b, "nullif(CAST(CAST(#%d AS JSON) AS VARCHAR), 'null')", i+1)
			} else {
				fmt.Fprintf(&b, "CAST(CAST(#%d AS JSON) AS VARCHAR)", i+1)
			}
			if col.Type.Kind != KindSuper {
				kinds[i] = Type{Kind: KindJSON, DuckDB: "JSON"}
			} else {
				kinds[i] = Type{Kind: KindSuper, DuckDB: col.Type.DuckDB}
			}
		} else {
			fmt.Fprintf(&b, "#%d", i+1)
		}
		b.WriteString(" AS ")
		b.WriteString(quoteIdent(col.Name))
	}
	b.WriteString(" FROM (")
	b.WriteString(query)
	b.WriteString("\n) AS blueshift_wire")
	w, err := c.prepareOnce(ctx, b.String())
	if err != nil {
		return nil, err
	}
	if w.unresolved {
		w.columns = make([]Column, len(cols))
		copy(w.columns, cols)
	}
	for i := range w.columns {
		w.columns[i].Type = kinds[i]
	}
	return w, nil
}

// describeWithNulls prepares query with $n replaced by NULL cast to the
// parameter's type, and returns its columns, and which of them need a
// cast to text (textCasts), when DuckDB can type them.
func (c *Conn) describeWithNulls(ctx context.Context, query string, params []Type) ([]Column, []int, bool) {
	subst, ok := substituteParams(query, func(n int) string {
		if n >= 1 && n <= len(params) && params[n-1].DuckDB != "" && params[n-1].Kind != KindUnknown {
			return "CAST(NULL AS " + params[n-1].DuckDB + ")"
		}
		return "NULL"
	})
	if !ok {
		return nil, nil, false
	}
	q, err := c.prepareOnce(ctx, subst)
	if err != nil {
		return nil, nil, false
	}
	defer q.close()
	if q.unresolved || q.columns == nil {
		return nil, nil, false
	}
	return q.columns, textCasts(q.stmt, len(q.columns)), true
}

// substituteParams replaces each $n outside quotes and comments with repl(n).
func substituteParams(query string, repl func(n int) string) (string, bool) {
	var b strings.Builder
	found := false
	last := 0
	toks, err := lex.Tokens(query)
	if err != nil {
		return "", false
	}
	for _, t := range toks {
		if t.Kind != lex.Param {
			continue
		}
		n, err := strconv.Atoi(t.Value)
		if err != nil {
			return "", false
		}
		b.WriteString(query[last:t.Pos])
		b.WriteString(repl(n))
		last, found = t.End, true
	}
	b.WriteString(query[last:])
	return b.String(), found
}

func (c *Conn) prepareOnce(ctx context.Context, query string) (*prepared, error) {
	c.yield()
	ds, err := c.c.PrepareContext(ctx, query)
	if err != nil {
		c.settle(ctx) // the driver runs all but the last of several statements
		return nil, classify(err, query)
	}
	st := ds.(*duckdb.Stmt)
	p := &prepared{sql: query, stmt: st}
	if p.kind, err = st.StatementType(); err != nil {
		_ = st.Close()
		return nil, classify(err, query)
	}
	n := st.NumInput()
	for i := 1; i <= n; i++ {
		t, err := st.ParamType(i)
		if err != nil || t == duckdb.TYPE_INVALID || t == duckdb.TYPE_ANY {
			p.params = append(p.params, Type{Kind: KindUnknown})
			continue
		}
		if t == duckdb.TYPE_LIST {
			// The driver tells a list but not its element type. It is
			// announced as of no type (clients then send its text, a
			// Postgres array literal, which bindArgs reads as a list).
			p.params = append(p.params, Type{Kind: KindUnknown, DuckDB: "[]"})
			continue
		}
		ti, err := duckdb.NewTypeInfo(t)
		if err != nil {
			p.params = append(p.params, Type{Kind: KindUnknown})
			continue
		}
		p.params = append(p.params, typeOf(ti))
	}
	ncols, err := st.ColumnCount()
	if err != nil {
		_ = st.Close()
		return nil, classify(err, query)
	}
	cols := make([]Column, ncols)
	for i := range cols {
		name, _ := st.ColumnName(i)
		if t, err := st.ColumnType(i); err != nil || t == duckdb.TYPE_INVALID {
			p.unresolved = true
		}
		ti, err := st.ColumnTypeInfo(i)
		if err != nil {
			ti = nil
		}
		cols[i] = Column{Name: bsql.DisplayName(name), Type: typeOf(ti)}
	}
	if rowStatements[p.kind] || !isCountColumns(cols) {
		p.columns = cols
	}
	if p.kind == duckdb.STATEMENT_TYPE_EXPLAIN {
		p.columns, p.unresolved = explainColumns, false // explain.go
	}
	return p, nil
}

// isCountColumns reports whether cols are DuckDB's result of a command: one
// "Count" BIGINT or one "Success" BOOLEAN.
func isCountColumns(cols []Column) bool {
	if len(cols) != 1 {
		return len(cols) == 0
	}
	return (cols[0].Name == "Count" && cols[0].Type.Kind == KindInt64) ||
		(cols[0].Name == "Success" && cols[0].Type.Kind == KindBool)
}

func (p *prepared) close() {
	if p.stmt != nil {
		_ = p.stmt.Close()
		p.stmt = nil
	}
}

// reprepare replaces p's DuckDB statement by one prepared afresh from the
// same SQL, for a new plan. While rows of an earlier run are open, runs
// prepare a statement of their own anyway (see run), so p keeps its own.
func (p *prepared) reprepare(ctx context.Context, c *Conn) error {
	if p.busy || p.stmt == nil {
		return nil
	}
	c.yield()
	ds, err := c.c.PrepareContext(ctx, p.sql)
	if err != nil {
		c.settle(ctx)
		return classify(err, p.sql)
	}
	_ = p.stmt.Close()
	p.stmt = ds.(*duckdb.Stmt)
	return nil
}

// run executes p with args. tag names the statement's command (bsql.Tag)
// for the result of one that returns no rows.
func (p *prepared) run(ctx context.Context, c *Conn, args []any, tag string) (*Result, error) {
	c.yield()
	st := p.stmt
	var extra func()
	if p.busy {
		// A previous run's rows are still open (two portals on one
		// statement): run on a statement of our own.
		ds, err := c.c.PrepareContext(ctx, p.sql)
		if err != nil {
			c.settle(ctx)
			return nil, classify(err, p.sql)
		}
		st = ds.(*duckdb.Stmt)
		extra = func() { _ = st.Close() }
	}
	nv, err := bindArgs(args, p.params)
	if err != nil {
		if extra != nil {
			extra()
		}
		return nil, err
	}
	var rows driver.Rows
	streaming := p.kind == duckdb.STATEMENT_TYPE_SELECT && p.columns != nil
	if streaming {
		// DuckDB computes the rows as the client reads them: a large
		// result is never held whole (doc.go).
		rows, err = st.QueryStreamingContext(ctx, nv)
	} else {
		rows, err = st.QueryContext(ctx, nv)
	}
	if err != nil {
		c.settle(ctx)
		if extra != nil {
			extra()
		}
		return nil, classify(err, p.sql)
	}
	if p.columns == nil {
		var n int64
		dst := make([]driver.Value, len(rows.Columns()))
		if len(dst) == 1 && rows.Next(dst) == nil {
			if v, ok := dst[0].(int64); ok {
				n = v
			}
		}
		_ = rows.Close()
		if extra != nil {
			extra()
		}
		return p.commandTag(tag, n), nil
	}
	if p.kind == duckdb.STATEMENT_TYPE_EXPLAIN {
		if extra != nil {
			defer extra()
		}
		return explainResult(rows, p.sql) // explain.go
	}
	cols := p.columns
	if p.unresolved {
		cols = columnsOf(rows, p.columns)
	}
	r := &Result{Columns: cols, command: "SELECT", counted: true, rows: rows,
		dst: make([]driver.Value, len(cols)), vals: make([]any, len(cols))}
	switch p.kind {
	case duckdb.STATEMENT_TYPE_INSERT:
		r.command = "INSERT 0"
	case duckdb.STATEMENT_TYPE_UPDATE:
		r.command = "UPDATE"
	case duckdb.STATEMENT_TYPE_DELETE:
		r.command = "DELETE"
	}
	if extra != nil {
		r.onClose = append(r.onClose, extra)
	} else {
		p.busy = true
		r.onClose = append(r.onClose, func() { p.busy = false })
	}
	if streaming {
		r.conn = c
		c.stream = r
	}
	return r, nil
}

// columnsOf reads the columns of rows, keeping the described ones where they
// agree (they carry more detail, such as a decimal's precision).
func columnsOf(rows driver.Rows, described []Column) []Column {
	names := rows.Columns()
	typed, _ := rows.(driver.RowsColumnTypeDatabaseTypeName)
	cols := make([]Column, len(names))
	for i, name := range names {
		name = bsql.DisplayName(name)
		t := Type{Kind: KindText}
		if typed != nil {
			t = typeFromName(typed.ColumnTypeDatabaseTypeName(i))
		}
		if i < len(described) && described[i].Type.Kind == t.Kind && described[i].Name == name {
			t = described[i].Type
		}
		cols[i] = Column{Name: name, Type: t}
	}
	return cols
}

// typeFromName maps the driver's type name of a result column to a Type.
func typeFromName(name string) Type {
	t := Type{DuckDB: name}
	switch {
	case name == "JSON":
		t.Kind = KindJSON
	case strings.HasPrefix(name, "DECIMAL("):
		t.Kind = KindNumeric
		if _, err := fmt.Sscanf(name, "DECIMAL(%d,%d)", &t.Precision, &t.Scale); err != nil {
			t.Precision, t.Scale = 0, 0
		}
	default:
		t.Kind = KindText
		if typ, ok := typesByName[name]; ok {
			t.Kind = kindOf(typ)
		}
	}
	return t
}

// commandTag builds the tag of a command that changed n rows.
func (p *prepared) commandTag(tag string, n int64) *Result {
	r := &Result{done: true, affected: n}
	switch p.kind {
	case duckdb.STATEMENT_TYPE_INSERT:
		r.command, r.counted = "INSERT 0", true
	case duckdb.STATEMENT_TYPE_UPDATE:
		r.command, r.counted = "UPDATE", true
	case duckdb.STATEMENT_TYPE_DELETE:
		r.command, r.counted = "DELETE", true
	case duckdb.STATEMENT_TYPE_COPY:
		r.command, r.counted = "COPY", true
	default:
		r.command = tag
		if p.kind == duckdb.STATEMENT_TYPE_CREATE && n > 0 || r.command == "CREATE TABLE AS" {
			// CREATE TABLE ... AS SELECT reports its rows, as in Postgres.
			r.command, r.counted = "SELECT", true
		}
	}
	return r
}

// bindArgs converts parameters to driver values, parsing text parameters of
// known numeric and boolean types (DuckDB casts the rest from text).
func bindArgs(args []any, types []Type) ([]driver.NamedValue, error) {
	if len(args) != len(types) && len(types) > 0 {
		return nil, sqlerrf(protocolViolation, "bind message supplies %d parameters, but prepared statement requires %d", len(args), len(types))
	}
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		var k Kind
		if i < len(types) {
			k = types[i].Kind
		}
		if str, ok := a.(string); ok && i < len(types) && strings.HasSuffix(types[i].DuckDB, "[]") && strings.HasPrefix(str, "{") {
			// A list parameter sent as a Postgres array literal (by a
			// client that declared no type for it): DuckDB's list syntax.
			l, err := ListFromArray(str)
			if err != nil {
				return nil, sqlerrf(invalidTextRepresentation, "invalid input for parameter $%d: %v", i+1, err)
			}
			a = l
		}
		v, err := coerce(a, k)
		if err != nil {
			return nil, sqlerrf(invalidTextRepresentation, "invalid input for parameter $%d: %v", i+1, err)
		}
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return nv, nil
}

func coerce(a any, k Kind) (any, error) {
	if iv, ok := a.(Interval); ok {
		return duckdb.Interval{Months: iv.Months, Days: iv.Days, Micros: iv.Micros}, nil
	}
	s, ok := a.(string)
	if !ok {
		return a, nil
	}
	switch k {
	case KindBool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "t", "true", "yes", "on", "1", "y":
			return true, nil
		case "f", "false", "no", "off", "0", "n":
			return false, nil
		}
		return nil, fmt.Errorf("invalid input syntax for type boolean: %q", s)
	case KindInt16, KindInt32, KindInt64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid input syntax for type integer: %q", s)
		}
		return n, nil
	case KindFloat32, KindFloat64:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("invalid input syntax for type double precision: %q", s)
		}
		return f, nil
	case KindBytes:
		return ParseBytea(s)
	}
	return s, nil
}

// ParseBytea reads bytea's text form as Postgres does: the hex format
// (\x0102), or the escape format, where \\ is a backslash, \nnn an octal
// byte and any other byte itself.
func ParseBytea(s string) ([]byte, error) {
	if b, ok := hexBytea(s); ok {
		return b, nil
	}
	if strings.HasPrefix(s, `\x`) || strings.HasPrefix(s, `\X`) {
		return nil, fmt.Errorf("invalid hexadecimal data for type bytea: %q", s)
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			out = append(out, '\\')
			i++
		case i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) && s[i+1] <= '3':
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 3
		default:
			return nil, fmt.Errorf("invalid input syntax for type bytea: %q", s)
		}
	}
	return out, nil
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

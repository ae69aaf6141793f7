package plpgsql

import "context"

// Session is what the interpreter consumes: the warehouse session the
// procedure runs in. All SQL goes through it, in the dialect of top-level SQL.
type Session interface {
	// Prepare reads one statement of blueshift's SQL dialect whose $n
	// placeholders are bound at each run. Engine statements (SET, REFRESH,
	// CREATE TABLE ...) are accepted too.
	Prepare(ctx context.Context, sql string) (Prepared, error)
	// Call runs a nested CALL of a stored procedure with argument values.
	Call(ctx context.Context, name string, args []any) (*CallResult, error)
	// Notice reports a RAISE: the session logs every level and sends INFO,
	// NOTICE and WARNING to the client.
	Notice(ctx context.Context, n Notice)
	// InTransaction reports whether a transaction is open on the session.
	InTransaction() bool
	// Begin, Commit and Rollback control the session's transaction directly.
	Begin(ctx context.Context) error
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
}

// Prepared is a statement ready to run with arguments.
type Prepared interface {
	Run(ctx context.Context, args []any) (*Result, error)
	Close() error
}

// Result is what one statement produced: the rows of a query (all of them),
// and the rows it processed (rows returned, or rows inserted, updated or deleted).
type Result struct {
	Columns      []string
	Rows         [][]any
	RowsAffected int64
}

// CallResult is a nested call's output: one value per OUT or INOUT
// argument, and for each the index of the call argument it belongs to (-1
// when the caller passed none).
type CallResult struct {
	Names  []string
	Values []any
	ArgIdx []int
}

// Notice is one RAISE below EXCEPTION (or the EXCEPTION itself, for the log).
type Notice struct {
	Level   Level
	Message string
	Line    int
}

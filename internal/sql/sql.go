package sql

import (
	"time"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
	"github.com/blueshift-dev/blueshift/internal/sql/parser"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// Piece is one statement of a script: its text without the terminating
// semicolon, and the byte offset of that text in the script.
type Piece struct {
	Text   string
	Offset int
}

// Split cuts a script into statements the way psql does: at semicolons outside
// quotes, dollar-quoted bodies, comments and parentheses. Empty statements are
// dropped. Each piece runs from its first token to its last, so comments
// before a statement are not part of it.
func Split(script string) ([]Piece, error) {
	l := lex.New(script)
	var out []Piece
	start, end, depth := -1, -1, 0
	for {
		t, err := l.Next()
		if err != nil {
			le, _ := err.(*lex.Error)
			pos := 0
			if le != nil {
				pos = le.Pos
			}
			return out, sqlerr.Wrap(sqlerr.SyntaxError, err, "split").At(len([]rune(script[:pos])) + 1)
		}
		if t.Kind == lex.EOF || (depth == 0 && t.Is(";")) {
			if start >= 0 {
				out = append(out, Piece{Text: script[start:end], Offset: start})
			}
			if t.Kind == lex.EOF {
				return out, nil
			}
			start, end = -1, -1
			continue
		}
		switch {
		case t.Is("("), t.Is("["):
			depth++
		case t.Is(")"), t.Is("]"):
			if depth > 0 {
				depth--
			}
		}
		if start < 0 {
			start = t.Pos
		}
		end = t.End
	}
}

// Options are the session settings that change how SQL is read.
type Options struct {
	// CaseSensitive is enable_case_sensitive_identifier: quoted identifiers
	// keep their case only while it is true.
	CaseSensitive bool
	// CaseSensitiveSuper is enable_case_sensitive_super_attribute.
	CaseSensitiveSuper bool
	// StatementTime, when set, is the statement's start: GETDATE() prints as
	// this constant (in UTC, with microseconds). When zero, GETDATE() falls
	// back to the transaction's start.
	StatementTime time.Time
	// ParamTypes are the types a client declared for $1, $2, ... (a
	// Redshift type name such as "integer[]"; "" where it declared none).
	// Each $n with a type is cast to it, so that DuckDB knows what a value
	// sent as text is: an array parameter above all, which DuckDB cannot
	// type from its use.
	ParamTypes []string
	// CharLimits, when set, returns the columns of a table INSERT or UPDATE
	// writes (nil for an unknown table), so that values longer than a
	// VARCHAR(n) or CHAR(n) column's n are refused (charlimits.go).
	CharLimits func(table ast.Name) []ColumnLimit
	// JSONColumns, when set, names the columns of the relation a FROM
	// entry names that are SUPER stored as JSON text (DuckDB's JSON: a
	// streaming view's records), nil when it has none or is unknown; the
	// SQL front end reads them as VARIANT (jsonrest.go). The lookup runs
	// for every table a statement reads, so it must be cheap.
	JSONColumns func(table ast.Name) []string
	// DateDMY is DateStyle's DMY: '01/02/2023' is 1 February, not 2
	// January (dates.go).
	DateDMY bool
}

// Translation is one statement read for execution: its tree, and for
// statements DuckDB runs, the DuckDB SQL. SQL is empty for statements the
// engine executes itself (SET, transaction control, and the like).
type Translation struct {
	Stmt ast.Stmt
	SQL  string
	// Before are DuckDB statements to run first, in the same transaction:
	// the sequence behind an IDENTITY column, the DELETE half of a
	// simplified MERGE. Usually empty.
	Before []string
	// StatementTime reports that SQL embeds Options.StatementTime (the
	// statement calls GETDATE()): to run the statement again at another
	// time, translate it again with that time.
	StatementTime bool
}

// Translate parses one statement and rewrites it to DuckDB SQL. Errors are
// *sqlerr.Error with a Position relative to text. The returned Stmt is the
// tree as parsed (identifiers as written, Redshift functions unrewritten);
// Print turns it, or an edited copy, into DuckDB SQL.
func Translate(text string, opts Options) (*Translation, error) {
	if err := checkOperators(text); err != nil { // limits.go
		return nil, err
	}
	stmt, err := parser.Parse(text)
	if err != nil {
		return nil, err
	}
	if err := checkComplexity(stmt); err != nil {
		return nil, err
	}
	if !DuckDBRuns(stmt) {
		return &Translation{Stmt: stmt}, nil
	}
	if cs, ok := stmt.(*ast.CreateSchema); ok {
		// DuckDB's form (no AUTHORIZATION, no QUOTA), with the name as
		// the catalog keeps it.
		sql := "CREATE SCHEMA "
		if cs.IfNotExists {
			sql += "IF NOT EXISTS "
		}
		return &Translation{Stmt: cs, SQL: sql + quoteDuck(CatalogName(Fold(cs.Name, false, opts)))}, nil
	}
	if r, ok := stmt.(*ast.Raw); ok {
		return &Translation{Stmt: r, SQL: r.Text}, nil
	}
	return printStmt(stmt, opts, text)
}

// DuckDBRuns reports whether stmt is handed to DuckDB (after translation),
// as opposed to executed by blueshift's engine: session settings,
// transaction control, external schemas, materialized views, procedures,
// CALL, schedules, OWNER TO, COPY with the client, and users, groups, privileges and table
// upkeep (ast.Admin) are the engine's. DROP SCHEMA is translated too, for
// the engine to run when the schema is not an external one.
func DuckDBRuns(stmt ast.Stmt) bool {
	switch stmt.(type) {
	case *ast.Set, *ast.Reset, *ast.Show, *ast.Begin, *ast.Commit, *ast.Rollback,
		*ast.CreateExternalSchema, *ast.CreateMaterializedView,
		*ast.RefreshMaterializedView, *ast.AlterMaterializedView, *ast.DropMaterializedView, *ast.AlterOwner,
		*ast.CreateProcedure, *ast.DropProcedure, *ast.Call,
		*ast.CreateSchedule, *ast.AlterSchedule, *ast.DropSchedule, *ast.ShowSchedules,
		*ast.DeclareCursor, *ast.Fetch, *ast.CloseCursor, *ast.Admin, *ast.Copy:
		return false
	}
	return true
}

// Prelude is DuckDB SQL (macros and the like) that the warehouse runs once when
// it opens a database, before any translated statement.
func Prelude() []string { return append([]string(nil), prelude...) }

// Package sql is blueshift's Redshift SQL front end: a lexer, a statement
// splitter, a parser to the ast package's tree, rewrite rules and a printer to
// DuckDB SQL. It imports no database, so it tests without one.
package sql

import "github.com/blueshift-dev/blueshift/internal/sql/ast"

// Piece is one statement of a script: its text without the terminating
// semicolon, and the byte offset of that text in the script.
type Piece struct {
	Text   string
	Offset int
}

// Split cuts a script into statements the way psql does: at semicolons outside
// quotes, dollar-quoted bodies, comments and parentheses. Empty statements are dropped.
func Split(script string) ([]Piece, error) {
	return []Piece{{Text: script}}, nil
}

// Options are the session settings that change how SQL is read.
type Options struct {
	// CaseSensitive is enable_case_sensitive_identifier: quoted identifiers
	// keep their case only while it is true.
	CaseSensitive bool
	// CaseSensitiveSuper is enable_case_sensitive_super_attribute.
	CaseSensitiveSuper bool
}

// Translation is one statement read for execution: its tree, and for
// statements DuckDB runs, the DuckDB SQL. SQL is empty for statements the
// engine executes itself (SET, transaction control, and the like).
type Translation struct {
	Stmt ast.Stmt
	SQL  string
}

// Translate parses one statement and rewrites it to DuckDB SQL. Errors are
// *sqlerr.Error with a Position relative to text.
func Translate(text string, opts Options) (*Translation, error) {
	return &Translation{Stmt: &ast.Raw{Text: text}, SQL: text}, nil
}

// Prelude is DuckDB SQL (macros and the like) that the warehouse runs once when
// it opens a database, before any translated statement.
func Prelude() []string { return nil }

package sql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
)

// Tag names a parsed statement's command the way Postgres tags it in
// CommandComplete, without the row count: "SELECT", "CREATE TABLE",
// "DROP VIEW", "TRUNCATE TABLE". CREATE TABLE ... AS and SELECT ... INTO
// are "CREATE TABLE AS" (the engine reports them as "SELECT n", as
// Postgres does). A statement the parser does not model (ast.Raw) is
// named by its leading keywords.
func Tag(stmt ast.Stmt) string {
	switch n := stmt.(type) {
	case *ast.Select:
		if len(n.Into) > 0 {
			return "CREATE TABLE AS"
		}
		return "SELECT"
	case *ast.SetOp, *ast.Values, *ast.ParenQuery:
		return "SELECT"
	case *ast.Insert:
		return "INSERT"
	case *ast.Update:
		return "UPDATE"
	case *ast.Delete:
		return "DELETE"
	case *ast.Merge:
		return "MERGE"
	case *ast.CreateTable:
		if n.As != nil {
			return "CREATE TABLE AS"
		}
		return "CREATE TABLE"
	case *ast.CreateView:
		return "CREATE VIEW"
	case *ast.Drop:
		return "DROP " + strings.ToUpper(n.Kind)
	case *ast.Truncate:
		return "TRUNCATE TABLE"
	case *ast.AlterTable:
		return "ALTER TABLE"
	case *ast.CreateSchema, *ast.CreateExternalSchema:
		return "CREATE SCHEMA"
	case *ast.DropSchema:
		return "DROP SCHEMA"
	case *ast.CreateMaterializedView:
		return "CREATE MATERIALIZED VIEW"
	case *ast.RefreshMaterializedView:
		return "REFRESH MATERIALIZED VIEW"
	case *ast.AlterMaterializedView:
		return "ALTER MATERIALIZED VIEW"
	case *ast.DropMaterializedView:
		return "DROP MATERIALIZED VIEW"
	case *ast.AlterOwner:
		return "ALTER " + strings.ToUpper(n.Kind)
	case *ast.CreateProcedure:
		return "CREATE PROCEDURE"
	case *ast.DropProcedure:
		return "DROP PROCEDURE"
	case *ast.Call:
		return "CALL"
	case *ast.CreateFunction:
		return "CREATE FUNCTION"
	case *ast.DropFunction:
		return "DROP FUNCTION"
	case *ast.CreateSchedule:
		return "CREATE SCHEDULE"
	case *ast.AlterSchedule:
		return "ALTER SCHEDULE"
	case *ast.DropSchedule:
		return "DROP SCHEDULE"
	case *ast.ShowSchedules, *ast.Show:
		return "SHOW"
	case *ast.Copy:
		return "COPY"
	case *ast.Explain:
		return "EXPLAIN"
	case *ast.Prepare:
		return "PREPARE"
	case *ast.Execute:
		return "EXECUTE"
	case *ast.Deallocate:
		if n.All {
			return "DEALLOCATE ALL"
		}
		return "DEALLOCATE"
	case *ast.DeclareCursor:
		return "DECLARE CURSOR"
	case *ast.Fetch:
		if n.Move {
			return "MOVE"
		}
		return "FETCH"
	case *ast.CloseCursor:
		return "CLOSE CURSOR"
	case *ast.Set:
		return "SET"
	case *ast.Reset:
		return "RESET"
	case *ast.Begin:
		return "BEGIN"
	case *ast.Commit:
		return "COMMIT"
	case *ast.Rollback:
		return "ROLLBACK"
	case *ast.Admin:
		switch n.Kind {
		case "analyze compression":
			return "ANALYZE"
		case "lock":
			return "LOCK TABLE"
		}
		return strings.ToUpper(n.Kind)
	case *ast.Raw:
		return rawTag(n.Text)
	}
	return ""
}

// leadingKeywords returns up to n upper-cased keywords at the start of
// text, skipping comments and opening parentheses; it stops at the first
// token that is not a keyword.
func leadingKeywords(text string, n int) []string {
	var words []string
	l := lex.New(text)
	for len(words) < n {
		t, err := l.Next()
		if err != nil {
			break
		}
		if t.Is("(") {
			continue
		}
		if t.Kind != lex.Ident {
			break
		}
		words = append(words, strings.ToUpper(t.Value))
	}
	return words
}

// rawTag names a statement's command the way Postgres tags it, from
// its leading keywords: "CREATE TABLE", "DROP VIEW", "TRUNCATE TABLE". It
// names the statements the parser does not model (ast.Raw, see Tag).
func rawTag(text string) string {
	words := leadingKeywords(text, 6)
	if len(words) == 0 {
		return ""
	}
	first := words[0]
	switch first {
	case "CREATE", "DROP", "ALTER":
		rest := words[1:]
		for len(rest) > 0 {
			switch rest[0] {
			case "OR", "REPLACE", "TEMP", "TEMPORARY", "UNIQUE", "LOCAL", "GLOBAL", "UNLOGGED", "PERSISTENT":
				rest = rest[1:]
				continue
			}
			break
		}
		if len(rest) == 0 {
			return first
		}
		switch rest[0] {
		case "MATERIALIZED", "EXTERNAL", "FOREIGN":
			if len(rest) > 1 {
				return first + " " + rest[0] + " " + rest[1]
			}
		case "MACRO":
			return first + " FUNCTION"
		}
		return first + " " + rest[0]
	case "TRUNCATE":
		return "TRUNCATE TABLE"
	case "END":
		return "COMMIT"
	case "ABORT":
		return "ROLLBACK"
	}
	return first
}

// EndsTransaction reports whether a statement ends a transaction block
// (ROLLBACK, ABORT, COMMIT, END): the only statements an aborted block
// accepts.
func EndsTransaction(text string) bool {
	w := leadingKeywords(text, 1)
	if len(w) == 0 {
		return false
	}
	switch w[0] {
	case "ROLLBACK", "ABORT", "COMMIT", "END":
		return true
	}
	return false
}

package sql

// EXPLAIN.
//
// Behavior:
//   - Redshift explains SELECT (with WITH, set operations, VALUES),
//     SELECT INTO, CREATE TABLE AS, INSERT, UPDATE and DELETE (SQL
//     reference, "EXPLAIN"); EXPLAIN of any other statement fails there,
//     and here it is 0A000 naming the statement, never sent to DuckDB as
//     written.
//   - The statement explained is translated exactly as it would be alone
//     (the same rules and Options: statement time, SUPER stored as JSON
//     text, name folding), and DuckDB explains that: EXPLAIN or EXPLAIN
//     ANALYZE and the DuckDB SQL. A statement whose translation needs
//     statements run first (Translation.Before) cannot be explained as one
//     statement and is refused.
//   - VERBOSE has no DuckDB counterpart; it is accepted and dropped (the
//     plan is DuckDB's either way).
//   - EXPLAIN ANALYZE runs the statement, as in Postgres. It is allowed
//     for queries only: a write must run through the engine, which records
//     what it changed (materialized views' staleness) and checks read-only
//     sessions, so EXPLAIN ANALYZE of INSERT, UPDATE, DELETE, CREATE TABLE
//     AS or SELECT INTO is 0A000. EXPLAIN without ANALYZE runs nothing.

import (
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// translateExplain translates EXPLAIN of n.Stmt (see the file comment).
func translateExplain(n *ast.Explain, opts Options, src string) (*Translation, error) {
	rw := &rewriter{opts: opts, src: src}
	name := explainedName(n.Stmt)
	if !explainable(n.Stmt) {
		return nil, rw.unsupported(n.StmtPos, "EXPLAIN of "+name)
	}
	if _, isQuery := n.Stmt.(ast.Query); n.Analyze && !isQuery {
		return nil, rw.unsupported(n.StmtPos, "EXPLAIN ANALYZE of "+name)
	}
	inner, err := printStmt(n.Stmt, opts, src)
	if err != nil {
		return nil, err
	}
	if len(inner.Before) > 0 {
		return nil, rw.unsupported(n.StmtPos, "EXPLAIN of this "+name)
	}
	prefix := "EXPLAIN "
	if n.Analyze {
		prefix = "EXPLAIN ANALYZE "
	}
	return &Translation{Stmt: n, SQL: prefix + inner.SQL, StatementTime: inner.StatementTime}, nil
}

// explainable reports whether Redshift's EXPLAIN takes stmt: a query,
// SELECT INTO or CREATE TABLE AS, INSERT, UPDATE or DELETE.
func explainable(stmt ast.Stmt) bool {
	switch n := stmt.(type) {
	case ast.Query, *ast.Insert, *ast.Update, *ast.Delete:
		return true
	case *ast.CreateTable:
		return n.As != nil
	}
	return false
}

// explainedName names a statement in EXPLAIN's errors: its command tag
// (CREATE TABLE AS for SELECT INTO too).
func explainedName(stmt ast.Stmt) string {
	t := Tag(stmt)
	if _, raw := stmt.(*ast.Raw); raw && t == "WITH" {
		// Postgres's WITH ... INSERT | UPDATE | DELETE (a WITH before a
		// query parses as the query).
		return "WITH ... INSERT, UPDATE or DELETE"
	}
	if t != "" {
		return t
	}
	return "this statement"
}

package warehouse

import (
	"strings"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// SetReadOnly makes the session refuse every statement that could change
// data, schemas, schedules or procedures (SQLSTATE 25006, as Postgres says
// for a read-only transaction): it may query, SHOW, SET its own settings and
// open and close transactions. A read-only user's sessions are made so by
// the protocol edge that authenticated the user.
func (s *Session) SetReadOnly(on bool) { s.readOnly = on }

// ReadOnly reports whether SetReadOnly(true) was called.
func (s *Session) ReadOnly() bool { return s.readOnly }

// checkReadOnly refuses tr's statement in a read-only session unless it only
// reads.
func (s *Session) checkReadOnly(tr *bsql.Translation) error {
	if !s.readOnly {
		return nil
	}
	if sel, ok := tr.Stmt.(*ast.Select); ok && len(sel.Into) > 0 {
		return sqlerr.New(sqlerr.ReadOnlySQLTransaction, "cannot execute SELECT INTO in a read-only transaction")
	}
	switch n := tr.Stmt.(type) {
	// EXPLAIN runs nothing but a query: EXPLAIN ANALYZE of a write is
	// refused by the translator (internal/sql/explain.go).
	case ast.Query, *ast.Explain, *ast.Show, *ast.ShowSchedules, *ast.Set, *ast.Reset, *ast.Begin, *ast.Commit, *ast.Rollback,
		*ast.Deallocate:
		return nil
	case *ast.Prepare:
		// PREPARE of a query; its EXECUTE is a read too.
		if q, ok := n.Stmt.(ast.Query); ok {
			if sel, isSel := q.(*ast.Select); !isSel || len(sel.Into) == 0 {
				return nil
			}
		}
	case *ast.Execute:
		switch s.prepared[foldIdent(n.Name, s.Options())].tag {
		case "INSERT", "UPDATE", "DELETE":
		default:
			return nil
		}
	}
	// Postgres names the statement by its command tag.
	verb := bsql.Tag(tr.Stmt)
	if verb == "" {
		verb = "this statement"
	}
	return sqlerr.New(sqlerr.ReadOnlySQLTransaction, "cannot execute %s in a read-only transaction", verb)
}

// firstWord is the first word of a command tag.
func firstWord(tag string) string {
	w, _, _ := strings.Cut(tag, " ")
	return w
}

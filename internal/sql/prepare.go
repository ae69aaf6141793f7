package sql

// PREPARE.
//
// Behavior:
//   - PREPARE name [(type, ...)] AS statement (Redshift's SQL reference,
//     "PREPARE": SELECT, INSERT, UPDATE or DELETE) translates the
//     statement as it would be alone, each parameter $n read as the n-th
//     type (DuckDB's PREPARE takes no types), and prepares that on the
//     session's connection; EXECUTE name (args) and DEALLOCATE name run it
//     and drop it.
//   - A CHAR or VARCHAR parameter without a length keeps its whole text,
//     as Postgres's unsized bpchar and varchar do.
//   - A statement whose translation needs statements run first
//     (Translation.Before), and any other kind of statement, is refused
//     with 0A000.

import (
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// translatePrepare translates PREPARE of n.Stmt (see the file comment).
func translatePrepare(n *ast.Prepare, opts Options, src string) (*Translation, error) {
	rw := &rewriter{opts: opts, src: src}
	switch n.Stmt.(type) {
	case ast.Query, *ast.Insert, *ast.Update, *ast.Delete:
	default:
		return nil, rw.unsupported(n.StmtPos, "PREPARE of "+explainedName(n.Stmt))
	}
	stmt := ast.Clone(n.Stmt)
	if len(n.Types) > 0 {
		stmt = ast.Rewrite(stmt, func(x any) any {
			p, ok := x.(*ast.Param)
			if !ok || p.N < 1 || p.N > len(n.Types) {
				return x
			}
			t := *n.Types[p.N-1]
			if len(t.Args) == 0 && len(t.Name) == 1 && !t.Array {
				switch t.Name[0].Name {
				case "char", "character", "bpchar", "nchar", "varchar", "character varying", "nvarchar", "text":
					t.Name = ast.Name{{Name: "varchar"}}
				}
			}
			return &ast.Cast{X: p, Type: &t}
		}).(ast.Stmt)
	}
	inner, err := printStmt(stmt, opts, src)
	if err != nil {
		return nil, err
	}
	if len(inner.Before) > 0 {
		return nil, rw.unsupported(n.StmtPos, "PREPARE of this "+explainedName(n.Stmt))
	}
	p := newPrinter(opts)
	p.W("PREPARE ")
	p.Node(n.Name)
	p.W(" AS ")
	return &Translation{Stmt: n, SQL: p.String() + inner.SQL, StatementTime: inner.StatementTime}, nil
}

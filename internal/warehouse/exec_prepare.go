package warehouse

// SQL-level prepared statements: PREPARE, EXECUTE and DEALLOCATE.
//
// Behavior:
//   - PREPARE name [(types)] AS statement prepares the translated
//     statement on the session's connection (internal/sql/prepare.go),
//     and the session remembers what kind of statement it is.
//   - EXECUTE name (args) answers as the statement would: rows for a
//     query, and for INSERT, UPDATE and DELETE the command tag with the
//     rows changed (INSERT 0 n, as psql prints), where DuckDB answers with
//     a Count column. What it writes reaches the change feed as the
//     statement's own run would (materialized views go stale).
//   - DEALLOCATE name | ALL drops it (DuckDB has no DEALLOCATE ALL: each
//     of the session's is dropped). The statements end with the session.

import (
	"context"
	"fmt"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// preparedStmt is a statement PREPARE made: its command tag and the
// statement as written.
type preparedStmt struct {
	tag  string
	stmt ast.Stmt
}

// planPrepared plans PREPARE, EXECUTE or DEALLOCATE.
func (s *Session) planPrepared(ctx context.Context, tr *bsql.Translation) (*plan, error) {
	opts := s.Options()
	switch n := tr.Stmt.(type) {
	case *ast.Prepare:
		name, ps := foldIdent(n.Name, opts), preparedStmt{tag: bsql.Tag(n.Stmt), stmt: n.Stmt}
		return s.planDuckThen(ctx, tr.SQL, "PREPARE", func() {
			if s.prepared == nil {
				s.prepared = map[string]preparedStmt{}
			}
			s.prepared[name] = ps
		})
	case *ast.Execute:
		ps, ok := s.prepared[foldIdent(n.Name, opts)]
		if !ok {
			return nil, noPrepared(n.Name, opts)
		}
		tag := ps.tag
		switch tag {
		case "INSERT", "UPDATE", "DELETE":
		default:
			pl, err := s.planDuck(ctx, tr.SQL, "EXECUTE")
			return pl, err
		}
		if tag == "INSERT" {
			tag = "INSERT 0"
		}
		pl := &plan{command: "EXECUTE", run: func(ctx context.Context, _ []any) (*Result, error) {
			n, err := s.conn.Exec(ctx, tr.SQL)
			if err != nil {
				return nil, err
			}
			return &Result{command: tag, counted: true, affected: n, done: true}, nil
		}}
		s.trackWrites(ps.stmt, opts, pl) // mv_changes.go
		return pl, nil
	case *ast.Deallocate:
		if n.All {
			return &plan{command: "DEALLOCATE ALL", run: func(ctx context.Context, _ []any) (*Result, error) {
				for name := range s.prepared {
					if _, err := s.conn.Exec(ctx, "DEALLOCATE "+quoteIdent(name)); err != nil {
						return nil, err
					}
					delete(s.prepared, name)
				}
				return commandResult("DEALLOCATE ALL"), nil
			}}, nil
		}
		if _, ok := s.prepared[foldIdent(n.Name, opts)]; !ok {
			return nil, noPrepared(n.Name, opts)
		}
		return s.planDuckThen(ctx, tr.SQL, bsql.Tag(n), func() { delete(s.prepared, foldIdent(n.Name, opts)) })
	}
	return nil, fmt.Errorf("warehouse: %T is not PREPARE, EXECUTE or DEALLOCATE", tr.Stmt)
}

// planDuckThen plans DuckDB SQL whose success then runs done (the
// session's record of its prepared statements).
func (s *Session) planDuckThen(ctx context.Context, sql, tag string, done func()) (*plan, error) {
	pl, err := s.planDuck(ctx, sql, tag)
	if err != nil {
		return nil, err
	}
	run := pl.run
	pl.run = func(ctx context.Context, params []any) (*Result, error) {
		res, err := run(ctx, params)
		if err == nil {
			done()
		}
		return res, err
	}
	return pl, nil
}

// noPrepared is Postgres's error for a name no PREPARE of the session made.
func noPrepared(name ast.Ident, opts bsql.Options) error {
	return sqlerr.New(sqlerr.UndefinedPreparedStatement, "prepared statement %q does not exist", foldIdent(name, opts))
}

package warehouse

import (
	"context"

	duckdb "github.com/duckdb/duckdb-go/v2"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// plan is a statement ready to run: what it returns, and how to run it.
type plan struct {
	// command names the statement kind in metrics (SELECT, SET, BEGIN...).
	command string
	// columns describes the rows before the statement runs; nil for commands.
	columns []Column
	// params are the types of $1..$n.
	params []Type
	// txControl marks statements an aborted transaction block accepts.
	txControl bool
	// ownTx marks statements that manage their own transactions: a script's
	// implicit transaction ends before they run.
	ownTx bool
	// prep is the DuckDB prepared statement, for statements DuckDB runs.
	prep *prepared
	// run executes the statement.
	run func(ctx context.Context, params []any) (*Result, error)
	// locate rewrites an error's position to be relative to the client's text.
	locate func(error) error
	// text is the statement as the client wrote it (the query log's).
	text string
}

// plan plans one translated statement (planStmt), and has its run record
// what the statement may change in the catalog.
func (s *Session) plan(ctx context.Context, tr *bsql.Translation, text string) (*plan, error) {
	pl, err := s.planStmt(ctx, tr, text)
	if err != nil || pl == nil || pl.run == nil {
		return pl, err
	}
	// What the statement may change in the catalog, for the lookups the
	// front end remembers (catalog_cache.go).
	e := catalogEffectOf(tr.Stmt)
	run := pl.run
	pl.run = func(ctx context.Context, params []any) (*Result, error) {
		began := s.catalogBegin(e)
		res, err := run(ctx, params)
		s.catalogChanged(e, began)
		return res, err
	}
	return pl, nil
}

// planStmt is the one dispatch on statement kinds. Statements the engine
// executes itself get a case here and live in exec_<thing>.go; everything
// else is DuckDB SQL, prepared on the session's connection.
func (s *Session) planStmt(ctx context.Context, tr *bsql.Translation, text string) (*plan, error) {
	if err := s.checkReadOnly(tr); err != nil { // readonly.go
		return nil, err
	}
	switch n := tr.Stmt.(type) {
	case *ast.Begin:
		return s.planBegin(), nil
	case *ast.Commit:
		return s.planCommit(), nil
	case *ast.Rollback:
		return s.planRollback(), nil
	case *ast.Set:
		return s.planSet(n), nil
	case *ast.Reset:
		return s.planReset(n), nil
	case *ast.Show:
		return s.planShow(n)
	case *ast.CreateExternalSchema:
		return s.planCreateExternalSchema(n), nil // exec_external_schema.go
	case *ast.CreateMaterializedView:
		return ownTx(s.planCreateMV(n, text)), nil // exec_materialized_view.go
	case *ast.RefreshMaterializedView:
		return ownTx(s.planRefreshMV(n)), nil
	case *ast.AlterMaterializedView:
		return ownTx(s.planAlterMV(n)), nil
	case *ast.DropMaterializedView:
		return ownTx(s.planDropMV(n)), nil
	case *ast.AlterOwner:
		return s.planAlterOwner(n), nil // owners.go
	case *ast.AlterTable:
		switch n.Action {
		case "layout":
			return s.planAlterChecked(tr), nil // exec_ddl.go
		case "add constraint", "drop constraint":
			return s.planConstraints(s.planAlterChecked(tr), n), nil // constraints.go
		}
	case *ast.DropSchema:
		if pl, ok, err := s.planDropSchema(ctx, n); ok || err != nil {
			return pl, err
		}
	case *ast.CreateSchedule, *ast.AlterSchedule, *ast.DropSchedule, *ast.ShowSchedules:
		return s.planSchedule(ctx, n, text) // exec_schedule.go
	case *ast.DeclareCursor, *ast.Fetch, *ast.CloseCursor:
		return s.planCursor(ctx, n) // exec_cursor.go
	case *ast.Admin:
		return s.planAdmin(n), nil // exec_admin.go
	case *ast.CreateProcedure, *ast.DropProcedure:
		return s.planProcedure(ctx, n, text) // exec_procedure.go
	case *ast.Copy:
		if n.Source != "" {
			c, err := copyDynamoDBStmt(n, s.Options())
			if err != nil {
				return nil, err
			}
			return s.planCopyDynamoDB(c), nil // exec_copy_dynamodb.go
		}
		c, err := copyStmt(n, s.Options())
		if err != nil {
			return nil, err
		}
		return s.planCopy(ctx, c) // exec_copy.go
	case *ast.Prepare, *ast.Execute, *ast.Deallocate:
		return s.planPrepared(ctx, tr) // exec_prepare.go
	case *ast.Call:
		pl, err := s.planProcedure(ctx, n, text)
		if err != nil {
			return nil, err
		}
		return ownTx(pl), nil
	}
	if tr.SQL == "" {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "statement %T is not supported by the engine", tr.Stmt)
	}
	var pl *plan
	if len(tr.Before) > 0 {
		pl = s.planBefore(tr) // exec_translated.go
	} else {
		var err error
		if pl, err = s.planDuck(ctx, tr.SQL, bsql.Tag(tr.Stmt)); err != nil {
			return nil, err
		}
		s.inferParams(ctx, tr.Stmt, pl.params) // exec_params.go
	}
	pl = s.planLike(pl, tr.Stmt)                                    // exec_ddl.go
	pl = s.planConstraints(s.planColumnTypes(pl, tr.Stmt), tr.Stmt) // column_types.go, constraints.go
	pl = s.planTableLayout(pl, tr.Stmt)                             // layout.go
	return s.planOwners(pl, tr.Stmt), nil                           // owners.go
}

// ownTx marks pl as a statement that manages its own transactions.
func ownTx(pl *plan) *plan {
	pl.ownTx = true
	return pl
}

// dataVersion moves whenever data the session can see changes: another
// session's committed write, a streaming batch or a refresh, or a write of
// its own.
func (s *Session) dataVersion() uint64 {
	return s.w.ingest.changes.version.Load() + s.writes
}

// planDuck prepares DuckDB SQL on the session's connection.
//
// A query is prepared again when it runs after data changed since it was
// prepared: DuckDB 1.5 plans some queries from table statistics (count(*)
// of a whole table becomes a constant) and keeps such a plan, stale, until
// the catalog changes. Statements that do not return rows keep their plan.
func (s *Session) planDuck(ctx context.Context, query, tag string) (*plan, error) {
	version := s.dataVersion() // before preparing: a change in between re-prepares
	p, err := s.conn.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	if engineAdmin[p.kind] {
		p.close()
		return nil, sqlerr.New(sqlerr.SyntaxError, "syntax error at or near %q", firstWord(tag))
	}
	if p.kind == duckdb.STATEMENT_TYPE_TRANSACTION {
		// Transaction control that reached DuckDB untranslated: keep the
		// session's state in step by running it as the engine would.
		p.close()
		switch firstWord(tag) {
		case "BEGIN", "START":
			return s.planBegin(), nil
		case "COMMIT":
			return s.planCommit(), nil
		default:
			return s.planRollback(), nil
		}
	}
	command := "SELECT"
	if p.columns == nil {
		command = tag
	}
	return &plan{
		command: command,
		columns: p.columns,
		params:  p.params,
		prep:    p,
		run: func(ctx context.Context, params []any) (*Result, error) {
			if v := s.dataVersion(); v != version && p.kind == duckdb.STATEMENT_TYPE_SELECT {
				if err := p.reprepare(ctx, s.conn); err != nil {
					return nil, err
				}
				version = v
			}
			return p.run(ctx, s.conn, params, tag)
		},
	}, nil
}

// engineAdmin are the kinds of DuckDB statement that change the engine
// rather than data (PRAGMA and DuckDB's SET, ATTACH, DETACH, INSTALL and
// LOAD, EXPORT DATABASE): none is Redshift's SQL, and each would let one
// client change what every other session and the streaming views run
// with (PRAGMA memory_limit = '1MB' failed every refresh). A client's
// statement of one of these kinds is refused as Redshift refuses a
// statement it does not know; blueshift's own settings go through the
// engine statements (SET, RESET) the front end translates.
var engineAdmin = map[duckdb.StmtType]bool{
	duckdb.STATEMENT_TYPE_PRAGMA: true, duckdb.STATEMENT_TYPE_SET: true,
	duckdb.STATEMENT_TYPE_VARIABLE_SET: true, duckdb.STATEMENT_TYPE_ATTACH: true,
	duckdb.STATEMENT_TYPE_DETACH: true, duckdb.STATEMENT_TYPE_LOAD: true,
	duckdb.STATEMENT_TYPE_EXPORT: true, duckdb.STATEMENT_TYPE_EXTENSION: true,
}

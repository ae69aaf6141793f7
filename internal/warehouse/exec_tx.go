package warehouse

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// Transaction control: BEGIN / START TRANSACTION, COMMIT / END,
// ROLLBACK / ABORT. The session tracks the block; DuckDB runs the transaction.
// As in Postgres: BEGIN inside a block and COMMIT or ROLLBACK outside one are
// warnings, not errors; COMMIT of a failed block rolls it back and says so.
// In a script's implicit transaction (session.go), BEGIN makes the block
// explicit, and COMMIT or ROLLBACK end it with the warning Postgres gives.

func (s *Session) planBegin() *plan {
	return &plan{command: "BEGIN", run: func(ctx context.Context, _ []any) (*Result, error) {
		if s.inBlock() {
			s.Notify(Notice{Severity: "WARNING", Code: string(sqlerr.ActiveSQLTransaction),
				Message: "there is already a transaction in progress"})
			return commandResult("BEGIN"), nil
		}
		if err := s.begin(ctx); err != nil { // txn.go
			return nil, err
		}
		return commandResult("BEGIN"), nil
	}}
}

func (s *Session) planCommit() *plan {
	return &plan{command: "COMMIT", txControl: true, run: func(ctx context.Context, _ []any) (*Result, error) {
		if !s.inBlock() {
			s.Notify(Notice{Severity: "WARNING", Code: string(sqlerr.NoActiveSQLTransaction),
				Message: "there is no transaction in progress"})
			if err := s.endImplicit(ctx, true); err != nil {
				return nil, err
			}
			return commandResult("COMMIT"), nil
		}
		wasAborted := s.aborted()
		committed, err := s.commit(ctx)
		if err != nil {
			return nil, err
		}
		if !committed && wasAborted {
			return commandResult("ROLLBACK"), nil
		}
		return commandResult("COMMIT"), nil
	}}
}

func (s *Session) planRollback() *plan {
	return &plan{command: "ROLLBACK", txControl: true, run: func(ctx context.Context, _ []any) (*Result, error) {
		if !s.inBlock() {
			s.Notify(Notice{Severity: "WARNING", Code: string(sqlerr.NoActiveSQLTransaction),
				Message: "there is no transaction in progress"})
			_ = s.endImplicit(ctx, false)
			return commandResult("ROLLBACK"), nil
		}
		s.rollback(ctx)
		return commandResult("ROLLBACK"), nil
	}}
}

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
		if s.tx != TxIdle {
			s.Notify(Notice{Severity: "WARNING", Code: string(sqlerr.ActiveSQLTransaction),
				Message: "there is already a transaction in progress"})
			return commandResult("BEGIN"), nil
		}
		if s.implicit {
			s.implicit, s.tx = false, TxActive
			return commandResult("BEGIN"), nil
		}
		if _, err := s.conn.Exec(ctx, "BEGIN TRANSACTION"); err != nil {
			return nil, err
		}
		s.tx = TxActive
		return commandResult("BEGIN"), nil
	}}
}

func (s *Session) planCommit() *plan {
	return &plan{command: "COMMIT", txControl: true, run: func(ctx context.Context, _ []any) (*Result, error) {
		switch s.tx {
		case TxIdle:
			s.Notify(Notice{Severity: "WARNING", Code: string(sqlerr.NoActiveSQLTransaction),
				Message: "there is no transaction in progress"})
			if err := s.endImplicit(ctx, true); err != nil {
				return nil, err
			}
			return commandResult("COMMIT"), nil
		case TxFailed:
			s.tx = TxIdle
			_, _ = s.conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
			s.txEnded(ctx, false)
			return commandResult("ROLLBACK"), nil
		}
		s.tx = TxIdle
		if _, err := s.conn.Exec(ctx, "COMMIT"); err != nil {
			// DuckDB rolled back (a write conflict, say): the block is over.
			s.txEnded(ctx, false)
			return nil, err
		}
		s.txEnded(ctx, true)
		return commandResult("COMMIT"), nil
	}}
}

func (s *Session) planRollback() *plan {
	return &plan{command: "ROLLBACK", txControl: true, run: func(ctx context.Context, _ []any) (*Result, error) {
		if s.tx == TxIdle {
			s.Notify(Notice{Severity: "WARNING", Code: string(sqlerr.NoActiveSQLTransaction),
				Message: "there is no transaction in progress"})
			_ = s.endImplicit(ctx, false)
			return commandResult("ROLLBACK"), nil
		}
		s.tx = TxIdle
		// A failed DuckDB transaction may already be gone; either way the
		// block ends here.
		_, _ = s.conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		s.txEnded(ctx, false)
		return commandResult("ROLLBACK"), nil
	}}
}

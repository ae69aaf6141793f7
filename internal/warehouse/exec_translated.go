package warehouse

// Running translated statements: the statement time, and the DuckDB
// statements a translation needs run first.
//
// Behavior:
//   - GETDATE() is the start of the statement that calls it, at the top
//     level and inside procedure bodies alike (SYSDATE and CURRENT_TIMESTAMP
//     stay the transaction's start). The SQL front end prints it as a
//     constant, so a plan that embeds it serves its first run, made as it is
//     translated, and every later run (a prepared statement executed again, a
//     procedure statement in a loop) translates and plans the text anew.
//   - Translation.Before (the sequence behind an IDENTITY column, the DELETE
//     half of MERGE ... REMOVE DUPLICATES) runs first, in the same
//     transaction as the statement: the session's block, the procedure's
//     transaction, or one of their own in autocommit.

import (
	"context"
	"time"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// planTimed plans a statement read from text (see read). When its
// translation embeds the statement time, each run after the first reads
// text again (through the front end) and plans it anew.
func (s *Session) planTimed(ctx context.Context, text string, r *reading) (*plan, error) {
	pl, err := s.plan(ctx, r.tr, r.text)
	if err != nil {
		return nil, err
	}
	defer s.trackWrites(r.tr.Stmt, r.opts, pl) // mv_changes.go: around every run
	if !r.tr.StatementTime {
		return pl, nil
	}
	run, first := pl.run, true
	pl.run = func(ctx context.Context, params []any) (*Result, error) {
		if first {
			first = false
			return run(ctx, params)
		}
		o := r.opts
		o.StatementTime = time.Now()
		again, err := s.read(ctx, text, o)
		if err != nil {
			return nil, err
		}
		fresh, err := s.plan(ctx, again.tr, again.text)
		if err != nil {
			return nil, err
		}
		res, err := fresh.run(ctx, params)
		if fresh.prep != nil {
			if err == nil && !res.done {
				res.onClose = append(res.onClose, fresh.prep.close)
			} else {
				fresh.prep.close()
			}
		}
		return res, err
	}
	return pl, nil
}

// planBefore plans a translation with statements to run first. The
// statement itself is prepared when it runs, after them: it may depend on
// what they create.
func (s *Session) planBefore(tr *bsql.Translation) *plan {
	tag := bsql.Tag(tr.Stmt)
	return &plan{command: tag, run: func(ctx context.Context, params []any) (*Result, error) {
		var res *Result
		err := s.atomicHere(ctx, func() error {
			for _, q := range tr.Before {
				if _, err := s.conn.Exec(ctx, q); err != nil {
					return err
				}
			}
			p, err := s.conn.prepare(ctx, tr.SQL)
			if err != nil {
				return err
			}
			defer p.close()
			r, err := p.run(ctx, s.conn, params, tag)
			if err != nil {
				return err
			}
			if !r.done {
				// Only commands have statements to run first; read any rows
				// now, before the transaction ends.
				rows, err := collect(r)
				if err != nil {
					return err
				}
				r = rows
			}
			res = r
			return nil
		})
		if err != nil {
			return nil, err
		}
		if _, ok := tr.Stmt.(*ast.Merge); ok {
			// The simplified MERGE runs as DELETE then INSERT; its tag is MERGE's.
			res.command, res.counted = "MERGE", true
		}
		return res, nil
	}}
}

// collect reads a Result's rows into a Result that holds them.
func collect(r *Result) (*Result, error) {
	var rows [][]any
	for r.Next() {
		rows = append(rows, append([]any(nil), r.Values()...))
	}
	if err := r.Close(); err != nil {
		return nil, err
	}
	return rowsResult("SELECT", r.Columns, rows), nil
}

package warehouse

// A session's transaction state machine: the one place that knows whether a
// transaction is open on the session's DuckDB connection, of which kind, and
// what must happen when it ends.
//
// States and transitions (txn_test.go walks them, testdata/txn):
//
//	none      --BEGIN-->                        open
//	none      --second statement of a script--> implicit  (beginImplicit)
//	none      --engine statement + catalog-->   implicit  (withCatalog)
//	implicit  --BEGIN-->                        open      (the block holds the script's statements so far)
//	implicit  --end of script / error-->        none      (endImplicit: commit / roll back)
//	open      --error-->                        aborted   (failed)
//	open      --COMMIT / ROLLBACK-->            none
//	aborted   --COMMIT / ROLLBACK-->            none      (both roll back; other statements fail 25P02)
//
// A CALL runs in the state it finds; the procedure's call stack and the
// transaction it has open on the connection (in the "none" state: the
// procedure's own, which its COMMIT and ROLLBACK end) are txn.proc.
//
// Every end of a transaction, whoever ends it, runs txEnded: settings SET in
// it come back on rollback, cursors it declared close, and the change-feed
// names its writes held are published on commit or dropped on rollback.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// txState is where the session is in its transactions.
type txState uint8

const (
	txNone     txState = iota // autocommit: no transaction open
	txOpen                    // an explicit block (BEGIN)
	txImplicit                // a script's implicit transaction, or one the engine opened for a statement
	txAborted                 // an explicit block that failed
)

func (st txState) String() string {
	return [...]string{"none", "open", "implicit", "aborted"}[st]
}

// txn is the session's transaction state.
type txn struct {
	state txState
	// proc is the call stack of the procedures running (nil when none).
	proc *procState
	// held are the change-feed names the open transaction wrote: published
	// when it commits, dropped when it rolls back (mv_changes.go).
	held []string
	// settings are the settings as they were before the first SET of the
	// open transaction (nil: none yet); a rollback puts them back.
	settings map[string]string
}

// procState is a session's procedure call stack.
type procState struct {
	depth        int
	inTxn        bool // the procedure has a DuckDB transaction open on the session's connection
	noTxnControl bool
	reason       string
	queries      []int64 // query ids of the calls running, outermost first
}

// TxStatus returns the transaction state as clients see it: an implicit
// transaction is invisible (idle), as in Postgres.
func (s *Session) TxStatus() TxStatus {
	switch s.txn.state {
	case txOpen:
		return TxActive
	case txAborted:
		return TxFailed
	}
	return TxIdle
}

// inBlock reports whether an explicit transaction block is open (or
// aborted).
func (s *Session) inBlock() bool { return s.txn.state == txOpen || s.txn.state == txAborted }

// inTx reports whether statements run in a transaction the session keeps
// open between them: an explicit block or an implicit transaction.
func (s *Session) inTx() bool { return s.txn.state != txNone }

// aborted reports whether the block failed: only COMMIT and ROLLBACK run.
func (s *Session) aborted() bool { return s.txn.state == txAborted }

// inProcedure reports whether a CALL is running on s.
func (s *Session) inProcedure() bool { return s.txn.proc != nil && s.txn.proc.depth > 0 }

// inProcedureTxn reports whether a procedure running on s has its own
// transaction open on the connection (its statements run in it).
func (s *Session) inProcedureTxn() bool { return s.txn.proc != nil && s.txn.proc.inTxn }

// ownTransaction reports whether a statement can run in a transaction of
// its own: none is open on the connection, by the client (a block, a
// script's implicit transaction) or by a procedure running.
func (s *Session) ownTransaction() bool {
	return s.txn.state == txNone && !s.inProcedureTxn()
}

// begin is BEGIN: none -> open, implicit -> open.
func (s *Session) begin(ctx context.Context) error {
	switch s.txn.state {
	case txImplicit:
		s.txn.state = txOpen
		return nil
	case txNone:
		if _, err := s.conn.Exec(ctx, "BEGIN TRANSACTION"); err != nil {
			return err
		}
		s.txn.state = txOpen
	}
	return nil
}

// commit is COMMIT of an open block: -> none. It reports whether the block
// committed: an aborted block, or a COMMIT DuckDB refuses (a write
// conflict), rolls back.
func (s *Session) commit(ctx context.Context) (bool, error) {
	if s.txn.state == txAborted {
		s.rollback(ctx)
		return false, nil
	}
	s.txn.state = txNone
	if _, err := s.conn.Exec(ctx, "COMMIT"); err != nil {
		// DuckDB rolled back: the block is over.
		s.txEnded(ctx, false)
		return false, err
	}
	s.txEnded(ctx, true)
	return true, nil
}

// rollback ends any transaction the session has open: -> none.
func (s *Session) rollback(ctx context.Context) {
	if s.txn.state == txNone {
		return
	}
	s.txn.state = txNone
	// A failed DuckDB transaction may already be gone; either way the
	// transaction ends here.
	_, _ = s.conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
	s.txEnded(ctx, false)
}

// beginImplicit opens an implicit transaction: none -> implicit.
func (s *Session) beginImplicit(ctx context.Context) error {
	if s.txn.state != txNone {
		return nil
	}
	if _, err := s.conn.Exec(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	s.txn.state = txImplicit
	return nil
}

// endImplicit commits (or rolls back) the implicit transaction, if one is
// open: implicit -> none.
func (s *Session) endImplicit(ctx context.Context, commit bool) error {
	if s.txn.state != txImplicit {
		return nil
	}
	if !commit {
		s.rollback(ctx)
		return nil
	}
	s.txn.state = txNone
	_, err := s.conn.Exec(ctx, "COMMIT")
	s.txEnded(ctx, err == nil)
	return err
}

// failed records a statement's failure: it aborts an open block
// (open -> aborted), and rolls back an implicit transaction.
func (s *Session) failed(err error) {
	s.w.metrics.errors.WithLabelValues(string(sqlerr.CodeOf(err))).Inc()
	if s.txn.state == txOpen {
		s.txn.state = txAborted
	}
	_ = s.endImplicit(context.Background(), false)
}

// procBegin, procCommit and procRollback are a procedure's own
// transaction control (plpgsql.Session), on the session's connection.
func (s *Session) procBegin(ctx context.Context) error {
	if _, err := s.conn.Exec(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	s.txn.proc.inTxn = true
	return nil
}

func (s *Session) procCommit(ctx context.Context) error {
	s.txn.proc.inTxn = false
	_, err := s.conn.Exec(ctx, "COMMIT")
	s.namesTxEnd(err == nil)
	if s.txn.state == txNone {
		s.txEnded(ctx, err == nil)
	}
	return err
}

func (s *Session) procRollback(ctx context.Context) error {
	s.txn.proc.inTxn = false
	_, err := s.conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
	s.namesTxEnd(false)
	if s.txn.state == txNone {
		s.txEnded(ctx, false)
	}
	return err
}

// hold keeps names a statement wrote for the end of the transaction it
// ran in; in a transaction of its own it has committed, and they are
// published now.
func (s *Session) hold(names []string) {
	if len(names) == 0 {
		return
	}
	if s.ownTransaction() && !s.inProcedure() {
		s.w.ingest.changes.publish(names...)
		return
	}
	s.txn.held = append(s.txn.held, names...)
}

// txEnded runs what must follow the end of a transaction, committed or
// rolled back: the hooks of the settings (exec_set.go), the cursors
// (exec_cursor.go) and the change feed.
func (s *Session) txEnded(ctx context.Context, committed bool) {
	s.namesTxEnd(committed) // catalog_cache.go
	s.settingsTxEnd(ctx, committed)
	s.cursorsTxEnd(ctx, committed)
	held := s.txn.held
	s.txn.held = nil
	if committed {
		s.w.ingest.changes.publish(held...)
	}
}

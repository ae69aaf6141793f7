package warehouse

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// Cursors: DECLARE ... CURSOR FOR query, FETCH, MOVE, CLOSE.
//
// As in Redshift, a cursor's whole result is materialized when it is
// declared (Redshift keeps it on the leader node; blueshift keeps it in a
// temporary DuckDB table of the session, which spills to disk when large),
// and FETCH reads it forward in order. A cursor lives until CLOSE or the end
// of the transaction that declared it; WITH HOLD keeps it open after COMMIT
// (Postgres's extension, which psycopg's named cursors can ask for). ROLLBACK
// closes every cursor the transaction declared. DECLARE without WITH HOLD
// needs a transaction block, as in Redshift and Postgres.

// cursor is one open cursor.
type cursor struct {
	table string // the temporary table holding its rows, in order
	pos   int64  // rows fetched or moved over so far
	hold  bool
	// inTx is set while the transaction that declared it is open.
	inTx bool
}

func (s *Session) planCursor(ctx context.Context, n ast.Stmt) (*plan, error) {
	switch n := n.(type) {
	case *ast.DeclareCursor:
		return s.planDeclare(n), nil
	case *ast.Fetch:
		return s.planFetch(ctx, n)
	case *ast.CloseCursor:
		return &plan{command: "CLOSE CURSOR", run: func(ctx context.Context, _ []any) (*Result, error) {
			if n.All {
				for name := range s.cursors {
					s.dropCursor(ctx, name)
				}
				return commandResult("CLOSE CURSOR ALL"), nil
			}
			name := cursorName(n.Name)
			if s.cursors[name] == nil {
				return nil, sqlerr.New(sqlerr.InvalidCursorName, "cursor %q does not exist", name)
			}
			s.dropCursor(ctx, name)
			return commandResult("CLOSE CURSOR"), nil
		}}, nil
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "statement %T is not supported by the engine", n)
}

// cursorName is a cursor's name as Postgres keeps it: folded to lower case
// unless quoted.
func cursorName(id ast.Ident) string {
	if id.Quoted {
		return id.Name
	}
	return strings.ToLower(id.Name)
}

func (s *Session) planDeclare(n *ast.DeclareCursor) *plan {
	return &plan{command: "DECLARE CURSOR", run: func(ctx context.Context, params []any) (*Result, error) {
		name := cursorName(n.Name)
		inBlock := s.inTx()
		if !n.Hold && !inBlock {
			return nil, sqlerr.New(sqlerr.NoActiveSQLTransaction, "DECLARE CURSOR may only be used in transaction blocks")
		}
		if s.cursors[name] != nil {
			return nil, sqlerr.New(sqlerr.DuplicateCursor, "cursor %q already exists", name)
		}
		rd, err := s.readNow(ctx, n.QueryText) // frontend.go
		if err != nil {
			return nil, err
		}
		tr := rd.tr
		if tr.SQL == "" || len(tr.Before) > 0 {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "DECLARE CURSOR for this query is not supported")
		}
		s.cursorSeq++
		table := "bs_cursor_" + strconv.FormatUint(s.cursorSeq, 10)
		pl, err := s.planDuck(ctx, "CREATE TEMP TABLE "+table+" AS "+tr.SQL, "DECLARE CURSOR")
		if err != nil {
			return nil, err
		}
		defer pl.prep.close()
		r, err := pl.run(ctx, params)
		if err != nil {
			return nil, err
		}
		if err := r.Close(); err != nil {
			return nil, err
		}
		// pg_cursors (compat.go) lists a session's cursors from their
		// tables' comments.
		desc, _ := json.Marshal(map[string]any{"name": name, "statement": n.QueryText, "hold": n.Hold})
		if _, err := s.conn.Exec(ctx, "COMMENT ON TABLE temp.main."+table+" IS "+quoteLiteral(string(desc))); err != nil {
			return nil, err
		}
		if s.cursors == nil {
			s.cursors = map[string]*cursor{}
		}
		s.cursors[name] = &cursor{table: table, hold: n.Hold, inTx: inBlock}
		return commandResult("DECLARE CURSOR"), nil
	}}
}

// planFetch plans FETCH or MOVE: the cursor's next rows, in order.
func (s *Session) planFetch(ctx context.Context, n *ast.Fetch) (*plan, error) {
	name := cursorName(n.Name)
	c := s.cursors[name]
	if c == nil {
		return nil, sqlerr.New(sqlerr.InvalidCursorName, "cursor %q does not exist", name)
	}
	query := "SELECT * FROM temp.main." + c.table + " LIMIT $1 OFFSET $2"
	if n.Move {
		query = "SELECT count(*) FROM (SELECT 1 FROM temp.main." + c.table + " LIMIT $1 OFFSET $2)"
	}
	inner, err := s.planDuck(ctx, query, "FETCH")
	if err != nil {
		return nil, err
	}
	count := n.Count
	if count == ast.FetchAll {
		count = math.MaxInt64
	}
	pl := &plan{command: "FETCH", columns: inner.columns, prep: inner.prep}
	if n.Move {
		pl.command, pl.columns = "MOVE", nil
	}
	pl.run = func(ctx context.Context, _ []any) (*Result, error) {
		if s.cursors[name] != c {
			return nil, sqlerr.New(sqlerr.InvalidCursorName, "cursor %q does not exist", name)
		}
		r, err := inner.run(ctx, []any{count, c.pos})
		if err != nil {
			return nil, err
		}
		if n.Move {
			var moved int64
			if r.Next() {
				moved, _ = r.Values()[0].(int64)
			}
			if err := r.Close(); err != nil {
				return nil, err
			}
			c.pos += moved
			return &Result{command: "MOVE", counted: true, affected: moved, done: true}, nil
		}
		r.command = "FETCH"
		r.onClose = append(r.onClose, func() { c.pos += r.affected })
		return r, nil
	}
	return pl, nil
}

// dropCursor closes a cursor and drops its rows.
func (s *Session) dropCursor(ctx context.Context, name string) {
	c := s.cursors[name]
	if c == nil {
		return
	}
	delete(s.cursors, name)
	if _, err := s.conn.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS temp.main."+c.table); err != nil {
		s.log.Warn("drop a closed cursor's rows", "cursor", name, "err", err)
	}
}

// cursorsTxEnd closes the cursors the ending transaction declared, but for
// WITH HOLD cursors of a transaction that committed.
func (s *Session) cursorsTxEnd(ctx context.Context, committed bool) {
	for name, c := range s.cursors {
		if !c.inTx {
			continue
		}
		if committed && c.hold {
			c.inTx = false
			continue
		}
		s.dropCursor(ctx, name)
	}
}

// CursorColumns describes the rows of the open cursor named name (as
// written: a DECLAREd cursor is also a portal clients describe by name).
func (s *Session) CursorColumns(ctx context.Context, name string) ([]Column, bool) {
	c := s.cursors[name]
	if c == nil {
		return nil, false
	}
	p, err := s.conn.prepare(ctx, "SELECT * FROM temp.main."+c.table)
	if err != nil {
		return nil, false
	}
	defer p.close()
	return p.columns, true
}

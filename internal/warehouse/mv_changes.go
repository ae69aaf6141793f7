package warehouse

// Change notifications for materialized views, and the AUTO REFRESH of
// ordinary ones.
//
// Behavior:
//   - Every committed write to a relation is published to the warehouse's
//     changeFeed under the relation's name: a session's INSERT, UPDATE,
//     DELETE, MERGE, COPY, TRUNCATE or ALTER/DROP TABLE once it commits (at
//     once in autocommit, at COMMIT in a block or at the end of a
//     multi-statement script's implicit transaction, at the end of a CALL
//     for a procedure's statements; ROLLBACK, and closing the session,
//     discard them), a streaming view's
//     batch that loaded rows, and an ordinary view's refresh. A name is
//     published both as "schema.name" when the statement qualified it and as
//     "name": matching errs towards an extra refresh, never a missed one.
//   - One goroutine (ordinaryAutoRefresh) waits on the feed. For each
//     ordinary view that reads a changed relation (mv_deps) it refreshes the
//     view when it has AUTO REFRESH YES, incremental and fully recomputed
//     ones alike, readers after what they read; otherwise it marks the view
//     stale (STV_MV_INFO.is_stale) until a refresh. A view that is fully
//     recomputed is refreshed at most once per recomputeEvery, so a stream
//     committing many small batches does not make it recompute for each.
//   - At start every AUTO REFRESH view counts as changed once: a change
//     committed just before a crash is not lost.

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// recomputeEvery is the shortest time between two automatic full
// recomputes of one view.
const recomputeEvery = time.Second

// changeFeed collects the relations changed since its reader last took
// them. The zero value is not ready: use newChangeFeed.
type changeFeed struct {
	wake chan struct{} // capacity 1: a pending wake-up
	// version counts the publications: it moves whenever committed data
	// changes.
	version atomic.Uint64
	mu      struct {
		sync.Mutex
		changed map[string]time.Time // name -> when it was last published
		// listeners are told of every publication (see listen).
		listeners map[int]func(names []string)
		nextID    int
	}
}

// listen calls fn with the names of every publication from now on, after
// take's reader can see them; fn must not block. The returned function
// stops it.
func (f *changeFeed) listen(fn func(names []string)) (stop func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.mu.listeners == nil {
		f.mu.listeners = map[int]func([]string){}
	}
	id := f.mu.nextID
	f.mu.nextID++
	f.mu.listeners[id] = fn
	return func() {
		f.mu.Lock()
		delete(f.mu.listeners, id)
		f.mu.Unlock()
	}
}

func newChangeFeed() *changeFeed {
	f := &changeFeed{wake: make(chan struct{}, 1)}
	f.mu.changed = map[string]time.Time{}
	return f
}

// publish announces committed changes to names.
func (f *changeFeed) publish(names ...string) {
	if len(names) == 0 {
		return
	}
	now := time.Now()
	f.mu.Lock()
	for _, n := range names {
		f.mu.changed[n] = now
	}
	listeners := make([]func([]string), 0, len(f.mu.listeners))
	for _, fn := range f.mu.listeners {
		listeners = append(listeners, fn)
	}
	f.mu.Unlock()
	f.version.Add(1)
	select {
	case f.wake <- struct{}{}:
	default:
	}
	for _, fn := range listeners {
		fn(names)
	}
}

// take returns the names changed since the last take, with when.
func (f *changeFeed) take() map[string]time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.mu.changed
	f.mu.changed = map[string]time.Time{}
	return c
}

// relationNames are the names a relation is published under.
func relationNames(schema, name string) []string {
	return []string{schema + "." + name, name}
}

// writtenNames lists the relations a statement writes, under the names the
// feed publishes (see the file comment).
func writtenNames(stmt ast.Stmt, opts bsql.Options) []string {
	var targets []ast.Name
	switch n := stmt.(type) {
	case *ast.Insert:
		targets = append(targets, n.Table)
	case *ast.Update:
		targets = append(targets, n.Table)
	case *ast.Delete:
		targets = append(targets, n.Table)
	case *ast.Merge:
		targets = append(targets, n.Target)
	case *ast.Truncate:
		targets = append(append(targets, n.Table), n.More...)
	case *ast.AlterTable:
		targets = append(targets, n.Table)
	case *ast.Drop:
		targets = append(targets, n.Names...)
	case *ast.Copy:
		if n.From {
			targets = append(targets, n.Table)
		}
	}
	var out []string
	for _, t := range targets {
		switch len(t) {
		case 0:
		case 1:
			out = append(out, catalogIdent(t[0], opts))
		default:
			out = append(out, relationNames(catalogIdent(t[len(t)-2], opts), catalogIdent(t.Last(), opts))...)
		}
	}
	return out
}

// trackWrites makes pl report, once it succeeds, what it wrote to the change
// feed: published when committed, held by the session's transaction while
// one is open (Session.hold, txn.go: its end publishes or drops them). A
// top-level CALL publishes what its body's statements wrote outside a
// transaction of the procedure's.
func (s *Session) trackWrites(stmt ast.Stmt, opts bsql.Options, pl *plan) {
	names := writtenNames(stmt, opts)
	_, isCall := stmt.(*ast.Call)
	_, isRollback := stmt.(*ast.Rollback)
	if len(names) == 0 && !isCall && !isRollback {
		return
	}
	run := pl.run
	pl.run = func(ctx context.Context, params []any) (*Result, error) {
		res, err := run(ctx, params)
		switch {
		case isRollback:
			s.writes++ // what the session sees changes back
		case isCall:
			if s.txn.state == txNone && !s.inProcedure() {
				held := s.txn.held
				s.txn.held = nil
				s.w.ingest.changes.publish(held...)
			}
		case err != nil:
		default:
			s.writes++
			s.hold(names)
		}
		return res, err
	}
}

// ordinaryAutoRefresh runs until ctx ends: see the file comment.
func (m *ingestManager) ordinaryAutoRefresh(ctx context.Context) {
	log := m.log.With("component", "mv_auto_refresh")
	first := true
	lastRecompute := map[int64]time.Time{}
	held := map[int64]bool{}
	for {
		changed := m.changes.take()
		due, next, err := m.dueViews(ctx, changed, first, held, lastRecompute)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Warn("auto refresh: read views", "err", err)
		default:
			first, held = false, next
		}
		skipped := map[int64]bool{}
		for i, mv := range due {
			if skipped[mv.id] {
				continue
			}
			st, _ := readMVState(mv)
			if !st.Incremental {
				lastRecompute[mv.id] = time.Now()
			}
			s, err := m.w.NewSession(ctx, mv.owner, "")
			if err != nil {
				return
			}
			if _, err := s.refreshOne(ctx, mv, refreshAuto); err != nil && ctx.Err() == nil {
				log.Warn("auto refresh failed", "view", mv.qualified(), "err", err)
				// Its readers due in this pass wait for a refresh that works.
				if readers, err := s.dependents(ctx, mv, true); err == nil {
					for _, r := range readers {
						skipped[r.id] = true
					}
				}
				s.skipCascade(ctx, mv, due[i+1:], refreshAuto)
			}
			_ = s.Close()
		}
		var retry <-chan time.Time
		if len(held) > 0 || err != nil {
			retry = time.After(recomputeEvery)
		}
		select {
		case <-ctx.Done():
			return
		case <-m.changes.wake:
		case <-retry:
		}
	}
}

// dueViews reads the ordinary views that read a changed relation (or are
// held from an earlier pass): those with AUTO REFRESH to refresh now,
// readers after what they read, and those held back by recomputeEvery for
// a later pass. Views without AUTO REFRESH are marked stale as of the
// change. With all,
// every AUTO REFRESH view counts as changed.
func (m *ingestManager) dueViews(ctx context.Context, changed map[string]time.Time, all bool, held map[int64]bool,
	lastRecompute map[int64]time.Time) (due []*mvRow, next map[int64]bool, err error) {
	next = map[int64]bool{}
	if len(changed) == 0 && !all && len(held) == 0 {
		return nil, next, nil
	}
	c, err := m.w.connect(ctx)
	if err != nil {
		return nil, held, err
	}
	defer c.Close()
	views, err := queryMVs(ctx, c, "kind = $1", mvOrdinary)
	if err != nil {
		return nil, held, err
	}
	for _, v := range views {
		at, err := readsAny(ctx, c, v, changed)
		if err != nil {
			return nil, held, err
		}
		hit := (all && v.autoRefresh) || held[v.id] || !at.IsZero()
		if !hit {
			continue
		}
		if !v.autoRefresh {
			if err := markStale(ctx, c, v, at); err != nil {
				return nil, held, err
			}
			continue
		}
		st, err := readMVState(v)
		if err != nil {
			return nil, held, err
		}
		if st.Incremental {
			// Only rows past the mark make work: skip a spurious hit.
			hi, err := maxRowID(ctx, c, st.SourceSchema, st.SourceName)
			if err == nil && hi == st.HighWater {
				continue
			}
		} else if time.Since(lastRecompute[v.id]) < recomputeEvery {
			next[v.id] = true
			continue
		}
		due = append(due, v)
	}
	if len(due) > 1 {
		if due, err = orderByDeps(ctx, c, due); err != nil {
			return nil, held, err
		}
	}
	return due, next, nil
}

// readsAny returns when the latest of the changed relations v reads
// changed; zero when it reads none of them.
func readsAny(ctx context.Context, c *Conn, v *mvRow, changed map[string]time.Time) (time.Time, error) {
	var at time.Time
	if len(changed) == 0 {
		return at, nil
	}
	res, err := c.Query(ctx, "SELECT ref_schema, ref_name FROM "+CatalogSchema+".mv_deps WHERE schema_name = $1 AND name = $2", v.schema, v.name)
	if err != nil {
		return at, err
	}
	for res.Next() {
		vals := res.Values()
		rs, rn := vals[0].(string), vals[1].(string)
		for _, t := range []time.Time{changed[rs+"."+rn], changed[rn]} {
			if t.After(at) {
				at = t
			}
		}
	}
	return at, errors.Join(res.Err(), res.Close())
}

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
//   - A pass follows every committed write, so one that hits no view costs
//     no query: the loop keeps the list of ordinary views and what each
//     reads (viewMemo) until the catalog changes (catalogGen, settled),
//     and reads a view's row only when a change hits it. A view already
//     stale is not marked again until a refresh may have cleared it
//     (staleSince). A pass that fails gives its changes back for the next.

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
	// stale is what this process knows of the staleness it recorded for
	// ordinary views (staleSince).
	stale struct {
		sync.Mutex
		marked     map[int64]time.Time // view id -> changed_at of the row markStale wrote
		skipped    map[int64]time.Time // view id -> the latest change not written for marked
		refreshing map[int64]int       // view id -> refreshes under way
		refreshed  map[int64]time.Time // view id -> when its last refresh ended
		// owed are the changes to write after all: a refresh ran since
		// they were skipped (view id -> when).
		owed map[int64]time.Time
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

// restore gives back what take returned, for the next take: a pass that
// failed did not act on it. Later publications keep their times.
func (f *changeFeed) restore(changed map[string]time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for n, t := range changed {
		if t.After(f.mu.changed[n]) {
			f.mu.changed[n] = t
		}
	}
}

// refreshing records that a refresh of ordinary view id is under way, until
// the returned function is called, once the refresh has returned
// (committed, failed, or left to its transaction block's end). It is called
// before the refresh's snapshot, except in a transaction block, whose
// snapshot and refreshed_at (the transaction's start, markRefreshed) may be
// older: the changes staleSince let go unwritten since the view was marked
// stale are then owed (takeOwed), in case the refresh's snapshot missed
// them.
func (f *changeFeed) refreshing(id int64) (done func()) {
	f.stale.Lock()
	if f.stale.refreshing == nil {
		f.stale.refreshing = map[int64]int{}
		f.stale.refreshed = map[int64]time.Time{}
	}
	f.stale.refreshing[id]++
	f.stale.Unlock()
	return func() {
		f.stale.Lock()
		if f.stale.refreshing[id]--; f.stale.refreshing[id] == 0 {
			delete(f.stale.refreshing, id)
		}
		f.stale.refreshed[id] = time.Now()
		at, owed := f.stale.skipped[id]
		if owed {
			if f.stale.owed == nil {
				f.stale.owed = map[int64]time.Time{}
			}
			if at.After(f.stale.owed[id]) {
				f.stale.owed[id] = at
			}
		}
		delete(f.stale.marked, id)
		delete(f.stale.skipped, id)
		f.stale.Unlock()
		if owed {
			select {
			case f.wake <- struct{}{}:
			default:
			}
		}
	}
}

// markedStale records that markStale committed a change of view id at at.
func (f *changeFeed) markedStale(id int64, at time.Time) {
	f.stale.Lock()
	defer f.stale.Unlock()
	if f.stale.marked == nil {
		f.stale.marked = map[int64]time.Time{}
		f.stale.skipped = map[int64]time.Time{}
	}
	if at.After(f.stale.marked[id]) {
		f.stale.marked[id] = at
	}
}

// staleSince reports whether view id is stale for certain, so that its
// change at at need not be written, and if so remembers the change as
// skipped. It is when this process wrote a change at t (markedStale) and no
// refresh of the view is under way or ended at t or later. Every refresh
// so far then ended, and so started and took its refreshed_at, before t:
// the row at t stays newer than refreshed_at (STV_MV_INFO.is_stale), and
// markStale deletes only rows older than refreshed_at. A refresh that
// starts later passes refreshing, which owes the skipped changes to the
// refresh's snapshot may have missed (a refresh in a transaction block
// whose snapshot is older than the refresh). Only this process writes the
// warehouse's file, and every refresh of an ordinary view passes
// refreshing.
func (f *changeFeed) staleSince(id int64, at time.Time) bool {
	f.stale.Lock()
	defer f.stale.Unlock()
	t, ok := f.stale.marked[id]
	if !ok || f.stale.refreshing[id] > 0 || !f.stale.refreshed[id].Before(t) {
		return false
	}
	if at.After(f.stale.skipped[id]) {
		f.stale.skipped[id] = at
	}
	return true
}

// takeOwed returns the changes a refresh made owed (see refreshing), and
// forgets them.
func (f *changeFeed) takeOwed() map[int64]time.Time {
	f.stale.Lock()
	defer f.stale.Unlock()
	o := f.stale.owed
	f.stale.owed = nil
	return o
}

// owe gives back what takeOwed returned, for a pass that failed.
func (f *changeFeed) owe(o map[int64]time.Time) {
	f.stale.Lock()
	defer f.stale.Unlock()
	for id, at := range o {
		if f.stale.owed == nil {
			f.stale.owed = map[int64]time.Time{}
		}
		if at.After(f.stale.owed[id]) {
			f.stale.owed[id] = at
		}
	}
}

// forgetOthers drops what staleSince keeps of the views not in ids (those
// dropped), but of refreshes under way.
func (f *changeFeed) forgetOthers(ids map[int64]bool) {
	f.stale.Lock()
	defer f.stale.Unlock()
	for id := range f.stale.marked {
		if !ids[id] {
			delete(f.stale.marked, id)
			delete(f.stale.skipped, id)
		}
	}
	for id := range f.stale.owed {
		if !ids[id] {
			delete(f.stale.owed, id)
		}
	}
	for id := range f.stale.refreshed {
		if !ids[id] && f.stale.refreshing[id] == 0 {
			delete(f.stale.refreshed, id)
		}
	}
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
	var memo viewMemo
	for {
		changed := m.changes.take()
		due, next, err := m.dueViews(ctx, &memo, changed, first, held, lastRecompute)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Warn("auto refresh: read views", "err", err)
			// The next pass, after recomputeEvery, looks at them again.
			m.changes.restore(changed)
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

// viewMemo is what the AUTO REFRESH loop keeps of the ordinary views
// between passes, to tell without a query which views a change hits: a
// query of the catalog's views and their dependencies took most of a pass,
// and a pass follows every committed write. It holds while the catalog's
// generation (catalog_cache.go) stays the one it was read at with no
// change under way; a view's state and high water mark, which refreshes
// move, are read afresh for the views a change hits.
type viewMemo struct {
	gen   uint64
	valid bool
	views []memoView
}

// memoView is one ordinary view as the memo keeps it.
type memoView struct {
	// row is the view's catalog row as read: its id, name, owner and
	// AUTO REFRESH, not its state or high water mark.
	row *mvRow
	// reads are the names the relations the view reads are published under
	// (relationNames).
	reads []string
}

// current makes memo current: read afresh, on the connection conn gives,
// unless the catalog has not changed since it was read.
func (m *ingestManager) current(ctx context.Context, memo *viewMemo, conn func() (*Conn, error)) error {
	gen, settled := m.w.catalogGen.settled()
	if memo.valid && memo.gen == gen && settled {
		return nil
	}
	c, err := conn()
	if err != nil {
		return err
	}
	views, err := queryMVs(ctx, c, "kind = $1", mvOrdinary)
	if err != nil {
		return err
	}
	res, err := c.Query(ctx, "SELECT schema_name, name, ref_schema, ref_name FROM "+CatalogSchema+".mv_deps")
	if err != nil {
		return errorf("read materialized view dependencies: %w", err)
	}
	reads := map[[2]string][]string{}
	for res.Next() {
		v := res.Values()
		k := [2]string{v[0].(string), v[1].(string)}
		reads[k] = append(reads[k], relationNames(v[2].(string), v[3].(string))...)
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return errorf("read materialized view dependencies: %w", err)
	}
	*memo = viewMemo{gen: gen, valid: settled}
	ids := map[int64]bool{}
	for _, v := range views {
		memo.views = append(memo.views, memoView{row: v, reads: reads[[2]string{v.schema, v.name}]})
		ids[v.id] = true
	}
	m.changes.forgetOthers(ids)
	return nil
}

// dueViews reads the ordinary views that read a changed relation (or are
// held from an earlier pass): those with AUTO REFRESH to refresh now,
// readers after what they read, and those held back by recomputeEvery for
// a later pass. Views without AUTO REFRESH are marked stale as of the
// change. With all, every AUTO REFRESH view counts as changed. Which views
// a change hits comes from memo; it opens a connection only for a hit, or
// to read memo afresh.
func (m *ingestManager) dueViews(ctx context.Context, memo *viewMemo, changed map[string]time.Time, all bool,
	held map[int64]bool, lastRecompute map[int64]time.Time) (due []*mvRow, next map[int64]bool, err error) {
	next = map[int64]bool{}
	owed := m.changes.takeOwed()
	if len(changed) == 0 && !all && len(held) == 0 && len(owed) == 0 {
		return nil, next, nil
	}
	defer func() {
		if err != nil {
			m.changes.owe(owed)
		}
	}()
	var c *Conn
	conn := func() (*Conn, error) {
		if c == nil {
			var err error
			if c, err = m.w.connect(ctx); err != nil {
				return nil, err
			}
		}
		return c, nil
	}
	defer func() {
		if c != nil {
			_ = c.Close()
		}
	}()
	if err := m.current(ctx, memo, conn); err != nil {
		return nil, held, err
	}
	for _, mv := range memo.views {
		if at, ok := owed[mv.row.id]; ok {
			c, err := conn()
			if err != nil {
				return nil, held, err
			}
			if err := markStale(ctx, c, mv.row, at); err != nil {
				return nil, held, err
			}
			m.changes.markedStale(mv.row.id, at)
		}
	}
	for _, mv := range memo.views {
		at := readsAny(mv.reads, changed)
		if !(all && mv.row.autoRefresh) && !held[mv.row.id] && at.IsZero() {
			continue
		}
		v := mv.row
		if v.autoRefresh {
			// A hit: its state as it is now.
			c, err := conn()
			if err != nil {
				return nil, held, err
			}
			rows, err := queryMVs(ctx, c, "id = $1", v.id)
			if err != nil {
				return nil, held, err
			}
			if len(rows) == 0 {
				continue // dropped since
			}
			v = rows[0]
		}
		if !v.autoRefresh {
			if at.IsZero() {
				at = time.Now() // held, and AUTO REFRESH NO since
			}
			if m.changes.staleSince(v.id, at) {
				continue
			}
			c, err := conn()
			if err != nil {
				return nil, held, err
			}
			if err := markStale(ctx, c, v, at); err != nil {
				return nil, held, err
			}
			m.changes.markedStale(v.id, at)
			continue
		}
		st, err := readMVState(v)
		if err != nil {
			return nil, held, err
		}
		if st.Incremental {
			// Only rows past the mark make work: skip a spurious hit.
			c, err := conn()
			if err != nil {
				return nil, held, err
			}
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
		c, err := conn()
		if err != nil {
			return nil, held, err
		}
		if due, err = orderByDeps(ctx, c, due); err != nil {
			return nil, held, err
		}
	}
	return due, next, nil
}

// readsAny returns when the latest of the changed relations published
// under names changed; zero when none of them did.
func readsAny(names []string, changed map[string]time.Time) time.Time {
	var at time.Time
	for _, n := range names {
		if t := changed[n]; t.After(at) {
			at = t
		}
	}
	return at
}

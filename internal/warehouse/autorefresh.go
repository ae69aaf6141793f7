package warehouse

// The streaming-ingestion manager: one refresh lock per view (a manual
// REFRESH and the view's AUTO REFRESH loop never run a batch at the same
// time), and one loop goroutine per view with AUTO REFRESH YES.
//
// A loop takes the stream's Watch channel, runs batches until one ends
// below the batch bounds (caught up), then waits on the channel: records
// become rows one commit after they are acknowledged, with no polling.
// Readers that cannot notify (a remote Kinesis) are polled adaptively:
// every minPoll while batches bring records, each empty poll doubling the
// wait up to maxPoll (Kinesis allows five reads a second per shard, shared
// by every consumer of the stream). A failing batch is retried with exponential backoff up to
// maxBackoff; its positions stay where they were.
//
// Lifecycle: loops start at Open (or, with Options.DeferAutoRefresh, at
// RunAutoRefresh) for every view with AUTO REFRESH YES, at CREATE and at
// ALTER ... AUTO REFRESH YES; they stop at ALTER ... NO, DROP, the end of
// RunAutoRefresh's context and Close (the last two wait for them).

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/blueshift-dev/blueshift/internal/source"
)

const (
	minPoll    = source.MinReadInterval
	maxPoll    = 5 * time.Second
	minBackoff = 100 * time.Millisecond
	maxBackoff = 30 * time.Second
)

type ingestManager struct {
	w       *Warehouse
	sources *source.Registry
	log     *slog.Logger
	metrics *streamMetrics
	changes *changeFeed     // mv_changes.go
	bound   batchBound      // set before any refresh runs
	ctx     context.Context // ends at Close: every loop's parent
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	// deferLoops: setup does not start the loops; start does (Options.
	// DeferAutoRefresh).
	deferLoops bool

	mu struct {
		sync.Mutex
		views   map[int64]*mvRunner
		paused  map[int64]string // refresh_marker.go: view id -> reason
		strikes map[int64]bool   // refresh_marker.go: views with a strike file
		// started: the loops may run (start was called, or setup started them).
		started bool
	}
}

// mvRunner is one streaming view's refresh state.
type mvRunner struct {
	lock chan struct{} // held (filled) while a batch runs
	g    *ingestor     // owned by the lock holder
	// loop, when not nil, is the AUTO REFRESH loop; guarded by ingestManager.mu.
	loop *loopHandle
}

type loopHandle struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func newIngestManager(w *Warehouse, sources *source.Registry, reg prometheus.Registerer) *ingestManager {
	m := &ingestManager{w: w, sources: sources, log: w.log.With("component", "streaming"),
		metrics: newStreamMetrics(reg), changes: newChangeFeed(),
		bound: batchBound{records: batchMaxRecords, bytes: batchMaxBytes}}
	if m.sources == nil {
		m.sources = &source.Registry{}
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	m.mu.views = map[int64]*mvRunner{}
	m.mu.paused = map[int64]string{}
	m.mu.strikes = map[int64]bool{}
	return m
}

// setup migrates the streaming catalog and starts the AUTO REFRESH loops.
func (m *ingestManager) setup(ctx context.Context) error {
	c, err := m.w.connect(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := migrate(ctx, c, streamMigrations); err != nil {
		return err
	}
	for _, v := range mvSystemViews {
		if _, err := c.Exec(ctx, v); err != nil {
			return errorf("system view: %w", err)
		}
	}
	if err := m.pauseCrashed(ctx, c); err != nil { // refresh_marker.go
		return err
	}
	if m.deferLoops {
		return nil
	}
	return m.start(ctx)
}

// start starts the AUTO REFRESH loops of every view that has it (and is
// not paused) and the ordinary views' auto refresh.
func (m *ingestManager) start(ctx context.Context) error {
	m.mu.Lock()
	if m.mu.started {
		m.mu.Unlock()
		return nil
	}
	m.mu.started = true
	m.mu.Unlock()
	c, err := m.w.connect(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	mvs, err := queryMVs(ctx, c, "kind = $1 AND auto_refresh", mvStreaming)
	if err != nil {
		return err
	}
	for _, mv := range mvs {
		m.startLoop(mv)
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.ordinaryAutoRefresh(m.ctx)
	}()
	return nil
}

func (m *ingestManager) runner(id int64) *mvRunner {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.mu.views[id]
	if r == nil {
		r = &mvRunner{lock: make(chan struct{}, 1)}
		m.mu.views[id] = r
	}
	return r
}

// acquire takes the view's refresh lock; the caller releases it.
func (m *ingestManager) acquire(ctx context.Context, id int64) (*mvRunner, error) {
	r := m.runner(id)
	select {
	case r.lock <- struct{}{}:
		return r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (r *mvRunner) release() { <-r.lock }

// withLock runs fn holding the view's refresh lock, with its ingestor.
func (m *ingestManager) withLock(ctx context.Context, mv *mvRow, fn func(g *ingestor) error) error {
	r, err := m.acquire(ctx, mv.id)
	if err != nil {
		return err
	}
	defer r.release()
	if r.g == nil {
		g, err := m.w.newIngestor(ctx, mv)
		if err != nil {
			return err
		}
		r.g = g
	}
	err = fn(r.g)
	if err != nil {
		// Start over with a fresh connection and reader next time.
		_ = r.g.close()
		r.g = nil
	}
	return err
}

// refresh runs batches until the view has caught up with the stream.
func (m *ingestManager) refresh(ctx context.Context, mv *mvRow, by refreshBy) error {
	return m.withLock(ctx, mv, func(g *ingestor) error {
		for {
			r, err := g.batch(ctx, by)
			if err != nil {
				return err
			}
			if !r.more {
				return nil
			}
		}
	})
}

// startLoop starts mv's AUTO REFRESH loop unless it runs already.
func (m *ingestManager) startLoop(mv *mvRow) {
	r := m.runner(mv.id)
	m.mu.Lock()
	defer m.mu.Unlock()
	if r.loop != nil || m.ctx.Err() != nil || m.mu.paused[mv.id] != "" || (m.deferLoops && !m.mu.started) {
		return
	}
	ctx, cancel := context.WithCancel(m.ctx)
	h := &loopHandle{cancel: cancel, done: make(chan struct{})}
	r.loop = h
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer close(h.done)
		m.loop(ctx, mv)
	}()
}

// stopLoop stops mv's loop and waits for it.
func (m *ingestManager) stopLoop(id int64) {
	m.mu.Lock()
	r := m.mu.views[id]
	var h *loopHandle
	if r != nil {
		h, r.loop = r.loop, nil
	}
	m.mu.Unlock()
	if h != nil {
		h.cancel()
		<-h.done
	}
}

func (m *ingestManager) loop(ctx context.Context, mv *mvRow) {
	log := m.log.With("view", mv.qualified(), "stream", mv.stream)
	log.Info("auto refresh started")
	defer log.Info("auto refresh stopped")
	backoff, poll := time.Duration(0), time.Duration(0)
	for ctx.Err() == nil {
		var wake <-chan struct{}
		var more, got bool
		err := m.withLock(ctx, mv, func(g *ingestor) error {
			ch, err := g.reader.Watch(ctx, mv.stream)
			if err != nil {
				return sourceError(err)
			}
			wake = ch
			r, err := g.batch(ctx, refreshBy{kind: refreshAuto, user: g.ownerOf(ctx, mv)}) // owners.go
			if err != nil {
				return err
			}
			more, got = r.more, r.scanned > 0 || len(r.gaps) > 0
			return nil
		})
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			backoff = min(max(2*backoff, minBackoff), maxBackoff)
			log.Warn("auto refresh failed; retrying", "err", err, "retry_in", backoff)
			if !sleepCtx(ctx, m.w.clock, backoff) {
				return
			}
			continue
		}
		backoff = 0
		if more {
			continue
		}
		if wake == nil {
			if got {
				poll = minPoll
			} else {
				poll = min(max(2*poll, minPoll), maxPoll)
			}
			if !sleepCtx(ctx, m.w.clock, poll) {
				return
			}
			continue
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return
		}
	}
}

// sleepCtx waits d on clock or until ctx ends; false when ctx ended.
func sleepCtx(ctx context.Context, clock clockwork.Clock, d time.Duration) bool {
	t := clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.Chan():
		return true
	case <-ctx.Done():
		return false
	}
}

// detach readies streaming views to be dropped: it stops their loops,
// takes their refresh locks (in id order) and closes their ingestors. The
// caller drops them, then calls the returned function with whether it did.
func (m *ingestManager) detach(ctx context.Context, mvs []*mvRow) (func(dropped bool), error) {
	mvs = slices.Clone(mvs)
	slices.SortFunc(mvs, func(a, b *mvRow) int { return cmp.Compare(a.id, b.id) })
	var held []*mvRunner
	releaseAll := func() {
		for _, r := range held {
			r.release()
		}
	}
	for _, mv := range mvs {
		m.stopLoop(mv.id)
		r, err := m.acquire(ctx, mv.id)
		if err != nil {
			releaseAll()
			return nil, err
		}
		held = append(held, r)
		if r.g != nil {
			_ = r.g.close()
			r.g = nil
		}
	}
	return func(dropped bool) {
		releaseAll()
		if !dropped {
			for _, mv := range mvs {
				if mv.autoRefresh {
					m.startLoop(mv)
				}
			}
			return
		}
		m.mu.Lock()
		for _, mv := range mvs {
			delete(m.mu.views, mv.id)
		}
		m.mu.Unlock()
		for _, mv := range mvs {
			m.metrics.forget(mv.qualified())
		}
	}, nil
}

// close stops every loop, waits for them and closes the ingestors.
// stop stops every refresh loop and waits for them; no loop starts after.
func (m *ingestManager) stop() {
	m.cancel()
	m.wg.Wait()
}

func (m *ingestManager) close() error {
	m.stop()
	m.mu.Lock()
	defer m.mu.Unlock()
	var errs []error
	for _, r := range m.mu.views {
		if r.g != nil {
			errs = append(errs, r.g.close())
			r.g = nil
		}
	}
	return errors.Join(errs...)
}

package streamlog

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

type atomicMeta = atomic.Pointer[streamMeta]

// op is one mutation handed to the writer goroutine. apply runs on the writer
// goroutine in submission order; it either writes its keys into b and
// returns a publish function (run after the batch is durable), or writes
// nothing and returns an error.
type op struct {
	apply func(w *writerState, b *pebble.Batch) (publish func(), err error)
	size  int // approximate bytes, to bound a group
	err   error
	done  chan struct{}
}

// Group-commit bounds: one Pebble batch and one fsync carry up to this much.
const (
	maxGroupOps   = 4096
	maxGroupBytes = 16 << 20 // well under Pebble's large-batch threshold (half a memtable)
)

// Err is why the log refuses writes now, or nil while it accepts them: the
// stream log's health. It is ErrDiskFull while the disk is full (cleared by
// itself when space is back), or the error of a failed commit (which lasts
// until a restart).
func (l *Log) Err() error { return l.refusal() }

// submit hands o to the writer and waits for it to be durable (or refused).
// If ctx ends first the operation may still commit; the caller must treat
// it as unacknowledged.
func (l *Log) submit(ctx context.Context, o *op) error {
	o.done = make(chan struct{})
	if err := l.refusal(); err != nil {
		return err
	}
	select {
	case l.ops <- o:
	case <-l.quit:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-o.done:
		return o.err
	case <-l.wdone:
		// The writer is gone; o may have been taken before it left.
		select {
		case <-o.done:
			return o.err
		default:
			return ErrClosed
		}
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writer is the single goroutine that mutates the log. It takes every
// operation waiting, applies them to one Pebble batch and hands that batch
// to the WAL without waiting for its fsync, then goes on with the next
// group while the syncer waits for the fsync and publishes the results.
// Many concurrent writers share one fsync (group commit), the next group is
// built while the previous one syncs (pipelining), and readers only ever
// see durable data, in order.
func (l *Log) writer() {
	defer close(l.wdone)
	syncq := make(chan *pendingGroup, 16)
	syncDone := make(chan struct{})
	go l.syncer(syncq, syncDone)
	defer func() {
		close(syncq)
		<-syncDone
	}()
	for {
		var first *op
		select {
		case first = <-l.ops:
		case <-l.quit:
			l.drain(ErrClosed)
			return
		}
		group := make([]*op, 1, 16)
		group[0] = first
		size := first.size
	more:
		for len(group) < maxGroupOps && size < maxGroupBytes {
			select {
			case o := <-l.ops:
				group = append(group, o)
				size += o.size
			default:
				break more
			}
		}
		syncq <- l.applyGroup(group)
	}
}

// pendingGroup is a group applied to the WAL and memtable, waiting for its fsync.
type pendingGroup struct {
	b     *pebble.Batch // nil when the group wrote nothing
	group []*op
	pubs  []func()
	start time.Time
	err   error // set when the group failed before its fsync
}

func (l *Log) applyGroup(group []*op) *pendingGroup {
	p := &pendingGroup{group: group, start: time.Now()}
	b := l.db.NewBatch()
	for _, o := range group {
		pub, err := o.apply(&l.w, b)
		o.err = err
		if pub != nil {
			p.pubs = append(p.pubs, pub)
		}
	}
	if b.Empty() {
		_ = b.Close()
		return p
	}
	// Visible in Pebble once this returns, but not to our readers: they
	// stop at each shard's published end, which moves after the fsync.
	if err := l.db.ApplyNoSyncWait(b, pebble.Sync); err != nil {
		_ = b.Close()
		p.err = err
		return p
	}
	p.b = b
	return p
}

// syncer waits for each group's fsync, in order, then publishes it and
// answers its operations. WAL syncs complete in log order, so publishing in
// queue order keeps every shard's visible end moving forward without gaps.
func (l *Log) syncer(q <-chan *pendingGroup, done chan<- struct{}) {
	defer close(done)
	var failed error
	for p := range q {
		err := p.err
		if p.b != nil {
			if serr := p.b.SyncWait(); err == nil {
				err = serr
			}
			_ = p.b.Close()
			l.m.commitDur.Observe(time.Since(p.start).Seconds())
			l.m.commits.Inc()
			l.m.groupOps.Observe(float64(len(p.group)))
		}
		if err != nil && failed == nil {
			// The in-memory state is now ahead of the disk: refuse everything.
			failed = fmt.Errorf("streamlog: commit: %w (the log refuses further writes; restart to recover)", err)
			l.log.Error("commit failed", "err", failed)
			l.mu.Lock()
			l.mu.failed = failed
			l.mu.Unlock()
		}
		if failed != nil {
			for _, o := range p.group {
				o.err = failed
				close(o.done)
			}
			continue
		}
		for _, pub := range p.pubs {
			pub()
		}
		for _, o := range p.group {
			close(o.done)
		}
	}
}

// drain fails every queued operation with err.
func (l *Log) drain(err error) {
	for {
		select {
		case o := <-l.ops:
			o.err = err
			close(o.done)
		default:
			return
		}
	}
}

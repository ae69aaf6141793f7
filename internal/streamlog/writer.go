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
	maxGroupBytes = 64 << 20
)

// submit hands o to the writer and waits for it to be durable (or refused).
// If ctx ends first the operation may still commit; the caller must treat
// it as unacknowledged.
func (l *Log) submit(ctx context.Context, o *op) error {
	o.done = make(chan struct{})
	l.mu.RLock()
	failed := l.mu.failed
	l.mu.RUnlock()
	if failed != nil {
		return failed
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
// operation waiting, applies them to one Pebble batch, commits that batch
// with one fsync (group commit), then publishes the results: many
// concurrent writers share one fsync, and readers only ever see durable data.
func (l *Log) writer() {
	defer close(l.wdone)
	group := make([]*op, 0, 64)
	pubs := make([]func(), 0, 64)
	for {
		var first *op
		select {
		case first = <-l.ops:
		case <-l.quit:
			l.drain(ErrClosed)
			return
		}
		group = append(group[:0], first)
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
		l.commitGroup(group, pubs[:0])
	}
}

func (l *Log) commitGroup(group []*op, pubs []func()) {
	b := l.db.NewBatch()
	defer b.Close()
	for _, o := range group {
		pub, err := o.apply(&l.w, b)
		o.err = err
		if pub != nil {
			pubs = append(pubs, pub)
		}
	}
	if !b.Empty() {
		start := time.Now()
		err := b.Commit(pebble.Sync)
		l.m.commitDur.Observe(time.Since(start).Seconds())
		if err != nil {
			// The in-memory state is now ahead of the disk: refuse everything.
			err = fmt.Errorf("streamlog: commit: %w (the log refuses further writes; restart to recover)", err)
			l.log.Error("commit failed", "err", err)
			l.mu.Lock()
			l.mu.failed = err
			l.mu.Unlock()
			for _, o := range group {
				o.err = err
				close(o.done)
			}
			return
		}
		l.m.commits.Inc()
		l.m.groupOps.Observe(float64(len(group)))
	}
	for _, p := range pubs {
		p()
	}
	for _, o := range group {
		close(o.done)
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

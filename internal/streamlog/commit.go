package streamlog

import (
	"context"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// StreamAppend is a set of entries to append to one stream as part of a
// Commit; Out receives where each entry went (len(Out) must be len(Entries)).
type StreamAppend struct {
	Stream  string
	Entries []Entry
	Out     []Appended
}

// Commit durably commits the caller's batch together with zero or more
// appends to one or more streams, in one atomic Pebble batch through the
// log's single writer (so it shares group commit and fsync with every other
// write). It returns once everything is fsynced. Either all of it lands or
// none does: a missing or CREATING stream refuses the whole commit before
// anything is written. batch may be nil; it is not closed.
//
// Other packages sharing the database (tables) use it so that an item write
// and its change records are one atomic, durable unit.
func (l *Log) Commit(ctx context.Context, batch *pebble.Batch, appends []StreamAppend) error {
	type prepared struct {
		st     *stream
		hashes []HashKey
	}
	preps := make([]prepared, len(appends))
	size := 64
	if batch != nil {
		size += len(batch.Repr())
	}
	for i, a := range appends {
		if len(a.Out) != len(a.Entries) {
			return fmt.Errorf("streamlog: commit: %d results for %d entries", len(a.Out), len(a.Entries))
		}
		st, err := l.lookup(a.Stream)
		if err != nil {
			return fmt.Errorf("streamlog: commit: %w", err)
		}
		hashes := make([]HashKey, len(a.Entries))
		for j := range a.Entries {
			e := &a.Entries[j]
			if n := len(e.PartitionKey); n < 1 || n > MaxPartitionKeyLen {
				return fmt.Errorf("%w: record %d: partition key of %d bytes; want 1 to %d", ErrInvalidArgument, j, n, MaxPartitionKeyLen)
			}
			if n := len(e.Data); n > MaxCommitRecordBytes {
				return fmt.Errorf("%w: record %d: %d bytes of data; the limit is %d", ErrInvalidArgument, j, n, MaxCommitRecordBytes)
			}
			if e.HasExplicitHashKey {
				hashes[j] = e.ExplicitHashKey
			} else {
				hashes[j] = HashKeyOf(e.PartitionKey)
			}
			size += len(e.PartitionKey) + len(e.Data) + 40
		}
		preps[i] = prepared{st, hashes}
	}
	o := &op{size: size}
	o.apply = func(w *writerState, b *pebble.Batch) (func(), error) {
		// Check every stream before writing anything: an op writes all of
		// its keys or none.
		nowMs := l.now().UnixMilli()
		for _, p := range preps {
			if w.streams[p.st.id] != p.st {
				return nil, fmt.Errorf("%w: %s", ErrStreamNotFound, p.st.name)
			}
			if s := p.st.pending.status(nowMs); s == StatusCreating {
				return nil, fmt.Errorf("%w: %s is %s", ErrStreamBusy, p.st.name, s)
			}
		}
		if batch != nil && !batch.Empty() {
			if err := b.Apply(batch, nil); err != nil {
				return nil, fmt.Errorf("streamlog: commit: %w", err)
			}
		}
		var pubs []func()
		for i, p := range preps {
			pub, err := l.applyAppend(w, b, p.st, appends[i].Entries, p.hashes, appends[i].Out, nil)
			if err != nil {
				// Not reached after the checks above; the group's batch
				// may now hold part of this op, so fail loudly.
				return nil, fmt.Errorf("streamlog: commit: append to %s after the checks passed: %w", p.st.name, err)
			}
			pubs = append(pubs, pub)
		}
		return func() {
			for _, pub := range pubs {
				pub()
			}
		}, nil
	}
	if err := l.submit(ctx, o); err != nil {
		return fmt.Errorf("streamlog: commit: %w", err)
	}
	return nil
}

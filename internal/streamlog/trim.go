package streamlog

import (
	"context"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// Run removes records past their stream's retention every
// Options.TrimInterval until ctx ends. It returns nil when ctx ends.
func (l *Log) Run(ctx context.Context) error {
	t := time.NewTicker(l.opts.TrimInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := l.Trim(ctx); err != nil && ctx.Err() == nil {
				l.log.Error("retention trim", "err", err)
			}
		}
	}
}

// Trim runs one retention pass: in every shard, the records that arrived
// more than the stream's retention period ago are removed, and the shard's
// TrimmedThrough is raised to the last of them.
func (l *Log) Trim(ctx context.Context) error {
	now := l.now()
	l.mu.Lock()
	for name, d := range l.mu.deleting {
		if now.UnixMilli() >= d.untilMs {
			delete(l.mu.deleting, name)
		}
	}
	streams := make([]*stream, 0, len(l.mu.byName))
	for _, st := range l.mu.byName {
		streams = append(streams, st)
	}
	l.mu.Unlock()
	defer l.m.trimRuns.Inc()
	for _, st := range streams {
		if err := l.trimStream(ctx, st, now); err != nil {
			return err
		}
	}
	return nil
}

type trimCut struct {
	shard       uint32
	keepFrom    Seq    // first sequence number kept
	lastGone    Seq    // last sequence number removed
	lastGoneOrd uint64 // its ordinal (0 in record format 1)
}

func (l *Log) trimStream(ctx context.Context, st *stream, now time.Time) error {
	m := st.meta.Load()
	cutoffMs := now.Add(-time.Duration(m.RetentionHours) * time.Hour).UnixMilli()
	var cuts []trimCut
	format := m.recordFormat()
	for _, sh := range m.Shards {
		keep, err := l.seekTime(st, sh, cutoffMs) // position before the first record kept
		if err != nil {
			return err
		}
		if keep < sh.StartSeq || keep <= sh.TrimmedThrough {
			continue
		}
		// The last record before the first one kept.
		it, err := l.shardIter(st.id, sh.Num, max(sh.StartSeq, sh.TrimmedThrough+1), keep)
		if err != nil {
			return err
		}
		ok := it.Last()
		var lastGone Seq
		var lastGoneOrd uint64
		if ok {
			lastGone, err = decodeRecordKey(it.Key())
			if err == nil {
				_, lastGoneOrd, _, _, err = decodeRecordValue(it.Value(), format)
			}
		}
		if cerr := it.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("streamlog: trim: %w", err)
		}
		if ok {
			cuts = append(cuts, trimCut{shard: sh.Num, keepFrom: keep + 1, lastGone: lastGone, lastGoneOrd: lastGoneOrd})
		}
	}
	if len(cuts) == 0 {
		return nil
	}
	o := &op{}
	o.apply = func(w *writerState, b *pebble.Batch) (func(), error) {
		if w.streams[st.id] != st {
			return nil, nil // deleted meanwhile
		}
		m := st.pending.clone()
		for _, c := range cuts {
			if err := b.DeleteRange(appendRecordKey(nil, st.id, c.shard, 0), appendRecordKey(nil, st.id, c.shard, c.keepFrom), nil); err != nil {
				return nil, fmt.Errorf("streamlog: trim %s: %w", st.name, err)
			}
			sh := m.shard(c.shard)
			sh.TrimmedThrough = max(sh.TrimmedThrough, c.lastGone)
			sh.TrimmedOrdinal = max(sh.TrimmedOrdinal, c.lastGoneOrd)
			// Before the removal is applied (and visible): see Read.
			sh.live.trimmed.Store(uint64(sh.TrimmedThrough))
		}
		if err := l.writeMeta(w, b, st, m); err != nil {
			return nil, err
		}
		st.pending = m
		return func() {
			st.meta.Store(m)
			st.wake()
			l.m.trimmed.Add(float64(len(cuts)))
			for _, c := range cuts {
				l.log.Info("retention trimmed", "stream", st.name, "shard", ShardID(c.shard), "seq", c.lastGone.String())
			}
		}, nil
	}
	if err := l.submit(ctx, o); err != nil {
		return fmt.Errorf("streamlog: trim %s: %w", st.name, err)
	}
	return nil
}

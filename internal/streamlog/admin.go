package streamlog

import (
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"strings"

	"github.com/cockroachdb/pebble/v2"
)

// CreateOptions describe a new stream.
type CreateOptions struct {
	// Mode is PROVISIONED or ON_DEMAND; empty means PROVISIONED.
	Mode string
	// ShardCount is the number of shards of a PROVISIONED stream (1 to
	// Options.MaxShards). ON_DEMAND streams ignore it and get Options.OnDemandShards.
	ShardCount int
	// RetentionHours is 24 to 8760; zero means 24.
	RetentionHours int
	Tags           map[string]string
	// Internal makes a stream for blueshift's own use (the log behind a
	// table's DynamoDB stream): its name is InternalPrefix followed by a
	// legal stream name, it is ACTIVE at once (no transition delay), and
	// Streams and Usage leave it out, so the Kinesis API neither lists
	// nor counts it.
	Internal bool
}

// InternalPrefix begins the name of every internal stream. No Kinesis
// stream name can begin with it.
const InternalPrefix = "/"

// IsInternal reports whether name is an internal stream's.
func IsInternal(name string) bool { return strings.HasPrefix(name, InternalPrefix) }

// maxStreamID keeps stream ids within the bits a sequence number leaves them.
const maxStreamID = 1<<(64-seqBits) - 1

// MaxTags is the most tags a stream may carry.
const MaxTags = 50

// ValidStreamName reports whether name is a legal Kinesis stream name:
// 1 to 128 characters of [a-zA-Z0-9_.-].
func ValidStreamName(name string) bool {
	if len(name) < 1 || len(name) > 128 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// Create makes a new stream: status CREATING for Options.TransitionDelay,
// then ACTIVE. Its shards split the hash-key space evenly.
func (l *Log) Create(ctx context.Context, name string, o CreateOptions) error {
	if o.Internal {
		if !IsInternal(name) || !ValidStreamName(name[len(InternalPrefix):]) {
			return fmt.Errorf("%w: internal stream name %q: want %q and 1 to 128 characters of a-z A-Z 0-9 _ . -", ErrInvalidArgument, name, InternalPrefix)
		}
	} else if !ValidStreamName(name) {
		return fmt.Errorf("%w: stream name %q: want 1 to 128 characters of a-z A-Z 0-9 _ . -", ErrInvalidArgument, name)
	}
	if o.Mode == "" {
		o.Mode = ModeProvisioned
	}
	switch o.Mode {
	case ModeProvisioned:
		if o.ShardCount < 1 {
			return fmt.Errorf("%w: shard count %d: want at least 1", ErrInvalidArgument, o.ShardCount)
		}
		if o.ShardCount > l.opts.MaxShards {
			return fmt.Errorf("%w: shard count %d: the limit is %d", ErrLimitExceeded, o.ShardCount, l.opts.MaxShards)
		}
	case ModeOnDemand:
		o.ShardCount = l.opts.OnDemandShards
	default:
		return fmt.Errorf("%w: stream mode %q: want PROVISIONED or ON_DEMAND", ErrInvalidArgument, o.Mode)
	}
	if o.RetentionHours == 0 {
		o.RetentionHours = DefaultRetentionHours
	}
	if o.RetentionHours < MinRetentionHours || o.RetentionHours > MaxRetentionHours {
		return fmt.Errorf("%w: retention %d hours: want %d to %d", ErrInvalidArgument, o.RetentionHours, MinRetentionHours, MaxRetentionHours)
	}
	if len(o.Tags) > MaxTags {
		return fmt.Errorf("%w: %d tags: the limit is %d", ErrInvalidArgument, len(o.Tags), MaxTags)
	}
	op := &op{}
	op.apply = func(w *writerState, b *pebble.Batch) (func(), error) {
		nowMs := l.now().UnixMilli()
		for _, st := range w.streams {
			if st.name == name {
				return nil, fmt.Errorf("%w: %s", ErrStreamExists, name)
			}
		}
		l.mu.RLock()
		d, deleting := l.mu.deleting[name]
		l.mu.RUnlock()
		if deleting && nowMs < d.untilMs {
			return nil, fmt.Errorf("%w: %s is being deleted", ErrStreamBusy, name)
		}
		if w.nextStreamID > maxStreamID {
			return nil, fmt.Errorf("%w: stream ids exhausted", ErrLimitExceeded)
		}
		id := w.nextStreamID
		w.nextStreamID++
		until := nowMs + l.opts.TransitionDelay.Milliseconds()
		if o.Internal {
			until = nowMs
		}
		m := &streamMeta{
			ID: id, Name: name, CreatedMs: nowMs, RetentionHours: o.RetentionHours, Mode: o.Mode,
			Status: StatusCreating, StatusUntilMs: until,
			Tags: maps.Clone(o.Tags), RecordFormat: recordFormatNewest,
		}
		st := &stream{id: id, name: name, notify: make(chan struct{}), pending: m, nextSeq: Seq(id<<seqBits) + 1}
		for _, r := range uniformRanges(o.ShardCount) {
			st.newShard(m, r[0], r[1], -1, -1, nowMs)
		}
		st.rebuildRoutes()
		w.streams[id] = st
		if err := l.writeMeta(w, b, st, m); err != nil {
			return nil, err
		}
		if err := b.Set(nameKey(name), binary.BigEndian.AppendUint64(nil, id), nil); err != nil {
			return nil, fmt.Errorf("streamlog: create %s: %w", name, err)
		}
		if err := b.Set(keyNextStreamID, binary.BigEndian.AppendUint64(nil, w.nextStreamID), nil); err != nil {
			return nil, fmt.Errorf("streamlog: create %s: %w", name, err)
		}
		return func() {
			st.meta.Store(m)
			l.mu.Lock()
			l.mu.byName[name] = st
			delete(l.mu.deleting, name)
			l.mu.Unlock()
			l.log.Info("stream created", "stream", name, "shards", o.ShardCount, "mode", o.Mode)
		}, nil
	}
	if err := l.submit(ctx, op); err != nil {
		return fmt.Errorf("streamlog: create %s: %w", name, err)
	}
	return nil
}

// newShard adds an open shard to m, starting at the stream's next sequence number.
func (st *stream) newShard(m *streamMeta, start, end HashKey, parent, adjacent int64, nowMs int64) *shardMeta {
	s := &shardMeta{
		Num: m.NextShard, Parent: parent, AdjacentParent: adjacent, HashStart: start, HashEnd: end,
		StartSeq: st.nextSeq, CreatedMs: nowMs, live: &shardLive{},
	}
	s.live.publish(st.nextSeq-1, 0)
	s.live.nextOrd = 1
	m.NextShard++
	m.Shards = append(m.Shards, s)
	return s
}

// closeShard closes s: its ending sequence number is taken from the counter,
// so it is above every record in s and below every record of its children.
func (st *stream) closeShard(s *shardMeta, nowMs int64) {
	s.Closed = true
	s.ClosedMs = nowMs
	s.EndSeq = st.nextSeq
	st.nextSeq++
}

// writeMeta writes m and the stream's sequence counter into b.
func (l *Log) writeMeta(w *writerState, b *pebble.Batch, st *stream, m *streamMeta) error {
	if err := b.Set(idKey(prefixMeta, st.id), m.encode(), nil); err != nil {
		return fmt.Errorf("streamlog: write metadata of %s: %w", st.name, err)
	}
	w.buf = binary.BigEndian.AppendUint64(w.buf[:0], uint64(st.nextSeq))
	if err := b.Set(idKey(prefixNextSeq, st.id), w.buf, nil); err != nil {
		return fmt.Errorf("streamlog: write metadata of %s: %w", st.name, err)
	}
	return nil
}

// mutate runs fn on the writer against a copy of the stream's newest
// metadata; fn validates before it changes anything (including the
// sequence counter) and returns an error to leave the stream untouched.
func (l *Log) mutate(ctx context.Context, what, name string, fn func(st *stream, m *streamMeta, nowMs int64) error) error {
	st, err := l.lookup(name)
	if err != nil {
		return fmt.Errorf("streamlog: %s: %w", what, err)
	}
	o := &op{}
	o.apply = func(w *writerState, b *pebble.Batch) (func(), error) {
		if w.streams[st.id] != st {
			return nil, fmt.Errorf("%w: %s", ErrStreamNotFound, name)
		}
		m := st.pending.clone()
		if err := fn(st, m, l.now().UnixMilli()); err != nil {
			return nil, err
		}
		if err := l.writeMeta(w, b, st, m); err != nil {
			return nil, err
		}
		st.pending = m
		st.rebuildRoutes()
		return func() {
			st.meta.Store(m)
			st.wake()
		}, nil
	}
	if err := l.submit(ctx, o); err != nil {
		return fmt.Errorf("streamlog: %s %s: %w", what, name, err)
	}
	return nil
}

// reshardable checks that a reshard may start now, and marks m UPDATING.
func (l *Log) reshardable(m *streamMeta, nowMs int64) error {
	if s := m.status(nowMs); s != StatusActive {
		return fmt.Errorf("%w: %s is %s", ErrStreamBusy, m.Name, s)
	}
	return nil
}

func (l *Log) markUpdating(m *streamMeta, nowMs int64) {
	m.Status = StatusUpdating
	m.StatusUntilMs = nowMs + l.opts.TransitionDelay.Milliseconds()
}

func openShard(m *streamMeta, id string) (*shardMeta, error) {
	num, err := ParseShardID(id)
	if err != nil {
		return nil, err
	}
	s := m.shard(num)
	if s == nil {
		return nil, fmt.Errorf("%w: %s in stream %s", ErrShardNotFound, id, m.Name)
	}
	if s.Closed {
		return nil, fmt.Errorf("%w: shard %s of stream %s is closed", ErrInvalidArgument, id, m.Name)
	}
	return s, nil
}

// Split closes an open shard and opens two children: one owning
// [start, newStart-1], the other [newStart, end].
func (l *Log) Split(ctx context.Context, name, shardID string, newStart HashKey) error {
	return l.mutate(ctx, "split shard", name, func(st *stream, m *streamMeta, nowMs int64) error {
		if err := l.reshardable(m, nowMs); err != nil {
			return err
		}
		s, err := openShard(m, shardID)
		if err != nil {
			return err
		}
		if newStart.Cmp(s.HashStart) <= 0 || newStart.Cmp(s.HashEnd) > 0 {
			return fmt.Errorf("%w: new starting hash key %s is not inside (%s, %s] of shard %s",
				ErrInvalidArgument, newStart, s.HashStart, s.HashEnd, shardID)
		}
		if m.openShards()+1 > l.opts.MaxShards {
			return fmt.Errorf("%w: stream %s would have more than %d open shards", ErrLimitExceeded, m.Name, l.opts.MaxShards)
		}
		st.split(m, s, newStart, nowMs)
		l.markUpdating(m, nowMs)
		return nil
	})
}

func (st *stream) split(m *streamMeta, s *shardMeta, newStart HashKey, nowMs int64) {
	st.closeShard(s, nowMs)
	leftEnd, _ := newStart.sub(1)
	st.newShard(m, s.HashStart, leftEnd, int64(s.Num), -1, nowMs)
	st.newShard(m, newStart, s.HashEnd, int64(s.Num), -1, nowMs)
}

// Merge closes two open shards with adjacent hash-key ranges and opens one
// child owning both ranges; its parent is shardID, its adjacent parent adjacentID.
func (l *Log) Merge(ctx context.Context, name, shardID, adjacentID string) error {
	return l.mutate(ctx, "merge shards", name, func(st *stream, m *streamMeta, nowMs int64) error {
		if err := l.reshardable(m, nowMs); err != nil {
			return err
		}
		a, err := openShard(m, shardID)
		if err != nil {
			return err
		}
		b, err := openShard(m, adjacentID)
		if err != nil {
			return err
		}
		if !adjacent(a, b) {
			return fmt.Errorf("%w: shards %s and %s are not adjacent", ErrInvalidArgument, shardID, adjacentID)
		}
		st.merge(m, a, b, nowMs)
		l.markUpdating(m, nowMs)
		return nil
	})
}

func adjacent(a, b *shardMeta) bool {
	if a == b {
		return false
	}
	ae, ovA := a.HashEnd.add(1)
	be, ovB := b.HashEnd.add(1)
	return (!ovA && ae == b.HashStart) || (!ovB && be == a.HashStart)
}

func (st *stream) merge(m *streamMeta, a, b *shardMeta, nowMs int64) *shardMeta {
	start, end := a.HashStart, b.HashEnd
	if b.HashStart.Cmp(a.HashStart) < 0 {
		start, end = b.HashStart, a.HashEnd
	}
	st.closeShard(a, nowMs)
	st.closeShard(b, nowMs)
	return st.newShard(m, start, end, int64(a.Num), int64(b.Num), nowMs)
}

// UpdateShardCount rescales the stream to target open shards with even
// hash-key ranges (UNIFORM_SCALING), as Kinesis does: by splitting shards at
// the new boundaries, then merging the pieces of each new range, so every
// child has at most two parents. target must be within half and double the
// current count.
func (l *Log) UpdateShardCount(ctx context.Context, name string, target int) error {
	return l.mutate(ctx, "update shard count", name, func(st *stream, m *streamMeta, nowMs int64) error {
		if err := l.reshardable(m, nowMs); err != nil {
			return err
		}
		cur := m.openShards()
		if target < 1 {
			return fmt.Errorf("%w: target shard count %d: want at least 1", ErrInvalidArgument, target)
		}
		if target > 2*cur || 2*target < cur {
			return fmt.Errorf("%w: target shard count %d: want between half and double of %d", ErrLimitExceeded, target, cur)
		}
		if target > l.opts.MaxShards {
			return fmt.Errorf("%w: target shard count %d: the limit is %d", ErrLimitExceeded, target, l.opts.MaxShards)
		}
		st.rescale(m, target, nowMs)
		l.markUpdating(m, nowMs)
		return nil
	})
}

func (st *stream) rescale(m *streamMeta, target int, nowMs int64) {
	ranges := uniformRanges(target)
	// Split every open shard at every target boundary strictly inside it.
	for _, r := range ranges[1:] {
		b := r[0]
		for _, s := range m.Shards {
			if !s.Closed && s.HashStart.Cmp(b) < 0 && s.HashEnd.Cmp(b) >= 0 {
				st.split(m, s, b, nowMs)
				break
			}
		}
	}
	// Merge the open pieces within each target range, left to right.
	for _, r := range ranges {
		for {
			var pieces []*shardMeta
			for _, s := range m.Shards {
				if !s.Closed && s.HashStart.Cmp(r[0]) >= 0 && s.HashEnd.Cmp(r[1]) <= 0 {
					pieces = append(pieces, s)
				}
			}
			if len(pieces) < 2 {
				break
			}
			first := pieces[0]
			for _, p := range pieces {
				if p.HashStart.Cmp(first.HashStart) < 0 {
					first = p
				}
			}
			var next *shardMeta
			for _, p := range pieces {
				if e, _ := first.HashEnd.add(1); e == p.HashStart {
					next = p
				}
			}
			st.merge(m, first, next, nowMs)
		}
	}
}

// IncreaseRetention raises the retention period to hours (more than now, at most 8760).
func (l *Log) IncreaseRetention(ctx context.Context, name string, hours int) error {
	return l.mutate(ctx, "increase retention", name, func(st *stream, m *streamMeta, nowMs int64) error {
		if hours > MaxRetentionHours {
			return fmt.Errorf("%w: retention %d hours: the most is %d", ErrInvalidArgument, hours, MaxRetentionHours)
		}
		if hours < m.RetentionHours {
			return fmt.Errorf("%w: retention %d hours is less than the current %d", ErrInvalidArgument, hours, m.RetentionHours)
		}
		m.RetentionHours = hours
		return nil
	})
}

// DecreaseRetention lowers the retention period to hours (less than now, at least 24).
func (l *Log) DecreaseRetention(ctx context.Context, name string, hours int) error {
	return l.mutate(ctx, "decrease retention", name, func(st *stream, m *streamMeta, nowMs int64) error {
		if hours < MinRetentionHours {
			return fmt.Errorf("%w: retention %d hours: the least is %d", ErrInvalidArgument, hours, MinRetentionHours)
		}
		if hours > m.RetentionHours {
			return fmt.Errorf("%w: retention %d hours is more than the current %d", ErrInvalidArgument, hours, m.RetentionHours)
		}
		m.RetentionHours = hours
		return nil
	})
}

// AddTags sets tags on the stream, replacing values of keys it already has.
func (l *Log) AddTags(ctx context.Context, name string, tags map[string]string) error {
	return l.mutate(ctx, "add tags", name, func(st *stream, m *streamMeta, nowMs int64) error {
		n := len(m.Tags)
		for k := range tags {
			if _, ok := m.Tags[k]; !ok {
				n++
			}
		}
		if n > MaxTags {
			return fmt.Errorf("%w: stream %s would have %d tags; the limit is %d", ErrLimitExceeded, m.Name, n, MaxTags)
		}
		if m.Tags == nil {
			m.Tags = map[string]string{}
		}
		maps.Copy(m.Tags, tags)
		return nil
	})
}

// RemoveTags removes the tags with the given keys; absent keys are ignored.
func (l *Log) RemoveTags(ctx context.Context, name string, keys []string) error {
	return l.mutate(ctx, "remove tags", name, func(st *stream, m *streamMeta, nowMs int64) error {
		for _, k := range keys {
			delete(m.Tags, k)
		}
		return nil
	})
}

// Delete removes the stream and all its records. It is reported DELETING
// for Options.TransitionDelay, then it is gone; its name can be used again.
func (l *Log) Delete(ctx context.Context, name string) error {
	st, err := l.lookup(name)
	if err != nil {
		return fmt.Errorf("streamlog: delete: %w", err)
	}
	o := &op{}
	o.apply = func(w *writerState, b *pebble.Batch) (func(), error) {
		if w.streams[st.id] != st {
			return nil, fmt.Errorf("%w: %s", ErrStreamNotFound, name)
		}
		start, end := streamRecordSpan(st.id)
		if err := b.DeleteRange(start, end, nil); err != nil {
			return nil, fmt.Errorf("streamlog: delete %s: %w", name, err)
		}
		for _, k := range [][]byte{idKey(prefixMeta, st.id), idKey(prefixNextSeq, st.id), nameKey(name)} {
			if err := b.Delete(k, nil); err != nil {
				return nil, fmt.Errorf("streamlog: delete %s: %w", name, err)
			}
		}
		delete(w.streams, st.id)
		nowMs := l.now().UnixMilli()
		info := st.pending.info(nowMs)
		info.Status = StatusDeleting
		return func() {
			l.mu.Lock()
			delete(l.mu.byName, name)
			if d := l.opts.TransitionDelay; d > 0 {
				l.mu.deleting[name] = deletingStream{info: info, untilMs: nowMs + d.Milliseconds()}
			}
			l.mu.Unlock()
			st.wake()
			l.log.Info("stream deleted", "stream", name)
		}, nil
	}
	if err := l.submit(ctx, o); err != nil {
		return fmt.Errorf("streamlog: delete %s: %w", name, err)
	}
	return nil
}

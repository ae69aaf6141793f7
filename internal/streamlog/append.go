package streamlog

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// Record limits, as Kinesis has them.
const (
	// MaxPartitionKeyLen is the longest partition key in bytes: 256 Unicode
	// characters of up to 4 bytes each. Keys are at least 1 byte.
	MaxPartitionKeyLen = 1024
	// MaxRecordBytes bounds a record's data.
	MaxRecordBytes = 1 << 20
	// MaxCommitRecordBytes bounds the data of a record appended by Commit
	// (a DynamoDB table's change record): Kinesis's largest record (10 MiB,
	// a stream's maximum record size raised for large records). A change
	// record holds the item's old and new images, each up to 400 KB and
	// longer once written as JSON (base64 binaries, escaped strings), so it
	// can pass the 1 MiB of a PutRecord; DynamoDB never fails a table write
	// for its Kinesis destination, so neither does the log.
	MaxCommitRecordBytes = 10 << 20
)

// Entry is a record to append.
type Entry struct {
	PartitionKey []byte
	Data         []byte
	// ExplicitHashKey, when HasExplicitHashKey, places the record instead of
	// MD5(PartitionKey).
	ExplicitHashKey    HashKey
	HasExplicitHashKey bool
}

// Appended is where an entry went.
type Appended struct {
	Shard uint32 // the shard number; ShardID(Shard) is its ID
	Seq   Seq
	// ArrivalMs is the record's ApproximateArrivalTimestamp, and
	// ShardCreatedMs its shard's creation time (Unix ms), which the
	// Kinesis form of Seq encodes (Seq.AppendAWS).
	ArrivalMs, ShardCreatedMs int64
}

// Append durably appends entries to the stream, in order, and fills out[i]
// with where entries[i] went (len(out) must be len(entries)). It returns once
// the records are fsynced; concurrent appends share one fsync. Either all
// entries are appended or none is.
func (l *Log) Append(ctx context.Context, stream string, entries []Entry, out []Appended) error {
	return l.AppendWith(ctx, stream, entries, out, nil)
}

// AppendWith is Append that also commits with's operations in the same
// atomic batch: a table write and its change records land together or not at
// all. with may be nil; it is not closed.
func (l *Log) AppendWith(ctx context.Context, stream string, entries []Entry, out []Appended, with *pebble.Batch) error {
	if len(out) != len(entries) {
		return fmt.Errorf("streamlog: append: %d results for %d entries", len(out), len(entries))
	}
	st, err := l.lookup(stream)
	if err != nil {
		return fmt.Errorf("streamlog: append: %w", err)
	}
	hashes := make([]HashKey, len(entries))
	size := 0
	for i := range entries {
		e := &entries[i]
		if n := len(e.PartitionKey); n < 1 || n > MaxPartitionKeyLen {
			return fmt.Errorf("%w: record %d: partition key of %d bytes; want 1 to %d", ErrInvalidArgument, i, n, MaxPartitionKeyLen)
		}
		if n := len(e.Data); n > MaxRecordBytes {
			return fmt.Errorf("%w: record %d: %d bytes of data; the limit is %d", ErrInvalidArgument, i, n, MaxRecordBytes)
		}
		if e.HasExplicitHashKey {
			hashes[i] = e.ExplicitHashKey
		} else {
			hashes[i] = HashKeyOf(e.PartitionKey)
		}
		size += len(e.PartitionKey) + len(e.Data) + 40
	}
	o := &op{size: size}
	o.apply = func(w *writerState, b *pebble.Batch) (func(), error) {
		return l.applyAppend(w, b, st, entries, hashes, out, with)
	}
	if err := l.submit(ctx, o); err != nil {
		return fmt.Errorf("streamlog: append to %s: %w", stream, err)
	}
	return nil
}

func (l *Log) applyAppend(w *writerState, b *pebble.Batch, st *stream, entries []Entry, hashes []HashKey, out []Appended, with *pebble.Batch) (func(), error) {
	if w.streams[st.id] != st {
		return nil, fmt.Errorf("%w: %s", ErrStreamNotFound, st.name)
	}
	nowMs := l.now().UnixMilli()
	if s := st.pending.status(nowMs); s == StatusCreating {
		return nil, fmt.Errorf("%w: %s is %s", ErrStreamBusy, st.name, s)
	}
	if with != nil {
		if err := b.Apply(with, nil); err != nil {
			return nil, fmt.Errorf("streamlog: append: %w", err)
		}
	}
	arrival := max(nowMs, st.lastArrivalMs)
	st.lastArrivalMs = arrival
	format := st.pending.recordFormat()
	var heads []shardHeadAt // each shard's last record in this append
	bytes := 0
	for i := range entries {
		e := &entries[i]
		sh := st.route(hashes[i])
		seq := st.nextSeq
		st.nextSeq++
		var ord uint64
		if format >= recordFormatOrdinal {
			ord = sh.live.nextOrd
			sh.live.nextOrd++
		}
		// Encode straight into the batch: no per-record buffer.
		d := b.SetDeferred(recordKeyLen, recordValueLen(format, ord, e.PartitionKey, e.Data))
		appendRecordKey(d.Key[:0], st.id, sh.Num, seq)
		appendRecordValue(d.Value[:0], format, arrival, ord, e.PartitionKey, e.Data)
		if err := d.Finish(); err != nil {
			return nil, fmt.Errorf("streamlog: append: %w", err)
		}
		out[i] = Appended{Shard: sh.Num, Seq: seq, ArrivalMs: arrival, ShardCreatedMs: sh.CreatedMs}
		bytes += len(e.Data)
		heads = setHead(heads, sh.live, seq, ord)
	}
	w.buf = binary.BigEndian.AppendUint64(w.buf[:0], uint64(st.nextSeq))
	if err := b.Set(idKey(prefixNextSeq, st.id), w.buf, nil); err != nil {
		return nil, fmt.Errorf("streamlog: append: %w", err)
	}
	return func() {
		for _, h := range heads {
			h.live.publish(h.seq, h.ord)
		}
		st.wake()
		l.m.appended.Add(float64(len(out)))
		l.m.appendedB.Add(float64(bytes))
	}, nil
}

// shardHeadAt is a shard's new visible end, published after the commit.
type shardHeadAt struct {
	live *shardLive
	seq  Seq
	ord  uint64
}

// setHead records seq (ordinal ord) as live's newest record in heads.
// An append touches a few shards, so a linear search is the cheapest.
func setHead(heads []shardHeadAt, live *shardLive, seq Seq, ord uint64) []shardHeadAt {
	for i := range heads {
		if heads[i].live == live {
			heads[i].seq, heads[i].ord = seq, ord
			return heads
		}
	}
	return append(heads, shardHeadAt{live: live, seq: seq, ord: ord})
}

package streamlog

import (
	"context"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// Read limits, as Kinesis GetRecords has them.
const (
	MaxReadRecords = 10000
	MaxReadBytes   = 10 << 20
)

// Record is one record as read.
type Record struct {
	Seq          Seq
	PartitionKey []byte
	Data         []byte
	// ArrivalMs is ApproximateArrivalTimestamp in Unix milliseconds. Arrival
	// times never decrease along a stream's sequence numbers.
	ArrivalMs int64
}

// Arrival returns ApproximateArrivalTimestamp.
func (r *Record) Arrival() time.Time { return time.UnixMilli(r.ArrivalMs) }

// ReadRequest asks for records of one shard after a position.
type ReadRequest struct {
	Stream string
	// StreamID, when not zero, must match the stream's ID (StreamInfo.ID), so
	// a position taken on a deleted stream is not used on its successor.
	StreamID uint64
	Shard    string // shard ID
	// After is the position: the result holds records with greater sequence
	// numbers. Resolve turns TRIM_HORIZON, LATEST, AT_/AFTER_SEQUENCE_NUMBER
	// and AT_TIMESTAMP into one.
	After Seq
	// MaxRecords and MaxBytes bound the batch (zero means the Kinesis limits,
	// 10,000 records and 10 MiB). The first record is returned whatever its size.
	MaxRecords, MaxBytes int
}

// Gap reports records a reader can no longer read: retention removed
// sequence numbers (After, Through] of the shard before the reader got them.
type Gap struct{ After, Through Seq }

// ReadResult is a batch of records of one shard, in sequence-number order.
type ReadResult struct {
	// Records are owned by the caller.
	Records []Record
	// Next is the position to read on from: the last record's sequence
	// number, or the request's After when there were none.
	Next Seq
	// Last is the highest sequence number visible in the shard when read.
	Last Seq
	// End is true when the shard is closed and everything in it was read:
	// read its children (StreamInfo, by ParentID) next.
	End bool
	// MillisBehindLatest is how far the batch's last record is behind the
	// shard's newest, zero when the reader is caught up.
	MillisBehindLatest int64
	// Gap, when not nil, says that records after the reader's position were
	// trimmed by retention before it read them; Records start after the gap.
	Gap *Gap
	// Behind is how many records the shard holds after Next, up to Last:
	// exact, from the ordinals the records carry. It is -1 for a stream
	// written before its records carried ordinals (record format 1) when
	// the reader is not caught up; Last - Next bounds it from above then.
	Behind int64
}

// PositionType names a starting point in a shard.
type PositionType int

// Starting points, as GetShardIterator has them.
const (
	TrimHorizon PositionType = iota // the oldest record kept
	Latest                          // just after the newest record
	AtSeq                           // the record with Seq, or the next one
	AfterSeq                        // the first record after Seq
	AtTimestamp                     // the first record that arrived at or after Time
)

// Position is a starting point in a shard; Resolve turns it into a ReadRequest.After.
type Position struct {
	Type PositionType
	Seq  Seq       // for AtSeq and AfterSeq
	Time time.Time // for AtTimestamp
}

func (l *Log) shardOf(name string, streamID uint64, shardID string) (*stream, *streamMeta, *shardMeta, error) {
	st, err := l.lookup(name)
	if err != nil {
		return nil, nil, nil, err
	}
	if streamID != 0 && st.id != streamID {
		return nil, nil, nil, fmt.Errorf("%w: %s (it was deleted and created again)", ErrStreamNotFound, name)
	}
	num, err := ParseShardID(shardID)
	if err != nil {
		return nil, nil, nil, err
	}
	m := st.meta.Load()
	sh := m.shard(num)
	if sh == nil {
		return nil, nil, nil, fmt.Errorf("%w: %s in stream %s", ErrShardNotFound, shardID, name)
	}
	return st, m, sh, nil
}

// Resolve returns the read position (ReadRequest.After) for p in a shard.
// A sequence number must belong to the shard's range.
func (l *Log) Resolve(ctx context.Context, stream, shardID string, p Position) (Seq, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	st, _, sh, err := l.shardOf(stream, 0, shardID)
	if err != nil {
		return 0, fmt.Errorf("streamlog: resolve: %w", err)
	}
	switch p.Type {
	case TrimHorizon:
		// The oldest record kept: before it, only what retention removed.
		return max(sh.StartSeq-1, Seq(sh.live.trimmed.Load())), nil
	case Latest:
		return sh.live.last(), nil
	case AtSeq, AfterSeq:
		if p.Seq < sh.StartSeq || (sh.Closed && p.Seq >= sh.EndSeq) || p.Seq>>seqBits != Seq(st.id) {
			return 0, fmt.Errorf("%w: sequence number %s is not in shard %s of stream %s", ErrInvalidArgument, p.Seq, shardID, stream)
		}
		if p.Type == AtSeq {
			return p.Seq - 1, nil
		}
		return p.Seq, nil
	case AtTimestamp:
		return l.seekTime(st, sh, p.Time.UnixMilli())
	}
	return 0, fmt.Errorf("%w: position type %d", ErrInvalidArgument, p.Type)
}

// seekTime returns the position just before the first record of sh that
// arrived at or after tMs, by binary search over sequence numbers (arrival
// times never decrease along them).
func (l *Log) seekTime(st *stream, sh *shardMeta, tMs int64) (Seq, error) {
	last := sh.live.last()
	format := st.meta.Load().recordFormat()
	it, err := l.shardIter(st.id, sh.Num, sh.StartSeq, last)
	if err != nil {
		return 0, err
	}
	defer it.Close()
	var key [recordKeyLen]byte
	at := func(s Seq) (Seq, int64, bool) { // first record at or after s
		if !it.SeekGE(appendRecordKey(key[:0], st.id, sh.Num, s)) {
			return 0, 0, false
		}
		seq, _ := decodeRecordKey(it.Key())
		ms, _, _, _, err := decodeRecordValue(it.Value(), format)
		if err != nil {
			return 0, 0, false
		}
		return seq, ms, true
	}
	lo, hi := sh.StartSeq, last+1
	for lo < hi {
		mid := lo + (hi-lo)/2
		seq, ms, ok := at(mid)
		if !ok || ms >= tMs {
			hi = mid
		} else {
			lo = seq + 1
		}
	}
	if err := it.Error(); err != nil {
		return 0, fmt.Errorf("streamlog: seek time: %w", err)
	}
	if seq, _, ok := at(lo); ok {
		return seq - 1, nil
	}
	return last, nil
}

// shardIter returns an iterator over records [from, through] of a shard.
func (l *Log) shardIter(id uint64, shard uint32, from, through Seq) (*pebble.Iterator, error) {
	it, err := l.db.NewIter(&pebble.IterOptions{
		LowerBound: appendRecordKey(nil, id, shard, from),
		UpperBound: appendRecordKey(nil, id, shard, through+1),
	})
	if err != nil {
		return nil, fmt.Errorf("streamlog: read: %w", err)
	}
	return it, nil
}

// arenaChunk is the size of the blocks read records are copied into.
const arenaChunk = 256 << 10

// Read returns the shard's records after req.After, up to the limits. It
// never blocks for new records: use Watch to wait for them.
func (l *Log) Read(ctx context.Context, req ReadRequest) (ReadResult, error) {
	if err := ctx.Err(); err != nil {
		return ReadResult{}, err
	}
	st, m, sh, err := l.shardOf(req.Stream, req.StreamID, req.Shard)
	if err != nil {
		return ReadResult{}, fmt.Errorf("streamlog: read: %w", err)
	}
	format := m.recordFormat()
	maxRecs, maxBytes := req.MaxRecords, req.MaxBytes
	if maxRecs <= 0 || maxRecs > MaxReadRecords {
		maxRecs = MaxReadRecords
	}
	if maxBytes <= 0 || maxBytes > MaxReadBytes {
		maxBytes = MaxReadBytes
	}
	closed := sh.Closed // the metadata was loaded before head: if closed, head is final
	head := sh.live.head.Load()
	last := head.seq
	res := ReadResult{Next: req.After, Last: last}
	if req.After < last {
		it, err := l.shardIter(st.id, sh.Num, req.After+1, last)
		if err != nil {
			return ReadResult{}, err
		}
		var lastOrd uint64
		res.Records, lastOrd, err = readInto(it, format, maxRecs, maxBytes)
		if cerr := it.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("streamlog: read: %w", cerr)
		}
		if err != nil {
			return ReadResult{}, err
		}
		if n := len(res.Records); n > 0 {
			res.Next = res.Records[n-1].Seq
			if res.Next < last {
				res.MillisBehindLatest = max(0, l.now().UnixMilli()-res.Records[n-1].ArrivalMs)
				res.Behind = int64(head.ord - lastOrd)
				if format < recordFormatOrdinal {
					res.Behind = -1
				}
			}
		}
		// No record read while After < last: retention removed every
		// record up to last (see the gap below), so none is left behind.
	}
	// Retention raises live.trimmed before its removal becomes visible, so
	// reading it after the iterator was made cannot miss a trim the
	// iterator missed.
	if tt := Seq(sh.live.trimmed.Load()); tt > req.After {
		if len(res.Records) == 0 || res.Records[0].Seq > tt {
			res.Gap = &Gap{After: req.After, Through: tt}
			res.Next = max(res.Next, tt)
		}
	}
	res.End = closed && res.Next >= last
	l.m.read.Add(float64(len(res.Records)))
	return res, nil
}

// readInto reads the iterator's records, up to the limits, and returns
// them with the ordinal of the last one.
func readInto(it *pebble.Iterator, format, maxRecs, maxBytes int) ([]Record, uint64, error) {
	var recs []Record
	var arena []byte
	var lastOrd uint64
	total := 0
	for ok := it.First(); ok && len(recs) < maxRecs; ok = it.Next() {
		seq, err := decodeRecordKey(it.Key())
		if err != nil {
			return nil, 0, err
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return nil, 0, fmt.Errorf("streamlog: read: %w", err)
		}
		ms, ord, pk, data, err := decodeRecordValue(v, format)
		if err != nil {
			return nil, 0, err
		}
		n := len(pk) + len(data)
		if len(recs) > 0 && total+n > maxBytes {
			break
		}
		total += n
		lastOrd = ord
		if cap(arena)-len(arena) < n {
			arena = make([]byte, 0, max(arenaChunk, n))
		}
		off := len(arena)
		arena = append(arena, pk...)
		arena = append(arena, data...)
		if recs == nil {
			recs = make([]Record, 0, min(maxRecs, 256))
		}
		recs = append(recs, Record{
			Seq: seq, ArrivalMs: ms,
			PartitionKey: arena[off : off+len(pk) : off+len(pk)],
			Data:         arena[off+len(pk) : off+n : off+n],
		})
	}
	if err := it.Error(); err != nil {
		return nil, 0, fmt.Errorf("streamlog: read: %w", err)
	}
	return recs, lastOrd, nil
}

package source

import (
	"context"
	"errors"
	"fmt"

	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// Log is the Reader of blueshift's embedded stream log. It reports
// retention gaps exactly (streamlog publishes what it trims) and notifies
// through streamlog's Watch, so callers never poll.
type Log struct{ L *streamlog.Log }

// NewLog returns a reader of l.
func NewLog(l *streamlog.Log) *Log { return &Log{L: l} }

// Name implements Reader.
func (r *Log) Name() string { return "blueshift" }

// Shards implements Reader. streamlog lists shards in creation order, which
// puts parents before their children.
func (r *Log) Shards(ctx context.Context, stream string) ([]Shard, error) {
	info, err := r.L.Describe(ctx, stream)
	if err != nil {
		return nil, wrapLog("describe "+stream, err)
	}
	out := make([]Shard, len(info.Shards))
	for i, s := range info.Shards {
		out[i] = Shard{ID: s.ID, ParentID: s.ParentID, AdjacentParentID: s.AdjacentParentID, Closed: s.Closed}
	}
	return out, nil
}

// Read implements Reader.
func (r *Log) Read(ctx context.Context, stream, shard, position string, lim Limits) (Batch, error) {
	var after streamlog.Seq
	if position == "" {
		s, err := r.L.Resolve(ctx, stream, shard, streamlog.Position{Type: streamlog.TrimHorizon})
		if err != nil {
			return Batch{}, wrapLog("resolve "+stream+"/"+shard, err)
		}
		after = s
	} else {
		s, err := streamlog.ParseSeq(position)
		if err != nil {
			return Batch{}, fmt.Errorf("source: position of %s/%s: %w", stream, shard, err)
		}
		after = s
	}
	res, err := r.L.Read(ctx, streamlog.ReadRequest{Stream: stream, Shard: shard, After: after,
		MaxRecords: lim.MaxRecords, MaxBytes: lim.MaxBytes})
	if err != nil {
		return Batch{}, wrapLog("read "+stream+"/"+shard, err)
	}
	b := Batch{End: res.End, MillisBehind: res.MillisBehindLatest, Records: make([]Record, len(res.Records)),
		Behind: behind(res)}
	// Sequence numbers in the Kinesis form the Kinesis API hands out
	// (56 digits, which encode the shard and its creation time), so a view's
	// sequence_number is the one producers were given for the record.
	var num uint32
	var createdMs int64
	if len(res.Records) > 0 {
		if num, createdMs, err = r.shardMeta(ctx, stream, shard); err != nil {
			return Batch{}, err
		}
	}
	// Every record's sequence number and partition key, in one string that
	// the records' strings share: two allocations a batch, not two a record.
	const seqLen = 56 // len(Seq.AWS(...))
	n := 0
	for i := range res.Records {
		n += seqLen + len(res.Records[i].PartitionKey)
	}
	buf := make([]byte, 0, n)
	for i := range res.Records {
		buf = res.Records[i].Seq.AppendAWS(buf, num, createdMs, res.Records[i].ArrivalMs)
		buf = append(buf, res.Records[i].PartitionKey...)
	}
	text := string(buf)
	off := 0
	for i := range res.Records {
		rec := &res.Records[i]
		pkEnd := off + seqLen + len(rec.PartitionKey)
		b.Records[i] = Record{Seq: text[off : off+seqLen], PartitionKey: text[off+seqLen : pkEnd], Data: rec.Data, Arrival: rec.Arrival()}
		off = pkEnd
	}
	if res.Gap != nil {
		// A first read from TRIM_HORIZON has nothing to lose: the trim
		// horizon is where it was asked to start.
		if position != "" {
			b.Gap = &Gap{After: res.Gap.After.String(), Through: res.Gap.Through.String()}
		}
	}
	// Store a position only once something moved it: the empty position
	// keeps meaning TRIM_HORIZON for a shard that never had a record.
	if res.Next != after || position != "" {
		b.Next = res.Next.String()
	}
	return b, nil
}

// shardMeta is the number and creation time (Unix ms) of a stream's shard,
// which the Kinesis form of its sequence numbers encodes. Only batches
// with records ask, so an idle reader costs nothing.
func (r *Log) shardMeta(ctx context.Context, stream, shard string) (uint32, int64, error) {
	info, err := r.L.Describe(ctx, stream)
	if err != nil {
		return 0, 0, wrapLog("describe "+stream, err)
	}
	for _, s := range info.Shards {
		if s.ID == shard {
			return s.Num, s.Created.UnixMilli(), nil
		}
	}
	return 0, 0, fmt.Errorf("source: %s/%s: %w", stream, shard, ErrStreamNotFound)
}

// behind is how many records of the shard follow the batch: streamlog's
// exact count (from the per-shard ordinals its records carry). A stream
// written before records carried ordinals has none; then the sequence
// numbers in (Next, Last] bound the count from above (one counter numbers
// every shard's records, so some of them are other shards').
func behind(res streamlog.ReadResult) int64 {
	if res.Behind >= 0 {
		return res.Behind
	}
	if res.Last <= res.Next {
		return 0
	}
	return int64(res.Last - res.Next)
}

// Watch implements Reader.
func (r *Log) Watch(ctx context.Context, stream string) (<-chan struct{}, error) {
	ch, err := r.L.Watch(stream)
	if err != nil {
		return nil, wrapLog("watch "+stream, err)
	}
	return ch, nil
}

func wrapLog(what string, err error) error {
	if errors.Is(err, streamlog.ErrStreamNotFound) {
		return fmt.Errorf("source: %s: %w: %w", what, ErrStreamNotFound, err)
	}
	return fmt.Errorf("source: %s: %w", what, err)
}

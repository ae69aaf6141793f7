package source

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Errors callers classify; test with errors.Is.
var (
	// ErrNotAvailable: the schema's kind of source has no reader yet.
	ErrNotAvailable = errors.New("not available")
	// ErrStreamNotFound: the stream does not exist.
	ErrStreamNotFound = errors.New("stream not found")
)

// Record is one stream record as read.
type Record struct {
	// Seq is the record's sequence number in the service's decimal form.
	Seq          string
	PartitionKey string
	Data         []byte
	// Arrival is the service's ApproximateArrivalTimestamp.
	Arrival time.Time
}

// Shard describes one shard of a stream.
type Shard struct {
	ID                         string
	ParentID, AdjacentParentID string // empty when none
	Closed                     bool
}

// Gap reports records retention removed before they were read: positions
// (After, Through] of the shard are lost. Through is empty when the service
// cannot name the last lost record.
type Gap struct{ After, Through string }

// Batch is what one Read returns.
type Batch struct {
	// Records are in sequence order; the caller owns them.
	Records []Record
	// Next is the position after this batch (the last record's Seq, or the
	// request's position when there were none, or past a Gap).
	Next string
	// End is true when the shard is closed and everything in it was read.
	End bool
	// MillisBehind is how far the batch's last record is behind the shard's
	// newest; zero when caught up.
	MillisBehind int64
	// Gap, when set, reports records lost to retention before this batch.
	Gap *Gap
	// Behind is how many records the shard holds after the batch, as far
	// as the reader can count them (exactly, for Log), or -1 when it cannot
	// (see each reader). Zero means caught up.
	Behind int64
}

// Limits bound one Read; zero values mean the service's own limits.
type Limits struct {
	MaxRecords int
	MaxBytes   int
}

// Reader reads streams of one service. Implementations are safe for
// concurrent use.
type Reader interface {
	// Shards lists the stream's shards, open and closed, parents before children.
	Shards(ctx context.Context, stream string) ([]Shard, error)
	// Read returns records of a shard after position (empty: TRIM_HORIZON).
	// It does not wait for records.
	Read(ctx context.Context, stream, shard, position string, lim Limits) (Batch, error)
	// Watch returns a channel closed at the stream's next change. A nil
	// channel (with a nil error) means the service cannot notify: the
	// caller polls at its own interval.
	Watch(ctx context.Context, stream string) (<-chan struct{}, error)
	// Name says which service the reader reads, for logs and errors.
	Name() string
}

// Spec is what an external schema says about its source.
type Spec struct {
	Kind    string // "kinesis", "msk" or "kafka"
	Region  string
	IAMRole string // "default", an ARN, or empty
}

// Registry opens a Reader for a schema's Spec.
type Registry struct {
	// Log reads blueshift's own streams; it serves FROM KINESIS schemas
	// unless Kinesis is set.
	Log Reader
	// Kinesis, when set, opens a reader of an external Kinesis service for
	// a spec (the server was given an endpoint or region for it).
	Kinesis func(ctx context.Context, spec Spec) (Reader, error)
}

// Open returns the reader for spec.
func (r *Registry) Open(ctx context.Context, spec Spec) (Reader, error) {
	switch spec.Kind {
	case "kinesis":
		if r != nil && r.Kinesis != nil {
			rd, err := r.Kinesis(ctx, spec)
			if err != nil {
				return nil, fmt.Errorf("source: kinesis: %w", err)
			}
			return rd, nil
		}
		if r == nil || r.Log == nil {
			return nil, fmt.Errorf("source: kinesis: %w: the server has no stream service configured", ErrNotAvailable)
		}
		return r.Log, nil
	case "msk", "kafka":
		return nil, fmt.Errorf("source: %w: streaming ingestion from %s is not available yet", ErrNotAvailable, kindName(spec.Kind))
	default:
		return nil, fmt.Errorf("source: %w: unknown source kind %q", ErrNotAvailable, spec.Kind)
	}
}

func kindName(kind string) string {
	switch kind {
	case "msk":
		return "Amazon MSK"
	case "kafka":
		return "Apache Kafka"
	}
	return kind
}

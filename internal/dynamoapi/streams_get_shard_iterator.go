package dynamoapi

// GetShardIterator (DynamoDB Streams).
//
// Behavior: returns an iterator for a shard of a stream at TRIM_HORIZON
// (the oldest record kept: records live 24 hours), LATEST (just after the
// newest), AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER (SequenceNumber,
// which must lie in the shard). The iterator expires 15 minutes after it
// is issued. An unknown stream or shard is ResourceNotFoundException.
//
// Deviations: the iterator is an opaque string of ours; a sequence number
// older than the trim point is refused by GetRecords
// (TrimmedDataAccessException) rather than here.

import (
	"context"
	"errors"

	"github.com/blueshift-dev/blueshift/internal/capture"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type getShardIteratorInput struct {
	StreamArn         *string `json:"StreamArn"`
	ShardId           *string `json:"ShardId"`
	ShardIteratorType *string `json:"ShardIteratorType"`
	SequenceNumber    *string `json:"SequenceNumber"`
}

func (a *API) getShardIterator(ctx context.Context, body []byte) (any, error) {
	var in getShardIteratorInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	checkRequired(&c, in.StreamArn, "streamArn")
	checkRequired(&c, in.ShardId, "shardId")
	checkRequired(&c, in.ShardIteratorType, "shardIteratorType")
	if err := c.err(); err != nil {
		return nil, err
	}
	t, st, err := a.lookupStream(*in.StreamArn)
	if err != nil {
		return nil, err
	}
	num, ok := capture.ParseShardID(*in.ShardId)
	shardNotFound := awsErrNotFound("Requested resource not found: Shard does not exist")
	if !ok {
		return nil, shardNotFound
	}
	var p streamlog.Position
	switch *in.ShardIteratorType {
	case "TRIM_HORIZON":
		p.Type = streamlog.TrimHorizon
	case "LATEST":
		p.Type = streamlog.Latest
	default:
		if in.SequenceNumber == nil {
			return nil, validation("Must provide SequenceNumber for ShardIteratorType %s", *in.ShardIteratorType)
		}
		seq, ok := capture.ParseSeq(*in.SequenceNumber)
		if !ok {
			return nil, validation("Invalid SequenceNumber: %s", *in.SequenceNumber)
		}
		p.Type, p.Seq = streamlog.AtSeq, seq
		if *in.ShardIteratorType == "AFTER_SEQUENCE_NUMBER" {
			p.Type = streamlog.AfterSeq
		}
	}
	shards, err := a.streams.Shards(ctx, st)
	if err != nil {
		return nil, err
	}
	found := false
	for _, sh := range shards {
		found = found || (sh.ID == *in.ShardId && sh.Num == num)
	}
	if !found {
		return nil, shardNotFound
	}
	after, err := a.streams.Log().Resolve(ctx, st.Log, streamlog.ShardID(num), p)
	switch {
	case errors.Is(err, streamlog.ErrInvalidArgument):
		return nil, validation("Invalid SequenceNumber %s for shard %s", *in.SequenceNumber, *in.ShardId)
	case errors.Is(err, streamlog.ErrShardNotFound), errors.Is(err, streamlog.ErrStreamNotFound):
		return nil, shardNotFound
	case err != nil:
		return nil, err
	}
	return struct {
		ShardIterator string `json:"ShardIterator"`
	}{a.encodeIterator(shardIterator{Table: t.Name, Label: st.Label, Shard: num, After: after})}, nil
}

package kinesisapi

// GetShardIterator.
//
// Behavior: TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER
// (the number must belong to the shard, else InvalidArgumentException) and
// AT_TIMESTAMP (the first record that arrived at or after Timestamp). The
// iterator expires five minutes after it is issued.
//
// Deviations: AT_TIMESTAMP is resolved when the iterator is issued, which
// gives the same records as resolving it at read time, since arrival times
// never decrease along sequence numbers.

import (
	"context"
	"time"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type getShardIteratorInput struct {
	StreamName             string        `json:"StreamName"`
	StreamARN              string        `json:"StreamARN"`
	ShardID                string        `json:"ShardId"`
	ShardIteratorType      string        `json:"ShardIteratorType"`
	StartingSequenceNumber string        `json:"StartingSequenceNumber"`
	Timestamp              *epochSeconds `json:"Timestamp"`
}

func (a *API) getShardIterator(ctx context.Context, body []byte) (any, error) {
	var in getShardIteratorInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	var p streamlog.Position
	switch in.ShardIteratorType {
	case "TRIM_HORIZON":
		p.Type = streamlog.TrimHorizon
	case "LATEST":
		p.Type = streamlog.Latest
	case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
		p.Type = streamlog.AtSeq
		if in.ShardIteratorType == "AFTER_SEQUENCE_NUMBER" {
			p.Type = streamlog.AfterSeq
		}
		if in.StartingSequenceNumber == "" {
			return nil, awsjson.Errorf(InvalidArgumentException, "%s needs StartingSequenceNumber", in.ShardIteratorType)
		}
		if p.Seq, err = streamlog.ParseSeq(in.StartingSequenceNumber); err != nil {
			return nil, a.fail(err)
		}
	case "AT_TIMESTAMP":
		if in.Timestamp == nil {
			return nil, awsjson.Errorf(InvalidArgumentException, "AT_TIMESTAMP needs Timestamp")
		}
		p.Type, p.Time = streamlog.AtTimestamp, time.Time(*in.Timestamp)
	default:
		return nil, awsjson.Errorf(ValidationException,
			"ShardIteratorType %q: want AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST or AT_TIMESTAMP", in.ShardIteratorType)
	}
	num, err := streamlog.ParseShardID(in.ShardID)
	if err != nil {
		return nil, a.fail(err)
	}
	info, err := a.describe(ctx, name)
	if err != nil {
		return nil, err
	}
	after, err := a.sl.Resolve(ctx, name, in.ShardID, p)
	if err != nil {
		return nil, a.fail(err)
	}
	it := iterator{streamID: info.ID, shard: num, after: after, issuedMs: a.now().UnixMilli(), stream: name}
	return struct {
		ShardIterator string `json:"ShardIterator"`
	}{it.encode()}, nil
}

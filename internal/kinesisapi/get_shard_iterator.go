package kinesisapi

// GetShardIterator.
//
// Behavior: TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER
// (the number must belong to the shard, else InvalidArgumentException) and
// AT_TIMESTAMP (the first record that arrived at or after Timestamp). The
// iterator expires five minutes after it is issued. ShardId is read loosely,
// as Kinesis reads it ("shard-1", "1" and "shardId-00000000000000000001" all
// name shardId-000000000001), and checked before the stream is looked up.
// TRIM_HORIZON and LATEST refuse a StartingSequenceNumber, and AT_TIMESTAMP
// a time in the future, in Kinesis's words. Iterators are shaped as
// Kinesis's (iterator.go).
//
// Deviations: a sequence number of another shard of the stream is not
// refused (Kinesis answers "Invalid StartingSequenceNumber. It encodes
// shardId-..."): it positions the iterator where it falls in this shard's
// range, which readers of the log rely on. AT_TIMESTAMP is resolved when the iterator is issued, which
// gives the same records as resolving it at read time, since arrival times
// never decrease along sequence numbers.

import (
	"context"
	"errors"
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
	shardID, num, err := a.normalShardID(in.ShardID, name)
	if err != nil {
		return nil, err
	}
	info, err := a.describe(ctx, name)
	if err != nil {
		var ae *awsjson.Error
		if errors.As(err, &ae) && ae.Type == ResourceNotFoundException {
			return nil, awsjson.Errorf(ResourceNotFoundException, "Shard %s in stream %s under account %s does not exist", shardID, name, a.account)
		}
		return nil, err
	}
	if int(num) >= len(info.Shards) {
		return nil, awsjson.Errorf(ResourceNotFoundException, "Shard %s in stream %s under account %s does not exist", shardID, name, a.account)
	}
	p, err := a.position("GetShardIterator", shardID, name, in.ShardIteratorType, in.StartingSequenceNumber, in.Timestamp)
	if err != nil {
		return nil, err
	}
	after, err := a.sl.Resolve(ctx, name, shardID, p)
	if err != nil {
		return nil, a.fail(err)
	}
	it := iterator{streamID: info.ID, shard: num, after: after, issuedMs: a.now().UnixMilli(),
		shardCreatedMs: info.Shards[num].Created.UnixMilli(), stream: name}
	return struct {
		ShardIterator string `json:"ShardIterator"`
	}{it.encode()}, nil
}

// position reads a starting position (GetShardIterator's, or
// SubscribeToShard's StartingPosition) of shard shardID of stream name,
// with Kinesis's checks and texts; op names the operation in them.
func (a *API) position(op, shardID, name, typ, seqStr string, ts *epochSeconds) (streamlog.Position, error) {
	var p streamlog.Position
	// Texts observed from Kinesis (kinesalite records the same).
	mustEither := "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or " +
		"(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified %s and %s StartingSequenceNumber."
	switch typ {
	case "TRIM_HORIZON", "LATEST":
		if seqStr != "" {
			return p, awsjson.Errorf(InvalidArgumentException, mustEither, typ, "also a")
		}
		p.Type = streamlog.TrimHorizon
		if typ == "LATEST" {
			p.Type = streamlog.Latest
		}
	case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
		p.Type = streamlog.AtSeq
		if typ == "AFTER_SEQUENCE_NUMBER" {
			p.Type = streamlog.AfterSeq
		}
		if seqStr == "" {
			return p, awsjson.Errorf(InvalidArgumentException, mustEither, typ, "no")
		}
		// The shard a number encodes is not compared with ShardId (Kinesis
		// refuses another shard's number): numbers come from one counter
		// per stream, so the log places any of them in the shard's range.
		seq, _, _, err := streamlog.ParseAWSSeq(seqStr)
		if err != nil {
			return p, awsjson.Errorf(InvalidArgumentException,
				"StartingSequenceNumber %s used in %s on shard %s in stream %s under account %s is invalid.",
				seqStr, op, shardID, name, a.account)
		}
		p.Seq = seq
	case "AT_TIMESTAMP":
		if ts == nil {
			return p, awsjson.Errorf(InvalidArgumentException,
				"Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.")
		}
		ms, now := time.Time(*ts).UnixMilli(), a.now().UnixMilli()
		if ms > now {
			return p, awsjson.Errorf(InvalidArgumentException,
				"The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: %d, currentTimestampInMillis: %d", ms, now)
		}
		p.Type, p.Time = streamlog.AtTimestamp, time.Time(*ts)
	}
	return p, nil
}

package dynamoapi

// DescribeStream (DynamoDB Streams).
//
// Behavior: describes a stream: its ARN, label, status (ENABLED, or
// DISABLED once UpdateTable turned it off), view type, creation time, the
// table's name and key schema, and its shards, Limit (1 to 100, default
// 100) at a time after ExclusiveStartShardId, with LastEvaluatedShardId
// when more remain. A shard's SequenceNumberRange has its
// StartingSequenceNumber and, once it takes no more records (its stream
// disabled), its EndingSequenceNumber. Sequence numbers are 21 digits
// and compare the same as strings and as numbers.
//
// Deviations: a stream has a fixed set of shards (capture.StreamShards)
// for its whole life; DynamoDB closes shards and opens children about
// every four hours. A deleted table's streams are not found.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/capture"
)

type describeStreamInput struct {
	StreamArn             *string `json:"StreamArn"`
	Limit                 *int64  `json:"Limit"`
	ExclusiveStartShardId *string `json:"ExclusiveStartShardId"`
}

type sequenceNumberRange struct {
	StartingSequenceNumber string `json:"StartingSequenceNumber"`
	EndingSequenceNumber   string `json:"EndingSequenceNumber,omitempty"`
}

type streamShard struct {
	ShardId             string              `json:"ShardId"`
	SequenceNumberRange sequenceNumberRange `json:"SequenceNumberRange"`
	ParentShardId       string              `json:"ParentShardId,omitempty"`
}

type streamDescription struct {
	StreamArn               string             `json:"StreamArn"`
	StreamLabel             string             `json:"StreamLabel"`
	StreamStatus            string             `json:"StreamStatus"`
	StreamViewType          string             `json:"StreamViewType"`
	CreationRequestDateTime epoch              `json:"CreationRequestDateTime"`
	TableName               string             `json:"TableName"`
	KeySchema               []keySchemaElement `json:"KeySchema"`
	Shards                  []streamShard      `json:"Shards"`
	LastEvaluatedShardId    string             `json:"LastEvaluatedShardId,omitempty"`
}

func (a *API) describeStream(ctx context.Context, body []byte) (any, error) {
	var in describeStreamInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	checkRequired(&c, in.StreamArn, "streamArn")
	checkLimit(&c, in.Limit, maxStreamsDescribeAndList)
	if err := c.err(); err != nil {
		return nil, err
	}
	t, st, err := a.lookupStream(*in.StreamArn)
	if err != nil {
		return nil, err
	}
	shards, err := a.streams.Shards(ctx, st)
	if err != nil {
		return nil, err
	}
	d := streamDescription{
		StreamArn: *in.StreamArn, StreamLabel: st.Label, StreamStatus: "ENABLED", StreamViewType: st.ViewType,
		CreationRequestDateTime: epoch(st.CreatedMs), TableName: t.Name, KeySchema: keySchemaOf(t.Key),
		Shards: []streamShard{},
	}
	if !st.Enabled() {
		d.StreamStatus = "DISABLED"
	}
	limit := maxStreamsDescribeAndList
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	started := in.ExclusiveStartShardId == nil
	for _, sh := range shards {
		if !started {
			started = sh.ID == *in.ExclusiveStartShardId
			continue
		}
		if len(d.Shards) == limit {
			d.LastEvaluatedShardId = d.Shards[limit-1].ShardId
			break
		}
		d.Shards = append(d.Shards, shardDesc(sh))
	}
	return struct {
		StreamDescription streamDescription `json:"StreamDescription"`
	}{d}, nil
}

func shardDesc(sh capture.Shard) streamShard {
	return streamShard{ShardId: sh.ID, ParentShardId: sh.ParentID,
		SequenceNumberRange: sequenceNumberRange{StartingSequenceNumber: sh.Starting, EndingSequenceNumber: sh.Ending}}
}

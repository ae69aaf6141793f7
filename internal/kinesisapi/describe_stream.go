package kinesisapi

// DescribeStream.
//
// Behavior: the stream's status, mode, retention, creation time and shards
// (open and closed, in shard-number order), Limit (1-10000, default 100)
// shards at a time after ExclusiveStartShardId, with HasMoreShards. While
// the stream is CREATING it lists no shards, as Kinesis.
// EncryptionType and KeyId are what StartStreamEncryption recorded (see
// stream_encryption.go: records are not actually encrypted).
//
// Deviations: EnhancedMonitoring is empty.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type describeStreamInput struct {
	StreamName            string `json:"StreamName"`
	StreamARN             string `json:"StreamARN"`
	Limit                 *int   `json:"Limit"`
	ExclusiveStartShardID string `json:"ExclusiveStartShardId"`
}

type streamDescription struct {
	StreamName              string               `json:"StreamName"`
	StreamARN               string               `json:"StreamARN"`
	StreamStatus            string               `json:"StreamStatus"`
	StreamModeDetails       modeDetails          `json:"StreamModeDetails"`
	Shards                  []shard              `json:"Shards"`
	HasMoreShards           bool                 `json:"HasMoreShards"`
	RetentionPeriodHours    int                  `json:"RetentionPeriodHours"`
	StreamCreationTimestamp epochSeconds         `json:"StreamCreationTimestamp"`
	EnhancedMonitoring      []enhancedMonitoring `json:"EnhancedMonitoring"`
	EncryptionType          string               `json:"EncryptionType"`
	KeyID                   string               `json:"KeyId,omitempty"`
}

func (a *API) describeStream(ctx context.Context, body []byte) (any, error) {
	var in describeStreamInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 10000 {
			return nil, awsjson.Errorf(ValidationException, "Limit %d: want 1 to 10000", *in.Limit)
		}
		limit = *in.Limit
	}
	info, err := a.describe(ctx, name)
	if err != nil {
		return nil, err
	}
	d := streamDescription{
		StreamName: info.Name, StreamARN: a.arn(info.Name), StreamStatus: info.Status,
		StreamModeDetails: modeDetails{info.Mode}, RetentionPeriodHours: info.RetentionHours,
		StreamCreationTimestamp: epochSeconds(info.Created), EnhancedMonitoring: monitoring(info.ShardLevelMetrics),
		EncryptionType: info.EncryptionType, KeyID: info.KeyID, Shards: []shard{},
	}
	after := a.looseShardID(in.ExclusiveStartShardID, name)
	if info.Status == streamlog.StatusCreating {
		info.Shards = nil // Kinesis lists no shards until the stream is ACTIVE
	}
	for _, s := range info.Shards {
		if after != "" && s.ID <= after {
			continue
		}
		if len(d.Shards) == limit {
			d.HasMoreShards = true
			break
		}
		d.Shards = append(d.Shards, toShard(s))
	}
	return struct {
		StreamDescription streamDescription `json:"StreamDescription"`
	}{d}, nil
}

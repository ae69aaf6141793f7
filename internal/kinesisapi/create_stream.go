package kinesisapi

// CreateStream.
//
// Behavior: creates a stream of ShardCount shards with even hash-key ranges
// (PROVISIONED), or of the server's on-demand shard count, 4 by default as
// in Kinesis (StreamModeDetails ON_DEMAND). Without StreamModeDetails,
// ShardCount is required, as Kinesis reports it ("Value null at
// 'shardCount' failed to satisfy constraint: Member must not be null").
// With a shard quota configured, a stream that would exceed it is
// LimitExceededException.
// A StreamMode other than PROVISIONED or ON_DEMAND is ValidationException.
// The mode is stored (UpdateStreamMode changes it). The stream is CREATING
// for the server's transition delay (zero by default), then ACTIVE. Tags are
// stored.
//
// Deviations: ShardCount is ignored for an ON_DEMAND stream;
// MaxRecordSizeInKiB and WarmThroughputMiBps are ignored; there are no
// account-level shard quotas (DescribeLimits reports Kinesis's defaults),
// only a per-stream limit, unless --kinesis-shard-limit is set.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type createStreamInput struct {
	StreamName        string            `json:"StreamName"`
	ShardCount        *int              `json:"ShardCount"`
	StreamModeDetails *modeDetails      `json:"StreamModeDetails"`
	Tags              map[string]string `json:"Tags"`
}

func (a *API) createStream(ctx context.Context, body []byte) (any, error) {
	var in createStreamInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if !streamlog.ValidStreamName(in.StreamName) {
		return nil, awsjson.Errorf(ValidationException, "StreamName %q: want 1 to 128 characters of a-z A-Z 0-9 _ . -", in.StreamName)
	}
	o := streamlog.CreateOptions{Mode: streamlog.ModeProvisioned, Tags: in.Tags}
	if in.StreamModeDetails != nil {
		if err := checkMode(in.StreamModeDetails.StreamMode); err != nil {
			return nil, err
		}
		o.Mode = in.StreamModeDetails.StreamMode
	} else if in.ShardCount == nil {
		o.Mode = streamlog.ModeOnDemand
	}
	if in.ShardCount != nil {
		if *in.ShardCount < 1 {
			return nil, awsjson.Errorf(ValidationException, "ShardCount %d: must be at least 1", *in.ShardCount)
		}
		o.ShardCount = *in.ShardCount
	} else if o.Mode == streamlog.ModeProvisioned {
		return nil, awsjson.Errorf(InvalidArgumentException, "ShardCount is required for a PROVISIONED stream")
	}
	additional := o.ShardCount
	if o.Mode == streamlog.ModeOnDemand {
		additional = 0 // the server's on-demand count, not the client's
	}
	if err := a.checkShardLimit(ctx, additional); err != nil {
		return nil, err
	}
	return nil, a.fail(a.sl.Create(ctx, in.StreamName, o))
}

package kinesisapi

// SplitShard.
//
// Behavior: closes ShardToSplit and opens two children, owning
// [start, NewStartingHashKey-1] and [NewStartingHashKey, end]; both name it
// as ParentShardId. The parent's EndingSequenceNumber is below every child
// sequence number. The stream is UPDATING for the server's transition delay
// (zero by default); resharding again meanwhile is ResourceInUseException.
//
// Deviations: the split is immediate, not asynchronous.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type splitShardInput struct {
	StreamName         string `json:"StreamName"`
	StreamARN          string `json:"StreamARN"`
	ShardToSplit       string `json:"ShardToSplit"`
	NewStartingHashKey string `json:"NewStartingHashKey"`
}

func (a *API) splitShard(ctx context.Context, body []byte) (any, error) {
	var in splitShardInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if in.ShardToSplit == "" || in.NewStartingHashKey == "" {
		return nil, awsjson.Errorf(ValidationException, "ShardToSplit and NewStartingHashKey are required")
	}
	h, err := streamlog.ParseHashKey(in.NewStartingHashKey)
	if err != nil {
		return nil, a.fail(err)
	}
	return nil, a.fail(a.sl.Split(ctx, name, in.ShardToSplit, h))
}

package kinesisapi

// MergeShards.
//
// Behavior: closes ShardToMerge and AdjacentShardToMerge (open shards with
// adjacent hash-key ranges) and opens one child owning both ranges, with
// ParentShardId ShardToMerge and AdjacentParentShardId AdjacentShardToMerge.
// The stream is UPDATING for the server's transition delay.
//
// Deviations: the merge is immediate, not asynchronous.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
)

type mergeShardsInput struct {
	StreamName           string `json:"StreamName"`
	StreamARN            string `json:"StreamARN"`
	ShardToMerge         string `json:"ShardToMerge"`
	AdjacentShardToMerge string `json:"AdjacentShardToMerge"`
}

func (a *API) mergeShards(ctx context.Context, body []byte) (any, error) {
	var in mergeShardsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if in.ShardToMerge == "" || in.AdjacentShardToMerge == "" {
		return nil, awsjson.Errorf(ValidationException, "ShardToMerge and AdjacentShardToMerge are required")
	}
	return nil, a.fail(a.sl.Merge(ctx, name, in.ShardToMerge, in.AdjacentShardToMerge))
}

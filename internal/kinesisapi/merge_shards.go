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
	"math/big"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
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
	var ids [2]string
	var nums [2]uint32
	for i, id := range []string{in.ShardToMerge, in.AdjacentShardToMerge} {
		if ids[i], nums[i], err = a.normalShardID(id, name); err != nil {
			return nil, err
		}
	}
	info, err := a.describe(ctx, name)
	if err != nil {
		return nil, err
	}
	// Kinesis's order and texts (observed; kinesalite records the same).
	for i := range ids {
		if int(nums[i]) >= len(info.Shards) {
			return nil, awsjson.Errorf(ResourceNotFoundException, "Could not find shard %s in stream %s under account %s.", ids[i], name, a.account)
		}
	}
	a0, a1 := info.Shards[nums[0]], info.Shards[nums[1]]
	if !adjacent(a0, a1) && !adjacent(a1, a0) || a0.Closed || a1.Closed {
		return nil, awsjson.Errorf(InvalidArgumentException,
			"Shards %s and %s in stream %s under account %s are not an adjacent pair of shards eligible for merging", ids[0], ids[1], name, a.account)
	}
	if info.Status != streamlog.StatusActive {
		return nil, awsjson.Errorf(ResourceInUseException, "Stream %s under account %s not ACTIVE, instead in state %s", name, a.account, info.Status)
	}
	return nil, a.fail(a.sl.Merge(ctx, name, ids[0], ids[1]))
}

// adjacent reports whether b's hash-key range starts right after a's.
func adjacent(a, b streamlog.ShardInfo) bool {
	end, ok1 := new(big.Int).SetString(a.HashKeyEnd.String(), 10)
	next, ok2 := new(big.Int).SetString(b.HashKeyStart.String(), 10)
	return ok1 && ok2 && end.Add(end, big.NewInt(1)).Cmp(next) == 0
}

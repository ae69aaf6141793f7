package kinesisapi

// SplitShard.
//
// Behavior: closes ShardToSplit and opens two children, owning
// [start, NewStartingHashKey-1] and [NewStartingHashKey, end]; both name it
// as ParentShardId. The parent's EndingSequenceNumber is below every child
// sequence number. The stream is UPDATING for the server's transition delay
// (zero by default); resharding again meanwhile is ResourceInUseException.
//
// Checks run in Kinesis's order: the shard ID's form, the stream, the shard,
// the shard quota (when configured), the hash key, the stream's state.
//
// Deviations: the split is immediate, not asynchronous.

import (
	"context"
	"math/big"

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
	shardID, num, err := a.normalShardID(in.ShardToSplit, name)
	if err != nil {
		return nil, err
	}
	info, err := a.describe(ctx, name)
	if err != nil {
		return nil, err
	}
	// Kinesis's order and texts (observed; kinesalite records the same).
	if int(num) >= len(info.Shards) {
		return nil, awsjson.Errorf(ResourceNotFoundException, "Could not find shard %s in stream %s under account %s.", shardID, name, a.account)
	}
	if err := a.checkShardLimit(ctx, 1); err != nil {
		return nil, err
	}
	sh := info.Shards[num]
	h, err := streamlog.ParseHashKey(in.NewStartingHashKey)
	start, _ := new(big.Int).SetString(sh.HashKeyStart.String(), 10)
	newStart, _ := new(big.Int).SetString(in.NewStartingHashKey, 10)
	if err != nil || newStart == nil || newStart.Cmp(start.Add(start, big.NewInt(1))) <= 0 || h.Cmp(sh.HashKeyEnd) >= 0 {
		return nil, awsjson.Errorf(InvalidArgumentException,
			"NewStartingHashKey %s used in SplitShard() on shard %s in stream %s under account %s is not both greater than one plus the shard's StartingHashKey %s and less than the shard's EndingHashKey %s.",
			in.NewStartingHashKey, shardID, name, a.account, sh.HashKeyStart, sh.HashKeyEnd)
	}
	if info.Status != streamlog.StatusActive {
		return nil, awsjson.Errorf(ResourceInUseException, "Stream %s under account %s not ACTIVE, instead in state %s", name, a.account, info.Status)
	}
	return nil, a.fail(a.sl.Split(ctx, name, shardID, h))
}

package kinesisapi

// DescribeLimits.
//
// Behavior: OpenShardCount counts the open shards of every stream and
// OnDemandStreamCount the streams in ON_DEMAND mode; ShardLimit and
// OnDemandStreamCountLimit are Kinesis's documented default quotas: 500
// shards in us-east-1, us-west-2 and eu-west-1, 200 in other regions, and
// 50 on-demand streams.
//
// With --kinesis-shard-limit, ShardLimit is that quota, which CreateStream,
// UpdateShardCount and SplitShard enforce.
//
// Deviations: without --kinesis-shard-limit the limits are reported, not
// enforced, so the counts may exceed them. There is no limit of one call per second.

import "context"

// Kinesis's default account quotas.
const (
	shardLimitLargeRegions   = 500 // us-east-1, us-west-2, eu-west-1
	shardLimitOtherRegions   = 200
	onDemandStreamCountLimit = 50
)

type describeLimitsOutput struct {
	ShardLimit               int `json:"ShardLimit"`
	OpenShardCount           int `json:"OpenShardCount"`
	OnDemandStreamCount      int `json:"OnDemandStreamCount"`
	OnDemandStreamCountLimit int `json:"OnDemandStreamCountLimit"`
}

func (a *API) describeLimits(ctx context.Context, body []byte) (any, error) {
	var in struct{}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	u, err := a.sl.Usage(ctx)
	if err != nil {
		return nil, a.fail(err)
	}
	out := describeLimitsOutput{
		ShardLimit: shardLimitOtherRegions, OpenShardCount: u.OpenShards,
		OnDemandStreamCount: u.OnDemandStreams, OnDemandStreamCountLimit: onDemandStreamCountLimit,
	}
	switch {
	case a.shardLimit > 0:
		out.ShardLimit = a.shardLimit
	case a.region == "us-east-1", a.region == "us-west-2", a.region == "eu-west-1":
		out.ShardLimit = shardLimitLargeRegions
	}
	return out, nil
}

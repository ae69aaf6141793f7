package kinesisapi

// EnableEnhancedMonitoring and DisableEnhancedMonitoring.
//
// Behavior: enable or disable shard-level metrics (IncomingBytes, ...,
// ALL) on the stream, durably, and answer the metrics enabled before
// (CurrentShardLevelMetrics) and after (DesiredShardLevelMetrics), as
// Kinesis does; DescribeStream and DescribeStreamSummary report them under
// EnhancedMonitoring. The stream must be ACTIVE (ResourceInUseException).
//
// ALL stands for every metric, as in Kinesis: enabling it enables all
// seven, disabling it disables them all.
//
// Deviations: the metrics are recorded, not published (blueshift's own
// metrics are on /metrics). StreamId is ignored.

import (
	"context"
	"slices"
)

// allMetrics is what ALL stands for.
var allMetrics = []string{"IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
	"WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds"}

type enhancedMonitoringInput struct {
	StreamName        string   `json:"StreamName"`
	StreamARN         string   `json:"StreamARN"`
	ShardLevelMetrics []string `json:"ShardLevelMetrics"`
}

type enhancedMonitoringOutput struct {
	StreamName               string   `json:"StreamName"`
	StreamARN                string   `json:"StreamARN"`
	CurrentShardLevelMetrics []string `json:"CurrentShardLevelMetrics"`
	DesiredShardLevelMetrics []string `json:"DesiredShardLevelMetrics"`
}

func (a *API) enableEnhancedMonitoring(ctx context.Context, body []byte) (any, error) {
	return a.setEnhancedMonitoring(ctx, body, true)
}

func (a *API) disableEnhancedMonitoring(ctx context.Context, body []byte) (any, error) {
	return a.setEnhancedMonitoring(ctx, body, false)
}

func (a *API) setEnhancedMonitoring(ctx context.Context, body []byte, enable bool) (any, error) {
	var in enhancedMonitoringInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	metrics := in.ShardLevelMetrics
	if slices.Contains(metrics, "ALL") {
		metrics = allMetrics
	}
	before, after, err := a.sl.SetShardLevelMetrics(ctx, name, metrics, enable)
	if err != nil {
		return nil, a.fail(err)
	}
	return enhancedMonitoringOutput{
		StreamName: name, StreamARN: a.arn(name),
		CurrentShardLevelMetrics: nonNil(before), DesiredShardLevelMetrics: nonNil(after),
	}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// monitoring is a stream's EnhancedMonitoring member.
func monitoring(metrics []string) []enhancedMonitoring {
	return []enhancedMonitoring{{ShardLevelMetrics: nonNil(metrics)}}
}

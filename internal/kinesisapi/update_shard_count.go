package kinesisapi

// UpdateShardCount.
//
// Behavior: UNIFORM_SCALING to TargetShardCount open shards with even
// hash-key ranges, between half and double the current count
// (LimitExceededException otherwise), done as Kinesis does it: splits at the
// new boundaries, then merges, so every child has at most two parents and
// reading parents before children sees every record once.
//
// Deviations: the rescale is immediate; there is no limit on how often it
// may run.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
)

type updateShardCountInput struct {
	StreamName       string `json:"StreamName"`
	StreamARN        string `json:"StreamARN"`
	TargetShardCount *int   `json:"TargetShardCount"`
	ScalingType      string `json:"ScalingType"`
}

type updateShardCountOutput struct {
	StreamName        string `json:"StreamName"`
	StreamARN         string `json:"StreamARN"`
	CurrentShardCount int    `json:"CurrentShardCount"`
	TargetShardCount  int    `json:"TargetShardCount"`
}

func (a *API) updateShardCount(ctx context.Context, body []byte) (any, error) {
	var in updateShardCountInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if in.ScalingType != "UNIFORM_SCALING" {
		return nil, awsjson.Errorf(ValidationException, "ScalingType %q: want UNIFORM_SCALING", in.ScalingType)
	}
	if in.TargetShardCount == nil || *in.TargetShardCount < 1 {
		return nil, awsjson.Errorf(ValidationException, "TargetShardCount must be at least 1")
	}
	info, err := a.describe(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := a.checkShardLimit(ctx, *in.TargetShardCount-info.OpenShards); err != nil {
		return nil, err
	}
	if err := a.sl.UpdateShardCount(ctx, name, *in.TargetShardCount); err != nil {
		return nil, a.fail(err)
	}
	return updateShardCountOutput{
		StreamName: name, StreamARN: a.arn(name), CurrentShardCount: info.OpenShards, TargetShardCount: *in.TargetShardCount,
	}, nil
}

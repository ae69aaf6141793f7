package kinesisapi

// PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy.
//
// Behavior: a stream's resource policy document is stored durably with
// the stream and given back as stored; GetResourcePolicy of a stream
// without one answers an empty Policy ("{}" is not invented), as Kinesis
// does. DeleteResourcePolicy of a stream without one succeeds. The policy
// must be a JSON object (InvalidArgumentException otherwise).
//
// Deviations: policies are not enforced (a configured access key may do
// anything) and not checked against IAM's grammar. Consumer ARNs answer
// ResourceNotFoundException. StreamId is ignored.

import (
	"context"
	"encoding/json"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
)

type resourcePolicyInput struct {
	ResourceARN string  `json:"ResourceARN"`
	Policy      *string `json:"Policy"`
}

func (a *API) putResourcePolicy(ctx context.Context, body []byte) (any, error) {
	var in resourcePolicyInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := a.resourceStream(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if in.Policy == nil || json.Unmarshal([]byte(*in.Policy), &doc) != nil || doc == nil {
		return nil, awsjson.Errorf(InvalidArgumentException, "Policy is not a valid JSON policy document.")
	}
	return nil, a.fail(a.sl.SetPolicy(ctx, name, *in.Policy))
}

func (a *API) getResourcePolicy(ctx context.Context, body []byte) (any, error) {
	var in resourcePolicyInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := a.resourceStream(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	info, err := a.describe(ctx, name)
	if err != nil {
		return nil, err
	}
	return struct {
		Policy string `json:"Policy"`
	}{info.Policy}, nil
}

func (a *API) deleteResourcePolicy(ctx context.Context, body []byte) (any, error) {
	var in resourcePolicyInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := a.resourceStream(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	return nil, a.fail(a.sl.SetPolicy(ctx, name, ""))
}

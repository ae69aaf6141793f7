package kinesisapi

// PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy.
//
// Behavior: a stream's resource policy document is stored durably with
// the stream and given back as stored; GetResourcePolicy of a stream
// without one answers an empty Policy ("{}" is not invented), as Kinesis
// does. DeleteResourcePolicy of a stream without one succeeds. The policy
// must be a JSON object (InvalidArgumentException otherwise). A consumer
// ARN names the consumer's own policy.
//
// Deviations: policies are not enforced (a configured access key may do
// anything) and not checked against IAM's grammar. StreamId is ignored.

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
	r, err := a.resource(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if in.Policy == nil || json.Unmarshal([]byte(*in.Policy), &doc) != nil || doc == nil {
		return nil, awsjson.Errorf(InvalidArgumentException, "Policy is not a valid JSON policy document.")
	}
	return nil, a.setPolicy(ctx, r, *in.Policy)
}

func (a *API) getResourcePolicy(ctx context.Context, body []byte) (any, error) {
	var in resourcePolicyInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	r, err := a.resource(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	var policy string
	if r.consumer != "" {
		c, err := a.findConsumer(ctx, r.stream, r.consumer, r.created)
		if err != nil {
			return nil, err
		}
		policy = c.Policy
	} else {
		info, err := a.describe(ctx, r.stream)
		if err != nil {
			return nil, err
		}
		policy = info.Policy
	}
	return struct {
		Policy string `json:"Policy"`
	}{policy}, nil
}

func (a *API) deleteResourcePolicy(ctx context.Context, body []byte) (any, error) {
	var in resourcePolicyInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	r, err := a.resource(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	return nil, a.setPolicy(ctx, r, "")
}

// setPolicy sets (or, empty, removes) a stream's or a consumer's policy.
func (a *API) setPolicy(ctx context.Context, r resourceRef, policy string) error {
	if r.consumer != "" {
		return a.updateConsumer(ctx, r, nil, nil, &policy)
	}
	return a.fail(a.sl.SetPolicy(ctx, r.stream, policy))
}

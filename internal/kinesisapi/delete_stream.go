package kinesisapi

// DeleteStream.
//
// Behavior: removes the stream and its records at once; DescribeStream
// reports it DELETING for the server's transition delay, then
// ResourceNotFoundException. Its name can be reused right after. Deleting a
// stream that is DELETING succeeds again, as in Kinesis.
//
// Deviations: EnforceConsumerDeletion is accepted and ignored (there are no
// registered consumers).

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type deleteStreamInput struct {
	StreamName              string `json:"StreamName"`
	StreamARN               string `json:"StreamARN"`
	EnforceConsumerDeletion bool   `json:"EnforceConsumerDeletion"`
}

func (a *API) deleteStream(ctx context.Context, body []byte) (any, error) {
	var in deleteStreamInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	info, err := a.describe(ctx, name)
	if err != nil {
		return nil, err
	}
	if info.Status == streamlog.StatusDeleting {
		return nil, nil // as Kinesis: deleting again succeeds
	}
	return nil, a.fail(a.sl.Delete(ctx, name))
}

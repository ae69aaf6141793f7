package kinesisapi

// DeleteStream.
//
// Behavior: removes the stream and its records at once; DescribeStream
// reports it DELETING for the server's transition delay, then
// ResourceNotFoundException. Its name can be reused right after. Deleting a
// stream that is DELETING succeeds again, as in Kinesis.
//
// A stream with registered consumers is refused (ResourceInUseException,
// in Kinesis's words) unless EnforceConsumerDeletion is true, which
// deregisters them with the stream.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/awsjson"

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
	if len(info.Consumers) > 0 && !in.EnforceConsumerDeletion {
		// Kinesis's text (observed; quoted in cloud-custodian issue 7260).
		return nil, awsjson.Errorf(ResourceInUseException,
			"DeleteStream can't delete %s because there are consumers associated with this data stream. "+
				"To delete %s anyway, set the EnforceConsumerDeletion parameter to true to force the deletion of all the consumers that are associated with it.",
			a.arn(name), name)
	}
	return nil, a.fail(a.sl.Delete(ctx, name))
}

package kinesisapi

// UpdateStreamMode.
//
// Behavior: switches the stream named by StreamARN (required; StreamName is
// not taken) to StreamModeDetails.StreamMode, PROVISIONED or ON_DEMAND,
// durably. The stream must be ACTIVE (ResourceInUseException otherwise) and
// is UPDATING for the server's transition delay. Switching to the mode the
// stream already has is InvalidArgumentException. The shards stay as they
// are, as in Kinesis; DescribeStream, DescribeStreamSummary and
// DescribeLimits report the new mode.
//
// Deviations: an ON_DEMAND stream keeps its shard count (it is not scaled
// by load) and UpdateShardCount, SplitShard and MergeShards still work on
// it. There is no limit of two switches in 24 hours and no account limit on
// on-demand streams. WarmThroughputMiBps and StreamId are ignored.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type updateStreamModeInput struct {
	StreamARN           string       `json:"StreamARN"`
	StreamModeDetails   *modeDetails `json:"StreamModeDetails"`
	WarmThroughputMiBps *int         `json:"WarmThroughputMiBps"`
	StreamID            string       `json:"StreamId"`
}

func (a *API) updateStreamMode(ctx context.Context, body []byte) (any, error) {
	var in updateStreamModeInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.StreamARN == "" {
		return nil, awsjson.Errorf(ValidationException, "StreamARN is required")
	}
	name, err := streamName("", in.StreamARN)
	if err != nil {
		return nil, err
	}
	if in.StreamModeDetails == nil {
		return nil, awsjson.Errorf(ValidationException, "StreamModeDetails is required")
	}
	mode := in.StreamModeDetails.StreamMode
	if err := checkMode(mode); err != nil {
		return nil, err
	}
	if err := a.sl.SetMode(ctx, name, mode); err != nil {
		return nil, a.fail(err)
	}
	a.log.Info("stream mode updated", "stream", name, "mode", mode)
	return nil, nil
}

// checkMode checks a StreamModeDetails.StreamMode.
func checkMode(mode string) error {
	switch mode {
	case streamlog.ModeProvisioned, streamlog.ModeOnDemand:
		return nil
	case "":
		return awsjson.Errorf(ValidationException, "StreamModeDetails.StreamMode is required")
	}
	return awsjson.Errorf(ValidationException, "StreamMode %q: want PROVISIONED or ON_DEMAND", mode)
}

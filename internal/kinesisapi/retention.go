package kinesisapi

// IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod.
//
// Behavior: set the retention period (24 to 8760 hours). Over 8760 (or under
// 1) is a ValidationException before the stream is looked up; under 24 is
// InvalidArgumentException ("Minimum allowed retention period is 24 hours.
// ..."), as is an increase below the current period or a decrease above it.
// Records past retention are removed by the log's background trim (every
// minute by default).
//
// Deviations: none known.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type retentionInput struct {
	StreamName           string `json:"StreamName"`
	StreamARN            string `json:"StreamARN"`
	RetentionPeriodHours *int   `json:"RetentionPeriodHours"`
}

func (a *API) retention(ctx context.Context, body []byte, increase bool) (any, error) {
	var in retentionInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	h := *in.RetentionPeriodHours // the shape requires it, 1 to 8760
	if _, err := a.describe(ctx, name); err != nil {
		return nil, err
	}
	// Texts observed from Kinesis (kinesalite records the same).
	if h < streamlog.MinRetentionHours {
		return nil, awsjson.Errorf(InvalidArgumentException,
			"Minimum allowed retention period is %d hours. Requested retention period (%d hours) is too short.", streamlog.MinRetentionHours, h)
	}
	if increase {
		err = a.sl.IncreaseRetention(ctx, name, h)
	} else {
		err = a.sl.DecreaseRetention(ctx, name, h)
	}
	return nil, a.fail(err)
}

func (a *API) increaseStreamRetentionPeriod(ctx context.Context, body []byte) (any, error) {
	return a.retention(ctx, body, true)
}

func (a *API) decreaseStreamRetentionPeriod(ctx context.Context, body []byte) (any, error) {
	return a.retention(ctx, body, false)
}

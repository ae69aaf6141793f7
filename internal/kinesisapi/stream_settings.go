package kinesisapi

// UpdateMaxRecordSize and UpdateStreamWarmThroughput.
//
// Behavior: UpdateMaxRecordSize records the stream's largest record size
// (MaxRecordSizeInKiB, 1024 to 10240), durably; the stream must be ACTIVE
// and is UPDATING for the transition delay; DescribeStreamSummary reports
// it. UpdateStreamWarmThroughput records WarmThroughputMiBps for an
// ON_DEMAND stream (a PROVISIONED one is InvalidArgumentException) and
// answers it as the target and current warm throughput.
//
// Deviations: records stay limited to 1 MiB whatever the setting (the
// request shapes bound Data to 1 MiB), and warm throughput changes no
// capacity (there is no throughput throttling to warm). StreamId is
// ignored.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type updateMaxRecordSizeInput struct {
	StreamARN          string `json:"StreamARN"`
	MaxRecordSizeInKiB int    `json:"MaxRecordSizeInKiB"`
}

func (a *API) updateMaxRecordSize(ctx context.Context, body []byte) (any, error) {
	var in updateMaxRecordSizeInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.StreamARN == "" {
		// The model leaves StreamARN optional (StreamId may name the
		// stream instead, which blueshift does not issue).
		return nil, awsjson.Errorf(InvalidArgumentException, "StreamARN is required.")
	}
	name, err := streamName("", in.StreamARN)
	if err != nil {
		return nil, err
	}
	if err := a.sl.SetMaxRecordSize(ctx, name, in.MaxRecordSizeInKiB); err != nil {
		return nil, a.fail(err)
	}
	a.log.Info("stream max record size updated", "stream", name, "kib", in.MaxRecordSizeInKiB)
	return nil, nil
}

type updateStreamWarmThroughputInput struct {
	StreamARN           string `json:"StreamARN"`
	StreamName          string `json:"StreamName"`
	WarmThroughputMiBps int    `json:"WarmThroughputMiBps"`
}

// warmThroughput is WarmThroughputObject.
type warmThroughput struct {
	TargetMiBps  int `json:"TargetMiBps"`
	CurrentMiBps int `json:"CurrentMiBps"`
}

func (a *API) updateStreamWarmThroughput(ctx context.Context, body []byte) (any, error) {
	var in updateStreamWarmThroughputInput
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
	if info.Mode != streamlog.ModeOnDemand {
		return nil, awsjson.Errorf(InvalidArgumentException, "Warm throughput can only be set on streams in ON_DEMAND mode.")
	}
	if err := a.sl.SetWarmThroughput(ctx, name, in.WarmThroughputMiBps); err != nil {
		return nil, a.fail(err)
	}
	return struct {
		StreamARN      string         `json:"StreamARN"`
		StreamName     string         `json:"StreamName"`
		WarmThroughput warmThroughput `json:"WarmThroughput"`
	}{a.arn(name), name, warmThroughput{in.WarmThroughputMiBps, in.WarmThroughputMiBps}}, nil
}

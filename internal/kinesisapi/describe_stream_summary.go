package kinesisapi

// DescribeStreamSummary.
//
// Behavior: the stream's status, mode, retention, creation time and open
// shard count, without the shard list.
//
// Deviations: EncryptionType is always NONE, ConsumerCount always 0.

import "context"

type streamSummary struct {
	StreamName              string               `json:"StreamName"`
	StreamARN               string               `json:"StreamARN"`
	StreamStatus            string               `json:"StreamStatus"`
	StreamModeDetails       modeDetails          `json:"StreamModeDetails"`
	RetentionPeriodHours    int                  `json:"RetentionPeriodHours"`
	StreamCreationTimestamp epochSeconds         `json:"StreamCreationTimestamp"`
	EnhancedMonitoring      []enhancedMonitoring `json:"EnhancedMonitoring"`
	EncryptionType          string               `json:"EncryptionType"`
	OpenShardCount          int                  `json:"OpenShardCount"`
	ConsumerCount           int                  `json:"ConsumerCount"`
}

func (a *API) describeStreamSummary(ctx context.Context, body []byte) (any, error) {
	var in describeStreamInput
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
	return struct {
		StreamDescriptionSummary streamSummary `json:"StreamDescriptionSummary"`
	}{streamSummary{
		StreamName: info.Name, StreamARN: a.arn(info.Name), StreamStatus: info.Status,
		StreamModeDetails: modeDetails{info.Mode}, RetentionPeriodHours: info.RetentionHours,
		StreamCreationTimestamp: epochSeconds(info.Created), EnhancedMonitoring: noMonitoring,
		EncryptionType: "NONE", OpenShardCount: info.OpenShards,
	}}, nil
}

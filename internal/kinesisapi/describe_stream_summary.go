package kinesisapi

// DescribeStreamSummary.
//
// Behavior: the stream's status, mode, retention, creation time and open
// shard count, without the shard list. EncryptionType and KeyId are what
// StartStreamEncryption recorded (see stream_encryption.go: records are not
// actually encrypted).
//
// Deviations: ConsumerCount is always 0.

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
	KeyID                   string               `json:"KeyId,omitempty"`
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
		EncryptionType: info.EncryptionType, KeyID: info.KeyID, OpenShardCount: info.OpenShards,
	}}, nil
}

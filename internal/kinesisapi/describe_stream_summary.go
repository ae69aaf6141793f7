package kinesisapi

// DescribeStreamSummary.
//
// Behavior: the stream's status, mode, retention, creation time and open
// shard count, without the shard list. EncryptionType and KeyId are what
// StartStreamEncryption recorded (see stream_encryption.go: records are not
// actually encrypted).
//
// ConsumerCount counts the registered consumers, MaxRecordSizeInKiB is what
// UpdateMaxRecordSize set (1024 by default), and WarmThroughput what
// UpdateStreamWarmThroughput set, when it was.
//
// Deviations: StreamId is not reported (blueshift issues none).

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
	MaxRecordSizeInKiB      int                  `json:"MaxRecordSizeInKiB"`
	WarmThroughput          *warmThroughput      `json:"WarmThroughput,omitempty"`
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
	sum := streamSummary{
		StreamName: info.Name, StreamARN: a.arn(info.Name), StreamStatus: info.Status,
		StreamModeDetails: modeDetails{info.Mode}, RetentionPeriodHours: info.RetentionHours,
		StreamCreationTimestamp: epochSeconds(info.Created), EnhancedMonitoring: monitoring(info.ShardLevelMetrics),
		EncryptionType: info.EncryptionType, KeyID: info.KeyID, OpenShardCount: info.OpenShards,
		ConsumerCount: len(info.Consumers), MaxRecordSizeInKiB: info.MaxRecordSizeKiB,
	}
	if info.WarmThroughputMiBps > 0 {
		sum.WarmThroughput = &warmThroughput{info.WarmThroughputMiBps, info.WarmThroughputMiBps}
	}
	return struct {
		StreamDescriptionSummary streamSummary `json:"StreamDescriptionSummary"`
	}{sum}, nil
}

package kinesisapi

import (
	"github.com/blueshift-dev/blueshift/internal/awsjson"
)

// Service returns the Kinesis service for an awsjson.Server: the table of
// every supported operation. Operations not listed answer
// UnknownOperationException.
func (a *API) Service() *awsjson.Service {
	return &awsjson.Service{
		Prefix:      "Kinesis_20131202",
		ContentType: "application/x-amz-json-1.1",
		Inputs:      inputs,
		CBOR:        cborCodec,
		Operations: map[string]awsjson.Handler{
			"CreateStream":                  a.createStream,
			"DeleteStream":                  a.deleteStream,
			"DescribeStream":                a.describeStream,
			"DescribeStreamSummary":         a.describeStreamSummary,
			"ListStreams":                   a.listStreams,
			"ListShards":                    a.listShards,
			"PutRecord":                     a.putRecord,
			"PutRecords":                    a.putRecords,
			"GetShardIterator":              a.getShardIterator,
			"GetRecords":                    a.getRecords,
			"IncreaseStreamRetentionPeriod": a.increaseStreamRetentionPeriod,
			"DecreaseStreamRetentionPeriod": a.decreaseStreamRetentionPeriod,
			"SplitShard":                    a.splitShard,
			"MergeShards":                   a.mergeShards,
			"UpdateShardCount":              a.updateShardCount,
			"AddTagsToStream":               a.addTagsToStream,
			"ListTagsForStream":             a.listTagsForStream,
			"RemoveTagsFromStream":          a.removeTagsFromStream,
			"TagResource":                   a.tagResource,
			"UntagResource":                 a.untagResource,
			"ListTagsForResource":           a.listTagsForResource,
			"DescribeLimits":                a.describeLimits,
			"UpdateStreamMode":              a.updateStreamMode,
			"StartStreamEncryption":         a.startStreamEncryption,
			"StopStreamEncryption":          a.stopStreamEncryption,
			"RegisterStreamConsumer":        a.registerStreamConsumer,
			"DeregisterStreamConsumer":      a.deregisterStreamConsumer,
			"DescribeStreamConsumer":        a.describeStreamConsumer,
			"ListStreamConsumers":           a.listStreamConsumers,
			"EnableEnhancedMonitoring":      a.enableEnhancedMonitoring,
			"DisableEnhancedMonitoring":     a.disableEnhancedMonitoring,
			"PutResourcePolicy":             a.putResourcePolicy,
			"GetResourcePolicy":             a.getResourcePolicy,
			"DeleteResourcePolicy":          a.deleteResourcePolicy,
			"DescribeAccountSettings":       a.describeAccountSettings,
			"UpdateAccountSettings":         a.updateAccountSettings,
			"UpdateMaxRecordSize":           a.updateMaxRecordSize,
			"UpdateStreamWarmThroughput":    a.updateStreamWarmThroughput,
			"SubscribeToShard":              a.subscribeToShard,
		},
	}
}

// decode is awsjson.Decode for operation inputs.
func decode(body []byte, v any) error { return awsjson.Decode(body, v) }

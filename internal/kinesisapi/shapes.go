package kinesisapi

import (
	"github.com/blueshift-dev/blueshift/internal/awsjson"
)

// The input shapes of the Kinesis API model (kinesis/2013-12-02), with
// their constraints: the server type-checks and validates every request
// against them before an operation runs, so violations come out as AWS
// reports them. Members are listed in the order AWS reports violations,
// which is neither the model's order nor always alphabetical (observed;
// kinesalite records the same orders, followed here where it has them; the
// alphabetical order elsewhere).

var (
	i = awsjson.Int

	streamNameShape = &awsjson.Shape{Type: awsjson.String, Pattern: `[a-zA-Z0-9_.-]+`, MinLen: i(1), MaxLen: i(128)}
	streamARNShape  = &awsjson.Shape{Type: awsjson.String, Pattern: `arn:aws.*:kinesis:.*:\d{12}:stream/\S+`, MinLen: i(1), MaxLen: i(2048)}
	resourceARN     = &awsjson.Shape{Type: awsjson.String, Pattern: `arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+`, MinLen: i(1), MaxLen: i(2048)}
	shardIDShape    = &awsjson.Shape{Type: awsjson.String, Pattern: `[a-zA-Z0-9_.-]+`, MinLen: i(1), MaxLen: i(128)}
	seqShape        = &awsjson.Shape{Type: awsjson.String, Pattern: `0|([1-9]\d{0,128})`}
	hashKeyShape    = &awsjson.Shape{Type: awsjson.String, Pattern: `0|([1-9]\d{0,38})`}
	partitionKey    = &awsjson.Shape{Type: awsjson.String, MinLen: i(1), MaxLen: i(256)}
	dataShape       = &awsjson.Shape{Type: awsjson.Blob, MaxLen: i(1048576)}
	retentionHours  = &awsjson.Shape{Type: awsjson.Integer, Min: i(1), Max: i(8760)}
	timestampShape  = &awsjson.Shape{Type: awsjson.Timestamp}
	nextTokenShape  = &awsjson.Shape{Type: awsjson.String, MinLen: i(1), MaxLen: i(1048576)}
	tagKeyShape     = &awsjson.Shape{Type: awsjson.String, MinLen: i(1), MaxLen: i(128)}
	tagValueShape   = &awsjson.Shape{Type: awsjson.String, MinLen: i(0), MaxLen: i(256)}
	tagMapShape     = &awsjson.Shape{Type: awsjson.Map, MinLen: i(1), MaxLen: i(200), Key: tagKeyShape, Elem: tagValueShape}
	tagKeyList      = &awsjson.Shape{Type: awsjson.List, MinLen: i(1), MaxLen: i(50), Elem: tagKeyShape}
	modeShape       = &awsjson.Shape{Type: awsjson.Structure, Members: []awsjson.Member{
		{Name: "StreamMode", Required: true, Shape: &awsjson.Shape{Type: awsjson.String, Enum: []string{"PROVISIONED", "ON_DEMAND"}}},
	}}
	streamIDShape = &awsjson.Shape{Type: awsjson.String, Pattern: `[a-z0-9]{20}-[a-z0-9]{3}`, MinLen: i(1), MaxLen: i(24)}
	consumerName  = &awsjson.Shape{Type: awsjson.String, Pattern: `[a-zA-Z0-9_.-]+`, MinLen: i(1), MaxLen: i(128)}
	consumerARN   = &awsjson.Shape{Type: awsjson.String, Pattern: `^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+`, MinLen: i(1), MaxLen: i(2048)}
	metricsList   = &awsjson.Shape{Type: awsjson.List, MinLen: i(1), MaxLen: i(7), Elem: &awsjson.Shape{Type: awsjson.String,
		Enum: []string{"IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords", "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds", "ALL"}}}
	iteratorType   = &awsjson.Shape{Type: awsjson.String, Enum: []string{"AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"}}
	encryptionType = &awsjson.Shape{Type: awsjson.String, Enum: []string{"NONE", "KMS"}}
	keyIDShape     = &awsjson.Shape{Type: awsjson.String, MinLen: i(1), MaxLen: i(2048)}
)

// streamNameMember is StreamName where a StreamARN may stand in for it.
var streamNameMember = awsjson.Member{Name: "StreamName", Shape: streamNameShape, RequiredWithout: "StreamARN"}

func structure(members ...awsjson.Member) *awsjson.Shape {
	return &awsjson.Shape{Type: awsjson.Structure, Members: members}
}

func req(name string, s *awsjson.Shape) awsjson.Member {
	return awsjson.Member{Name: name, Shape: s, Required: true}
}

func opt(name string, s *awsjson.Shape) awsjson.Member {
	return awsjson.Member{Name: name, Shape: s}
}

// putRecordsShape is PutRecords' input; the handler checks it itself (its
// body is decoded on a fast path).
var putRecordsShape = structure(
	req("Records", &awsjson.Shape{Type: awsjson.List, MinLen: i(1), MaxLen: i(500), Elem: structure(
		req("PartitionKey", partitionKey),
		req("Data", dataShape),
		opt("ExplicitHashKey", hashKeyShape),
	)}),
	opt("StreamARN", streamARNShape),
	streamNameMember,
	opt("StreamId", streamIDShape),
)

// inputs maps operations to their input shapes.
var inputs = map[string]*awsjson.Shape{
	"AddTagsToStream": structure(
		req("Tags", &awsjson.Shape{Type: awsjson.Map, MinLen: i(1), MaxLen: i(10), Key: tagKeyShape, Elem: tagValueShape}),
		opt("StreamARN", streamARNShape),
		streamNameMember,
		opt("StreamId", streamIDShape),
	),
	"CreateStream": structure(
		awsjson.Member{Name: "ShardCount", Shape: &awsjson.Shape{Type: awsjson.Integer, Min: i(1)}, RequiredWithout: "StreamModeDetails"},
		opt("StreamModeDetails", modeShape),
		req("StreamName", streamNameShape),
		opt("Tags", tagMapShape),
		opt("WarmThroughputMiBps", &awsjson.Shape{Type: awsjson.Integer, Min: i(0)}),
		opt("MaxRecordSizeInKiB", &awsjson.Shape{Type: awsjson.Integer, Min: i(1024), Max: i(10240)}),
	),
	"DecreaseStreamRetentionPeriod": structure(
		req("RetentionPeriodHours", retentionHours),
		opt("StreamARN", streamARNShape),
		streamNameMember,
		opt("StreamId", streamIDShape),
	),
	"IncreaseStreamRetentionPeriod": structure(
		req("RetentionPeriodHours", retentionHours),
		opt("StreamARN", streamARNShape),
		streamNameMember,
		opt("StreamId", streamIDShape),
	),
	"DeleteStream": structure(
		opt("EnforceConsumerDeletion", &awsjson.Shape{Type: awsjson.Boolean}),
		opt("StreamARN", streamARNShape),
		streamNameMember,
		opt("StreamId", streamIDShape),
	),
	"DescribeLimits": structure(),
	"DescribeStream": structure(
		opt("Limit", &awsjson.Shape{Type: awsjson.Integer, Min: i(1), Max: i(10000)}),
		opt("ExclusiveStartShardId", shardIDShape),
		opt("StreamARN", streamARNShape),
		streamNameMember,
		opt("StreamId", streamIDShape),
	),
	"DescribeStreamSummary": structure(
		opt("StreamARN", streamARNShape),
		streamNameMember,
		opt("StreamId", streamIDShape),
	),
	"GetRecords": structure(
		opt("Limit", &awsjson.Shape{Type: awsjson.Integer, Min: i(1), Max: i(10000)}),
		req("ShardIterator", &awsjson.Shape{Type: awsjson.String, MinLen: i(1), MaxLen: i(512)}),
		opt("StreamARN", streamARNShape),
		opt("StreamId", streamIDShape),
	),
	"GetShardIterator": structure(
		req("ShardId", shardIDShape),
		req("ShardIteratorType", iteratorType),
		opt("StartingSequenceNumber", seqShape),
		opt("StreamARN", streamARNShape),
		streamNameMember,
		opt("Timestamp", timestampShape),
		opt("StreamId", streamIDShape),
	),
	"ListShards": structure(
		opt("ExclusiveStartShardId", shardIDShape),
		opt("MaxResults", &awsjson.Shape{Type: awsjson.Integer, Min: i(1), Max: i(10000)}),
		opt("NextToken", nextTokenShape),
		opt("ShardFilter", structure(
			req("Type", &awsjson.Shape{Type: awsjson.String, Enum: []string{"AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP"}}),
			opt("ShardId", shardIDShape),
			opt("Timestamp", timestampShape),
		)),
		opt("StreamARN", streamARNShape),
		opt("StreamCreationTimestamp", timestampShape),
		opt("StreamName", streamNameShape),
		opt("StreamId", streamIDShape),
	),
	"ListStreams": structure(
		opt("ExclusiveStartStreamName", streamNameShape),
		opt("Limit", &awsjson.Shape{Type: awsjson.Integer, Min: i(1), Max: i(10000)}),
		opt("NextToken", nextTokenShape),
	),
	"ListTagsForStream": structure(
		opt("ExclusiveStartTagKey", tagKeyShape),
		opt("Limit", &awsjson.Shape{Type: awsjson.Integer, Min: i(1), Max: i(50)}),
		opt("StreamARN", streamARNShape),
		streamNameMember,
		opt("StreamId", streamIDShape),
	),
	"MergeShards": structure(
		req("ShardToMerge", shardIDShape),
		req("AdjacentShardToMerge", shardIDShape),
		opt("StreamARN", streamARNShape),
		streamNameMember,
		opt("StreamId", streamIDShape),
	),
	"PutRecord": structure(
		opt("SequenceNumberForOrdering", seqShape),
		req("PartitionKey", partitionKey),
		opt("ExplicitHashKey", hashKeyShape),
		req("Data", dataShape),
		opt("StreamARN", streamARNShape),
		streamNameMember,
		opt("StreamId", streamIDShape),
	),
	"RemoveTagsFromStream": structure(
		opt("StreamARN", streamARNShape),
		streamNameMember,
		req("TagKeys", tagKeyList),
		opt("StreamId", streamIDShape),
	),
	"SplitShard": structure(
		req("NewStartingHashKey", hashKeyShape),
		opt("StreamARN", streamARNShape),
		streamNameMember,
		req("ShardToSplit", shardIDShape),
		opt("StreamId", streamIDShape),
	),
	"UpdateShardCount": structure(
		req("ScalingType", &awsjson.Shape{Type: awsjson.String, Enum: []string{"UNIFORM_SCALING"}}),
		opt("StreamARN", streamARNShape),
		streamNameMember,
		req("TargetShardCount", &awsjson.Shape{Type: awsjson.Integer, Min: i(1), Max: i(100000)}),
		opt("StreamId", streamIDShape),
	),
	"UpdateStreamMode": structure(
		req("StreamARN", streamARNShape),
		req("StreamModeDetails", modeShape),
		opt("WarmThroughputMiBps", &awsjson.Shape{Type: awsjson.Integer, Min: i(0)}),
		opt("StreamId", streamIDShape),
	),
	"StartStreamEncryption": structure(
		req("EncryptionType", encryptionType),
		req("KeyId", keyIDShape),
		opt("StreamARN", streamARNShape),
		streamNameMember,
		opt("StreamId", streamIDShape),
	),
	"StopStreamEncryption": structure(
		req("EncryptionType", encryptionType),
		req("KeyId", keyIDShape),
		opt("StreamARN", streamARNShape),
		streamNameMember,
		opt("StreamId", streamIDShape),
	),
	// The operations below came to the model later than kinesalite's
	// records; their members are in the model's order.
	"RegisterStreamConsumer": structure(
		req("StreamARN", streamARNShape),
		req("ConsumerName", consumerName),
		opt("StreamId", streamIDShape),
		opt("Tags", tagMapShape),
	),
	"DeregisterStreamConsumer": structure(
		opt("StreamARN", streamARNShape),
		opt("ConsumerName", consumerName),
		opt("ConsumerARN", consumerARN),
		opt("StreamId", streamIDShape),
	),
	"DescribeStreamConsumer": structure(
		opt("StreamARN", streamARNShape),
		opt("ConsumerName", consumerName),
		opt("ConsumerARN", consumerARN),
		opt("StreamId", streamIDShape),
	),
	"ListStreamConsumers": structure(
		req("StreamARN", streamARNShape),
		opt("NextToken", nextTokenShape),
		opt("MaxResults", &awsjson.Shape{Type: awsjson.Integer, Min: i(1), Max: i(10000)}),
		opt("StreamCreationTimestamp", timestampShape),
		opt("StreamId", streamIDShape),
	),
	"SubscribeToShard": structure(
		req("ConsumerARN", consumerARN),
		opt("StreamId", streamIDShape),
		req("ShardId", shardIDShape),
		req("StartingPosition", structure(
			req("Type", iteratorType),
			opt("SequenceNumber", seqShape),
			opt("Timestamp", timestampShape),
		)),
	),
	"EnableEnhancedMonitoring": structure(
		streamNameMember,
		req("ShardLevelMetrics", metricsList),
		opt("StreamARN", streamARNShape),
		opt("StreamId", streamIDShape),
	),
	"DisableEnhancedMonitoring": structure(
		streamNameMember,
		req("ShardLevelMetrics", metricsList),
		opt("StreamARN", streamARNShape),
		opt("StreamId", streamIDShape),
	),
	"PutResourcePolicy": structure(
		req("ResourceARN", resourceARN),
		opt("StreamId", streamIDShape),
		req("Policy", &awsjson.Shape{Type: awsjson.String}),
	),
	"GetResourcePolicy": structure(
		req("ResourceARN", resourceARN),
		opt("StreamId", streamIDShape),
	),
	"DeleteResourcePolicy": structure(
		req("ResourceARN", resourceARN),
		opt("StreamId", streamIDShape),
	),
	"DescribeAccountSettings": structure(),
	"UpdateAccountSettings": structure(
		req("MinimumThroughputBillingCommitment", structure(
			req("Status", &awsjson.Shape{Type: awsjson.String, Enum: []string{"ENABLED", "DISABLED"}}),
		)),
	),
	"UpdateMaxRecordSize": structure(
		opt("StreamARN", streamARNShape),
		opt("StreamId", streamIDShape),
		req("MaxRecordSizeInKiB", &awsjson.Shape{Type: awsjson.Integer, Min: i(1024), Max: i(10240)}),
	),
	"UpdateStreamWarmThroughput": structure(
		opt("StreamARN", streamARNShape),
		streamNameMember,
		opt("StreamId", streamIDShape),
		req("WarmThroughputMiBps", &awsjson.Shape{Type: awsjson.Integer, Min: i(0)}),
	),
	"TagResource": structure(
		req("ResourceARN", resourceARN),
		req("Tags", tagMapShape),
		opt("StreamId", streamIDShape),
	),
	"UntagResource": structure(
		req("ResourceARN", resourceARN),
		req("TagKeys", tagKeyList),
		opt("StreamId", streamIDShape),
	),
	"ListTagsForResource": structure(
		req("ResourceARN", resourceARN),
		opt("StreamId", streamIDShape),
	),
}

// cborCodec names the response members that are blobs and timestamps.
var cborCodec = &awsjson.CBORCodec{
	Blobs: map[string]bool{"Data": true},
	Timestamps: map[string]bool{
		"ApproximateArrivalTimestamp": true, "StreamCreationTimestamp": true,
		"ConsumerCreationTimestamp": true, "StartedAt": true, "EndedAt": true, "EarliestAllowedEndAt": true,
	},
}

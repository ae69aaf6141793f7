package dynamoapi_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/smithy-go"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/capture"
	"github.com/blueshift-dev/blueshift/internal/dynamoapi"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestStreamsRetentionAndExpiry serves the APIs in process on a clock the
// test moves: a shard iterator is good for 15 minutes
// (ExpiredIteratorException after), and records older than 24 hours are
// trimmed, so an iterator still pointing before them gets
// TrimmedDataAccessException while TRIM_HORIZON starts after them, as the
// DynamoDB Streams API reference describes.
func TestStreamsRetentionAndExpiry(t *testing.T) {
	var nowMs atomic.Int64
	nowMs.Store(time.Now().UnixMilli())
	now := func() time.Time { return time.UnixMilli(nowMs.Load()) }
	advance := func(d time.Duration) { nowMs.Add(d.Milliseconds()) }
	sl, err := streamlog.Open(t.TempDir(), streamlog.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	st, err := tables.Open(sl, tables.Options{Now: now, Capture: capture.New(capture.Options{Now: now})})
	if err != nil {
		t.Fatal(err)
	}
	api := dynamoapi.New(st, dynamoapi.Options{Now: now, Streams: capture.NewStreams(st, sl, now)})
	srv := awsjson.NewServer(nil, nil)
	srv.Register(api.Service())
	srv.Register(api.StreamsService())
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); _ = sl.Close() })
	addr := strings.TrimPrefix(hs.URL, "http://")
	c := testserver.DynamoDBClient(addr, 0)
	sc := testserver.DynamoDBStreamsClient(addr)
	ctx := context.Background()
	ok(c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("ret"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly},
	}))(t)
	arn := aws.ToString(ok(c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("ret")}))(t).Table.LatestStreamArn)
	put := func(id string) {
		ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("ret"), Item: map[string]av{"id": s(id)}}))(t)
	}
	put("old")
	// The shard holding "old", and an iterator at its start.
	var shard *string
	var start *string
	for _, sh := range ok(sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)}))(t).StreamDescription.Shards {
		it := ok(sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: sh.ShardId, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon}))(t).ShardIterator
		if len(ok(sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it}))(t).Records) == 1 {
			shard, start = sh.ShardId, it
		}
	}
	if shard == nil {
		t.Fatal("the record is in no shard")
	}
	advance(16 * time.Minute)
	_, err = sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: start})
	wantCode(t, err, "ExpiredIteratorException")

	// 25 hours on, retention removes the record. A fresh iterator that
	// still points before it (AT_SEQUENCE_NUMBER of the trimmed record's
	// shard start) hits the trimmed data.
	startSeq := ok(sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)}))(t).StreamDescription.Shards
	var startingSeq *string
	for _, sh := range startSeq {
		if aws.ToString(sh.ShardId) == aws.ToString(shard) {
			startingSeq = sh.SequenceNumberRange.StartingSequenceNumber
		}
	}
	before := ok(sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: shard,
		ShardIteratorType: stypes.ShardIteratorTypeAtSequenceNumber, SequenceNumber: startingSeq}))(t).ShardIterator
	advance(25 * time.Hour)
	if err := sl.Trim(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: before})
	wantCode(t, err, "ExpiredIteratorException") // 25 hours is past 15 minutes too
	before = ok(sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: shard,
		ShardIteratorType: stypes.ShardIteratorTypeAtSequenceNumber, SequenceNumber: startingSeq}))(t).ShardIterator
	_, err = sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: before})
	wantCode(t, err, "TrimmedDataAccessException")
	// TRIM_HORIZON starts after the trimmed records: a new write is the
	// only record left.
	put("new")
	var left []string
	for _, recs := range readStream(t, sc, arn) {
		for _, r := range recs {
			left = append(left, keyS(r.Dynamodb.Keys, "id"))
		}
	}
	if !equal(left, []string{"new"}) {
		t.Fatalf("records after retention: %v, want only the new one", left)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("error %v, want %s", err, code)
	}
}

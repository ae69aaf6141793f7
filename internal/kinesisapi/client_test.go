package kinesisapi_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// newClient returns the tests' Kinesis client for the API at addr: retries
// off, responses read in full (testserver.KinesisClient).
func newClient(addr string) *kinesis.Client { return testserver.KinesisClient(addr) }

// apiCode returns the AWS error code of err, or "" if it has none.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := apiCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// createActive creates a stream and waits for it with the SDK's waiter, as
// a Kinesis client does.
func createActive(t testing.TB, c *kinesis.Client, name string, shards int32) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	w := kinesis.NewStreamExistsWaiter(c, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 20*time.Millisecond, 200*time.Millisecond
	})
	if err := w.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)}, 30*time.Second); err != nil {
		t.Fatalf("wait for %s: %v", name, err)
	}
}

// shards lists every shard of a stream with ListShards, following NextToken.
func listShards(t testing.TB, c *kinesis.Client, name string) []types.Shard {
	t.Helper()
	var out []types.Shard
	in := &kinesis.ListShardsInput{StreamName: aws.String(name), MaxResults: aws.Int32(2)}
	for {
		res, err := c.ListShards(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, res.Shards...)
		if res.NextToken == nil {
			return out
		}
		in = &kinesis.ListShardsInput{NextToken: res.NextToken, MaxResults: aws.Int32(2)}
	}
}

// readShard reads a shard from an iterator until it is caught up or closed;
// it returns the records and the last response.
func readShard(t testing.TB, c *kinesis.Client, it *string, limit int32) ([]types.Record, *kinesis.GetRecordsOutput) {
	t.Helper()
	var recs []types.Record
	for {
		res, err := c.GetRecords(context.Background(), &kinesis.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(limit)})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, res.Records...)
		if res.NextShardIterator == nil || len(res.Records) == 0 {
			return recs, res
		}
		it = res.NextShardIterator
	}
}

func iter(t testing.TB, c *kinesis.Client, in *kinesis.GetShardIteratorInput) *string {
	t.Helper()
	res, err := c.GetShardIterator(context.Background(), in)
	if err != nil {
		t.Fatalf("GetShardIterator %s: %v", in.ShardIteratorType, err)
	}
	return res.ShardIterator
}

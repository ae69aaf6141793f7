package kinesisapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// streamingClient is an SDK client that reads responses as they come (the
// test client buffers whole bodies, which an event stream never ends).
func streamingClient(addr string) *kinesis.Client {
	return kinesis.NewFromConfig(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("blueshift", "blueshift", ""),
	}, func(o *kinesis.Options) {
		o.BaseEndpoint = aws.String("http://" + addr)
		o.RetryMaxAttempts = 1
	})
}

// activeConsumer registers a consumer and waits until it is ACTIVE.
func activeConsumer(t *testing.T, c *kinesis.Client, streamARN, name string) string {
	t.Helper()
	ctx := context.Background()
	reg, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(streamARN), ConsumerName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, err := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: reg.Consumer.ConsumerARN})
		if err != nil {
			t.Fatal(err)
		}
		if d.ConsumerDescription.ConsumerStatus == types.ConsumerStatusActive {
			return *reg.Consumer.ConsumerARN
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumer %s still %s", name, d.ConsumerDescription.ConsumerStatus)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// nextRecords reads events from a subscription until it has n records or
// the deadline passes.
func nextRecords(t *testing.T, events <-chan types.SubscribeToShardEventStream, n int) ([]types.Record, *types.SubscribeToShardEvent) {
	t.Helper()
	var got []types.Record
	var last *types.SubscribeToShardEvent
	timeout := time.After(20 * time.Second)
	for len(got) < n {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("subscription ended after %d of %d records", len(got), n)
			}
			e, isEvent := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
			if !isEvent {
				t.Fatalf("unexpected event %T", ev)
			}
			got = append(got, e.Value.Records...)
			last = &e.Value
		case <-timeout:
			t.Fatalf("got %d of %d records", len(got), n)
		}
	}
	return got, last
}

// TestSubscribeToShardThroughSDK reads a shard through an enhanced fan-out
// subscription with the AWS SDK for Go v2 (its event-stream reader against
// the binary): the records already there, then records put while
// subscribed, in order and with the sequence numbers PutRecord answered;
// the continuation number resumes a later subscription; the API
// reference's rules on a second subscription and on consumers that are
// not ACTIVE hold.
func TestSubscribeToShardThroughSDK(t *testing.T) {
	srv := testserver.Start(t, "--stream-transition-delay", "200ms")
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(srv.Logs())
		}
	})
	c := streamingClient(srv.AWS)
	ctx := context.Background()
	createActive(t, c, "fan", 1)
	streamARN := "arn:aws:kinesis:us-east-1:000000000000:stream/fan"
	put := func(i int) string {
		t.Helper()
		r, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("fan"), PartitionKey: aws.String("k"), Data: []byte(fmt.Sprint("r", i))})
		if err != nil {
			t.Fatal(err)
		}
		return *r.SequenceNumber
	}
	var seqs []string
	for i := 0; i < 3; i++ {
		seqs = append(seqs, put(i))
	}

	// A consumer still CREATING cannot subscribe.
	reg, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(streamARN), ConsumerName: aws.String("early")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: reg.Consumer.ConsumerARN, ShardId: aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon}})
	wantCode(t, err, "ResourceInUseException")

	arn := activeConsumer(t, c, streamARN, "app")
	sub, err := c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(arn), ShardId: aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon}})
	if err != nil {
		t.Fatal(err)
	}
	stream := sub.GetStream()
	got, _ := nextRecords(t, stream.Events(), 3)
	for i := 3; i < 6; i++ {
		seqs = append(seqs, put(i)) // while subscribed
	}
	more, last := nextRecords(t, stream.Events(), 3)
	got = append(got, more...)
	for i, r := range got {
		if string(r.Data) != fmt.Sprint("r", i) || *r.SequenceNumber != seqs[i] || *r.PartitionKey != "k" {
			t.Fatalf("record %d: %q %s, want r%d %s", i, r.Data, *r.SequenceNumber, i, seqs[i])
		}
	}
	if *last.ContinuationSequenceNumber != seqs[5] {
		t.Fatalf("continuation %s, want the last record's %s", *last.ContinuationSequenceNumber, seqs[5])
	}

	// A second subscription within 5 seconds is refused.
	_, err = c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(arn), ShardId: aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest}})
	wantCode(t, err, "ResourceInUseException")
	if err := stream.Close(); err != nil {
		t.Fatal(err)
	}

	// Resuming after the continuation number gives only what came later,
	// once the first subscription has gone (polled with a deadline).
	put(6)
	deadline := time.Now().Add(20 * time.Second)
	var sub2 *kinesis.SubscribeToShardOutput
	for {
		sub2, err = c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(arn), ShardId: aws.String("0"),
			StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: last.ContinuationSequenceNumber}})
		if err == nil || apiCode(err) != "ResourceInUseException" || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer sub2.GetStream().Close()
	rest, _ := nextRecords(t, sub2.GetStream().Events(), 1)
	if string(rest[0].Data) != "r6" {
		t.Fatalf("resumed at %q, want r6", rest[0].Data)
	}

	// Unknown consumers and shards, in Kinesis's errors.
	_, err = c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(streamARN + "/consumer/none:1"), ShardId: aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest}})
	wantCode(t, err, "ResourceNotFoundException")
	_, err = c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(arn), ShardId: aws.String("shardId-000000000009"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest}})
	wantCode(t, err, "ResourceNotFoundException")
}

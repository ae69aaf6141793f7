package kinesisapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/blueshift-dev/blueshift/internal/streamlog"
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

// subscribe subscribes with the SDK and reads the subscription's first
// event (the server sends one at once). A subscription that the SDK's own
// reader breaks before its first event ("use of closed network
// connection": see TestSubscribeToShardThroughSDK on the SDK's shared
// decoder) is made again, with a deadline.
func subscribe(t *testing.T, c *kinesis.Client, in *kinesis.SubscribeToShardInput) (*kinesis.SubscribeToShardEventStream, *types.SubscribeToShardEvent) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		sub, err := c.SubscribeToShard(context.Background(), in)
		if err != nil {
			if apiCode(err) == "ResourceInUseException" && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond) // the abandoned subscription is still ending
				continue
			}
			t.Fatal(err)
		}
		stream := sub.GetStream()
		select {
		case ev, ok := <-stream.Events():
			if ok {
				e, isEvent := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
				if !isEvent {
					t.Fatalf("unexpected event %T", ev)
				}
				return stream, &e.Value
			}
			err := stream.Err()
			if err == nil || !strings.Contains(err.Error(), "use of closed network connection") || time.Now().After(deadline) {
				t.Fatalf("subscription ended before its first event: %v", err)
			}
			t.Logf("the SDK closed its connection before the first event (%v); subscribing again", err)
			_ = stream.Close()
		case <-time.After(20 * time.Second):
			t.Fatal("no first event")
		}
	}
}

// nextRecords reads events from a subscription until it has n records or
// the deadline passes.
func nextRecords(t *testing.T, stream *kinesis.SubscribeToShardEventStream, n int) ([]types.Record, *types.SubscribeToShardEvent) {
	events := stream.Events()
	t.Helper()
	var got []types.Record
	var last *types.SubscribeToShardEvent
	timeout := time.After(20 * time.Second)
	for len(got) < n {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("subscription ended after %d of %d records: %v", len(got), n, stream.Err())
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
// subscription with the AWS SDK for Go v2 (its event-stream reader): the
// records already there, in order and with the sequence numbers PutRecord answered;
// the continuation number resumes a later subscription; a consumer that
// is not ACTIVE, an unknown consumer and an unknown shard are refused as
// the API reference says.
func TestSubscribeToShardThroughSDK(t *testing.T) {
	p := startInProcessWith(t, streamlog.Options{TransitionDelay: 200 * time.Millisecond})
	// Each subscription has a client of its own: the SDK's clients share
	// one event-stream decoder between their subscriptions (a data race in
	// aws-sdk-go-v2's kinesis v1.56.13 / smithy-go v1.28.9, which the race
	// detector reports and which can break a stream).
	c := newClient(p.addr)
	sc := streamingClient(p.addr)
	ec := streamingClient(p.addr) // for the subscriptions refused (no stream starts)
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
	_, err = ec.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: reg.Consumer.ConsumerARN, ShardId: aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon}})
	wantCode(t, err, "ResourceInUseException")

	arn := activeConsumer(t, c, streamARN, "app")
	for i := 3; i < 6; i++ {
		seqs = append(seqs, put(i))
	}
	stream, first := subscribe(t, sc, &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(arn), ShardId: aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon}})
	got, last := first.Records, first
	if len(got) < 6 {
		var more []types.Record
		more, last = nextRecords(t, stream, 6-len(got))
		got = append(got, more...)
	}
	for i, r := range got {
		if string(r.Data) != fmt.Sprint("r", i) || *r.SequenceNumber != seqs[i] || *r.PartitionKey != "k" {
			t.Fatalf("record %d: %q %s, want r%d %s", i, r.Data, *r.SequenceNumber, i, seqs[i])
		}
	}
	if *last.ContinuationSequenceNumber != seqs[5] {
		t.Fatalf("continuation %s, want the last record's %s", *last.ContinuationSequenceNumber, seqs[5])
	}

	// (The refusal of a second subscription within 5 seconds is checked
	// raw, in TestSubscribeToShardTakeover.)
	_ = stream.Close()

	// Resuming after the continuation number gives only what came later,
	// once the first subscription has gone.
	put(6)
	stream2, first2 := subscribe(t, streamingClient(p.addr), &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(arn), ShardId: aws.String("0"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: last.ContinuationSequenceNumber}})
	defer stream2.Close()
	rest := first2.Records
	if len(rest) == 0 {
		rest, _ = nextRecords(t, stream2, 1)
	}
	if string(rest[0].Data) != "r6" {
		t.Fatalf("resumed at %q, want r6", rest[0].Data)
	}

	// Unknown consumers and shards, in Kinesis's errors.
	_, err = ec.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(streamARN + "/consumer/none:1"), ShardId: aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest}})
	wantCode(t, err, "ResourceNotFoundException")
	_, err = ec.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(arn), ShardId: aws.String("shardId-000000000009"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest}})
	wantCode(t, err, "ResourceNotFoundException")
}

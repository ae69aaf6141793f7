package source_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go/middleware"

	"github.com/blueshift-dev/blueshift/internal/source"
	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// kinesisEnv is blueshift's Kinesis API (the built binary) with an SDK
// client that notes when each GetRecords call is made.
type kinesisEnv struct {
	t   *testing.T
	ctx context.Context
	kc  *kinesis.Client
	rd  *source.Kinesis
	mu  sync.Mutex
	get []time.Time // when each GetRecords call entered the SDK
}

func newKinesisEnv(t *testing.T) *kinesisEnv {
	srv := testserver.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	e := &kinesisEnv{t: t, ctx: ctx}
	count := middleware.InitializeMiddlewareFunc("countGetRecords", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		if awsmiddleware.GetOperationName(ctx) == "GetRecords" {
			e.mu.Lock()
			e.get = append(e.get, time.Now())
			e.mu.Unlock()
		}
		return next.HandleInitialize(ctx, in)
	})
	e.kc = testserver.KinesisClient(srv.AWS, func(o *kinesis.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error { return s.Initialize.Add(count, middleware.Before) })
	})
	e.rd = &source.Kinesis{Client: e.kc}
	return e
}

func (e *kinesisEnv) createStream(name string) {
	e.t.Helper()
	if _, err := e.kc.CreateStream(e.ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(1)}); err != nil {
		e.t.Fatal(err)
	}
	w := kinesis.NewStreamExistsWaiter(e.kc, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 100*time.Millisecond
	})
	if err := w.Wait(e.ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)}, 30*time.Second); err != nil {
		e.t.Fatal(err)
	}
}

func (e *kinesisEnv) put(stream string, data []byte) string {
	e.t.Helper()
	out, err := e.kc.PutRecord(e.ctx, &kinesis.PutRecordInput{StreamName: aws.String(stream), PartitionKey: aws.String("k"), Data: data})
	if err != nil {
		e.t.Fatal(err)
	}
	return aws.ToString(out.SequenceNumber)
}

func (e *kinesisEnv) shard(stream string) string {
	e.t.Helper()
	shards, err := e.rd.Shards(e.ctx, stream)
	if err != nil || len(shards) != 1 {
		e.t.Fatalf("shards of %s: %v %v", stream, shards, err)
	}
	return shards[0].ID
}

// TestKinesisReaderBoundsAndPace: reads keep to the byte bound without
// losing or repeating a record, and GetRecords on a shard is never called
// sooner than MinReadInterval after the previous call.
func TestKinesisReaderBoundsAndPace(t *testing.T) {
	e := newKinesisEnv(t)
	e.createStream("s")
	var want []string
	for i := range 20 {
		want = append(want, e.put("s", append([]byte(fmt.Sprintf(`{"i":%d}`, i)), bytes.Repeat([]byte(" "), 990)...)))
	}
	shard := e.shard("s")
	var got []string
	pos := ""
	// reads notes when each Read began: a read's pacing booking comes after
	// its start and before its GetRecords calls.
	var reads []time.Time
	for len(got) < len(want) {
		reads = append(reads, time.Now())
		b, err := e.rd.Read(e.ctx, "s", shard, pos, source.Limits{MaxRecords: 100, MaxBytes: 3500})
		if err != nil {
			t.Fatal(err)
		}
		if b.Gap != nil {
			t.Fatalf("gap %+v reading an untrimmed stream", b.Gap)
		}
		size := 0
		for _, r := range b.Records {
			size += len(r.Data)
			got = append(got, r.Seq)
		}
		if len(b.Records) == 0 || size > 3500 {
			t.Fatalf("read from %q: %d records, %d bytes (bound 3500)", pos, len(b.Records), size)
		}
		if b.Next != b.Records[len(b.Records)-1].Seq {
			t.Fatalf("Next %s, last record %s", b.Next, b.Records[len(b.Records)-1].Seq)
		}
		pos = b.Next
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("read %v\nwant %v", got, want)
	}
	reads = append(reads, time.Now())
	b, err := e.rd.Read(e.ctx, "s", shard, pos, source.Limits{})
	if err != nil || len(b.Records) != 0 || b.Behind != 0 {
		t.Fatalf("read at the tip: %d records, behind %d, %v", len(b.Records), b.Behind, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.get) < 8 {
		t.Fatalf("%d GetRecords calls", len(e.get))
	}
	for i := 1; i < len(e.get); i++ {
		// Call i-1 was booked at or after the start of the Read that made
		// it, and call i entered the SDK at or after its own booking, so
		// from that start to call i is at least the interval. (Comparing
		// the two calls' SDK entry times instead would need the time from
		// booking to SDK entry to be equal for both, which a loaded
		// machine does not promise.)
		start := reads[0]
		for _, r := range reads {
			if !r.After(e.get[i-1]) {
				start = r
			}
		}
		if d := e.get[i].Sub(start); d < source.MinReadInterval {
			t.Errorf("GetRecords call %d only %v after the start of the read that made call %d", i, d, i-1)
		}
	}
}

// TestKinesisReaderLostPosition: a position Kinesis no longer accepts (the
// stream was deleted and made again) is reported as a gap, and reading goes
// on from the trim horizon; a position that is still there is not.
func TestKinesisReaderLostPosition(t *testing.T) {
	e := newKinesisEnv(t)
	e.createStream("s")
	old := e.put("s", []byte(`{"old":1}`))
	kept := e.put("s", []byte(`{"old":2}`))
	shard := e.shard("s")
	// A fresh reader (no iterator of its own) from a position still there.
	fresh := &source.Kinesis{Client: e.kc}
	b, err := fresh.Read(e.ctx, "s", shard, old, source.Limits{})
	if err != nil || b.Gap != nil || len(b.Records) != 1 || b.Records[0].Seq != kept {
		t.Fatalf("read after %s: %+v, %v", old, b, err)
	}
	if _, err := e.kc.DeleteStream(e.ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	w := kinesis.NewStreamNotExistsWaiter(e.kc, func(o *kinesis.StreamNotExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 100*time.Millisecond
	})
	if err := w.Wait(e.ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("s")}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	e.createStream("s")
	first := e.put("s", []byte(`{"new":1}`))
	b, err = e.rd.Read(e.ctx, "s", e.shard("s"), kept, source.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Gap == nil || b.Gap.After != kept {
		t.Errorf("gap %+v, want one after %s", b.Gap, kept)
	}
	if len(b.Records) != 1 || b.Records[0].Seq != first {
		t.Errorf("records %+v, want the new stream's %s", b.Records, first)
	}
}

// TestKinesisReaderPositionGone: a new iterator from a position whose own
// record the shard no longer holds (as after retention trimmed it) reads on
// and reports the gap, which the AT_SEQUENCE_NUMBER probe finds. The
// position here is a number of the shard's range that no record of it
// has: one given to the stream's other shard.
func TestKinesisReaderPositionGone(t *testing.T) {
	e := newKinesisEnv(t)
	if _, err := e.kc.CreateStream(e.ctx, &kinesis.CreateStreamInput{StreamName: aws.String("two"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	w := kinesis.NewStreamExistsWaiter(e.kc, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 100*time.Millisecond
	})
	if err := w.Wait(e.ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("two")}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	put := func(hashKey string) (string, string) {
		out, err := e.kc.PutRecord(e.ctx, &kinesis.PutRecordInput{StreamName: aws.String("two"), PartitionKey: aws.String("k"),
			ExplicitHashKey: aws.String(hashKey), Data: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.ShardId), aws.ToString(out.SequenceNumber)
	}
	const low, high = "0", "340282366920938463463374607431768211455"
	shardA, first := put(low)
	shardB, other := put(high)
	_, after := put(low)
	if shardA == shardB {
		t.Fatalf("both records went to %s", shardA)
	}
	b, err := e.rd.Read(e.ctx, "two", shardA, other, source.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Gap == nil || b.Gap.After != other {
		t.Errorf("gap %+v, want one after %s", b.Gap, other)
	}
	if len(b.Records) != 1 || b.Records[0].Seq != after {
		t.Errorf("records %+v, want %s", b.Records, after)
	}
	// From a position that is there: no gap.
	fresh := &source.Kinesis{Client: e.kc}
	if b, err := fresh.Read(e.ctx, "two", shardA, first, source.Limits{}); err != nil || b.Gap != nil || len(b.Records) != 1 {
		t.Errorf("read after %s: %+v, %v", first, b, err)
	}
}

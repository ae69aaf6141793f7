package kinesisapi_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"go.uber.org/goleak"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/kinesisapi"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// Idle keep-alive connections of the SDK's and net/http's clients.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

// fakeClock is a settable clock shared by the log and the API.
type fakeClock struct{ ms atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.UnixMilli(c.ms.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

// inProcess is the Kinesis API served in this process (so -race and
// profiles see the server side), on a real loopback listener over a real
// log on disk.
type inProcess struct {
	addr string
	log  *streamlog.Log
}

func startInProcess(tb testing.TB, now func() time.Time) *inProcess {
	tb.Helper()
	return startInProcessWith(tb, streamlog.Options{Now: now})
}

func startInProcessWith(tb testing.TB, o streamlog.Options) *inProcess {
	tb.Helper()
	now := o.Now
	sl, err := streamlog.Open(tb.TempDir(), o)
	if err != nil {
		tb.Fatal(err)
	}
	srv := awsjson.NewServer(nil, nil)
	srv.Register(kinesisapi.New(sl, kinesisapi.Options{Now: now}).Service())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	hs := &http.Server{Handler: srv}
	done := make(chan struct{})
	go func() { defer close(done); _ = hs.Serve(ln) }()
	tb.Cleanup(func() {
		_ = hs.Close()
		<-done
		if err := sl.Close(); err != nil {
			tb.Error(err)
		}
	})
	return &inProcess{addr: ln.Addr().String(), log: sl}
}

// TestConcurrentProducersAndConsumers runs many producers and consumers at
// once (meant for -race): every consumer of a shard sees all of its records,
// in order, each once.
func TestConcurrentProducersAndConsumers(t *testing.T) {
	p := startInProcess(t, nil)
	c := newClient(p.addr)
	ctx := context.Background()
	createActive(t, c, "busy", 3)
	const producers, batches, perBatch, consumersPerShard = 6, 10, 25, 2
	total := producers * batches * perBatch

	shards := listShards(t, c, "busy")
	var produced sync.WaitGroup
	var errs atomic.Int32
	for pr := 0; pr < producers; pr++ {
		produced.Add(1)
		go func() {
			defer produced.Done()
			for b := 0; b < batches; b++ {
				entries := make([]types.PutRecordsRequestEntry, perBatch)
				for i := range entries {
					entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("p%d-%d", pr, i%5)), Data: []byte(fmt.Sprintf("%d/%d/%d", pr, b, i))}
				}
				if _, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("busy"), Records: entries}); err != nil {
					t.Error(err)
					errs.Add(1)
					return
				}
			}
		}()
	}
	var consumed sync.WaitGroup
	counts := make([]atomic.Int64, len(shards)*consumersPerShard)
	var allDone atomic.Bool
	for si, s := range shards {
		for k := 0; k < consumersPerShard; k++ {
			consumed.Add(1)
			go func() {
				defer consumed.Done()
				it := iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("busy"), ShardId: s.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
				var lastSeq string
				seen := map[string]bool{}
				for {
					// Whether the producers were done before this read: only
					// then does an empty read mean the shard is finished.
					finished := allDone.Load()
					res, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(40)})
					if err != nil {
						t.Error(err)
						return
					}
					for _, r := range res.Records {
						if *r.SequenceNumber <= lastSeq || seen[string(r.Data)] {
							t.Errorf("shard %s: %s after %s (or %q twice)", *s.ShardId, *r.SequenceNumber, lastSeq, r.Data)
							return
						}
						lastSeq = *r.SequenceNumber
						seen[string(r.Data)] = true
					}
					counts[si*consumersPerShard+k].Store(int64(len(seen)))
					it = res.NextShardIterator
					if len(res.Records) == 0 {
						if finished {
							return
						}
						// Wait for the producers without spinning hot.
						ch, err := p.log.Watch("busy")
						if err != nil {
							t.Error(err)
							return
						}
						select {
						case <-ch:
						case <-time.After(50 * time.Millisecond):
						}
					}
				}
			}()
		}
	}
	produced.Wait()
	allDone.Store(true)
	consumed.Wait()
	if errs.Load() != 0 {
		t.FailNow()
	}
	for k := 0; k < consumersPerShard; k++ {
		sum := int64(0)
		for si := range shards {
			sum += counts[si*consumersPerShard+k].Load()
		}
		if sum != int64(total) {
			t.Fatalf("consumer group %d read %d records, %d were put", k, sum, total)
		}
	}
}

// TestRetentionAndIteratorExpiry moves a shared clock: records past the
// retention period disappear after a trim pass, and iterators older than
// five minutes are refused.
func TestRetentionAndIteratorExpiry(t *testing.T) {
	clk := &fakeClock{}
	clk.ms.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
	p := startInProcess(t, clk.now)
	c := newClient(p.addr)
	ctx := context.Background()
	createActive(t, c, "ret", 1)
	put := func(data string) {
		if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("ret"), PartitionKey: aws.String("k"), Data: []byte(data)}); err != nil {
			t.Fatal(err)
		}
	}
	trimHorizon := func() *string {
		return iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("ret"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	}
	put("old-1")
	put("old-2")
	clk.advance(20 * time.Hour)
	put("new-1")
	stale := trimHorizon()
	clk.advance(5*time.Minute + time.Millisecond)
	_, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: stale})
	wantCode(t, err, "ExpiredIteratorException")

	clk.advance(4 * time.Hour) // old records 24h and 5 min old, new ones 4h
	if err := p.log.Trim(ctx); err != nil {
		t.Fatal(err)
	}
	recs, _ := readShard(t, c, trimHorizon(), 100)
	if len(recs) != 1 || string(recs[0].Data) != "new-1" {
		t.Fatalf("after retention trim: %d records", len(recs))
	}
	// Raising retention keeps what a later pass would otherwise remove.
	if _, err := c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("ret"), RetentionPeriodHours: aws.Int32(48)}); err != nil {
		t.Fatal(err)
	}
	clk.advance(21 * time.Hour) // new-1 is 25h old, within 48h
	if err := p.log.Trim(ctx); err != nil {
		t.Fatal(err)
	}
	if recs, _ := readShard(t, c, trimHorizon(), 100); len(recs) != 1 {
		t.Fatalf("with 48h retention: %d records", len(recs))
	}
}

// TestPutRecordsReportsCommitFailure closes the log under the API: the
// store refuses the write and PutRecords reports every record failed, in
// the response, as Kinesis does for failures a retry may cure.
func TestPutRecordsReportsCommitFailure(t *testing.T) {
	p := startInProcess(t, nil)
	c := newClient(p.addr)
	ctx := context.Background()
	createActive(t, c, "f", 1)
	if err := p.log.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("f"), Records: []types.PutRecordsRequestEntry{
		{PartitionKey: aws.String("a"), Data: []byte("1")}, {PartitionKey: aws.String("b"), Data: []byte("2")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if *res.FailedRecordCount != 2 || res.Records[0].ErrorCode == nil || *res.Records[0].ErrorCode != "InternalFailure" || res.Records[1].SequenceNumber != nil {
		t.Fatalf("PutRecords on a closed log: %+v", res)
	}
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("f"), PartitionKey: aws.String("a"), Data: []byte("1")})
	if apiCode(err) != "InternalFailure" {
		t.Fatalf("PutRecord on a closed log: %v", err)
	}
	if !errors.Is(p.log.Close(), nil) {
		t.Fatal("second Close failed")
	}
}

// TestStreamTransitionsFollowTheClock: a stream is CREATING, UPDATING
// after a reshard, and DELETING for the transition delay and no longer, by
// the log's clock; a reshard while UPDATING is refused. The clock is the
// test's, so the states are seen however slowly the test runs.
func TestStreamTransitionsFollowTheClock(t *testing.T) {
	clk := &fakeClock{}
	clk.ms.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
	const delay = time.Second
	p := startInProcessWith(t, streamlog.Options{Now: clk.now, TransitionDelay: delay})
	c := newClient(p.addr)
	ctx := context.Background()
	status := func(want types.StreamStatus) {
		t.Helper()
		d, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("tr")})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.StreamDescriptionSummary.StreamStatus; got != want {
			t.Fatalf("status %s, want %s", got, want)
		}
	}
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("tr"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	status(types.StreamStatusCreating)
	clk.advance(delay - time.Millisecond)
	status(types.StreamStatusCreating)
	clk.advance(time.Millisecond)
	status(types.StreamStatusActive)

	shards := listShards(t, c, "tr")
	mid := new(big.Int)
	mid.SetString(*shards[0].HashKeyRange.EndingHashKey, 10)
	mid.Rsh(mid, 1)
	if _, err := c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("tr"), ShardToSplit: shards[0].ShardId, NewStartingHashKey: aws.String(mid.String())}); err != nil {
		t.Fatal(err)
	}
	status(types.StreamStatusUpdating)
	merge := &kinesis.MergeShardsInput{StreamName: aws.String("tr"), ShardToMerge: aws.String("shardId-000000000003"), AdjacentShardToMerge: aws.String("shardId-000000000001")}
	_, err := c.MergeShards(ctx, merge)
	wantCode(t, err, "ResourceInUseException")
	clk.advance(delay)
	status(types.StreamStatusActive)
	if _, err := c.MergeShards(ctx, merge); err != nil {
		t.Fatalf("merge once ACTIVE again: %v", err)
	}
	status(types.StreamStatusUpdating)
	clk.advance(delay)

	if _, err := c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("tr")}); err != nil {
		t.Fatal(err)
	}
	status(types.StreamStatusDeleting)
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("tr"), PartitionKey: aws.String("k"), Data: []byte("x")})
	wantCode(t, err, "ResourceNotFoundException")
	clk.advance(delay)
	_, err = c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("tr")})
	wantCode(t, err, "ResourceNotFoundException")
}

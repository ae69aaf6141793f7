package kinesisapi

// SubscribeToShard.
//
// Behavior: an enhanced fan-out subscription of a registered, ACTIVE
// consumer (ConsumerARN) to one shard, answered as Kinesis answers it: an
// event stream (application/vnd.amazon.eventstream) of an initial-response
// event, then SubscribeToShardEvent events (Records,
// ContinuationSequenceNumber, MillisBehindLatest, and ChildShards once a
// closed shard has been read to its end, which ends the subscription).
// Records are pushed as they become durable; with none, an empty event
// every 5 seconds keeps the subscription alive and carries the position.
// The subscription lasts 5 minutes, as Kinesis's do; the client subscribes
// again with AFTER_SEQUENCE_NUMBER and the last ContinuationSequenceNumber.
// StartingPosition takes the five iterator types, with GetShardIterator's
// checks and texts. A consumer that is not ACTIVE is ResourceInUseException
// in Kinesis's words; a second subscription of the same consumer to the
// same shard within 5 seconds of the first is ResourceInUseException, and
// one after that takes over: the earlier subscription ends with a
// ResourceInUseException event, as in Kinesis. A stream deleted during a
// subscription ends it with a ResourceNotFoundException event.
//
// Deviations: no 2 MiB/s per-shard push limit (events carry up to 10,000
// records and 10 MiB); events are sent as records arrive, not batched to
// Kinesis's pace. Events of a CBOR request carry CBOR payloads. StreamId is
// ignored.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// Subscription timings, as Kinesis has them (API reference, SubscribeToShard).
const (
	subscriptionLife     = 5 * time.Minute
	subscriptionTakeover = 5 * time.Second
	subscriptionIdle     = 5 * time.Second
)

type startingPosition struct {
	Type           string        `json:"Type"`
	SequenceNumber string        `json:"SequenceNumber"`
	Timestamp      *epochSeconds `json:"Timestamp"`
}

type subscribeToShardInput struct {
	ConsumerARN      string           `json:"ConsumerARN"`
	ShardID          string           `json:"ShardId"`
	StartingPosition startingPosition `json:"StartingPosition"`
}

// subscription is one live SubscribeToShard, registered by consumer ARN
// and shard so that a later one can take it over.
type subscription struct {
	started time.Time
	cancel  context.CancelCauseFunc
}

// errTakenOver ends a subscription another one took over.
var errTakenOver = errors.New("subscription taken over")

func (a *API) subscribeToShard(ctx context.Context, body []byte) (any, error) {
	var in subscribeToShardInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	stream, name, created, ok := parseConsumerARN(in.ConsumerARN)
	if !ok {
		return nil, awsjson.Errorf(InvalidArgumentException, "ConsumerARN %s is not a consumer ARN", in.ConsumerARN)
	}
	shardID, num, err := a.normalShardID(in.ShardID, stream)
	if err != nil {
		return nil, err
	}
	c, err := a.findConsumer(ctx, stream, name, created)
	if err != nil {
		return nil, err
	}
	if c.Status != streamlog.ConsumerActive {
		// Kinesis's text (observed; quoted in
		// aws-cloudformation/cloudformation-coverage-roadmap issue 2442).
		return nil, awsjson.Errorf(ResourceInUseException,
			"Consumer %s with creation timestamp %d under stream %s and account %s is not in ACTIVE status.",
			name, c.Created.Unix(), stream, a.account)
	}
	info, err := a.describe(ctx, stream)
	if err != nil {
		return nil, err
	}
	if int(num) >= len(info.Shards) {
		return nil, awsjson.Errorf(ResourceNotFoundException, "Shard %s in stream %s under account %s does not exist", shardID, stream, a.account)
	}
	p, err := a.position("SubscribeToShard", shardID, stream, in.StartingPosition.Type, in.StartingPosition.SequenceNumber, in.StartingPosition.Timestamp)
	if err != nil {
		return nil, err
	}
	after, err := a.sl.Resolve(ctx, stream, shardID, p)
	if err != nil {
		return nil, a.fail(err)
	}

	key := in.ConsumerARN + "|" + shardID
	sctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	now := a.now()
	a.mu.Lock()
	if prev, ok := a.mu.subs[key]; ok {
		if now.Sub(prev.started) < subscriptionTakeover {
			a.mu.Unlock()
			cancel(nil)
			// Kinesis's text (observed; quoted in daangn/kinesumer issue 16).
			return nil, awsjson.Errorf(ResourceInUseException, "Another active subscription exists for this consumer: %s", in.ConsumerARN)
		}
		prev.cancel(errTakenOver)
	}
	sub := &subscription{started: now, cancel: cancel}
	if a.mu.subs == nil {
		a.mu.subs = map[string]*subscription{}
	}
	a.mu.subs[key] = sub
	a.mu.Unlock()

	sh := info.Shards[num]
	r := &subscriber{a: a, stream: stream, streamID: info.ID, shard: num, shardID: shardID,
		shardCreatedMs: sh.Created.UnixMilli(), after: after, consumerARN: in.ConsumerARN}
	return &awsjson.EventStream{Run: func(reqCtx context.Context, send func(string, any) error) error {
		defer func() {
			a.mu.Lock()
			if a.mu.subs[key] == sub {
				delete(a.mu.subs, key)
			}
			a.mu.Unlock()
			cancel(nil)
		}()
		// The subscription ends with the request (the client left, the
		// server stops) or when another takes it over.
		stop := context.AfterFunc(reqCtx, func() { cancel(reqCtx.Err()) })
		defer stop()
		err := r.run(sctx, send)
		if errors.Is(context.Cause(sctx), errTakenOver) {
			return awsjson.Errorf(ResourceInUseException, "Another active subscription exists for this consumer: %s", in.ConsumerARN)
		}
		return err
	}}, nil
}

// subscriber pushes one shard's records to one subscription.
type subscriber struct {
	a                *API
	stream, shardID  string
	streamID         uint64
	shard            uint32
	shardCreatedMs   int64
	after            streamlog.Seq
	consumerARN      string
	lastArrivalMs    int64
	sentSinceStarted int
}

func (r *subscriber) run(ctx context.Context, send func(string, any) error) error {
	a := r.a
	life := time.NewTimer(subscriptionLife)
	defer life.Stop()
	idle := time.NewTimer(subscriptionIdle)
	defer idle.Stop()
	first := true
	for {
		changed, err := a.sl.Watch(r.stream)
		if err != nil {
			return r.gone(err)
		}
		res, err := a.sl.Read(ctx, streamlog.ReadRequest{Stream: r.stream, StreamID: r.streamID, Shard: r.shardID, After: r.after})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return r.gone(err)
		}
		if len(res.Records) > 0 || res.End || first {
			if err := r.sendEvent(ctx, res, send); err != nil {
				return nil // the client is gone
			}
			first = false
			if !idle.Stop() {
				select {
				case <-idle.C:
				default:
				}
			}
			idle.Reset(subscriptionIdle)
		}
		if res.End {
			return nil
		}
		if len(res.Records) > 0 {
			continue // read on before waiting
		}
		select {
		case <-ctx.Done():
			return nil
		case <-life.C:
			return nil
		case <-changed:
		case <-idle.C:
			if err := r.sendEvent(ctx, res, send); err != nil {
				return nil
			}
			idle.Reset(subscriptionIdle)
		}
	}
}

// gone translates a read failure: the stream was deleted (or replaced).
func (r *subscriber) gone(err error) error {
	if errors.Is(err, streamlog.ErrStreamNotFound) || errors.Is(err, streamlog.ErrShardNotFound) {
		return awsjson.Errorf(ResourceNotFoundException, "Shard %s in stream %s under account %s does not exist", r.shardID, r.stream, r.a.account)
	}
	return fmt.Errorf("subscription to %s of %s: %w", r.shardID, r.stream, err)
}

// sendEvent sends res as a SubscribeToShardEvent and moves past it.
func (r *subscriber) sendEvent(ctx context.Context, res streamlog.ReadResult, send func(string, any) error) error {
	var children []streamlog.ShardInfo
	if res.End {
		info, err := r.a.describe(ctx, r.stream)
		if err != nil {
			return err
		}
		for _, s := range info.Shards {
			if s.ParentID == r.shardID || s.AdjacentParentID == r.shardID {
				children = append(children, s)
			}
		}
	}
	if n := len(res.Records); n > 0 {
		r.lastArrivalMs = res.Records[n-1].ArrivalMs
	} else if r.lastArrivalMs == 0 {
		r.lastArrivalMs = r.shardCreatedMs
	}
	// GetRecords' encoding, with the continuation number in front of it.
	records := encodeGetRecords(res, r.shard, r.shardCreatedMs, "", children)
	b := make([]byte, 0, len(records)+96)
	b = append(b, `{"ContinuationSequenceNumber":"`...)
	b = res.Next.AppendAWS(b, r.shard, r.shardCreatedMs, r.lastArrivalMs)
	b = append(b, `",`...)
	b = append(b, records[1:]...)
	if err := send("SubscribeToShardEvent", awsjson.Raw(b)); err != nil {
		return err
	}
	r.after = res.Next
	return nil
}

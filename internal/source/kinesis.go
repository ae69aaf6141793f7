package source

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// KinesisOptions configure readers of a Kinesis service other than
// blueshift's own stream log.
type KinesisOptions struct {
	// Endpoint is the service's URL (for example http://127.0.0.1:4566);
	// empty means AWS's endpoint for the region.
	Endpoint string
	// Region is used when the external schema names none; empty means the
	// default chain's region (AWS_REGION and the shared config).
	Region string
}

// NewKinesisOpener returns a Registry.Kinesis function: it opens readers
// through aws-sdk-go-v2 with the default credential chain, assuming the
// schema's IAM_ROLE through STS when it is an ARN (IAM_ROLE default uses the
// chain's credentials as they are). Readers are cached per region and role.
func NewKinesisOpener(o KinesisOptions) func(ctx context.Context, spec Spec) (Reader, error) {
	var mu sync.Mutex
	cache := map[string]*Kinesis{}
	return func(ctx context.Context, spec Spec) (Reader, error) {
		region := spec.Region
		if region == "" {
			region = o.Region
		}
		role := spec.IAMRole
		if !strings.HasPrefix(role, "arn:") {
			role = ""
		}
		key := region + "|" + role
		mu.Lock()
		defer mu.Unlock()
		if r := cache[key]; r != nil {
			return r, nil
		}
		var opts []func(*awsconfig.LoadOptions) error
		if region != "" {
			opts = append(opts, awsconfig.WithRegion(region))
		}
		cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("aws config: %w", err)
		}
		if role != "" {
			stsClient := sts.NewFromConfig(cfg, func(so *sts.Options) {
				if o.Endpoint != "" {
					so.BaseEndpoint = aws.String(o.Endpoint)
				}
			})
			cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsClient, role))
		}
		client := kinesis.NewFromConfig(cfg, func(ko *kinesis.Options) {
			if o.Endpoint != "" {
				ko.BaseEndpoint = aws.String(o.Endpoint)
			}
		})
		r := &Kinesis{Client: client}
		cache[key] = r
		return r, nil
	}
}

// Kinesis is the Reader of a Kinesis Data Streams service through
// aws-sdk-go-v2. It cannot be notified of new records (Watch returns nil:
// callers poll, see PollInterval).
//
// Behavior:
//   - Polite: GetRecords on one shard runs at most once per MinReadInterval
//     (Kinesis allows five calls a second per shard, shared by every
//     consumer); a Read that comes sooner waits.
//   - A Read that continues where the previous Read of the shard stopped
//     uses the NextShardIterator it got (while fresh) instead of asking for
//     a new iterator.
//   - Limits.MaxBytes is honoured by keeping the longest prefix of the
//     records GetRecords returned that fits (the first record always): the
//     rest is read again by the next Read.
//   - A position retention has trimmed is reported as a Gap, as the
//     embedded reader does: when Kinesis refuses the AFTER_SEQUENCE_NUMBER
//     iterator (InvalidArgumentException) the Read starts at TRIM_HORIZON,
//     and when a new iterator from a position returns records, an
//     AT_SEQUENCE_NUMBER probe checks that the position's own record is
//     still there (trimming removes prefixes, so if it is, nothing after it
//     was lost). Kinesis does not say which records it trimmed: Gap.Through
//     is empty, the lost records lie between Gap.After and the first record
//     returned.
type Kinesis struct {
	Client *kinesis.Client

	mu     sync.Mutex
	shards map[string]*kinesisShard // stream + "/" + shard
}

// MinReadInterval is the least time between two GetRecords calls on one
// shard.
const MinReadInterval = 200 * time.Millisecond

// iteratorTTL is how long a cached NextShardIterator is used (Kinesis's
// expire after five minutes).
const iteratorTTL = 4 * time.Minute

// kinesisShard is the reader's memory of one shard.
type kinesisShard struct {
	mu       sync.Mutex // held for a whole Read: one read of a shard at a time
	lastRead time.Time
	// next continues after position, when issued is recent.
	position, next string
	issued         time.Time
}

func (r *Kinesis) shard(stream, shard string) *kinesisShard {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.shards == nil {
		r.shards = map[string]*kinesisShard{}
	}
	k := stream + "/" + shard
	s := r.shards[k]
	if s == nil {
		s = &kinesisShard{}
		r.shards[k] = s
	}
	return s
}

// Name implements Reader.
func (r *Kinesis) Name() string { return "kinesis" }

// Shards implements Reader with ListShards. Kinesis lists shards in
// creation order (parents first); the caller also checks parents itself.
func (r *Kinesis) Shards(ctx context.Context, stream string) ([]Shard, error) {
	var out []Shard
	in := &kinesis.ListShardsInput{StreamName: aws.String(stream)}
	for {
		res, err := r.Client.ListShards(ctx, in)
		if err != nil {
			return nil, wrapKinesis("list shards of "+stream, err)
		}
		for _, s := range res.Shards {
			closed := s.SequenceNumberRange != nil && s.SequenceNumberRange.EndingSequenceNumber != nil
			out = append(out, Shard{ID: aws.ToString(s.ShardId), ParentID: aws.ToString(s.ParentShardId),
				AdjacentParentID: aws.ToString(s.AdjacentParentShardId), Closed: closed})
		}
		if res.NextToken == nil {
			return out, nil
		}
		in = &kinesis.ListShardsInput{NextToken: res.NextToken}
	}
}

// Read implements Reader with GetShardIterator and GetRecords; see the
// type's comment. Behind is 0 when Kinesis says the batch is at the shard's
// tip and -1 otherwise (Kinesis counts no records).
func (r *Kinesis) Read(ctx context.Context, stream, shard, position string, lim Limits) (Batch, error) {
	sh := r.shard(stream, shard)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	var gap *Gap
	it, fresh := "", true
	if sh.next != "" && sh.position == position && position != "" && time.Since(sh.issued) < iteratorTTL {
		it, fresh = sh.next, false
	} else {
		var err error
		it, gap, err = r.iterator(ctx, sh, stream, shard, position)
		if err != nil {
			return Batch{}, err
		}
	}
	sh.next = ""
	in := &kinesis.GetRecordsInput{ShardIterator: aws.String(it)}
	if lim.MaxRecords > 0 {
		in.Limit = aws.Int32(int32(min(lim.MaxRecords, 10000)))
	}
	if err := sh.pace(ctx); err != nil {
		return Batch{}, err
	}
	res, err := r.Client.GetRecords(ctx, in)
	if err != nil {
		return Batch{}, wrapKinesis("get records "+stream+"/"+shard, err)
	}
	b := Batch{Next: position, End: res.NextShardIterator == nil, Gap: gap, Behind: -1}
	if res.MillisBehindLatest != nil {
		b.MillisBehind = *res.MillisBehindLatest
	}
	bytes := 0
	for i, rec := range res.Records {
		if i > 0 && lim.MaxBytes > 0 && bytes+len(rec.Data) > lim.MaxBytes {
			b.End = false // the rest is read again
			res.NextShardIterator = nil
			break
		}
		bytes += len(rec.Data)
		b.Records = append(b.Records, Record{Seq: aws.ToString(rec.SequenceNumber), PartitionKey: aws.ToString(rec.PartitionKey),
			Data: rec.Data, Arrival: aws.ToTime(rec.ApproximateArrivalTimestamp)})
	}
	if n := len(b.Records); n > 0 {
		b.Next = b.Records[n-1].Seq
	}
	if len(b.Records) == len(res.Records) && b.MillisBehind == 0 {
		b.Behind = 0
	}
	if fresh && gap == nil && position != "" && len(b.Records) > 0 {
		if b.Gap, err = r.probe(ctx, sh, stream, shard, position); err != nil {
			return Batch{}, err
		}
	}
	if res.NextShardIterator != nil {
		sh.position, sh.next, sh.issued = b.Next, *res.NextShardIterator, time.Now()
	}
	return b, nil
}

// iterator returns a new iterator after position (TRIM_HORIZON for the
// empty position), and the gap when Kinesis refuses the position.
func (r *Kinesis) iterator(ctx context.Context, sh *kinesisShard, stream, shard, position string) (string, *Gap, error) {
	in := &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: aws.String(shard),
		ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
	if position != "" {
		in.ShardIteratorType = types.ShardIteratorTypeAfterSequenceNumber
		in.StartingSequenceNumber = aws.String(position)
	}
	res, err := r.Client.GetShardIterator(ctx, in)
	var bad *types.InvalidArgumentException
	if position != "" && errors.As(err, &bad) {
		// The position is no longer in the shard: start over at its trim
		// horizon, and say what may be lost.
		in.ShardIteratorType, in.StartingSequenceNumber = types.ShardIteratorTypeTrimHorizon, nil
		res, err = r.Client.GetShardIterator(ctx, in)
		if err == nil {
			return aws.ToString(res.ShardIterator), &Gap{After: position}, nil
		}
	}
	if err != nil {
		return "", nil, wrapKinesis("shard iterator "+stream+"/"+shard, err)
	}
	return aws.ToString(res.ShardIterator), nil, nil
}

// probe reports a gap when the record at position, the last one consumed,
// is no longer in the shard.
func (r *Kinesis) probe(ctx context.Context, sh *kinesisShard, stream, shard, position string) (*Gap, error) {
	res, err := r.Client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: aws.String(shard),
		ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: aws.String(position)})
	var bad *types.InvalidArgumentException
	if errors.As(err, &bad) {
		return &Gap{After: position}, nil
	}
	if err != nil {
		return nil, wrapKinesis("shard iterator "+stream+"/"+shard, err)
	}
	if err := sh.pace(ctx); err != nil {
		return nil, err
	}
	recs, err := r.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: res.ShardIterator, Limit: aws.Int32(1)})
	if err != nil {
		return nil, wrapKinesis("get records "+stream+"/"+shard, err)
	}
	if len(recs.Records) == 1 && aws.ToString(recs.Records[0].SequenceNumber) == position {
		return nil, nil
	}
	return &Gap{After: position}, nil
}

// pace waits until the shard may be read again, and books the read.
func (s *kinesisShard) pace(ctx context.Context) error {
	if wait := time.Until(s.lastRead.Add(MinReadInterval)); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.lastRead = time.Now()
	return nil
}

// Watch implements Reader: Kinesis cannot notify, so callers poll.
func (r *Kinesis) Watch(ctx context.Context, stream string) (<-chan struct{}, error) { return nil, nil }

func wrapKinesis(what string, err error) error {
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return fmt.Errorf("source: %s: %w: %w", what, ErrStreamNotFound, err)
	}
	return fmt.Errorf("source: %s: %w", what, err)
}

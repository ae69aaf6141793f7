package source

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

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
// callers poll), and Kinesis does not say when retention removed records a
// reader had not read, so it reports no Gap.
type Kinesis struct{ Client *kinesis.Client }

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

// Read implements Reader with GetShardIterator and one GetRecords. Kinesis
// has no byte limit on a read, so lim.MaxBytes is not enforced.
func (r *Kinesis) Read(ctx context.Context, stream, shard, position string, lim Limits) (Batch, error) {
	it := &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: aws.String(shard),
		ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
	if position != "" {
		it.ShardIteratorType = types.ShardIteratorTypeAfterSequenceNumber
		it.StartingSequenceNumber = aws.String(position)
	}
	itRes, err := r.Client.GetShardIterator(ctx, it)
	if err != nil {
		return Batch{}, wrapKinesis("shard iterator "+stream+"/"+shard, err)
	}
	in := &kinesis.GetRecordsInput{ShardIterator: itRes.ShardIterator}
	if lim.MaxRecords > 0 {
		in.Limit = aws.Int32(int32(min(lim.MaxRecords, 10000)))
	}
	res, err := r.Client.GetRecords(ctx, in)
	if err != nil {
		return Batch{}, wrapKinesis("get records "+stream+"/"+shard, err)
	}
	b := Batch{Next: position, End: res.NextShardIterator == nil, Records: make([]Record, len(res.Records))}
	if res.MillisBehindLatest != nil {
		b.MillisBehind = *res.MillisBehindLatest
	}
	for i, rec := range res.Records {
		b.Records[i] = Record{Seq: aws.ToString(rec.SequenceNumber), PartitionKey: aws.ToString(rec.PartitionKey),
			Data: rec.Data, Arrival: aws.ToTime(rec.ApproximateArrivalTimestamp)}
	}
	if n := len(b.Records); n > 0 {
		b.Next = b.Records[n-1].Seq
	}
	return b, nil
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

package kinesisapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/obs"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// Options configure the API. The zero value is ready to use.
type Options struct {
	// Logger receives the API's events. Nil discards them.
	Logger *slog.Logger
	// Region and Account appear in stream ARNs. Empty means us-east-1 and 000000000000.
	Region, Account string
	// Now is the clock for iterator expiry. Nil means time.Now.
	Now func() time.Time
	// ShardLimit, when positive, is the account's open-shard quota, which
	// CreateStream and UpdateShardCount enforce as Kinesis does
	// (LimitExceededException) and DescribeLimits reports. Zero means no
	// quota is enforced and DescribeLimits reports Kinesis's default.
	ShardLimit int
}

// API is the Kinesis API over one stream log.
type API struct {
	log             *slog.Logger
	sl              *streamlog.Log
	region, account string
	now             func() time.Time
	shardLimit      int

	mu struct {
		sync.Mutex
		commitment commitment // the account's billing commitment
		// subs are the live SubscribeToShard subscriptions, by consumer
		// ARN and shard ID.
		subs map[string]*subscription
	}
}

// New returns the Kinesis API over sl.
func New(sl *streamlog.Log, o Options) *API {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Account == "" {
		o.Account = "000000000000"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &API{log: obs.Logger(o.Logger).With("component", "kinesisapi"), sl: sl, region: o.Region, account: o.Account, now: o.Now, shardLimit: o.ShardLimit}
}

// arn returns the ARN of stream name.
func (a *API) arn(name string) string {
	return "arn:aws:kinesis:" + a.region + ":" + a.account + ":stream/" + name
}

// streamName returns the stream a request names by StreamName or StreamARN
// (either may be empty, not both; both must agree).
func streamName(name, arn string) (string, error) {
	if arn != "" {
		i := strings.Index(arn, ":stream/")
		if !strings.HasPrefix(arn, "arn:") || i < 0 || i+len(":stream/") == len(arn) {
			return "", awsjson.Errorf(InvalidArgumentException, "StreamARN %q is not a Kinesis stream ARN", arn)
		}
		fromARN := arn[i+len(":stream/"):]
		if name != "" && name != fromARN {
			return "", awsjson.Errorf(InvalidArgumentException, "StreamName %q and StreamARN %q name different streams", name, arn)
		}
		name = fromARN
	}
	if name == "" {
		return "", awsjson.Errorf(ValidationException, "either StreamName or StreamARN is required")
	}
	if !streamlog.ValidStreamName(name) {
		return "", awsjson.Errorf(ValidationException, "StreamName %q: want 1 to 128 characters of a-z A-Z 0-9 _ . -", name)
	}
	return name, nil
}

// Kinesis error types.
const (
	ResourceNotFoundException              = "ResourceNotFoundException"
	ResourceInUseException                 = "ResourceInUseException"
	InvalidArgumentException               = "InvalidArgumentException"
	LimitExceededException                 = "LimitExceededException"
	ExpiredIteratorException               = "ExpiredIteratorException"
	ExpiredNextTokenException              = "ExpiredNextTokenException"
	ValidationException                    = awsjson.ValidationException
	ProvisionedThroughputExceededException = "ProvisionedThroughputExceededException"
)

// checkShardLimit refuses a request that would open additional shards
// beyond the account's quota, in Kinesis's words (observed; kinesalite
// records the same text).
func (a *API) checkShardLimit(ctx context.Context, additional int) error {
	if a.shardLimit <= 0 || additional <= 0 {
		return nil
	}
	u, err := a.sl.Usage(ctx)
	if err != nil {
		return a.fail(err)
	}
	if u.OpenShards+additional <= a.shardLimit {
		return nil
	}
	return awsjson.Errorf(LimitExceededException,
		"This request would exceed the shard limit for the account %s in %s. Current shard count for the account: %d. Limit: %d. "+
			"Number of additional shards that would have resulted from this request: %d. "+
			"Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) "+
			"for current limits and how to request higher limits.",
		a.account, a.region, u.OpenShards, a.shardLimit, additional)
}

// fail translates a streamlog error into the Kinesis error clients expect,
// worded as Kinesis words it ("Stream x under account 000000000000 not
// found."), without the log's internal operation names. Errors that are
// already *awsjson.Error pass through; the rest are internal failures.
func (a *API) fail(err error) error {
	var ae *awsjson.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		return err
	case errors.Is(err, streamlog.ErrStreamNotFound):
		if name, ok := subject(err, streamlog.ErrStreamNotFound); ok {
			return awsjson.Errorf(ResourceNotFoundException, "Stream %s under account %s not found.", name, a.account)
		}
		return awsjson.Errorf(ResourceNotFoundException, "%s", from(err, streamlog.ErrStreamNotFound))
	case errors.Is(err, streamlog.ErrShardNotFound):
		if rest, ok := subject(err, streamlog.ErrShardNotFound); ok {
			if shard, stream, ok := strings.Cut(rest, " in stream "); ok {
				return awsjson.Errorf(ResourceNotFoundException, "Shard %s in stream %s under account %s does not exist", shard, stream, a.account)
			}
		}
		return awsjson.Errorf(ResourceNotFoundException, "%s", from(err, streamlog.ErrShardNotFound))
	case errors.Is(err, streamlog.ErrStreamExists):
		if name, ok := subject(err, streamlog.ErrStreamExists); ok {
			return awsjson.Errorf(ResourceInUseException, "Stream %s under account %s already exists.", name, a.account)
		}
		return awsjson.Errorf(ResourceInUseException, "%s", from(err, streamlog.ErrStreamExists))
	case errors.Is(err, streamlog.ErrStreamBusy):
		return awsjson.Errorf(ResourceInUseException, "%s", from(err, streamlog.ErrStreamBusy))
	case errors.Is(err, streamlog.ErrInvalidArgument):
		return awsjson.Errorf(InvalidArgumentException, "%s", from(err, streamlog.ErrInvalidArgument))
	case errors.Is(err, streamlog.ErrLimitExceeded):
		return awsjson.Errorf(LimitExceededException, "%s", from(err, streamlog.ErrLimitExceeded))
	}
	return err
}

// from is err's message from the sentinel kind on: what the log's callers
// prefixed ("append: ", "create x: ") names internal operations, not
// anything a client asked for.
func from(err, kind error) string {
	msg := err.Error()
	if i := strings.Index(msg, kind.Error()); i >= 0 {
		return msg[i:]
	}
	return strings.ReplaceAll(msg, "streamlog: ", "")
}

// subject is what follows "<kind>: " in err's message, when that is all
// there is (a stream name, "shard in stream name"), without notes.
func subject(err, kind error) (string, bool) {
	rest, ok := strings.CutPrefix(from(err, kind), kind.Error()+": ")
	if !ok || rest == "" || strings.ContainsAny(rest, ":()\"") {
		return "", false
	}
	return rest, true
}

// epochSeconds is a timestamp in AWS JSON form: seconds since the epoch,
// with millisecond fraction.
type epochSeconds time.Time

// MarshalJSON writes seconds since the epoch with a millisecond fraction.
func (t epochSeconds) MarshalJSON() ([]byte, error) {
	return appendEpoch(nil, time.Time(t).UnixMilli()), nil
}

// UnmarshalJSON reads seconds since the epoch, as a number or a quoted number.
func (t *epochSeconds) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	f, err := strconv.ParseFloat(string(bytes.Trim(b, `"`)), 64)
	if err != nil {
		return fmt.Errorf("timestamp %s: want seconds since the epoch", b)
	}
	*t = epochSeconds(time.UnixMilli(int64(f * 1000)))
	return nil
}

func appendEpoch(b []byte, ms int64) []byte {
	b = strconv.AppendInt(b, ms/1000, 10)
	frac := ms % 1000
	b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	return b
}

// modeDetails is StreamModeDetails.
type modeDetails struct {
	StreamMode string `json:"StreamMode"`
}

type hashKeyRange struct {
	StartingHashKey string `json:"StartingHashKey"`
	EndingHashKey   string `json:"EndingHashKey"`
}

type seqRange struct {
	StartingSequenceNumber string `json:"StartingSequenceNumber"`
	EndingSequenceNumber   string `json:"EndingSequenceNumber,omitempty"`
}

// shard is the Shard structure of DescribeStream and ListShards.
type shard struct {
	ShardID               string       `json:"ShardId"`
	ParentShardID         string       `json:"ParentShardId,omitempty"`
	AdjacentParentShardID string       `json:"AdjacentParentShardId,omitempty"`
	HashKeyRange          hashKeyRange `json:"HashKeyRange"`
	SequenceNumberRange   seqRange     `json:"SequenceNumberRange"`
}

func toShard(s streamlog.ShardInfo) shard {
	created := s.Created.UnixMilli()
	out := shard{
		ShardID: s.ID, ParentShardID: s.ParentID, AdjacentParentShardID: s.AdjacentParentID,
		HashKeyRange:        hashKeyRange{s.HashKeyStart.String(), s.HashKeyEnd.String()},
		SequenceNumberRange: seqRange{StartingSequenceNumber: s.StartingSeq.AWS(s.Num, created, created)},
	}
	if s.Closed {
		out.SequenceNumberRange.EndingSequenceNumber = s.EndingSeq.AWS(s.Num, created, created)
	}
	return out
}

type enhancedMonitoring struct {
	ShardLevelMetrics []string `json:"ShardLevelMetrics"`
}

// describe returns the stream's description or the Kinesis error.
func (a *API) describe(ctx context.Context, name string) (streamlog.StreamInfo, error) {
	info, err := a.sl.Describe(ctx, name)
	return info, a.fail(err)
}

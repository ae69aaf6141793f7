package kinesisapi

// ListShards.
//
// Behavior: the stream's shards in shard-number order, MaxResults (1-10000,
// default 1000) at a time, after ExclusiveStartShardId, continued with
// NextToken (which must come without StreamName). ShardFilter types:
// AFTER_SHARD_ID, AT_LATEST (open shards), AT_TRIM_HORIZON and
// FROM_TRIM_HORIZON (every shard), AT_TIMESTAMP and FROM_TIMESTAMP (shards
// open at or created after the timestamp).
//
// Deviations: closed shards stay listed after their records expire; NextToken
// does not expire.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type shardFilter struct {
	Type      string        `json:"Type"`
	ShardID   string        `json:"ShardId"`
	Timestamp *epochSeconds `json:"Timestamp"`
}

type listShardsInput struct {
	StreamName              string        `json:"StreamName"`
	StreamARN               string        `json:"StreamARN"`
	NextToken               string        `json:"NextToken"`
	ExclusiveStartShardID   string        `json:"ExclusiveStartShardId"`
	MaxResults              *int          `json:"MaxResults"`
	StreamCreationTimestamp *epochSeconds `json:"StreamCreationTimestamp"`
	ShardFilter             *shardFilter  `json:"ShardFilter"`
}

// listShardsToken is what NextToken carries.
type listShardsToken struct {
	Stream string       `json:"s"`
	After  string       `json:"a"`
	Filter *shardFilter `json:"f,omitempty"`
}

type listShardsOutput struct {
	Shards    []shard `json:"Shards"`
	NextToken string  `json:"NextToken,omitempty"`
}

func (a *API) listShards(ctx context.Context, body []byte) (any, error) {
	var in listShardsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	max := 1000
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 10000 {
			return nil, awsjson.Errorf(ValidationException, "MaxResults %d: want 1 to 10000", *in.MaxResults)
		}
		max = *in.MaxResults
	}
	var tok listShardsToken
	// Kinesis's texts (observed; kinesalite records the same).
	if in.NextToken == "" && in.StreamName == "" && in.StreamARN == "" {
		return nil, awsjson.Errorf(InvalidArgumentException, "Either NextToken or StreamName should be provided.")
	}
	if in.NextToken != "" && in.StreamName != "" {
		return nil, awsjson.Errorf(InvalidArgumentException, "NextToken and StreamName cannot be provided together.")
	}
	if in.NextToken != "" {
		if in.StreamARN != "" || in.ExclusiveStartShardID != "" || in.ShardFilter != nil {
			return nil, awsjson.Errorf(InvalidArgumentException, "NextToken cannot be combined with StreamName, ExclusiveStartShardId or ShardFilter")
		}
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		if err != nil || json.Unmarshal(b, &tok) != nil || tok.Stream == "" {
			return nil, awsjson.Errorf(InvalidArgumentException, "NextToken %q is not one this server issued", in.NextToken)
		}
	} else {
		name, err := streamName(in.StreamName, in.StreamARN)
		if err != nil {
			return nil, err
		}
		if in.ShardFilter != nil && in.ShardFilter.ShardID != "" {
			in.ShardFilter.ShardID = a.looseShardID(in.ShardFilter.ShardID, name)
		}
		tok = listShardsToken{Stream: name, After: a.looseShardID(in.ExclusiveStartShardID, name), Filter: in.ShardFilter}
	}
	keep, err := filterFunc(tok.Filter)
	if err != nil {
		return nil, err
	}
	info, err := a.describe(ctx, tok.Stream)
	if err != nil {
		return nil, err
	}
	out := listShardsOutput{Shards: []shard{}}
	for _, s := range info.Shards {
		if tok.After != "" && s.ID <= tok.After {
			continue
		}
		if !keep(s) {
			continue
		}
		if len(out.Shards) == max {
			last := out.Shards[max-1].ShardID
			b, _ := json.Marshal(listShardsToken{Stream: tok.Stream, After: last, Filter: tok.Filter})
			out.NextToken = base64.RawURLEncoding.EncodeToString(b)
			break
		}
		out.Shards = append(out.Shards, toShard(s))
	}
	return out, nil
}

func filterFunc(f *shardFilter) (func(streamlog.ShardInfo) bool, error) {
	all := func(streamlog.ShardInfo) bool { return true }
	if f == nil {
		return all, nil
	}
	switch f.Type {
	case "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON":
		return all, nil
	case "AT_LATEST":
		return func(s streamlog.ShardInfo) bool { return !s.Closed }, nil
	case "AFTER_SHARD_ID":
		if f.ShardID == "" {
			return nil, awsjson.Errorf(InvalidArgumentException, "ShardFilter AFTER_SHARD_ID needs ShardId")
		}
		return func(s streamlog.ShardInfo) bool { return s.ID > f.ShardID }, nil
	case "AT_TIMESTAMP", "FROM_TIMESTAMP":
		if f.Timestamp == nil {
			return nil, awsjson.Errorf(InvalidArgumentException, "ShardFilter %s needs Timestamp", f.Type)
		}
		ts := time.Time(*f.Timestamp)
		return func(s streamlog.ShardInfo) bool { return !s.Closed || s.ClosedAt.After(ts) }, nil
	}
	return nil, awsjson.Errorf(ValidationException, "ShardFilter type %q: want AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP or FROM_TIMESTAMP", f.Type)
}

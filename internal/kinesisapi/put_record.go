package kinesisapi

// PutRecord.
//
// Behavior: appends one record (Data up to 1 MiB, PartitionKey of 1 to 256
// characters, optional ExplicitHashKey) and answers once it is fsynced, with
// its ShardId and SequenceNumber.
//
// SequenceNumberForOrdering must be a sequence number this server issued
// (InvalidArgumentException otherwise, in Kinesis's words).
//
// Deviations: SequenceNumberForOrdering is otherwise not needed: sequence
// numbers already strictly increase per shard. There is no throughput
// throttling, so ProvisionedThroughputExceededException never happens.

import (
	"context"
	"unicode/utf8"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type putRecordInput struct {
	StreamName                string  `json:"StreamName"`
	StreamARN                 string  `json:"StreamARN"`
	Data                      []byte  `json:"Data"`
	PartitionKey              string  `json:"PartitionKey"`
	ExplicitHashKey           *string `json:"ExplicitHashKey"`
	SequenceNumberForOrdering string  `json:"SequenceNumberForOrdering"`
}

type putRecordOutput struct {
	ShardID        string `json:"ShardId"`
	SequenceNumber string `json:"SequenceNumber"`
	EncryptionType string `json:"EncryptionType"`
}

func (a *API) putRecord(ctx context.Context, body []byte) (any, error) {
	var in putRecordInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if in.Data == nil {
		return nil, awsjson.Errorf(ValidationException, "Data is required")
	}
	if in.SequenceNumberForOrdering != "" {
		if _, _, _, err := streamlog.ParseAWSSeq(in.SequenceNumberForOrdering); err != nil {
			if _, err := a.describe(ctx, name); err != nil {
				return nil, err
			}
			// Kinesis's text (observed; kinesalite records the same).
			return nil, awsjson.Errorf(InvalidArgumentException,
				"ExclusiveMinimumSequenceNumber %s used in PutRecord on stream %s under account %s is invalid.",
				in.SequenceNumberForOrdering, name, a.account)
		}
	}
	e, err := entry("", in.Data, in.PartitionKey, in.ExplicitHashKey)
	if err != nil {
		return nil, err
	}
	out := make([]streamlog.Appended, 1)
	if err := a.sl.Append(ctx, name, []streamlog.Entry{e}, out); err != nil {
		return nil, a.fail(err)
	}
	return putRecordOutput{ShardID: streamlog.ShardID(out[0].Shard), SequenceNumber: out[0].Seq.AWS(out[0].Shard, out[0].ShardCreatedMs, out[0].ArrivalMs), EncryptionType: "NONE"}, nil
}

// entry validates one record; where names it in messages ("" for PutRecord).
func entry(where string, data []byte, pk string, explicit *string) (streamlog.Entry, error) {
	if len(data) > streamlog.MaxRecordBytes {
		return streamlog.Entry{}, awsjson.Errorf(ValidationException,
			"1 validation error detected: Value at '%sdata' failed to satisfy constraint: Member must have length less than or equal to %d (got %d)",
			where, streamlog.MaxRecordBytes, len(data))
	}
	if n := utf8.RuneCountInString(pk); n < 1 || n > 256 {
		return streamlog.Entry{}, awsjson.Errorf(ValidationException,
			"1 validation error detected: Value at '%spartitionKey' failed to satisfy constraint: Member must have length between 1 and 256 (got %d)", where, n)
	}
	e := streamlog.Entry{PartitionKey: []byte(pk), Data: data}
	if explicit != nil {
		h, err := streamlog.ParseHashKey(*explicit)
		if err != nil {
			// Kinesis's text (observed; kinesalite records the same).
			return streamlog.Entry{}, awsjson.Errorf(InvalidArgumentException,
				"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was %s", *explicit)
		}
		e.ExplicitHashKey, e.HasExplicitHashKey = h, true
	}
	return e, nil
}

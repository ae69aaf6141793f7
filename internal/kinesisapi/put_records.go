package kinesisapi

// PutRecords.
//
// Behavior: appends up to 500 records (each up to 1 MiB of data, 5 MiB in
// all with partition keys) in order, as one atomic, fsynced append, and
// reports each record's ShardId and SequenceNumber. Invalid input fails the
// whole request, as in Kinesis (ValidationException, InvalidArgumentException,
// ResourceNotFoundException). When the store fails to commit, the response
// is 200 with every record failed (ErrorCode InternalFailure) and
// FailedRecordCount set, which is how Kinesis reports failures a retry may
// cure.
//
// Deviations: records are never throttled individually, so a response has
// either no failed record or all of them.

import (
	"context"
	"errors"
	"strconv"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// PutRecords limits.
const (
	maxPutRecords      = 500
	maxPutRecordsBytes = 5 << 20
)

type putRecordsEntry struct {
	Data            []byte  `json:"Data"`
	PartitionKey    string  `json:"PartitionKey"`
	ExplicitHashKey *string `json:"ExplicitHashKey"`
}

type putRecordsInput struct {
	StreamName string            `json:"StreamName"`
	StreamARN  string            `json:"StreamARN"`
	Records    []putRecordsEntry `json:"Records"`
}

func (a *API) putRecords(ctx context.Context, body []byte) (any, error) {
	var in putRecordsInput
	if !fastPutRecords(body, &in) || !plainValid(&in) {
		// Off the fast path: AWS's type checks and validation, then
		// encoding/json.
		if err := awsjson.Check(putRecordsShape, body); err != nil {
			return nil, err
		}
		in = putRecordsInput{}
		if err := decode(body, &in); err != nil {
			return nil, err
		}
	}
	name, err := streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	n := len(in.Records)
	if n < 1 || n > maxPutRecords {
		return nil, awsjson.Errorf(ValidationException,
			"1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length between 1 and %d (got %d)", maxPutRecords, n)
	}
	entries := make([]streamlog.Entry, n)
	total := 0
	for i := range in.Records {
		r := &in.Records[i]
		if r.Data == nil {
			return nil, awsjson.Errorf(ValidationException, "records.%d.member.data is required", i+1)
		}
		entries[i], err = entry("records."+strconv.Itoa(i+1)+".member.", r.Data, r.PartitionKey, r.ExplicitHashKey)
		if err != nil {
			return nil, err
		}
		total += len(r.Data) + len(r.PartitionKey)
	}
	if total > maxPutRecordsBytes {
		return nil, awsjson.Errorf(InvalidArgumentException, "records total %d bytes of data and partition keys; the limit is %d", total, maxPutRecordsBytes)
	}
	out := make([]streamlog.Appended, n)
	if err := a.sl.Append(ctx, name, entries, out); err != nil {
		if errors.Is(err, context.Canceled) || isClientError(a.fail(err)) {
			return nil, a.fail(err)
		}
		a.log.Error("put records", "stream", name, "err", err)
		return encodeAllFailed(n, "InternalFailure", "Internal service failure."), nil
	}
	return encodePutRecords(out), nil
}

// plainValid reports whether in, decoded on the fast path, meets every
// constraint of putRecordsShape, so it need not be checked again.
func plainValid(in *putRecordsInput) bool {
	if len(in.Records) < 1 || len(in.Records) > maxPutRecords {
		return false
	}
	if in.StreamARN == "" && !streamlog.ValidStreamName(in.StreamName) {
		return false
	}
	for i := range in.Records {
		r := &in.Records[i]
		if r.Data == nil || len(r.Data) > streamlog.MaxRecordBytes || len(r.PartitionKey) < 1 || len(r.PartitionKey) > 256 || r.ExplicitHashKey != nil {
			return false
		}
	}
	return true
}

func isClientError(err error) bool {
	var ae *awsjson.Error
	return errors.As(err, &ae) && ae.Status < 500
}

// encodePutRecords writes the response by hand: it is on the hot path.
func encodePutRecords(out []streamlog.Appended) awsjson.Raw {
	b := make([]byte, 0, 64+len(out)*80)
	b = append(b, `{"FailedRecordCount":0,"EncryptionType":"NONE","Records":[`...)
	for i, a := range out {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"SequenceNumber":"`...)
		b = a.Seq.AppendAWS(b, a.Shard, a.ShardCreatedMs, a.ArrivalMs)
		b = append(b, `","ShardId":"`...)
		b = streamlog.AppendShardID(b, a.Shard)
		b = append(b, `"}`...)
	}
	return append(b, "]}"...)
}

func encodeAllFailed(n int, code, msg string) awsjson.Raw {
	b := make([]byte, 0, 64+n*64)
	b = append(b, `{"FailedRecordCount":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `,"Records":[`...)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"ErrorCode":`...)
		b = strconv.AppendQuote(b, code)
		b = append(b, `,"ErrorMessage":`...)
		b = strconv.AppendQuote(b, msg)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

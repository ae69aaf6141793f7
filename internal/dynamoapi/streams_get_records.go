package dynamoapi

// GetRecords (DynamoDB Streams).
//
// Behavior: returns up to Limit (1 to 1000, default 1000) records of a
// shard after the iterator's position, in the order their writes
// committed, each in DynamoDB Streams' shape: eventID (a UUID),
// eventName INSERT, MODIFY or REMOVE, eventVersion "1.1", eventSource
// "aws:dynamodb", awsRegion, dynamodb {ApproximateCreationDateTime (whole
// seconds), Keys, NewImage and OldImage as the stream's view type asks,
// SequenceNumber, SizeBytes, StreamViewType}, and for a deletion by time
// to live userIdentity {PrincipalId "dynamodb.amazonaws.com", Type
// "Service"}. NextShardIterator goes on from the last record; it is
// absent once a disabled stream's shard has been read to its end. An
// iterator older than 15 minutes is ExpiredIteratorException; one whose
// records retention removed (after 24 hours) is
// TrimmedDataAccessException.
//
// Deviations: none known in the records; a response is never more than
// Limit records, with no 1 MB cap.

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/capture"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type getRecordsInput struct {
	ShardIterator *string `json:"ShardIterator"`
	Limit         *int64  `json:"Limit"`
}

func (a *API) getRecords(ctx context.Context, body []byte) (any, error) {
	var in getRecordsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	checkRequired(&c, in.ShardIterator, "shardIterator")
	checkLimit(&c, in.Limit, maxStreamsRecords)
	if err := c.err(); err != nil {
		return nil, err
	}
	it, err := decodeIterator(*in.ShardIterator)
	if err != nil {
		return nil, validation("Invalid ShardIterator")
	}
	if a.now().UnixMilli() > it.ExpiresMs {
		return nil, awsjson.Errorf(ExpiredIteratorException, "Iterator expired. The iterator was created at time %s while right now it is %s.",
			epochText(it.ExpiresMs-iteratorLifetime.Milliseconds()), epochText(a.now().UnixMilli()))
	}
	if a.streams == nil {
		return nil, awsErrNotFound("Requested resource not found")
	}
	_, st, err := a.streams.Lookup(it.Table, it.Label)
	if err != nil {
		return nil, awsErrNotFound("Requested resource not found: Stream: " + a.streamARN(it.Table, capture.Stream{Label: it.Label}) + " not found")
	}
	limit := maxStreamsRecords
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	res, err := a.streams.Log().Read(ctx, streamlog.ReadRequest{Stream: st.Log, Shard: streamlog.ShardID(it.Shard), After: it.After, MaxRecords: limit})
	switch {
	case errors.Is(err, streamlog.ErrShardNotFound), errors.Is(err, streamlog.ErrStreamNotFound):
		return nil, awsErrNotFound("Requested resource not found: Shard does not exist")
	case err != nil:
		return nil, err
	}
	if res.Gap != nil {
		return nil, awsjson.Errorf(TrimmedDataAccessException, "The operation attempted to read past the oldest stream record in a shard.")
	}
	out := struct {
		Records           []json.RawMessage `json:"Records"`
		NextShardIterator *string           `json:"NextShardIterator,omitempty"`
	}{Records: make([]json.RawMessage, 0, len(res.Records))}
	for _, r := range res.Records {
		rec, err := capture.WithSequenceNumber(r.Data, r.Seq)
		if err != nil {
			return nil, err
		}
		out.Records = append(out.Records, rec)
	}
	// A disabled stream's shard ends at its last record: once read to
	// there, it has no next iterator (a closed shard's, in DynamoDB).
	if !res.End && (st.Enabled() || res.Next < res.Last) {
		it.After = res.Next
		next := a.encodeIterator(it)
		out.NextShardIterator = &next
	}
	return out, nil
}

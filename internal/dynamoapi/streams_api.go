package dynamoapi

// The DynamoDB Streams API (X-Amz-Target DynamoDBStreams_20120810.*):
// ListStreams, DescribeStream, GetShardIterator and GetRecords over the
// tables' DynamoDB streams (package capture), on the same port as
// DynamoDB. The SDKs' DynamoDB Streams clients, the AWS CLI's
// `aws dynamodbstreams` and the DynamoDB Streams Kinesis adapter read it
// with the endpoint pointed here.

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/capture"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables"
)

// StreamsService returns the DynamoDB Streams service for an
// awsjson.Server. It needs Options.Streams.
func (a *API) StreamsService() *awsjson.Service {
	ops := map[string]awsjson.Handler{
		"ListStreams":      a.listStreams,
		"DescribeStream":   a.describeStream,
		"GetShardIterator": a.getShardIterator,
		"GetRecords":       a.getRecords,
	}
	return &awsjson.Service{
		Prefix:      "DynamoDBStreams_20120810",
		ContentType: "application/x-amz-json-1.0",
		Operations:  ops,
		Inputs:      inputShapes(streamsModel, ops),
		JavaNumbers: true,
		ErrorType:   streamsErrorType,
	}
}

// streamsErrorType writes the model's validation and serialization errors
// with the types DynamoDB Streams' handlers use for theirs (Coral's, as
// DynamoDB's); other errors keep their types.
func streamsErrorType(t string) string {
	switch t {
	case awsjson.ValidationException, awsjson.SerializationException:
		return errorType(t)
	}
	return t
}

// DynamoDB Streams error types.
const (
	ExpiredIteratorException   = typePrefix + "ExpiredIteratorException"
	TrimmedDataAccessException = typePrefix + "TrimmedDataAccessException"
)

// DynamoDB Streams' limits, from its API reference (the parameters'
// lengths are in its API model, model/streams-2012-08-10.json).
const (
	iteratorLifetime          = 15 * time.Minute
	maxStreamsRecords         = 1000 // GetRecords Limit
	maxStreamsDescribeAndList = 100  // DescribeStream and ListStreams Limit
	streamsIteratorPrefix     = "ddbs1:"
)

// streamNotFound is ResourceNotFoundException for a stream ARN.
func streamNotFound(arn string) error {
	return awsErrNotFound("Requested resource not found: Stream: " + arn + " not found")
}

// checkRequired adds "must not be null" for a missing string (the model
// requires these members; this guards callers that skip its checks).
func checkRequired(c *constraints, v *string, path string) {
	if v == nil {
		c.add(nil, path, "Member must not be null")
	}
}

// checkLimit adds a range constraint for an optional Limit (the model
// gives only its minimum; the maximum is in DynamoDB Streams' API
// reference).
func checkLimit(c *constraints, v *int64, hi int64) {
	if v == nil {
		return
	}
	if *v < 1 {
		c.add(v, "limit", "Member must have value greater than or equal to 1")
	}
	if *v > hi {
		c.add(v, "limit", "Member must have value less than or equal to "+itoa(int(hi)))
	}
}

// lookupStream resolves a stream ARN to its table and stream.
func (a *API) lookupStream(arn string) (*tables.Table, capture.Stream, error) {
	if a.streams == nil {
		return nil, capture.Stream{}, streamNotFound(arn)
	}
	table, label, ok := capture.ParseStreamARN(arn)
	if !ok {
		return nil, capture.Stream{}, validation("Invalid StreamArn")
	}
	t, st, err := a.streams.Lookup(table, label)
	if err != nil || a.streamARN(t.Name, st) != arn {
		return nil, capture.Stream{}, streamNotFound(arn)
	}
	return t, st, nil
}

// shardIterator is the content of a DynamoDB Streams shard iterator: a
// position in one shard of one stream, and when it expires.
type shardIterator struct {
	Table     string        `json:"t"`
	Label     string        `json:"l"`
	Shard     uint32        `json:"s"`
	After     streamlog.Seq `json:"a"`
	ExpiresMs int64         `json:"e"`
}

func (a *API) encodeIterator(it shardIterator) string {
	it.ExpiresMs = a.now().Add(iteratorLifetime).UnixMilli()
	b, _ := json.Marshal(it)
	return streamsIteratorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

var errBadIterator = errors.New("invalid shard iterator")

func decodeIterator(s string) (shardIterator, error) {
	var it shardIterator
	if len(s) <= len(streamsIteratorPrefix) || s[:len(streamsIteratorPrefix)] != streamsIteratorPrefix {
		return it, errBadIterator
	}
	b, err := base64.RawURLEncoding.DecodeString(s[len(streamsIteratorPrefix):])
	if err != nil {
		return it, errBadIterator
	}
	if err := json.Unmarshal(b, &it); err != nil || it.Table == "" || it.Label == "" {
		return it, errBadIterator
	}
	return it, nil
}

// epochText writes Unix milliseconds as Java's Date.toString does, as
// AWS's expired-iterator messages quote times.
func epochText(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("Mon Jan 02 15:04:05 UTC 2006")
}

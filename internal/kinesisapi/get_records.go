package kinesisapi

// GetRecords.
//
// Behavior: up to Limit (1-10000, default 10000) records and 10 MiB from
// the iterator's position, with NextShardIterator and MillisBehindLatest.
// When a closed shard has been read to its end, NextShardIterator is absent
// and ChildShards lists its children. Iterators older than five minutes get
// ExpiredIteratorException; one from a deleted stream,
// ResourceNotFoundException.
//
// Deviations: no per-shard read throttling (5 calls/s in Kinesis). Records
// trimmed by retention between two calls are skipped, as in Kinesis; the
// streaming-ingestion reader uses streamlog directly and reports such gaps.

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type getRecordsInput struct {
	ShardIterator string `json:"ShardIterator"`
	Limit         *int   `json:"Limit"`
	StreamARN     string `json:"StreamARN"`
}

func (a *API) getRecords(ctx context.Context, body []byte) (any, error) {
	var in getRecordsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	limit := streamlog.MaxReadRecords
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > streamlog.MaxReadRecords {
			return nil, awsjson.Errorf(ValidationException, "Limit %d: want 1 to %d", *in.Limit, streamlog.MaxReadRecords)
		}
		limit = *in.Limit
	}
	it, err := decodeIterator(in.ShardIterator)
	if err != nil {
		return nil, err
	}
	if in.StreamARN != "" {
		if name, err := streamName("", in.StreamARN); err != nil || name != it.stream {
			return nil, awsjson.Errorf(InvalidArgumentException, "StreamARN %q does not match the iterator's stream", in.StreamARN)
		}
	}
	nowMs := a.now().UnixMilli()
	if nowMs-it.issuedMs > iteratorTTL.Milliseconds() {
		// Kinesis's text, with Java's date form (observed; kinesalite
		// records the same).
		const javaDate = "Mon Jan 02 15:04:05 UTC 2006"
		return nil, awsjson.Errorf(ExpiredIteratorException,
			"Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of 300000 milliseconds.",
			time.UnixMilli(it.issuedMs).UTC().Format(javaDate), time.UnixMilli(nowMs).UTC().Format(javaDate))
	}
	res, err := a.sl.Read(ctx, streamlog.ReadRequest{
		Stream: it.stream, StreamID: it.streamID, Shard: streamlog.ShardID(it.shard), After: it.after, MaxRecords: limit,
	})
	if err != nil {
		err = a.fail(err)
		var ae *awsjson.Error
		if errors.As(err, &ae) && ae.Type == ResourceNotFoundException {
			// The stream is gone: Kinesis names the shard.
			return nil, awsjson.Errorf(ResourceNotFoundException, "Shard %s in stream %s under account %s does not exist",
				streamlog.ShardID(it.shard), it.stream, a.account)
		}
		return nil, err
	}
	var children []streamlog.ShardInfo
	if res.End || it.shardCreatedMs < 0 {
		info, err := a.describe(ctx, it.stream)
		if err != nil {
			return nil, err
		}
		me := streamlog.ShardID(it.shard)
		for _, s := range info.Shards {
			if s.Num == it.shard {
				it.shardCreatedMs = s.Created.UnixMilli()
			}
			if res.End && (s.ParentID == me || s.AdjacentParentID == me) {
				children = append(children, s)
			}
		}
	}
	next := ""
	if !res.End {
		n := it
		n.after, n.issuedMs = res.Next, nowMs
		next = n.encode()
	}
	return encodeGetRecords(res, it.shard, it.shardCreatedMs, next, children), nil
}

// encodeGetRecords writes the response by hand: it is on the hot path.
func encodeGetRecords(res streamlog.ReadResult, shard uint32, shardCreatedMs int64, next string, children []streamlog.ShardInfo) awsjson.Raw {
	size := 128 + len(next)
	for i := range res.Records {
		r := &res.Records[i]
		size += 120 + base64.StdEncoding.EncodedLen(len(r.Data)) + 2*len(r.PartitionKey)
	}
	b := make([]byte, 0, size)
	b = append(b, `{"Records":[`...)
	for i := range res.Records {
		r := &res.Records[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"SequenceNumber":"`...)
		b = r.Seq.AppendAWS(b, shard, shardCreatedMs, r.ArrivalMs)
		b = append(b, `","ApproximateArrivalTimestamp":`...)
		b = appendEpoch(b, r.ArrivalMs)
		b = append(b, `,"PartitionKey":`...)
		b = appendJSONString(b, r.PartitionKey)
		b = append(b, `,"Data":"`...)
		b = base64.StdEncoding.AppendEncode(b, r.Data)
		b = append(b, `"}`...)
	}
	b = append(b, `],"MillisBehindLatest":`...)
	b = strconv.AppendInt(b, res.MillisBehindLatest, 10)
	if next != "" {
		b = append(b, `,"NextShardIterator":"`...)
		b = append(b, next...)
		b = append(b, '"')
	}
	if res.End {
		b = append(b, `,"ChildShards":[`...)
		for i, c := range children {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"ShardId":"`...)
			b = append(b, c.ID...)
			b = append(b, `","ParentShards":["`...)
			b = append(b, c.ParentID...)
			if c.AdjacentParentID != "" {
				b = append(b, `","`...)
				b = append(b, c.AdjacentParentID...)
			}
			b = append(b, `"],"HashKeyRange":{"StartingHashKey":"`...)
			b = append(b, c.HashKeyStart.String()...)
			b = append(b, `","EndingHashKey":"`...)
			b = append(b, c.HashKeyEnd.String()...)
			b = append(b, `"}}`...)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b, s []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}

package kinesisapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// FuzzIterator decodes arbitrary shard iterator tokens: never a panic, and
// whatever decodes encodes back to a token that decodes the same.
func FuzzIterator(f *testing.F) {
	f.Add(iterator{streamID: 1, shard: 2, after: 3, issuedMs: 4, stream: "s"}.encode())
	f.Add("")
	f.Add("AQAAAAAAAAABAAAAAAAAEAAAAAAAAAABohZiS_9zMUbT4qg")
	f.Fuzz(func(t *testing.T, tok string) {
		it, err := decodeIterator(tok)
		if err != nil {
			return
		}
		back, err := decodeIterator(it.encode())
		if err != nil || back != it {
			t.Fatalf("round trip of %q: %+v -> %+v, %v", tok, it, back, err)
		}
	})
}

// FuzzRequests sends arbitrary bodies to every operation of a live API over
// a real log: the answer is always a JSON document, 200 or a 4xx error
// envelope with __type, never a panic or an internal failure.
func FuzzRequests(f *testing.F) {
	seeds := map[string]string{
		"CreateStream":                  `{"StreamName":"n","ShardCount":2}`,
		"DeleteStream":                  `{"StreamName":"n"}`,
		"DescribeStream":                `{"StreamName":"f","Limit":1,"ExclusiveStartShardId":"shardId-000000000000"}`,
		"DescribeStreamSummary":         `{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f"}`,
		"ListStreams":                   `{"Limit":1,"NextToken":"Zg"}`,
		"ListShards":                    `{"StreamName":"f","MaxResults":1,"ShardFilter":{"Type":"AT_TIMESTAMP","Timestamp":1.5}}`,
		"PutRecord":                     `{"StreamName":"f","PartitionKey":"k","Data":"aGk=","ExplicitHashKey":"12"}`,
		"PutRecords":                    `{"StreamName":"f","Records":[{"PartitionKey":"k","Data":"aGk="},{"PartitionKey":"\u00e9","Data":""}]}`,
		"GetShardIterator":              `{"StreamName":"f","ShardId":"shardId-000000000001","ShardIteratorType":"AT_TIMESTAMP","Timestamp":0}`,
		"GetRecords":                    `{"ShardIterator":"AQAAAAAAAAABAAAAAAAAEAAAAAAAAAABohZiS_9zMUbT4qg","Limit":5}`,
		"IncreaseStreamRetentionPeriod": `{"StreamName":"f","RetentionPeriodHours":48}`,
		"DecreaseStreamRetentionPeriod": `{"StreamName":"f","RetentionPeriodHours":24}`,
		"SplitShard":                    `{"StreamName":"f","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"100"}`,
		"MergeShards":                   `{"StreamName":"f","ShardToMerge":"shardId-000000000000","AdjacentShardToMerge":"shardId-000000000001"}`,
		"UpdateShardCount":              `{"StreamName":"f","TargetShardCount":3,"ScalingType":"UNIFORM_SCALING"}`,
		"AddTagsToStream":               `{"StreamName":"f","Tags":{"a":"b"}}`,
		"ListTagsForStream":             `{"StreamName":"f","ExclusiveStartTagKey":"a","Limit":2}`,
		"RemoveTagsFromStream":          `{"StreamName":"f","TagKeys":["a"]}`,
		"TagResource":                   `{"ResourceARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f","Tags":{"a":"b c@d"}}`,
		"UntagResource":                 `{"ResourceARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f","TagKeys":["a"]}`,
		"ListTagsForResource":           `{"ResourceARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f/consumer/c:1"}`,
		"DescribeLimits":                `{}`,
		"UpdateStreamMode":              `{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f","StreamModeDetails":{"StreamMode":"ON_DEMAND"}}`,
		"StartStreamEncryption":         `{"StreamName":"f","EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}`,
		"StopStreamEncryption":          `{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f","EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}`,
		"RegisterStreamConsumer":        `{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f","ConsumerName":"c"}`,
		"DeregisterStreamConsumer":      `{"ConsumerARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f/consumer/c:1"}`,
		"DescribeStreamConsumer":        `{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f","ConsumerName":"c"}`,
		"ListStreamConsumers":           `{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f","MaxResults":1,"NextToken":"MQ"}`,
		"SubscribeToShard":              `{"ConsumerARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f/consumer/c:1","ShardId":"1","StartingPosition":{"Type":"AT_TIMESTAMP","Timestamp":1}}`,
		"EnableEnhancedMonitoring":      `{"StreamName":"f","ShardLevelMetrics":["ALL"]}`,
		"DisableEnhancedMonitoring":     `{"StreamName":"f","ShardLevelMetrics":["IncomingBytes"]}`,
		"PutResourcePolicy":             `{"ResourceARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f","Policy":"{}"}`,
		"GetResourcePolicy":             `{"ResourceARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f"}`,
		"DeleteResourcePolicy":          `{"ResourceARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f"}`,
		"DescribeAccountSettings":       `{}`,
		"UpdateAccountSettings":         `{"MinimumThroughputBillingCommitment":{"Status":"ENABLED"}}`,
		"UpdateMaxRecordSize":           `{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f","MaxRecordSizeInKiB":2048}`,
		"UpdateStreamWarmThroughput":    `{"StreamName":"f","WarmThroughputMiBps":10}`,
	}
	sl, err := streamlog.Open(f.TempDir(), streamlog.Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer sl.Close()
	if err := sl.Create(context.Background(), "f", streamlog.CreateOptions{ShardCount: 2}); err != nil {
		f.Fatal(err)
	}
	srv := awsjson.NewServer(nil, nil)
	svc := New(sl, Options{}).Service()
	srv.Register(svc)
	ops := make([]string, 0, len(svc.Operations))
	for op := range svc.Operations {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for i, op := range ops {
		f.Add(uint8(i), []byte(seeds[op]))
		f.Add(uint8(i), []byte(`{"StreamName":"f"}`))
	}
	f.Fuzz(func(t *testing.T, opIndex uint8, body []byte) {
		op := ops[int(opIndex)%len(ops)]
		// A SubscribeToShard that succeeds streams until its request ends.
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)).WithContext(ctx)
		req.Header.Set("X-Amz-Target", "Kinesis_20131202."+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Date", "20260101T000000Z")
		req.Header.Set("Authorization", testAuthorization)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK && rec.Header().Get("Content-Type") == "application/vnd.amazon.eventstream" {
			return
		}
		if rec.Body.Len() > 0 && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %q: response is not JSON: %q", op, body, rec.Body.String())
		}
		if rec.Code == http.StatusOK {
			return
		}
		var env struct {
			Type string `json:"__type"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &env)
		if rec.Code >= 500 || env.Type == "" {
			t.Fatalf("%s %q: status %d %s", op, body, rec.Code, rec.Body.String())
		}
	})
}

// testAuthorization is a well-formed SigV4 Authorization header, which a
// server without configured credentials accepts.
const testAuthorization = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"

// FuzzPutRecordsDecoder checks the PutRecords fast path against
// encoding/json: whenever the fast path accepts a body, it must decode
// exactly what encoding/json decodes.
func FuzzPutRecordsDecoder(f *testing.F) {
	f.Add([]byte(`{"StreamName":"s","Records":[{"Data":"aGk=","PartitionKey":"k"},{"Data":"","PartitionKey":"\u00e9","ExplicitHashKey":"1"}]}`))
	f.Add([]byte(`{"Records":[{"Data":null,"PartitionKey":null,"ExplicitHashKey":null}],"StreamARN":"a"}`))
	f.Add([]byte(`{"Records":[], "StreamName": "x"} `))
	f.Add([]byte(`{"Records":[{"Data":"aGk","PartitionKey":"k\"q"}]}`))
	f.Add([]byte("{\"Records\":[{\"Data\":\"aG\nk=\",\"PartitionKey\":\"k\"}]}")) // raw LF: base64 skips it, JSON forbids it
	f.Add([]byte(`{"Records":[{"Data":"aG\/k","PartitionKey":"k"}]}`))            // an escape inside base64
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast putRecordsInput
		if !fastPutRecords(body, &fast) {
			return
		}
		var slow putRecordsInput
		if err := json.Unmarshal(body, &slow); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json: %v", body, err)
		}
		if !reflect.DeepEqual(normalize(fast), normalize(slow)) {
			t.Fatalf("%q:\nfast %+v\njson %+v", body, fast, slow)
		}
	})
}

// normalize makes an empty non-nil Records equal to encoding/json's.
func normalize(in putRecordsInput) putRecordsInput {
	for i := range in.Records {
		if in.Records[i].Data != nil && len(in.Records[i].Data) == 0 {
			in.Records[i].Data = []byte{}
		}
	}
	return in
}

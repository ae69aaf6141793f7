package kinesisapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/fxamacker/cbor/v2"

	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// TestLaterOperationsValidation: the operations that came to the Kinesis
// API model later are validated like the first ones. The expected texts
// are AWS's message grammar (see TestValidationAndSerialization) over the
// constraints of the kinesis/2013-12-02 model (botocore's service-2.json:
// required members, lengths, patterns, enums, in the model's member order).
func TestLaterOperationsValidation(t *testing.T) {
	p := startInProcess(t, nil)
	const streamARN = "arn:aws:kinesis:us-east-1:" + account + ":stream/s"
	const metricsEnum = "[IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]"
	runConformance(t, p.addr, []conformanceCase{
		{"RegisterStreamConsumer {}", rawReq{target: "RegisterStreamConsumer", body: `{}`}, 400, validation("2 validation errors detected: " +
			"Value null at 'streamARN' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'consumerName' failed to satisfy constraint: Member must not be null")},
		{"RegisterStreamConsumer bad name", rawReq{target: "RegisterStreamConsumer", body: `{"StreamARN":"` + streamARN + `","ConsumerName":"a b"}`}, 400,
			validation("1 validation error detected: Value 'a b' at 'consumerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")},
		{"SubscribeToShard {}", rawReq{target: "SubscribeToShard", body: `{}`}, 400, validation("3 validation errors detected: " +
			"Value null at 'consumerARN' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'shardId' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'startingPosition' failed to satisfy constraint: Member must not be null")},
		{"SubscribeToShard unknown position type", rawReq{target: "SubscribeToShard",
			body: `{"ConsumerARN":"` + streamARN + `/consumer/c:1","ShardId":"shardId-000000000000","StartingPosition":{"Type":"NOW"}}`}, 400,
			validation("1 validation error detected: Value 'NOW' at 'startingPosition.type' failed to satisfy constraint: " +
				"Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]")},
		{"SubscribeToShard position not a structure", rawReq{target: "SubscribeToShard",
			body: `{"ConsumerARN":"` + streamARN + `/consumer/c:1","ShardId":"0","StartingPosition":"LATEST"}`}, 400, serializationMsg("Expected null")},
		{"EnableEnhancedMonitoring unknown metric", rawReq{target: "EnableEnhancedMonitoring", body: `{"StreamName":"s","ShardLevelMetrics":["Bogus"]}`}, 400,
			validation("1 validation error detected: Value '[Bogus]' at 'shardLevelMetrics' failed to satisfy constraint: " +
				"Member must satisfy constraint: [Member must satisfy enum value set: " + metricsEnum + "]")},
		{"DisableEnhancedMonitoring no metrics", rawReq{target: "DisableEnhancedMonitoring", body: `{"StreamName":"s","ShardLevelMetrics":[]}`}, 400,
			validation("1 validation error detected: Value '[]' at 'shardLevelMetrics' failed to satisfy constraint: Member must have length greater than or equal to 1")},
		{"UpdateMaxRecordSize too small", rawReq{target: "UpdateMaxRecordSize", body: `{"StreamARN":"` + streamARN + `","MaxRecordSizeInKiB":1023}`}, 400,
			validation("1 validation error detected: Value '1023' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024")},
		{"UpdateAccountSettings bad status", rawReq{target: "UpdateAccountSettings", body: `{"MinimumThroughputBillingCommitment":{"Status":"ON"}}`}, 400,
			validation("1 validation error detected: Value 'ON' at 'minimumThroughputBillingCommitment.status' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]")},
		{"PutResourcePolicy {}", rawReq{target: "PutResourcePolicy", body: `{}`}, 400, validation("2 validation errors detected: " +
			"Value null at 'resourceARN' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'policy' failed to satisfy constraint: Member must not be null")},
		{"StreamId pattern", rawReq{target: "ListStreamConsumers", body: `{"StreamARN":"` + streamARN + `","StreamId":"x"}`}, 400,
			validation("1 validation error detected: Value 'x' at 'streamId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z0-9]{20}-[a-z0-9]{3}")},
		// After validation, the stream: Kinesis's not-found text.
		{"ListStreamConsumers no stream", rawReq{target: "ListStreamConsumers", body: `{"StreamARN":"` + streamARN + `"}`}, 400,
			jsonErr("ResourceNotFoundException", "message", "Stream s under account "+account+" not found.")},
		{"DescribeStreamConsumer needs a name", rawReq{target: "DescribeStreamConsumer", body: `{"StreamARN":"` + streamARN + `"}`}, 400,
			jsonErr("InvalidArgumentException", "message", "Either ConsumerARN or both ConsumerName and StreamARN must be provided.")},
		// A new account has no billing commitment (API reference).
		{"DescribeAccountSettings", rawReq{target: "DescribeAccountSettings", body: `{}`}, 200, `{"MinimumThroughputBillingCommitment":{"Status":"DISABLED"}}`},
	})
}

// subscribeRaw sends a SubscribeToShard request as a strict client does,
// signed with the AWS SDK's signer, and returns the response unread.
func subscribeRaw(t *testing.T, addr, contentType string, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "Kinesis_20131202.SubscribeToShard")
	req.Header.Set("Content-Type", contentType)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET"}, req,
		hex.EncodeToString(sum[:]), "kinesis", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// nextMessage reads one event-stream message: its headers and payload.
func nextMessage(t *testing.T, r io.Reader) (map[string]string, []byte) {
	t.Helper()
	msg, err := eventstream.NewDecoder().Decode(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{}
	for _, x := range msg.Headers {
		h[x.Name] = x.Value.String()
	}
	return h, msg.Payload
}

// subscription starts a stream with one shard and an ACTIVE consumer, and
// returns the body of a SubscribeToShard request for it.
func subscription(t *testing.T, p *inProcess) string {
	t.Helper()
	ctx := context.Background()
	if err := p.log.Create(ctx, "s", streamlog.CreateOptions{ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	c, err := p.log.RegisterConsumer(ctx, "s", "c", nil)
	if err != nil {
		t.Fatal(err)
	}
	return `{"ConsumerARN":"arn:aws:kinesis:us-east-1:` + account + `:stream/s/consumer/c:` + strconv.FormatInt(c.Created.Unix(), 10) +
		`","ShardId":"shardId-000000000000","StartingPosition":{"Type":"TRIM_HORIZON"}}`
}

// TestSubscribeToShardWire: SubscribeToShard answers as Kinesis does on
// the wire (AWS's event-stream encoding, as the AWS SDKs read it): status
// 200, Content-Type application/vnd.amazon.eventstream, an initial-response
// event, then SubscribeToShardEvent events with JSON payloads.
func TestSubscribeToShardWire(t *testing.T) {
	p := startInProcess(t, nil)
	res := subscribeRaw(t, p.addr, "application/x-amz-json-1.1", []byte(subscription(t, p)))
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.amazon.eventstream" {
		t.Fatalf("status %d, content type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, w := range []struct{ event, payloadPrefix string }{
		{"initial-response", "{}"},
		{"SubscribeToShardEvent", `{"ContinuationSequenceNumber":"`},
	} {
		h, payload := nextMessage(t, res.Body)
		if h[":message-type"] != "event" || h[":event-type"] != w.event || h[":content-type"] != "application/json" ||
			!strings.HasPrefix(string(payload), w.payloadPrefix) {
			t.Fatalf("message %v %s, want event %s", h, payload, w.event)
		}
	}
}

// TestSubscribeToShardTakeover: a second subscription of the same consumer
// and shard within 5 seconds is refused; after 5 seconds it takes over and
// the first ends with a ResourceInUseException event (the API reference's
// rules for SubscribeToShard).
func TestSubscribeToShardTakeover(t *testing.T) {
	clk := &fakeClock{}
	clk.ms.Store(time.Now().UnixMilli())
	p := startInProcess(t, clk.now)
	body := []byte(subscription(t, p))
	first := subscribeRaw(t, p.addr, "application/x-amz-json-1.1", body)
	nextMessage(t, first.Body) // initial-response
	nextMessage(t, first.Body) // the first (empty) event
	clk.advance(4 * time.Second)
	second := subscribeRaw(t, p.addr, "application/x-amz-json-1.1", body)
	b, _ := io.ReadAll(second.Body)
	if second.StatusCode != 400 || !strings.Contains(string(b), `"__type":"ResourceInUseException"`) ||
		!strings.Contains(string(b), "Another active subscription exists for this consumer") {
		t.Fatalf("second subscription within 5 s: %d %s", second.StatusCode, b)
	}
	clk.advance(2 * time.Second)
	third := subscribeRaw(t, p.addr, "application/x-amz-json-1.1", body)
	if third.StatusCode != 200 {
		t.Fatalf("subscription after 5 s: %d", third.StatusCode)
	}
	h, payload := nextMessage(t, first.Body)
	if h[":message-type"] != "exception" || h[":exception-type"] != "ResourceInUseException" {
		t.Fatalf("the first subscription got %v %s, want a ResourceInUseException", h, payload)
	}
}

// TestSubscribeToShardCBOR: a CBOR request (the AWS SDK for Java's
// default, which the KCL uses) gets its events in CBOR: records' Data as
// byte strings.
func TestSubscribeToShardCBOR(t *testing.T) {
	p := startInProcess(t, nil)
	var req map[string]any
	if err := json.Unmarshal([]byte(subscription(t, p)), &req); err != nil {
		t.Fatal(err)
	}
	if err := p.log.Append(context.Background(), "s", []streamlog.Entry{{PartitionKey: []byte("k"), Data: []byte{0, 1, 2, 0xff}}}, make([]streamlog.Appended, 1)); err != nil {
		t.Fatal(err)
	}
	body, err := cbor.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	res := subscribeRaw(t, p.addr, "application/x-amz-cbor-1.1", body)
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("status %d: %x", res.StatusCode, b)
	}
	nextMessage(t, res.Body) // initial-response
	h, payload := nextMessage(t, res.Body)
	var ev struct {
		Records []struct {
			Data         []byte
			PartitionKey string
		}
	}
	if err := cbor.Unmarshal(payload, &ev); err != nil {
		t.Fatalf("event payload %x: %v", payload, err)
	}
	if h[":content-type"] != "application/x-amz-cbor-1.1" || len(ev.Records) != 1 ||
		!bytes.Equal(ev.Records[0].Data, []byte{0, 1, 2, 0xff}) || ev.Records[0].PartitionKey != "k" {
		t.Fatalf("event %v %+v", h, ev)
	}
}

// TestSubscribeToShardEndsAtSplit: a subscription to a shard that is split
// gets its records, then an event with ChildShards naming both children,
// and the stream ends (the API reference: ChildShards is set when the
// shard is closed and read to its end).
func TestSubscribeToShardEndsAtSplit(t *testing.T) {
	p := startInProcess(t, nil)
	ctx := context.Background()
	res := subscribeRaw(t, p.addr, "application/x-amz-json-1.1", []byte(subscription(t, p)))
	nextMessage(t, res.Body) // initial-response
	if err := p.log.Append(ctx, "s", []streamlog.Entry{{PartitionKey: []byte("k"), Data: []byte("before")}}, make([]streamlog.Appended, 1)); err != nil {
		t.Fatal(err)
	}
	mid, err := streamlog.ParseHashKey("170141183460469231731687303715884105728")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.log.Split(ctx, "s", "shardId-000000000000", mid); err != nil {
		t.Fatal(err)
	}
	var records int
	for {
		h, payload := nextMessage(t, res.Body)
		if h[":event-type"] != "SubscribeToShardEvent" {
			t.Fatalf("message %v %s", h, payload)
		}
		var ev struct {
			Records     []struct{ Data []byte }
			ChildShards []struct {
				ShardId      string
				ParentShards []string
			}
		}
		if err := json.Unmarshal(payload, &ev); err != nil {
			t.Fatal(err)
		}
		records += len(ev.Records)
		if len(ev.ChildShards) > 0 {
			if records != 1 || len(ev.ChildShards) != 2 || ev.ChildShards[0].ShardId != "shardId-000000000001" ||
				ev.ChildShards[1].ShardId != "shardId-000000000002" || ev.ChildShards[0].ParentShards[0] != "shardId-000000000000" {
				t.Fatalf("end of shard: %d records, %s", records, payload)
			}
			break
		}
	}
	if _, err := eventstream.NewDecoder().Decode(res.Body, nil); err != io.EOF && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("after ChildShards: %v, want the end of the stream", err)
	}
}

// TestSubscribeToShardStreamDeleted: deleting the stream ends a
// subscription with a ResourceNotFoundException event, one of the
// exceptions the model lists in SubscribeToShardEventStream.
func TestSubscribeToShardStreamDeleted(t *testing.T) {
	p := startInProcess(t, nil)
	res := subscribeRaw(t, p.addr, "application/x-amz-json-1.1", []byte(subscription(t, p)))
	nextMessage(t, res.Body) // initial-response
	nextMessage(t, res.Body) // the first (empty) event
	if err := p.log.Delete(context.Background(), "s"); err != nil {
		t.Fatal(err)
	}
	h, payload := nextMessage(t, res.Body)
	if h[":message-type"] != "exception" || h[":exception-type"] != "ResourceNotFoundException" ||
		string(payload) != `{"__type":"ResourceNotFoundException","message":"Shard shardId-000000000000 in stream s under account `+account+` does not exist"}` {
		t.Fatalf("after deletion: %v %s", h, payload)
	}
}

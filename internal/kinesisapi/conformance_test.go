package kinesisapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/kinesisapi"
	"github.com/blueshift-dev/blueshift/internal/kinesisclient"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// The expected responses in this file are Kinesis's own, as observed and
// recorded in kinesalite's test suite (test/connection.js and the
// per-operation tests), in the Kinesis API reference, or, where noted, in
// the issue that reported the difference; they are not what this server
// happens to answer.

// rawReq is one request as a strict client sends it.
type rawReq struct {
	method      string // default POST
	path        string // default "/"
	target      string // operation name, or a full X-Amz-Target when it has a dot
	contentType string // default application/x-amz-json-1.1; "-" sends none
	body        string
	unsigned    bool
	headers     map[string]string
	creds       aws.Credentials // default AKID/SECRET
	signTime    time.Time       // default now
}

type rawRes struct {
	status int
	header http.Header
	body   string
}

// do sends r to addr, signed with the AWS SDK's SigV4 signer unless
// unsigned.
func (r rawReq) do(t testing.TB, addr string) rawRes {
	t.Helper()
	method := r.method
	if method == "" {
		method = http.MethodPost
	}
	path := r.path
	if path == "" {
		path = "/"
	}
	req, err := http.NewRequest(method, "http://"+addr+path, strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.target != "" {
		target := r.target
		if !strings.Contains(target, ".") {
			target = "Kinesis_20131202." + target
		}
		req.Header.Set("X-Amz-Target", target)
	}
	switch r.contentType {
	case "":
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	case "-":
	default:
		req.Header.Set("Content-Type", r.contentType)
	}
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	if !r.unsigned {
		creds := r.creds
		if creds.AccessKeyID == "" {
			creds = aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET"}
		}
		at := r.signTime
		if at.IsZero() {
			at = time.Now()
		}
		sum := sha256.Sum256([]byte(r.body))
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "kinesis", "us-east-1", at); err != nil {
			t.Fatal(err)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rawRes{res.StatusCode, res.Header, string(b)}
}

const (
	accessDeniedXML = "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n"
	missingTokenXML = "<MissingAuthenticationTokenException>\n  <Message>Missing Authentication Token</Message>\n</MissingAuthenticationTokenException>\n"
	account         = "000000000000"
)

type conformanceCase struct {
	name   string
	req    rawReq
	status int
	body   string // exact; a JSON body compares as JSON
}

func runConformance(t *testing.T, addr string, cases []conformanceCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := c.req.do(t, addr)
			if res.status != c.status || !sameBody(res.body, c.body) {
				t.Errorf("got %d %s\nwant %d %s", res.status, res.body, c.status, c.body)
			}
		})
	}
}

// sameBody compares JSON bodies as JSON and anything else exactly.
func sameBody(got, want string) bool {
	var g, w any
	if json.Unmarshal([]byte(want), &w) == nil && json.Unmarshal([]byte(got), &g) == nil {
		gb, _ := json.Marshal(g)
		wb, _ := json.Marshal(w)
		return bytes.Equal(gb, wb)
	}
	return got == want
}

func jsonErr(typ, key, msg string) string {
	b, _ := json.Marshal(map[string]string{"__type": typ, key: msg})
	return string(b)
}

func validation(msg string) string { return jsonErr("ValidationException", "message", msg) }

func serializationMsg(msg string) string { return jsonErr("SerializationException", "Message", msg) }

// TestProtocolEdges: how the server answers requests it cannot route, as
// AWS answers them (kinesalite test/connection.js).
func TestProtocolEdges(t *testing.T) {
	p := startInProcess(t, nil)
	runConformance(t, p.addr, []conformanceCase{
		{"GET", rawReq{method: "GET", contentType: "-"}, 403, accessDeniedXML},
		{"PUT", rawReq{method: "PUT", contentType: "-"}, 403, accessDeniedXML},
		{"DELETE", rawReq{method: "DELETE", contentType: "-"}, 403, accessDeniedXML},
		{"GET unsigned", rawReq{method: "GET", contentType: "-", unsigned: true}, 403, missingTokenXML},
		{"OPTIONS unsigned", rawReq{method: "OPTIONS", contentType: "-", unsigned: true}, 403, missingTokenXML},
		{"POST unsigned, nothing", rawReq{contentType: "-", unsigned: true}, 403, missingTokenXML},
		{"POST no body", rawReq{contentType: "-"}, 403, accessDeniedXML},
		{"body, no content type", rawReq{contentType: "-", body: "{}"}, 403, accessDeniedXML},
		{"JSON 1.0", rawReq{contentType: "application/x-amz-json-1.0"}, 403, accessDeniedXML},
		{"invalid target, no content type", rawReq{contentType: "-", target: "ListStream"}, 403, accessDeniedXML},
		{"no content type", rawReq{contentType: "-", target: "ListStreams"}, 403, accessDeniedXML},
		{"no target", rawReq{}, 400, `{"__type":"UnknownOperationException"}`},
		{"no target, unsigned", rawReq{unsigned: true}, 400, `{"__type":"UnknownOperationException"}`},
		{"unknown operation", rawReq{target: "FlyToTheMoon", body: "{}"}, 400, `{"__type":"UnknownOperationException"}`},
		{"application/json", rawReq{contentType: "application/json"}, 200,
			`{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException","message":null},"Version":"1.0"}`},
		{"application/json, target, body", rawReq{contentType: "application/json", target: "ListStreams", body: "{}", unsigned: true}, 200,
			`{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException","message":null},"Version":"1.0"}`},
		{"application/json, not JSON", rawReq{contentType: "application/json", target: "ListStreams", body: "hello", unsigned: true}, 200,
			`{"Output":{"__type":"com.amazon.coral.service#SerializationException","Message":null},"Version":"1.0"}`},
		{"no body", rawReq{target: "ListStreams"}, 400, `{"__type":"SerializationException"}`},
		{"no body, unsigned", rawReq{target: "ListStreams", unsigned: true}, 400, `{"__type":"SerializationException"}`},
		{"not JSON", rawReq{target: "ListStreams", body: "hello", unsigned: true}, 400, `{"__type":"SerializationException"}`},
		{"no auth", rawReq{target: "ListStreams", body: "{}", unsigned: true}, 400,
			jsonErr("MissingAuthenticationTokenException", "message", "Missing Authentication Token")},
		{"invalid auth", rawReq{target: "ListStreams", body: "{}", unsigned: true, headers: map[string]string{"Authorization": "X"}}, 400,
			jsonErr("IncompleteSignatureException", "message", "Authorization header requires 'Credential' parameter. "+
				"Authorization header requires 'Signature' parameter. "+
				"Authorization header requires 'SignedHeaders' parameter. "+
				"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=X")},
		{"auth without SignedHeaders", rawReq{target: "ListStreams", body: "{}", unsigned: true,
			headers: map[string]string{"Authorization": "AWS4- Signature=b, Credential=a", "Date": "a"}}, 400,
			jsonErr("IncompleteSignatureException", "message", "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4- Signature=b, Credential=a")},
		{"auth header and query", rawReq{path: "/?X-Amz-Algorithm", target: "ListStreams", body: "{}", unsigned: true,
			headers: map[string]string{"Authorization": "X"}}, 400,
			jsonErr("InvalidSignatureException", "message", "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.")},
		{"empty query auth", rawReq{path: "/?X-Amz-Algorithm", target: "ListStreams", body: "{}", unsigned: true}, 400,
			jsonErr("IncompleteSignatureException", "message", "AWS query-string parameters must include 'X-Amz-Algorithm'. "+
				"AWS query-string parameters must include 'X-Amz-Credential'. "+
				"AWS query-string parameters must include 'X-Amz-Signature'. "+
				"AWS query-string parameters must include 'X-Amz-SignedHeaders'. "+
				"AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.")},
		{"query auth without algorithm", rawReq{path: "/?X-Amz-Credential=a&X-Amz-Signature=b&X-Amz-SignedHeaders=c&X-Amz-Date=d",
			target: "ListStreams", body: "{}", unsigned: true}, 400,
			jsonErr("MissingAuthenticationTokenException", "message", "Missing Authentication Token")},
	})

	// CORS: a preflight gets 200, an empty body and the Access-Control
	// headers; other responses to a browser carry Allow-Origin.
	res := rawReq{method: "OPTIONS", contentType: "-", unsigned: true, headers: map[string]string{
		"Origin": "whatever", "Access-Control-Request-Headers": "a, b, c", "Access-Control-Request-Method": "d",
	}}.do(t, p.addr)
	want := map[string]string{
		"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "a, b, c",
		"Access-Control-Allow-Methods": "d", "Access-Control-Max-Age": "172800", "Content-Length": "0",
	}
	for k, v := range want {
		if got := res.header.Get(k); got != v {
			t.Errorf("preflight %s: %q, want %q", k, got, v)
		}
	}
	if res.status != 200 || res.body != "" || res.header.Get("x-amz-id-2") != "" ||
		!regexp.MustCompile(`^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`).MatchString(res.header.Get("x-amzn-RequestId")) {
		t.Errorf("preflight: %d %q %v", res.status, res.body, res.header)
	}
	res = rawReq{contentType: "-", headers: map[string]string{"Origin": "whatever"}}.do(t, p.addr)
	if _, has := res.header["Content-Type"]; has {
		t.Errorf("denied: Content-Type %q, want none (as AWS)", res.header.Get("Content-Type"))
	}
	if res.status != 403 || res.body != accessDeniedXML || res.header.Get("Access-Control-Allow-Origin") != "*" ||
		res.header.Get("Access-Control-Expose-Headers") != "x-amz-request-id, x-amz-id-2" {
		t.Errorf("denied with Origin: %d %q %v", res.status, res.body, res.header)
	}
	if id2, err := base64.StdEncoding.DecodeString(res.header.Get("x-amz-id-2")); err != nil || len(id2) < 72 || len(id2) > 80 {
		t.Errorf("x-amz-id-2 %q", res.header.Get("x-amz-id-2"))
	}
}

// TestValidationAndSerialization: request shapes checked as AWS checks
// them, every violation in one message, in AWS's order.
func TestValidationAndSerialization(t *testing.T) {
	p := startInProcess(t, nil)
	long := strings.Repeat("a", 129)
	runConformance(t, p.addr, []conformanceCase{
		// kinesalite test/createStream.js
		{"CreateStream {}", rawReq{target: "CreateStream", body: `{}`}, 400, validation("2 validation errors detected: " +
			"Value null at 'shardCount' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'streamName' failed to satisfy constraint: Member must not be null")},
		{"CreateStream empty name", rawReq{target: "CreateStream", body: `{"StreamName":"","ShardCount":0}`}, 400, validation("3 validation errors detected: " +
			"Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
			"Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
			"Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1")},
		{"CreateStream long name", rawReq{target: "CreateStream", body: `{"StreamName":"` + long + `","ShardCount":100000000000}`}, 400,
			validation("1 validation error detected: Value '" + long + "' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128")},
		// kinesalite test/helpers.js assertType (observed texts)
		{"ShardCount string", rawReq{target: "CreateStream", body: `{"StreamName":"a","ShardCount":"23"}`}, 400,
			serializationMsg("class java.lang.String can not be converted to an Integer")},
		{"ShardCount bool", rawReq{target: "CreateStream", body: `{"StreamName":"a","ShardCount":true}`}, 400,
			serializationMsg("class java.lang.Boolean can not be converted to an Integer")},
		{"ShardCount list", rawReq{target: "CreateStream", body: `{"StreamName":"a","ShardCount":[]}`}, 400,
			serializationMsg("Start of list found where not expected")},
		{"ShardCount object", rawReq{target: "CreateStream", body: `{"StreamName":"a","ShardCount":{}}`}, 400,
			serializationMsg("Start of structure or map found where not expected.")},
		{"StreamName bool", rawReq{target: "CreateStream", body: `{"StreamName":true}`}, 400,
			serializationMsg("class java.lang.Boolean can not be converted to an String")},
		{"StreamName number", rawReq{target: "CreateStream", body: `{"StreamName":23}`}, 400,
			serializationMsg("class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String")},
		{"Records string", rawReq{target: "PutRecords", body: `{"StreamName":"a","Records":"23"}`}, 400, serializationMsg("Expected list or null")},
		{"Records object", rawReq{target: "PutRecords", body: `{"StreamName":"a","Records":{}}`}, 400,
			serializationMsg("Start of structure or map found where not expected.")},
		{"Records.0 not a struct", rawReq{target: "PutRecords", body: `{"StreamName":"a","Records":[23]}`}, 400, serializationMsg("Expected null")},
		{"Data bad length", rawReq{target: "PutRecords", body: `{"StreamName":"a","Records":[{"PartitionKey":"a","Data":"23456"}]}`}, 400,
			serializationMsg("'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5")},
		{"Data bad char", rawReq{target: "PutRecord", body: `{"StreamName":"a","PartitionKey":"a","Data":"=+/="}`}, 400,
			serializationMsg("'=+/=' can not be converted to a Blob: Invalid Base64 character: '='")},
		{"Data non-canonical", rawReq{target: "PutRecord", body: `{"StreamName":"a","PartitionKey":"a","Data":"+/+="}`}, 400,
			serializationMsg("'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected")},
		{"Data bool", rawReq{target: "PutRecord", body: `{"StreamName":"a","PartitionKey":"a","Data":true}`}, 400,
			serializationMsg("class java.lang.Boolean can not be converted to a Blob")},
		{"Tags list", rawReq{target: "AddTagsToStream", body: `{"StreamName":"a","Tags":[]}`}, 400, serializationMsg("Start of list found where not expected")},
		{"Tags string", rawReq{target: "AddTagsToStream", body: `{"StreamName":"a","Tags":"x"}`}, 400, serializationMsg("Expected map or null")},
		{"Timestamp string", rawReq{target: "GetShardIterator", body: `{"StreamName":"a","ShardId":"0","ShardIteratorType":"AT_TIMESTAMP","Timestamp":"2020-01-01"}`}, 400,
			serializationMsg("Unexpected field type")},
		// kinesalite test/putRecords.js
		{"PutRecords {}", rawReq{target: "PutRecords", body: `{}`}, 400, validation("2 validation errors detected: " +
			"Value null at 'records' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'streamName' failed to satisfy constraint: Member must not be null")},
		{"PutRecords empty", rawReq{target: "PutRecords", body: `{"StreamName":"","Records":[]}`}, 400, validation("3 validation errors detected: " +
			"Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
			"Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
			"Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1")},
		{"PutRecords long name", rawReq{target: "PutRecords", body: `{"StreamName":"` + long + `","Records":[{"PartitionKey":"a","Data":""}]}`}, 400,
			validation("1 validation error detected: Value '" + long + "' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128")},
		{"PutRecords no stream", rawReq{target: "PutRecords", body: `{"StreamName":"nope","Records":[{"PartitionKey":"a","Data":""}]}`}, 400,
			jsonErr("ResourceNotFoundException", "message", "Stream nope under account "+account+" not found.")},
		{"PutRecords record members", rawReq{target: "PutRecords", body: `{"StreamName":"a","Records":[{"PartitionKey":"","ExplicitHashKey":"x"}]}`}, 400,
			validation("3 validation errors detected: " +
				"Value '' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				"Value null at 'records.1.member.data' failed to satisfy constraint: Member must not be null; " +
				"Value 'x' at 'records.1.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})")},
		// kinesalite test/putRecord.js
		{"PutRecord {}", rawReq{target: "PutRecord", body: `{}`}, 400, validation("3 validation errors detected: " +
			"Value null at 'partitionKey' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'data' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'streamName' failed to satisfy constraint: Member must not be null")},
		{"PutRecord bad members", rawReq{target: "PutRecord", body: `{"StreamName":"a","PartitionKey":"` + strings.Repeat("a", 257) + `","Data":"","ExplicitHashKey":"","SequenceNumberForOrdering":"a"}`}, 400,
			validation("3 validation errors detected: " +
				"Value 'a' at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128}); " +
				"Value '" + strings.Repeat("a", 257) + "' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256; " +
				"Value '' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})")},
		// kinesalite test/getShardIterator.js (members in that order)
		{"GetShardIterator {}", rawReq{target: "GetShardIterator", body: `{}`}, 400, validation("3 validation errors detected: " +
			"Value null at 'shardId' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'shardIteratorType' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'streamName' failed to satisfy constraint: Member must not be null")},
		{"GetShardIterator bad type", rawReq{target: "GetShardIterator", body: `{"StreamName":"a","ShardId":"a","ShardIteratorType":"foo"}`}, 400,
			validation("1 validation error detected: Value 'foo' at 'shardIteratorType' failed to satisfy constraint: " +
				"Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]")},
		// Validation comes before existence (the issue: retention over 8760).
		{"retention too long, no stream", rawReq{target: "IncreaseStreamRetentionPeriod", body: `{"StreamName":"nope","RetentionPeriodHours":8761}`}, 400,
			validation("1 validation error detected: Value '8761' at 'retentionPeriodHours' failed to satisfy constraint: Member must have value less than or equal to 8760")},
		{"GetRecords {}", rawReq{target: "GetRecords", body: `{}`}, 400,
			validation("1 validation error detected: Value null at 'shardIterator' failed to satisfy constraint: Member must not be null")},
		{"GetRecords limit", rawReq{target: "GetRecords", body: `{"ShardIterator":"","Limit":0}`}, 400, validation("2 validation errors detected: " +
			"Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
			"Value '' at 'shardIterator' failed to satisfy constraint: Member must have length greater than or equal to 1")},
		{"RemoveTags keys", rawReq{target: "RemoveTagsFromStream", body: `{"StreamName":"a","TagKeys":["` + long + `"]}`}, 400,
			validation("1 validation error detected: Value '[" + long + "]' at 'tagKeys' failed to satisfy constraint: " +
				"Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")},
	})
}

// TestKinesisChecksAndTexts: the checks that come after validation, in
// Kinesis's order and words.
func TestKinesisChecksAndTexts(t *testing.T) {
	p := startInProcess(t, nil)
	c := newClient(p.addr)
	createActive(t, c, "S", 3)
	ok := func(op, body string) string {
		t.Helper()
		res := rawReq{target: op, body: body}.do(t, p.addr)
		if res.status != 200 {
			t.Fatalf("%s %s: %d %s", op, body, res.status, res.body)
		}
		return res.body
	}
	mustEither := "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or " +
		"(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified "
	runConformance(t, p.addr, []conformanceCase{
		// Shard-ID format and range come before the stream (kinesalite
		// actions/getShardIterator.js; the issue).
		{"shard out of range", rawReq{target: "GetShardIterator", body: `{"StreamName":"nope","ShardId":"2147483648","ShardIteratorType":"LATEST"}`}, 400,
			jsonErr("ResourceNotFoundException", "message", "Could not find shard 2147483648 in stream nope under account "+account+".")},
		{"shard, no stream", rawReq{target: "GetShardIterator", body: `{"StreamName":"nope","ShardId":"shard-1","ShardIteratorType":"LATEST"}`}, 400,
			jsonErr("ResourceNotFoundException", "message", "Shard shardId-000000000001 in stream nope under account "+account+" does not exist")},
		{"shard not in stream", rawReq{target: "GetShardIterator", body: `{"StreamName":"S","ShardId":"shardId-5","ShardIteratorType":"LATEST"}`}, 400,
			jsonErr("ResourceNotFoundException", "message", "Shard shardId-000000000005 in stream S under account "+account+" does not exist")},
		{"LATEST with number", rawReq{target: "GetShardIterator", body: `{"StreamName":"S","ShardId":"0","ShardIteratorType":"LATEST","StartingSequenceNumber":"1"}`}, 400,
			jsonErr("InvalidArgumentException", "message", mustEither+"LATEST and also a StartingSequenceNumber.")},
		{"TRIM_HORIZON with number", rawReq{target: "GetShardIterator", body: `{"StreamName":"S","ShardId":"0","ShardIteratorType":"TRIM_HORIZON","StartingSequenceNumber":"1"}`}, 400,
			jsonErr("InvalidArgumentException", "message", mustEither+"TRIM_HORIZON and also a StartingSequenceNumber.")},
		{"AT_SEQUENCE_NUMBER without", rawReq{target: "GetShardIterator", body: `{"StreamName":"S","ShardId":"0","ShardIteratorType":"AT_SEQUENCE_NUMBER"}`}, 400,
			jsonErr("InvalidArgumentException", "message", mustEither+"AT_SEQUENCE_NUMBER and no StartingSequenceNumber.")},
		{"bad sequence number", rawReq{target: "GetShardIterator", body: `{"StreamName":"S","ShardId":"0","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"12345"}`}, 400,
			jsonErr("InvalidArgumentException", "message", "StartingSequenceNumber 12345 used in GetShardIterator on shard shardId-000000000000 in stream S under account "+account+" is invalid.")},
		// Retention (kinesalite actions/increaseStreamRetentionPeriod.js; the issue).
		{"retention too short", rawReq{target: "IncreaseStreamRetentionPeriod", body: `{"StreamName":"S","RetentionPeriodHours":23}`}, 400,
			jsonErr("InvalidArgumentException", "message", "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.")},
		{"retention, no stream", rawReq{target: "IncreaseStreamRetentionPeriod", body: `{"StreamName":"nope","RetentionPeriodHours":23}`}, 400,
			jsonErr("ResourceNotFoundException", "message", "Stream nope under account "+account+" not found.")},
		// kinesalite actions/putRecord.js
		{"ExplicitHashKey range", rawReq{target: "PutRecord", body: `{"StreamName":"S","PartitionKey":"a","Data":"","ExplicitHashKey":"340282366920938463463374607431768211456"}`}, 400,
			jsonErr("InvalidArgumentException", "message", "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456")},
		{"SequenceNumberForOrdering", rawReq{target: "PutRecord", body: `{"StreamName":"S","PartitionKey":"a","Data":"","SequenceNumberForOrdering":"1"}`}, 400,
			jsonErr("InvalidArgumentException", "message", "ExclusiveMinimumSequenceNumber 1 used in PutRecord on stream S under account "+account+" is invalid.")},
		// Tags (the text).
		{"tag characters", rawReq{target: "AddTagsToStream", body: `{"StreamName":"S","Tags":{"a":"b;"}}`}, 400,
			jsonErr("InvalidArgumentException", "message", "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.")},
		// Operations without output answer an empty body (kinesalite
		// test/createStream.js: res.body.should.equal('')).
		{"AddTagsToStream", rawReq{target: "AddTagsToStream", body: `{"StreamName":"S","Tags":{"a":"b c@d"}}`}, 200, ""},
		{"IncreaseStreamRetentionPeriod", rawReq{target: "IncreaseStreamRetentionPeriod", body: `{"StreamName":"S","RetentionPeriodHours":48}`}, 200, ""},
		{"RemoveTagsFromStream", rawReq{target: "RemoveTagsFromStream", body: `{"StreamName":"S","TagKeys":["a"]}`}, 200, ""},
	})

	// Loose shard IDs name the shard they number.
	var it struct{ ShardIterator string }
	for _, id := range []string{"shard-1", "anything-1", "shardId-00000000000000000001", "1"} {
		if err := json.Unmarshal([]byte(ok("GetShardIterator", `{"StreamName":"S","ShardId":"`+id+`","ShardIteratorType":"TRIM_HORIZON"}`)), &it); err != nil {
			t.Fatal(err)
		}
	}
	// Iterators are standard base64 of Kinesis's length (kinesalite
	// test/helpers.js assertShardIterator).
	raw, err := base64.StdEncoding.DecodeString(it.ShardIterator)
	if err != nil || base64.StdEncoding.EncodeToString(raw) != it.ShardIterator || len(raw) != 152+(len("S")+2)/16*16 ||
		!bytes.Equal(raw[:8], []byte{0, 0, 0, 0, 0, 0, 0, 1}) {
		t.Fatalf("iterator %q: %d bytes, %v", it.ShardIterator, len(raw), err)
	}
	// Sequence numbers: 56 digits that encode the shard (kinesalite
	// test/helpers.js assertSequenceNumber), the same in PutRecord's answer
	// and in GetRecords.
	var put struct{ ShardId, SequenceNumber string }
	if err := json.Unmarshal([]byte(ok("PutRecord", `{"StreamName":"S","PartitionKey":"a","Data":"aGk=","ExplicitHashKey":"0"}`)), &put); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\d{56}$`).MatchString(put.SequenceNumber) || put.ShardId != "shardId-000000000000" {
		t.Fatalf("PutRecord: %+v", put)
	}
	if _, shard, okShard, err := streamlog.ParseAWSSeq(put.SequenceNumber); err != nil || !okShard || shard != 0 {
		t.Fatalf("sequence number %s: shard %d %v", put.SequenceNumber, shard, err)
	}
	ok("PutRecord", `{"StreamName":"S","PartitionKey":"a","Data":"aGk=","ExplicitHashKey":"0","SequenceNumberForOrdering":"`+put.SequenceNumber+`"}`)
	if err := json.Unmarshal([]byte(ok("GetShardIterator", `{"StreamName":"S","ShardId":"shard-0","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"`+put.SequenceNumber+`"}`)), &it); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Records []struct{ SequenceNumber, Data string }
	}
	if err := json.Unmarshal([]byte(ok("GetRecords", `{"ShardIterator":"`+it.ShardIterator+`"}`)), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Records) != 2 || got.Records[0].SequenceNumber != put.SequenceNumber || got.Records[0].Data != "aGk=" || got.Records[1].SequenceNumber <= put.SequenceNumber {
		t.Fatalf("GetRecords: %+v, put %s", got.Records, put.SequenceNumber)
	}
	// AT_TIMESTAMP in the future.
	future := time.Now().Add(time.Hour).Unix()
	res := rawReq{target: "GetShardIterator", body: fmt.Sprintf(`{"StreamName":"S","ShardId":"0","ShardIteratorType":"AT_TIMESTAMP","Timestamp":%d}`, future)}.do(t, p.addr)
	if res.status != 400 || !strings.Contains(res.body, `"__type":"InvalidArgumentException"`) ||
		!strings.Contains(res.body, "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: "+fmt.Sprint(future*1000)) {
		t.Fatalf("AT_TIMESTAMP in the future: %d %s", res.status, res.body)
	}

	// Through the SDK: the same errors, as the SDK reports them.
	_, err = c.CreateStream(context.Background(), &kinesis.CreateStreamInput{StreamName: aws.String(""), ShardCount: aws.Int32(0)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" || !strings.HasPrefix(ae.ErrorMessage(), "3 validation errors detected: Value '0' at 'shardCount'") {
		t.Fatalf("SDK CreateStream: %v", err)
	}
	_, err = c.IncreaseStreamRetentionPeriod(context.Background(), &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("S"), RetentionPeriodHours: aws.Int32(23)})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidArgumentException" || ae.ErrorMessage() != "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short." {
		t.Fatalf("SDK retention: %v", err)
	}
}

// TestCreatingAndDeletingStates: DescribeStream lists no shards while a
// stream is CREATING (kinesalite test/createStream.js), and DeleteStream
// of a DELETING stream succeeds again.
func TestCreatingAndDeletingStates(t *testing.T) {
	var clock fakeClock
	clock.ms.Store(time.Now().UnixMilli())
	p := startInProcessWith(t, streamlog.Options{Now: clock.now, TransitionDelay: time.Minute})
	do := func(op, body string) rawRes { return rawReq{target: op, body: body}.do(t, p.addr) }
	if res := do("CreateStream", `{"StreamName":"c","ShardCount":2}`); res.status != 200 || res.body != "" {
		t.Fatalf("create: %d %q", res.status, res.body)
	}
	var d struct {
		StreamDescription struct {
			StreamStatus  string
			Shards        []any
			HasMoreShards bool
		}
	}
	res := do("DescribeStream", `{"StreamName":"c"}`)
	if err := json.Unmarshal([]byte(res.body), &d); err != nil || d.StreamDescription.StreamStatus != "CREATING" ||
		d.StreamDescription.Shards == nil || len(d.StreamDescription.Shards) != 0 || d.StreamDescription.HasMoreShards {
		t.Fatalf("describe while CREATING: %s", res.body)
	}
	clock.advance(2 * time.Minute)
	if res := do("DeleteStream", `{"StreamName":"c"}`); res.status != 200 || res.body != "" {
		t.Fatalf("delete: %d %q", res.status, res.body)
	}
	if res := do("DeleteStream", `{"StreamName":"c"}`); res.status != 200 || res.body != "" {
		t.Fatalf("delete while DELETING: %d %q", res.status, res.body)
	}
	clock.advance(2 * time.Minute)
	if res := do("DeleteStream", `{"StreamName":"c"}`); res.status != 400 ||
		!sameBody(res.body, jsonErr("ResourceNotFoundException", "message", "Stream c under account "+account+" not found.")) {
		t.Fatalf("delete after: %d %q", res.status, res.body)
	}
}

// TestSDKWithCredentials: the AWS SDK for Go v2, signing with its own
// signer, against a server with configured credentials.
func TestSDKWithCredentials(t *testing.T) {
	sl, err := streamlog.Open(t.TempDir(), streamlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := awsjson.NewServer(nil, nil)
	srv.SetCredentials(map[string]string{"blueshift": "blueshift"}) // kinesisclient's key
	srv.Register(kinesisapi.New(sl, kinesisapi.Options{ShardLimit: 4}).Service())
	addr := serve(t, srv, sl)
	ctx := context.Background()
	c := newClient(addr)
	createActive(t, c, "signed", 3)
	other := kinesisclient.New(addr, 0, 10*time.Second, func(o *kinesis.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider("blueshift", "wrong", "")
	})
	_, err = other.ListStreams(ctx, &kinesis.ListStreamsInput{})
	wantCode(t, err, "InvalidSignatureException")

	// The account's shard quota (kinesalite test/createStream.js words it).
	_, err = c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("big"), ShardCount: aws.Int32(1000)})
	var ae smithy.APIError
	want := "This request would exceed the shard limit for the account 000000000000 in us-east-1. Current shard count for the account: 3. Limit: 4. " +
		"Number of additional shards that would have resulted from this request: 1000. " +
		"Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits."
	if !errors.As(err, &ae) || ae.ErrorCode() != "LimitExceededException" || ae.ErrorMessage() != want {
		t.Fatalf("CreateStream over the quota: %v", err)
	}
	lim, err := c.DescribeLimits(ctx, &kinesis.DescribeLimitsInput{})
	if err != nil || *lim.ShardLimit != 4 || *lim.OpenShardCount != 3 {
		t.Fatalf("DescribeLimits: %v %+v", err, lim)
	}

	// SubscribeToShard is signed and verified as any other request.
	consumer := activeConsumer(t, c, "arn:aws:kinesis:us-east-1:000000000000:stream/signed", "app")
	stream, _ := subscribe(t, streamingClient(addr), &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(consumer),
		ShardId: aws.String("shardId-000000000000"), StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest}})
	_ = stream.Close()
	wrong := streamingClient(addr)
	_, err = wrong.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(consumer),
		ShardId: aws.String("shardId-000000000001"), StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest}},
		func(o *kinesis.Options) {
			o.Credentials = credentials.NewStaticCredentialsProvider("blueshift", "wrong", "")
		})
	wantCode(t, err, "InvalidSignatureException")
}

// serve serves h on a loopback listener until the test ends, then closes sl.
func serve(t *testing.T, h http.Handler, sl *streamlog.Log) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h}
	done := make(chan struct{})
	go func() { defer close(done); _ = hs.Serve(ln) }()
	t.Cleanup(func() {
		_ = hs.Close()
		<-done
		if err := sl.Close(); err != nil {
			t.Error(err)
		}
	})
	return ln.Addr().String()
}

// TestReshardChecks: SplitShard and MergeShards check shard IDs, ranges
// and state in Kinesis's order and words (kinesalite actions/splitShard.js
// and mergeShards.js record them).
func TestReshardChecks(t *testing.T) {
	p := startInProcess(t, nil)
	createActive(t, newClient(p.addr), "R", 2)
	runConformance(t, p.addr, []conformanceCase{
		{"split bad shard", rawReq{target: "SplitShard", body: `{"StreamName":"nope","ShardToSplit":"a-b","NewStartingHashKey":"1"}`}, 400,
			jsonErr("ResourceNotFoundException", "message", "Could not find shard a-b in stream nope under account "+account+".")},
		{"split, no stream", rawReq{target: "SplitShard", body: `{"StreamName":"nope","ShardToSplit":"shard-0","NewStartingHashKey":"1"}`}, 400,
			jsonErr("ResourceNotFoundException", "message", "Stream nope under account "+account+" not found.")},
		{"split, no shard", rawReq{target: "SplitShard", body: `{"StreamName":"R","ShardToSplit":"shard-7","NewStartingHashKey":"1"}`}, 400,
			jsonErr("ResourceNotFoundException", "message", "Could not find shard shardId-000000000007 in stream R under account "+account+".")},
		{"split at the start", rawReq{target: "SplitShard", body: `{"StreamName":"R","ShardToSplit":"shardId-0","NewStartingHashKey":"1"}`}, 400,
			jsonErr("InvalidArgumentException", "message", "NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream R under account "+account+
				" is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey 170141183460469231731687303715884105727.")},
		{"merge, not adjacent", rawReq{target: "MergeShards", body: `{"StreamName":"R","ShardToMerge":"shard-0","AdjacentShardToMerge":"shard-0"}`}, 400,
			jsonErr("InvalidArgumentException", "message", "Shards shardId-000000000000 and shardId-000000000000 in stream R under account "+account+" are not an adjacent pair of shards eligible for merging")},
		{"merge, loose IDs", rawReq{target: "MergeShards", body: `{"StreamName":"R","ShardToMerge":"shard-0","AdjacentShardToMerge":"x-1"}`}, 200, ""},
	})
}

// TestReadChecks: ListShards' argument rules and GetRecords' expired and
// orphaned iterators, in Kinesis's words (kinesalite actions/listShards.js
// and getRecords.js record them).
func TestReadChecks(t *testing.T) {
	var clock fakeClock
	start := time.Date(2015, 1, 22, 1, 22, 2, 0, time.UTC)
	clock.ms.Store(start.UnixMilli())
	p := startInProcess(t, clock.now)
	do := func(op, body string) rawRes {
		return rawReq{target: op, body: body, signTime: time.Now()}.do(t, p.addr)
	}
	if res := do("CreateStream", `{"StreamName":"L","ShardCount":1}`); res.status != 200 {
		t.Fatal(res.body)
	}
	runConformance(t, p.addr, []conformanceCase{
		{"ListShards, nothing", rawReq{target: "ListShards", body: `{}`}, 400,
			jsonErr("InvalidArgumentException", "message", "Either NextToken or StreamName should be provided.")},
		{"ListShards, both", rawReq{target: "ListShards", body: `{"StreamName":"L","NextToken":"x"}`}, 400,
			jsonErr("InvalidArgumentException", "message", "NextToken and StreamName cannot be provided together.")},
		{"GetRecords, not an iterator", rawReq{target: "GetRecords", body: `{"ShardIterator":"abc"}`}, 400,
			jsonErr("InvalidArgumentException", "message", "Invalid ShardIterator.")},
	})
	var it struct{ ShardIterator string }
	if err := json.Unmarshal([]byte(do("GetShardIterator", `{"StreamName":"L","ShardId":"0","ShardIteratorType":"LATEST"}`).body), &it); err != nil {
		t.Fatal(err)
	}
	clock.advance(5*time.Minute + time.Second)
	res := do("GetRecords", `{"ShardIterator":"`+it.ShardIterator+`"}`)
	want := jsonErr("ExpiredIteratorException", "message", "Iterator expired. The iterator was created at time Thu Jan 22 01:22:02 UTC 2015 "+
		"while right now it is Thu Jan 22 01:27:03 UTC 2015 which is further in the future than the tolerated delay of 300000 milliseconds.")
	if res.status != 400 || !sameBody(res.body, want) {
		t.Fatalf("expired: %d %s\nwant %s", res.status, res.body, want)
	}
	if err := json.Unmarshal([]byte(do("GetShardIterator", `{"StreamName":"L","ShardId":"0","ShardIteratorType":"LATEST"}`).body), &it); err != nil {
		t.Fatal(err)
	}
	if res := do("DeleteStream", `{"StreamName":"L"}`); res.status != 200 {
		t.Fatal(res.body)
	}
	res = do("GetRecords", `{"ShardIterator":"`+it.ShardIterator+`"}`)
	want = jsonErr("ResourceNotFoundException", "message", "Shard shardId-000000000000 in stream L under account "+account+" does not exist")
	if res.status != 400 || !sameBody(res.body, want) {
		t.Fatalf("deleted: %d %s\nwant %s", res.status, res.body, want)
	}
}

// TestLooseShardIDsInListings: ExclusiveStartShardId is read as Kinesis
// reads shard IDs, in DescribeStream and ListShards.
func TestLooseShardIDsInListings(t *testing.T) {
	p := startInProcess(t, nil)
	c := newClient(p.addr)
	createActive(t, c, "X", 3)
	ctx := context.Background()
	d, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("X"), ExclusiveStartShardId: aws.String("shard-0")})
	if err != nil || len(d.StreamDescription.Shards) != 2 || *d.StreamDescription.Shards[0].ShardId != "shardId-000000000001" {
		t.Fatalf("DescribeStream after shard-0: %v %+v", err, d)
	}
	l, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("X"), ExclusiveStartShardId: aws.String("1")})
	if err != nil || len(l.Shards) != 1 || *l.Shards[0].ShardId != "shardId-000000000002" {
		t.Fatalf("ListShards after 1: %v %+v", err, l)
	}
}

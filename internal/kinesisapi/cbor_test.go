package kinesisapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/fxamacker/cbor/v2"
)

// cborCall sends in as application/x-amz-cbor-1.1, as the AWS SDK for Java
// v1, the KCL and the KPL do, signed with the SDK's signer, and decodes the
// CBOR answer into out.
func cborCall(t *testing.T, addr, op string, in any, out any) int {
	t.Helper()
	body, err := cbor.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-cbor-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202."+op)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "S"}, req,
		hex.EncodeToString(sum[:]), "kinesis", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if ct := res.Header.Get("Content-Type"); ct != "application/x-amz-cbor-1.1" {
		t.Fatalf("%s: content type %q: %q", op, ct, b)
	}
	if len(b) > 0 {
		if err := cbor.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: %x: %v", op, b, err)
		}
	}
	return res.StatusCode
}

// TestCBORRoundTrip: PutRecord, PutRecords, GetShardIterator, GetRecords
// and DescribeStream in CBOR give what they give in JSON: blobs as byte
// strings and timestamps as tag 1 over epoch milliseconds, as the AWS SDKs
// write them.
func TestCBORRoundTrip(t *testing.T) {
	p := startInProcess(t, nil)
	c := newClient(p.addr)
	createActive(t, c, "cb", 2)

	var put struct{ ShardId, SequenceNumber, EncryptionType string }
	if code := cborCall(t, p.addr, "PutRecord", map[string]any{"StreamName": "cb", "PartitionKey": "k", "Data": []byte{0, 1, 2, 0xff}, "ExplicitHashKey": "0"}, &put); code != 200 ||
		put.ShardId != "shardId-000000000000" || !regexp.MustCompile(`^\d{56}$`).MatchString(put.SequenceNumber) {
		t.Fatalf("PutRecord: %d %+v", code, put)
	}
	var puts struct {
		FailedRecordCount int
		Records           []struct{ ShardId, SequenceNumber string }
	}
	if code := cborCall(t, p.addr, "PutRecords", map[string]any{"StreamName": "cb", "Records": []any{
		map[string]any{"PartitionKey": "a", "Data": []byte("one"), "ExplicitHashKey": "0"},
		map[string]any{"PartitionKey": "b", "Data": []byte("two"), "ExplicitHashKey": "0"},
	}}, &puts); code != 200 || puts.FailedRecordCount != 0 || len(puts.Records) != 2 || puts.Records[1].SequenceNumber <= put.SequenceNumber {
		t.Fatalf("PutRecords: %d %+v", code, puts)
	}
	var it struct{ ShardIterator string }
	if code := cborCall(t, p.addr, "GetShardIterator", map[string]any{"StreamName": "cb", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}, &it); code != 200 {
		t.Fatalf("GetShardIterator: %d", code)
	}
	var got struct {
		Records []struct {
			SequenceNumber              string
			PartitionKey                string
			Data                        []byte
			ApproximateArrivalTimestamp cbor.Tag
		}
		NextShardIterator  string
		MillisBehindLatest int64
	}
	if code := cborCall(t, p.addr, "GetRecords", map[string]any{"ShardIterator": it.ShardIterator}, &got); code != 200 || len(got.Records) != 3 {
		t.Fatalf("GetRecords: %d %+v", code, got)
	}
	r := got.Records[0]
	ms, _ := r.ApproximateArrivalTimestamp.Content.(uint64)
	if !bytes.Equal(r.Data, []byte{0, 1, 2, 0xff}) || r.SequenceNumber != put.SequenceNumber || r.PartitionKey != "k" ||
		r.ApproximateArrivalTimestamp.Number != 1 || time.Since(time.UnixMilli(int64(ms))) > time.Minute || got.NextShardIterator == "" {
		t.Fatalf("GetRecords record: %+v", r)
	}
	if string(got.Records[2].Data) != "two" || got.Records[1].SequenceNumber != puts.Records[0].SequenceNumber {
		t.Fatalf("GetRecords: %+v", got.Records)
	}
	// The same read in JSON gives the same records.
	var js struct {
		Records []struct {
			SequenceNumber              string
			Data                        []byte
			ApproximateArrivalTimestamp float64
		}
	}
	res := rawReq{target: "GetRecords", body: `{"ShardIterator":"` + it.ShardIterator + `"}`}.do(t, p.addr)
	if err := json.Unmarshal([]byte(res.body), &js); err != nil || len(js.Records) != 3 {
		t.Fatalf("JSON GetRecords: %v %s", err, res.body)
	}
	for i := range js.Records {
		cm, _ := got.Records[i].ApproximateArrivalTimestamp.Content.(uint64)
		if js.Records[i].SequenceNumber != got.Records[i].SequenceNumber || !bytes.Equal(js.Records[i].Data, got.Records[i].Data) ||
			int64(js.Records[i].ApproximateArrivalTimestamp*1000+0.5) != int64(cm) {
			t.Fatalf("record %d: JSON %+v, CBOR %+v", i, js.Records[i], got.Records[i])
		}
	}

	var desc struct {
		StreamDescription struct {
			StreamName              string
			StreamStatus            string
			Shards                  []struct{ ShardId string }
			StreamCreationTimestamp cbor.Tag
		}
	}
	if code := cborCall(t, p.addr, "DescribeStream", map[string]any{"StreamName": "cb"}, &desc); code != 200 ||
		desc.StreamDescription.StreamName != "cb" || len(desc.StreamDescription.Shards) != 2 || desc.StreamDescription.StreamCreationTimestamp.Number != 1 {
		t.Fatalf("DescribeStream: %d %+v", code, desc)
	}
	// Errors come back in CBOR too.
	var e map[string]string
	if code := cborCall(t, p.addr, "DescribeStream", map[string]any{"StreamName": "nope"}, &e); code != 400 ||
		e["__type"] != "ResourceNotFoundException" || e["message"] != "Stream nope under account 000000000000 not found." {
		t.Fatalf("DescribeStream error: %d %v", code, e)
	}
	// Operations without output answer an empty body.
	if code := cborCall(t, p.addr, "AddTagsToStream", map[string]any{"StreamName": "cb", "Tags": map[string]any{"a": "b"}}, &e); code != 200 {
		t.Fatalf("AddTagsToStream: %d", code)
	}
}

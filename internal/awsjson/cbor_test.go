package awsjson

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/fxamacker/cbor/v2"
)

// FuzzCBORRequest: any bytes a client sends as CBOR either translate to one
// JSON object or are refused, never a panic or invalid JSON.
func FuzzCBORRequest(f *testing.F) {
	c := &CBORCodec{}
	for _, v := range []any{
		map[string]any{"StreamName": "s", "Data": []byte("hi"), "PartitionKey": "k"},
		map[string]any{"Records": []any{map[string]any{"Data": []byte{0, 1}, "PartitionKey": "k"}}, "StreamName": "s"},
		map[string]any{"Timestamp": cbor.Tag{Number: 1, Content: int64(1700000000123)}, "ShardIteratorType": "AT_TIMESTAMP"},
		map[string]any{"Limit": 10, "F": 1.5, "B": true, "N": nil},
		[]any{1, 2},
	} {
		b, err := cbor.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0xbf, 0x61, 'a', 0x01, 0xff}) // indefinite-length map
	f.Fuzz(func(t *testing.T, body []byte) {
		out, err := c.toJSON(body, "Op")
		if err != nil {
			return
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("%x -> %q: %v", body, out, err)
		}
	})
}

func TestCBORTranslation(t *testing.T) {
	c := &CBORCodec{Blobs: map[string]bool{"Data": true}, Timestamps: map[string]bool{"At": true}}
	in, _ := cbor.Marshal(map[string]any{"Data": []byte("hi"), "Timestamp": cbor.Tag{Number: 1, Content: int64(1700000000123)}, "N": 3})
	j, err := c.toJSON(in, "Op")
	if err != nil || string(j) != `{"Data":"aGk=","N":3,"Timestamp":1700000000.123}` {
		t.Fatalf("toJSON: %s %v", j, err)
	}
	out, err := c.fromJSON([]byte(`{"Records":[{"Data":"aGk=","At":1700000000.123,"S":"x"}],"N":2}`), "Op")
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Records []struct {
			Data []byte
			At   cbor.Tag
			S    string
		}
		N int
	}
	if err := cbor.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	r := back.Records[0]
	if string(r.Data) != "hi" || r.At.Number != 1 || r.At.Content != uint64(1700000000123) || r.S != "x" || back.N != 2 {
		t.Fatalf("fromJSON: %+v", back)
	}
}

// TestCBORUnknownTarget: a CBOR request for no known service or operation
// is UnknownOperationException in CBOR, with no message (as AWS).
func TestCBORUnknownTarget(t *testing.T) {
	s := testServer()
	s.Register(&Service{Prefix: "Cb_1", ContentType: "application/x-amz-json-1.1", CBOR: &CBORCodec{}, Operations: map[string]Handler{}})
	body, _ := cbor.Marshal(map[string]any{"A": 1})
	for _, target := range []string{"", "Cb_1.Nope"} {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", "application/x-amz-cbor-1.1")
		req.Header.Set("X-Amz-Date", "20260101T000000Z")
		req.Header.Set("Authorization", testAuth)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		var m map[string]string
		if err := cbor.Unmarshal(rec.Body.Bytes(), &m); err != nil || rec.Code != 400 || len(m) != 1 || m["__type"] != UnknownOperationException ||
			rec.Header().Get("Content-Type") != "application/x-amz-cbor-1.1" {
			t.Errorf("%q: %d %v %v", target, rec.Code, m, err)
		}
	}
}

// TestCBORSigned: a CBOR request is verified over the bytes the client
// signed (the CBOR body), not over its JSON translation.
func TestCBORSigned(t *testing.T) {
	s := testServer()
	s.SetCredentials(map[string]string{"AKIDCBOR": "secret"})
	s.Register(&Service{Prefix: "Cb_1", ContentType: "application/x-amz-json-1.1", CBOR: &CBORCodec{Blobs: map[string]bool{"A": true}},
		Operations: map[string]Handler{"Echo": func(ctx context.Context, body []byte) (any, error) { return Raw(body), nil }}})
	body, _ := cbor.Marshal(map[string]any{"A": []byte("x")})
	req := httptest.NewRequest(http.MethodPost, "http://localhost/", bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", "Cb_1.Echo")
	req.Header.Set("Content-Type", "application/x-amz-cbor-1.1")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDCBOR", SecretAccessKey: "secret"}, req,
		hex.EncodeToString(sum[:]), "kinesis", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var m map[string][]byte
	if err := cbor.Unmarshal(rec.Body.Bytes(), &m); rec.Code != 200 || err != nil || string(m["A"]) != "x" {
		t.Fatalf("%d %x %v", rec.Code, rec.Body.Bytes(), err)
	}
}

package awsjson

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const testAuth = "AWS4-HMAC-SHA256 Credential=AKID123/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"

func testServer() *Server {
	s := NewServer(nil, nil)
	s.MaxBody = 64
	s.Register(&Service{Prefix: "Svc_1", ContentType: "application/x-amz-json-1.1", Operations: map[string]Handler{
		"Echo": func(ctx context.Context, body []byte) (any, error) {
			var in struct{ A int }
			if err := Decode(body, &in); err != nil {
				return nil, err
			}
			return map[string]any{"A": in.A, "Key": AccessKey(ctx)}, nil
		},
		"Fail": func(ctx context.Context, body []byte) (any, error) { return nil, Errorf("NopeException", "no %d", 7) },
		"Bug":  func(ctx context.Context, body []byte) (any, error) { return nil, context.DeadlineExceeded },
		"None": func(ctx context.Context, body []byte) (any, error) { return nil, nil },
	}})
	return s
}

func TestServerEnvelopeAndDispatch(t *testing.T) {
	s := testServer()
	do := func(target, body string) (int, http.Header, string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Date", "20260101T000000Z")
		req.Header.Set("Authorization", testAuth)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code, rec.Header(), rec.Body.String()
	}
	code, h, body := do("Svc_1.Echo", `{"A": 3}`)
	var m map[string]any
	_ = json.Unmarshal([]byte(body), &m)
	if code != 200 || m["A"] != 3.0 || m["Key"] != "AKID123" || h.Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Fatalf("Echo: %d %v %v", code, m, h)
	}
	// Expected bodies: AWS's (observed; kinesalite's connection tests
	// record the same): SerializationException and
	// UnknownOperationException carry no message; InternalFailure none.
	cases := []struct {
		target, body string
		status       int
		want         string
	}{
		{"Svc_1.Echo", `{"A": `, 400, `{"__type":"SerializationException"}`},
		{"Svc_1.Echo", `hello`, 400, `{"__type":"SerializationException"}`},
		{"Svc_1.Echo", ``, 400, `{"__type":"SerializationException"}`},
		{"Svc_1.Echo", `{"A": "x"}`, 400, `{"__type":"SerializationException","Message":"class java.lang.String can not be converted to an Integer"}`},
		{"Svc_1.Nope", `{}`, 400, `{"__type":"UnknownOperationException"}`},
		{"Svc_1.Nope", ``, 400, `{"__type":"UnknownOperationException"}`},
		// Not AWS's (AWS routes by host): a service this server does not
		// serve is named, with what it does serve.
		{"DynamoDB_20120810.GetItem", `{}`, 400, `{"__type":"UnknownOperationException","message":"DynamoDB_20120810 is not served on this endpoint; it serves Svc_1"}`},
		{"", `{}`, 400, `{"__type":"UnknownOperationException"}`},
		{"Svc_1.Fail", `{}`, 400, `{"__type":"NopeException","message":"no 7"}`},
		{"Svc_1.Bug", `{}`, 500, `{"__type":"InternalFailure"}`},
		{"Svc_1.None", `{}`, 200, ``},
	}
	for _, c := range cases {
		code, _, body := do(c.target, c.body)
		if code != c.status || body != c.want {
			t.Errorf("%s %q: %d %s, want %d %s", c.target, c.body, code, body, c.status, c.want)
		}
	}
	if code, _, _ := do("Svc_1.Echo", `{"A": 1, "pad": "`+strings.Repeat("x", 64)+`"}`); code != 413 {
		t.Errorf("large body: %d", code)
	}
}

func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=ab")
	f.Add("Basic abc")
	f.Fuzz(func(t *testing.T, h string) {
		key, region, ok := ParseAuthorization(h)
		if ok && (key == "" || strings.Contains(key, "/") || strings.Contains(region, "/")) {
			t.Fatalf("%q -> %q %q", h, key, region)
		}
	})
}

// TestJSON10Service: a JSON 1.0 service (as DynamoDB) on the same server,
// with its own __type prefixes, gets the same envelope, type checks and
// validation as Kinesis, in its own content type. The texts are the forms
// DynamoDB answers ("com.amazonaws.dynamodb.v20120810#ValidationException",
// lowercase message; coral's SerializationException with "Message").
func TestJSON10Service(t *testing.T) {
	s := testServer()
	s.Register(&Service{
		Prefix: "DynamoDB_20120810", ContentType: "application/x-amz-json-1.0",
		Operations: map[string]Handler{"DescribeTable": func(ctx context.Context, body []byte) (any, error) {
			return map[string]any{"Table": map[string]any{}}, nil
		}},
		Inputs: map[string]*Shape{"DescribeTable": {Type: Structure, Members: []Member{
			{Name: "TableName", Required: true, Shape: &Shape{Type: String, MinLen: Int(3), MaxLen: Int(255), Pattern: `[a-zA-Z0-9_.-]+`}},
		}}},
		ErrorType: func(t string) string {
			switch t {
			case SerializationException, UnknownOperationException, MissingAuthenticationTokenException:
				return "com.amazon.coral.service#" + t
			}
			return "com.amazonaws.dynamodb.v20120810#" + t
		},
	})
	do := func(body string) (int, string, string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810.DescribeTable")
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Date", "20260101T000000Z")
		req.Header.Set("Authorization", strings.Replace(testAuth, "kinesis", "dynamodb", 1))
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code, rec.Header().Get("Content-Type"), rec.Body.String()
	}
	for _, c := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"TableName":"users"}`, 200, `{"Table":{}}`},
		{`{}`, 400, `{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"}`},
		{`{"TableName":1}`, 400, `{"__type":"com.amazon.coral.service#SerializationException","Message":"class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"}`},
		{`{"TableName":`, 400, `{"__type":"com.amazon.coral.service#SerializationException"}`},
	} {
		code, ct, body := do(c.body)
		if code != c.status || ct != "application/x-amz-json-1.0" || body != c.want {
			t.Errorf("%s: %d %s %s\nwant %d %s", c.body, code, ct, body, c.status, c.want)
		}
	}
}

// FuzzServer: whatever the content type, target, auth and body, the server
// answers (never panics) and only the failing handler gets a 5xx.
func FuzzServer(f *testing.F) {
	s := testServer()
	s.Register(&Service{Prefix: "Cb_1", ContentType: "application/x-amz-json-1.1", CBOR: &CBORCodec{},
		Operations: map[string]Handler{"Echo": func(ctx context.Context, body []byte) (any, error) { return Raw(body), nil }},
		Inputs:     map[string]*Shape{"Echo": testShape}})
	types := []string{"", "application/x-amz-json-1.1", "application/json", "application/x-amz-cbor-1.1", "text/plain", "application/x-amz-json-1.0"}
	f.Add(uint8(1), "Svc_1.Echo", true, []byte(`{"A":1}`))
	f.Add(uint8(3), "Cb_1.Echo", true, []byte{0xa1, 0x61, 'A', 0x01})
	f.Add(uint8(3), "Nope.X", false, []byte{0xff})
	f.Add(uint8(2), "", false, []byte(`hello`))
	f.Fuzz(func(t *testing.T, ct uint8, target string, signed bool, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", target)
		if c := types[int(ct)%len(types)]; c != "" {
			req.Header.Set("Content-Type", c)
		}
		if signed {
			req.Header.Set("X-Amz-Date", "20260101T000000Z")
			req.Header.Set("Authorization", testAuth)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 && target != "Svc_1.Bug" {
			t.Fatalf("%q %q: %d %s", target, body, rec.Code, rec.Body)
		}
	})
}

// TestClientCancelIsNotAFailure: an operation that ends because its
// client went away is logged as that, not as a failed request (an error
// in the server's log).
func TestClientCancelIsNotAFailure(t *testing.T) {
	var logs bytes.Buffer
	s := NewServer(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), nil)
	s.Register(&Service{Prefix: "Svc_1", ContentType: "application/x-amz-json-1.1", Operations: map[string]Handler{
		"Wait": func(ctx context.Context, body []byte) (any, error) {
			<-ctx.Done()
			return nil, fmt.Errorf("wait: %w", ctx.Err())
		},
	}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`)).WithContext(ctx)
	req.Header.Set("X-Amz-Target", "Svc_1.Wait")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Date", "20260101T000000Z")
	req.Header.Set("Authorization", testAuth)
	s.ServeHTTP(httptest.NewRecorder(), req)
	if strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "request canceled by the client") {
		t.Fatalf("logs:\n%s", logs.String())
	}
}

package awsjson

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestServerEnvelopeAndDispatch(t *testing.T) {
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
	}})
	do := func(target, body, auth string) (int, http.Header, map[string]any) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", target)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatalf("%s: response not JSON: %q", target, rec.Body.String())
		}
		return rec.Code, rec.Header(), m
	}
	auth := "AWS4-HMAC-SHA256 Credential=AKID123/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00"
	if code, h, m := do("Svc_1.Echo", `{"A": 3}`, auth); code != 200 || m["A"] != 3.0 || m["Key"] != "AKID123" || h.Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Fatalf("Echo: %d %v %v", code, m, h)
	}
	cases := []struct {
		target, body string
		status       int
		typ          string
	}{
		{"Svc_1.Echo", `{"A": `, 400, SerializationException},
		{"Svc_1.Echo", `{"A": "x"}`, 400, SerializationException},
		{"Svc_1.Echo", `{"A": 1, "pad": "` + strings.Repeat("x", 64) + `"}`, 413, RequestEntityTooLarge},
		{"Svc_1.Nope", `{}`, 400, UnknownOperationException},
		{"Other_1.Echo", `{}`, 400, UnknownOperationException},
		{"", `{}`, 400, UnknownOperationException},
		{"Svc_1.Fail", `{}`, 400, "NopeException"},
		{"Svc_1.Bug", `{}`, 500, InternalFailure},
	}
	for _, c := range cases {
		code, h, m := do(c.target, c.body, "")
		if code != c.status || m["__type"] != c.typ || h.Get("X-Amzn-ErrorType") != c.typ || m["message"] == "" {
			t.Errorf("%s %q: %d %v, want %d %s", c.target, c.body, code, m, c.status, c.typ)
		}
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

package awsjson

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestSigV4Verification signs requests with the AWS SDK's own signer and
// checks what a server with configured credentials answers. The error
// types and texts are AWS's (observed answers of AWS JSON services to the
// same mistakes).
func TestSigV4Verification(t *testing.T) {
	now := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	s := testServer()
	s.Now = func() time.Time { return now }
	s.SetCredentials(map[string]string{"AKIDGOOD": "good-secret", "AKIDOTHER": "other-secret"})

	type req struct {
		key, secret, token string
		at                 time.Time
		body               string
		tamper             func(*http.Request)
	}
	do := func(r req) (int, map[string]any) {
		body := r.body
		if body == "" {
			body = `{"A": 1}`
		}
		hr := httptest.NewRequest(http.MethodPost, "http://localhost:4566/", strings.NewReader(body))
		hr.Header.Set("X-Amz-Target", "Svc_1.Echo")
		hr.Header.Set("Content-Type", "application/x-amz-json-1.1")
		at := r.at
		if at.IsZero() {
			at = now.Add(-time.Minute)
		}
		sum := sha256.Sum256([]byte(body))
		creds := aws.Credentials{AccessKeyID: r.key, SecretAccessKey: r.secret, SessionToken: r.token}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, hr, hex.EncodeToString(sum[:]), "kinesis", "us-east-1", at); err != nil {
			t.Fatal(err)
		}
		if r.tamper != nil {
			r.tamper(hr)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, hr)
		var m map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &m)
		return rec.Code, m
	}
	const badSig = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	cases := []struct {
		name    string
		r       req
		status  int
		typ     string
		message string
	}{
		{"configured key", req{key: "AKIDGOOD", secret: "good-secret"}, 200, "", ""},
		{"second key", req{key: "AKIDOTHER", secret: "other-secret"}, 200, "", ""},
		{"session token", req{key: "AKIDGOOD", secret: "good-secret", token: "tok"}, 200, "", ""},
		{"wrong secret", req{key: "AKIDGOOD", secret: "bad"}, 400, InvalidSignatureException, badSig},
		{"unknown key", req{key: "AKIDNOPE", secret: "good-secret"}, 400, UnrecognizedClientException, "The security token included in the request is invalid."},
		{"tampered body", req{key: "AKIDGOOD", secret: "good-secret", tamper: func(r *http.Request) {
			r.Body = http.NoBody
			r.Body = nopCloser{strings.NewReader(`{"A": 2}`)}
		}}, 400, InvalidSignatureException, badSig},
		{"tampered target", req{key: "AKIDGOOD", secret: "good-secret", tamper: func(r *http.Request) { r.Header.Set("X-Amz-Target", "Svc_1.None") }},
			400, InvalidSignatureException, badSig},
		{"missing header", req{key: "AKIDGOOD", secret: "good-secret", tamper: func(r *http.Request) { r.Header.Del("Authorization") }},
			400, MissingAuthenticationTokenException, "Missing Authentication Token"},
		{"expired", req{key: "AKIDGOOD", secret: "good-secret", at: now.Add(-16 * time.Minute)}, 400, InvalidSignatureException,
			"Signature expired: 20261207T054400Z is now earlier than 20261207T054500Z (20261207T060000Z - 15 min.)"},
		{"from the future", req{key: "AKIDGOOD", secret: "good-secret", at: now.Add(16 * time.Minute)}, 400, InvalidSignatureException,
			"Signature not yet current: 20261207T061600Z is still later than 20261207T061500Z (20261207T060000Z + 15 min.)"},
	}
	for _, c := range cases {
		code, m := do(c.r)
		if code != c.status {
			t.Errorf("%s: %d %v, want %d", c.name, code, m, c.status)
			continue
		}
		if c.status == 200 {
			if m["Key"] != c.r.key {
				t.Errorf("%s: key %v", c.name, m["Key"])
			}
			continue
		}
		if m["__type"] != c.typ || m["message"] != c.message {
			t.Errorf("%s: %v\nwant %s %q", c.name, m, c.typ, c.message)
		}
	}

	// Without configured credentials any well-formed signature passes.
	open := testServer()
	hr := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
	hr.Header.Set("X-Amz-Target", "Svc_1.Echo")
	hr.Header.Set("Content-Type", "application/x-amz-json-1.1")
	hr.Header.Set("X-Amz-Date", "20000101T000000Z")
	hr.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=ANY/20000101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00")
	rec := httptest.NewRecorder()
	open.ServeHTTP(rec, hr)
	if rec.Code != 200 {
		t.Fatalf("open server: %d %s", rec.Code, rec.Body)
	}
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }

// FuzzParseAuthParams holds parseAuthParams to the map it replaced: every
// parameter after the first word, the last value of a repeated one.
func FuzzParseAuthParams(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab")
	f.Add("AWS4-HMAC-SHA256 Signature=1 Signature=2,,Credential=\tx")
	f.Add("Credential=a")
	f.Add("")
	f.Fuzz(func(t *testing.T, h string) {
		fields := strings.FieldsFunc(h, func(r rune) bool { return r == ',' || r == ' ' })
		want := map[string]string{}
		if len(fields) > 0 {
			for _, f := range fields[1:] {
				k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
				want[k] = v
			}
		}
		got := parseAuthParams(h)
		if got.credential != want["Credential"] || got.signedHeaders != want["SignedHeaders"] || got.signature != want["Signature"] {
			t.Fatalf("%q: %+v; want %v", h, got, want)
		}
	})
}

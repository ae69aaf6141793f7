package awsjson

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Authentication error types, as AWS's JSON services name them.
const (
	MissingAuthenticationTokenException = "MissingAuthenticationTokenException"
	IncompleteSignatureException        = "IncompleteSignatureException"
	InvalidSignatureException           = "InvalidSignatureException"
	UnrecognizedClientException         = "UnrecognizedClientException"
)

// maxSkew is how far a request's signing time may be from the server's
// clock, as in AWS.
const maxSkew = 15 * time.Minute

// AWS's texts (observed; kinesalite records the same for the shape checks).
const (
	msgMissingToken  = "Missing Authentication Token"
	msgBothAuth      = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
	msgUnrecognized  = "The security token included in the request is invalid."
	msgBadSignature  = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	amzDateLayout    = "20060102T150405Z"
	signingAlgorithm = "AWS4-HMAC-SHA256"
)

// sigParams are the parts of a SigV4 Authorization header.
type sigParams struct {
	credential, signedHeaders, signature string
}

// parseAuthParams splits "ALGO k=v, k=v" (or "k=v k=v") into its
// parameters, as AWS does: separated by commas or spaces, after the first
// word; a parameter given twice counts as its last value. Only the three
// SigV4 names are kept, without building a map for each request.
func parseAuthParams(h string) sigParams {
	var p sigParams
	first := true
	for f := range strings.FieldsFuncSeq(h, func(r rune) bool { return r == ',' || r == ' ' }) {
		if first {
			first = false
			continue
		}
		k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
		switch k {
		case "Credential":
			p.credential = v
		case "SignedHeaders":
			p.signedHeaders = v
		case "Signature":
			p.signature = v
		}
	}
	return p
}

// authenticate checks the request's SigV4 authentication: its shape always,
// and the signature when the server has credentials. It returns the access
// key, or the error AWS answers.
func (s *Server) authenticate(r *http.Request, body []byte) (string, *Error) {
	auth := r.Header.Get("Authorization")
	query := r.URL.Query()
	_, byQuery := query["X-Amz-Algorithm"]
	if auth != "" && byQuery {
		return "", Errorf(InvalidSignatureException, "%s", msgBothAuth)
	}
	if auth == "" && !byQuery {
		return "", Errorf(MissingAuthenticationTokenException, "%s", msgMissingToken)
	}
	var msg strings.Builder
	if auth != "" {
		p := parseAuthParams(auth)
		for _, param := range []struct{ name, value string }{{"Credential", p.credential}, {"Signature", p.signature}, {"SignedHeaders", p.signedHeaders}} {
			if param.value == "" {
				msg.WriteString("Authorization header requires '" + param.name + "' parameter. ")
			}
		}
		if r.Header.Get("X-Amz-Date") == "" && r.Header.Get("Date") == "" {
			msg.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
		}
		if msg.Len() > 0 {
			msg.WriteString("Authorization=" + auth)
			return "", Errorf(IncompleteSignatureException, "%s", msg.String())
		}
		return s.verify(r, body, auth, p)
	}
	for _, name := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"} {
		if query.Get(name) == "" {
			msg.WriteString("AWS query-string parameters must include '" + name + "'. ")
		}
	}
	if msg.Len() > 0 {
		msg.WriteString("Re-examine the query-string parameters.")
		return "", Errorf(IncompleteSignatureException, "%s", msg.String())
	}
	key, _, _ := strings.Cut(query.Get("X-Amz-Credential"), "/")
	if len(s.credentials) > 0 {
		// Presigned requests are not verified; with credentials
		// configured they are refused rather than trusted.
		if _, known := s.credentials[key]; !known {
			return "", Errorf(UnrecognizedClientException, "%s", msgUnrecognized)
		}
		return "", Errorf(InvalidSignatureException, "%s", msgBadSignature)
	}
	return key, nil
}

// verify checks a well-formed Authorization header. Without configured
// credentials that is all; with them, the credential scope's shape, the
// key, the signing time and the signature (recomputed with the AWS SDK's signer over the headers
// the client signed and the body's SHA-256).
func (s *Server) verify(r *http.Request, body []byte, auth string, p sigParams) (string, *Error) {
	scope := strings.Split(p.credential, "/")
	if len(s.credentials) == 0 {
		return scope[0], nil // any well-formed header, as before
	}
	if len(scope) != 5 || scope[0] == "" || scope[4] != "aws4_request" {
		return "", Errorf(IncompleteSignatureException,
			"Credential should be scoped to a valid region. Authorization=%s", auth)
	}
	if !strings.HasPrefix(auth, signingAlgorithm+" ") {
		return "", Errorf(IncompleteSignatureException,
			"Unsupported AWS 'algorithm': '%s'. Authorization=%s", strings.Fields(auth)[0], auth)
	}
	key, date, region, service := scope[0], scope[1], scope[2], scope[3]
	secret, known := s.credentials[key]
	if !known {
		return "", Errorf(UnrecognizedClientException, "%s", msgUnrecognized)
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(amzDateLayout, amzDate)
	if err != nil {
		return "", Errorf(IncompleteSignatureException,
			"Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", amzDate)
	}
	now := s.now().UTC()
	if now.Sub(t) > maxSkew {
		return "", Errorf(InvalidSignatureException, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, now.Add(-maxSkew).Format(amzDateLayout), now.Format(amzDateLayout))
	}
	if t.Sub(now) > maxSkew {
		return "", Errorf(InvalidSignatureException, "Signature not yet current: %s is still later than %s (%s + 15 min.)",
			amzDate, now.Add(maxSkew).Format(amzDateLayout), now.Format(amzDateLayout))
	}
	if date != t.Format("20060102") {
		return "", Errorf(InvalidSignatureException, "%s", msgBadSignature)
	}
	want, err := s.sign(r, body, p.signedHeaders, aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}, service, region, t)
	if err != nil || !hmac.Equal([]byte(want), []byte(p.signature)) {
		return "", Errorf(InvalidSignatureException, "%s", msgBadSignature)
	}
	return key, nil
}

// sign recomputes the request's signature with the SDK's signer, over a
// copy of the request that holds only the headers the client signed.
func (s *Server) sign(r *http.Request, body []byte, signed string, creds aws.Credentials, service, region string, t time.Time) (string, error) {
	u := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	c, err := http.NewRequestWithContext(context.Background(), r.Method, u.String(), nil)
	if err != nil {
		return "", err
	}
	c.Host = r.Host
	c.Header = http.Header{}
	for _, h := range strings.Split(signed, ";") {
		switch h {
		case "host", "x-amz-date":
		case "x-amz-security-token":
			creds.SessionToken = r.Header.Get("X-Amz-Security-Token")
		case "content-length":
			c.ContentLength = int64(len(body))
		default:
			if vs := r.Header.Values(h); len(vs) > 0 {
				c.Header[http.CanonicalHeaderKey(h)] = vs
			}
		}
	}
	sum := sha256.Sum256(body)
	if err := s.signer.SignHTTP(context.Background(), creds, c, hex.EncodeToString(sum[:]), service, region, t); err != nil {
		return "", err
	}
	return parseAuthParams(c.Header.Get("Authorization")).signature, nil
}

// newSigner is the SDK's SigV4 signer as the server uses it to verify.
func newSigner() *v4.Signer {
	return v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = false })
}

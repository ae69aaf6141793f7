// Package kinesisclient builds AWS SDK for Go v2 Kinesis clients for
// blueshift's own Kinesis API at a loopback address, as the tools that
// count records (tests, `blueshift bench`) need them.
//
// Invariants:
//   - The SDK's retries are off: a retried PutRecords whose first attempt
//     did land would put its records twice (as it would against Kinesis),
//     and a caller that counts acknowledged records must see every error
//     as the server sent it.
//   - Each response is read whole before the SDK parses it (see
//     bufferedTransport); the bytes are the server's, unchanged.
//   - Credentials are placeholders (blueshift/blueshift): a server without
//     --aws-credentials accepts any SigV4 signature; one with them must list
//     this key for the client to be accepted.
package kinesisclient

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// New returns a client for the Kinesis API at addr (host:port). conns is
// how many idle connections to keep for concurrent callers (0: Go's
// default); timeout bounds each call; optFns adjust the client's options
// after the defaults above.
func New(addr string, conns int, timeout time.Duration, optFns ...func(*kinesis.Options)) *kinesis.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if conns > 0 {
		tr.MaxIdleConnsPerHost = conns
	}
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("blueshift", "blueshift", ""),
		HTTPClient:  &http.Client{Timeout: timeout, Transport: bufferedTransport{tr}},
	}
	return kinesis.NewFromConfig(cfg, append([]func(*kinesis.Options){func(o *kinesis.Options) {
		o.BaseEndpoint = aws.String("http://" + addr)
		o.RetryMaxAttempts = 1
	}}, optFns...)...)
}

// bufferedTransport reads each response body completely before handing
// the response to the SDK. Without it the SDK and net/http race: the
// transport may close a connection whose response body the SDK is still
// reading, failing a call that succeeded with "use of closed network
// connection" (aws/aws-sdk-go-v2#2737), an error the SDK would otherwise
// retry.
type bufferedTransport struct{ rt http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (b bufferedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := b.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	if cerr := res.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	return res, nil
}

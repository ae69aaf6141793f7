package testserver

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// KinesisClient returns an AWS SDK Kinesis client for the API at addr
// (host:port), with dummy credentials and retries off, so tests see every
// error as the server sent it and know exactly which puts were
// acknowledged: a retried PutRecords whose first attempt did land would put
// its records twice, as it does against Kinesis.
func KinesisClient(addr string, optFns ...func(*kinesis.Options)) *kinesis.Client {
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		HTTPClient:  &http.Client{Timeout: 60 * time.Second, Transport: bufferedTransport{http.DefaultTransport}},
	}
	return kinesis.NewFromConfig(cfg, append([]func(*kinesis.Options){func(o *kinesis.Options) {
		o.BaseEndpoint = aws.String("http://" + addr)
		o.RetryMaxAttempts = 1
	}}, optFns...)...)
}

// bufferedTransport reads each response body completely before handing
// the response to the SDK. Without it, the SDK and net/http race: the
// transport may close a connection whose response body the SDK is still
// reading, failing a successful call with "use of closed network
// connection" (aws/aws-sdk-go-v2#2737; the SDK retries such errors by
// default, which tests that count acknowledged puts cannot allow). The
// bytes the SDK parses are the server's, unchanged.
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

package testserver

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// DynamoDBClient returns an AWS SDK DynamoDB client for the API at addr
// (host:port), with dummy credentials and retries off, so tests see every
// error as the server sent it. conns is how many idle connections to keep
// for concurrent callers (0: Go's default).
func DynamoDBClient(addr string, conns int, optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if conns > 0 {
		tr.MaxIdleConnsPerHost = conns
		tr.MaxConnsPerHost = conns
	}
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("blueshift", "blueshift", ""),
		HTTPClient:  &http.Client{Timeout: 60 * time.Second, Transport: readWhole{tr}},
	}
	return dynamodb.NewFromConfig(cfg, append([]func(*dynamodb.Options){func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String("http://" + addr)
		o.RetryMaxAttempts = 1
	}}, optFns...)...)
}

// readWhole reads each response body before the SDK parses it (see
// kinesisclient's bufferedTransport for why).
type readWhole struct{ rt http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (b readWhole) RoundTrip(req *http.Request) (*http.Response, error) {
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

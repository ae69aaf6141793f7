package kinesisapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
)

// newClient returns an AWS SDK Kinesis client for the API at addr
// (host:port), with dummy credentials and retries off, so tests see every
// error as the server sent it and know exactly which puts were
// acknowledged.
func newClient(addr string) *kinesis.Client {
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		HTTPClient:  &http.Client{Timeout: 60 * time.Second, Transport: bufferedTransport{http.DefaultTransport}},
	}
	return kinesis.NewFromConfig(cfg, func(o *kinesis.Options) {
		o.BaseEndpoint = aws.String("http://" + addr)
		o.RetryMaxAttempts = 1
	})
}

// bufferedTransport reads each response body completely before handing
// the response to the SDK. Without it, the SDK and net/http race: the
// transport may close a connection whose response body the SDK is still
// reading, failing a successful call with "use of closed network
// connection" (aws/aws-sdk-go-v2#2737; the SDK retries such errors by
// default, which tests that count acknowledged puts cannot allow). The
// bytes the SDK parses are the server's, unchanged.
type bufferedTransport struct{ rt http.RoundTripper }

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

// apiCode returns the AWS error code of err, or "" if it has none.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := apiCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// createActive creates a stream and waits for it with the SDK's waiter, as
// a Kinesis client does.
func createActive(t testing.TB, c *kinesis.Client, name string, shards int32) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	w := kinesis.NewStreamExistsWaiter(c, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 20*time.Millisecond, 200*time.Millisecond
	})
	if err := w.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)}, 30*time.Second); err != nil {
		t.Fatalf("wait for %s: %v", name, err)
	}
}

// shards lists every shard of a stream with ListShards, following NextToken.
func listShards(t testing.TB, c *kinesis.Client, name string) []types.Shard {
	t.Helper()
	var out []types.Shard
	in := &kinesis.ListShardsInput{StreamName: aws.String(name), MaxResults: aws.Int32(2)}
	for {
		res, err := c.ListShards(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, res.Shards...)
		if res.NextToken == nil {
			return out
		}
		in = &kinesis.ListShardsInput{NextToken: res.NextToken, MaxResults: aws.Int32(2)}
	}
}

// readShard reads a shard from an iterator until it is caught up or closed;
// it returns the records and the last response.
func readShard(t testing.TB, c *kinesis.Client, it *string, limit int32) ([]types.Record, *kinesis.GetRecordsOutput) {
	t.Helper()
	var recs []types.Record
	for {
		res, err := c.GetRecords(context.Background(), &kinesis.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(limit)})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, res.Records...)
		if res.NextShardIterator == nil || len(res.Records) == 0 {
			return recs, res
		}
		it = res.NextShardIterator
	}
}

func iter(t testing.TB, c *kinesis.Client, in *kinesis.GetShardIteratorInput) *string {
	t.Helper()
	res, err := c.GetShardIterator(context.Background(), in)
	if err != nil {
		t.Fatalf("GetShardIterator %s: %v", in.ShardIteratorType, err)
	}
	return res.ShardIterator
}

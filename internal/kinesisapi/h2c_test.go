package kinesisapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestHTTP2Cleartext: the binary's AWS port speaks HTTP/2 without TLS
// (prior knowledge), as the AWS SDK for JavaScript v3's HTTP/2 handler
// does, beside HTTP/1.1; the SDK for Go works over it.
func TestHTTP2Cleartext(t *testing.T) {
	srv := testserver.Start(t)
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()

	body := `{}`
	req, _ := http.NewRequest(http.MethodPost, "http://"+srv.AWS+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "S"}, req,
		hex.EncodeToString(sum[:]), "kinesis", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.ProtoMajor != 2 || res.StatusCode != 200 || !strings.Contains(string(b), `"StreamNames":[]`) {
		t.Fatalf("h2c ListStreams: %s %d %s", res.Proto, res.StatusCode, b)
	}

	c := kinesis.New(kinesis.Options{
		Region: "us-east-1", BaseEndpoint: aws.String("http://" + srv.AWS), HTTPClient: hc,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "S"}, nil
		}),
	})
	createActive(t, c, "h2", 1)
	if _, err := c.PutRecord(context.Background(), &kinesis.PutRecordInput{StreamName: aws.String("h2"), PartitionKey: aws.String("k"), Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}

	// SubscribeToShard's event stream over HTTP/2, as the AWS SDKs for Java
	// v2 and JavaScript v3 read it (a client without a whole-response
	// timeout: the stream lasts five minutes).
	streaming := kinesis.New(kinesis.Options{
		Region: "us-east-1", BaseEndpoint: aws.String("http://" + srv.AWS), HTTPClient: &http.Client{Transport: tr},
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "S"}, nil
		}),
	})
	arn := activeConsumer(t, c, "arn:aws:kinesis:us-east-1:000000000000:stream/h2", "h2app")
	stream, first := subscribe(t, streaming, &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(arn),
		ShardId: aws.String("shardId-000000000000"), StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon}})
	defer stream.Close()
	recs := first.Records
	if len(recs) == 0 {
		recs, _ = nextRecords(t, stream, 1)
	}
	if string(recs[0].Data) != "x" {
		t.Fatalf("h2c subscription read %q", recs[0].Data)
	}
}

package demo

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/jackc/pgx/v5"
)

// The demo is a client of its own server: it drives the scenario the way a
// user would, with the AWS SDK for the stream and a Postgres driver for SQL.

// NewKinesis returns an AWS SDK Kinesis client for blueshift's AWS endpoint
// at addr (host:port), with placeholder credentials.
func NewKinesis(addr string) *kinesis.Client {
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("demo", "demo", ""),
		HTTPClient:  &http.Client{Timeout: 30 * time.Second},
	}
	return kinesis.NewFromConfig(cfg, func(o *kinesis.Options) {
		o.BaseEndpoint = aws.String("http://" + addr)
	})
}

// CreateStream creates a stream and waits until it is ACTIVE.
func CreateStream(ctx context.Context, kc *kinesis.Client, name string, shards int32) error {
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}); err != nil {
		return fmt.Errorf("demo: create stream %s: %w", name, err)
	}
	w := kinesis.NewStreamExistsWaiter(kc, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 500*time.Millisecond
	})
	if err := w.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)}, time.Minute); err != nil {
		return fmt.Errorf("demo: stream %s did not become active: %w", name, err)
	}
	return nil
}

// PutRecords puts records into a stream with one PutRecords call, and
// fails if any record failed.
func PutRecords(ctx context.Context, kc *kinesis.Client, stream string, recs []Record) error {
	entries := make([]types.PutRecordsRequestEntry, len(recs))
	for i, r := range recs {
		entries[i] = types.PutRecordsRequestEntry{Data: r.Data, PartitionKey: aws.String(r.PartitionKey)}
	}
	out, err := kc.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: entries})
	if err != nil {
		return fmt.Errorf("demo: put records: %w", err)
	}
	if n := aws.ToInt32(out.FailedRecordCount); n > 0 {
		return fmt.Errorf("demo: put records: %d of %d failed", n, len(recs))
	}
	return nil
}

// Exec runs statements one at a time over the simple query protocol, as psql
// sends a script.
func Exec(ctx context.Context, conn *pgx.Conn, stmts ...string) error {
	for _, s := range stmts {
		if _, err := conn.PgConn().Exec(ctx, s).ReadAll(); err != nil {
			return fmt.Errorf("%s: %w", firstLine(s), err)
		}
	}
	return nil
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i] + " ..."
		}
	}
	return s
}

// Record is one Kinesis record to put: its partition key and data.
type Record struct {
	PartitionKey string
	Data         []byte
}

// NewDynamoDB returns an AWS SDK DynamoDB client for blueshift's AWS
// endpoint at addr (host:port), with placeholder credentials and room for
// conns concurrent callers.
func NewDynamoDB(addr string, conns int) *dynamodb.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if conns > 0 {
		tr.MaxIdleConnsPerHost = conns
	}
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("demo", "demo", ""),
		HTTPClient:  &http.Client{Timeout: 30 * time.Second, Transport: tr},
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String("http://" + addr)
	})
}

// StreamARN returns the ARN of a stream.
func StreamARN(ctx context.Context, kc *kinesis.Client, name string) (string, error) {
	out, err := kc.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("demo: describe stream %s: %w", name, err)
	}
	return aws.ToString(out.StreamDescriptionSummary.StreamARN), nil
}

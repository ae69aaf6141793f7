package testserver

import (
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
)

// DynamoDBStreamsClient returns an AWS SDK DynamoDB Streams client for the
// API at addr (host:port), with dummy credentials and retries off.
func DynamoDBStreamsClient(addr string) *dynamodbstreams.Client {
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("blueshift", "blueshift", ""),
		HTTPClient:  &http.Client{Timeout: 60 * time.Second, Transport: readWhole{http.DefaultTransport.(*http.Transport).Clone()}},
	}
	return dynamodbstreams.NewFromConfig(cfg, func(o *dynamodbstreams.Options) {
		o.BaseEndpoint = aws.String("http://" + addr)
		o.RetryMaxAttempts = 1
	})
}

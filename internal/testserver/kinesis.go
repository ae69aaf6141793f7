package testserver

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/blueshift-dev/blueshift/internal/kinesisclient"
)

// KinesisClient returns an AWS SDK Kinesis client for the API at addr
// (host:port), with dummy credentials and retries off, so tests see every
// error as the server sent it and know exactly which puts were
// acknowledged (see internal/kinesisclient).
func KinesisClient(addr string, optFns ...func(*kinesis.Options)) *kinesis.Client {
	return kinesisclient.New(addr, 0, 60*time.Second, optFns...)
}

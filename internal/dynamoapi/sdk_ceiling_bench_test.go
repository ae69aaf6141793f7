package dynamoapi_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// BenchmarkSDKCeiling measures what the AWS SDK for Go v2 costs by itself:
// PutItem, as BenchmarkWrites sends it, against a server in another
// process that answers every request with a canned PutItem response and
// does nothing else. The client's CPU time per call is the least any
// server can leave for itself on a machine the client shares: on 2 cores,
// 2 s / (client + server CPU per call) bounds the calls per second.
//
//	go test -run '^$' -bench SDKCeiling -benchtime 20000x ./internal/dynamoapi
func BenchmarkSDKCeiling(b *testing.B) {
	addr, pid := startCannedServer(b)
	for _, clients := range []int{8, 32} {
		c := testserver.DynamoDBClient(addr, clients)
		b.Run(fmt.Sprintf("PutItem/clients=%d", clients), func(b *testing.B) {
			runClients(b, pid, clients, func(ctx context.Context, i int) error {
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("bench"), Item: item(i)})
				return err
			})
		})
	}
}

// startCannedServer runs this test binary again as the canned server
// (TestCannedServer) and returns its address and process id.
func startCannedServer(b *testing.B) (string, int) {
	cmd := exec.Command(os.Args[0], "-test.run", "^TestCannedServer$")
	cmd.Env = append(os.Environ(), "BLUESHIFT_CANNED_SERVER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return addr, cmd.Process.Pid
		}
	}
	b.Fatalf("the canned server did not start: %v", sc.Err())
	return "", 0
}

// TestCannedServer is BenchmarkSDKCeiling's server: with
// BLUESHIFT_CANNED_SERVER set it serves until killed, answering every
// request with an empty PutItem response (what DynamoDB answers a PutItem
// without ReturnValues); otherwise it does nothing.
func TestCannedServer(t *testing.T) {
	if os.Getenv("BLUESHIFT_CANNED_SERVER") == "" {
		t.Skip("BenchmarkSDKCeiling's server; runs only when the benchmark starts it")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("listening", ln.Addr())
	_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h.Set("Content-Type", "application/x-amz-json-1.0")
		h.Set("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
		h.Set("Content-Length", "2")
		_, _ = io.WriteString(w, "{}")
	}))
}

package app_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestConnectionLimits: each endpoint refuses the connection over its cap
// in its own protocol, and serves again once one closes. The SQL refusal
// is Postgres's (FATAL 53300 too_many_connections, "sorry, too many clients
// already"); the AWS port's is HTTP 503 with AWS's ThrottlingException.
func TestConnectionLimits(t *testing.T) {
	srv := testserver.Start(t, "--max-sql-connections", "2", "--max-aws-connections", "1", "--max-http-connections", "1")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dsn := fmt.Sprintf("postgres://blueshift@%s/dev?sslmode=disable", srv.SQL)
	var open []*pgx.Conn
	for range 2 {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, c)
	}
	_, err := pgx.Connect(ctx, dsn)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "53300" || pe.Severity != "FATAL" {
		t.Fatalf("third SQL connection: %v, want FATAL 53300", err)
	}
	_ = open[0].Close(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := pgx.Connect(ctx, dsn)
		if err == nil {
			_ = c.Close(ctx)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no SQL connection after one closed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = open[1].Close(ctx)

	// AWS port: one raw connection holds the only slot.
	hold, err := net.Dial("tcp", srv.AWS)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(hold, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}")
	if _, err := http.ReadResponse(bufio.NewReader(hold), nil); err != nil {
		t.Fatal(err)
	}
	kc := testserver.KinesisClient(srv.AWS) // no retries
	_, err = kc.ListStreams(ctx, &kinesis.ListStreamsInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" || !strings.Contains(err.Error(), "503") {
		t.Fatalf("AWS call over the cap: %v, want 503 ThrottlingException", err)
	}
	hold.Close()
	deadline = time.Now().Add(30 * time.Second)
	for {
		_, err := kc.ListStreams(ctx, &kinesis.ListStreamsInput{Limit: aws.Int32(1)})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no AWS call after the connection closed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHTTPHeaderTimeout: a connection that never finishes its request head
// is closed after --http-read-header-timeout, on both HTTP servers.
func TestHTTPHeaderTimeout(t *testing.T) {
	srv := testserver.Start(t, "--http-read-header-timeout", "300ms")
	for _, addr := range []string{srv.AWS, srv.HTTP} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n") // and nothing more
		_ = c.SetReadDeadline(time.Now().Add(60 * time.Second))
		_, err = io.ReadAll(c)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("%s: the server kept a silent connection open for 60s", addr)
		}
		c.Close()
	}
}

package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
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

// TestWarehouseLimits: with --warehouse-memory-limit, a statement that
// needs more memory than the limit and cannot spill fails with 53200
// out_of_memory (Postgres's code for "out of memory") while the server
// goes on serving; one that can spill (a sort) spills and completes. No
// SQL statement changes the engine's settings for everyone (PRAGMA
// memory_limit = '1MB' made every streaming refresh fail) or reaches the
// machine's files: Redshift has no PRAGMA, ATTACH, INSTALL or LOAD and
// refuses them as unknown statements (42601), and reading or writing a
// file is refused as insufficient privilege (42501).
func TestWarehouseLimits(t *testing.T) {
	srv := testserver.Start(t, "--warehouse-memory-limit", "200MB")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, fmt.Sprintf("postgres://blueshift@%s/dev?sslmode=disable", srv.SQL))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	code := func(q string) string {
		t.Helper()
		_, err := c.Exec(ctx, q)
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			return pe.Code
		}
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return ""
	}
	limit := func() string {
		t.Helper()
		var s string
		if err := c.QueryRow(ctx, "SELECT current_setting('memory_limit')").Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := limit()
	if !strings.HasPrefix(before, "190.7 MiB") { // 200 MB is 190.7 MiB
		t.Errorf("memory_limit %q, want 200MB", before)
	}
	// 1,000,000 strings of 1,000 bytes aggregated into one value: 1 GB that
	// an aggregate cannot spill.
	if got := code(`SELECT length(listagg(repeat('x', 1000), ',')) FROM generate_series(1, 1000000)`); got != "53200" {
		t.Errorf("statement past the memory limit: SQLSTATE %q, want 53200", got)
	}
	// A sort of ~450 MB spills to the temporary directory and completes.
	var n int64
	if err := c.QueryRow(ctx, `SELECT count(*) FROM (SELECT g, repeat('x', 200) || g AS s FROM generate_series(1, 2000000) AS g ORDER BY s DESC) AS t`).Scan(&n); err != nil || n != 2000000 {
		t.Errorf("sort past the memory limit: %d, %v; want 2000000 rows", n, err)
	}

	for q, want := range map[string]string{
		`PRAGMA memory_limit = '1MB'`:                        "42601",
		`PRAGMA threads = 1`:                                 "42601",
		`ATTACH '` + t.TempDir() + `/other.db' AS other`:     "42601",
		`INSTALL httpfs`:                                     "42601",
		`LOAD json`:                                          "42601",
		`SELECT count(*) FROM read_text('/etc/passwd')`:      "42501",
		`COPY (SELECT 1) TO '` + t.TempDir() + `/out.csv'`:   "42501",
		`SELECT count(*) FROM read_csv('` + srv.Dir + `/*')`: "42501",
	} {
		if got := code(q); got != want {
			t.Errorf("%s: SQLSTATE %q, want %s", q, got, want)
		}
	}
	if after := limit(); after != before {
		t.Errorf("memory_limit changed from %q to %q", before, after)
	}
	if got := code(`SELECT 1`); got != "" {
		t.Errorf("server after the refusals: %s", got)
	}
}

// TestLargeChangeRecord: an item within DynamoDB's 400 KB whose change
// record is longer than a PutRecord's 1 MiB (its old and new images, the
// binary written as base64) is stored, and its change record reaches the
// stream whole, as DynamoDB never fails a table write for its Kinesis
// destination (the write failed with a 500 InternalFailure, every retry,
// so the item could not be changed again). A streaming view then skips
// that record as longer than Redshift's VARBYTE maximum (1,024,000 bytes),
// keeps it in SYS_STREAM_SCAN_ERRORS (error_code 1001) and loads the
// records around it.
func TestLargeChangeRecord(t *testing.T) {
	srv := testserver.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dc := testserver.DynamoDBClient(srv.AWS, 0)
	kc := testserver.KinesisClient(srv.AWS)
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("cdc"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := dc.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("big"),
		AttributeDefinitions: []dtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: dtypes.ScalarAttributeTypeS}},
		KeySchema:            []dtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: dtypes.KeyTypeHash}},
		BillingMode:          dtypes.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := dc.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("big"),
		StreamArn: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/cdc")}); err != nil {
		t.Fatal(err)
	}
	pg, err := pgx.Connect(ctx, fmt.Sprintf("postgres://blueshift@%s/dev?sslmode=disable", srv.SQL))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close(ctx)
	for _, q := range []string{
		`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`,
		`CREATE MATERIALIZED VIEW v AS SELECT sequence_number, json_parse(kinesis_data) AS p FROM k.cdc`,
	} {
		if _, err := pg.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	// 409,000 bytes of binary: the item is just under 400 KB (409,600).
	blob := bytes.Repeat([]byte{0xAB}, 409_000)
	put := func(pk, rev string, withBlob bool) {
		t.Helper()
		item := map[string]dtypes.AttributeValue{"pk": &dtypes.AttributeValueMemberS{Value: pk}, "rev": &dtypes.AttributeValueMemberN{Value: rev}}
		if withBlob {
			item["blob"] = &dtypes.AttributeValueMemberB{Value: blob}
		}
		if _, err := dc.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("big"), Item: item}); err != nil {
			t.Fatalf("PutItem %s rev %s: %v", pk, rev, err)
		}
	}
	put("a", "1", true)  // INSERT: the new image only, ~0.55 MB
	put("a", "2", true)  // MODIFY: old and new images, ~1.09 MB
	put("b", "1", false) // a small one after it

	it, err := kc.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("cdc"), ShardId: aws.String("shardId-000000000000"),
		ShardIteratorType: ktypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	var recs []ktypes.Record
	for iter := it.ShardIterator; len(recs) < 3 && iter != nil; {
		out, err := kc.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, out.Records...)
		if len(out.Records) == 0 {
			break
		}
		iter = out.NextShardIterator
	}
	if len(recs) != 3 {
		t.Fatalf("%d change records, want 3", len(recs))
	}
	if n := len(recs[1].Data); n <= 1<<20 {
		t.Fatalf("the MODIFY record has %d bytes, want more than 1 MiB (the case under test)", n)
	}
	var modify struct {
		EventName string `json:"eventName"`
		DynamoDB  struct {
			NewImage, OldImage map[string]map[string]any
		} `json:"dynamodb"`
	}
	if err := json.Unmarshal(recs[1].Data, &modify); err != nil {
		t.Fatalf("the large change record is not JSON: %v", err)
	}
	if modify.EventName != "MODIFY" || modify.DynamoDB.NewImage["rev"]["N"] != "2" || modify.DynamoDB.OldImage["rev"]["N"] != "1" {
		t.Fatalf("the large change record: %s, new rev %v, old rev %v", modify.EventName, modify.DynamoDB.NewImage["rev"], modify.DynamoDB.OldImage["rev"])
	}

	if _, err := pg.Exec(ctx, `REFRESH MATERIALIZED VIEW v`); err != nil {
		t.Fatal(err)
	}
	var loaded, skipped int
	if err := pg.QueryRow(ctx, `SELECT (SELECT count(*) FROM v), (SELECT count(*) FROM sys_stream_scan_errors WHERE mv_name = 'v' AND error_code = 1001)`).Scan(&loaded, &skipped); err != nil {
		t.Fatal(err)
	}
	if loaded != 2 || skipped != 1 {
		t.Fatalf("view loaded %d records and skipped %d as too long, want 2 and 1", loaded, skipped)
	}
}

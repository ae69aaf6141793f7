package dynamoapi_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestAWSCLIChangeCapture runs change capture end to end with the AWS CLI:
// `aws dynamodb enable-kinesis-streaming-destination`, `put-item`, then
// `aws kinesis get-records` shows the change record; and a table created
// with --stream-specification is read with `aws dynamodbstreams`
// (list-streams, describe-stream, get-shard-iterator, get-records).
// Without the CLI (Debian package awscli) it is skipped.
func TestAWSCLIChangeCapture(t *testing.T) {
	awsBin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed")
	}
	srv := testserver.Start(t)
	home := t.TempDir()
	run := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(awsBin, append(args, "--endpoint-url", "http://"+srv.AWS, "--output", "json")...)
		cmd.Env = append(os.Environ(),
			"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret", "AWS_DEFAULT_REGION=us-east-1",
			"AWS_CONFIG_FILE="+home+"/config", "AWS_SHARED_CREDENTIALS_FILE="+home+"/credentials", "HOME="+home,
			"AWS_PAGER=", "AWS_MAX_ATTEMPTS=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	decodeInto := func(out []byte, v any) {
		t.Helper()
		if err := json.Unmarshal(out, v); err != nil {
			t.Fatalf("%v in %s", err, out)
		}
	}
	run("kinesis", "create-stream", "--stream-name", "demo-data-stream", "--shard-count", "1")
	run("kinesis", "wait", "stream-exists", "--stream-name", "demo-data-stream")
	run("dynamodb", "create-table", "--table-name", "demo-table",
		"--attribute-definitions", "AttributeName=id,AttributeType=S", "--key-schema", "AttributeName=id,KeyType=HASH",
		"--billing-mode", "PAY_PER_REQUEST", "--stream-specification", "StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES")
	run("dynamodb", "wait", "table-exists", "--table-name", "demo-table")
	var en struct{ DestinationStatus string }
	decodeInto(run("dynamodb", "enable-kinesis-streaming-destination", "--table-name", "demo-table",
		"--stream-arn", "arn:aws:kinesis:us-east-1:000000000000:stream/demo-data-stream"), &en)
	if en.DestinationStatus != "ENABLING" {
		t.Fatalf("enable-kinesis-streaming-destination: DestinationStatus %q, want ENABLING", en.DestinationStatus)
	}
	run("dynamodb", "put-item", "--table-name", "demo-table", "--item", `{"id": {"S": "order-1"}, "amount": {"N": "12.50"}}`)

	// The Kinesis destination's record.
	var it struct{ ShardIterator string }
	decodeInto(run("kinesis", "get-shard-iterator", "--stream-name", "demo-data-stream", "--shard-id", "shardId-000000000000",
		"--shard-iterator-type", "TRIM_HORIZON"), &it)
	var kr struct {
		Records []struct {
			Data         string
			PartitionKey string
		}
	}
	decodeInto(run("kinesis", "get-records", "--shard-iterator", it.ShardIterator), &kr)
	if len(kr.Records) != 1 {
		t.Fatalf("kinesis get-records: %d records, want 1", len(kr.Records))
	}
	data, err := base64.StdEncoding.DecodeString(kr.Records[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	var rec changeRecord
	decodeInto(data, &rec)
	// The fields DynamoDB's Kinesis record has (developer guide, and the
	// article's sample record).
	if rec.EventName != "INSERT" || rec.TableName != "demo-table" || rec.EventSource != "aws:dynamodb" || rec.RecordFormat != "application/json" ||
		rec.DynamoDB.Keys["id"]["S"] != "order-1" || rec.DynamoDB.NewImage["amount"]["N"] != "12.5" || rec.DynamoDB.OldImage != nil {
		t.Fatalf("kinesis record %s", data)
	}

	// The table's DynamoDB stream.
	var ls struct {
		Streams []struct{ StreamArn, TableName, StreamLabel string }
	}
	decodeInto(run("dynamodbstreams", "list-streams", "--table-name", "demo-table"), &ls)
	if len(ls.Streams) != 1 || ls.Streams[0].TableName != "demo-table" {
		t.Fatalf("list-streams: %+v", ls.Streams)
	}
	arn := ls.Streams[0].StreamArn
	var ds struct {
		StreamDescription struct {
			StreamStatus, StreamViewType string
			Shards                       []struct{ ShardId string }
		}
	}
	decodeInto(run("dynamodbstreams", "describe-stream", "--stream-arn", arn), &ds)
	if ds.StreamDescription.StreamStatus != "ENABLED" || ds.StreamDescription.StreamViewType != "NEW_AND_OLD_IMAGES" || len(ds.StreamDescription.Shards) == 0 {
		t.Fatalf("describe-stream: %+v", ds.StreamDescription)
	}
	var got []string
	for _, sh := range ds.StreamDescription.Shards {
		decodeInto(run("dynamodbstreams", "get-shard-iterator", "--stream-arn", arn, "--shard-id", sh.ShardId, "--shard-iterator-type", "TRIM_HORIZON"), &it)
		var gr struct {
			Records []struct {
				EventName string `json:"eventName"`
				Dynamodb  struct {
					ApproximateCreationDateTime json.RawMessage
					Keys, NewImage              map[string]map[string]string
					SequenceNumber              string
					StreamViewType              string
				} `json:"dynamodb"`
			}
		}
		decodeInto(run("dynamodbstreams", "get-records", "--shard-iterator", it.ShardIterator), &gr)
		for _, r := range gr.Records {
			// The CLI prints ApproximateCreationDateTime as an ISO 8601
			// time (v2's default) or epoch seconds; it must be this minute's.
			var ct time.Time
			var secs float64
			var iso string
			if json.Unmarshal(r.Dynamodb.ApproximateCreationDateTime, &secs) == nil {
				ct = time.Unix(int64(secs), 0)
			} else if json.Unmarshal(r.Dynamodb.ApproximateCreationDateTime, &iso) == nil {
				ct, _ = time.Parse(time.RFC3339, iso)
			}
			if time.Since(ct) > time.Minute || time.Until(ct) > time.Second {
				t.Errorf("ApproximateCreationDateTime %s", r.Dynamodb.ApproximateCreationDateTime)
			}
			got = append(got, r.EventName+" "+r.Dynamodb.Keys["id"]["S"]+" "+r.Dynamodb.NewImage["amount"]["N"]+" "+r.Dynamodb.StreamViewType)
		}
	}
	if !equal(got, []string{"INSERT order-1 12.5 NEW_AND_OLD_IMAGES"}) {
		t.Fatalf("dynamodbstreams get-records: %v", got)
	}
}

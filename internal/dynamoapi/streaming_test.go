package dynamoapi_test

import (
	"context"
	"encoding/json"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// changeRecord is DynamoDB's Kinesis change record, as the developer
// guide's "Kinesis Data Streams for DynamoDB" and the article's sample
// record (shared/seed/sample-record.json) show it.
type changeRecord struct {
	AWSRegion    string           `json:"awsRegion"`
	EventID      string           `json:"eventID"`
	EventName    string           `json:"eventName"`
	UserIdentity *json.RawMessage `json:"userIdentity"`
	RecordFormat string           `json:"recordFormat"`
	TableName    string           `json:"tableName"`
	EventSource  string           `json:"eventSource"`
	DynamoDB     struct {
		ApproximateCreationDateTime int64
		Keys                        map[string]map[string]any
		NewImage                    map[string]map[string]any
		OldImage                    map[string]map[string]any
		SizeBytes                   int
	} `json:"dynamodb"`
}

// TestKinesisStreamingDestination enables a destination and writes through
// PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems and
// ExecuteStatement; GetRecords then returns one record per change, field by
// field in DynamoDB's format, and none for a write that changed nothing.
func TestKinesisStreamingDestination(t *testing.T) {
	srv := testserver.Start(t)
	c := testserver.DynamoDBClient(srv.AWS, 0)
	kc := testserver.KinesisClient(srv.AWS)
	ctx := context.Background()
	ok(kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("changes"), ShardCount: aws.Int32(2)}))(t)
	benchTable(t, c, "orders")
	arn := aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/changes")
	en := ok(c.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("orders"), StreamArn: arn}))(t)
	if en.DestinationStatus != types.DestinationStatusEnabling {
		t.Fatalf("enable: status %s", en.DestinationStatus)
	}
	_, err := c.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("orders"),
		StreamArn: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/missing")})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found: Stream: arn:aws:kinesis:us-east-1:000000000000:stream/missing not found")
	d := ok(c.DescribeKinesisStreamingDestination(ctx, &dynamodb.DescribeKinesisStreamingDestinationInput{TableName: aws.String("orders")}))(t)
	if len(d.KinesisDataStreamDestinations) != 1 || d.KinesisDataStreamDestinations[0].DestinationStatus != types.DestinationStatusActive {
		t.Fatalf("describe: %+v", d.KinesisDataStreamDestinations)
	}
	key := map[string]av{"pk": s("o1"), "sk": n("1")}
	item := map[string]av{"pk": s("o1"), "sk": n("1"), "amount": n("50.00")}
	start := time.Now().UnixMilli()
	ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: item}))(t)                                                          // INSERT
	ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: item}))(t)                                                          // identical: no record
	ok(c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("orders"), Key: key, UpdateExpression: aws.String("SET amount = amount + :d"), // MODIFY
		ExpressionAttributeValues: map[string]av{":d": n("1")}}))(t)
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")})
	wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")                             // failed condition: no record
	ok(c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("orders"), Key: key}))(t)                   // REMOVE
	ok(c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"orders": { // 2 INSERTs
		{PutRequest: &types.PutRequest{Item: map[string]av{"pk": s("o2"), "sk": n("1")}}},
		{PutRequest: &types.PutRequest{Item: map[string]av{"pk": s("o3"), "sk": n("1")}}},
	}}}))(t)
	ok(c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{ // REMOVE + INSERT
		{Delete: &types.Delete{TableName: aws.String("orders"), Key: map[string]av{"pk": s("o2"), "sk": n("1")}}},
		{Put: &types.Put{TableName: aws.String("orders"), Item: map[string]av{"pk": s("o4"), "sk": n("1")}}},
	}}))(t)
	ok(c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`UPDATE "orders" SET note = 'x' WHERE pk = 'o3' AND sk = 1`)}))(t) // MODIFY
	// Time to live: an item already expired is removed by the service.
	ok(c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("orders"), TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}}))(t)
	ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]av{"pk": s("o5"), "sk": n("1"), "exp": n("1000")}}))(t) // INSERT, then REMOVE by TTL

	want := []string{"INSERT o1", "MODIFY o1", "REMOVE o1", "INSERT o2", "INSERT o3", "REMOVE o2", "INSERT o4", "MODIFY o3", "INSERT o5", "REMOVE o5 ttl"}
	var recs []changeRecord
	deadline := time.Now().Add(60 * time.Second)
	for len(recs) < len(want) {
		recs = readChanges(t, kc)
		if time.Now().After(deadline) {
			t.Fatalf("%d records after 60 s, want %d", len(recs), len(want))
		}
		if len(recs) < len(want) {
			time.Sleep(100 * time.Millisecond) // waiting for the TTL pass
		}
	}
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	var got []string
	for _, r := range recs {
		if r.AWSRegion != "us-east-1" || !uuidRE.MatchString(r.EventID) || r.RecordFormat != "application/json" || r.TableName != "orders" || r.EventSource != "aws:dynamodb" {
			t.Errorf("record header: %+v", r)
		}
		if r.DynamoDB.ApproximateCreationDateTime < start || r.DynamoDB.ApproximateCreationDateTime > time.Now().UnixMilli() {
			t.Errorf("ApproximateCreationDateTime %d not a millisecond time of this test", r.DynamoDB.ApproximateCreationDateTime)
		}
		pk := r.DynamoDB.Keys["pk"]["S"].(string)
		e := r.EventName + " " + pk
		switch r.EventName {
		case "INSERT":
			if r.DynamoDB.NewImage == nil || r.DynamoDB.OldImage != nil {
				t.Errorf("%s: images %v / %v", e, r.DynamoDB.NewImage, r.DynamoDB.OldImage)
			}
		case "MODIFY":
			if r.DynamoDB.NewImage == nil || r.DynamoDB.OldImage == nil {
				t.Errorf("%s: images %v / %v", e, r.DynamoDB.NewImage, r.DynamoDB.OldImage)
			}
		case "REMOVE":
			if r.DynamoDB.NewImage != nil || r.DynamoDB.OldImage == nil {
				t.Errorf("%s: images %v / %v", e, r.DynamoDB.NewImage, r.DynamoDB.OldImage)
			}
		}
		if r.UserIdentity != nil && string(*r.UserIdentity) != "null" {
			if string(*r.UserIdentity) != `{"type":"Service","principalId":"dynamodb.amazonaws.com"}` {
				t.Errorf("%s: userIdentity %s", e, *r.UserIdentity)
			}
			e += " ttl"
		}
		if pk == "o1" && r.EventName == "MODIFY" {
			// Numbers are strings, normalized: 50.00 + 1 = "51".
			if r.DynamoDB.OldImage["amount"]["N"] != "50" || r.DynamoDB.NewImage["amount"]["N"] != "51" {
				t.Errorf("MODIFY amounts: %v -> %v", r.DynamoDB.OldImage["amount"], r.DynamoDB.NewImage["amount"])
			}
		}
		if r.DynamoDB.SizeBytes <= 0 {
			t.Errorf("%s: SizeBytes %d", e, r.DynamoDB.SizeBytes)
		}
		got = append(got, e)
	}
	// Records are in commit order per key; across shards compare as sets,
	// and the per-key order separately.
	sorted := func(x []string) []string { y := append([]string(nil), x...); sort.Strings(y); return y }
	if len(got) != len(want) || !equal(sorted(got), sorted(want)) {
		t.Fatalf("records:\n got %v\nwant %v", got, want)
	}
	var o1 []string
	for _, g := range got {
		if len(g) > 3 && g[len(g)-2:] == "o1" {
			o1 = append(o1, g)
		}
	}
	if !equal(o1, []string{"INSERT o1", "MODIFY o1", "REMOVE o1"}) {
		t.Fatalf("o1's records out of order: %v", o1)
	}
	dis := ok(c.DisableKinesisStreamingDestination(ctx, &dynamodb.DisableKinesisStreamingDestinationInput{TableName: aws.String("orders"), StreamArn: arn}))(t)
	if dis.DestinationStatus != types.DestinationStatusDisabling {
		t.Fatalf("disable: %s", dis.DestinationStatus)
	}
	ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]av{"pk": s("o9"), "sk": n("1")}}))(t)
	if n := len(readChanges(t, kc)); n != len(want) {
		t.Fatalf("%d records after disabling, want still %d", n, len(want))
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// readChanges reads every record of stream "changes", shard by shard.
func readChanges(t *testing.T, kc *kinesis.Client) []changeRecord {
	t.Helper()
	ctx := context.Background()
	shards := ok(kc.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("changes")}))(t)
	var out []changeRecord
	for _, sh := range shards.Shards {
		it := ok(kc.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("changes"), ShardId: sh.ShardId, ShardIteratorType: ktypes.ShardIteratorTypeTrimHorizon}))(t).ShardIterator
		for it != nil {
			res := ok(kc.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it}))(t)
			for _, r := range res.Records {
				var cr changeRecord
				if err := json.Unmarshal(r.Data, &cr); err != nil {
					t.Fatalf("record %s: %v", r.Data, err)
				}
				out = append(out, cr)
			}
			if len(res.Records) == 0 {
				break
			}
			it = res.NextShardIterator
		}
	}
	return out
}

package dynamoapi_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// Expected shapes and values come from the DynamoDB Streams API reference
// (Record, StreamRecord, Identity, StreamDescription, Shard,
// SequenceNumberRange: sequence numbers 21 to 40 characters, shard IDs 28
// to 65, ApproximateCreationDateTime rounded down to the second,
// eventVersion "1.1" in the developer guide's GetRecords samples) and the
// developer guide's "Change data capture for DynamoDB Streams" (one record
// per item modification, in order per item; TTL deletions by the service
// principal dynamodb.amazonaws.com).

var (
	streamARNRE = regexp.MustCompile(`^arn:aws:dynamodb:us-east-1:000000000000:table/%s/stream/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$`)
	shardIDRE   = regexp.MustCompile(`^shardId-\d{20}-[0-9a-f]{8}$`)
	seqRE       = regexp.MustCompile(`^\d{21,40}$`)
	eventIDRE   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

func wantStreamARN(t *testing.T, table, arn string) {
	t.Helper()
	re := regexp.MustCompile(strings.Replace(streamARNRE.String(), "%s", regexp.QuoteMeta(table), 1))
	if !re.MatchString(arn) {
		t.Fatalf("stream ARN %q of table %s: not arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL", arn, table)
	}
}

// readStream reads every shard of a stream from TRIM_HORIZON until a read
// returns nothing new, and returns the records shard by shard in order.
func readStream(t *testing.T, sc *dynamodbstreams.Client, arn string) [][]stypes.Record {
	t.Helper()
	ctx := context.Background()
	d := ok(sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)}))(t)
	var out [][]stypes.Record
	for _, sh := range d.StreamDescription.Shards {
		it := ok(sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: sh.ShardId,
			ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon}))(t).ShardIterator
		var recs []stypes.Record
		for it != nil {
			r := ok(sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(3)}))(t)
			recs = append(recs, r.Records...)
			if len(r.Records) == 0 {
				break
			}
			it = r.NextShardIterator
		}
		out = append(out, recs)
	}
	return out
}

// readUntil reads a stream until it holds n records, waiting up to a
// minute (for the TTL pass), and returns them shard by shard.
func readUntil(t *testing.T, sc *dynamodbstreams.Client, arn string, n int) [][]stypes.Record {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		shards := readStream(t, sc, arn)
		got := 0
		for _, s := range shards {
			got += len(s)
		}
		if got >= n {
			return shards
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d records after a minute, want %d", got, n)
		}
		time.Sleep(100 * time.Millisecond) // polling with a deadline
	}
}

func keyS(m map[string]stypes.AttributeValue, name string) string {
	if v, ok := m[name].(*stypes.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func numN(m map[string]stypes.AttributeValue, name string) string {
	if v, ok := m[name].(*stypes.AttributeValueMemberN); ok {
		return v.Value
	}
	return ""
}

// TestDynamoDBStreams creates a table with a NEW_AND_OLD_IMAGES stream,
// writes through every write path, and reads the stream with the SDK's
// DynamoDB Streams client: one record per change, field by field in
// DynamoDB Streams' shape, in each key's commit order, none for a write
// that changed nothing.
func TestDynamoDBStreams(t *testing.T) {
	srv := testserver.Start(t)
	c := testserver.DynamoDBClient(srv.AWS, 0)
	sc := testserver.DynamoDBStreamsClient(srv.AWS)
	ctx := context.Background()
	ok(c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("orders"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}},
		BillingMode:          types.BillingModePayPerRequest,
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
	}))(t)
	desc := ok(c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")}))(t).Table
	arn := aws.ToString(desc.LatestStreamArn)
	wantStreamARN(t, "orders", arn)
	if !strings.HasSuffix(arn, "/stream/"+aws.ToString(desc.LatestStreamLabel)) {
		t.Fatalf("LatestStreamLabel %q is not the ARN's", aws.ToString(desc.LatestStreamLabel))
	}
	if sp := desc.StreamSpecification; sp == nil || !aws.ToBool(sp.StreamEnabled) || sp.StreamViewType != types.StreamViewTypeNewAndOldImages {
		t.Fatalf("StreamSpecification %+v", desc.StreamSpecification)
	}
	_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("orders"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly}})
	wantErr(t, err, "ValidationException", "Table already has an enabled stream: TableName: orders")

	key := map[string]av{"pk": s("o1"), "sk": n("1")}
	item := map[string]av{"pk": s("o1"), "sk": n("1"), "amount": n("50.00")}
	start := time.Now().Unix()
	ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: item}))(t)                                                          // INSERT
	ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: item}))(t)                                                          // identical: no record
	ok(c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("orders"), Key: key, UpdateExpression: aws.String("SET amount = amount + :d"), // MODIFY
		ExpressionAttributeValues: map[string]av{":d": n("1")}}))(t)
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")})
	wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")                             // failed condition: no record
	ok(c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("orders"), Key: key}))(t)                   // REMOVE
	ok(c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("orders"), Key: key}))(t)                   // nothing to delete: no record
	ok(c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"orders": { // 2 INSERTs
		{PutRequest: &types.PutRequest{Item: map[string]av{"pk": s("o2"), "sk": n("1")}}},
		{PutRequest: &types.PutRequest{Item: map[string]av{"pk": s("o3"), "sk": n("1")}}},
	}}}))(t)
	ok(c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{ // REMOVE + INSERT
		{Delete: &types.Delete{TableName: aws.String("orders"), Key: map[string]av{"pk": s("o2"), "sk": n("1")}}},
		{Put: &types.Put{TableName: aws.String("orders"), Item: map[string]av{"pk": s("o4"), "sk": n("1")}}},
	}}))(t)
	ok(c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`UPDATE "orders" SET note = 'x' WHERE pk = 'o3' AND sk = 1`)}))(t) // MODIFY
	ok(c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("orders"), TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}}))(t)
	ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]av{"pk": s("o5"), "sk": n("1"), "exp": n("1000")}}))(t) // INSERT, then REMOVE by TTL

	want := []string{"INSERT o1", "MODIFY o1", "REMOVE o1", "INSERT o2", "INSERT o3", "REMOVE o2", "INSERT o4", "MODIFY o3", "INSERT o5", "REMOVE o5 ttl"}
	shards := readUntil(t, sc, arn, len(want))
	var got []string
	perKey := map[string][]string{}
	for _, recs := range shards {
		lastSeq := ""
		for _, r := range recs {
			if aws.ToString(r.AwsRegion) != "us-east-1" || !eventIDRE.MatchString(aws.ToString(r.EventID)) || aws.ToString(r.EventSource) != "aws:dynamodb" || aws.ToString(r.EventVersion) != "1.1" {
				t.Errorf("record header: region %q id %q source %q version %q", aws.ToString(r.AwsRegion), aws.ToString(r.EventID), aws.ToString(r.EventSource), aws.ToString(r.EventVersion))
			}
			d := r.Dynamodb
			if d == nil || d.ApproximateCreationDateTime == nil {
				t.Fatalf("record without dynamodb or ApproximateCreationDateTime: %+v", r)
			}
			if ts := *d.ApproximateCreationDateTime; ts.Unix() < start || ts.After(time.Now()) || ts.Nanosecond() != 0 {
				t.Errorf("ApproximateCreationDateTime %v: not a whole second of this test", ts)
			}
			seq := aws.ToString(d.SequenceNumber)
			if !seqRE.MatchString(seq) || seq <= lastSeq {
				t.Errorf("SequenceNumber %q after %q: want 21-40 digits, increasing in the shard", seq, lastSeq)
			}
			lastSeq = seq
			if d.StreamViewType != stypes.StreamViewTypeNewAndOldImages || aws.ToInt64(d.SizeBytes) <= 0 {
				t.Errorf("StreamViewType %s SizeBytes %d", d.StreamViewType, aws.ToInt64(d.SizeBytes))
			}
			pk := keyS(d.Keys, "pk")
			if len(d.Keys) != 2 || numN(d.Keys, "sk") != "1" {
				t.Errorf("Keys %v", d.Keys)
			}
			e := string(r.EventName) + " " + pk
			switch r.EventName {
			case stypes.OperationTypeInsert:
				if d.NewImage == nil || d.OldImage != nil {
					t.Errorf("%s: NewImage %v OldImage %v", e, d.NewImage, d.OldImage)
				}
			case stypes.OperationTypeModify:
				if d.NewImage == nil || d.OldImage == nil {
					t.Errorf("%s: NewImage %v OldImage %v", e, d.NewImage, d.OldImage)
				}
			case stypes.OperationTypeRemove:
				if d.NewImage != nil || d.OldImage == nil {
					t.Errorf("%s: NewImage %v OldImage %v", e, d.NewImage, d.OldImage)
				}
			}
			if pk == "o1" && r.EventName == stypes.OperationTypeModify && (numN(d.OldImage, "amount") != "50" || numN(d.NewImage, "amount") != "51") {
				// Numbers are strings, normalized as DynamoDB stores them: 50.00 + 1 = 51.
				t.Errorf("MODIFY amounts %q -> %q", numN(d.OldImage, "amount"), numN(d.NewImage, "amount"))
			}
			if r.UserIdentity != nil {
				if aws.ToString(r.UserIdentity.PrincipalId) != "dynamodb.amazonaws.com" || aws.ToString(r.UserIdentity.Type) != "Service" {
					t.Errorf("%s: userIdentity %+v", e, *r.UserIdentity)
				}
				e += " ttl"
			}
			got = append(got, e)
			perKey[pk] = append(perKey[pk], e)
		}
	}
	// A key's records are in one shard in commit order; across keys and
	// shards there is no order, so compare the whole as a set.
	if !equal(sorted(got), sorted(want)) {
		t.Fatalf("records\n got %v\nwant %v", got, want)
	}
	if k := perKey["o1"]; !equal(k, []string{"INSERT o1", "MODIFY o1", "REMOVE o1"}) {
		t.Fatalf("o1's records out of order: %v", k)
	}
	if k := perKey["o5"]; !equal(k, []string{"INSERT o5", "REMOVE o5 ttl"}) {
		t.Fatalf("o5's records out of order: %v", k)
	}

	// ListStreams and DescribeStream.
	ls := ok(sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("orders")}))(t)
	if len(ls.Streams) != 1 || aws.ToString(ls.Streams[0].StreamArn) != arn || aws.ToString(ls.Streams[0].TableName) != "orders" || aws.ToString(ls.Streams[0].StreamLabel) != aws.ToString(desc.LatestStreamLabel) {
		t.Fatalf("ListStreams %+v", ls.Streams)
	}
	sd := ok(sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)}))(t).StreamDescription
	if sd.StreamStatus != stypes.StreamStatusEnabled || sd.StreamViewType != stypes.StreamViewTypeNewAndOldImages || aws.ToString(sd.TableName) != "orders" ||
		len(sd.KeySchema) != 2 || aws.ToString(sd.KeySchema[0].AttributeName) != "pk" || sd.KeySchema[0].KeyType != stypes.KeyTypeHash || sd.CreationRequestDateTime == nil || len(sd.Shards) == 0 {
		t.Fatalf("DescribeStream %+v", sd)
	}
	for _, sh := range sd.Shards {
		if !shardIDRE.MatchString(aws.ToString(sh.ShardId)) || !seqRE.MatchString(aws.ToString(sh.SequenceNumberRange.StartingSequenceNumber)) || sh.SequenceNumberRange.EndingSequenceNumber != nil {
			t.Fatalf("shard %s %+v", aws.ToString(sh.ShardId), *sh.SequenceNumberRange)
		}
	}
	page := ok(sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn), Limit: aws.Int32(1)}))(t).StreamDescription
	if len(page.Shards) != 1 || aws.ToString(page.LastEvaluatedShardId) != aws.ToString(sd.Shards[0].ShardId) {
		t.Fatalf("DescribeStream Limit 1: %d shards, LastEvaluatedShardId %q", len(page.Shards), aws.ToString(page.LastEvaluatedShardId))
	}
	page = ok(sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn), ExclusiveStartShardId: page.LastEvaluatedShardId}))(t).StreamDescription
	if len(page.Shards) != len(sd.Shards)-1 {
		t.Fatalf("DescribeStream after the first shard: %d shards, want %d", len(page.Shards), len(sd.Shards)-1)
	}

	// AT_ and AFTER_SEQUENCE_NUMBER, and LATEST.
	var first stypes.Record
	var firstShard string
	for i, recs := range shards {
		if len(recs) > 1 {
			first, firstShard = recs[0], aws.ToString(sd.Shards[i].ShardId)
			break
		}
	}
	seq := first.Dynamodb.SequenceNumber
	at := ok(sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String(firstShard), ShardIteratorType: stypes.ShardIteratorTypeAtSequenceNumber, SequenceNumber: seq}))(t)
	if r := ok(sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: at.ShardIterator, Limit: aws.Int32(1)}))(t); len(r.Records) != 1 || aws.ToString(r.Records[0].EventID) != aws.ToString(first.EventID) {
		t.Fatalf("AT_SEQUENCE_NUMBER %s: %d records", aws.ToString(seq), len(r.Records))
	}
	after := ok(sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String(firstShard), ShardIteratorType: stypes.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: seq}))(t)
	if r := ok(sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: after.ShardIterator, Limit: aws.Int32(1)}))(t); len(r.Records) != 1 || aws.ToString(r.Records[0].Dynamodb.SequenceNumber) <= aws.ToString(seq) {
		t.Fatalf("AFTER_SEQUENCE_NUMBER %s: %+v", aws.ToString(seq), r.Records)
	}
	latest := map[string]*string{}
	for _, sh := range sd.Shards {
		latest[aws.ToString(sh.ShardId)] = ok(sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: sh.ShardId, ShardIteratorType: stypes.ShardIteratorTypeLatest}))(t).ShardIterator
	}
	ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]av{"pk": s("late"), "sk": n("1")}}))(t)
	var late []string
	for _, it := range latest {
		for _, r := range ok(sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it}))(t).Records {
			late = append(late, string(r.EventName)+" "+keyS(r.Dynamodb.Keys, "pk"))
		}
	}
	if !equal(late, []string{"INSERT late"}) {
		t.Fatalf("from LATEST: %v, want the one write after it", late)
	}

	// Errors, as the DynamoDB Streams API reference names them.
	missing := strings.Replace(arn, "/stream/", "/stream/1", 1)
	_, err = sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(missing)})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found: Stream: "+missing+" not found")
	_, err = sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String("shardId-00000000000000000000-000000ff"), ShardIteratorType: stypes.ShardIteratorTypeLatest})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found: Shard does not exist")
	_, err = sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: sd.Shards[0].ShardId, ShardIteratorType: stypes.ShardIteratorTypeAtSequenceNumber})
	wantErr(t, err, "ValidationException", "Must provide SequenceNumber for ShardIteratorType AT_SEQUENCE_NUMBER")
	_, err = sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String("not an iterator")})
	wantErr(t, err, "ValidationException", "Invalid ShardIterator")
	_, err = sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: latest[firstShard], Limit: aws.Int32(1001)})
	wantErr(t, err, "ValidationException", "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000")
	_, err = sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("nosuch")})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found: Table: nosuch not found")

	// Disabling ends the shards where their records end; a reader that
	// reaches the end gets no next iterator. Enabling again makes a new
	// stream with a new label.
	ok(c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("orders"), StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(false)}}))(t)
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("orders"), StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(false)}})
	wantErr(t, err, "ValidationException", "Table has no stream to disable: TableName: orders")
	ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]av{"pk": s("unstreamed"), "sk": n("1")}}))(t)
	sd = ok(sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)}))(t).StreamDescription
	if sd.StreamStatus != stypes.StreamStatusDisabled {
		t.Fatalf("after disabling: status %s", sd.StreamStatus)
	}
	total := 0
	for _, sh := range sd.Shards {
		if sh.SequenceNumberRange.EndingSequenceNumber == nil {
			t.Fatalf("disabled stream's shard %s has no EndingSequenceNumber", aws.ToString(sh.ShardId))
		}
		it := ok(sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: sh.ShardId, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon}))(t).ShardIterator
		for n := 0; it != nil; n++ {
			if n > 100 {
				t.Fatalf("shard %s of a disabled stream never ends", aws.ToString(sh.ShardId))
			}
			r := ok(sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it}))(t)
			total += len(r.Records)
			it = r.NextShardIterator
		}
	}
	if total != len(want)+1 {
		t.Fatalf("disabled stream holds %d records, want %d (none for the write after disabling)", total, len(want)+1)
	}
	ok(c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("orders"), StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly}}))(t)
	arn2 := aws.ToString(ok(c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")}))(t).Table.LatestStreamArn)
	wantStreamARN(t, "orders", arn2)
	if arn2 == arn {
		t.Fatal("enabling again kept the old stream")
	}
	if ls := ok(sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{}))(t); len(ls.Streams) != 2 {
		t.Fatalf("ListStreams after re-enabling: %+v", ls.Streams)
	}
	ls1 := ok(sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{Limit: aws.Int32(1)}))(t)
	if len(ls1.Streams) != 1 || aws.ToString(ls1.LastEvaluatedStreamArn) != arn {
		t.Fatalf("ListStreams Limit 1: %+v, last %q", ls1.Streams, aws.ToString(ls1.LastEvaluatedStreamArn))
	}
	ls2 := ok(sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{ExclusiveStartStreamArn: ls1.LastEvaluatedStreamArn}))(t)
	if len(ls2.Streams) != 1 || aws.ToString(ls2.Streams[0].StreamArn) != arn2 || ls2.LastEvaluatedStreamArn != nil {
		t.Fatalf("ListStreams second page: %+v", ls2.Streams)
	}

	// Deleting the table deletes its streams.
	ok(c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("orders")}))(t)
	_, err = sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn2)})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found: Stream: "+arn2+" not found")
}

// TestStreamViewTypes: each view type carries the images it names, on a
// stream enabled by UpdateTable.
func TestStreamViewTypes(t *testing.T) {
	srv := testserver.Start(t)
	c := testserver.DynamoDBClient(srv.AWS, 0)
	sc := testserver.DynamoDBStreamsClient(srv.AWS)
	ctx := context.Background()
	for _, vt := range []types.StreamViewType{types.StreamViewTypeKeysOnly, types.StreamViewTypeNewImage, types.StreamViewTypeOldImage, types.StreamViewTypeNewAndOldImages} {
		name := "v_" + strings.ToLower(string(vt))
		ok(c.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String(name),
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
			BillingMode:          types.BillingModePayPerRequest,
		}))(t)
		ok(c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(name), StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: vt}}))(t)
		ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(name), Item: map[string]av{"id": s("a"), "v": n("1")}}))(t)
		ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(name), Item: map[string]av{"id": s("a"), "v": n("2")}}))(t)
		ok(c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(name), Key: map[string]av{"id": s("a")}}))(t)
		arn := aws.ToString(ok(c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}))(t).Table.LatestStreamArn)
		var got []string
		for _, recs := range readUntil(t, sc, arn, 3) {
			for _, r := range recs {
				d := r.Dynamodb
				if d.StreamViewType != stypes.StreamViewType(vt) || keyS(d.Keys, "id") != "a" || len(d.Keys) != 1 {
					t.Errorf("%s: StreamViewType %s Keys %v", vt, d.StreamViewType, d.Keys)
				}
				got = append(got, fmt.Sprintf("%s new=%s old=%s", r.EventName, numN(d.NewImage, "v"), numN(d.OldImage, "v")))
			}
		}
		want := map[types.StreamViewType][]string{
			types.StreamViewTypeKeysOnly:        {"INSERT new= old=", "MODIFY new= old=", "REMOVE new= old="},
			types.StreamViewTypeNewImage:        {"INSERT new=1 old=", "MODIFY new=2 old=", "REMOVE new= old="},
			types.StreamViewTypeOldImage:        {"INSERT new= old=", "MODIFY new= old=1", "REMOVE new= old=2"},
			types.StreamViewTypeNewAndOldImages: {"INSERT new=1 old=", "MODIFY new=2 old=1", "REMOVE new= old=2"},
		}[vt]
		if !equal(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", vt, got, want)
		}
	}
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("noview"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true)},
	})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: StreamViewType is required when StreamEnabled is true")
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

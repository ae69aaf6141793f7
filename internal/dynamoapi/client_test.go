package dynamoapi_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

type av = types.AttributeValue

func s(v string) av { return &types.AttributeValueMemberS{Value: v} }
func n(v string) av { return &types.AttributeValueMemberN{Value: v} }

// wantErr checks an error's code and message, as the SDK reports them.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v, want %s: %s", err, code, msg)
	}
	if ae.ErrorCode() != code || ae.ErrorMessage() != msg {
		t.Fatalf("error %s: %q\nwant  %s: %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

// ok returns v, failing the test given to the function it returns when
// err is set: ok(call(...))(t).
func ok[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// newTable creates a table (pk S, sk N) with a GSI on g (S) and an LSI on
// l (N), and waits for it with the SDK's waiter, as clients do.
func newTable(t *testing.T, c *dynamodb.Client, name string) {
	t.Helper()
	ctx := context.Background()
	ok(c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN},
			{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("l"), AttributeType: types.ScalarAttributeTypeN},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
		BillingMode: types.BillingModePayPerRequest,
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:  aws.String("byG"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{{
			IndexName:  aws.String("byL"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("l"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}},
	}))(t)
	if err := dynamodb.NewTableExistsWaiter(c).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, time.Minute); err != nil {
		t.Fatal(err)
	}
}

// TestSDK runs every operation through the AWS SDK for Go v2 against the
// binary. Expected messages are DynamoDB's, as its API reference and
// DynamoDB-compatible emulators (dynalite) quote them.
func TestSDK(t *testing.T) {
	srv := testserver.Start(t)
	c := testserver.DynamoDBClient(srv.AWS, 0)
	ctx := context.Background()
	newTable(t, c, "items")

	t.Run("tables", func(t *testing.T) {
		d := ok(c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("items")}))(t)
		tb := d.Table
		if tb.TableStatus != types.TableStatusActive || *tb.TableArn != "arn:aws:dynamodb:us-east-1:000000000000:table/items" ||
			tb.BillingModeSummary.BillingMode != types.BillingModePayPerRequest || len(tb.GlobalSecondaryIndexes) != 1 ||
			tb.GlobalSecondaryIndexes[0].IndexStatus != types.IndexStatusActive || len(tb.LocalSecondaryIndexes) != 1 {
			t.Fatalf("DescribeTable: %+v", tb)
		}
		_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("items"),
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}}, BillingMode: types.BillingModePayPerRequest})
		wantErr(t, err, "ResourceInUseException", "Table already exists: items")
		_, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("nope")})
		wantErr(t, err, "ResourceNotFoundException", "Requested resource not found: Table: nope not found")
		_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("x"),
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}}, BillingMode: types.BillingModePayPerRequest})
		wantErr(t, err, "ValidationException", "1 validation error detected: Value 'x' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3")
		_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("tt2"),
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}}})
		wantErr(t, err, "ValidationException", "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
		ok(c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("zz-other"),
			AttributeDefinitions:  []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)}}))(t)
		l := ok(c.ListTables(ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(1)}))(t)
		if fmt.Sprint(l.TableNames) != "[items]" || aws.ToString(l.LastEvaluatedTableName) != "items" {
			t.Fatalf("ListTables: %v %v", l.TableNames, aws.ToString(l.LastEvaluatedTableName))
		}
		u := ok(c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("zz-other"),
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(10), WriteCapacityUnits: aws.Int64(5)}}))(t)
		if *u.TableDescription.ProvisionedThroughput.ReadCapacityUnits != 10 {
			t.Fatalf("UpdateTable: %+v", u.TableDescription.ProvisionedThroughput)
		}
		arn := aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/zz-other")
		ok(c.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}, {Key: aws.String("env"), Value: aws.String("dev")}}}))(t)
		ok(c.UntagResource(ctx, &dynamodb.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"env"}}))(t)
		tags := ok(c.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: arn}))(t)
		if len(tags.Tags) != 1 || *tags.Tags[0].Key != "team" {
			t.Fatalf("tags: %+v", tags.Tags)
		}
		ok(c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("zz-other"), TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}}))(t)
		_, err = c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("zz-other"), TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}})
		wantErr(t, err, "ValidationException", "TimeToLive is already enabled")
		ttl := ok(c.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("zz-other")}))(t)
		if ttl.TimeToLiveDescription.TimeToLiveStatus != types.TimeToLiveStatusEnabled || *ttl.TimeToLiveDescription.AttributeName != "exp" {
			t.Fatalf("DescribeTimeToLive: %+v", ttl.TimeToLiveDescription)
		}
		del := ok(c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("zz-other")}))(t)
		if del.TableDescription.TableStatus != types.TableStatusDeleting {
			t.Fatalf("DeleteTable status %s", del.TableDescription.TableStatus)
		}
		_, err = c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("zz-other")})
		wantErr(t, err, "ResourceNotFoundException", "Requested resource not found: Table: zz-other not found")
		ep := ok(c.DescribeEndpoints(ctx, &dynamodb.DescribeEndpointsInput{}))(t)
		if len(ep.Endpoints) != 1 || ep.Endpoints[0].CachePeriodInMinutes != 1440 {
			t.Fatalf("DescribeEndpoints: %+v", ep.Endpoints)
		}
	})

	t.Run("items", func(t *testing.T) {
		// "1.50" reads back as "1.5": DynamoDB normalizes numbers.
		ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("items"), Item: map[string]av{"pk": s("a"), "sk": n("1"), "price": n("1.50"), "g": s("x")}}))(t)
		g := ok(c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("items"), Key: map[string]av{"pk": s("a"), "sk": n("1")}}))(t)
		if p := g.Item["price"].(*types.AttributeValueMemberN).Value; p != "1.5" {
			t.Fatalf("price %q, want 1.5", p)
		}
		// Missing item: no Item member.
		g = ok(c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("items"), Key: map[string]av{"pk": s("a"), "sk": n("99")}}))(t)
		if g.Item != nil {
			t.Fatalf("missing item returned %v", g.Item)
		}
		_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("items"), Key: map[string]av{"pk": s("a")}})
		wantErr(t, err, "ValidationException", "The provided key element does not match the schema")
		_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("items"), Item: map[string]av{"pk": s("a")}})
		wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Missing the key sk in the item")
		_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("items"), Item: map[string]av{"pk": s("a"), "sk": s("1")}})
		wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S")
		_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("nope"), Item: map[string]av{"pk": s("a")}})
		wantErr(t, err, "ResourceNotFoundException", "Requested resource not found")
		_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("items"), Item: map[string]av{"pk": s("a"), "sk": n("2"), "big": s(strings.Repeat("x", 400*1024))}})
		wantErr(t, err, "ValidationException", "Item size has exceeded the maximum allowed size")
		_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("items"), Item: map[string]av{"pk": s("a"), "sk": n("2"), "n": n("1e126")}})
		wantErr(t, err, "ValidationException", "Number overflow. Attempting to store a number with magnitude larger than supported range")

		// Conditions.
		_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("items"), Item: map[string]av{"pk": s("a"), "sk": n("1")},
			ConditionExpression: aws.String("attribute_not_exists(pk)"), ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
		wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
		var ccf *types.ConditionalCheckFailedException
		if !errors.As(err, &ccf) || ccf.Item["price"].(*types.AttributeValueMemberN).Value != "1.5" {
			t.Fatalf("condition failure item: %v", err)
		}
		_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("items"), Item: map[string]av{"pk": s("a"), "sk": n("1")},
			ConditionExpression: aws.String("size > :v")})
		if err == nil {
			t.Fatal("bad condition accepted")
		}
		_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("items"), Item: map[string]av{"pk": s("a"), "sk": n("1")},
			ConditionExpression: aws.String("attribute_exists(name)")})
		wantErr(t, err, "ValidationException", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name")

		// UpdateItem: arithmetic, if_not_exists, list_append, nested paths, ReturnValues.
		u := ok(c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("items"), Key: map[string]av{"pk": s("a"), "sk": n("1")},
			UpdateExpression:          aws.String("SET price = price + :d, cnt = if_not_exists(cnt, :z) + :one, tags = list_append(if_not_exists(tags, :e), :t), m = :m REMOVE g"),
			ExpressionAttributeValues: map[string]av{":d": n("0.25"), ":z": n("0"), ":one": n("1"), ":e": &types.AttributeValueMemberL{}, ":t": &types.AttributeValueMemberL{Value: []av{s("new")}}, ":m": &types.AttributeValueMemberM{Value: map[string]av{"deep": n("1")}}},
			ReturnValues:              types.ReturnValueUpdatedNew}))(t)
		if u.Attributes["price"].(*types.AttributeValueMemberN).Value != "1.75" || u.Attributes["cnt"].(*types.AttributeValueMemberN).Value != "1" {
			t.Fatalf("UPDATED_NEW: %v", u.Attributes)
		}
		u = ok(c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("items"), Key: map[string]av{"pk": s("a"), "sk": n("1")},
			UpdateExpression: aws.String("SET m.deep = m.deep + :one ADD cnt :one"), ExpressionAttributeValues: map[string]av{":one": n("1")},
			ConditionExpression: aws.String("cnt = :one"), ReturnValues: types.ReturnValueAllNew}))(t)
		if u.Attributes["m"].(*types.AttributeValueMemberM).Value["deep"].(*types.AttributeValueMemberN).Value != "2" || u.Attributes["cnt"].(*types.AttributeValueMemberN).Value != "2" {
			t.Fatalf("ALL_NEW: %v", u.Attributes)
		}
		_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("items"), Key: map[string]av{"pk": s("a"), "sk": n("1")},
			UpdateExpression: aws.String("SET pk = :v"), ExpressionAttributeValues: map[string]av{":v": s("b")}})
		wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key")
		// An update of a missing item creates it.
		ok(c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("items"), Key: map[string]av{"pk": s("a"), "sk": n("5")},
			UpdateExpression: aws.String("SET g = :g"), ExpressionAttributeValues: map[string]av{":g": s("x")}}))(t)

		// DeleteItem with ALL_OLD.
		ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("items"), Item: map[string]av{"pk": s("gone"), "sk": n("1"), "v": s("old")}}))(t)
		d := ok(c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("items"), Key: map[string]av{"pk": s("gone"), "sk": n("1")}, ReturnValues: types.ReturnValueAllOld}))(t)
		if d.Attributes["v"].(*types.AttributeValueMemberS).Value != "old" {
			t.Fatalf("DeleteItem ALL_OLD: %v", d.Attributes)
		}
		_, err = c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("items"), Key: map[string]av{"pk": s("gone"), "sk": n("1")}, ConditionExpression: aws.String("attribute_exists(pk)")})
		wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	})

	t.Run("query and scan", func(t *testing.T) {
		for i := range 30 {
			ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("items"), Item: map[string]av{
				"pk": s("q"), "sk": n(fmt.Sprint(i*10 - 100)), "l": n(fmt.Sprint(1000 - i)), "g": s(fmt.Sprint("g", i%3)), "odd": &types.AttributeValueMemberBOOL{Value: i%2 == 1}}}))(t)
		}
		q := ok(c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("items"), KeyConditionExpression: aws.String("pk = :p AND sk BETWEEN :a AND :b"),
			ExpressionAttributeValues: map[string]av{":p": s("q"), ":a": n("-20"), ":b": n("20")}}))(t)
		var got []string
		for _, it := range q.Items {
			got = append(got, it["sk"].(*types.AttributeValueMemberN).Value)
		}
		// N sort keys are in numeric order (not text order).
		if fmt.Sprint(got) != "[-20 -10 0 10 20]" {
			t.Fatalf("Query BETWEEN: %v", got)
		}
		q = ok(c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("items"), KeyConditionExpression: aws.String("pk = :p"), FilterExpression: aws.String("odd = :t"),
			ExpressionAttributeValues: map[string]av{":p": s("q"), ":t": &types.AttributeValueMemberBOOL{Value: true}}, ScanIndexForward: aws.Bool(false), Limit: aws.Int32(10)}))(t)
		if q.Count != 5 || q.ScannedCount != 10 || q.LastEvaluatedKey == nil || q.Items[0]["sk"].(*types.AttributeValueMemberN).Value != "190" {
			t.Fatalf("Query filter/backward/limit: count %d scanned %d last %v first %v", q.Count, q.ScannedCount, q.LastEvaluatedKey, q.Items[0]["sk"])
		}
		// Paging through with the SDK's paginator sees every item once.
		p := dynamodb.NewQueryPaginator(c, &dynamodb.QueryInput{TableName: aws.String("items"), KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: map[string]av{":p": s("q")}, Limit: aws.Int32(7)})
		total := 0
		for p.HasMorePages() {
			total += len(ok(p.NextPage(ctx))(t).Items)
		}
		if total != 30 {
			t.Fatalf("paginated query: %d items, want 30", total)
		}
		gq := ok(c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("items"), IndexName: aws.String("byG"), KeyConditionExpression: aws.String("g = :g"),
			ExpressionAttributeValues: map[string]av{":g": s("g1")}, Select: types.SelectCount}))(t)
		if gq.Count != 10 || gq.Items != nil {
			t.Fatalf("GSI COUNT: %d %v", gq.Count, gq.Items)
		}
		lq := ok(c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("items"), IndexName: aws.String("byL"), KeyConditionExpression: aws.String("pk = :p AND l < :l"),
			ExpressionAttributeValues: map[string]av{":p": s("q"), ":l": n("975")}}))(t)
		if lq.Count != 4 || len(lq.Items[0]) != 3 { // KEYS_ONLY: pk, sk, l
			t.Fatalf("LSI query: %d %v", lq.Count, lq.Items)
		}
		_, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("items"), IndexName: aws.String("nope"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]av{":p": s("q")}})
		wantErr(t, err, "ValidationException", "The table does not have the specified index: nope")
		_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("items"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]av{":p": s("q"), ":x": s("unused")}})
		wantErr(t, err, "ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}")
		seen := 0
		for seg := range 3 {
			sp := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String("items"), Segment: aws.Int32(int32(seg)), TotalSegments: aws.Int32(3), Limit: aws.Int32(5)})
			for sp.HasMorePages() {
				seen += len(ok(sp.NextPage(ctx))(t).Items)
			}
		}
		all := ok(c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("items"), Select: types.SelectCount}))(t)
		if seen != int(all.Count) || all.Count < 30 {
			t.Fatalf("parallel scan saw %d items, a full scan counts %d", seen, all.Count)
		}
		_, err = c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("items"), Segment: aws.Int32(3), TotalSegments: aws.Int32(3)})
		wantErr(t, err, "ValidationException", "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less than TotalSegments: 3")
	})

	t.Run("batches and transactions", func(t *testing.T) {
		var puts []types.WriteRequest
		for i := range 25 {
			puts = append(puts, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]av{"pk": s("b"), "sk": n(fmt.Sprint(i))}}})
		}
		bw := ok(c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"items": puts}}))(t)
		if len(bw.UnprocessedItems) != 0 {
			t.Fatalf("unprocessed: %v", bw.UnprocessedItems)
		}
		_, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"items": append(puts, puts[0])}})
		if err == nil {
			t.Fatal("26 writes accepted")
		}
		var keys []map[string]av
		for i := range 5 {
			keys = append(keys, map[string]av{"pk": s("b"), "sk": n(fmt.Sprint(i))})
		}
		bg := ok(c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"items": {Keys: keys}}}))(t)
		if len(bg.Responses["items"]) != 5 {
			t.Fatalf("BatchGetItem: %d items", len(bg.Responses["items"]))
		}
		tw := &dynamodb.TransactWriteItemsInput{ClientRequestToken: aws.String("tok-1"), TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: aws.String("items"), Item: map[string]av{"pk": s("t"), "sk": n("1"), "v": n("1")}}},
			{Update: &types.Update{TableName: aws.String("items"), Key: map[string]av{"pk": s("b"), "sk": n("0")}, UpdateExpression: aws.String("SET v = :v"), ExpressionAttributeValues: map[string]av{":v": n("7")}}},
			{Delete: &types.Delete{TableName: aws.String("items"), Key: map[string]av{"pk": s("b"), "sk": n("1")}}},
			{ConditionCheck: &types.ConditionCheck{TableName: aws.String("items"), Key: map[string]av{"pk": s("b"), "sk": n("2")}, ConditionExpression: aws.String("attribute_exists(pk)")}},
		}}
		ok(c.TransactWriteItems(ctx, tw))(t)
		// The same token again: idempotent, no second write.
		ok(c.TransactWriteItems(ctx, tw))(t)
		_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: aws.String("items"), Item: map[string]av{"pk": s("t"), "sk": n("2")}}},
			{ConditionCheck: &types.ConditionCheck{TableName: aws.String("items"), Key: map[string]av{"pk": s("b"), "sk": n("1")}, ConditionExpression: aws.String("attribute_exists(pk)")}},
		}})
		wantErr(t, err, "TransactionCanceledException", "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]")
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 || *tce.CancellationReasons[1].Code != "ConditionalCheckFailed" {
			t.Fatalf("cancellation reasons: %v", err)
		}
		tg := ok(c.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
			{Get: &types.Get{TableName: aws.String("items"), Key: map[string]av{"pk": s("t"), "sk": n("1")}}},
			{Get: &types.Get{TableName: aws.String("items"), Key: map[string]av{"pk": s("t"), "sk": n("2")}}},
			{Get: &types.Get{TableName: aws.String("items"), Key: map[string]av{"pk": s("b"), "sk": n("0")}}},
		}}))(t)
		if tg.Responses[0].Item == nil || tg.Responses[1].Item != nil || tg.Responses[2].Item["v"].(*types.AttributeValueMemberN).Value != "7" {
			t.Fatalf("TransactGetItems: %+v", tg.Responses)
		}
		_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: aws.String("items"), Item: map[string]av{"pk": s("t"), "sk": n("3")}}},
			{Delete: &types.Delete{TableName: aws.String("items"), Key: map[string]av{"pk": s("t"), "sk": n("3")}}},
		}})
		wantErr(t, err, "ValidationException", "Transaction request cannot include multiple operations on one item")
	})

	t.Run("gsi backfill", func(t *testing.T) {
		ok(c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("items"),
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("odd"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
				IndexName: aws.String("byPkOnly"), KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}}}}}))(t)
		deadline := time.Now().Add(30 * time.Second)
		for {
			d := ok(c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("items")}))(t)
			var st types.IndexStatus
			for _, g := range d.Table.GlobalSecondaryIndexes {
				if *g.IndexName == "byPkOnly" {
					st = g.IndexStatus
				}
			}
			if st == types.IndexStatusActive {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("index status %s after 30 s", st)
			}
			time.Sleep(20 * time.Millisecond)
		}
		q := ok(c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("items"), IndexName: aws.String("byPkOnly"), KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: map[string]av{":p": s("q")}}))(t)
		if q.Count != 30 {
			t.Fatalf("backfilled index: %d items, want 30", q.Count)
		}
	})

	t.Run("partiql", func(t *testing.T) {
		ok(c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`INSERT INTO "items" VALUE {'pk': 'p', 'sk': 1, 'v': 'one'}`)}))(t)
		_, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`INSERT INTO "items" VALUE {'pk': 'p', 'sk': 1}`)})
		wantErr(t, err, "DuplicateItemException", "Duplicate primary key exists in table")
		ok(c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`UPDATE "items" SET v = ? WHERE pk = 'p' AND sk = 1`), Parameters: []av{s("uno")}}))(t)
		out := ok(c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT v FROM "items" WHERE pk = ?`), Parameters: []av{s("p")}}))(t)
		if len(out.Items) != 1 || out.Items[0]["v"].(*types.AttributeValueMemberS).Value != "uno" || len(out.Items[0]) != 1 {
			t.Fatalf("SELECT: %v", out.Items)
		}
		_, err = c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`UPDATE "items" SET v = 'x' WHERE pk = 'p' AND sk = 2`)})
		wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
		_, err = c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "nope"`)})
		wantErr(t, err, "ResourceNotFoundException", "Requested resource not found")
		b := ok(c.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
			{Statement: aws.String(`SELECT * FROM "items" WHERE pk = 'p' AND sk = 1`)},
			{Statement: aws.String(`SELECT * FROM "items" WHERE pk = 'p' AND sk = 9`)},
		}}))(t)
		if len(b.Responses) != 2 || b.Responses[0].Item == nil || b.Responses[1].Item != nil || b.Responses[1].Error != nil {
			t.Fatalf("BatchExecuteStatement: %+v", b.Responses)
		}
		b = ok(c.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
			{Statement: aws.String(`DELETE FROM "items" WHERE pk = 'p' AND sk = 1`)},
			{Statement: aws.String(`INSERT INTO "items" VALUE {'pk': 'p', 'sk': 2}`)},
			{Statement: aws.String(`INSERT INTO "items" VALUE {'pk': 'p', 'sk': 2}`)},
		}}))(t)
		if b.Responses[2].Error == nil || b.Responses[2].Error.Code != types.BatchStatementErrorCodeEnumDuplicateItem {
			t.Fatalf("BatchExecuteStatement writes: %+v", b.Responses)
		}
	})

	// ExecuteTransaction, as "Performing transactions with PartiQL for
	// DynamoDB" describes it: all reads or all writes, EXISTS as a
	// condition check, all or nothing, and TransactionCanceledException's
	// documented reason codes (ConditionalCheckFailed, DuplicateItem).
	t.Run("partiql transactions", func(t *testing.T) {
		stmt := func(q string, params ...av) types.ParameterizedStatement {
			return types.ParameterizedStatement{Statement: aws.String(q), Parameters: params}
		}
		reasons := func(err error) string {
			t.Helper()
			var tce *types.TransactionCanceledException
			if !errors.As(err, &tce) {
				t.Fatalf("error %v, want TransactionCanceledException", err)
			}
			var codes []string
			for _, r := range tce.CancellationReasons {
				codes = append(codes, aws.ToString(r.Code))
			}
			return strings.Join(codes, ",")
		}
		count := func(pk string) int32 {
			t.Helper()
			q := ok(c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("items"), KeyConditionExpression: aws.String("pk = :p"),
				ExpressionAttributeValues: map[string]av{":p": s(pk)}}))(t)
			return q.Count
		}
		// An EXISTS that does not hold cancels the writes beside it.
		_, err := c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
			stmt(`EXISTS(SELECT * FROM "items" WHERE pk = 'tx' AND sk = 0)`),
			stmt(`INSERT INTO "items" VALUE {'pk': 'tx', 'sk': 1, 'v': 'a'}`),
		}})
		if got := reasons(err); got != "ConditionalCheckFailed,None" {
			t.Fatalf("reasons %s", got)
		}
		if n := count("tx"); n != 0 {
			t.Fatalf("a cancelled transaction wrote %d items", n)
		}
		token := aws.String("tx-token-1")
		in := &dynamodb.ExecuteTransactionInput{ClientRequestToken: token, TransactStatements: []types.ParameterizedStatement{
			stmt(`INSERT INTO "items" VALUE {'pk': 'tx', 'sk': 1, 'v': ?}`, s("a")),
			stmt(`INSERT INTO "items" VALUE {'pk': 'tx', 'sk': 2, 'v': 'b'}`),
		}}
		ok(c.ExecuteTransaction(ctx, in))(t)
		// The same token and statements again: the first result, no
		// DuplicateItem (ClientRequestToken's ten minutes).
		ok(c.ExecuteTransaction(ctx, in))(t)
		_, err = c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
			stmt(`UPDATE "items" SET v = 'c' WHERE pk = 'tx' AND sk = 2`),
			stmt(`INSERT INTO "items" VALUE {'pk': 'tx', 'sk': 1}`),
		}})
		if got := reasons(err); got != "None,DuplicateItem" {
			t.Fatalf("reasons %s", got)
		}
		ok(c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
			stmt(`EXISTS(SELECT * FROM "items" WHERE pk = 'tx' AND sk = 1 AND v = 'a')`),
			stmt(`UPDATE "items" SET v = 'c' WHERE pk = 'tx' AND sk = 2`),
			stmt(`DELETE FROM "items" WHERE pk = 'tx' AND sk = 3`),
		}}))(t)
		r := ok(c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
			stmt(`SELECT v FROM "items" WHERE pk = 'tx' AND sk = 2`),
			stmt(`SELECT * FROM "items" WHERE pk = 'tx' AND sk = 9`),
		}}))(t)
		if len(r.Responses) != 2 || len(r.Responses[0].Item) != 1 || r.Responses[0].Item["v"].(*types.AttributeValueMemberS).Value != "c" || r.Responses[1].Item != nil {
			t.Fatalf("read transaction: %+v", r.Responses)
		}
		_, err = c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
			stmt(`SELECT * FROM "items" WHERE pk = 'tx' AND sk = 1`),
			stmt(`DELETE FROM "items" WHERE pk = 'tx' AND sk = 1`),
		}})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
			t.Fatalf("reads and writes mixed: %v", err)
		}
		if n := count("tx"); n != 2 {
			t.Fatalf("%d items under tx, want 2", n)
		}
		_, err = c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`EXISTS(SELECT * FROM "items" WHERE pk = 'tx' AND sk = 1)`)})
		wantErr(t, err, "ValidationException", "EXISTS can only be used in ExecuteTransaction write requests.")
	})

	// DescribeLimits: the API reference's example figures.
	t.Run("limits", func(t *testing.T) {
		l := ok(c.DescribeLimits(ctx, &dynamodb.DescribeLimitsInput{}))(t)
		if aws.ToInt64(l.AccountMaxReadCapacityUnits) != 80000 || aws.ToInt64(l.AccountMaxWriteCapacityUnits) != 80000 ||
			aws.ToInt64(l.TableMaxReadCapacityUnits) != 40000 || aws.ToInt64(l.TableMaxWriteCapacityUnits) != 40000 {
			t.Fatalf("DescribeLimits: %+v", l)
		}
	})
}

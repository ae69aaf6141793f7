package dynamoapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// deepMap wraps a string in depth single-key maps: depth 1 is
// {"M": {"n": {"S": "leaf"}}}.
func deepMap(depth int) av {
	v := s("leaf")
	for range depth {
		v = &types.AttributeValueMemberM{Value: map[string]av{"n": v}}
	}
	return v
}

// deepList wraps a string in depth one-element lists.
func deepList(depth int) av {
	v := s("leaf")
	for range depth {
		v = &types.AttributeValueMemberL{Value: []av{v}}
	}
	return v
}

// TestItemNestingLimit: DynamoDB stores attributes nested up to 32 levels
// (the attribute itself is level 1) and refuses deeper ones, on every
// write: observed against DynamoDB, a value of 31 nested maps is stored and
// one of 32 is refused with ValidationException "Nesting Levels have
// exceeded supported limits: Attributes in the item have nested levels
// beyond supported limit", the same for BatchWriteItem and a
// TransactWriteItems Put. Items nested thousands of levels deep were
// stored before, and every reader of the table and its change records
// (a streaming view's json_parse among them) had to cope with them.
func TestItemNestingLimit(t *testing.T) {
	srv := testserver.Start(t)
	c := testserver.DynamoDBClient(srv.AWS, 0)
	ctx := context.Background()
	ok(c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("nest"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	}))(t)
	const msg = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
	table := aws.String("nest")

	for name, deep := range map[string]func(int) av{"map": deepMap, "list": deepList} {
		t.Run(name, func(t *testing.T) {
			ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: map[string]av{"pk": s(name + "31"), "d": deep(31)}}))(t)
			got := ok(c.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, Key: map[string]av{"pk": s(name + "31")}, ConsistentRead: aws.Bool(true)}))(t)
			if got.Item == nil {
				t.Fatal("the item nested 31 levels was not stored")
			}

			for _, depth := range []int{32, 100, 4000} {
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: map[string]av{"pk": s("x"), "d": deep(depth)}})
				wantErr(t, err, "ValidationException", msg)
			}
			_, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
				"nest": {{PutRequest: &types.PutRequest{Item: map[string]av{"pk": s("x"), "d": deep(32)}}}},
			}})
			wantErr(t, err, "ValidationException", msg)
			_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
				{Put: &types.Put{TableName: table, Item: map[string]av{"pk": s("x"), "d": deep(32)}}},
			}})
			wantErr(t, err, "ValidationException", msg)
			// An update that would store a value too deep: the item it
			// would make is refused.
			_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: table, Key: map[string]av{"pk": s(name + "31")},
				UpdateExpression: aws.String("SET e = :v"), ExpressionAttributeValues: map[string]av{":v": deep(32)}})
			wantErr(t, err, "ValidationException", msg)
			got = ok(c.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, Key: map[string]av{"pk": s("x")}, ConsistentRead: aws.Bool(true)}))(t)
			if got.Item != nil {
				t.Fatal("an item nested too deep was stored")
			}
		})
	}
}

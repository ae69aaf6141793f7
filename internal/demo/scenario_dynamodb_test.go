package demo

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestReferenceScenarioFromDynamoDB is the article's pipeline on real
// changes: a DynamoDB table with its Kinesis streaming destination into
// demo-data-stream, the sample record's item written by an SDK client
// (PutItem, then an UpdateItem that changes the provider and removes the
// amount), and scenario.sql run verbatim over the change records that
// produced. The fact rows are those the changes imply, the same as for the
// README's hand-made records.
func TestReferenceScenarioFromDynamoDB(t *testing.T) {
	s := startScenario(t)
	if err := CreateStream(s.ctx, NewKinesis(s.srv.AWS), StreamName, 2); err != nil {
		t.Fatal(err)
	}
	c := testserver.DynamoDBClient(s.srv.AWS, 0)
	if _, err := c.CreateTable(s.ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("sample-dynamoDB"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}},
		BillingMode:          types.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EnableKinesisStreamingDestination(s.ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("sample-dynamoDB"),
		StreamArn: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/" + StreamName)}); err != nil {
		t.Fatal(err)
	}
	s.exec(s.sc.Setup...)

	// The sample record's item (its Keys, and its NewImage's attributes).
	str := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	num := func(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }
	dependent := func(id string) types.AttributeValue {
		return &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"pk": str("CUSTOMER#CUST_123"), "sk": str("CUSTOMER#2022-07-08T23:59:59Z#" + id)}}
	}
	key := map[string]types.AttributeValue{"pk": str("CUSTOMER#CUST_123"), "sk": str("TRANSACTION#2022-07-08T23:59:59Z#CUST_345")}
	item := map[string]types.AttributeValue{
		"pk": key["pk"], "sk": key["sk"],
		"completionDateTime": str("2022-07-08T23:59:59Z"), "OutofPockPercent": num("50.00"), "Event": str("SAMPLE"),
		"Provider": str("PV-123"), "OutofPockAmount": num("1000"), "lastCalculationDateTime": str("2022-07-08T00:00:00Z"), "OutofPockMax": num("2000"),
		"calculationRequirements": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"dependentIds": &types.AttributeValueMemberL{Value: []types.AttributeValue{dependent("CUST_567"), dependent("CUST_890")}}}},
	}
	if _, err := c.PutItem(s.ctx, &dynamodb.PutItemInput{TableName: aws.String("sample-dynamoDB"), Item: item}); err != nil {
		t.Fatal(err)
	}
	s.exec("REFRESH MATERIALIZED VIEW demo_stream_vw;")
	s.exec(s.sc.Load...)
	s.expect("mv_demo_super_unnest", unnestQuery, unnestRows...)
	s.expect("Customer_Transaction_Fact", factQuery, factRow)
	s.expect("MetaData_ETL", auditQuery, auditDone)

	// The change the README's second record stands for, made for real.
	if _, err := c.UpdateItem(s.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("sample-dynamoDB"), Key: key,
		UpdateExpression:          aws.String("SET Provider = :p REMOVE OutofPockAmount"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": str("PV-999")}}); err != nil {
		t.Fatal(err)
	}
	s.exec("REFRESH MATERIALIZED VIEW demo_stream_vw;", "CALL SP_Customer_Transaction_Fact();")
	s.expect("Customer_Transaction_Fact after the MODIFY", factQuery, factRowNext)
	s.expect("MetaData_ETL after the MODIFY", auditQuery, auditDone)
	if got := s.rows("select count(*) from mv_demo_super_unnest where Event_Name = 'MODIFY'"); fmt.Sprint(got) != "[2]" {
		t.Errorf("MODIFY rows in mv_demo_super_unnest: %v, want [2]", got)
	}
}

package dynamoapi_test

import (
	"context"
	"errors"
	"sort"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/dynamoapi"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables"
)

// FuzzRequest sends arbitrary bodies to every operation of an API over a
// table with items: no request may crash the server or fail as an
// internal error; every refusal is a DynamoDB error (*awsjson.Error).
func FuzzRequest(f *testing.F) {
	seeds := []string{
		`{"TableName":"fzt","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"v":{"L":[{"M":{"x":{"NS":["1","2"]}}}]}}}`,
		`{"TableName":"fzt","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"UpdateExpression":"SET v[0].x = :v ADD c :one","ExpressionAttributeValues":{":v":{"S":"x"},":one":{"N":"1"}},"ReturnValues":"UPDATED_NEW"}`,
		`{"TableName":"fzt","KeyConditionExpression":"pk = :p AND sk BETWEEN :a AND :b","ExpressionAttributeValues":{":p":{"S":"a"},":a":{"N":"-1"},":b":{"N":"9"}},"ScanIndexForward":false,"Limit":2}`,
		`{"TableName":"fzt","IndexName":"byG","KeyConditionExpression":"g = :g","FilterExpression":"size(v) > :n","ExpressionAttributeValues":{":g":{"S":"x"},":n":{"N":"0"}}}`,
		`{"TableName":"fzt","Segment":0,"TotalSegments":2,"ExclusiveStartKey":{"pk":{"S":"a"},"sk":{"N":"1"}}}`,
		`{"TransactItems":[{"Put":{"TableName":"fzt","Item":{"pk":{"S":"b"},"sk":{"N":"2"}},"ConditionExpression":"attribute_not_exists(pk)"}},{"ConditionCheck":{"TableName":"fzt","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"ConditionExpression":"v <> :x","ExpressionAttributeValues":{":x":{"B":"AAE="}}}}]}`,
		`{"RequestItems":{"fzt":[{"PutRequest":{"Item":{"pk":{"S":"c"},"sk":{"N":"1e3"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}}]}}`,
		`{"RequestItems":{"fzt":{"Keys":[{"pk":{"S":"a"},"sk":{"N":"1"}}],"ProjectionExpression":"v[0], #n","ExpressionAttributeNames":{"#n":"name"}}}}`,
		`{"Statement":"SELECT * FROM \"fzt\" WHERE pk = ? AND sk > 0","Parameters":[{"S":"a"}]}`,
		`{"TableName":"fzt2","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"B"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`,
		`{"TableName":"fzt","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"byG"}}]}`,
		`{"TableName":"fzt","TimeToLiveSpecification":{"AttributeName":"exp","Enabled":true}}`,
		`{"TableName":1}`, `{"Item":{"a":{"N":"1e999"}}}`, `{"Key":{"a":{"SS":[]}}}`, `[]`, `{`, ``,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	dir := f.TempDir()
	sl, err := streamlog.Open(dir, streamlog.Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer sl.Close()
	st, err := tables.Open(sl, tables.Options{})
	if err != nil {
		f.Fatal(err)
	}
	svc := dynamoapi.New(st, dynamoapi.Options{}).Service()
	ctx := context.Background()
	mustOK := func(op, body string) {
		if _, err := svc.Operations[op](ctx, []byte(body)); err != nil {
			f.Fatalf("%s: %v", op, err)
		}
	}
	mustOK("CreateTable", `{"TableName":"fzt","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[{"IndexName":"byG","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]}`)
	mustOK("PutItem", `{"TableName":"fzt","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"g":{"S":"x"},"v":{"L":[{"M":{"x":{"NS":["1"]}}}]}}}`)
	var ops []string
	for op := range svc.Operations {
		if op != "DeleteTable" { // keep the table for the other operations
			ops = append(ops, op)
		}
	}
	sort.Strings(ops)
	f.Fuzz(func(t *testing.T, body string) {
		for _, op := range ops {
			_, err := svc.Operations[op](ctx, []byte(body))
			var ae *awsjson.Error
			if err != nil && !errors.As(err, &ae) {
				t.Fatalf("%s %q: internal error %v", op, body, err)
			}
		}
	})
}

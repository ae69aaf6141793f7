package dynamoapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/capture"
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

// FuzzStreamsRequest sends arbitrary bodies to every DynamoDB Streams
// operation over a table with a stream and records: no request may crash
// or fail as an internal error.
func FuzzStreamsRequest(f *testing.F) {
	dir := f.TempDir()
	sl, err := streamlog.Open(dir, streamlog.Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer sl.Close()
	st, err := tables.Open(sl, tables.Options{Capture: capture.New(capture.Options{})})
	if err != nil {
		f.Fatal(err)
	}
	api := dynamoapi.New(st, dynamoapi.Options{Streams: capture.NewStreams(st, sl, nil)})
	svc, streams := api.Service(), api.StreamsService()
	ctx := context.Background()
	call := func(s *awsjson.Service, op, body string) any {
		out, err := s.Operations[op](ctx, []byte(body))
		if err != nil {
			f.Fatalf("%s: %v", op, err)
		}
		return out
	}
	call(svc, "CreateTable", `{"TableName":"fzs","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}}`)
	call(svc, "PutItem", `{"TableName":"fzs","Item":{"pk":{"S":"a"},"v":{"N":"1"}}}`)
	call(svc, "PutItem", `{"TableName":"fzs","Item":{"pk":{"S":"a"},"v":{"N":"2"}}}`)
	t, err := st.Table("fzs")
	if err != nil {
		f.Fatal(err)
	}
	ss, _ := capture.LatestStream(t)
	arn := "arn:aws:dynamodb:us-east-1:000000000000:table/fzs/stream/" + ss.Label
	shards, err := capture.NewStreams(st, sl, nil).Shards(ctx, ss)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		`{}`, `{"TableName":"fzs","Limit":1}`, `{"ExclusiveStartStreamArn":"` + arn + `"}`,
		`{"StreamArn":"` + arn + `","Limit":2,"ExclusiveStartShardId":"` + shards[0].ID + `"}`,
		`{"StreamArn":"` + arn + `","ShardId":"` + shards[0].ID + `","ShardIteratorType":"TRIM_HORIZON"}`,
		`{"StreamArn":"` + arn + `","ShardId":"` + shards[1].ID + `","ShardIteratorType":"AT_SEQUENCE_NUMBER","SequenceNumber":"` + shards[1].Starting + `"}`,
		`{"ShardIterator":"ddbs1:eyJ0IjoiZnpzIiwibCI6IngiLCJzIjowLCJhIjowLCJlIjo5OTk5OTk5OTk5OTk5fQ","Limit":5}`,
		`{"ShardIterator":"ddbs1:%%%"}`, `{"StreamArn":"arn:aws:dynamodb:us-east-1:000000000000:table/fzs/stream/"}`, `{"Limit":0}`, `[]`, `{`, ``,
	} {
		f.Add(seed)
	}
	for _, sh := range shards { // a live iterator of each shard
		b, _ := json.Marshal(call(streams, "GetShardIterator", `{"StreamArn":"`+arn+`","ShardId":"`+sh.ID+`","ShardIteratorType":"TRIM_HORIZON"}`))
		var gi struct{ ShardIterator string }
		_ = json.Unmarshal(b, &gi)
		f.Add(`{"ShardIterator":"` + gi.ShardIterator + `","Limit":1}`)
	}
	var ops []string
	for op := range streams.Operations {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	f.Fuzz(func(t *testing.T, body string) {
		for _, op := range ops {
			_, err := streams.Operations[op](ctx, []byte(body))
			var ae *awsjson.Error
			if err != nil && !errors.As(err, &ae) {
				t.Fatalf("%s %q: internal error %v", op, body, err)
			}
		}
	})
}

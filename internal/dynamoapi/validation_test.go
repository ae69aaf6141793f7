package dynamoapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/capture"
	"github.com/blueshift-dev/blueshift/internal/dynamoapi"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables"
)

// TestModelValidation: every served operation, DynamoDB's and DynamoDB
// Streams', checks its input against the API model's constraints
// (required, length, range, pattern, enum) before anything else, and
// reports every violation at once, as a strict client sees it through raw
// HTTP.
//
// Where the expected texts come from: the constraint values (lengths,
// ranges, patterns, enum sets) are the API model's (botocore
// dynamodb/2012-08-10 and dynamodbstreams/2012-08-10, embedded in
// model/); the message form ("N validation error(s) detected: Value 'v' at
// 'path' failed to satisfy constraint: ...", members in lower camel case,
// list elements as "x.1.member", map values as "{k=v}", null unquoted) is
// DynamoDB's as dynalite's tests record it; the order of members within
// one message is DynamoDB's as dynalite records it where the operation's
// order differs from the model's (CreateTable, Query, Scan, PutItem, ...),
// the model's elsewhere; the enum orders likewise (Select, attribute
// types, projection types).
func TestModelValidation(t *testing.T) {
	sl, err := streamlog.Open(t.TempDir(), streamlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := tables.Open(sl, tables.Options{Capture: capture.New(capture.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	api := dynamoapi.New(st, dynamoapi.Options{Streams: capture.NewStreams(st, sl, nil)})
	srv := awsjson.NewServer(nil, nil)
	srv.Register(api.Service())
	srv.Register(api.StreamsService())
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); _ = sl.Close() })

	do := func(t *testing.T, target, body string) (int, string) {
		req, err := http.NewRequest(http.MethodPost, hs.URL+"/", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		sum := sha256.Sum256([]byte(body))
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET"},
			req, hex.EncodeToString(sum[:]), "dynamodb", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, string(b)
	}
	const (
		ddb = "DynamoDB_20120810."
		dbs = "DynamoDBStreams_20120810."
		// The messages' common parts.
		notNull = "failed to satisfy constraint: Member must not be null"
		rcc     = "failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"
	)
	long1025 := strings.Repeat("a", 1025)
	for _, c := range []struct {
		name, target, body string
		want               string // the message of a ValidationException
	}{
		// required
		{"required GetItem", ddb + "GetItem", `{}`,
			"2 validation errors detected: Value null at 'tableName' " + notNull + "; Value null at 'key' " + notNull},
		{"required TagResource", ddb + "TagResource", `{}`,
			"2 validation errors detected: Value null at 'resourceArn' " + notNull + "; Value null at 'tags' " + notNull},
		{"required nested", ddb + "BatchExecuteStatement", `{"Statements":[{}]}`,
			"1 validation error detected: Value null at 'statements.1.member.statement' " + notNull},
		{"required in a map value", ddb + "BatchGetItem", `{"RequestItems":{"abc":{}}}`,
			"1 validation error detected: Value null at 'requestItems.abc.member.keys' " + notNull},
		{"required Streams", dbs + "GetShardIterator", `{}`,
			"3 validation errors detected: Value null at 'streamArn' " + notNull + "; Value null at 'shardId' " + notNull +
				"; Value null at 'shardIteratorType' " + notNull},

		// length
		{"length IndexName", ddb + "Query", `{"TableName":"abc","IndexName":"ab"}`,
			"1 validation error detected: Value 'ab' at 'indexName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
		{"length TableName up to 1024 (ARNs)", ddb + "DescribeTable", `{"TableName":"` + long1025 + `"}`,
			"1 validation error detected: Value '" + long1025 + "' at 'tableName' failed to satisfy constraint: Member must have length less than or equal to 1024"},
		{"length NextToken", ddb + "ExecuteStatement", `{"Statement":"SELECT * FROM abc","NextToken":""}`,
			"1 validation error detected: Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"length StreamArn", ddb + "DisableKinesisStreamingDestination", `{"TableName":"abc","StreamArn":"arn:short"}`,
			"1 validation error detected: Value 'arn:short' at 'streamArn' failed to satisfy constraint: Member must have length greater than or equal to 37"},
		{"length ResourceArn", ddb + "ListTagsOfResource", `{"ResourceArn":""}`,
			"1 validation error detected: Value '' at 'resourceArn' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"length list", ddb + "TransactGetItems", `{"TransactItems":[]}`,
			"1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"length map value", ddb + "BatchWriteItem", `{"RequestItems":{"abc":[]}}`,
			"1 validation error detected: Value '{abc=[]}' at 'requestItems' failed to satisfy constraint: " +
				"Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"},
		{"length Streams StreamArn", dbs + "DescribeStream", `{"StreamArn":"arn:short"}`,
			"1 validation error detected: Value 'arn:short' at 'streamArn' failed to satisfy constraint: Member must have length greater than or equal to 37"},
		{"length Streams ShardIterator", dbs + "GetRecords", `{"ShardIterator":""}`,
			"1 validation error detected: Value '' at 'shardIterator' failed to satisfy constraint: Member must have length greater than or equal to 1"},

		// range
		{"range ListTables", ddb + "ListTables", `{"Limit":101}`,
			"1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100"},
		{"range Scan", ddb + "Scan", `{"TableName":"abc","Segment":-1,"TotalSegments":1000001}`,
			"2 validation errors detected: Value '-1' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0; " +
				"Value '1000001' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000"},
		{"range nested", ddb + "CreateTable", `{"TableName":"abc","ProvisionedThroughput":{"ReadCapacityUnits":0,"WriteCapacityUnits":1}}`,
			"1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"range Streams", dbs + "ListStreams", `{"Limit":0}`,
			"1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},

		// pattern
		{"pattern IndexName", ddb + "Scan", `{"TableName":"abc","IndexName":"a b"}`,
			"1 validation error detected: Value 'a b' at 'indexName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"},
		{"pattern and length", ddb + "ListTables", `{"ExclusiveStartTableName":"!"}`,
			"2 validation errors detected: Value '!' at 'exclusiveStartTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
				"Value '!' at 'exclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3"},

		// enum
		{"enum BatchExecuteStatement", ddb + "BatchExecuteStatement", `{"Statements":[{"Statement":"SELECT * FROM abc"}],"ReturnConsumedCapacity":"ALL"}`,
			"1 validation error detected: Value 'ALL' at 'returnConsumedCapacity' " + rcc},
		{"enum ConditionalOperator", ddb + "Query", `{"TableName":"abc","ConditionalOperator":"XOR"}`,
			"1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [AND, OR]"},
		{"enum TableClass", ddb + "UpdateTable", `{"TableName":"abc","TableClass":"COLD"}`,
			"1 validation error detected: Value 'COLD' at 'tableClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]"},
		{"enum Select", ddb + "Scan", `{"TableName":"abc","Select":"SOME"}`,
			"1 validation error detected: Value 'SOME' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"},
		{"enum Streams", dbs + "GetShardIterator", `{"StreamArn":"` + strings.Repeat("s", 37) + `","ShardId":"` + strings.Repeat("h", 28) + `","ShardIteratorType":"AT_TIMESTAMP"}`,
			"1 validation error detected: Value 'AT_TIMESTAMP' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER]"},

		// several kinds at once, in DynamoDB's order
		{"all at once Query", ddb + "Query", `{"TableName":"abc","IndexName":"ab","Select":"SOME","Limit":0,"ReturnConsumedCapacity":"ALL","ConditionalOperator":"XOR"}`,
			"5 validation errors detected: Value 'ab' at 'indexName' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
				"Value 'SOME' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]; " +
				"Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
				"Value 'ALL' at 'returnConsumedCapacity' " + rcc + "; " +
				"Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [AND, OR]"},
		{"all at once PutItem", ddb + "PutItem", `{"ReturnValues":"SOME","ReturnConsumedCapacity":"ALL","ReturnItemCollectionMetrics":"ALL"}`,
			"5 validation errors detected: Value null at 'tableName' " + notNull + "; Value null at 'item' " + notNull + "; " +
				"Value 'ALL' at 'returnConsumedCapacity' " + rcc + "; " +
				"Value 'ALL' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]; " +
				"Value 'SOME' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, body := do(t, c.target, c.body)
			msg, _ := json.Marshal(c.want)
			want := `{"__type":"com.amazon.coral.validate#ValidationException","message":` + string(msg) + `}`
			if status != 400 || body != want {
				t.Errorf("got %d %s\nwant 400 %s", status, body, want)
			}
		})
	}
}

// TestEveryModelConstraint: for every served operation, each member the
// API model constrains (at the top and up to two structures down) is sent
// alone with a value that breaks
// one constraint (one character too few or too many, a number out of its
// range, a value outside the enum, an empty list or map below its
// minimum), and the answer must be a ValidationException naming that
// member: no constraint of the model goes unchecked. The constraints are
// read from the embedded models themselves.
func TestEveryModelConstraint(t *testing.T) {
	sl, err := streamlog.Open(t.TempDir(), streamlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := tables.Open(sl, tables.Options{Capture: capture.New(capture.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	api := dynamoapi.New(st, dynamoapi.Options{Streams: capture.NewStreams(st, sl, nil)})
	srv := awsjson.NewServer(nil, nil)
	services := []*awsjson.Service{api.Service(), api.StreamsService()}
	for _, svc := range services {
		srv.Register(svc)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); _ = sl.Close() })

	models := map[string]string{"DynamoDB_20120810": "model/dynamodb-2012-08-10.json", "DynamoDBStreams_20120810": "model/streams-2012-08-10.json"}
	checked := 0
	for _, svc := range services {
		model, err := os.ReadFile(models[svc.Prefix])
		if err != nil {
			t.Fatal(err)
		}
		shapes, err := awsjson.ShapesFromModel(model, awsjson.ModelOptions{Opaque: []string{"AttributeValue"}})
		if err != nil {
			t.Fatal(err)
		}
		for op := range svc.Operations {
			in, ok := shapes[op]
			if !ok {
				t.Errorf("%s: not in the model", op)
				continue
			}
			for _, b := range breakingMembers(in, "", 3) {
				body, _ := json.Marshal(b.value)
				status, got := postRaw(t, hs.URL, svc.Prefix+"."+op, string(body))
				path := "at '" + b.path + "'"
				if status != 400 || !strings.Contains(got, `"com.amazon.coral.validate#ValidationException"`) || !strings.Contains(got, path) {
					t.Errorf("%s %s: got %d %.300s\nwant a ValidationException %s", op, body, status, got, path)
				}
				checked++
			}
		}
	}
	t.Logf("%d constraints checked", checked)
	if checked < 100 {
		t.Errorf("only %d constraints checked", checked)
	}
}

// broken is a structure's value that breaks one constraint, at path.
type broken struct {
	value map[string]any
	path  string
}

// breakingMembers returns, for each constraint of a member of the
// structure s (and, depth levels down, of the structures in it, alone or
// as a list's first element), a value of s that breaks it; parent is the
// members' path prefix.
func breakingMembers(s *awsjson.Shape, parent string, depth int) []broken {
	var out []broken
	for _, m := range s.Members {
		path := parent + strings.ToLower(m.Name[:1]) + m.Name[1:]
		for _, bad := range breaking(m.Shape) {
			out = append(out, broken{map[string]any{m.Name: bad}, path})
		}
		if depth <= 1 {
			continue
		}
		switch {
		case m.Shape.Type == awsjson.Structure:
			for _, b := range breakingMembers(m.Shape, path+".", depth-1) {
				out = append(out, broken{map[string]any{m.Name: b.value}, b.path})
			}
		case m.Shape.Type == awsjson.List && m.Shape.Elem.Type == awsjson.Structure:
			for _, b := range breakingMembers(m.Shape.Elem, path+".1.member.", depth-1) {
				out = append(out, broken{map[string]any{m.Name: []any{b.value}}, b.path})
			}
		}
	}
	return out
}

// breaking returns values that break one of s's constraints each.
func breaking(s *awsjson.Shape) []any {
	var out []any
	switch s.Type {
	case awsjson.String:
		if s.MinLen != nil && *s.MinLen > 0 {
			out = append(out, strings.Repeat("a", int(*s.MinLen)-1))
		}
		if s.MaxLen != nil {
			out = append(out, strings.Repeat("a", int(*s.MaxLen)+1))
		}
		if len(s.Enum) > 0 {
			out = append(out, "NOT_A_VALUE")
		}
	case awsjson.Integer, awsjson.Long:
		if s.Min != nil {
			out = append(out, *s.Min-1)
		}
		if s.Max != nil {
			out = append(out, *s.Max+1)
		}
	case awsjson.List:
		if s.MinLen != nil && *s.MinLen > 0 {
			out = append(out, []any{})
		}
	case awsjson.Map:
		if s.MinLen != nil && *s.MinLen > 0 {
			out = append(out, map[string]any{})
		}
	}
	return out
}

// postRaw sends a signed request and returns the status and body.
func postRaw(t *testing.T, url, target, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET"},
		req, hex.EncodeToString(sum[:]), "dynamodb", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// TestTableARNAsName: TableName may be the table's ARN (the model's
// TableName is a TableArn of 1 to 1024 characters; DynamoDB's API
// reference: "You can also provide the Amazon Resource Name (ARN) of the
// table in this parameter"), through the SDK; the name in the ARN is
// held to a table name's constraints, and CreateTable still takes a name.
func TestTableARNAsName(t *testing.T) {
	c := inProcess(t)
	ctx := context.Background()
	newTable(t, c, "arns")
	arn := aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/arns")
	d := ok(c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: arn}))(t)
	if *d.Table.TableName != "arns" {
		t.Fatalf("DescribeTable by ARN: %+v", d.Table)
	}
	item := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "a"}, "sk": &types.AttributeValueMemberN{Value: "1"}}
	ok(c.PutItem(ctx, &dynamodb.PutItemInput{TableName: arn, Item: item}))(t)
	got := ok(c.GetItem(ctx, &dynamodb.GetItemInput{TableName: arn, Key: item}))(t)
	if len(got.Item) != 2 {
		t.Fatalf("GetItem by ARN: %+v", got.Item)
	}
	_, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/x")})
	wantErr(t, err, "ValidationException", "1 validation error detected: Value 'arn:aws:dynamodb:us-east-1:000000000000:table/x' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3")
	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/new"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}}, BillingMode: types.BillingModePayPerRequest})
	wantErr(t, err, "ValidationException", "1 validation error detected: Value 'arn:aws:dynamodb:us-east-1:000000000000:table/new' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
}

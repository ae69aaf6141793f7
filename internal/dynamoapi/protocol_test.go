package dynamoapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/dynamoapi"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables"
)

// TestProtocolAsDynamoDB: what a strict client sees at the protocol's
// edge, byte for byte. The expected bodies are DynamoDB's as dynalite
// records them (its index.js comments and test/helpers.js, taken from
// DynamoDB): Coral's types for protocol errors
// ("com.amazon.coral.service#...", "com.amazon.coral.validate#ValidationException"),
// SerializationException's capital "Message", and the Java class names
// DynamoDB gives misplaced numbers (23 is a Short, 2147483648 a Long).
func TestProtocolAsDynamoDB(t *testing.T) {
	sl, err := streamlog.Open(t.TempDir(), streamlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := tables.Open(sl, tables.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := awsjson.NewServer(nil, nil)
	srv.Register(dynamoapi.New(st, dynamoapi.Options{}).Service())
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); _ = sl.Close() })

	do := func(t *testing.T, target, body string, signed bool) (int, string) {
		req, err := http.NewRequest(http.MethodPost, hs.URL+"/", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		if signed {
			sum := sha256.Sum256([]byte(body))
			if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET"},
				req, hex.EncodeToString(sum[:]), "dynamodb", "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
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
	ser := func(msg string) string {
		return `{"__type":"com.amazon.coral.service#SerializationException","Message":"` + msg + `"}`
	}
	for _, c := range []struct {
		name, target, body string
		unsigned           bool
		status             int
		want               string
	}{
		{"unknown operation", "Nope", `{}`, false, 400, `{"__type":"com.amazon.coral.service#UnknownOperationException"}`},
		{"not JSON", "DescribeTable", `{"TableName":`, false, 400, `{"__type":"com.amazon.coral.service#SerializationException"}`},
		{"unsigned", "DescribeTable", `{"TableName":"abc"}`, true, 400,
			`{"__type":"com.amazon.coral.service#MissingAuthenticationTokenException","message":"Request is missing Authentication Token"}`},
		{"string as Short", "DescribeTable", `{"TableName":23}`, false, 400, ser("class java.lang.Short can not be converted to an String")},
		{"string as Long", "DescribeTable", `{"TableName":2147483648}`, false, 400, ser("class java.lang.Long can not be converted to an String")},
		{"string as Double", "DeleteTable", `{"TableName":34.56}`, false, 400, ser("class java.lang.Double can not be converted to an String")},
		{"integer as String", "ListTables", `{"Limit":"23"}`, false, 400, ser("class java.lang.String can not be converted to an Integer")},
		{"long as Boolean", "CreateTable", `{"ProvisionedThroughput":{"ReadCapacityUnits":true}}`, false, 400,
			ser("class java.lang.Boolean can not be converted to an Long")},
		{"list as string", "CreateTable", `{"KeySchema":"x"}`, false, 400, ser("Expected list or null")},
		{"structure as list", "CreateTable", `{"ProvisionedThroughput":[]}`, false, 400, ser("Start of list found where not expected")},
		{"structure as number", "CreateTable", `{"ProvisionedThroughput":23}`, false, 400, ser("Expected null")},
		{"boolean as Short", "GetItem", `{"ConsistentRead":23}`, false, 400, ser("class java.lang.Short can not be converted to an Boolean")},
		{"map as list", "GetItem", `{"Key":[]}`, false, 400, ser("Start of list found where not expected")},
		{"validation", "DescribeTable", `{}`, false, 400,
			`{"__type":"com.amazon.coral.validate#ValidationException","message":"1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"}`},
		{"not found", "DescribeTable", `{"TableName":"abc"}`, false, 400,
			`{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found: Table: abc not found"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, body := do(t, c.target, c.body, !c.unsigned)
			if status != c.status || body != c.want {
				t.Errorf("got %d %s\nwant %d %s", status, body, c.status, c.want)
			}
		})
	}
}

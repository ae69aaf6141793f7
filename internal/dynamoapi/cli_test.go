package dynamoapi_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestAWSCLI runs the AWS CLI against the binary end to end: create-table
// (with its waiter), put-item, update-item, query, scan,
// transact-write-items, execute-statement when PartiQL is served,
// delete-table. Without the CLI (Debian package awscli) it is skipped.
func TestAWSCLI(t *testing.T) {
	awsBin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed")
	}
	srv := testserver.Start(t)
	home := t.TempDir()
	cli := func(args ...string) ([]byte, error) {
		cmd := exec.Command(awsBin, append(append([]string{"dynamodb"}, args...), "--endpoint-url", "http://"+srv.AWS, "--output", "json")...)
		cmd.Env = append(os.Environ(),
			"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret", "AWS_DEFAULT_REGION=us-east-1",
			"AWS_CONFIG_FILE="+home+"/config", "AWS_SHARED_CREDENTIALS_FILE="+home+"/credentials", "HOME="+home,
			"AWS_PAGER=", "AWS_MAX_ATTEMPTS=1")
		return cmd.CombinedOutput()
	}
	run := func(args ...string) []byte {
		t.Helper()
		out, err := cli(args...)
		if err != nil {
			t.Fatalf("aws dynamodb %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	run("create-table", "--table-name", "Music",
		"--attribute-definitions", "AttributeName=Artist,AttributeType=S", "AttributeName=SongTitle,AttributeType=S",
		"--key-schema", "AttributeName=Artist,KeyType=HASH", "AttributeName=SongTitle,KeyType=RANGE",
		"--billing-mode", "PAY_PER_REQUEST")
	run("wait", "table-exists", "--table-name", "Music")
	// The developer guide's getting-started items.
	run("put-item", "--table-name", "Music", "--item", `{"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Call Me Today"}, "AlbumTitle": {"S": "Somewhat Famous"}, "Awards": {"N": "1"}}`)
	run("put-item", "--table-name", "Music", "--item", `{"Artist": {"S": "Acme Band"}, "SongTitle": {"S": "Happy Day"}, "AlbumTitle": {"S": "Songs About Life"}, "Awards": {"N": "10"}}`)
	var upd struct{ Attributes map[string]map[string]string }
	out := run("update-item", "--table-name", "Music", "--key", `{"Artist": {"S": "Acme Band"}, "SongTitle": {"S": "Happy Day"}}`,
		"--update-expression", "SET AlbumTitle = :newval", "--expression-attribute-values", `{":newval":{"S":"Updated Album Title"}}`, "--return-values", "ALL_NEW")
	if err := json.Unmarshal(out, &upd); err != nil || upd.Attributes["AlbumTitle"]["S"] != "Updated Album Title" {
		t.Fatalf("update-item: %v %s", err, out)
	}
	var q struct {
		Items []map[string]map[string]string
		Count int
	}
	out = run("query", "--table-name", "Music", "--key-condition-expression", "Artist = :name", "--expression-attribute-values", `{":name":{"S":"Acme Band"}}`)
	if err := json.Unmarshal(out, &q); err != nil || q.Count != 1 || q.Items[0]["AlbumTitle"]["S"] != "Updated Album Title" {
		t.Fatalf("query: %v %s", err, out)
	}
	run("transact-write-items", "--transact-items", `[{"Put":{"TableName":"Music","Item":{"Artist":{"S":"T"},"SongTitle":{"S":"One"}}}},{"Update":{"TableName":"Music","Key":{"Artist":{"S":"No One You Know"},"SongTitle":{"S":"Call Me Today"}},"UpdateExpression":"ADD Awards :one","ExpressionAttributeValues":{":one":{"N":"1"}}}}]`)
	out = run("scan", "--table-name", "Music")
	if err := json.Unmarshal(out, &q); err != nil || q.Count != 3 {
		t.Fatalf("scan: %v %s", err, out)
	}
	if out, err := cli("execute-statement", "--statement", `SELECT * FROM "Music" WHERE Artist = 'T'`); err == nil {
		if err := json.Unmarshal(out, &q); err != nil || len(q.Items) != 1 {
			t.Fatalf("execute-statement: %v %s", err, out)
		}
	} else if !strings.Contains(string(out), "UnknownOperationException") {
		t.Fatalf("execute-statement: %v %s", err, out)
	}
	out, err = cli("describe-table", "--table-name", "Nope")
	if err == nil || strings.TrimSpace(string(out)) != "An error occurred (ResourceNotFoundException) when calling the DescribeTable operation: Requested resource not found: Table: Nope not found" {
		t.Fatalf("describe-table of a missing table: %v %s", err, out)
	}
	run("delete-table", "--table-name", "Music")
	run("wait", "table-not-exists", "--table-name", "Music")
}

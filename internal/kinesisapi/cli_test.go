package kinesisapi_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestAWSCLI runs the AWS CLI against the binary: create-stream,
// put-record, get-shard-iterator, get-records. CI installs the CLI
// (.ci/run); without it the test is skipped.
func TestAWSCLI(t *testing.T) {
	run := mustCLI(t, awsCLI(t))
	run("create-stream", "--stream-name", "cli", "--shard-count", "1")
	run("wait", "stream-exists", "--stream-name", "cli")
	var put struct{ ShardId, SequenceNumber string }
	// CLI v1 sends --data as text (base64-encoding it itself); v2 expects
	// base64 unless told to take raw text.
	putArgs := []string{"put-record", "--stream-name", "cli", "--partition-key", "user-1", "--data", "hello from the cli"}
	if v, _ := exec.Command("aws", "--version").CombinedOutput(); strings.HasPrefix(string(v), "aws-cli/2") {
		putArgs = append(putArgs, "--cli-binary-format", "raw-in-base64-out")
	}
	putOut := run(putArgs...)
	if err := json.Unmarshal(putOut, &put); err != nil || put.ShardId != "shardId-000000000000" || put.SequenceNumber == "" {
		t.Fatalf("put-record: %v %s", err, putOut)
	}
	var it struct{ ShardIterator string }
	if err := json.Unmarshal(run("get-shard-iterator", "--stream-name", "cli", "--shard-id", put.ShardId, "--shard-iterator-type", "TRIM_HORIZON"), &it); err != nil {
		t.Fatal(err)
	}
	var recs struct {
		Records []struct{ SequenceNumber, PartitionKey, Data string }
	}
	out := run("get-records", "--shard-iterator", it.ShardIterator)
	if err := json.Unmarshal(out, &recs); err != nil || len(recs.Records) != 1 {
		t.Fatalf("get-records: %v %s", err, out)
	}
	r := recs.Records[0]
	data, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil || string(data) != "hello from the cli" || r.PartitionKey != "user-1" || r.SequenceNumber != put.SequenceNumber {
		t.Fatalf("get-records returned %+v (data %q)", r, data)
	}
}

// TestAWSCLIErrors checks what the AWS CLI prints for the mistakes users
// make: the error type, and a message in Kinesis's words that names what
// was asked for (not the stream log's internal operations).
func TestAWSCLIErrors(t *testing.T) {
	cli := awsCLI(t)
	run := func(args ...string) (string, error) {
		out, err := cli(args...)
		return strings.TrimSpace(string(out)), err
	}
	if out, err := run("create-stream", "--stream-name", "cli", "--shard-count", "1"); err != nil {
		t.Fatalf("create-stream: %v\n%s", err, out)
	}
	if out, err := run("wait", "stream-exists", "--stream-name", "cli"); err != nil {
		t.Fatalf("wait: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"put-record", "--stream-name", "nope", "--partition-key", "k", "--data", "x"},
			"An error occurred (ResourceNotFoundException) when calling the PutRecord operation: Stream nope under account 000000000000 not found."},
		{[]string{"describe-stream", "--stream-name", "nope"},
			"An error occurred (ResourceNotFoundException) when calling the DescribeStream operation: Stream nope under account 000000000000 not found."},
		{[]string{"create-stream", "--stream-name", "cli", "--shard-count", "1"},
			"An error occurred (ResourceInUseException) when calling the CreateStream operation: Stream cli under account 000000000000 already exists."},
		{[]string{"get-shard-iterator", "--stream-name", "cli", "--shard-id", "shardId-000000000009", "--shard-iterator-type", "TRIM_HORIZON"},
			"An error occurred (ResourceNotFoundException) when calling the GetShardIterator operation: Shard shardId-000000000009 in stream cli under account 000000000000 does not exist"},
	} {
		out, err := run(tc.args...)
		if err == nil {
			t.Errorf("aws kinesis %s succeeded: %s", strings.Join(tc.args, " "), out)
			continue
		}
		if out != tc.want {
			t.Errorf("aws kinesis %s printed\n%s\nwant\n%s", strings.Join(tc.args, " "), out, tc.want)
		}
	}
}

// TestAWSCLITagsAndLimits runs the AWS CLI's tag-resource,
// list-tags-for-resource and describe-limits against the binary.
func TestAWSCLITagsAndLimits(t *testing.T) {
	run := mustCLI(t, awsCLI(t))
	run("create-stream", "--stream-name", "cli", "--shard-count", "3")
	run("wait", "stream-exists", "--stream-name", "cli")
	arn := "arn:aws:kinesis:us-east-1:000000000000:stream/cli"
	run("tag-resource", "--resource-arn", arn, "--tags", "team=data,env=dev")
	var tags struct{ Tags []struct{ Key, Value string } }
	out := run("list-tags-for-resource", "--resource-arn", arn)
	if err := json.Unmarshal(out, &tags); err != nil || len(tags.Tags) != 2 ||
		tags.Tags[0] != (struct{ Key, Value string }{"env", "dev"}) || tags.Tags[1] != (struct{ Key, Value string }{"team", "data"}) {
		t.Fatalf("list-tags-for-resource: %v %s", err, out)
	}
	var lim struct{ ShardLimit, OpenShardCount, OnDemandStreamCount, OnDemandStreamCountLimit int }
	out = run("describe-limits")
	if err := json.Unmarshal(out, &lim); err != nil || lim.ShardLimit != 500 || lim.OpenShardCount != 3 || lim.OnDemandStreamCount != 0 || lim.OnDemandStreamCountLimit != 50 {
		t.Fatalf("describe-limits: %v %s", err, out)
	}
}

// awsCLI starts the server and returns a function that runs `aws kinesis
// args...` against it, with a throwaway configuration, JSON output and no
// retries, giving the CLI's output. Without the CLI the test is skipped.
func awsCLI(t *testing.T) func(args ...string) ([]byte, error) {
	t.Helper()
	awsBin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed (Debian package awscli)")
	}
	srv := testserver.Start(t)
	home := t.TempDir()
	return func(args ...string) ([]byte, error) {
		cmd := exec.Command(awsBin, append(append([]string{"kinesis"}, args...), "--endpoint-url", "http://"+srv.AWS, "--output", "json")...)
		cmd.Env = append(os.Environ(),
			"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret", "AWS_DEFAULT_REGION=us-east-1",
			"AWS_CONFIG_FILE="+home+"/config", "AWS_SHARED_CREDENTIALS_FILE="+home+"/credentials", "HOME="+home,
			"AWS_PAGER=", "AWS_MAX_ATTEMPTS=1")
		return cmd.CombinedOutput()
	}
}

// mustCLI wraps run to fail the test when the CLI fails.
func mustCLI(t *testing.T, run func(args ...string) ([]byte, error)) func(args ...string) []byte {
	return func(args ...string) []byte {
		t.Helper()
		out, err := run(args...)
		if err != nil {
			t.Fatalf("aws kinesis %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
}

// TestAWSCLICredentials runs the AWS CLI against a binary started with
// --aws-credentials: the configured key works, a wrong secret and an
// unknown key are refused with AWS's errors (as the CLI prints them).
func TestAWSCLICredentials(t *testing.T) {
	awsBin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed (Debian package awscli)")
	}
	srv := testserver.Start(t, "--aws-credentials", "AKIDCLI:cli-secret", "--aws-credentials", "AKIDTWO:two-secret")
	home := t.TempDir()
	run := func(key, secret string, args ...string) (string, error) {
		cmd := exec.Command(awsBin, append(append([]string{"kinesis"}, args...), "--endpoint-url", "http://"+srv.AWS, "--output", "json")...)
		cmd.Env = append(os.Environ(),
			"AWS_ACCESS_KEY_ID="+key, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_DEFAULT_REGION=us-east-1",
			"AWS_CONFIG_FILE="+home+"/config", "AWS_SHARED_CREDENTIALS_FILE="+home+"/credentials", "HOME="+home,
			"AWS_PAGER=", "AWS_MAX_ATTEMPTS=1")
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	if out, err := run("AKIDCLI", "cli-secret", "create-stream", "--stream-name", "signed", "--shard-count", "1"); err != nil {
		t.Fatalf("create-stream with the configured key: %v\n%s", err, out)
	}
	if out, err := run("AKIDTWO", "two-secret", "list-streams"); err != nil || !strings.Contains(out, `"signed"`) {
		t.Fatalf("list-streams with the second key: %v\n%s", err, out)
	}
	for _, tc := range []struct{ key, secret, want string }{
		{"AKIDCLI", "wrong", "An error occurred (InvalidSignatureException) when calling the ListStreams operation: " +
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."},
		{"AKIDNOPE", "cli-secret", "An error occurred (UnrecognizedClientException) when calling the ListStreams operation: The security token included in the request is invalid."},
	} {
		out, err := run(tc.key, tc.secret, "list-streams")
		if err == nil || out != tc.want {
			t.Errorf("list-streams as %s: %v\n%s\nwant\n%s", tc.key, err, out, tc.want)
		}
	}
}

// TestAWSCLIConsumers runs the enhanced fan-out control plane and enhanced
// monitoring through the AWS CLI (operations every CLI version has): the
// CLI reads what the server answers, and prints Kinesis's error for
// deleting a stream that still has consumers.
func TestAWSCLIConsumers(t *testing.T) {
	cli := awsCLI(t)
	run := mustCLI(t, cli)
	run("create-stream", "--stream-name", "efo", "--shard-count", "1")
	run("wait", "stream-exists", "--stream-name", "efo")
	arn := "arn:aws:kinesis:us-east-1:000000000000:stream/efo"
	var reg struct {
		Consumer struct{ ConsumerName, ConsumerARN, ConsumerStatus string }
	}
	out := run("register-stream-consumer", "--stream-arn", arn, "--consumer-name", "app")
	if err := json.Unmarshal(out, &reg); err != nil || reg.Consumer.ConsumerName != "app" ||
		!strings.HasPrefix(reg.Consumer.ConsumerARN, arn+"/consumer/app:") {
		t.Fatalf("register-stream-consumer: %v %s", err, out)
	}
	var desc struct {
		ConsumerDescription struct{ ConsumerARN, StreamARN string }
	}
	out = run("describe-stream-consumer", "--consumer-arn", reg.Consumer.ConsumerARN)
	if err := json.Unmarshal(out, &desc); err != nil || desc.ConsumerDescription.StreamARN != arn {
		t.Fatalf("describe-stream-consumer: %v %s", err, out)
	}
	var list struct {
		Consumers []struct{ ConsumerName string }
	}
	out = run("list-stream-consumers", "--stream-arn", arn)
	if err := json.Unmarshal(out, &list); err != nil || len(list.Consumers) != 1 {
		t.Fatalf("list-stream-consumers: %v %s", err, out)
	}
	var mon struct{ DesiredShardLevelMetrics []string }
	out = run("enable-enhanced-monitoring", "--stream-name", "efo", "--shard-level-metrics", "IncomingBytes")
	if err := json.Unmarshal(out, &mon); err != nil || len(mon.DesiredShardLevelMetrics) != 1 {
		t.Fatalf("enable-enhanced-monitoring: %v %s", err, out)
	}
	out, err := cli("delete-stream", "--stream-name", "efo")
	// Kinesis's text (observed; quoted in cloud-custodian issue 7260).
	want := "An error occurred (ResourceInUseException) when calling the DeleteStream operation: DeleteStream can't delete " + arn +
		" because there are consumers associated with this data stream. To delete efo anyway, set the EnforceConsumerDeletion parameter" +
		" to true to force the deletion of all the consumers that are associated with it."
	if err == nil || !strings.Contains(string(out), want) {
		t.Fatalf("delete-stream with a consumer: %v\n%s", err, out)
	}
	run("deregister-stream-consumer", "--consumer-arn", reg.Consumer.ConsumerARN)
	run("delete-stream", "--stream-name", "efo")
}

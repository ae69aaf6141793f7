package kinesisapi_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestLaterOperationsThroughSDK drives the operations that came to the
// Kinesis API model after the first ones (consumers, enhanced monitoring,
// resource policies, account settings, record size, warm throughput)
// through the AWS SDK for Go v2 against the binary, and checks that what
// they store survives a restart. The answers' forms are the API
// reference's (kinesis/2013-12-02 model: members, enums, the consumer ARN
// <stream ARN>/consumer/<name>:<creation second>).
func TestLaterOperationsThroughSDK(t *testing.T) {
	const transition = 300 * time.Millisecond
	srv := testserver.Start(t, "--stream-transition-delay", transition.String())
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(srv.Logs())
		}
	})
	c := newClient(srv.AWS)
	ctx := context.Background()
	createActive(t, c, "efo", 2)
	streamARN := "arn:aws:kinesis:us-east-1:000000000000:stream/efo"

	// Consumers: CREATING, then ACTIVE; listed, described by ARN and by
	// name; a second registration of the name is ResourceInUseException.
	reg, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(streamARN), ConsumerName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	cons := reg.Consumer
	wantARN := fmt.Sprintf("%s/consumer/app:%d", streamARN, cons.ConsumerCreationTimestamp.Unix())
	if *cons.ConsumerARN != wantARN || cons.ConsumerStatus != types.ConsumerStatusCreating {
		t.Fatalf("registered %s %s, want %s CREATING", *cons.ConsumerARN, cons.ConsumerStatus, wantARN)
	}
	_, err = c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(streamARN), ConsumerName: aws.String("app")})
	wantCode(t, err, "ResourceInUseException")
	_, err = c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(streamARN + "x"), ConsumerName: aws.String("app")})
	wantCode(t, err, "ResourceNotFoundException")
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, err := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: cons.ConsumerARN})
		if err != nil {
			t.Fatal(err)
		}
		if *d.ConsumerDescription.StreamARN != streamARN || *d.ConsumerDescription.ConsumerName != "app" {
			t.Fatalf("describe: %+v", d.ConsumerDescription)
		}
		if d.ConsumerDescription.ConsumerStatus == types.ConsumerStatusActive {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumer still %s", d.ConsumerDescription.ConsumerStatus)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{StreamARN: aws.String(streamARN), ConsumerName: aws.String("app")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerName: aws.String("app")})
	wantCode(t, err, "InvalidArgumentException")
	_, err = c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{StreamARN: aws.String(streamARN), ConsumerName: aws.String("nope")})
	wantCode(t, err, "ResourceNotFoundException")
	var bARN string
	for _, n := range []string{"b", "c"} {
		r, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(streamARN), ConsumerName: aws.String(n),
			Tags: map[string]string{"team": n}})
		if err != nil {
			t.Fatal(err)
		}
		if n == "b" {
			bARN = *r.Consumer.ConsumerARN
		}
	}
	// A consumer's own tags and policy, by its ARN.
	if _, err := c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: aws.String(bARN), Tags: map[string]string{"env": "test"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &kinesis.UntagResourceInput{ResourceARN: aws.String(bARN), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, c, bARN); got != "env=test;" {
		t.Fatalf("consumer tags %q", got)
	}
	if got := tagsOf(t, c, streamARN); got != "" {
		t.Fatalf("stream tags %q after tagging a consumer", got)
	}
	if _, err := c.PutResourcePolicy(ctx, &kinesis.PutResourcePolicyInput{ResourceARN: aws.String(bARN), Policy: aws.String(`{"Statement":[]}`)}); err != nil {
		t.Fatal(err)
	}
	if pol, err := c.GetResourcePolicy(ctx, &kinesis.GetResourcePolicyInput{ResourceARN: aws.String(bARN)}); err != nil || *pol.Policy != `{"Statement":[]}` {
		t.Fatalf("consumer policy: %v %v", err, pol)
	}
	_, err = c.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: aws.String(streamARN + "/consumer/b:1")})
	wantCode(t, err, "ResourceNotFoundException")
	var names []string
	p := kinesis.NewListStreamConsumersPaginator(c, &kinesis.ListStreamConsumersInput{StreamARN: aws.String(streamARN), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range page.Consumers {
			names = append(names, *x.ConsumerName)
		}
	}
	if !slices.Equal(names, []string{"app", "b", "c"}) {
		t.Fatalf("listed consumers %v", names)
	}
	if _, err := c.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{StreamARN: aws.String(streamARN), ConsumerName: aws.String("c")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{ConsumerARN: aws.String(streamARN + "/consumer/c:1")})
	wantCode(t, err, "ResourceNotFoundException")

	// Enhanced monitoring: the metrics before and after, and in DescribeStream.
	en, err := c.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("efo"),
		ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingBytes, types.MetricsNameOutgoingRecords}})
	if err != nil {
		t.Fatal(err)
	}
	if len(en.CurrentShardLevelMetrics) != 0 || len(en.DesiredShardLevelMetrics) != 2 || *en.StreamARN != streamARN {
		t.Fatalf("enable: current %v desired %v", en.CurrentShardLevelMetrics, en.DesiredShardLevelMetrics)
	}
	dis, err := c.DisableEnhancedMonitoring(ctx, &kinesis.DisableEnhancedMonitoringInput{StreamARN: aws.String(streamARN),
		ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingBytes}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dis.DesiredShardLevelMetrics, []types.MetricsName{types.MetricsNameOutgoingRecords}) {
		t.Fatalf("disable: desired %v", dis.DesiredShardLevelMetrics)
	}

	// Resource policy: stored and given back; none is an empty policy.
	const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kinesis:GetRecords","Resource":"*"}]}`
	if _, err := c.PutResourcePolicy(ctx, &kinesis.PutResourcePolicyInput{ResourceARN: aws.String(streamARN), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutResourcePolicy(ctx, &kinesis.PutResourcePolicyInput{ResourceARN: aws.String(streamARN), Policy: aws.String("not json")})
	wantCode(t, err, "InvalidArgumentException")

	// Record size and warm throughput (ON_DEMAND streams only).
	if _, err := c.UpdateMaxRecordSize(ctx, &kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String(streamARN), MaxRecordSizeInKiB: aws.Int32(2048)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateMaxRecordSize(ctx, &kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String(streamARN), MaxRecordSizeInKiB: aws.Int32(100)})
	wantCode(t, err, "ValidationException")
	_, err = c.UpdateStreamWarmThroughput(ctx, &kinesis.UpdateStreamWarmThroughputInput{StreamName: aws.String("efo"), WarmThroughputMiBps: aws.Int32(50)})
	wantCode(t, err, "InvalidArgumentException")

	// Account settings: DISABLED until enabled.
	as, err := c.DescribeAccountSettings(ctx, &kinesis.DescribeAccountSettingsInput{})
	if err != nil || as.MinimumThroughputBillingCommitment.Status != types.MinimumThroughputBillingCommitmentOutputStatusDisabled {
		t.Fatalf("account settings: %v %+v", err, as)
	}
	up, err := c.UpdateAccountSettings(ctx, &kinesis.UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{
		Status: types.MinimumThroughputBillingCommitmentInputStatusEnabled}})
	if err != nil || up.MinimumThroughputBillingCommitment.Status != types.MinimumThroughputBillingCommitmentOutputStatusEnabled ||
		up.MinimumThroughputBillingCommitment.EarliestAllowedEndAt.Sub(*up.MinimumThroughputBillingCommitment.StartedAt) != 24*time.Hour {
		t.Fatalf("enable commitment: %v %+v", err, up)
	}

	// What the stream keeps survives a restart.
	srv.Restart()
	c = newClient(srv.AWS)
	sum, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("efo")})
	if err != nil {
		t.Fatal(err)
	}
	s := sum.StreamDescriptionSummary
	if *s.ConsumerCount != 2 || *s.MaxRecordSizeInKiB != 2048 ||
		!slices.Equal(s.EnhancedMonitoring[0].ShardLevelMetrics, []types.MetricsName{types.MetricsNameOutgoingRecords}) {
		t.Fatalf("summary after restart: consumers %d, record size %d, metrics %v", *s.ConsumerCount, *s.MaxRecordSizeInKiB, s.EnhancedMonitoring)
	}
	pol, err := c.GetResourcePolicy(ctx, &kinesis.GetResourcePolicyInput{ResourceARN: aws.String(streamARN)})
	if err != nil || *pol.Policy != policy {
		t.Fatalf("policy after restart: %v %v", err, pol)
	}
	if _, err := c.DeleteResourcePolicy(ctx, &kinesis.DeleteResourcePolicyInput{ResourceARN: aws.String(streamARN)}); err != nil {
		t.Fatal(err)
	}
	if pol, err := c.GetResourcePolicy(ctx, &kinesis.GetResourcePolicyInput{ResourceARN: aws.String(streamARN)}); err != nil || aws.ToString(pol.Policy) != "" {
		t.Fatalf("policy after delete: %v %v", err, pol)
	}

	// A stream with consumers is deleted only with EnforceConsumerDeletion.
	_, err = c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("efo")})
	wantCode(t, err, "ResourceInUseException")
	if _, err := c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("efo"), EnforceConsumerDeletion: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
}

package kinesisapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// waitActive waits with the SDK's waiter until the stream is ACTIVE.
func waitActive(t testing.TB, c *kinesis.Client, name string) {
	t.Helper()
	w := kinesis.NewStreamExistsWaiter(c, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 20*time.Millisecond, 100*time.Millisecond
	})
	if err := w.Wait(context.Background(), &kinesis.DescribeStreamInput{StreamName: aws.String(name)}, 30*time.Second); err != nil {
		t.Fatalf("wait for %s: %v", name, err)
	}
}

func limits(t testing.TB, c *kinesis.Client) (shardLimit, openShards, onDemand, onDemandLimit int32) {
	t.Helper()
	l, err := c.DescribeLimits(context.Background(), &kinesis.DescribeLimitsInput{})
	if err != nil {
		t.Fatal(err)
	}
	return *l.ShardLimit, *l.OpenShardCount, *l.OnDemandStreamCount, *l.OnDemandStreamCountLimit
}

func tagsOf(t testing.TB, c *kinesis.Client, arn string) string {
	t.Helper()
	res, err := c.ListTagsForResource(context.Background(), &kinesis.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	s := ""
	for _, tg := range res.Tags {
		s += *tg.Key + "=" + aws.ToString(tg.Value) + ";"
	}
	return s
}

// TestControlPlaneThroughSDK drives the stream-mode, encryption, limits and
// tag-on-resource operations through the AWS SDK for Go v2 against the
// binary, and checks that what they store survives a restart.
func TestControlPlaneThroughSDK(t *testing.T) {
	const transition = 300 * time.Millisecond
	srv := testserver.Start(t, "--stream-transition-delay", transition.String())
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(srv.Logs())
		}
	})
	c := newClient(srv.AWS)
	ctx := context.Background()
	arn := func(name string) string { return "arn:aws:kinesis:us-east-1:000000000000:stream/" + name }

	if sl, open, od, odl := limits(t, c); sl != 500 || open != 0 || od != 0 || odl != 50 {
		t.Fatalf("limits of an empty server: shard limit %d, open %d, on-demand %d of %d", sl, open, od, odl)
	}

	// CreateStream honours StreamModeDetails: ON_DEMAND without ShardCount
	// gets 4 shards; an unknown mode is refused.
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("od"),
		StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("bad"), ShardCount: aws.Int32(1),
		StreamModeDetails: &types.StreamModeDetails{StreamMode: "AUTO"}})
	wantCode(t, err, "ValidationException")

	// A stream that is not ACTIVE refuses a mode switch, as long as the
	// transition lasts (measured from before the create was sent).
	sent := time.Now()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("prov"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateStreamMode(ctx, &kinesis.UpdateStreamModeInput{StreamARN: aws.String(arn("prov")),
		StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}})
	if elapsed := time.Since(sent); err == nil && elapsed < transition {
		t.Fatalf("UpdateStreamMode %v after create succeeded, want ResourceInUseException", elapsed)
	} else if err != nil {
		wantCode(t, err, "ResourceInUseException")
	}
	waitActive(t, c, "od")
	waitActive(t, c, "prov")
	sum, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("od")})
	if err != nil {
		t.Fatal(err)
	}
	if d := sum.StreamDescriptionSummary; d.StreamModeDetails.StreamMode != types.StreamModeOnDemand || *d.OpenShardCount != 4 || d.EncryptionType != types.EncryptionTypeNone {
		t.Fatalf("on-demand stream: mode %s, %d shards, encryption %s", d.StreamModeDetails.StreamMode, *d.OpenShardCount, d.EncryptionType)
	}

	t.Run("update stream mode", func(t *testing.T) {
		d, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("prov")})
		if err != nil || d.StreamDescription.StreamModeDetails.StreamMode != types.StreamModeProvisioned {
			t.Fatalf("before: %v %+v", err, d)
		}
		if _, err := c.UpdateStreamMode(ctx, &kinesis.UpdateStreamModeInput{StreamARN: aws.String(arn("prov")),
			StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}}); err != nil {
			t.Fatal(err)
		}
		waitActive(t, c, "prov")
		d, err = c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("prov")})
		if err != nil || d.StreamDescription.StreamModeDetails.StreamMode != types.StreamModeOnDemand || len(d.StreamDescription.Shards) != 2 {
			t.Fatalf("after: %v mode %s, %d shards", err, d.StreamDescription.StreamModeDetails.StreamMode, len(d.StreamDescription.Shards))
		}
		_, err = c.UpdateStreamMode(ctx, &kinesis.UpdateStreamModeInput{StreamARN: aws.String(arn("prov")),
			StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}})
		wantCode(t, err, "InvalidArgumentException")
		_, err = c.UpdateStreamMode(ctx, &kinesis.UpdateStreamModeInput{StreamARN: aws.String(arn("nope")),
			StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeProvisioned}})
		wantCode(t, err, "ResourceNotFoundException")
		_, err = c.UpdateStreamMode(ctx, &kinesis.UpdateStreamModeInput{StreamARN: aws.String(arn("prov")),
			StreamModeDetails: &types.StreamModeDetails{StreamMode: "AUTO"}})
		wantCode(t, err, "ValidationException")
		if _, open, od, _ := limits(t, c); open != 6 || od != 2 {
			t.Fatalf("limits: %d open shards, %d on-demand streams, want 6 and 2", open, od)
		}
	})

	t.Run("encryption", func(t *testing.T) {
		for _, name := range []string{"prov", "od"} {
			if _, err := c.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String(name),
				EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/" + name)}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := c.StopStreamEncryption(ctx, &kinesis.StopStreamEncryptionInput{StreamARN: aws.String(arn("od")),
			EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/od")})
		if err != nil {
			// UPDATING from the start: only once the transition is over.
			wantCode(t, err, "ResourceInUseException")
			waitActive(t, c, "od")
			_, err = c.StopStreamEncryption(ctx, &kinesis.StopStreamEncryptionInput{StreamARN: aws.String(arn("od")),
				EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/od")})
			if err != nil {
				t.Fatal(err)
			}
		}
		waitActive(t, c, "prov")
		waitActive(t, c, "od")
		d, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("prov")})
		if err != nil || d.StreamDescription.EncryptionType != types.EncryptionTypeKms || aws.ToString(d.StreamDescription.KeyId) != "alias/prov" {
			t.Fatalf("describe: %v encryption %s key %q", err, d.StreamDescription.EncryptionType, aws.ToString(d.StreamDescription.KeyId))
		}
		s, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("od")})
		if err != nil || s.StreamDescriptionSummary.EncryptionType != types.EncryptionTypeNone || s.StreamDescriptionSummary.KeyId != nil {
			t.Fatalf("summary after stop: %v encryption %s key %v", err, s.StreamDescriptionSummary.EncryptionType, s.StreamDescriptionSummary.KeyId)
		}
		_, err = c.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String("prov"),
			EncryptionType: types.EncryptionTypeNone, KeyId: aws.String("k")})
		wantCode(t, err, "InvalidArgumentException")
		_, err = c.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String("nope"),
			EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("k")})
		wantCode(t, err, "ResourceNotFoundException")
	})

	t.Run("tag resource", func(t *testing.T) {
		if _, err := c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: aws.String(arn("prov")),
			Tags: map[string]string{"team": "data", "env": "dev test"}}); err != nil {
			t.Fatal(err)
		}
		// The same tags as the stream operations.
		if _, err := c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("prov"), Tags: map[string]string{"a": "1"}}); err != nil {
			t.Fatal(err)
		}
		if got := tagsOf(t, c, arn("prov")); got != "a=1;env=dev test;team=data;" {
			t.Fatalf("tags: %s", got)
		}
		if _, err := c.UntagResource(ctx, &kinesis.UntagResourceInput{ResourceARN: aws.String(arn("prov")), TagKeys: []string{"a", "absent"}}); err != nil {
			t.Fatal(err)
		}
		lt, err := c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String("prov")})
		if err != nil || len(lt.Tags) != 2 || *lt.Tags[0].Key != "env" || *lt.Tags[1].Key != "team" {
			t.Fatalf("ListTagsForStream after untag: %v %+v", err, lt)
		}
		// 2 tags plus 49 is over the 50 a stream may have.
		many := map[string]string{}
		for i := range 49 {
			many[fmt.Sprintf("k%02d", i)] = "v"
		}
		_, err = c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: aws.String(arn("prov")), Tags: many})
		wantCode(t, err, "LimitExceededException")
		_, err = c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: aws.String(arn("prov")), Tags: map[string]string{"k": "v#"}})
		wantCode(t, err, "InvalidArgumentException")
		_, err = c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: aws.String(arn("nope")), Tags: map[string]string{"k": "v"}})
		wantCode(t, err, "ResourceNotFoundException")
		_, err = c.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: aws.String(arn("prov") + "/consumer/c:1700000000")})
		wantCode(t, err, "ResourceNotFoundException")
		_, err = c.UntagResource(ctx, &kinesis.UntagResourceInput{ResourceARN: aws.String("arn:aws:s3:::bucket"), TagKeys: []string{"k"}})
		wantCode(t, err, "ValidationException")
		if got := tagsOf(t, c, arn("prov")); got != "env=dev test;team=data;" {
			t.Fatalf("tags after refused calls: %s", got)
		}
	})

	// Mode, encryption and tags are durable.
	srv.Restart()
	c = newClient(srv.AWS)
	d, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("prov")})
	if err != nil {
		t.Fatal(err)
	}
	if s := d.StreamDescriptionSummary; s.StreamModeDetails.StreamMode != types.StreamModeOnDemand || s.EncryptionType != types.EncryptionTypeKms || aws.ToString(s.KeyId) != "alias/prov" {
		t.Fatalf("after restart: mode %s encryption %s key %q", s.StreamModeDetails.StreamMode, s.EncryptionType, aws.ToString(s.KeyId))
	}
	od, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("od")})
	if err != nil || od.StreamDescription.EncryptionType != types.EncryptionTypeNone || od.StreamDescription.StreamModeDetails.StreamMode != types.StreamModeOnDemand {
		t.Fatalf("od after restart: %v %+v", err, od)
	}
	if got := tagsOf(t, c, arn("prov")); got != "env=dev test;team=data;" {
		t.Fatalf("tags after restart: %s", got)
	}
	if _, open, odc, _ := limits(t, c); open != 6 || odc != 2 {
		t.Fatalf("limits after restart: %d open shards, %d on-demand streams, want 6 and 2", open, odc)
	}
}

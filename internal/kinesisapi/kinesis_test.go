package kinesisapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestKinesisThroughSDK drives the blueshift binary, started as users start
// it, with the AWS SDK for Go v2.
func TestKinesisThroughSDK(t *testing.T) {
	const transition = 300 * time.Millisecond
	srv := testserver.Start(t, "--stream-transition-delay", transition.String())
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(srv.Logs())
		}
	})
	c := newClient(srv.AWS)
	ctx := context.Background()

	t.Run("lifecycle", func(t *testing.T) {
		sent := time.Now()
		if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("life"), ShardCount: aws.Int32(2)}); err != nil {
			t.Fatal(err)
		}
		d, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("life")})
		if err != nil {
			t.Fatal(err)
		}
		// The server can only have said ACTIVE if the transition had passed
		// between its receipt of the create and of the describe, which lie
		// within the time measured here. (The states against a clock the test
		// sets: TestStreamTransitionsFollowTheClock.)
		if elapsed := time.Since(sent); d.StreamDescriptionSummary.StreamStatus != types.StreamStatusCreating && elapsed < transition {
			t.Fatalf("status %v after create = %s, want CREATING", elapsed, d.StreamDescriptionSummary.StreamStatus)
		}
		_, err = c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("life"), ShardCount: aws.Int32(1)})
		wantCode(t, err, "ResourceInUseException")
		w := kinesis.NewStreamExistsWaiter(c, func(o *kinesis.StreamExistsWaiterOptions) {
			o.MinDelay, o.MaxDelay = 20*time.Millisecond, 100*time.Millisecond
		})
		if err := w.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("life")}, 30*time.Second); err != nil {
			t.Fatal(err)
		}
		d, err = c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("life")})
		if err != nil || *d.StreamDescriptionSummary.OpenShardCount != 2 || *d.StreamDescriptionSummary.RetentionPeriodHours != 24 {
			t.Fatalf("summary: %v %+v", err, d)
		}
		arn := d.StreamDescriptionSummary.StreamARN
		// StreamARN works wherever StreamName does.
		if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamARN: arn, PartitionKey: aws.String("k"), Data: []byte("x")}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamARN: arn, RetentionPeriodHours: aws.Int32(48)}); err != nil {
			t.Fatal(err)
		}
		_, err = c.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("life"), RetentionPeriodHours: aws.Int32(72)})
		wantCode(t, err, "InvalidArgumentException")
		_, err = c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("life"), RetentionPeriodHours: aws.Int32(9000)})
		wantCode(t, err, "ValidationException")
		if _, err := c.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("life"), RetentionPeriodHours: aws.Int32(24)}); err != nil {
			t.Fatal(err)
		}
		// Tags.
		if _, err := c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("life"), Tags: map[string]string{"b": "2", "a": "1", "c": "3"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.RemoveTagsFromStream(ctx, &kinesis.RemoveTagsFromStreamInput{StreamName: aws.String("life"), TagKeys: []string{"c"}}); err != nil {
			t.Fatal(err)
		}
		tags, err := c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String("life"), Limit: aws.Int32(1)})
		if err != nil || len(tags.Tags) != 1 || *tags.Tags[0].Key != "a" || !*tags.HasMoreTags {
			t.Fatalf("tags page 1: %v %+v", err, tags)
		}
		tags, err = c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String("life"), ExclusiveStartTagKey: aws.String("a")})
		if err != nil || len(tags.Tags) != 1 || *tags.Tags[0].Key != "b" || *tags.Tags[0].Value != "2" || *tags.HasMoreTags {
			t.Fatalf("tags page 2: %v %+v", err, tags)
		}
		// Delete: DELETING while the transition lasts, then gone.
		if _, err := c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("life")}); err != nil {
			t.Fatal(err)
		}
		if d, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("life")}); err == nil && d.StreamDescriptionSummary.StreamStatus != types.StreamStatusDeleting {
			t.Fatalf("status after delete = %s", d.StreamDescriptionSummary.StreamStatus)
		}
		_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("life"), PartitionKey: aws.String("k"), Data: []byte("x")})
		wantCode(t, err, "ResourceNotFoundException")
		nw := kinesis.NewStreamNotExistsWaiter(c, func(o *kinesis.StreamNotExistsWaiterOptions) {
			o.MinDelay, o.MaxDelay = 20*time.Millisecond, 100*time.Millisecond
		})
		if err := nw.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("life")}, 30*time.Second); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("list streams pages", func(t *testing.T) {
		for _, n := range []string{"ls-c", "ls-a", "ls-b"} {
			createActive(t, c, n, 1)
		}
		var names []string
		in := &kinesis.ListStreamsInput{Limit: aws.Int32(2)}
		for pages := 0; ; pages++ {
			res, err := c.ListStreams(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, res.StreamNames...)
			if len(res.StreamSummaries) != len(res.StreamNames) {
				t.Fatalf("%d summaries for %d names", len(res.StreamSummaries), len(res.StreamNames))
			}
			if !*res.HasMoreStreams {
				break
			}
			in = &kinesis.ListStreamsInput{Limit: aws.Int32(2), NextToken: res.NextToken}
			if pages > 100 {
				t.Fatal("pagination does not end")
			}
		}
		var ours []string
		for _, n := range names {
			if strings.HasPrefix(n, "ls-") {
				ours = append(ours, n)
			}
		}
		if !slices.Equal(ours, []string{"ls-a", "ls-b", "ls-c"}) || !slices.IsSorted(names) {
			t.Fatalf("listed %v", names)
		}
	})

	t.Run("put and read with every iterator type", func(t *testing.T) {
		createActive(t, c, "rw", 4)
		shards := listShards(t, c, "rw")
		if len(shards) != 4 {
			t.Fatalf("%d shards", len(shards))
		}
		// Explicit hash keys place records in the shard owning the key.
		type placed struct{ shard, seq, data string }
		var want []placed
		for i, s := range shards {
			res, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("rw"), PartitionKey: aws.String("same"),
				ExplicitHashKey: s.HashKeyRange.EndingHashKey, Data: []byte(fmt.Sprintf("single-%d", i))})
			if err != nil {
				t.Fatal(err)
			}
			if *res.ShardId != *s.ShardId {
				t.Fatalf("explicit hash key %s went to %s, want %s", *s.HashKeyRange.EndingHashKey, *res.ShardId, *s.ShardId)
			}
			want = append(want, placed{*res.ShardId, *res.SequenceNumber, fmt.Sprintf("single-%d", i)})
		}
		entries := make([]types.PutRecordsRequestEntry, 300)
		for i := range entries {
			entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("pk-%d", i)), Data: []byte(fmt.Sprintf("batch-%d", i))}
			if i%10 == 0 {
				entries[i].ExplicitHashKey = shards[2].HashKeyRange.StartingHashKey
			}
		}
		pr, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("rw"), Records: entries})
		if err != nil {
			t.Fatal(err)
		}
		if *pr.FailedRecordCount != 0 || len(pr.Records) != len(entries) {
			t.Fatalf("PutRecords: %d failed, %d results", *pr.FailedRecordCount, len(pr.Records))
		}
		for i, r := range pr.Records {
			if i%10 == 0 && *r.ShardId != *shards[2].ShardId {
				t.Fatalf("record %d with explicit hash key went to %s", i, *r.ShardId)
			}
			want = append(want, placed{*r.ShardId, *r.SequenceNumber, fmt.Sprintf("batch-%d", i)})
		}
		// Per shard, records come back in put order with the numbers put returned.
		for _, s := range shards {
			var exp []placed
			for _, p := range want {
				if p.shard == *s.ShardId {
					exp = append(exp, p)
				}
			}
			got, last := readShard(t, c, iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("rw"), ShardId: s.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}), 7)
			if len(got) != len(exp) {
				t.Fatalf("shard %s: %d records, want %d", *s.ShardId, len(got), len(exp))
			}
			for i := range got {
				if *got[i].SequenceNumber != exp[i].seq || string(got[i].Data) != exp[i].data {
					t.Fatalf("shard %s record %d: %s %q, want %s %q", *s.ShardId, i, *got[i].SequenceNumber, got[i].Data, exp[i].seq, exp[i].data)
				}
				if got[i].ApproximateArrivalTimestamp == nil || time.Since(*got[i].ApproximateArrivalTimestamp) > time.Hour {
					t.Fatalf("arrival timestamp %v", got[i].ApproximateArrivalTimestamp)
				}
			}
			if *last.MillisBehindLatest != 0 {
				t.Fatalf("caught up but MillisBehindLatest = %d", *last.MillisBehindLatest)
			}
		}
		// The shard with the most records, read from each kind of position.
		s := shards[2]
		all, _ := readShard(t, c, iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("rw"), ShardId: s.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}), 10000)
		if len(all) < 5 {
			t.Fatalf("shard 2 has only %d records", len(all))
		}
		at, _ := readShard(t, c, iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("rw"), ShardId: s.ShardId,
			ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: all[3].SequenceNumber}), 10000)
		if len(at) != len(all)-3 || *at[0].SequenceNumber != *all[3].SequenceNumber {
			t.Fatalf("AT_SEQUENCE_NUMBER: %d records from %s", len(at), *at[0].SequenceNumber)
		}
		after, _ := readShard(t, c, iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("rw"), ShardId: s.ShardId,
			ShardIteratorType: types.ShardIteratorTypeAfterSequenceNumber, StartingSequenceNumber: all[3].SequenceNumber}), 10000)
		if len(after) != len(all)-4 || *after[0].SequenceNumber != *all[4].SequenceNumber {
			t.Fatalf("AFTER_SEQUENCE_NUMBER: %d records", len(after))
		}
		latest := iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("rw"), ShardId: s.ShardId, ShardIteratorType: types.ShardIteratorTypeLatest})
		if got, _ := readShard(t, c, latest, 100); len(got) != 0 {
			t.Fatalf("LATEST returned %d old records", len(got))
		}
		// AT_TIMESTAMP: records put after a moment strictly later than the
		// previous ones' arrival.
		prev := *all[len(all)-1].ApproximateArrivalTimestamp
		var mark time.Time
		for mark = time.Now(); !mark.After(prev.Add(time.Millisecond)); mark = time.Now() {
			time.Sleep(time.Millisecond) // arrival times have millisecond precision
		}
		for mark.Truncate(time.Millisecond).Equal(time.Now().Truncate(time.Millisecond)) {
			time.Sleep(time.Millisecond)
		}
		res, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("rw"), PartitionKey: aws.String("x"), ExplicitHashKey: s.HashKeyRange.StartingHashKey, Data: []byte("late")})
		if err != nil {
			t.Fatal(err)
		}
		ts, _ := readShard(t, c, iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("rw"), ShardId: s.ShardId,
			ShardIteratorType: types.ShardIteratorTypeAtTimestamp, Timestamp: aws.Time(mark)}), 100)
		if len(ts) != 1 || *ts[0].SequenceNumber != *res.SequenceNumber {
			t.Fatalf("AT_TIMESTAMP %v returned %d records", mark, len(ts))
		}
		if got, _ := readShard(t, c, latest, 100); len(got) != 1 || string(got[0].Data) != "late" {
			t.Fatalf("LATEST iterator then a put: %d records", len(got))
		}
	})

	t.Run("reshard and read parents before children", func(t *testing.T) { testReshard(t, c) })

	t.Run("errors", func(t *testing.T) {
		createActive(t, c, "errs", 1)
		_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("errs"), PartitionKey: aws.String("k"), Data: make([]byte, 1<<20+1)})
		wantCode(t, err, "ValidationException")
		if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("errs"), PartitionKey: aws.String("k"), Data: make([]byte, 1<<20)}); err != nil {
			t.Fatalf("a record of exactly 1 MiB: %v", err)
		}
		big := make([]types.PutRecordsRequestEntry, 6)
		for i := range big {
			big[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), Data: make([]byte, 1<<20)}
		}
		_, err = c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("errs"), Records: big})
		wantCode(t, err, "InvalidArgumentException")
		many := make([]types.PutRecordsRequestEntry, 501)
		for i := range many {
			many[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), Data: []byte("x")}
		}
		_, err = c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("errs"), Records: many})
		wantCode(t, err, "ValidationException")
		_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("errs"), PartitionKey: aws.String(""), Data: []byte("x")})
		wantCode(t, err, "ValidationException")
		_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("errs"), PartitionKey: aws.String("k"), ExplicitHashKey: aws.String("340282366920938463463374607431768211456"), Data: []byte("x")})
		wantCode(t, err, "InvalidArgumentException")
		_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("no-such-stream"), PartitionKey: aws.String("k"), Data: []byte("x")})
		wantCode(t, err, "ResourceNotFoundException")
		_, err = c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("no-such-stream")})
		wantCode(t, err, "ResourceNotFoundException")
		_, err = c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("errs"), ShardId: aws.String("shardId-000000000009"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		wantCode(t, err, "ResourceNotFoundException")
		_, err = c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("errs"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: aws.String("12345")})
		wantCode(t, err, "InvalidArgumentException")
		_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String("not-an-iterator")})
		wantCode(t, err, "InvalidArgumentException")
		good := iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("errs"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		tampered := []byte(*good)
		tampered[len(tampered)/2] ^= 1
		_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(string(tampered))})
		wantCode(t, err, "InvalidArgumentException")
		_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: good, Limit: aws.Int32(10001)})
		wantCode(t, err, "ValidationException")
		_, err = c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("errs"), ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String("0")})
		wantCode(t, err, "InvalidArgumentException")

		// Raw requests: a malformed body and an unknown operation.
		raw := func(target, body string) (int, string) {
			req, _ := http.NewRequest(http.MethodPost, "http://"+srv.AWS+"/", bytes.NewBufferString(body))
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			req.Header.Set("X-Amz-Target", target)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		if code, body := raw("Kinesis_20131202.PutRecord", `{"StreamName": "errs", "Data": `); code != 400 || !strings.Contains(body, `"__type":"SerializationException"`) {
			t.Fatalf("malformed body: %d %s", code, body)
		}
		if code, body := raw("Kinesis_20131202.PutRecord", `{"StreamName": "errs", "Data": "!!notbase64", "PartitionKey": "k"}`); code != 400 || !strings.Contains(body, `"__type":"SerializationException"`) {
			t.Fatalf("bad base64: %d %s", code, body)
		}
		if code, body := raw("Kinesis_20131202.FlyToTheMoon", `{}`); code != 400 || !strings.Contains(body, `"__type":"UnknownOperationException"`) {
			t.Fatalf("unknown operation: %d %s", code, body)
		}
		if code, body := raw("", `{}`); code != 400 || !strings.Contains(body, `"__type":"UnknownOperationException"`) {
			t.Fatalf("no target: %d %s", code, body)
		}
	})
}

// testReshard splits, merges and rescales a stream while putting records,
// then reads it as a consumer does: shards without parents first, then
// each child once all its parents are done, found through ChildShards.
func testReshard(t *testing.T, c *kinesis.Client) {
	ctx := context.Background()
	createActive(t, c, "rs", 2)
	wait := kinesis.NewStreamExistsWaiter(c, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 20*time.Millisecond, 100*time.Millisecond
	})
	waitActive := func() {
		t.Helper()
		if err := wait.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("rs")}, 30*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	put := func(prefix string, n int) []string {
		entries := make([]types.PutRecordsRequestEntry, n)
		for i := range entries {
			entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("%s%d", prefix, i)), Data: []byte(fmt.Sprintf("%s%d", prefix, i))}
		}
		res, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("rs"), Records: entries})
		if err != nil {
			t.Fatal(err)
		}
		var seqs []string
		for _, r := range res.Records {
			seqs = append(seqs, *r.SequenceNumber)
		}
		return seqs
	}
	var want []string
	want = append(want, put("a", 100)...)
	shards := listShards(t, c, "rs")
	mid := new(big.Int)
	mid.SetString(*shards[0].HashKeyRange.EndingHashKey, 10)
	mid.Rsh(mid, 1)
	if _, err := c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("rs"), ShardToSplit: shards[0].ShardId, NewStartingHashKey: aws.String(mid.String())}); err != nil {
		t.Fatal(err)
	}
	// (A reshard while UPDATING is refused: TestStreamTransitionsFollowTheClock,
	// where the test's clock, not the machine's speed, ends the state.)
	waitActive()
	want = append(want, put("b", 100)...)
	if _, err := c.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: aws.String("rs"), ShardToMerge: aws.String("shardId-000000000003"), AdjacentShardToMerge: aws.String("shardId-000000000001")}); err != nil {
		t.Fatal(err)
	}
	waitActive()
	want = append(want, put("c", 100)...)
	_, err := c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("rs"), TargetShardCount: aws.Int32(5), ScalingType: types.ScalingTypeUniformScaling})
	wantCode(t, err, "LimitExceededException")
	us, err := c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("rs"), TargetShardCount: aws.Int32(3), ScalingType: types.ScalingTypeUniformScaling})
	if err != nil || *us.CurrentShardCount != 2 || *us.TargetShardCount != 3 {
		t.Fatalf("UpdateShardCount: %v %+v", err, us)
	}
	waitActive()
	want = append(want, put("d", 100)...)

	all := listShards(t, c, "rs")
	open := 0
	for _, s := range all {
		if s.SequenceNumberRange.EndingSequenceNumber == nil {
			open++
		}
	}
	if open != 3 {
		t.Fatalf("%d open shards after UpdateShardCount 3", open)
	}
	atLatest, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("rs"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}})
	if err != nil || len(atLatest.Shards) != 3 {
		t.Fatalf("ListShards AT_LATEST: %v, %d shards", err, len(atLatest.Shards))
	}
	// A consumer that starts at the shards without parents and follows
	// ChildShards, reading a child once all its parents are done.
	done := map[string]bool{}
	parentsOf := map[string][]string{}
	var queue []string
	for _, s := range all {
		if s.ParentShardId == nil {
			queue = append(queue, *s.ShardId)
		}
	}
	var seen []string
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if done[id] {
			continue
		}
		ready := true
		for _, p := range parentsOf[id] {
			ready = ready && done[p]
		}
		if !ready {
			queue = append(queue, id)
			continue
		}
		recs, last := readShard(t, c, iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("rs"), ShardId: aws.String(id), ShardIteratorType: types.ShardIteratorTypeTrimHorizon}), 1000)
		for _, r := range recs {
			seen = append(seen, *r.SequenceNumber)
		}
		done[id] = true
		if last.NextShardIterator == nil {
			if len(last.ChildShards) == 0 {
				t.Fatalf("closed shard %s ended without ChildShards", id)
			}
			for _, ch := range last.ChildShards {
				parentsOf[*ch.ShardId] = ch.ParentShards
				queue = append(queue, *ch.ShardId)
			}
		}
	}
	if len(done) != len(all) {
		t.Fatalf("reached %d of %d shards through ChildShards", len(done), len(all))
	}
	slices.Sort(seen)
	slices.Sort(want)
	if !slices.Equal(seen, want) {
		t.Fatalf("read %d records, put %d (or not each exactly once)", len(seen), len(want))
	}
}

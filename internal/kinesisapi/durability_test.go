package kinesisapi_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestKillDuringPuts kills the server with SIGKILL while producers stream
// acknowledged PutRecords, restarts it, and checks that every acknowledged
// record is there exactly once, in each producer's order, with the sequence
// number it was acknowledged with. Records in flight at the kill may or may
// not be there (they were never acknowledged), but at most once.
func TestKillDuringPuts(t *testing.T) {
	srv := testserver.Start(t)
	c := newClient(srv.AWS)
	ctx := context.Background()
	createActive(t, c, "crash", 2)

	type ack struct{ shard, seq string }
	const producers, rounds = 4, 3
	var mu sync.Mutex
	acked := map[string]ack{} // data -> where it was acknowledged
	found := map[string]ack{}
	for round := 0; round < rounds; round++ {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for p := 0; p < producers; p++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for batch := 0; ; batch++ {
					select {
					case <-stop:
						return
					default:
					}
					n := 1 + batch%20
					entries := make([]types.PutRecordsRequestEntry, n)
					for i := range entries {
						entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("p%d", p)), Data: []byte(fmt.Sprintf("p%d/b%d/r%d/%d", p, batch, i, round))}
					}
					var res *kinesis.PutRecordsOutput
					var err error
					if n == 1 {
						var one *kinesis.PutRecordOutput
						one, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("crash"), PartitionKey: entries[0].PartitionKey, Data: entries[0].Data})
						if err == nil {
							res = &kinesis.PutRecordsOutput{FailedRecordCount: aws.Int32(0), Records: []types.PutRecordsResultEntry{{ShardId: one.ShardId, SequenceNumber: one.SequenceNumber}}}
						}
					} else {
						res, err = c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("crash"), Records: entries})
					}
					if err != nil {
						return // the server is gone: this batch is unacknowledged
					}
					mu.Lock()
					for i, r := range res.Records {
						if r.ErrorCode == nil {
							acked[string(entries[i].Data)] = ack{*r.ShardId, *r.SequenceNumber}
						}
					}
					mu.Unlock()
				}
			}()
		}
		// Kill once a good number more puts were acknowledged.
		mu.Lock()
		target := len(acked) + 1500 + 500*round
		mu.Unlock()
		deadline := time.Now().Add(60 * time.Second)
		for {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n >= target {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("only %d records acknowledged within 60s", n)
			}
			time.Sleep(time.Millisecond)
		}
		srv.Kill()
		close(stop)
		wg.Wait()
		srv.Restart()
		c = newClient(srv.AWS)

		found = map[string]ack{}
		last := map[string][3]int{} // producer -> round, batch, record last seen, to check order
		for _, s := range listShards(t, c, "crash") {
			recs, _ := readShard(t, c, iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("crash"), ShardId: s.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}), 10000)
			for _, r := range recs {
				d := string(r.Data)
				if _, dup := found[d]; dup {
					t.Fatalf("record %q found twice", d)
				}
				found[d] = ack{*s.ShardId, *r.SequenceNumber}
				var p, b, i, rd int
				fmt.Sscanf(d, "p%d/b%d/r%d/%d", &p, &b, &i, &rd)
				key := strconv.Itoa(p)
				cur := [3]int{rd, b, i}
				if prev, ok := last[key]; ok {
					inOrder := (cur[0] == prev[0] && cur[1] == prev[1] && cur[2] == prev[2]+1) ||
						(cur[0] == prev[0] && cur[1] > prev[1] && cur[2] == 0) || (cur[0] > prev[0] && cur[2] == 0)
					if !inOrder {
						t.Fatalf("producer %d: record %v after %v", p, cur, prev)
					}
				}
				last[key] = cur
			}
		}
		for d, a := range acked {
			got, ok := found[d]
			if !ok {
				t.Fatalf("round %d: acknowledged record %q (seq %s) lost after kill -9 (%d acknowledged, %d found)", round, d, a.seq, len(acked), len(found))
			}
			if got != a {
				t.Fatalf("record %q acknowledged as %v, found as %v", d, a, got)
			}
		}
		t.Logf("round %d: %d records acknowledged so far, %d found after restart", round, len(acked), len(found))
	}

	// New records after the restart get numbers above every old one.
	res, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("crash"), PartitionKey: aws.String("p0"), Data: []byte("after")})
	if err != nil {
		t.Fatal(err)
	}
	for d, a := range found {
		if a.shard == *res.ShardId && len(a.seq) == len(*res.SequenceNumber) && a.seq >= *res.SequenceNumber {
			t.Fatalf("sequence number %s of %q reused or passed after restart (new %s)", a.seq, d, *res.SequenceNumber)
		}
	}
}

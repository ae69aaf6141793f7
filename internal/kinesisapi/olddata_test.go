package kinesisapi_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/kinesisapi"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// TestOldDataDirectory opens a stream log written before sequence numbers
// took Kinesis's 56-digit form (testdata/streams-seq22, written by the
// code of commit 88c0e37: a 2-shard stream "old" with six records, whose
// 22-digit sequence numbers are in streams-seq22.json), and reads it
// through the API: the records are all there, a 22-digit number a client
// kept still positions an iterator, the numbers now read as 56 digits that
// stand for the same records, and new records follow the old ones.
func TestOldDataDirectory(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join("testdata", "streams-seq22")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var old []struct{ Shard, Seq, PartitionKey, Data string }
	b, err := os.ReadFile(filepath.Join("testdata", "streams-seq22.json"))
	if err != nil || json.Unmarshal(b, &old) != nil || len(old) != 6 {
		t.Fatalf("streams-seq22.json: %v", err)
	}
	sl, err := streamlog.Open(dir, streamlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := awsjson.NewServer(nil, nil)
	srv.Register(kinesisapi.New(sl, kinesisapi.Options{}).Service())
	c := newClient(serve(t, srv, sl))
	ctx := context.Background()

	byShard := map[string][]int{}
	for i, r := range old {
		byShard[r.Shard] = append(byShard[r.Shard], i)
	}
	for shard, idx := range byShard {
		recs, _ := readShard(t, c, iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("old"), ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon}), 100)
		if len(recs) != len(idx) {
			t.Fatalf("%s: %d records, want %d", shard, len(recs), len(idx))
		}
		for j, r := range recs {
			want := old[idx[j]]
			seq, _, _, err := streamlog.ParseAWSSeq(*r.SequenceNumber)
			oldSeq, _ := streamlog.ParseSeq(want.Seq)
			if err != nil || len(*r.SequenceNumber) != 56 || seq != oldSeq || string(r.Data) != want.Data || *r.PartitionKey != want.PartitionKey {
				t.Fatalf("%s record %d: %s %q %q, want %s %q %q", shard, j, *r.SequenceNumber, r.Data, *r.PartitionKey, want.Seq, want.Data, want.PartitionKey)
			}
		}
		// A client's 22-digit checkpoint still positions an iterator.
		last := old[idx[len(idx)-1]]
		after, _ := readShard(t, c, iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("old"), ShardId: aws.String(shard),
			ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: aws.String(last.Seq)}), 100)
		if len(after) != 1 || string(after[0].Data) != last.Data {
			t.Fatalf("%s at %s: %d records", shard, last.Seq, len(after))
		}
	}
	put, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("old"), PartitionKey: aws.String("key-1"), Data: []byte("new")})
	if err != nil {
		t.Fatal(err)
	}
	seq, _, _, _ := streamlog.ParseAWSSeq(*put.SequenceNumber)
	lastOld, _ := streamlog.ParseSeq(old[len(old)-1].Seq)
	if seq <= lastOld {
		t.Fatalf("new record %d not after the old ones (%d)", seq, lastOld)
	}
}

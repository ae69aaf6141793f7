package streamlog

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// BenchmarkAppend: one op is one Append of 500 records of 1 KB from 8
// concurrent writers, fsynced (group commit), without HTTP.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	l, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	if err = l.Create(ctx, "s", CreateOptions{ShardCount: 4}); err != nil {
		b.Fatal(err)
	}
	entries := make([]Entry, 500)
	for i := range entries {
		entries[i] = Entry{PartitionKey: []byte(fmt.Sprintf("key-%d", i)), Data: make([]byte, 1024)}
	}
	b.SetBytes(500 * 1024)
	b.SetParallelism(4)
	b.ResetTimer()
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		out := make([]Appended, len(entries))
		for pb.Next() {
			n.Add(1)
			if err := l.Append(ctx, "s", entries, out); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(n.Load()*500)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkRead: one op is one Read of up to 10,000 records of 1 KB.
func BenchmarkRead(b *testing.B) {
	ctx := context.Background()
	l, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	if err = l.Create(ctx, "s", CreateOptions{ShardCount: 1}); err != nil {
		b.Fatal(err)
	}
	entries := make([]Entry, 500)
	for i := range entries {
		entries[i] = Entry{PartitionKey: []byte(fmt.Sprintf("key-%d", i)), Data: make([]byte, 1024)}
	}
	out := make([]Appended, len(entries))
	for i := 0; i < 100; i++ {
		if err := l.Append(ctx, "s", entries, out); err != nil {
			b.Fatal(err)
		}
	}
	var after Seq
	records := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := l.Read(ctx, ReadRequest{Stream: "s", Shard: ShardID(0), After: after})
		if err != nil {
			b.Fatal(err)
		}
		records += len(res.Records)
		after = res.Next
		if len(res.Records) == 0 {
			after = 0
		}
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

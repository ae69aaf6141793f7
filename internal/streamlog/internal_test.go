package streamlog

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// TestInternalStream: an internal stream is ACTIVE at once despite the
// transition delay, takes appends, and is neither listed nor counted.
func TestInternalStream(t *testing.T) {
	ctx := context.Background()
	l := openLog(t, t.TempDir(), Options{TransitionDelay: time.Hour})
	defer l.Close()
	if err := l.Create(ctx, "/ddb.1.2", CreateOptions{ShardCount: 2, Internal: true}); err != nil {
		t.Fatal(err)
	}
	if err := l.Create(ctx, "visible", CreateOptions{ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"ddb", "/", "/a b"} {
		if err := l.Create(ctx, bad, CreateOptions{ShardCount: 1, Internal: true}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("internal stream %q: %v, want ErrInvalidArgument", bad, err)
		}
	}
	if err := l.Create(ctx, "/x", CreateOptions{ShardCount: 1}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("a Kinesis stream named /x: %v, want ErrInvalidArgument", err)
	}
	info, err := l.Describe(ctx, "/ddb.1.2")
	if err != nil || info.Status != StatusActive {
		t.Fatalf("internal stream: %+v, %v; want ACTIVE at once", info.Status, err)
	}
	if err := l.Commit(ctx, nil, []StreamAppend{{Stream: "/ddb.1.2", Entries: []Entry{{PartitionKey: []byte("k"), Data: []byte("d")}}, Out: make([]Appended, 1)}}); err != nil {
		t.Fatal(err)
	}
	names, err := l.Streams(ctx)
	if err != nil || !slices.Equal(names, []string{"visible"}) {
		t.Fatalf("Streams = %v, %v; want only the visible stream", names, err)
	}
	if in, err := l.InternalStreams(ctx); err != nil || !slices.Equal(in, []string{"/ddb.1.2"}) {
		t.Fatalf("InternalStreams = %v, %v", in, err)
	}
	u, err := l.Usage(ctx)
	if err != nil || u.OpenShards != 1 {
		t.Fatalf("Usage = %+v, %v; want the visible stream's one shard", u, err)
	}
}

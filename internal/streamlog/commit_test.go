package streamlog

import (
	"context"
	"errors"
	"testing"

	"github.com/cockroachdb/pebble/v2"
)

// A Commit lands the caller's batch and its appends to several streams
// together, durably across a reopen; a commit naming a missing stream
// writes nothing at all.
func TestCommitBatchWithAppends(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	for _, s := range []string{"a", "b"} {
		if err := l.Create(ctx, s, CreateOptions{ShardCount: 1}); err != nil {
			t.Fatal(err)
		}
	}
	b := l.DB().NewBatch()
	if err := b.Set([]byte("t/x"), []byte("1"), nil); err != nil {
		t.Fatal(err)
	}
	apps := []StreamAppend{
		{Stream: "a", Entries: []Entry{{PartitionKey: []byte("k"), Data: []byte("da")}}, Out: make([]Appended, 1)},
		{Stream: "b", Entries: []Entry{{PartitionKey: []byte("k"), Data: []byte("db1")}, {PartitionKey: []byte("k"), Data: []byte("db2")}}, Out: make([]Appended, 2)},
	}
	if err := l.Commit(ctx, b, apps); err != nil {
		t.Fatal(err)
	}
	_ = b.Close()

	bad := l.DB().NewBatch()
	_ = bad.Set([]byte("t/y"), []byte("2"), nil)
	err := l.Commit(ctx, bad, []StreamAppend{{Stream: "a", Entries: []Entry{{PartitionKey: []byte("k"), Data: []byte("x")}}, Out: make([]Appended, 1)},
		{Stream: "missing", Entries: []Entry{{PartitionKey: []byte("k"), Data: []byte("x")}}, Out: make([]Appended, 1)}})
	if !errors.Is(err, ErrStreamNotFound) {
		t.Fatalf("commit to a missing stream: %v, want ErrStreamNotFound", err)
	}
	_ = bad.Close()
	// A batch alone, no appends.
	only := l.DB().NewBatch()
	_ = only.Set([]byte("t/z"), []byte("3"), nil)
	if err := l.Commit(ctx, only, nil); err != nil {
		t.Fatal(err)
	}
	_ = only.Close()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l = openLog(t, dir, Options{})
	defer l.Close()
	get := func(k string) string {
		v, c, err := l.DB().Get([]byte(k))
		if errors.Is(err, pebble.ErrNotFound) {
			return ""
		}
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return string(v)
	}
	if get("t/x") != "1" || get("t/z") != "3" || get("t/y") != "" {
		t.Fatalf("after reopen: t/x=%q t/z=%q t/y=%q, want 1, 3 and nothing", get("t/x"), get("t/z"), get("t/y"))
	}
	ra, _ := readAll(t, l, "a", ShardID(0), 0)
	rb, _ := readAll(t, l, "b", ShardID(0), 0)
	if len(ra) != 1 || string(ra[0].Data) != "da" || len(rb) != 2 || string(rb[1].Data) != "db2" {
		t.Fatalf("records after reopen: a=%d b=%d, want 1 and 2", len(ra), len(rb))
	}
}

package kinesisapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestPutRecordAfterDiskFull fills the real disk under a running server (a
// 48 MiB tmpfs, smaller than the WAL file Pebble would preallocate, so the test needs the right to mount one: root, or it is
// skipped) while a producer puts records through the SDK. While the disk is
// full, /healthz reports the stream log unwritable and new puts fail
// (InternalFailure, which the SDKs retry); when the space is freed the
// server takes writes again by itself, /healthz says the stream log is ok,
// and every acknowledged record is in the stream exactly once, also after a
// restart, and the refused ones are not. Before, the stream log refused all
// writes after the first failed commit until a restart.
// (internal/streamlog's TestDiskFullRecovers makes the same fault with an
// injected ENOSPC, where no tmpfs can be mounted.)
func TestPutRecordAfterDiskFull(t *testing.T) {
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=48m"); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (%v): TestDiskFullRecovers covers it with an injected ENOSPC", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(mnt, 0); err != nil {
			t.Errorf("unmount %s: %v", mnt, err)
		}
	})
	data := filepath.Join(mnt, "data")
	srv := testserver.Start(t, "--data", data)
	c := newClient(srv.AWS)
	ctx := context.Background()
	createActive(t, c, "full", 1)
	put := func(data string) error {
		_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("full"), PartitionKey: aws.String("k"), Data: []byte(data)})
		return err
	}
	health := func() (int, string) {
		res, err := http.Get("http://" + srv.HTTP + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	streamLogLine := func(body string) string {
		for _, l := range strings.Split(body, "\n") {
			if strings.HasPrefix(l, "stream log: ") {
				return l
			}
		}
		return ""
	}
	if err := put("before"); err != nil {
		t.Fatal(err)
	}

	// Fill the disk.
	filler, err := os.Create(filepath.Join(mnt, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for {
		if _, err := filler.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	_ = filler.Close()

	// A producer goes on putting, one record at a time; the put that finds
	// the disk full waits for space.
	type result struct {
		data string
		err  error
	}
	results := make(chan result, 1000)
	stop := make(chan struct{})
	go func() {
		defer close(results)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			d := fmt.Sprintf("p%d", i)
			results <- result{d, put(d)}
		}
	}()
	acked := []string{"before"}
	deadline := time.Now().Add(60 * time.Second)
	for {
		code, body := health()
		if code == http.StatusServiceUnavailable && strings.Contains(streamLogLine(body), "disk is full") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz 60 s after the disk filled: %d %q, want 503 with the stream log unwritable\n%s", code, body, srv.Logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A new put is refused at once, and never lands.
	err = put("refused")
	if code := apiCode(err); code != "InternalFailure" {
		t.Fatalf("put while the disk is full: %v, want InternalFailure", err)
	}

	if err := os.Remove(filepath.Join(mnt, "filler")); err != nil {
		t.Fatal(err)
	}
	for {
		code, body := health()
		if streamLogLine(body) == "stream log: ok" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz 60 s after space was freed: %d %q, want the stream log ok\n%s", code, body, srv.Logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Let the producer get a few more acknowledged, then stop it.
	var after int
	refused := map[string]bool{"refused": true}
	for r := range results {
		if r.err != nil {
			refused[r.data] = true
			continue
		}
		acked = append(acked, r.data)
		if strings.HasPrefix(r.data, "p") && len(refused) > 0 {
			after++
		}
		if after == 20 {
			close(stop)
		}
	}
	if after < 20 {
		t.Fatalf("the producer got %d puts acknowledged after space was freed, want 20", after)
	}

	check := func(when string) {
		shard := listShards(t, c, "full")[0].ShardId
		recs, _ := readShard(t, c, iter(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("full"), ShardId: shard, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}), 1000)
		seen := map[string]int{}
		for _, r := range recs {
			seen[string(r.Data)]++
		}
		for _, d := range acked {
			if seen[d] != 1 {
				t.Fatalf("%s: acknowledged record %q is in the stream %d times, want once", when, d, seen[d])
			}
		}
		for d := range refused {
			if seen[d] != 0 {
				t.Fatalf("%s: refused record %q is in the stream", when, d)
			}
		}
		if len(recs) != len(acked) {
			t.Fatalf("%s: %d records in the stream, %d acknowledged", when, len(recs), len(acked))
		}
	}
	check("after space was freed")
	srv.Restart()
	c = newClient(srv.AWS)
	check("after a restart")
}

package streamlog

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// clock is a settable clock for retention and arrival times.
type clock struct{ ms atomic.Int64 }

func (c *clock) now() time.Time          { return time.UnixMilli(c.ms.Load()) }
func (c *clock) advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }
func newClock() *clock                   { c := &clock{}; c.ms.Store(1_700_000_000_000); return c }
func openLog(t *testing.T, dir string, o Options) *Log {
	t.Helper()
	l, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func appendN(t *testing.T, l *Log, stream string, n int, prefix string) []Appended {
	t.Helper()
	entries := make([]Entry, n)
	for i := range entries {
		entries[i] = Entry{PartitionKey: []byte(fmt.Sprintf("%s-pk-%d", prefix, i)), Data: []byte(fmt.Sprintf("%s-%d", prefix, i))}
	}
	out := make([]Appended, n)
	if err := l.Append(context.Background(), stream, entries, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// readAll reads a shard from after to its visible end.
func readAll(t *testing.T, l *Log, stream, shard string, after Seq) ([]Record, ReadResult) {
	t.Helper()
	var all []Record
	for {
		res, err := l.Read(context.Background(), ReadRequest{Stream: stream, Shard: shard, After: after, MaxRecords: 7})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, res.Records...)
		if len(res.Records) == 0 {
			return all, res
		}
		after = res.Next
	}
}

func TestAppendReadRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	if err := l.Create(ctx, "s", CreateOptions{ShardCount: 3}); err != nil {
		t.Fatal(err)
	}
	if err := l.Create(ctx, "s", CreateOptions{ShardCount: 1}); !errors.Is(err, ErrStreamExists) {
		t.Fatalf("second create: %v, want ErrStreamExists", err)
	}
	out := appendN(t, l, "s", 100, "a")
	info, err := l.Describe(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Shards) != 3 || info.Status != StatusActive {
		t.Fatalf("describe: %+v", info)
	}
	// Every record is in the shard owning its hash key, once, in order.
	byShard := map[uint32][]Seq{}
	for i, a := range out {
		h := HashKeyOf([]byte(fmt.Sprintf("a-pk-%d", i)))
		s := info.Shards[a.Shard]
		if h.Cmp(s.HashKeyStart) < 0 || h.Cmp(s.HashKeyEnd) > 0 {
			t.Fatalf("record %d in shard %d whose range does not hold %s", i, a.Shard, h)
		}
		byShard[a.Shard] = append(byShard[a.Shard], a.Seq)
	}
	check := func(l *Log) {
		for _, s := range info.Shards {
			recs, _ := readAll(t, l, "s", s.ID, s.StartingSeq-1)
			if len(recs) != len(byShard[s.Num]) {
				t.Fatalf("shard %s: read %d records, appended %d", s.ID, len(recs), len(byShard[s.Num]))
			}
			for i, r := range recs {
				if r.Seq != byShard[s.Num][i] {
					t.Fatalf("shard %s record %d: seq %s, want %s", s.ID, i, r.Seq, byShard[s.Num][i])
				}
				if i > 0 && r.Seq <= recs[i-1].Seq {
					t.Fatalf("sequence numbers not increasing")
				}
			}
		}
	}
	check(l)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, dir, Options{})
	defer l.Close()
	check(l)
	// After a restart, new numbers are above every old one.
	more := appendN(t, l, "s", 10, "b")
	maxOld := Seq(0)
	for _, a := range out {
		maxOld = max(maxOld, a.Seq)
	}
	for _, a := range more {
		if a.Seq <= maxOld {
			t.Fatalf("seq %s reused or lower than %s after restart", a.Seq, maxOld)
		}
	}
}

func TestSeqString(t *testing.T) {
	for _, s := range []Seq{0, 1, 1 << seqBits, 1<<64 - 1} {
		str := s.String()
		if len(str) != 22 {
			t.Fatalf("%d: %q not 22 digits", s, str)
		}
		back, err := ParseSeq(str)
		if err != nil || back != s {
			t.Fatalf("ParseSeq(%q) = %d, %v", str, back, err)
		}
	}
	if (Seq(9)).String() >= (Seq(10)).String() {
		t.Fatal("decimal forms do not compare as numbers")
	}
}

func TestPositions(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	l := openLog(t, t.TempDir(), Options{Now: c.now})
	defer l.Close()
	if err := l.Create(ctx, "s", CreateOptions{ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	first := appendN(t, l, "s", 5, "a")
	c.advance(time.Second)
	t1 := c.now()
	second := appendN(t, l, "s", 5, "b")
	sh := ShardID(0)
	resolve := func(p Position) Seq {
		s, err := l.Resolve(ctx, "s", sh, p)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	firstRead := func(after Seq) Seq {
		res, err := l.Read(ctx, ReadRequest{Stream: "s", Shard: sh, After: after, MaxRecords: 1})
		if err != nil || len(res.Records) == 0 {
			t.Fatalf("read after %s: %v %+v", after, err, res)
		}
		return res.Records[0].Seq
	}
	if got := firstRead(resolve(Position{Type: TrimHorizon})); got != first[0].Seq {
		t.Fatalf("TRIM_HORIZON starts at %s, want %s", got, first[0].Seq)
	}
	if got := firstRead(resolve(Position{Type: AtSeq, Seq: first[2].Seq})); got != first[2].Seq {
		t.Fatalf("AT_SEQUENCE_NUMBER starts at %s", got)
	}
	if got := firstRead(resolve(Position{Type: AfterSeq, Seq: first[2].Seq})); got != first[3].Seq {
		t.Fatalf("AFTER_SEQUENCE_NUMBER starts at %s", got)
	}
	if got := firstRead(resolve(Position{Type: AtTimestamp, Time: t1})); got != second[0].Seq {
		t.Fatalf("AT_TIMESTAMP starts at %s, want %s", got, second[0].Seq)
	}
	latest := resolve(Position{Type: Latest})
	res, err := l.Read(ctx, ReadRequest{Stream: "s", Shard: sh, After: latest})
	if err != nil || len(res.Records) != 0 || res.MillisBehindLatest != 0 {
		t.Fatalf("LATEST: %v %+v", err, res)
	}
	third := appendN(t, l, "s", 1, "c")
	if got := firstRead(latest); got != third[0].Seq {
		t.Fatalf("LATEST then append: %s, want %s", got, third[0].Seq)
	}
	if _, err := l.Resolve(ctx, "s", sh, Position{Type: AtSeq, Seq: 5}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("foreign sequence number: %v", err)
	}
}

func TestRetentionTrimReportsGap(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	l := openLog(t, t.TempDir(), Options{Now: c.now})
	defer l.Close()
	if err := l.Create(ctx, "s", CreateOptions{ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	old := appendN(t, l, "s", 10, "old")
	c.advance(23 * time.Hour)
	kept := appendN(t, l, "s", 10, "new")
	c.advance(2 * time.Hour) // old ones are now 25h old, new ones 2h
	if err := l.Trim(ctx); err != nil {
		t.Fatal(err)
	}
	sh := ShardID(0)
	recs, _ := readAll(t, l, "s", sh, 0)
	if len(recs) != 10 || recs[0].Seq != kept[0].Seq {
		t.Fatalf("after trim read %d records starting %v; want the 10 new ones", len(recs), recs)
	}
	// A reader whose checkpoint is inside the trimmed range learns what it lost.
	res, err := l.Read(ctx, ReadRequest{Stream: "s", Shard: sh, After: old[3].Seq})
	if err != nil {
		t.Fatal(err)
	}
	if res.Gap == nil || res.Gap.After != old[3].Seq || res.Gap.Through != old[9].Seq {
		t.Fatalf("gap = %+v, want (%s, %s]", res.Gap, old[3].Seq, old[9].Seq)
	}
	// A reader past the trimmed range sees no gap.
	res, err = l.Read(ctx, ReadRequest{Stream: "s", Shard: sh, After: old[9].Seq})
	if err != nil || res.Gap != nil || len(res.Records) != 10 {
		t.Fatalf("read after the trimmed range: %v %+v", err, res.Gap)
	}
	info, _ := l.Describe(ctx, "s")
	if info.Shards[0].TrimmedThrough != old[9].Seq {
		t.Fatalf("TrimmedThrough = %s", info.Shards[0].TrimmedThrough)
	}
}

func TestReshardParentsThenChildren(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	if err := l.Create(ctx, "s", CreateOptions{ShardCount: 2}); err != nil {
		t.Fatal(err)
	}
	var want []Appended
	want = append(want, appendN(t, l, "s", 50, "a")...)
	info, _ := l.Describe(ctx, "s")
	mid, _ := ParseHashKey("85070591730234615865843651857942052864") // 2^127/2
	if err := l.Split(ctx, "s", info.Shards[0].ID, mid); err != nil {
		t.Fatal(err)
	}
	want = append(want, appendN(t, l, "s", 50, "b")...)
	if err := l.Merge(ctx, "s", ShardID(3), ShardID(1)); err != nil {
		t.Fatal(err)
	}
	want = append(want, appendN(t, l, "s", 50, "c")...)
	if err := l.UpdateShardCount(ctx, "s", 3); err != nil {
		t.Fatal(err)
	}
	want = append(want, appendN(t, l, "s", 50, "d")...)
	if err := l.UpdateShardCount(ctx, "s", 0); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("shard count 0: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, dir, Options{})
	defer l.Close()
	info, err := l.Describe(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	if info.OpenShards != 3 {
		t.Fatalf("open shards = %d, want 3", info.OpenShards)
	}
	// Parents end below their children's start; open shards cover the space.
	byID := map[string]ShardInfo{}
	for _, s := range info.Shards {
		byID[s.ID] = s
	}
	for _, s := range info.Shards {
		for _, p := range []string{s.ParentID, s.AdjacentParentID} {
			if p == "" {
				continue
			}
			ps := byID[p]
			if !ps.Closed || ps.EndingSeq >= s.StartingSeq {
				t.Fatalf("parent %s (closed %v, end %s) of %s (start %s)", p, ps.Closed, ps.EndingSeq, s.ID, s.StartingSeq)
			}
		}
	}
	// Read every shard after its parents: each appended record exactly once.
	done := map[string]bool{}
	seen := map[Seq]int{}
	for len(done) < len(info.Shards) {
		progress := false
		for _, s := range info.Shards {
			if done[s.ID] || (s.ParentID != "" && !done[s.ParentID]) || (s.AdjacentParentID != "" && !done[s.AdjacentParentID]) {
				continue
			}
			recs, last := readAll(t, l, "s", s.ID, s.StartingSeq-1)
			if s.Closed && !last.End {
				t.Fatalf("closed shard %s read to its end without End", s.ID)
			}
			for _, r := range recs {
				seen[r.Seq]++
			}
			done[s.ID] = true
			progress = true
		}
		if !progress {
			t.Fatal("parent graph has a cycle or a missing parent")
		}
	}
	for _, a := range want {
		if seen[a.Seq] != 1 {
			t.Fatalf("seq %s seen %d times", a.Seq, seen[a.Seq])
		}
	}
	if len(seen) != len(want) {
		t.Fatalf("read %d records, appended %d", len(seen), len(want))
	}
}

func TestConcurrentAppendsAndWatch(t *testing.T) {
	ctx := context.Background()
	l := openLog(t, t.TempDir(), Options{})
	defer l.Close()
	if err := l.Create(ctx, "s", CreateOptions{ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	const writers, per = 8, 50
	total := writers * per
	got := make(chan []Record)
	go func() { // a reader that waits on Watch instead of polling
		var recs []Record
		var after Seq
		for len(recs) < total {
			ch, err := l.Watch("s")
			if err != nil {
				t.Error(err)
				break
			}
			res, err := l.Read(ctx, ReadRequest{Stream: "s", Shard: ShardID(0), After: after})
			if err != nil {
				t.Error(err)
				break
			}
			recs = append(recs, res.Records...)
			after = res.Next
			if len(res.Records) == 0 {
				select {
				case <-ch:
				case <-time.After(30 * time.Second):
					t.Error("no wake-up within 30s")
					got <- recs
					return
				}
			}
		}
		got <- recs
	}()
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				out := make([]Appended, 1)
				e := []Entry{{PartitionKey: []byte("k"), Data: []byte(fmt.Sprintf("%d/%d", w, i))}}
				if err := l.Append(ctx, "s", e, out); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	recs := <-got
	if len(recs) != total {
		t.Fatalf("reader got %d records, want %d", len(recs), total)
	}
	last := map[int]int{}
	for i, r := range recs {
		if i > 0 && r.Seq <= recs[i-1].Seq {
			t.Fatal("sequence numbers not increasing")
		}
		var w, n int
		fmt.Sscanf(string(r.Data), "%d/%d", &w, &n)
		if p, ok := last[w]; ok && n != p+1 {
			t.Fatalf("writer %d: record %d after %d", w, n, p)
		}
		last[w] = n
	}
}

func TestDeleteAndRecreate(t *testing.T) {
	ctx := context.Background()
	l := openLog(t, t.TempDir(), Options{})
	defer l.Close()
	if err := l.Create(ctx, "s", CreateOptions{ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	old := appendN(t, l, "s", 3, "a")
	info1, _ := l.Describe(ctx, "s")
	if err := l.Delete(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Describe(ctx, "s"); !errors.Is(err, ErrStreamNotFound) {
		t.Fatalf("describe after delete: %v", err)
	}
	if err := l.Create(ctx, "s", CreateOptions{ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	recs, _ := readAll(t, l, "s", ShardID(0), 0)
	if len(recs) != 0 {
		t.Fatalf("recreated stream has %d old records", len(recs))
	}
	if _, err := l.Read(ctx, ReadRequest{Stream: "s", StreamID: info1.ID, Shard: ShardID(0)}); !errors.Is(err, ErrStreamNotFound) {
		t.Fatalf("read with the old stream id: %v", err)
	}
	nw := appendN(t, l, "s", 1, "b")
	if nw[0].Seq <= old[2].Seq {
		t.Fatalf("recreated stream reuses sequence numbers: %s <= %s", nw[0].Seq, old[2].Seq)
	}
}

// TestAppendAfterClose: an operation submitted after Close fails with
// ErrClosed instead of waiting for a writer that is gone.
func TestAppendAfterClose(t *testing.T) {
	ctx := context.Background()
	l := openLog(t, t.TempDir(), Options{})
	if err := l.Create(ctx, "s", CreateOptions{ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ { // the submit path races a closed quit against a free queue slot
		out := make([]Appended, 1)
		err := l.Append(ctx, "s", []Entry{{PartitionKey: []byte("k"), Data: []byte("x")}}, out)
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("append %d after close: %v, want ErrClosed", i, err)
		}
	}
}

// TestOpenInUse: Open of a directory that another process's Log holds
// fails, and says the directory is in use rather than "resource temporarily
// unavailable". The other process is this test binary again.
func TestOpenInUse(t *testing.T) {
	if dir := os.Getenv("STREAMLOG_OPEN_DIR"); dir != "" {
		// The helper: report and exit before TestMain's leak check, which
		// would see the disk-health goroutine a failed pebble.Open leaves.
		l, err := Open(dir, Options{})
		if err == nil {
			_ = l.Close()
			fmt.Println("opened")
		} else {
			fmt.Println(err)
		}
		os.Exit(0)
	}
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	defer l.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenInUse$")
	cmd.Env = append(os.Environ(), "STREAMLOG_OPEN_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "in use by another process") {
		t.Fatalf("the second process's Open said\n%s\nwant it to say the directory is in use", out)
	}
}

package streamlog

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/blueshift-dev/blueshift/internal/obs"
)

// behindOracle counts, per shard, the appended records after a position.
type behindOracle map[uint32][]Seq

func (o behindOracle) add(out []Appended) {
	for _, a := range out {
		o[a.Shard] = append(o[a.Shard], a.Seq)
	}
}

func (o behindOracle) after(shard uint32, pos, trimmed Seq) int64 {
	n := int64(0)
	for _, s := range o[shard] {
		if s > pos && s > trimmed {
			n++
		}
	}
	return n
}

// checkBehind reads every shard of stream in steps of a few records and
// checks each read's Behind against the oracle.
func checkBehind(t *testing.T, l *Log, stream string, o behindOracle) {
	t.Helper()
	ctx := context.Background()
	info, err := l.Describe(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range info.Shards {
		after, err := l.Resolve(ctx, stream, sh.ID, Position{Type: TrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		for step := 0; ; step++ {
			res, err := l.Read(ctx, ReadRequest{Stream: stream, Shard: sh.ID, After: after, MaxRecords: 1 + step%5})
			if err != nil {
				t.Fatal(err)
			}
			if want := o.after(sh.Num, res.Next, sh.TrimmedThrough); res.Behind != want {
				t.Fatalf("%s after %s: Behind %d, want %d", sh.ID, res.Next, res.Behind, want)
			}
			if len(res.Records) == 0 {
				break
			}
			after = res.Next
		}
	}
}

// TestBehindExactPerShard: a read says exactly how many records its shard
// holds after it, on a stream of several shards (one sequence counter for
// all), across restarts, resharding and retention that removes every
// record of a shard.
func TestBehindExactPerShard(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clk := newClock()
	l := openLog(t, dir, Options{Now: clk.now})
	if err := l.Create(ctx, "s", CreateOptions{ShardCount: 3}); err != nil {
		t.Fatal(err)
	}
	o := behindOracle{}
	o.add(appendN(t, l, "s", 200, "a"))
	checkBehind(t, l, "s", o)

	// Restart: ordinals are recovered from the last record of each shard.
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, dir, Options{Now: clk.now})
	o.add(appendN(t, l, "s", 100, "b"))
	checkBehind(t, l, "s", o)

	// Split a shard: its children count their own records.
	if err := l.Split(ctx, "s", ShardID(0), HashKey{Hi: 1 << 62}); err != nil {
		t.Fatal(err)
	}
	o.add(appendN(t, l, "s", 150, "c"))
	checkBehind(t, l, "s", o)

	// Retention removes everything; after a restart the shards are empty,
	// and the records appended then are counted from where they left off.
	clk.advance(25 * time.Hour)
	if err := l.Trim(ctx); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, dir, Options{Now: clk.now})
	defer l.Close()
	checkBehind(t, l, "s", o)
	o.add(appendN(t, l, "s", 60, "d"))
	checkBehind(t, l, "s", o)
	st, err := l.lookup("s")
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range st.meta.Load().Shards {
		if got, want := sh.live.head.Load().ord, uint64(len(o[sh.Num])); got != want {
			t.Errorf("%s: head ordinal %d, want the %d records it ever had", ShardID(sh.Num), got, want)
		}
	}
}

// TestRecordFormatV1 reads a stream written before records carried
// ordinals (no record_format in its metadata): its records read as before,
// new appends keep its format, and Behind says it cannot count (-1) except
// when the reader is caught up. Metadata of a newer format is refused.
func TestRecordFormatV1(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	if err := l.Create(ctx, "old", CreateOptions{ShardCount: 2}); err != nil {
		t.Fatal(err)
	}
	st, err := l.lookup("old")
	if err != nil {
		t.Fatal(err)
	}
	id := st.id
	start := st.meta.Load().Shards[0].StartSeq
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	// Rewrite it as format 1 wrote it: metadata without record_format, and
	// three records in shard 0 in the format-1 layout.
	db, err := pebble.Open(dir, &pebble.Options{Logger: pebbleLogger{obs.Logger(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	v, closer, err := db.Get(idKey(prefixMeta, id))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(v, &raw); err != nil {
		t.Fatal(err)
	}
	_ = closer.Close()
	if raw["record_format"] != float64(recordFormatOrdinal) {
		t.Fatalf("new stream's metadata: record_format %v, want %d", raw["record_format"], recordFormatOrdinal)
	}
	delete(raw, "record_format")
	meta, _ := json.Marshal(raw)
	b := db.NewBatch()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(b.Set(idKey(prefixMeta, id), meta, nil))
	for i := range 3 {
		val := binary.BigEndian.AppendUint64(nil, uint64(1_700_000_000_000+i))
		val = binary.AppendUvarint(val, 2)
		val = append(val, "pk"...)
		val = append(val, fmt.Sprintf("old-%d", i)...)
		must(b.Set(appendRecordKey(nil, id, 0, start+Seq(i)), val, nil))
	}
	must(b.Set(idKey(prefixNextSeq, id), binary.BigEndian.AppendUint64(nil, uint64(start)+3), nil))
	must(b.Commit(pebble.Sync))
	must(db.Close())

	l = openLog(t, dir, Options{})
	out := appendN(t, l, "old", 4, "new")
	var got []string
	after := start - 1
	var res ReadResult
	for {
		res, err = l.Read(ctx, ReadRequest{Stream: "old", Shard: ShardID(0), After: after, MaxRecords: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Records) == 0 {
			break
		}
		got = append(got, string(res.Records[0].Data))
		if res.Next < res.Last && res.Behind != -1 {
			t.Fatalf("format 1, not caught up: Behind %d, want -1", res.Behind)
		}
		after = res.Next
	}
	if res.Behind != 0 {
		t.Errorf("format 1, caught up: Behind %d, want 0", res.Behind)
	}
	want := []string{"old-0", "old-1", "old-2"}
	for i, a := range out {
		if a.Shard == 0 {
			want = append(want, fmt.Sprintf("new-%d", i))
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("format 1 stream, shard 0: %v, want %v", got, want)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	// A format this code does not know is refused, not misread.
	db, err = pebble.Open(dir, &pebble.Options{Logger: pebbleLogger{obs.Logger(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	raw["record_format"] = recordFormatNewest + 1
	meta, _ = json.Marshal(raw)
	must(db.Set(idKey(prefixMeta, id), meta, pebble.Sync))
	must(db.Close())
	if l, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "record format 3 is newer") {
		if err == nil {
			_ = l.Close()
		}
		t.Fatalf("open with a newer record format: %v", err)
	}
}

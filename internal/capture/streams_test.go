package capture

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// TestSweep: Sweep deletes the log of a stream no table refers to (as a
// crash between New and the table's commit leaves) and keeps the others.
func TestSweep(t *testing.T) {
	ctx := context.Background()
	sl, err := streamlog.Open(t.TempDir(), streamlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sl.Close()
	st, err := tables.Open(sl, tables.Options{Capture: New(Options{})})
	if err != nil {
		t.Fatal(err)
	}
	ss := NewStreams(st, sl, nil)
	tbl := &tables.Table{Name: "kept", Key: tables.KeySchema{Hash: tables.KeyAttr{Name: "id", Type: attr.S}}}
	kept, err := ss.New(ctx, tbl, ViewKeysOnly)
	if err != nil {
		t.Fatal(err)
	}
	SetTableStreams(tbl, []Stream{kept})
	if _, err := st.Create(ctx, tbl); err != nil {
		t.Fatal(err)
	}
	orphan, err := ss.New(ctx, &tables.Table{Name: "never"}, ViewKeysOnly)
	if err != nil {
		t.Fatal(err)
	}
	if err := ss.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	names, err := sl.InternalStreams(ctx)
	if err != nil || !slices.Equal(names, []string{kept.Log}) {
		t.Fatalf("after the sweep: %v, %v; want only %s (not %s)", names, err, kept.Log, orphan.Log)
	}
}

// TestStreamsRecordShape: a DynamoDB Streams record as GetRecords returns
// it (the DynamoDB Streams API reference's Record and StreamRecord): the
// images the view type names, the time in whole seconds, the sequence
// number added when read, userIdentity only for a deletion by time to live.
func TestStreamsRecordShape(t *testing.T) {
	tbl := &tables.Table{Name: "t"}
	key := attr.Item{"id": attr.Str("a")}
	old := attr.Item{"id": attr.Str("a"), "v": attr.Num("1")}
	now := time.UnixMilli(1_700_000_000_999)
	b, err := StreamsRecord(tables.Change{Table: tbl, Key: key, Old: old, TTL: true}, "eu-west-1", ViewNewAndOldImages, now)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := WithSequenceNumber(b, 42)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(rec, &got); err != nil {
		t.Fatal(err)
	}
	delete(got, "eventID")
	want := `{"awsRegion":"eu-west-1","dynamodb":{"ApproximateCreationDateTime":1700000000,"Keys":{"id":{"S":"a"}},"OldImage":{"id":{"S":"a"},"v":{"N":"1"}},` +
		`"SequenceNumber":"000000000000000000042","SizeBytes":` + itoa(attr.ItemSize(key)+attr.ItemSize(old)) + `,"StreamViewType":"NEW_AND_OLD_IMAGES"},` +
		`"eventName":"REMOVE","eventSource":"aws:dynamodb","eventVersion":"1.1","userIdentity":{"PrincipalId":"dynamodb.amazonaws.com","Type":"Service"}}`
	if g, _ := json.Marshal(got); string(g) != want {
		t.Fatalf("record\n got %s\nwant %s", g, want)
	}
	b, err = StreamsRecord(tables.Change{Table: tbl, Key: key, New: old}, "eu-west-1", ViewKeysOnly, now)
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	d := got["dynamodb"].(map[string]any)
	if _, has := d["NewImage"]; has || got["userIdentity"] != nil || got["eventName"] != "INSERT" {
		t.Fatalf("KEYS_ONLY INSERT: %s", b)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

package tables

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

func openStore(t *testing.T, dir string, o Options) (*Store, *streamlog.Log) {
	t.Helper()
	sl, err := streamlog.Open(dir, streamlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(sl, o)
	if err != nil {
		t.Fatal(err)
	}
	return s, sl
}

func put(item attr.Item) func(attr.Item) (Action, attr.Item, error) {
	return func(attr.Item) (Action, attr.Item, error) { return Put, item, nil }
}

func testTable() *Table {
	return &Table{Name: "t", Key: KeySchema{Hash: KeyAttr{"pk", attr.S}, Range: KeyAttr{"sk", attr.N}},
		Indexes: []Index{{Name: "byG", Key: KeySchema{Hash: KeyAttr{"g", attr.S}, Range: KeyAttr{"sk", attr.N}}, Projection: Projection{Type: ProjectKeysOnly}}}}
}

func item(pk string, sk int, g string) attr.Item {
	it := attr.Item{"pk": attr.Str(pk), "sk": attr.Num(fmt.Sprint(sk)), "v": attr.Str("x")}
	if g != "" {
		it["g"] = attr.Str(g)
	}
	return it
}

func keys(items []attr.Item) string {
	var out []string
	for _, it := range items {
		out = append(out, it["pk"].S+"/"+it["sk"].S)
	}
	return fmt.Sprint(out)
}

// Items are stored, queried in sort-key order both ways with ranges, kept
// in their index, counted, and all of it survives a reopen.
func TestStoreWriteQueryReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, sl := openStore(t, dir, Options{})
	if _, err := s.Create(ctx, testTable()); err != nil {
		t.Fatal(err)
	}
	for _, sk := range []int{10, -5, 2, 100, 0} {
		g := ""
		if sk%2 == 0 {
			g = "even"
		}
		if _, err := s.Write(ctx, []Op{{Table: "t", Key: attr.Item{"pk": attr.Str("a"), "sk": attr.Num(fmt.Sprint(sk))}, Decide: put(item("a", sk, g))}}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(req ReadRequest, want string) {
		t.Helper()
		res, err := s.Read(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if got := keys(res.Items); got != want {
			t.Errorf("%+v: got %s, want %s", req.Range, got, want)
		}
	}
	check(ReadRequest{Table: "t", Query: true, Hash: attr.Str("a")}, "[a/-5 a/0 a/2 a/10 a/100]")
	check(ReadRequest{Table: "t", Query: true, Hash: attr.Str("a"), Backward: true, Range: RangeCond{Op: "<", A: attr.Num("10")}}, "[a/2 a/0 a/-5]")
	check(ReadRequest{Table: "t", Query: true, Hash: attr.Str("a"), Range: RangeCond{Op: "BETWEEN", A: attr.Num("0"), B: attr.Num("10")}}, "[a/0 a/2 a/10]")
	check(ReadRequest{Table: "t", Index: "byG", Query: true, Hash: attr.Str("even")}, "[a/0 a/2 a/10 a/100]")
	// Deleting moves the item out of the index, too.
	if _, err := s.Write(ctx, []Op{{Table: "t", Key: attr.Item{"pk": attr.Str("a"), "sk": attr.Num("2")}, Decide: func(attr.Item) (Action, attr.Item, error) { return Delete, nil, nil }}}); err != nil {
		t.Fatal(err)
	}
	check(ReadRequest{Table: "t", Index: "byG", Query: true, Hash: attr.Str("even")}, "[a/0 a/10 a/100]")
	// Paging with Limit and the last key.
	res, err := s.Read(ctx, ReadRequest{Table: "t", Limit: 2})
	if err != nil || len(res.Items) != 2 || res.LastKey == nil {
		t.Fatalf("page: %v %v", res, err)
	}
	check(ReadRequest{Table: "t", StartKey: res.LastKey}, "[a/10 a/100]")
	// A failed Decide writes nothing.
	boom := errors.New("condition")
	_, err = s.Write(ctx, []Op{
		{Table: "t", Key: attr.Item{"pk": attr.Str("b"), "sk": attr.Num("1")}, Decide: put(item("b", 1, ""))},
		{Table: "t", Key: attr.Item{"pk": attr.Str("a"), "sk": attr.Num("0")}, Decide: func(attr.Item) (Action, attr.Item, error) { return Keep, nil, boom }},
	})
	var ce *CanceledError
	if !errors.As(err, &ce) || ce.Errs[1] != boom || ce.Errs[0] != nil {
		t.Fatalf("canceled write: %v", err)
	}
	_, n, size, _ := s.Describe("t")
	if n != 4 {
		t.Fatalf("ItemCount %d, want 4", n)
	}
	// Five puts and a delete were written; the canceled write was not.
	if w, err := s.Writes("t"); err != nil || w != 6 {
		t.Fatalf("Writes %d (%v), want 6", w, err)
	}
	_ = sl.Close()

	s, sl = openStore(t, dir, Options{})
	defer sl.Close()
	_, n2, size2, err := s.Describe("t")
	if err != nil || n2 != 4 || size2 != size {
		t.Fatalf("after reopen: %d items, %d bytes (%v); want 4, %d", n2, size2, err, size)
	}
	check(ReadRequest{Table: "t", Index: "byG", Query: true, Hash: attr.Str("even"), Backward: true}, "[a/100 a/10 a/0]")
	if w, err := s.Writes("t"); err != nil || w != 0 {
		t.Fatalf("Writes after reopen %d (%v), want 0: the counter is since the store opened", w, err)
	}
	if _, _, _, err := s.Delete(ctx, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Table("t"); !errors.Is(err, ErrTableNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

// A GSI added to a table with items is backfilled, and TTL removes
// expired items.
func TestBackfillAndTTL(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	s, sl := openStore(t, t.TempDir(), Options{Now: func() time.Time { return now }})
	defer sl.Close()
	tb := testTable()
	tb.Indexes = nil
	if _, err := s.Create(ctx, tb); err != nil {
		t.Fatal(err)
	}
	for i := range 600 {
		it := item("p", i, fmt.Sprint("g", i%3))
		if i%2 == 0 {
			it["exp"] = attr.Num(fmt.Sprint(now.Unix() - 1))
		}
		if _, err := s.Write(ctx, []Op{{Table: "t", Key: attr.Item{"pk": it["pk"], "sk": it["sk"]}, Decide: put(it)}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Update(ctx, "t", func(t *Table) error {
		t.Indexes = append(t.Indexes, Index{Name: "byG", Key: KeySchema{Hash: KeyAttr{"g", attr.S}}, Projection: Projection{Type: ProjectAll}})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		tb, _ := s.Table("t")
		if !tb.Index("byG").Backfilling {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("backfill did not finish")
		}
		time.Sleep(5 * time.Millisecond)
	}
	res, err := s.Read(ctx, ReadRequest{Table: "t", Index: "byG", Query: true, Hash: attr.Str("g1")})
	if err != nil || len(res.Items) != 200 {
		t.Fatalf("index after backfill: %d items, %v; want 200", len(res.Items), err)
	}
	if _, err := s.Update(ctx, "t", func(t *Table) error { t.TTL = TTLSpec{Enabled: true, Attribute: "exp"}; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.ExpireNow(ctx); err != nil {
		t.Fatal(err)
	}
	if _, n, _, _ := s.Describe("t"); n != 300 {
		t.Fatalf("after expiry: %d items, want 300", n)
	}
	res, _ = s.Read(ctx, ReadRequest{Table: "t", Index: "byG", Query: true, Hash: attr.Str("g1")})
	if len(res.Items) != 100 {
		t.Fatalf("index after expiry: %d items, want 100", len(res.Items))
	}
}

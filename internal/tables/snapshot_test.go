package tables

import (
	"context"
	"errors"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// TestScanSnapshot: writes that commit while a snapshot scan runs are not
// in it; the scan sees the table as it was when it started.
func TestScanSnapshot(t *testing.T) {
	ctx := context.Background()
	s, sl := openStore(t, t.TempDir(), Options{})
	defer sl.Close()
	if _, err := s.Create(ctx, testTable()); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if _, err := s.Write(ctx, []Op{{Table: "t", Key: attr.Item{"pk": attr.Str("a"), "sk": attr.Num(string(rune('0' + i)))}, Decide: put(item("a", i, ""))}}); err != nil {
			t.Fatal(err)
		}
	}
	var seen []attr.Item
	err := s.ScanSnapshot(ctx, "t", func(it attr.Item) error {
		if len(seen) == 0 { // a put and a delete commit during the scan
			ops := []Op{
				{Table: "t", Key: attr.Item{"pk": attr.Str("a"), "sk": attr.Num("9")}, Decide: put(item("a", 9, ""))},
				{Table: "t", Key: attr.Item{"pk": attr.Str("a"), "sk": attr.Num("3")}, Decide: func(attr.Item) (Action, attr.Item, error) { return Delete, nil, nil }},
			}
			if _, err := s.Write(ctx, ops); err != nil {
				return err
			}
		}
		seen = append(seen, it)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(seen); got != "[a/1 a/2 a/3]" {
		t.Fatalf("snapshot scan saw %s, want the three items from before it", got)
	}
	seen = nil
	if err := s.ScanSnapshot(ctx, "t", func(it attr.Item) error { seen = append(seen, it); return nil }); err != nil {
		t.Fatal(err)
	}
	if got := keys(seen); got != "[a/1 a/2 a/9]" {
		t.Fatalf("second scan saw %s, want the write made during the first", got)
	}
	if err := s.ScanSnapshot(ctx, "nosuch", func(attr.Item) error { return nil }); !errors.Is(err, ErrTableNotFound) {
		t.Fatalf("missing table: %v", err)
	}
}

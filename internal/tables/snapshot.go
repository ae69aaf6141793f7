package tables

import (
	"context"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// ScanSnapshot calls fn with every item of table name, in key order, as
// of one moment (a Pebble snapshot): a write is in it entirely or not at
// all (a transaction too), every write acknowledged before ScanSnapshot
// was called is in it, and none that commits after the snapshot is taken.
// (A write whose fsync is under way when the snapshot is taken may be in
// it before it is acknowledged, as with Read.) An error from fn stops the
// scan and is returned.
//
// A change stream enabled before the call therefore holds every change
// the snapshot misses: replaying its records over the snapshot, latest
// record per key winning, gives the table's contents (see
// docs/dynamodb.md, "Loading existing items").
func (s *Store) ScanSnapshot(ctx context.Context, name string, fn func(attr.Item) error) error {
	ts, err := s.state(name)
	if err != nil {
		return err
	}
	snap := s.db.NewSnapshot()
	defer snap.Close()
	// The definition is read after the snapshot: a table deleted in between
	// leaves no items in the snapshot's span of its ID, which is still its.
	t := ts.def.Load()
	p := spanPrefix(t.ID, 0)
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: p, UpperBound: prefixEnd(p)})
	if err != nil {
		return fmt.Errorf("tables: snapshot of %s: %w", name, err)
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		item, err := decodeItem(it.Value())
		if err != nil {
			return fmt.Errorf("tables: snapshot of %s: %w", name, err)
		}
		if err := fn(item); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("tables: snapshot of %s: %w", name, err)
	}
	return nil
}

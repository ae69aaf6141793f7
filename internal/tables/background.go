package tables

import (
	"context"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// backfillChunk is how many items one backfill commit covers.
const backfillChunk = 256

// backfill fills index ixName of table from the table's items, then marks
// it ACTIVE. Writes already maintain the index (it is published before
// backfill starts), so each chunk is read and written under its keys'
// locks: an item written meanwhile is indexed by its write or by the
// chunk, never left out, never stale.
func (s *Store) backfill(ctx context.Context, table, ixName string) {
	if err := s.runBackfill(ctx, table, ixName); err != nil {
		s.log.Error("index backfill failed", "table", table, "index", ixName, "err", err)
	}
}

func (s *Store) runBackfill(ctx context.Context, table, ixName string) error {
	ts, err := s.state(table)
	if err != nil {
		return nil // deleted meanwhile
	}
	t := ts.def.Load()
	p := spanPrefix(t.ID, 0)
	var after []byte
	for {
		lower := p
		if after != nil {
			lower = append(append([]byte(nil), after...), 0)
		}
		keys, err := s.scanKeys(lower, prefixEnd(p), backfillChunk)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			break
		}
		after = keys[len(keys)-1]
		if err := s.backfillKeys(ctx, ts, ixName, keys); err != nil {
			return err
		}
	}
	_, err = s.Update(ctx, table, func(t *Table) error {
		if ix := t.Index(ixName); ix != nil {
			ix.Backfilling = false
		}
		return nil
	})
	return err
}

func (s *Store) scanKeys(lower, upper []byte, n int) ([][]byte, error) {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return nil, fmt.Errorf("tables: scan: %w", err)
	}
	defer it.Close()
	var keys [][]byte
	for ok := it.First(); ok && len(keys) < n; ok = it.Next() {
		keys = append(keys, append([]byte(nil), it.Key()...))
	}
	return keys, it.Error()
}

func (s *Store) backfillKeys(ctx context.Context, ts *tableState, ixName string, keys [][]byte) error {
	unlock := s.lockKeys(keys)
	defer unlock()
	if ts.deleted.Load() {
		return nil
	}
	t := ts.def.Load()
	ix := t.Index(ixName)
	if ix == nil {
		return nil // dropped meanwhile
	}
	b := s.db.NewBatch()
	defer b.Close()
	for _, k := range keys {
		item, err := s.getItem(s.db, k)
		if err != nil {
			return err
		}
		if item != nil {
			if err := s.writeIndex(b, t, ix, nil, item); err != nil {
				return err
			}
		}
	}
	if b.Empty() {
		return nil
	}
	return s.sl.Commit(ctx, b, nil)
}

// Run deletes expired items (time to live) every TTLInterval until ctx
// ends. An item expires when its TTL attribute is a number of epoch
// seconds not after now; items whose attribute is missing or not a number
// never expire, as in DynamoDB.
func (s *Store) Run(ctx context.Context) error {
	tick := time.NewTicker(s.opts.TTLInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		for _, name := range s.List() {
			if err := s.expire(ctx, name); err != nil && ctx.Err() == nil {
				s.log.Warn("ttl expiry", "table", name, "err", err)
			}
		}
	}
}

// ExpireNow runs one pass of time-to-live expiry over every table.
func (s *Store) ExpireNow(ctx context.Context) error {
	for _, name := range s.List() {
		if err := s.expire(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) expire(ctx context.Context, name string) error {
	t, err := s.Table(name)
	if err != nil || !t.TTL.Enabled || t.TTL.Attribute == "" {
		return nil
	}
	ttlAttr := t.TTL.Attribute
	nowSec := s.opts.Now().Unix()
	expired := func(it attr.Item) bool {
		v, ok := it[ttlAttr]
		if !ok || v.T != attr.N {
			return false
		}
		return attr.CompareNumbers(v.S, fmt.Sprint(nowSec)) <= 0
	}
	var start attr.Item
	for {
		res, err := s.Read(ctx, ReadRequest{Table: name, StartKey: start, Limit: 1000,
			Keep: func(it attr.Item) (bool, error) { return expired(it), nil }})
		if err != nil {
			return err
		}
		for _, it := range res.Items {
			key, _ := t.Key.KeyOf(it)
			_, err := s.write(ctx, []Op{{Table: name, Key: key, Decide: func(old attr.Item) (Action, attr.Item, error) {
				if old == nil || !expired(old) {
					return Keep, nil, nil
				}
				return Delete, nil, nil
			}}}, true)
			if err != nil {
				return err
			}
		}
		if res.LastKey == nil {
			return nil
		}
		start = res.LastKey
	}
}

package tables

import (
	"context"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// Action is what a write does to its item.
type Action int

// Actions.
const (
	Keep   Action = iota // leave the item as it is (a condition check)
	Put                  // store the returned item
	Delete               // delete the item
)

// Op is one item's part in a write. Decide gets the current item (nil when
// there is none) and returns what to do; an error refuses the whole write.
// Decide runs with the key locked, so read-check-write is atomic.
type Op struct {
	Table  string
	Key    attr.Item // the primary key, checked by the caller (CheckKey)
	Decide func(old attr.Item) (Action, attr.Item, error)
}

// Outcome is what a write did to one item.
type Outcome struct {
	Old, New attr.Item // New is nil after a delete; both are the item for Keep
}

// CanceledError is a write refused because at least one Decide returned
// an error: Errs[i] is ops[i]'s error, or nil. Nothing was written.
type CanceledError struct {
	Errs []error
}

func (e *CanceledError) Error() string {
	for _, err := range e.Errs {
		if err != nil {
			return "tables: write canceled: " + err.Error()
		}
	}
	return "tables: write canceled"
}

// Write applies ops atomically and durably: all or nothing, every key
// locked from its read to the commit's fsync. Items are in tables that
// must exist and be ACTIVE or UPDATING (CREATING tables refuse writes
// with ErrTableBusy).
func (s *Store) Write(ctx context.Context, ops []Op) ([]Outcome, error) {
	return s.write(ctx, ops, false)
}

func (s *Store) write(ctx context.Context, ops []Op, ttl bool) ([]Outcome, error) {
	states := make([]*tableState, len(ops))
	keys := make([][]byte, len(ops))
	for i, op := range ops {
		ts, err := s.state(op.Table)
		if err != nil {
			return nil, err
		}
		states[i] = ts
		keys[i] = ts.def.Load().baseKey(op.Key)
	}
	unlock := s.lockKeys(keys)
	defer unlock()
	// Definitions are read under the key locks: Update publishes a new
	// one (an index added or dropped) only while holding every lock.
	defs := make([]*Table, len(ops))
	now := s.nowMs()
	for i, ts := range states {
		if ts.deleted.Load() {
			return nil, fmt.Errorf("%w: %s", ErrTableNotFound, ops[i].Table)
		}
		defs[i] = ts.def.Load()
		if defs[i].Status(now) == StatusCreating {
			return nil, fmt.Errorf("%w: %s is %s", ErrTableBusy, ops[i].Table, StatusCreating)
		}
	}
	outs := make([]Outcome, len(ops))
	actions := make([]Action, len(ops))
	var errs []error
	for i, op := range ops {
		old, err := s.getItem(s.db, keys[i])
		if err != nil {
			return nil, err
		}
		act, item, err := op.Decide(old)
		if err != nil {
			if errs == nil {
				errs = make([]error, len(ops))
			}
			errs[i] = err
			continue
		}
		actions[i] = act
		switch act {
		case Keep:
			outs[i] = Outcome{Old: old, New: old}
		case Put:
			outs[i] = Outcome{Old: old, New: item}
		case Delete:
			outs[i] = Outcome{Old: old}
		}
	}
	if errs != nil {
		return nil, &CanceledError{Errs: errs}
	}
	b := s.db.NewBatch()
	defer b.Close()
	var changes []Change
	type delta struct {
		ts           *tableState
		count, bytes int64
	}
	var deltas []delta
	for i := range ops {
		o := outs[i]
		if actions[i] == Keep || (o.Old == nil && o.New == nil) {
			continue
		}
		t := defs[i]
		if o.New != nil {
			if err := b.Set(keys[i], encodeItem(o.New), nil); err != nil {
				return nil, fmt.Errorf("tables: write: %w", err)
			}
		} else if err := b.Delete(keys[i], nil); err != nil {
			return nil, fmt.Errorf("tables: write: %w", err)
		}
		for j := range t.Indexes {
			if err := s.writeIndex(b, t, &t.Indexes[j], o.Old, o.New); err != nil {
				return nil, err
			}
		}
		d := delta{ts: states[i]}
		if o.Old != nil {
			d.count--
			d.bytes -= int64(attr.ItemSize(o.Old))
		}
		if o.New != nil {
			d.count++
			d.bytes += int64(attr.ItemSize(o.New))
		}
		deltas = append(deltas, d)
		if s.opts.Capture != nil && !(o.Old != nil && o.New != nil && attr.EqualItems(o.Old, o.New)) {
			changes = append(changes, Change{Table: t, Key: ops[i].Key, Old: o.Old, New: o.New, TTL: ttl})
		}
	}
	if b.Empty() {
		return outs, nil
	}
	var appends []streamlog.StreamAppend
	if len(changes) > 0 {
		var err error
		if appends, err = s.opts.Capture(changes); err != nil {
			return nil, fmt.Errorf("tables: change capture: %w", err)
		}
	}
	if err := s.sl.Commit(ctx, b, appends); err != nil {
		return nil, fmt.Errorf("tables: write: %w", err)
	}
	for _, d := range deltas {
		d.ts.count.Add(d.count)
		d.ts.bytes.Add(d.bytes)
		d.ts.writes.Add(1)
	}
	return outs, nil
}

// writeIndex updates ix for an item going from old to new (either nil).
func (s *Store) writeIndex(b *pebble.Batch, t *Table, ix *Index, old, new attr.Item) error {
	var oldK, newK []byte
	var inOld, inNew bool
	if old != nil {
		oldK, inOld = t.indexKey(ix, old)
	}
	if new != nil {
		newK, inNew = t.indexKey(ix, new)
	}
	if inOld && (!inNew || string(oldK) != string(newK)) {
		if err := b.Delete(oldK, nil); err != nil {
			return fmt.Errorf("tables: index %s: %w", ix.Name, err)
		}
	}
	if inNew {
		if err := b.Set(newK, encodeItem(t.project(ix, new)), nil); err != nil {
			return fmt.Errorf("tables: index %s: %w", ix.Name, err)
		}
	}
	return nil
}

package tables

import (
	"context"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// GetRef names one item to read.
type GetRef struct {
	Table string
	Key   attr.Item
}

// Get reads items by primary key (nil where there is none). The reads
// take the keys' locks, so they see only durable writes, and several keys
// are read as of one moment (TransactGetItems).
func (s *Store) Get(ctx context.Context, refs []GetRef) ([]attr.Item, error) {
	keys := make([][]byte, len(refs))
	for i, r := range refs {
		ts, err := s.state(r.Table)
		if err != nil {
			return nil, err
		}
		keys[i] = ts.def.Load().baseKey(r.Key)
	}
	unlock := s.lockKeys(keys)
	defer unlock()
	out := make([]attr.Item, len(refs))
	for i := range refs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		it, err := s.getItem(s.db, keys[i])
		if err != nil {
			return nil, err
		}
		out[i] = it
	}
	return out, nil
}

// RangeCond is a condition on the sort key of a Query: Op is "" (none),
// "=", "<", "<=", ">", ">=", "BETWEEN" (A and B) or "BEGINS_WITH".
type RangeCond struct {
	Op   string
	A, B attr.Value
}

// ReadRequest is a Query (Hash set) or a Scan page.
type ReadRequest struct {
	Table string
	Index string // "" for the table itself
	// Query: the partition key value and a sort-key condition.
	Query bool
	Hash  attr.Value
	Range RangeCond
	// Backward reads in descending key order (ScanIndexForward false).
	Backward bool
	// StartKey is ExclusiveStartKey: the page starts after it.
	StartKey attr.Item
	// Limit bounds the items read (0: none); MaxBytes bounds their size
	// (DynamoDB's 1 MB page, 0: none).
	Limit    int
	MaxBytes int
	// Segment of TotalSegments (Scan only; TotalSegments 0: all).
	Segment, TotalSegments int
	// Keep, when set, filters the items read (FilterExpression): items
	// it refuses still count toward Limit and MaxBytes, as in DynamoDB.
	Keep func(attr.Item) (bool, error)
}

// ReadResult is one page.
type ReadResult struct {
	Items   []attr.Item
	Scanned int
	// LastKey is LastEvaluatedKey: the key of the last item read when the
	// page stopped at Limit or MaxBytes, nil at the end.
	LastKey attr.Item
}

// Read runs a Query or a Scan page.
func (s *Store) Read(ctx context.Context, req ReadRequest) (ReadResult, error) {
	t, err := s.Table(req.Table)
	if err != nil {
		return ReadResult{}, err
	}
	var ix *Index
	keySchema := t.Key
	num := uint16(0)
	if req.Index != "" {
		if ix = t.Index(req.Index); ix == nil {
			return ReadResult{}, fmt.Errorf("%w: %s on %s", ErrIndexNotFound, req.Index, req.Table)
		}
		keySchema, num = ix.Key, ix.Num
	}
	base := spanPrefix(t.ID, num)
	lower, upper := base, prefixEnd(base)
	if req.Query {
		p := appendKeyValue(append([]byte(nil), base...), req.Hash)
		lower, upper = rangeBounds(p, req.Range)
	}
	if req.StartKey != nil {
		var sk []byte
		if ix != nil {
			sk = ix.Key.appendKey(append([]byte(nil), base...), req.StartKey)
			sk = t.Key.appendKey(sk, req.StartKey)
		} else {
			sk = t.Key.appendKey(append([]byte(nil), base...), req.StartKey)
		}
		if req.Backward {
			if string(sk) < string(upper) {
				upper = sk
			}
		} else if next := append(sk, 0); string(next) > string(lower) {
			lower = next
		}
	}
	var res ReadResult
	if upper != nil && string(lower) >= string(upper) {
		return res, nil
	}
	it, err := s.db.NewIterWithContext(ctx, &pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return res, fmt.Errorf("tables: read %s: %w", req.Table, err)
	}
	defer it.Close()
	valid := it.First()
	if req.Backward {
		valid = it.Last()
	}
	bytes := 0
	var last attr.Item
	for ; valid; valid = step(it, req.Backward) {
		if req.TotalSegments > 1 {
			hk := it.Key()[len(base):]
			if segmentOf(hk[:hashLen(hk, keySchema.Hash.Type)], req.TotalSegments) != req.Segment {
				continue
			}
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		item, err := decodeItem(it.Value())
		if err != nil {
			return res, err
		}
		res.Scanned++
		bytes += attr.ItemSize(item)
		last = item
		keep := true
		if req.Keep != nil {
			if keep, err = req.Keep(item); err != nil {
				return res, err
			}
		}
		if keep {
			res.Items = append(res.Items, item)
		}
		if (req.Limit > 0 && res.Scanned >= req.Limit) || (req.MaxBytes > 0 && bytes >= req.MaxBytes) {
			res.LastKey = lastKey(t, ix, last)
			break
		}
	}
	if err := it.Error(); err != nil {
		return res, fmt.Errorf("tables: read %s: %w", req.Table, err)
	}
	return res, nil
}

func step(it *pebble.Iterator, backward bool) bool {
	if backward {
		return it.Prev()
	}
	return it.Next()
}

// lastKey is LastEvaluatedKey for item: the table's key, plus the index's.
func lastKey(t *Table, ix *Index, item attr.Item) attr.Item {
	k, _ := t.Key.KeyOf(item)
	if ix != nil {
		ik, _ := ix.Key.KeyOf(item)
		for n, v := range ik {
			k[n] = v
		}
	}
	return k
}

// hashLen is the length of the encoded partition key at the start of k.
func hashLen(k []byte, typ attr.Type) int {
	if typ == attr.N {
		if len(k) == 0 || k[0] == 0x80 {
			return min(1, len(k))
		}
		term := byte(0x00)
		if k[0] == 0x40 {
			term = 0xFF
		}
		for i := 3; i < len(k); i++ {
			if k[i] == term {
				return i + 1
			}
		}
		return len(k)
	}
	for i := 0; i+1 < len(k); i++ {
		if k[i] == 0 {
			if k[i+1] == 0x01 {
				return i + 2
			}
			i++ // an escaped zero
		}
	}
	return len(k)
}

// rangeBounds is [lower, upper) over the keys of partition prefix p whose
// sort key meets c.
func rangeBounds(p []byte, c RangeCond) (lower, upper []byte) {
	enc := func(v attr.Value) []byte { return appendKeyValue(append([]byte(nil), p...), v) }
	switch c.Op {
	case "=":
		k := enc(c.A)
		return k, prefixEnd(k)
	case "<":
		return p, enc(c.A)
	case "<=":
		return p, prefixEnd(enc(c.A))
	case ">":
		return prefixEnd(enc(c.A)), prefixEnd(p)
	case ">=":
		return enc(c.A), prefixEnd(p)
	case "BETWEEN":
		return enc(c.A), prefixEnd(enc(c.B))
	case "BEGINS_WITH":
		k := appendKeyPrefix(append([]byte(nil), p...), c.A)
		return k, prefixEnd(k)
	}
	return p, prefixEnd(p)
}

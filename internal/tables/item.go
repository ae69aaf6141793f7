package tables

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// An item's stored value: its DynamoDB size (uvarint), so counting a
// table needs no decoding, then its wire JSON.
func encodeItem(it attr.Item) []byte {
	b := binary.AppendUvarint(make([]byte, 0, 64), uint64(attr.ItemSize(it)))
	return it.AppendJSON(b)
}

func decodeItem(v []byte) (attr.Item, error) {
	_, n := binary.Uvarint(v)
	if n <= 0 {
		return nil, errors.New("tables: corrupt item")
	}
	var it map[string]attr.Value
	if err := json.Unmarshal(v[n:], &it); err != nil {
		return nil, fmt.Errorf("tables: corrupt item: %w", err)
	}
	return it, nil
}

// getItem reads the item at Pebble key k, nil when there is none.
func (s *Store) getItem(r pebble.Reader, k []byte) (attr.Item, error) {
	v, c, err := r.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tables: read: %w", err)
	}
	defer c.Close()
	return decodeItem(v)
}

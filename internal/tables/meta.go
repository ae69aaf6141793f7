package tables

import (
	"encoding/json"
	"fmt"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// KeyAttr is one key attribute: its name and scalar type (S, N or B).
type KeyAttr struct {
	Name string    `json:"name"`
	Type attr.Type `json:"type"`
}

// KeySchema is a table's or index's primary key: a partition (HASH) key
// and an optional sort (RANGE) key (Range.Name is "" when there is none).
type KeySchema struct {
	Hash  KeyAttr `json:"hash"`
	Range KeyAttr `json:"range"`
}

// HasRange reports whether the key has a sort key.
func (k KeySchema) HasRange() bool { return k.Range.Name != "" }

// Projection is which attributes an index holds: ALL, KEYS_ONLY, or
// INCLUDE with NonKey.
type Projection struct {
	Type   string   `json:"type"`
	NonKey []string `json:"non_key,omitempty"`
}

// Projection types.
const (
	ProjectAll      = "ALL"
	ProjectKeysOnly = "KEYS_ONLY"
	ProjectInclude  = "INCLUDE"
)

// Throughput is provisioned capacity (kept and reported, not enforced).
type Throughput struct {
	Read  int64 `json:"read"`
	Write int64 `json:"write"`
	// LastIncreaseMs and LastDecreaseMs are when it last changed.
	LastIncreaseMs int64 `json:"last_increase_ms,omitempty"`
	LastDecreaseMs int64 `json:"last_decrease_ms,omitempty"`
	Decreases      int64 `json:"decreases,omitempty"`
}

// Index is a secondary index.
type Index struct {
	Name       string     `json:"name"`
	Local      bool       `json:"local"` // LSI: same partition key as the table
	Num        uint16     `json:"num"`   // its key space; never reused within a table
	Key        KeySchema  `json:"key"`
	Projection Projection `json:"projection"`
	Throughput Throughput `json:"throughput"`
	// Backfilling is true while a GSI added by UpdateTable is being filled
	// from the table's existing items (status CREATING).
	Backfilling bool `json:"backfilling,omitempty"`
	// CreatedMs is when the index was created.
	CreatedMs int64 `json:"created_ms"`
}

// Table is a table's durable definition. A *Table obtained from the Store
// is immutable: changes publish a new one.
type Table struct {
	ID        uint64          `json:"id"`
	Name      string          `json:"name"`
	Key       KeySchema       `json:"key"`
	AttrDefs  []KeyAttr       `json:"attr_defs"`
	Indexes   []Index         `json:"indexes,omitempty"`
	Billing   string          `json:"billing"` // PROVISIONED or PAY_PER_REQUEST
	Through   Throughput      `json:"throughput"`
	Tags      []Tag           `json:"tags,omitempty"`
	TTL       TTLSpec         `json:"ttl"`
	Stream    json.RawMessage `json:"stream,omitempty"` // StreamSpecification as given, for change capture
	CreatedMs int64           `json:"created_ms"`
	// ReadyMs is when the table turns ACTIVE (CREATING before).
	ReadyMs int64 `json:"ready_ms"`
	// UpdatingUntilMs: the table is UPDATING until then after UpdateTable.
	UpdatingUntilMs int64 `json:"updating_until_ms,omitempty"`
	// NextIndexNum is the next index key space.
	NextIndexNum uint16 `json:"next_index_num"`
	// Extra is a place for later features' settings (change capture
	// destinations), kept verbatim.
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// TTLSpec is the table's time-to-live setting.
type TTLSpec struct {
	Enabled   bool   `json:"enabled"`
	Attribute string `json:"attribute,omitempty"`
}

// Table statuses.
const (
	StatusCreating = "CREATING"
	StatusActive   = "ACTIVE"
	StatusUpdating = "UPDATING"
	StatusDeleting = "DELETING"
)

// Status is the table's status at nowMs.
func (t *Table) Status(nowMs int64) string {
	switch {
	case nowMs < t.ReadyMs:
		return StatusCreating
	case nowMs < t.UpdatingUntilMs:
		return StatusUpdating
	}
	return StatusActive
}

// Index returns the index named name, or nil.
func (t *Table) Index(name string) *Index {
	for i := range t.Indexes {
		if t.Indexes[i].Name == name {
			return &t.Indexes[i]
		}
	}
	return nil
}

// clone returns a deep-enough copy of t to change and publish.
func (t *Table) clone() *Table {
	c := *t
	c.AttrDefs = append([]KeyAttr(nil), t.AttrDefs...)
	c.Indexes = append([]Index(nil), t.Indexes...)
	c.Tags = append([]Tag(nil), t.Tags...)
	if t.Extra != nil {
		c.Extra = make(map[string]json.RawMessage, len(t.Extra))
		for k, v := range t.Extra {
			c.Extra[k] = v
		}
	}
	return &c
}

func (t *Table) encode() ([]byte, error) {
	b, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("tables: encode %s: %w", t.Name, err)
	}
	return b, nil
}

func decodeTable(b []byte) (*Table, error) {
	var t Table
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("tables: corrupt table metadata: %w", err)
	}
	return &t, nil
}

// KeyOf returns the primary-key attributes of item under schema k, and
// whether item has all of them with the schema's types.
func (k KeySchema) KeyOf(item attr.Item) (attr.Item, bool) {
	h, ok := item[k.Hash.Name]
	if !ok || h.T != k.Hash.Type {
		return nil, false
	}
	key := attr.Item{k.Hash.Name: h}
	if k.HasRange() {
		r, ok := item[k.Range.Name]
		if !ok || r.T != k.Range.Type {
			return nil, false
		}
		key[k.Range.Name] = r
	}
	return key, true
}

// appendKey appends the encoded key of item under k (it must have it).
func (k KeySchema) appendKey(b []byte, item attr.Item) []byte {
	b = appendKeyValue(b, item[k.Hash.Name])
	if k.HasRange() {
		b = appendKeyValue(b, item[k.Range.Name])
	}
	return b
}

// baseKey is the Pebble key of the item with primary key key.
func (t *Table) baseKey(key attr.Item) []byte {
	return t.Key.appendKey(spanPrefix(t.ID, 0), key)
}

// indexKey is the Pebble key of item's entry in ix, and false when item is
// not in the index (it lacks the index key, or has it with another type:
// indexes are sparse).
func (t *Table) indexKey(ix *Index, item attr.Item) ([]byte, bool) {
	if _, ok := ix.Key.KeyOf(item); !ok {
		return nil, false
	}
	b := ix.Key.appendKey(spanPrefix(t.ID, ix.Num), item)
	return t.Key.appendKey(b, item), true
}

// project returns what ix holds of item: its table and index keys, and the
// projected attributes.
func (t *Table) project(ix *Index, item attr.Item) attr.Item {
	if ix.Projection.Type == ProjectAll {
		return item
	}
	out := attr.Item{}
	for _, n := range []string{t.Key.Hash.Name, t.Key.Range.Name, ix.Key.Hash.Name, ix.Key.Range.Name} {
		if v, ok := item[n]; ok && n != "" {
			out[n] = v
		}
	}
	for _, n := range ix.Projection.NonKey {
		if v, ok := item[n]; ok {
			out[n] = v
		}
	}
	return out
}

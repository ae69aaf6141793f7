package tables

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/blueshift-dev/blueshift/internal/obs"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// Error kinds; the API maps them to DynamoDB's exceptions.
var (
	ErrTableNotFound = errors.New("table not found")
	ErrTableExists   = errors.New("table already exists")
	ErrTableBusy     = errors.New("table is not ACTIVE")
	ErrIndexNotFound = errors.New("index not found")
)

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// Logger receives the store's events. Nil discards them.
	Logger *slog.Logger
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// TransitionDelay is how long a new table stays CREATING (and an
	// updated one UPDATING). Zero means at once.
	TransitionDelay time.Duration
	// TTLInterval is how often Run looks for expired items. Zero means 5 s.
	TTLInterval time.Duration
	// Capture, when set, is called inside every write (see Capture).
	Capture Capture
}

// Capture turns a write's changes into stream appends committed in the
// same batch as the write (change capture). It runs with the write's keys
// locked, so a key's changes reach it in commit order. An error refuses
// the whole write.
type Capture func(changes []Change) ([]streamlog.StreamAppend, error)

// Change is one item's change in a write: Old is nil for an insert, New is
// nil for a delete. TTL is true for a deletion by time to live.
type Change struct {
	Table    *Table
	Key      attr.Item
	Old, New attr.Item
	TTL      bool
}

// Store holds every table. All methods are safe for concurrent use.
type Store struct {
	log   *slog.Logger
	sl    *streamlog.Log
	db    *pebble.DB
	opts  Options
	locks [lockStripes]sync.Mutex

	// metaMu serializes changes to table definitions.
	metaMu sync.Mutex
	mu     sync.RWMutex
	tables map[string]*tableState
	nextID uint64 // guarded by metaMu
}

// tableState is a live table: its published definition and counters.
type tableState struct {
	def     atomic.Pointer[Table]
	deleted atomic.Bool
	count   atomic.Int64
	bytes   atomic.Int64
	// writes counts the items written (put, changed or deleted, TTL
	// included) since the store opened.
	writes atomic.Int64
}

// Open opens the tables stored in sl's database.
func Open(sl *streamlog.Log, o Options) (*Store, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TTLInterval <= 0 {
		o.TTLInterval = 5 * time.Second
	}
	s := &Store{log: obs.Logger(o.Logger).With("component", "tables"), sl: sl, db: sl.DB(), opts: o, tables: map[string]*tableState{}, nextID: 1}
	if v, c, err := s.db.Get(keyNextTableID); err == nil {
		s.nextID = binary.BigEndian.Uint64(v)
		_ = c.Close()
	} else if !errors.Is(err, pebble.ErrNotFound) {
		return nil, fmt.Errorf("tables: open: %w", err)
	}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixMeta), UpperBound: prefixEnd([]byte(prefixMeta))})
	if err != nil {
		return nil, fmt.Errorf("tables: open: %w", err)
	}
	for it.First(); it.Valid(); it.Next() {
		t, err := decodeTable(it.Value())
		if err != nil {
			_ = it.Close()
			return nil, err
		}
		ts := &tableState{}
		ts.def.Store(t)
		s.tables[t.Name] = ts
		s.nextID = max(s.nextID, t.ID+1)
	}
	if err := it.Close(); err != nil {
		return nil, fmt.Errorf("tables: open: %w", err)
	}
	for _, ts := range s.tables {
		if err := s.countItems(ts); err != nil {
			return nil, err
		}
	}
	s.log.Info("tables open", "tables", len(s.tables))
	return s, nil
}

// countItems counts a table's items and bytes from disk.
func (s *Store) countItems(ts *tableState) error {
	t := ts.def.Load()
	p := spanPrefix(t.ID, 0)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: p, UpperBound: prefixEnd(p)})
	if err != nil {
		return fmt.Errorf("tables: count %s: %w", t.Name, err)
	}
	var n, size int64
	for it.First(); it.Valid(); it.Next() {
		sz, _ := binary.Uvarint(it.Value())
		n++
		size += int64(sz)
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("tables: count %s: %w", t.Name, err)
	}
	ts.count.Store(n)
	ts.bytes.Store(size)
	for _, ix := range t.Indexes {
		if ix.Backfilling {
			go s.backfill(context.Background(), t.Name, ix.Name)
		}
	}
	return nil
}

func (s *Store) nowMs() int64 { return s.opts.Now().UnixMilli() }

func (s *Store) state(name string) (*tableState, error) {
	s.mu.RLock()
	ts, ok := s.tables[name]
	s.mu.RUnlock()
	if !ok || ts.deleted.Load() {
		return nil, fmt.Errorf("%w: %s", ErrTableNotFound, name)
	}
	return ts, nil
}

// Describe returns a table's definition and its item count and size.
func (s *Store) Describe(name string) (t *Table, items, bytes int64, err error) {
	ts, err := s.state(name)
	if err != nil {
		return nil, 0, 0, err
	}
	return ts.def.Load(), ts.count.Load(), ts.bytes.Load(), nil
}

// Writes returns how many items of the table were written (put, changed or
// deleted, expiry included) since the store opened: a counter for rates,
// kept in memory only.
func (s *Store) Writes(name string) (int64, error) {
	ts, err := s.state(name)
	if err != nil {
		return 0, err
	}
	return ts.writes.Load(), nil
}

// Table returns a table's definition.
func (s *Store) Table(name string) (*Table, error) {
	ts, err := s.state(name)
	if err != nil {
		return nil, err
	}
	return ts.def.Load(), nil
}

// List returns every table's name, sorted.
func (s *Store) List() []string {
	s.mu.RLock()
	names := make([]string, 0, len(s.tables))
	for n, ts := range s.tables {
		if !ts.deleted.Load() {
			names = append(names, n)
		}
	}
	s.mu.RUnlock()
	sort.Strings(names)
	return names
}

// Create creates table t (its ID, times and index numbers are assigned
// here) and returns the stored definition.
func (s *Store) Create(ctx context.Context, t *Table) (*Table, error) {
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	s.mu.RLock()
	_, exists := s.tables[t.Name]
	s.mu.RUnlock()
	if exists {
		return nil, fmt.Errorf("%w: %s", ErrTableExists, t.Name)
	}
	t = t.clone()
	t.ID = s.nextID
	now := s.nowMs()
	t.CreatedMs = now
	t.ReadyMs = now + s.opts.TransitionDelay.Milliseconds()
	t.NextIndexNum = 1
	for i := range t.Indexes {
		t.Indexes[i].Num = t.NextIndexNum
		t.Indexes[i].CreatedMs = now
		t.NextIndexNum++
	}
	b := s.db.NewBatch()
	defer b.Close()
	if err := s.putMeta(b, t); err != nil {
		return nil, err
	}
	if err := b.Set(keyNextTableID, binary.BigEndian.AppendUint64(nil, t.ID+1), nil); err != nil {
		return nil, fmt.Errorf("tables: create %s: %w", t.Name, err)
	}
	if err := s.sl.Commit(ctx, b, nil); err != nil {
		return nil, fmt.Errorf("tables: create %s: %w", t.Name, err)
	}
	s.nextID = t.ID + 1
	ts := &tableState{}
	ts.def.Store(t)
	s.mu.Lock()
	s.tables[t.Name] = ts
	s.mu.Unlock()
	return t, nil
}

func (s *Store) putMeta(b *pebble.Batch, t *Table) error {
	v, err := t.encode()
	if err != nil {
		return err
	}
	if err := b.Set(metaKey(t.Name), v, nil); err != nil {
		return fmt.Errorf("tables: %s: %w", t.Name, err)
	}
	return nil
}

// Delete deletes a table and all its items, and returns its last
// definition and counts.
func (s *Store) Delete(ctx context.Context, name string) (t *Table, items, bytes int64, err error) {
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	ts, err := s.state(name)
	if err != nil {
		return nil, 0, 0, err
	}
	t = ts.def.Load()
	if t.Status(s.nowMs()) == StatusCreating {
		return nil, 0, 0, fmt.Errorf("%w: %s is %s", ErrTableBusy, name, StatusCreating)
	}
	b := s.db.NewBatch()
	defer b.Close()
	start, end := tableSpan(t.ID)
	if err := b.DeleteRange(start, end, nil); err != nil {
		return nil, 0, 0, fmt.Errorf("tables: delete %s: %w", name, err)
	}
	if err := b.Delete(metaKey(name), nil); err != nil {
		return nil, 0, 0, fmt.Errorf("tables: delete %s: %w", name, err)
	}
	if err := s.sl.Commit(ctx, b, nil); err != nil {
		return nil, 0, 0, fmt.Errorf("tables: delete %s: %w", name, err)
	}
	ts.deleted.Store(true)
	s.mu.Lock()
	delete(s.tables, name)
	s.mu.Unlock()
	return t, ts.count.Load(), ts.bytes.Load(), nil
}

// Update changes a table's definition with fn (which gets a copy to
// change, and may refuse with an error) and stores the result. Indexes fn
// adds (Num 0) get a key space and are backfilled from the table's items
// in the background, CREATING until done; the entries of indexes fn
// removes are deleted.
func (s *Store) Update(ctx context.Context, name string, fn func(t *Table) error) (*Table, error) {
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	ts, err := s.state(name)
	if err != nil {
		return nil, err
	}
	old := ts.def.Load()
	t := old.clone()
	if err := fn(t); err != nil {
		return nil, err
	}
	now := s.nowMs()
	var added []string
	for i := range t.Indexes {
		if t.Indexes[i].Num == 0 {
			t.Indexes[i].Num = t.NextIndexNum
			t.NextIndexNum++
			t.Indexes[i].Backfilling = true
			t.Indexes[i].CreatedMs = now
			added = append(added, t.Indexes[i].Name)
		}
	}
	b := s.db.NewBatch()
	defer b.Close()
	for _, ix := range old.Indexes {
		if t.Index(ix.Name) == nil {
			p := spanPrefix(t.ID, ix.Num)
			if err := b.DeleteRange(p, prefixEnd(p), nil); err != nil {
				return nil, fmt.Errorf("tables: update %s: %w", name, err)
			}
		}
	}
	if err := s.putMeta(b, t); err != nil {
		return nil, err
	}
	// Publish under every key lock, so no write in flight uses the old
	// index set after the new one is stored.
	s.lockAll()
	err = s.sl.Commit(ctx, b, nil)
	if err == nil {
		ts.def.Store(t)
	}
	s.unlockAll()
	if err != nil {
		return nil, fmt.Errorf("tables: update %s: %w", name, err)
	}
	for _, ix := range added {
		go s.backfill(context.WithoutCancel(ctx), name, ix)
	}
	return t, nil
}

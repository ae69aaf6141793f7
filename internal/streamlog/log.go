package streamlog

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/blueshift-dev/blueshift/internal/obs"
)

// Options configure a Log. The zero value is ready to use.
type Options struct {
	// Logger receives the log's events (and Pebble's). Nil discards them.
	Logger *slog.Logger
	// Registerer receives the log's metrics. Nil means a throwaway registry.
	Registerer prometheus.Registerer
	// Now is the clock for arrival timestamps and retention. Nil means time.Now.
	Now func() time.Time
	// FS is the file system for Pebble. Nil means the operating system's;
	// tests may pass vfs.NewMem().
	FS vfs.FS
	// TransitionDelay is how long a stream stays CREATING after creation,
	// UPDATING after a reshard and DELETING after deletion before it turns
	// ACTIVE (or disappears). Zero means at once.
	TransitionDelay time.Duration
	// TrimInterval is how often Run removes records past retention. Zero
	// means one minute.
	TrimInterval time.Duration
	// OnDemandShards is the shard count of an ON_DEMAND stream. Zero means 4.
	OnDemandShards int
	// MaxShards bounds the open shards of one stream. Zero means 1024.
	MaxShards int
	// ResumeFreeBytes is the free space the disk must have again before
	// writes that found it full go on (ErrDiskFull). Zero means 16 MiB.
	ResumeFreeBytes int64
}

// Log is the durable stream store: a set of named streams, each a set of
// shards, on one Pebble database. All methods are safe for concurrent use.
type Log struct {
	dir    string
	open   atomic.Bool // set once Open has recovered the log: a full disk is waited out
	db     *pebble.DB
	log    *slog.Logger
	now    func() time.Time
	opts   Options
	m      *metrics
	ops    chan *op
	quit   chan struct{} // closed by Close
	wdone  chan struct{} // closed when the writer goroutine exits
	closeO sync.Once

	mu struct {
		sync.RWMutex
		byName   map[string]*stream
		deleting map[string]deletingStream
		failed   error // set when a commit failed: the log refuses all further writes
		diskFull bool  // set while a write waits for disk space: new writes are refused
	}

	// writer-owned: only the writer goroutine touches w.
	w writerState
}

type deletingStream struct {
	info    StreamInfo
	untilMs int64
}

// stream is one stream's in-memory state.
type stream struct {
	id   uint64
	name string
	meta atomicMeta // published metadata, immutable

	// Guarded by notifyMu.
	notifyMu sync.Mutex
	notify   chan struct{}

	// Writer-owned.
	pending       *streamMeta // the newest metadata, published after its commit
	nextSeq       Seq
	lastArrivalMs int64
	routes        []route // open shards of pending, by hash-key start
}

type route struct {
	start, end HashKey
	shard      *shardMeta
}

type writerState struct {
	streams      map[uint64]*stream
	nextStreamID uint64
	buf          []byte
}

// Open opens (creating if needed) the log in dir. It recovers every stream's
// sequence counter and visible positions from what is on disk, and starts
// the writer. Close releases it; Run trims records past retention.
func Open(dir string, opts Options) (*Log, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TrimInterval <= 0 {
		opts.TrimInterval = time.Minute
	}
	if opts.OnDemandShards <= 0 {
		opts.OnDemandShards = 4
	}
	if opts.MaxShards <= 0 {
		opts.MaxShards = 1024
	}
	if opts.ResumeFreeBytes <= 0 {
		opts.ResumeFreeBytes = defaultResumeFreeBytes
	}
	fs := opts.FS
	if fs == nil {
		fs = vfs.Default
	}
	l := &Log{
		dir: dir, log: obs.Logger(opts.Logger).With("component", "streamlog"), now: opts.Now, opts: opts,
		ops: make(chan *op, 1024), quit: make(chan struct{}), wdone: make(chan struct{}),
	}
	l.m = newMetrics(obs.Registerer(opts.Registerer))
	l.mu.byName = map[string]*stream{}
	l.mu.deleting = map[string]deletingStream{}
	l.w.streams = map[uint64]*stream{}

	po := &pebble.Options{
		Logger: pebbleLogger{l.log}, FS: l.diskFullFS(fs),
		// Streams write sequentially at high rates: large memtables mean
		// fewer flushes and less L0 churn competing with the WAL's fsyncs.
		MemTableSize:                64 << 20,
		MemTableStopWritesThreshold: 4,
		L0CompactionThreshold:       4,
		L0StopWritesThreshold:       24,
	}
	db, err := pebble.Open(dir, po)
	if errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EAGAIN) {
		// Pebble's LOCK file is held: say so, rather than "resource
		// temporarily unavailable".
		return nil, fmt.Errorf("streamlog: open %s: in use by another process (another blueshift on the same data directory?): %w", dir, err)
	}
	if err != nil {
		return nil, fmt.Errorf("streamlog: open %s: %w", dir, err)
	}
	l.db = db
	if err := l.recover(); err != nil {
		_ = db.Close()
		return nil, err
	}
	l.open.Store(true)
	go l.writer()
	return l, nil
}

// DB returns the Pebble database, for packages that must write in the same
// atomic batch as the log (tables). They must keep to keys that do not start
// with 's'.
func (l *Log) DB() *pebble.DB { return l.db }

// Close stops the writer (pending operations fail with ErrClosed) and
// closes the database.
func (l *Log) Close() error {
	var err error
	l.closeO.Do(func() {
		close(l.quit)
		<-l.wdone
		err = l.db.Close()
	})
	if err != nil {
		return fmt.Errorf("streamlog: close: %w", err)
	}
	return nil
}

// recover loads every stream's metadata and computes the writer state.
func (l *Log) recover() error {
	if v, closer, err := l.db.Get(keyNextStreamID); err == nil {
		l.w.nextStreamID = binary.BigEndian.Uint64(v)
		_ = closer.Close()
	} else if !errors.Is(err, pebble.ErrNotFound) {
		return fmt.Errorf("streamlog: recover: %w", err)
	}
	if l.w.nextStreamID == 0 {
		l.w.nextStreamID = 1
	}
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixMeta), UpperBound: []byte(prefixMeta + "\xff")})
	if err != nil {
		return fmt.Errorf("streamlog: recover: %w", err)
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		m, err := decodeMeta(it.Value())
		if err != nil {
			return err
		}
		st, err := l.recoverStream(m)
		if err != nil {
			return err
		}
		l.w.streams[m.ID] = st
		l.mu.byName[m.Name] = st
		if m.ID >= l.w.nextStreamID {
			l.w.nextStreamID = m.ID + 1
		}
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("streamlog: recover: %w", err)
	}
	l.log.Info("stream log open", "streams", len(l.w.streams))
	return nil
}

func (l *Log) recoverStream(m *streamMeta) (*stream, error) {
	st := &stream{id: m.ID, name: m.Name, notify: make(chan struct{}), pending: m}
	st.nextSeq = Seq(m.ID << seqBits)
	if v, closer, err := l.db.Get(idKey(prefixNextSeq, m.ID)); err == nil {
		st.nextSeq = max(st.nextSeq, Seq(binary.BigEndian.Uint64(v)))
		_ = closer.Close()
	} else if !errors.Is(err, pebble.ErrNotFound) {
		return nil, fmt.Errorf("streamlog: recover stream %q: %w", m.Name, err)
	}
	format := m.recordFormat()
	for _, s := range m.Shards {
		last := max(s.StartSeq-1, s.TrimmedThrough)
		ord := s.TrimmedOrdinal
		lower := appendRecordKey(nil, m.ID, s.Num, 0)
		upper := appendRecordKey(nil, m.ID, s.Num+1, 0)
		it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
		if err != nil {
			return nil, fmt.Errorf("streamlog: recover stream %q: %w", m.Name, err)
		}
		if it.Last() {
			seq, err := decodeRecordKey(it.Key())
			if err != nil {
				_ = it.Close()
				return nil, err
			}
			last = max(last, seq)
			ms, o, _, _, err := decodeRecordValue(it.Value(), format)
			if err != nil {
				_ = it.Close()
				return nil, fmt.Errorf("streamlog: recover stream %q: %w", m.Name, err)
			}
			st.lastArrivalMs = max(st.lastArrivalMs, ms)
			ord = max(ord, o)
		}
		if err := it.Close(); err != nil {
			return nil, fmt.Errorf("streamlog: recover stream %q: %w", m.Name, err)
		}
		s.live.publish(last, ord)
		s.live.nextOrd = ord + 1
		st.nextSeq = max(st.nextSeq, last+1)
		if s.Closed {
			st.nextSeq = max(st.nextSeq, s.EndSeq+1)
		}
	}
	st.meta.Store(m)
	st.rebuildRoutes()
	return st, nil
}

func (st *stream) rebuildRoutes() {
	st.routes = st.routes[:0]
	for _, s := range st.pending.Shards {
		if !s.Closed {
			st.routes = append(st.routes, route{s.HashStart, s.HashEnd, s})
		}
	}
	sort.Slice(st.routes, func(i, j int) bool { return st.routes[i].start.Cmp(st.routes[j].start) < 0 })
}

// route returns the open shard owning hash key h.
func (st *stream) route(h HashKey) *shardMeta {
	i := sort.Search(len(st.routes), func(i int) bool { return st.routes[i].end.Cmp(h) >= 0 })
	if i < len(st.routes) && st.routes[i].start.Cmp(h) <= 0 {
		return st.routes[i].shard
	}
	return nil // the open shards always cover the whole space
}

// lookup returns the published stream named name (or with that ARN's name).
func (l *Log) lookup(name string) (*stream, error) {
	l.mu.RLock()
	st, ok := l.mu.byName[name]
	l.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrStreamNotFound, name)
	}
	return st, nil
}

// Describe returns a stream's description, with every shard. A stream being
// deleted is reported with status DELETING until it is gone.
func (l *Log) Describe(ctx context.Context, name string) (StreamInfo, error) {
	if err := ctx.Err(); err != nil {
		return StreamInfo{}, err
	}
	nowMs := l.now().UnixMilli()
	l.mu.RLock()
	st, ok := l.mu.byName[name]
	d, deleting := l.mu.deleting[name]
	l.mu.RUnlock()
	if ok {
		return st.meta.Load().info(nowMs), nil
	}
	if deleting && nowMs < d.untilMs {
		return d.info, nil
	}
	return StreamInfo{}, fmt.Errorf("%w: %s", ErrStreamNotFound, name)
}

// Streams lists the names of all streams but internal ones, sorted,
// including those being deleted until they are gone.
func (l *Log) Streams(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	nowMs := l.now().UnixMilli()
	l.mu.RLock()
	names := make([]string, 0, len(l.mu.byName)+len(l.mu.deleting))
	for n := range l.mu.byName {
		if !IsInternal(n) {
			names = append(names, n)
		}
	}
	for n, d := range l.mu.deleting {
		if _, dup := l.mu.byName[n]; !dup && nowMs < d.untilMs && !IsInternal(n) {
			names = append(names, n)
		}
	}
	l.mu.RUnlock()
	slices.Sort(names)
	return names, nil
}

// InternalStreams lists the names of the internal streams
// (CreateOptions.Internal), sorted.
func (l *Log) InternalStreams(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.RLock()
	var names []string
	for n := range l.mu.byName {
		if IsInternal(n) {
			names = append(names, n)
		}
	}
	l.mu.RUnlock()
	slices.Sort(names)
	return names, nil
}

// Watch returns a channel that is closed at the stream's next change: new
// records, a reshard, a trim or deletion. Take the channel before reading,
// read until caught up, then wait on it: no wake-up is lost that way.
func (l *Log) Watch(name string) (<-chan struct{}, error) {
	st, err := l.lookup(name)
	if err != nil {
		return nil, err
	}
	st.notifyMu.Lock()
	defer st.notifyMu.Unlock()
	return st.notify, nil
}

func (st *stream) wake() {
	st.notifyMu.Lock()
	close(st.notify)
	st.notify = make(chan struct{})
	st.notifyMu.Unlock()
}

// pebbleLogger sends Pebble's messages to slog.
type pebbleLogger struct{ l *slog.Logger }

// Infof logs Pebble's routine messages at debug level.
func (p pebbleLogger) Infof(format string, args ...any) {
	p.l.Debug(fmt.Sprintf(format, args...), "source", "pebble")
}

// Errorf logs Pebble's errors.
func (p pebbleLogger) Errorf(format string, args ...any) {
	p.l.Error(fmt.Sprintf(format, args...), "source", "pebble")
}

// Fatalf logs and panics, as Pebble expects of a fatal error.
func (p pebbleLogger) Fatalf(format string, args ...any) {
	p.l.Error(fmt.Sprintf(format, args...), "source", "pebble")
	panic(fmt.Sprintf(format, args...))
}

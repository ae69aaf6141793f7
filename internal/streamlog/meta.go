package streamlog

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Stream modes.
const (
	ModeProvisioned = "PROVISIONED"
	ModeOnDemand    = "ON_DEMAND"
)

// Encryption types, as Kinesis reports them.
const (
	EncryptionNone = "NONE"
	EncryptionKMS  = "KMS"
)

// Stream statuses, as Kinesis reports them.
const (
	StatusCreating = "CREATING"
	StatusActive   = "ACTIVE"
	StatusUpdating = "UPDATING"
	StatusDeleting = "DELETING"
)

// Retention bounds, in hours, as Kinesis has them.
const (
	MinRetentionHours     = 24
	MaxRetentionHours     = 8760
	DefaultRetentionHours = 24
)

// seqBits is how many low bits of a sequence number count records within
// one stream; the bits above hold the stream's id, so that numbers are
// unique across streams (and across a stream deleted and created again).
const seqBits = 44

// streamMeta is a stream's persisted description. Published copies are
// immutable: the writer clones before changing one.
type streamMeta struct {
	ID             uint64            `json:"id"`
	Name           string            `json:"name"`
	CreatedMs      int64             `json:"created_ms"`
	RetentionHours int               `json:"retention_hours"`
	Mode           string            `json:"mode"`
	Status         string            `json:"status"`          // CREATING, ACTIVE or UPDATING
	StatusUntilMs  int64             `json:"status_until_ms"` // when CREATING/UPDATING turns ACTIVE
	NextShard      uint32            `json:"next_shard"`
	Shards         []*shardMeta      `json:"shards"` // in shard-number order
	Tags           map[string]string `json:"tags,omitempty"`
	// RecordFormat is the layout of the stream's record values (see
	// keys.go): 0 (absent) means format 1.
	RecordFormat int `json:"record_format,omitempty"`
	// EncryptionType is KMS when encryption was started, and KeyID the key
	// it names; absent means NONE. The log records them; it does not encrypt.
	EncryptionType string `json:"encryption_type,omitempty"`
	KeyID          string `json:"key_id,omitempty"`
	// Consumers are the stream's registered (enhanced fan-out) consumers,
	// in registration order.
	Consumers []consumerMeta `json:"consumers,omitempty"`
	// ShardLevelMetrics are the enhanced monitoring metrics enabled, sorted.
	ShardLevelMetrics []string `json:"shard_level_metrics,omitempty"`
	// Policy is the stream's resource policy document; empty means none.
	Policy string `json:"policy,omitempty"`
	// MaxRecordSizeKiB is the largest record the stream takes; 0 means
	// DefaultMaxRecordSizeKiB.
	MaxRecordSizeKiB int `json:"max_record_size_kib,omitempty"`
	// WarmThroughputMiBps is the warm throughput asked for; 0 means none.
	WarmThroughputMiBps int `json:"warm_throughput_mibps,omitempty"`
}

// consumerMeta is a registered consumer's persisted description.
type consumerMeta struct {
	Name      string `json:"name"`
	CreatedMs int64  `json:"created_ms"`
	// ActiveMs is when the consumer turns from CREATING to ACTIVE.
	ActiveMs int64 `json:"active_ms"`
	// Tags and Policy are the consumer's own tags and resource policy.
	// A change replaces the map (published copies share it).
	Tags   map[string]string `json:"tags,omitempty"`
	Policy string            `json:"policy,omitempty"`
}

// recordFormat returns the stream's record value format.
func (m *streamMeta) recordFormat() int {
	if m.RecordFormat == 0 {
		return recordFormatV1
	}
	return m.RecordFormat
}

// shardMeta is one shard's persisted description.
type shardMeta struct {
	Num            uint32  `json:"num"`
	Parent         int64   `json:"parent"`          // -1: none
	AdjacentParent int64   `json:"adjacent_parent"` // -1: none
	HashStart      HashKey `json:"hash_start"`
	HashEnd        HashKey `json:"hash_end"`
	StartSeq       Seq     `json:"start_seq"`
	EndSeq         Seq     `json:"end_seq"` // set when closed; no record has it
	Closed         bool    `json:"closed"`
	CreatedMs      int64   `json:"created_ms"`
	ClosedMs       int64   `json:"closed_ms,omitempty"`
	TrimmedThrough Seq     `json:"trimmed_through,omitempty"` // highest sequence number removed by retention
	// TrimmedOrdinal is the ordinal of the record at TrimmedThrough, so
	// ordinals go on after a restart when retention removed every record.
	TrimmedOrdinal uint64 `json:"trimmed_ordinal,omitempty"`

	live *shardLive // shared by every copy of this shard's metadata
}

// shardLive is the part of a shard that changes with every append.
type shardLive struct {
	// head is the last record readers may see in the shard, replaced (never
	// changed) after each durable append.
	head atomic.Pointer[shardHead]
	// trimmed mirrors TrimmedThrough, raised by retention before the
	// removal becomes visible, so a reader that misses records knows why.
	trimmed atomic.Uint64
	// nextOrd is the ordinal the shard's next record gets. Writer-owned.
	nextOrd uint64
}

// shardHead is a shard's visible end: one value, so a reader sees a
// sequence number and its ordinal that belong together.
type shardHead struct {
	// seq is the highest sequence number readers may see in the shard: the
	// last durable record, or StartSeq-1 when there is none yet (or the
	// highest trimmed one when retention removed them all).
	seq Seq
	// ord is the ordinal of the record at seq: how many records the shard
	// ever had (format 2; 0 in format 1, which has no ordinals).
	ord uint64
}

// last returns the highest sequence number readers may see in the shard.
func (l *shardLive) last() Seq { return l.head.Load().seq }

// publish makes seq (with ordinal ord) the shard's visible end.
func (l *shardLive) publish(seq Seq, ord uint64) { l.head.Store(&shardHead{seq: seq, ord: ord}) }

func (m *streamMeta) clone() *streamMeta {
	c := *m
	c.Shards = make([]*shardMeta, len(m.Shards))
	for i, s := range m.Shards {
		sc := *s
		c.Shards[i] = &sc
	}
	c.Tags = maps.Clone(m.Tags)
	c.Consumers = slices.Clone(m.Consumers)
	c.ShardLevelMetrics = slices.Clone(m.ShardLevelMetrics)
	return &c
}

func (m *streamMeta) shard(num uint32) *shardMeta {
	// Shard numbers are dense from 0 and Shards is in number order.
	if int(num) < len(m.Shards) && m.Shards[num].Num == num {
		return m.Shards[num]
	}
	return nil
}

func (m *streamMeta) status(nowMs int64) string {
	if (m.Status == StatusCreating || m.Status == StatusUpdating) && nowMs >= m.StatusUntilMs {
		return StatusActive
	}
	return m.Status
}

func (m *streamMeta) openShards() int {
	n := 0
	for _, s := range m.Shards {
		if !s.Closed {
			n++
		}
	}
	return n
}

func (m *streamMeta) encode() []byte {
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("streamlog: encode metadata: %v", err)) // plain data, cannot fail
	}
	return b
}

func decodeMeta(b []byte) (*streamMeta, error) {
	var m streamMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("streamlog: decode stream metadata: %w", err)
	}
	if m.RecordFormat < 0 || m.RecordFormat > recordFormatNewest {
		return nil, fmt.Errorf("streamlog: stream %q: record format %d is newer than this version reads (up to %d)", m.Name, m.RecordFormat, recordFormatNewest)
	}
	for i, s := range m.Shards {
		if s.Num != uint32(i) {
			return nil, fmt.Errorf("streamlog: stream %q: shard %d stored at position %d", m.Name, s.Num, i)
		}
		s.live = &shardLive{}
		s.live.trimmed.Store(uint64(s.TrimmedThrough))
	}
	return &m, nil
}

// MarshalText writes a hash key in decimal, for the metadata JSON.
func (h HashKey) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads a decimal hash key.
func (h *HashKey) UnmarshalText(b []byte) error {
	k, err := ParseHashKey(string(b))
	if err != nil {
		return err
	}
	*h = k
	return nil
}

// ShardID returns the Kinesis shard ID of shard number num: "shardId-" and
// the number zero-padded to 12 digits.
func ShardID(num uint32) string {
	return string(AppendShardID(make([]byte, 0, 20), num))
}

// AppendShardID appends ShardID(num) to b.
func AppendShardID(b []byte, num uint32) []byte {
	b = append(b, "shardId-"...)
	var d [12]byte
	v := num
	for i := 11; i >= 0; i-- {
		d[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, d[:]...)
}

// ParseShardID returns the shard number of a shard ID made by ShardID. It
// also accepts the number alone, as Kinesis does.
func ParseShardID(id string) (uint32, error) {
	s := strings.TrimPrefix(id, "shardId-")
	if s == "" || len(s) > 12 {
		return 0, fmt.Errorf("%w: shard id %q", ErrShardNotFound, id)
	}
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: shard id %q", ErrShardNotFound, id)
	}
	return uint32(v), nil
}

// StreamInfo describes a stream at one moment.
type StreamInfo struct {
	// ID identifies this incarnation of the stream: a stream deleted and
	// created again under the same name gets a new ID.
	ID             uint64
	Name           string
	Status         string // CREATING, ACTIVE, UPDATING or DELETING
	Mode           string // PROVISIONED or ON_DEMAND
	RetentionHours int
	Created        time.Time
	// Shards lists every shard, open and closed, in shard-number order
	// (which is creation order: parents come before their children).
	Shards []ShardInfo
	// OpenShards is how many shards accept writes.
	OpenShards int
	Tags       map[string]string
	// EncryptionType is NONE or KMS, and KeyID the KMS key of a KMS stream:
	// what SetEncryption recorded (records are not encrypted by it).
	EncryptionType string
	KeyID          string
	// Consumers lists the registered consumers in registration order.
	Consumers []ConsumerInfo
	// ShardLevelMetrics are the enhanced monitoring metrics enabled, sorted.
	ShardLevelMetrics []string
	// Policy is the resource policy document; empty means none.
	Policy string
	// MaxRecordSizeKiB is the largest record the stream takes.
	MaxRecordSizeKiB int
	// WarmThroughputMiBps is the warm throughput asked for; 0 means none.
	WarmThroughputMiBps int
}

// ConsumerInfo describes a registered consumer.
type ConsumerInfo struct {
	Name    string
	Created time.Time
	Status  string // CREATING or ACTIVE
	Tags    map[string]string
	Policy  string
}

// ShardInfo describes a shard at one moment.
type ShardInfo struct {
	ID  string // shardId-000000000000
	Num uint32
	// ParentID and AdjacentParentID are the shards this one was split or
	// merged from; empty when none.
	ParentID, AdjacentParentID string
	// HashKeyStart and HashKeyEnd bound the hash keys the shard owns, inclusive.
	HashKeyStart, HashKeyEnd HashKey
	// StartingSeq is no greater than any sequence number in the shard, and
	// greater than every sequence number in its parents.
	StartingSeq Seq
	// Closed shards take no more records; EndingSeq is greater than every
	// sequence number in the shard (no record has it) and less than any in
	// its children.
	Closed    bool
	EndingSeq Seq
	Created   time.Time
	ClosedAt  time.Time // zero while open
	// LastSeq is the highest sequence number readers can see in the shard,
	// or StartingSeq-1 when it has none yet.
	LastSeq Seq
	// TrimmedThrough is the highest sequence number retention removed from
	// the shard; zero when nothing was removed. Records numbered up to it
	// are gone: a reader whose position is below it lost (position, TrimmedThrough].
	TrimmedThrough Seq
}

func (m *streamMeta) info(nowMs int64) StreamInfo {
	si := StreamInfo{
		ID: m.ID, Name: m.Name, Status: m.status(nowMs), Mode: m.Mode,
		RetentionHours: m.RetentionHours, Created: time.UnixMilli(m.CreatedMs),
		Shards: make([]ShardInfo, len(m.Shards)), Tags: maps.Clone(m.Tags),
		EncryptionType: EncryptionNone,
	}
	if m.EncryptionType == EncryptionKMS {
		si.EncryptionType, si.KeyID = EncryptionKMS, m.KeyID
	}
	si.ShardLevelMetrics = slices.Clone(m.ShardLevelMetrics)
	si.Policy, si.WarmThroughputMiBps = m.Policy, m.WarmThroughputMiBps
	si.MaxRecordSizeKiB = m.MaxRecordSizeKiB
	if si.MaxRecordSizeKiB == 0 {
		si.MaxRecordSizeKiB = DefaultMaxRecordSizeKiB
	}
	for _, c := range m.Consumers {
		si.Consumers = append(si.Consumers, c.info(nowMs))
	}
	for i, s := range m.Shards {
		si.Shards[i] = s.info()
		if !s.Closed {
			si.OpenShards++
		}
	}
	return si
}

func (s *shardMeta) info() ShardInfo {
	in := ShardInfo{
		ID: ShardID(s.Num), Num: s.Num, HashKeyStart: s.HashStart, HashKeyEnd: s.HashEnd,
		StartingSeq: s.StartSeq, Closed: s.Closed, EndingSeq: s.EndSeq,
		Created: time.UnixMilli(s.CreatedMs), LastSeq: s.live.last(),
		TrimmedThrough: Seq(s.live.trimmed.Load()),
	}
	if s.Parent >= 0 {
		in.ParentID = ShardID(uint32(s.Parent))
	}
	if s.AdjacentParent >= 0 {
		in.AdjacentParentID = ShardID(uint32(s.AdjacentParent))
	}
	if s.Closed {
		in.ClosedAt = time.UnixMilli(s.ClosedMs)
	}
	return in
}

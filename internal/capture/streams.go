package capture

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// DynamoDB Streams.
//
// A table's DynamoDB stream (StreamSpecification) is kept in an internal
// stream of the stream log (streamlog.CreateOptions.Internal), so it
// shares the log's machinery: the same atomic batch as the item write,
// per-shard order, durability, 24-hour retention and trimming, gaps
// reported. Its records are stored in DynamoDB Streams' record shape
// (Record in the DynamoDB Streams API) without their SequenceNumber, which
// is the log's sequence number, added when read (StreamsRecord).
//
// A table keeps the streams it has had in its definition (Table.Extra
// "dynamodb_streams"): enabling a stream again after disabling it makes a
// new stream with a new label, as DynamoDB does; the disabled one stays
// readable until its table is deleted.

// View types (StreamViewType).
const (
	ViewKeysOnly        = "KEYS_ONLY"
	ViewNewImage        = "NEW_IMAGE"
	ViewOldImage        = "OLD_IMAGE"
	ViewNewAndOldImages = "NEW_AND_OLD_IMAGES"
)

// StreamShards is how many shards a DynamoDB stream has. An item's records
// stay in one shard (its partition key is the item's key), in order.
const StreamShards = 4

// Stream is one DynamoDB stream of a table.
type Stream struct {
	// Label is the stream's label, its creation time in UTC with
	// milliseconds (2006-01-02T15:04:05.000), unique within the table.
	Label    string `json:"label"`
	ViewType string `json:"view_type"`
	// Log is the internal stream-log stream holding the records.
	Log       string `json:"log"`
	CreatedMs int64  `json:"created_ms"`
	// DisabledMs is when the stream was disabled; zero while enabled.
	DisabledMs int64 `json:"disabled_ms,omitempty"`
}

// Enabled reports whether the stream takes records.
func (s Stream) Enabled() bool { return s.DisabledMs == 0 }

const streamsKey = "dynamodb_streams"

// TableStreams returns the DynamoDB streams t has had, oldest first.
func TableStreams(t *tables.Table) []Stream {
	raw, ok := t.Extra[streamsKey]
	if !ok {
		return nil
	}
	var ss []Stream
	_ = json.Unmarshal(raw, &ss) // written by SetTableStreams only
	return ss
}

// SetTableStreams stores ss in t (a copy being changed in tables.Update,
// or a table about to be created).
func SetTableStreams(t *tables.Table, ss []Stream) {
	b, _ := json.Marshal(ss)
	if t.Extra == nil {
		t.Extra = map[string]json.RawMessage{}
	}
	t.Extra[streamsKey] = b
}

// LatestStream returns t's newest DynamoDB stream, enabled or not.
func LatestStream(t *tables.Table) (Stream, bool) {
	ss := TableStreams(t)
	if len(ss) == 0 {
		return Stream{}, false
	}
	return ss[len(ss)-1], true
}

// EnabledStream returns t's enabled DynamoDB stream, if any.
func EnabledStream(t *tables.Table) (Stream, bool) {
	s, ok := LatestStream(t)
	return s, ok && s.Enabled()
}

// Errors of DynamoDB streams.
var (
	// ErrStreamNotFound: no such stream (or table).
	ErrStreamNotFound = errors.New("stream not found")
	// ErrShardNotFound: no such shard in the stream.
	ErrShardNotFound = errors.New("shard not found")
)

// Streams creates, finds and reads tables' DynamoDB streams.
type Streams struct {
	tables *tables.Store
	log    *streamlog.Log
	now    func() time.Time
}

// NewStreams returns the DynamoDB streams of the tables in ts, kept in l.
// now is the clock (nil means time.Now).
func NewStreams(ts *tables.Store, l *streamlog.Log, now func() time.Time) *Streams {
	if now == nil {
		now = time.Now
	}
	return &Streams{tables: ts, log: l, now: now}
}

// Log returns the stream log holding the streams.
func (s *Streams) Log() *streamlog.Log { return s.log }

// New makes the log of a new stream of table with viewType and returns
// the stream, to be stored in the table's definition (SetTableStreams)
// by the caller; if that fails, the caller removes it with Drop.
func (s *Streams) New(ctx context.Context, t *tables.Table, viewType string) (Stream, error) {
	now := s.now()
	// Labels are unique per table: a stream made in the same millisecond
	// as the last one gets the next millisecond.
	if last, ok := LatestStream(t); ok && now.UnixMilli() <= last.CreatedMs {
		now = time.UnixMilli(last.CreatedMs + 1)
	}
	st := Stream{Label: Label(now), ViewType: viewType, CreatedMs: now.UnixMilli(),
		Log: fmt.Sprintf("%s%s.%d", logPrefix, t.Name, now.UnixMilli())}
	if len(st.Log) > 129 { // table names run to 255 characters; keep the log's name legal
		st.Log = fmt.Sprintf("%s%s.%d", logPrefix, t.Name[:100], now.UnixMilli())
	}
	if err := s.log.Create(ctx, st.Log, streamlog.CreateOptions{ShardCount: StreamShards, RetentionHours: 24, Internal: true}); err != nil {
		return Stream{}, fmt.Errorf("capture: new stream of %s: %w", t.Name, err)
	}
	return st, nil
}

// Drop deletes the logs of streams (of a deleted table, or made by New for
// a definition that was not stored).
func (s *Streams) Drop(ctx context.Context, streams ...Stream) error {
	var errs []error
	for _, st := range streams {
		if err := s.log.Delete(ctx, st.Log); err != nil && !errors.Is(err, streamlog.ErrStreamNotFound) {
			errs = append(errs, fmt.Errorf("capture: drop stream %s: %w", st.Label, err))
		}
	}
	return errors.Join(errs...)
}

// Sweep deletes the logs of DynamoDB streams no table refers to: left by
// a crash between New and the definition's commit, or by a table whose
// deletion did not finish dropping them. Run it before serving requests.
func (s *Streams) Sweep(ctx context.Context) error {
	used := map[string]bool{}
	for _, name := range s.tables.List() {
		t, err := s.tables.Table(name)
		if err != nil {
			continue
		}
		for _, st := range TableStreams(t) {
			used[st.Log] = true
		}
	}
	names, err := s.log.InternalStreams(ctx)
	if err != nil {
		return fmt.Errorf("capture: sweep: %w", err)
	}
	var orphans []Stream
	for _, n := range names {
		if strings.HasPrefix(n, logPrefix) && !used[n] {
			orphans = append(orphans, Stream{Label: n, Log: n})
		}
	}
	return s.Drop(ctx, orphans...)
}

// logPrefix begins the name of every DynamoDB stream's log.
const logPrefix = streamlog.InternalPrefix + "dynamodb."

// Label is a stream label for a stream created at t.
func Label(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000") }

// ParseStreamARN splits a stream ARN
// (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL) into its
// table name and label.
func ParseStreamARN(arn string) (table, label string, ok bool) {
	i := strings.Index(arn, ":table/")
	if !strings.HasPrefix(arn, "arn:") || i < 0 {
		return "", "", false
	}
	rest := arn[i+len(":table/"):]
	j := strings.LastIndex(rest, "/stream/")
	if j <= 0 {
		return "", "", false
	}
	return rest[:j], rest[j+len("/stream/"):], true
}

// Lookup returns the table and its stream with label.
func (s *Streams) Lookup(table, label string) (*tables.Table, Stream, error) {
	t, err := s.tables.Table(table)
	if err != nil {
		return nil, Stream{}, fmt.Errorf("%w: table %s", ErrStreamNotFound, table)
	}
	for _, st := range TableStreams(t) {
		if st.Label == label {
			return t, st, nil
		}
	}
	return nil, Stream{}, fmt.Errorf("%w: %s/stream/%s", ErrStreamNotFound, table, label)
}

// Shard is one shard of a DynamoDB stream, as DescribeStream shows it.
type Shard struct {
	ID string // shardId-<20-digit creation time>-<8 hex digits>
	// Num is the shard's number in the stream log.
	Num uint32
	// ParentID is the parent shard's ID, "" when none.
	ParentID string
	// Starting and Ending are sequence numbers in DynamoDB Streams' form;
	// Ending is "" while the shard takes records.
	Starting, Ending string
}

// Shards returns st's shards, in creation order.
func (s *Streams) Shards(ctx context.Context, st Stream) ([]Shard, error) {
	info, err := s.log.Describe(ctx, st.Log)
	if err != nil {
		return nil, fmt.Errorf("capture: shards of stream %s: %w", st.Label, err)
	}
	out := make([]Shard, 0, len(info.Shards))
	ids := map[string]string{}
	for _, sh := range info.Shards {
		id := ShardID(sh.Created, sh.Num)
		ids[sh.ID] = id
		d := Shard{ID: id, Num: sh.Num, ParentID: ids[sh.ParentID], Starting: FormatSeq(sh.StartingSeq)}
		switch {
		case sh.Closed:
			d.Ending = FormatSeq(sh.EndingSeq - 1)
		case !st.Enabled():
			// A disabled stream's shards take no more records: the
			// last one (or the start, when empty) ends them.
			d.Ending = FormatSeq(max(sh.LastSeq, sh.StartingSeq))
		}
		out = append(out, d)
	}
	return out, nil
}

// ShardID is the DynamoDB Streams shard ID of shard num created at t:
// "shardId-", 20 digits of its creation time in milliseconds, "-", and
// the number in 8 hex digits.
func ShardID(created time.Time, num uint32) string {
	return fmt.Sprintf("shardId-%020d-%08x", created.UnixMilli(), num)
}

// ParseShardID returns the shard number of a DynamoDB Streams shard ID.
func ParseShardID(id string) (uint32, bool) {
	if len(id) != len("shardId-")+20+1+8 || !strings.HasPrefix(id, "shardId-") || id[28] != '-' {
		return 0, false
	}
	if _, err := strconv.ParseUint(id[8:28], 10, 64); err != nil {
		return 0, false
	}
	n, err := strconv.ParseUint(id[29:], 16, 32)
	if err != nil {
		return 0, false
	}
	return uint32(n), true
}

// FormatSeq is the DynamoDB Streams form of a sequence number: 21 decimal
// digits, so numbers compare the same as strings and as numbers
// (DynamoDB's are 21 to 40 digits).
func FormatSeq(seq streamlog.Seq) string { return fmt.Sprintf("%021d", uint64(seq)) }

// ParseSeq reads a sequence number in FormatSeq's form.
func ParseSeq(s string) (streamlog.Seq, bool) {
	if len(s) < 21 || len(s) > 40 {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return streamlog.Seq(n), true
}

// streamsRecord is a record in DynamoDB Streams' shape (the Record of the
// DynamoDB Streams API, as GetRecords returns it).
type streamsRecord struct {
	EventID      string           `json:"eventID"`
	EventName    string           `json:"eventName"`
	EventVersion string           `json:"eventVersion"`
	EventSource  string           `json:"eventSource"`
	AWSRegion    string           `json:"awsRegion"`
	DynamoDB     streamsChange    `json:"dynamodb"`
	UserIdentity *streamsIdentity `json:"userIdentity,omitempty"`
}

type streamsIdentity struct {
	PrincipalID string `json:"PrincipalId"`
	Type        string `json:"Type"`
}

// streamsChange is the StreamRecord. Images are kept as JSON so a read
// adds the sequence number without decoding them.
type streamsChange struct {
	ApproximateCreationDateTime int64           `json:"ApproximateCreationDateTime"`
	Keys                        json.RawMessage `json:"Keys"`
	NewImage                    json.RawMessage `json:"NewImage,omitempty"`
	OldImage                    json.RawMessage `json:"OldImage,omitempty"`
	SequenceNumber              string          `json:"SequenceNumber,omitempty"`
	SizeBytes                   int             `json:"SizeBytes"`
	StreamViewType              string          `json:"StreamViewType"`
}

// StreamsRecord is the DynamoDB Streams record of ch for a stream of
// viewType, as stored (without its sequence number): the images the view
// type asks for, the creation time in whole seconds (DynamoDB rounds it
// down to the second), SizeBytes counting the key and the images it holds.
func StreamsRecord(ch tables.Change, region, viewType string, now time.Time) ([]byte, error) {
	r := streamsRecord{EventID: uuid(), EventName: eventName(ch), EventVersion: "1.1", EventSource: "aws:dynamodb", AWSRegion: region}
	if ch.TTL {
		r.UserIdentity = &streamsIdentity{PrincipalID: "dynamodb.amazonaws.com", Type: "Service"}
	}
	c := &r.DynamoDB
	c.ApproximateCreationDateTime = now.Unix()
	c.StreamViewType = viewType
	c.SizeBytes = attr.ItemSize(ch.Key)
	var err error
	if c.Keys, err = json.Marshal(ch.Key); err != nil {
		return nil, fmt.Errorf("capture: stream record of %s: %w", ch.Table.Name, err)
	}
	if ch.New != nil && (viewType == ViewNewImage || viewType == ViewNewAndOldImages) {
		if c.NewImage, err = json.Marshal(ch.New); err != nil {
			return nil, fmt.Errorf("capture: stream record of %s: %w", ch.Table.Name, err)
		}
		c.SizeBytes += attr.ItemSize(ch.New)
	}
	if ch.Old != nil && (viewType == ViewOldImage || viewType == ViewNewAndOldImages) {
		if c.OldImage, err = json.Marshal(ch.Old); err != nil {
			return nil, fmt.Errorf("capture: stream record of %s: %w", ch.Table.Name, err)
		}
		c.SizeBytes += attr.ItemSize(ch.Old)
	}
	return json.Marshal(r)
}

// WithSequenceNumber returns a stored DynamoDB Streams record with its
// sequence number added, as GetRecords returns it.
func WithSequenceNumber(data []byte, seq streamlog.Seq) (json.RawMessage, error) {
	var r streamsRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("capture: corrupt stream record %s: %w", FormatSeq(seq), err)
	}
	r.DynamoDB.SequenceNumber = FormatSeq(seq)
	return json.Marshal(r)
}

func eventName(ch tables.Change) string {
	switch {
	case ch.Old == nil:
		return "INSERT"
	case ch.New == nil:
		return "REMOVE"
	}
	return "MODIFY"
}

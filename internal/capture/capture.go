// Package capture turns table writes into change records in the format
// DynamoDB sends to a Kinesis data stream (its "Kinesis streaming
// destination"), appended in the same atomic batch as the write (see
// tables.Capture): no acknowledged write without its record, no record
// without its write.
//
// A table's destinations are kept in its definition (Table.Extra
// "kinesis_destinations"); Destinations and SetDestinations read and write
// them.
//
// The same hook writes the records of a table's DynamoDB stream
// (StreamSpecification; see Streams), in DynamoDB Streams' record shape.
package capture

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// Destination is one Kinesis streaming destination of a table.
type Destination struct {
	StreamARN string `json:"stream_arn"`
	Stream    string `json:"stream"`
	Status    string `json:"status"`    // ACTIVE or DISABLED (ENABLING and DISABLING are reported while they last)
	Precision string `json:"precision"` // MILLISECOND or MICROSECOND
	// ChangedMs is when Status last changed.
	ChangedMs int64 `json:"changed_ms"`
}

const extraKey = "kinesis_destinations"

// Destinations returns t's Kinesis streaming destinations.
func Destinations(t *tables.Table) []Destination {
	raw, ok := t.Extra[extraKey]
	if !ok {
		return nil
	}
	var ds []Destination
	_ = json.Unmarshal(raw, &ds) // written by SetDestinations only
	return ds
}

// SetDestinations stores ds in t (a copy being changed in tables.Update).
func SetDestinations(t *tables.Table, ds []Destination) {
	b, _ := json.Marshal(ds)
	if t.Extra == nil {
		t.Extra = map[string]json.RawMessage{}
	}
	t.Extra[extraKey] = b
}

// Options configure a Capturer.
type Options struct {
	// Region is the records' awsRegion. Empty means us-east-1.
	Region string
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// StreamExists reports whether a stream exists; records for a missing
	// stream are dropped rather than failing the table write (DynamoDB
	// marks such a destination failed). Nil means all exist.
	StreamExists func(name string) bool
}

// New returns the tables.Capture that writes change records.
func New(o Options) tables.Capture {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return func(changes []tables.Change) ([]streamlog.StreamAppend, error) {
		var out []streamlog.StreamAppend
		byStream := map[string]int{}
		now := o.Now()
		add := func(stream string, e streamlog.Entry) {
			i, ok := byStream[stream]
			if !ok {
				i = len(out)
				byStream[stream] = i
				out = append(out, streamlog.StreamAppend{Stream: stream})
			}
			out[i].Entries = append(out[i].Entries, e)
		}
		for _, ch := range changes {
			if st, ok := EnabledStream(ch.Table); ok {
				data, err := StreamsRecord(ch, o.Region, st.ViewType, now)
				if err != nil {
					return nil, err
				}
				add(st.Log, streamlog.Entry{PartitionKey: PartitionKey(ch.Table, ch.Key), Data: data})
			}
			for _, d := range Destinations(ch.Table) {
				if d.Status != "ACTIVE" {
					continue
				}
				if o.StreamExists != nil && !o.StreamExists(d.Stream) {
					continue
				}
				data, err := Record(ch, o.Region, d.Precision, now)
				if err != nil {
					return nil, err
				}
				add(d.Stream, streamlog.Entry{PartitionKey: PartitionKey(ch.Table, ch.Key), Data: data})
			}
		}
		for i := range out {
			out[i].Out = make([]streamlog.Appended, len(out[i].Entries))
		}
		return out, nil
	}
}

// PartitionKey is the Kinesis partition key of a change: a hash of the
// table and the item's key, so one item's changes stay in one shard, in
// order, and a table's changes spread over all shards.
func PartitionKey(t *tables.Table, key attr.Item) []byte { return PartitionKeyOf(t.Name, key) }

// PartitionKeyOf is PartitionKey of the table named table.
func PartitionKeyOf(table string, key attr.Item) []byte {
	h := md5.Sum(append([]byte(table+"\x00"), key.AppendJSON(nil)...))
	return []byte(hex.EncodeToString(h[:]))
}

type record struct {
	AWSRegion    string        `json:"awsRegion"`
	EventID      string        `json:"eventID"`
	EventName    string        `json:"eventName"`
	UserIdentity *userIdentity `json:"userIdentity"`
	RecordFormat string        `json:"recordFormat"`
	TableName    string        `json:"tableName"`
	DynamoDB     streamRecord  `json:"dynamodb"`
	EventSource  string        `json:"eventSource"`
}

type userIdentity struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
}

type streamRecord struct {
	ApproximateCreationDateTime int64     `json:"ApproximateCreationDateTime"`
	Keys                        attr.Item `json:"Keys"`
	NewImage                    attr.Item `json:"NewImage,omitempty"`
	OldImage                    attr.Item `json:"OldImage,omitempty"`
	SizeBytes                   int       `json:"SizeBytes"`
}

// Record is the change record of ch, as DynamoDB writes it to Kinesis:
// eventName INSERT, MODIFY or REMOVE, numbers as strings, the creation
// time in the destination's precision, and for a deletion by time to live
// the DynamoDB service as userIdentity.
func Record(ch tables.Change, region, precision string, now time.Time) ([]byte, error) {
	r := record{AWSRegion: region, EventID: uuid(), RecordFormat: "application/json", TableName: ch.Table.Name, EventSource: "aws:dynamodb"}
	r.EventName = eventName(ch)
	if ch.TTL {
		r.UserIdentity = &userIdentity{Type: "Service", PrincipalID: "dynamodb.amazonaws.com"}
	}
	r.DynamoDB = streamRecord{Keys: ch.Key, NewImage: ch.New, OldImage: ch.Old, ApproximateCreationDateTime: now.UnixMilli()}
	if precision == "MICROSECOND" {
		r.DynamoDB.ApproximateCreationDateTime = now.UnixMicro()
	}
	r.DynamoDB.SizeBytes = attr.ItemSize(ch.Key)
	if ch.New != nil {
		r.DynamoDB.SizeBytes += attr.ItemSize(ch.New)
	}
	if ch.Old != nil {
		r.DynamoDB.SizeBytes += attr.ItemSize(ch.Old)
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("capture: record of %s: %w", ch.Table.Name, err)
	}
	return b, nil
}

// uuid is a random (version 4) UUID.
func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// StreamsIn returns a StreamExists over the streams of sl.
func StreamsIn(sl *streamlog.Log) func(name string) bool {
	return func(name string) bool {
		_, err := sl.Describe(context.Background(), name)
		return err == nil
	}
}

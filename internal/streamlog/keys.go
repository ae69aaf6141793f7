package streamlog

import (
	"encoding/binary"
	"fmt"
)

// Key layout (see FORMAT.md). Everything the log writes starts with 's', so
// other packages sharing the Pebble database keep clear of that byte.
const (
	prefixGlobal  = "s/g/" // s/g/next-stream-id -> uint64 BE
	prefixName    = "s/n/" // s/n/<name> -> stream id (uint64 BE)
	prefixMeta    = "s/m/" // s/m/<id> -> stream metadata (JSON)
	prefixNextSeq = "s/q/" // s/q/<id> -> next sequence number of the stream (uint64 BE)
	prefixRecord  = "s/r/" // s/r/<id><shard><seq> -> record
)

var keyNextStreamID = []byte(prefixGlobal + "next-stream-id")

// recordKeyLen is the length of every record key.
const recordKeyLen = len(prefixRecord) + 8 + 4 + 8

func nameKey(name string) []byte { return append([]byte(prefixName), name...) }

func idKey(prefix string, id uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefix), id)
}

// appendRecordKey appends the key of record seq in shard of stream id.
func appendRecordKey(b []byte, id uint64, shard uint32, seq Seq) []byte {
	b = append(b, prefixRecord...)
	b = binary.BigEndian.AppendUint64(b, id)
	b = binary.BigEndian.AppendUint32(b, shard)
	return binary.BigEndian.AppendUint64(b, uint64(seq))
}

// streamRecordSpan returns [start, end) covering every record of stream id.
func streamRecordSpan(id uint64) (start, end []byte) {
	start = binary.BigEndian.AppendUint64([]byte(prefixRecord), id)
	end = binary.BigEndian.AppendUint64([]byte(prefixRecord), id+1)
	return start, end
}

// decodeRecordKey returns the sequence number in a record key.
func decodeRecordKey(k []byte) (Seq, error) {
	if len(k) != recordKeyLen {
		return 0, fmt.Errorf("streamlog: corrupt record key %x", k)
	}
	return Seq(binary.BigEndian.Uint64(k[recordKeyLen-8:])), nil
}

// Record value formats (streamMeta.RecordFormat; see FORMAT.md). A stream's
// records all have its format.
const (
	// recordFormatV1: arrival time (unix milliseconds, int64 BE), partition
	// key length (uvarint), partition key, data. Streams created before
	// format 2; their metadata has no record_format.
	recordFormatV1 = 1
	// recordFormatOrdinal: arrival time, the record's ordinal in its shard
	// (uvarint), partition key length (uvarint), partition key, data.
	recordFormatOrdinal = 2
	// recordFormatNewest is the format of new streams, and the newest this
	// code reads.
	recordFormatNewest = recordFormatOrdinal
)

func appendRecordValue(b []byte, format int, arrivalMs int64, ord uint64, pk, data []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(arrivalMs))
	if format >= recordFormatOrdinal {
		b = binary.AppendUvarint(b, ord)
	}
	b = binary.AppendUvarint(b, uint64(len(pk)))
	b = append(b, pk...)
	return append(b, data...)
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// recordValueLen is len(appendRecordValue(nil, format, _, ord, pk, data)).
func recordValueLen(format int, ord uint64, pk, data []byte) int {
	n := 8 + uvarintLen(uint64(len(pk))) + len(pk) + len(data)
	if format >= recordFormatOrdinal {
		n += uvarintLen(ord)
	}
	return n
}

// decodeRecordValue decodes a record value of the given format; ord is 0
// in format 1, which has none.
func decodeRecordValue(v []byte, format int) (arrivalMs int64, ord uint64, pk, data []byte, err error) {
	if len(v) < 9 {
		return 0, 0, nil, nil, fmt.Errorf("streamlog: corrupt record value (%d bytes)", len(v))
	}
	arrivalMs = int64(binary.BigEndian.Uint64(v))
	rest := v[8:]
	if format >= recordFormatOrdinal {
		o, w := binary.Uvarint(rest)
		if w <= 0 {
			return 0, 0, nil, nil, fmt.Errorf("streamlog: corrupt record value (ordinal)")
		}
		ord, rest = o, rest[w:]
	}
	n, w := binary.Uvarint(rest)
	if w <= 0 || uint64(len(rest)-w) < n {
		return 0, 0, nil, nil, fmt.Errorf("streamlog: corrupt record value")
	}
	rest = rest[w:]
	return arrivalMs, ord, rest[:n], rest[n:], nil
}

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

// Record value: arrival time (unix milliseconds, int64 BE), partition key
// length (uvarint), partition key, data.

func appendRecordValue(b []byte, arrivalMs int64, pk, data []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(arrivalMs))
	b = binary.AppendUvarint(b, uint64(len(pk)))
	b = append(b, pk...)
	return append(b, data...)
}

// recordValueLen is len(appendRecordValue(nil, _, pk, data)).
func recordValueLen(pk, data []byte) int {
	n, v := 1, uint64(len(pk))
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return 8 + n + len(pk) + len(data)
}

func decodeRecordValue(v []byte) (arrivalMs int64, pk, data []byte, err error) {
	if len(v) < 9 {
		return 0, nil, nil, fmt.Errorf("streamlog: corrupt record value (%d bytes)", len(v))
	}
	arrivalMs = int64(binary.BigEndian.Uint64(v))
	n, w := binary.Uvarint(v[8:])
	if w <= 0 || uint64(len(v)-8-w) < n {
		return 0, nil, nil, fmt.Errorf("streamlog: corrupt record value")
	}
	rest := v[8+w:]
	return arrivalMs, rest[:n], rest[n:], nil
}

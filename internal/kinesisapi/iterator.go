package kinesisapi

import (
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"time"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// iteratorTTL is how long a shard iterator stays valid, as in Kinesis.
const iteratorTTL = 5 * time.Minute

// iterator is what a shard iterator token carries.
type iterator struct {
	streamID       uint64
	shard          uint32
	after          streamlog.Seq
	issuedMs       int64
	shardCreatedMs int64 // -1 when the token does not say (format 1)
	stream         string
}

// Token layout (format 2), shaped as Kinesis's iterators are (observed;
// kinesalite's tests check the same): standard base64 of
// 152 + 16*floor((len(stream)+2)/16) bytes, the first eight 0 0 0 0 0 0 0 1.
// Then: stream id (8), shard (4), position (8), issue time in Unix ms (8),
// the shard's creation time in Unix ms (8), the stream name's length (1)
// and the name, zeros, and a CRC-32C of everything before it (4).
//
// Format 1 (base64url without padding of version 1, stream id, shard,
// position, issue time, name, CRC-32C) is still read, so iterators issued
// before an upgrade keep working until they expire.
var iteratorHeader = [8]byte{0, 0, 0, 0, 0, 0, 0, 1}

const (
	iteratorFixed = 8 + 8 + 4 + 8 + 8 + 8 + 1 // header to name length
	iteratorV1    = 1
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// iteratorLen is the token's length in bytes for a stream name of n bytes.
func iteratorLen(n int) int { return 152 + (n+2)/16*16 }

func (it iterator) encode() string {
	b := make([]byte, iteratorLen(len(it.stream)))
	copy(b, iteratorHeader[:])
	binary.BigEndian.PutUint64(b[8:], it.streamID)
	binary.BigEndian.PutUint32(b[16:], it.shard)
	binary.BigEndian.PutUint64(b[20:], uint64(it.after))
	binary.BigEndian.PutUint64(b[28:], uint64(it.issuedMs))
	binary.BigEndian.PutUint64(b[36:], uint64(it.shardCreatedMs))
	b[44] = byte(len(it.stream))
	copy(b[iteratorFixed:], it.stream)
	binary.BigEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], crcTable))
	return base64.StdEncoding.EncodeToString(b)
}

// decodeIterator parses a token; a token this server did not make is an
// InvalidArgumentException.
func decodeIterator(tok string) (iterator, error) {
	bad := awsjson.Errorf(InvalidArgumentException, "Invalid ShardIterator.")
	if b, err := base64.StdEncoding.Strict().DecodeString(tok); err == nil && len(b) >= iteratorLen(0) && [8]byte(b[:8]) == iteratorHeader {
		n := int(b[44])
		if len(b) != iteratorLen(n) || crc32.Checksum(b[:len(b)-4], crcTable) != binary.BigEndian.Uint32(b[len(b)-4:]) {
			return iterator{}, bad
		}
		it := iterator{
			streamID:       binary.BigEndian.Uint64(b[8:]),
			shard:          binary.BigEndian.Uint32(b[16:]),
			after:          streamlog.Seq(binary.BigEndian.Uint64(b[20:])),
			issuedMs:       int64(binary.BigEndian.Uint64(b[28:])),
			shardCreatedMs: int64(binary.BigEndian.Uint64(b[36:])),
			stream:         string(b[iteratorFixed : iteratorFixed+n]),
		}
		if !streamlog.ValidStreamName(it.stream) {
			return iterator{}, bad
		}
		return it, nil
	}
	return decodeIteratorV1(tok, bad)
}

func decodeIteratorV1(tok string, bad error) (iterator, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	const fixed = 1 + 8 + 4 + 8 + 8 + 4
	if err != nil || len(b) <= fixed || b[0] != iteratorV1 {
		return iterator{}, bad
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, crcTable) != sum {
		return iterator{}, bad
	}
	it := iterator{
		streamID:       binary.BigEndian.Uint64(body[1:]),
		shard:          binary.BigEndian.Uint32(body[9:]),
		after:          streamlog.Seq(binary.BigEndian.Uint64(body[13:])),
		issuedMs:       int64(binary.BigEndian.Uint64(body[21:])),
		shardCreatedMs: -1,
		stream:         string(body[29:]),
	}
	if !streamlog.ValidStreamName(it.stream) {
		return iterator{}, bad
	}
	return it, nil
}

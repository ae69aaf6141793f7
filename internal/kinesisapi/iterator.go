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
	streamID uint64
	shard    uint32
	after    streamlog.Seq
	issuedMs int64
	stream   string
}

// Token layout: version (1 byte, 1), stream id (8), shard (4), position (8),
// issue time in Unix ms (8), stream name (rest), CRC-32C of all that (4);
// base64url without padding.
const iteratorVersion = 1

var crcTable = crc32.MakeTable(crc32.Castagnoli)

func (it iterator) encode() string {
	b := make([]byte, 0, 1+8+4+8+8+len(it.stream)+4)
	b = append(b, iteratorVersion)
	b = binary.BigEndian.AppendUint64(b, it.streamID)
	b = binary.BigEndian.AppendUint32(b, it.shard)
	b = binary.BigEndian.AppendUint64(b, uint64(it.after))
	b = binary.BigEndian.AppendUint64(b, uint64(it.issuedMs))
	b = append(b, it.stream...)
	b = binary.BigEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeIterator parses a token; a token this server did not make is an
// InvalidArgumentException.
func decodeIterator(tok string) (iterator, error) {
	bad := awsjson.Errorf(InvalidArgumentException, "Invalid ShardIterator.")
	if len(tok) < 1 || len(tok) > 512 {
		return iterator{}, awsjson.Errorf(ValidationException, "ShardIterator must be 1 to 512 characters")
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	const fixed = 1 + 8 + 4 + 8 + 8 + 4
	if err != nil || len(b) <= fixed || b[0] != iteratorVersion {
		return iterator{}, bad
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, crcTable) != sum {
		return iterator{}, bad
	}
	it := iterator{
		streamID: binary.BigEndian.Uint64(body[1:]),
		shard:    binary.BigEndian.Uint32(body[9:]),
		after:    streamlog.Seq(binary.BigEndian.Uint64(body[13:])),
		issuedMs: int64(binary.BigEndian.Uint64(body[21:])),
		stream:   string(body[29:]),
	}
	if !streamlog.ValidStreamName(it.stream) {
		return iterator{}, bad
	}
	return it, nil
}

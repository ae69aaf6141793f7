package tables

import (
	"encoding/binary"
	"hash/fnv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// Key layout. Everything tables writes starts with 't' (streamlog owns 's'):
//
//	t/g/next-table-id                          -> uint64 BE
//	t/m/<table name>                           -> table metadata (JSON)
//	t/i/<table id><index num><key>             -> item or index entry
//
// Index number 0 is the base table, whose <key> is enc(hash) enc(range);
// an index's <key> is enc(index hash) enc(index range) enc(base hash)
// enc(base range). enc is order-preserving and prefix-free (see
// appendKeyValue), so a partition is a key prefix and a sort-key range is
// a key range: Query is one ordered Pebble scan either way.
const (
	prefixGlobal = "t/g/"
	prefixMeta   = "t/m/"
	prefixItem   = "t/i/"
)

var keyNextTableID = []byte(prefixGlobal + "next-table-id")

func metaKey(name string) []byte { return append([]byte(prefixMeta), name...) }

// spanPrefix is the prefix of every key of one table's index (0: the base
// table).
func spanPrefix(tableID uint64, index uint16) []byte {
	b := make([]byte, 0, len(prefixItem)+10+32)
	b = append(b, prefixItem...)
	b = binary.BigEndian.AppendUint64(b, tableID)
	return binary.BigEndian.AppendUint16(b, index)
}

// tableSpan is [start, end) over every key of a table, all its indexes.
func tableSpan(tableID uint64) (start, end []byte) {
	start = binary.BigEndian.AppendUint64([]byte(prefixItem), tableID)
	end = binary.BigEndian.AppendUint64([]byte(prefixItem), tableID+1)
	return start, end
}

// appendKeyValue appends v's order-preserving, prefix-free encoding: S and
// B as their bytes with 0x00 escaped as 0x00 0xFF, ending in 0x00 0x01 (so
// byte order of the encodings is byte order of the values, and a shorter
// value sorts before its extensions); N as sign, exponent and digits
// (appendNumber) so byte order is numeric order.
func appendKeyValue(b []byte, v attr.Value) []byte {
	switch v.T {
	case attr.S:
		b = appendEscaped(b, []byte(v.S))
	case attr.B:
		b = appendEscaped(b, v.B)
	case attr.N:
		return appendNumber(b, v.S)
	}
	return append(b, 0x00, 0x01)
}

// appendKeyPrefix appends the encoding of every S or B value that begins
// with v (begins_with on a sort key): the escaped bytes, no terminator.
func appendKeyPrefix(b []byte, v attr.Value) []byte {
	if v.T == attr.S {
		return appendEscaped(b, []byte(v.S))
	}
	return appendEscaped(b, v.B)
}

func appendEscaped(b, s []byte) []byte {
	for _, c := range s {
		if c == 0 {
			b = append(b, 0x00, 0xFF)
		} else {
			b = append(b, c)
		}
	}
	return b
}

// appendNumber encodes canonical number text so that byte order is numeric
// order. A number is 0.d1d2...dn x 10^e with d1 != 0:
//
//	zero:     0x80
//	positive: 0xC0, e+0x4000 (uint16 BE), digits as bytes 1..10, 0x00
//	negative: 0x40, ^(e+0x4000), digits as 0xFE-digit, 0xFF
//
// For positives a larger exponent is larger, then digits compare as
// decimal fractions (a shorter digit string is a prefix and smaller,
// hence the 0x00 terminator); negatives invert all of it.
func appendNumber(b []byte, canonical string) []byte {
	neg := strings.HasPrefix(canonical, "-")
	s := strings.TrimPrefix(canonical, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return append(b, 0x80)
	}
	lead := len(intPart + frac)
	lead -= len(digits) // leading zeros
	exp := len(intPart) - lead
	digits = strings.TrimRight(digits, "0")
	e := uint16(exp + 0x4000)
	if neg {
		b = append(b, 0x40)
		b = binary.BigEndian.AppendUint16(b, ^e)
		for i := 0; i < len(digits); i++ {
			b = append(b, 0xFE-(digits[i]-'0'))
		}
		return append(b, 0xFF)
	}
	b = append(b, 0xC0)
	b = binary.BigEndian.AppendUint16(b, e)
	for i := 0; i < len(digits); i++ {
		b = append(b, 1+digits[i]-'0')
	}
	return append(b, 0x00)
}

// prefixEnd is the smallest key greater than every key with prefix p, or
// nil when there is none.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xFF {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// segmentOf is the parallel-scan segment (of total) that a partition
// belongs to: a hash of its encoded partition key, so each item is in
// exactly one segment and a partition is never split.
func segmentOf(encHash []byte, total int) int {
	h := fnv.New32a()
	_, _ = h.Write(encHash)
	return int(h.Sum32() % uint32(total))
}

package streamlog

import (
	"crypto/md5"
	"fmt"
	"math/big"
	"math/bits"
)

// HashKey is a point in the 128-bit hash-key space that a stream's shards
// partition. A record's hash key is MD5(partition key) read as a big-endian
// 128-bit integer, or the producer's ExplicitHashKey.
type HashKey struct{ Hi, Lo uint64 }

// MaxHashKey is 2^128-1, the end of the hash-key space.
var MaxHashKey = HashKey{Hi: ^uint64(0), Lo: ^uint64(0)}

// HashKeyOf returns MD5(partitionKey) as a HashKey.
func HashKeyOf(partitionKey []byte) HashKey {
	s := md5.Sum(partitionKey)
	return hashKeyFromBytes(s[:])
}

func hashKeyFromBytes(b []byte) HashKey {
	var h HashKey
	for i := 0; i < 8; i++ {
		h.Hi = h.Hi<<8 | uint64(b[i])
		h.Lo = h.Lo<<8 | uint64(b[8+i])
	}
	return h
}

// Cmp returns -1, 0 or +1 as h is less than, equal to or greater than o.
func (h HashKey) Cmp(o HashKey) int {
	switch {
	case h.Hi < o.Hi:
		return -1
	case h.Hi > o.Hi:
		return 1
	case h.Lo < o.Lo:
		return -1
	case h.Lo > o.Lo:
		return 1
	}
	return 0
}

// add returns h+d (wrapping) and whether it overflowed.
func (h HashKey) add(d uint64) (HashKey, bool) {
	lo, c := bits.Add64(h.Lo, d, 0)
	hi, c2 := bits.Add64(h.Hi, 0, c)
	return HashKey{hi, lo}, c2 != 0
}

// sub returns h-d (wrapping) and whether it underflowed.
func (h HashKey) sub(d uint64) (HashKey, bool) {
	lo, b := bits.Sub64(h.Lo, d, 0)
	hi, b2 := bits.Sub64(h.Hi, 0, b)
	return HashKey{hi, lo}, b2 != 0
}

func (h HashKey) big() *big.Int {
	b := new(big.Int).SetUint64(h.Hi)
	b.Lsh(b, 64)
	return b.Or(b, new(big.Int).SetUint64(h.Lo))
}

func hashKeyFromBig(b *big.Int) HashKey {
	lo := new(big.Int).And(b, new(big.Int).SetUint64(^uint64(0)))
	hi := new(big.Int).Rsh(b, 64)
	return HashKey{Hi: hi.Uint64(), Lo: lo.Uint64()}
}

// String returns h in decimal, as Kinesis writes hash keys.
func (h HashKey) String() string {
	if h.Hi == 0 {
		return fmt.Sprint(h.Lo)
	}
	return h.big().String()
}

// ParseHashKey parses a decimal hash key in [0, 2^128-1].
func ParseHashKey(s string) (HashKey, error) {
	if s == "" || len(s) > 39 {
		return HashKey{}, fmt.Errorf("%w: hash key %q: want a decimal integer in [0, 2^128-1]", ErrInvalidArgument, s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return HashKey{}, fmt.Errorf("%w: hash key %q: want a decimal integer in [0, 2^128-1]", ErrInvalidArgument, s)
		}
	}
	b, ok := new(big.Int).SetString(s, 10)
	if !ok || b.BitLen() > 128 {
		return HashKey{}, fmt.Errorf("%w: hash key %q: want a decimal integer in [0, 2^128-1]", ErrInvalidArgument, s)
	}
	return hashKeyFromBig(b), nil
}

// uniformRanges splits [0, 2^128-1] into n contiguous ranges the way Kinesis
// does at stream creation: each floor(2^128/n) wide, the last one taking the rest.
func uniformRanges(n int) [][2]HashKey {
	space := new(big.Int).Lsh(big.NewInt(1), 128)
	width := new(big.Int).Div(space, big.NewInt(int64(n)))
	out := make([][2]HashKey, n)
	start := new(big.Int)
	for i := 0; i < n; i++ {
		end := new(big.Int).Add(start, width)
		end.Sub(end, big.NewInt(1))
		if i == n-1 {
			end = new(big.Int).Sub(space, big.NewInt(1))
		}
		out[i] = [2]HashKey{hashKeyFromBig(start), hashKeyFromBig(end)}
		start = new(big.Int).Add(end, big.NewInt(1))
	}
	return out
}

package streamlog

import (
	"fmt"
	"strconv"
)

// Seq is a record's sequence number in its numeric, comparable form. Within a
// stream, sequence numbers are assigned from one counter, so they increase
// strictly within each shard, a child shard's numbers are all greater than its
// parents', and no number is ever handed out twice, also across restarts.
type Seq uint64

// seqPrefix makes every sequence number's decimal form the same length (22
// digits), so the strings compare the same way as strings and as numbers.
const seqPrefix = "49"

// seqDigits is the width of the counter part of the decimal form.
const seqDigits = 20

// String returns the decimal form Kinesis clients see: "49" followed by the
// counter zero-padded to 20 digits.
func (s Seq) String() string {
	var buf [len(seqPrefix) + seqDigits]byte
	return string(s.AppendTo(buf[:0]))
}

// AppendTo appends the decimal form of s to b.
func (s Seq) AppendTo(b []byte) []byte {
	b = append(b, seqPrefix...)
	var digits [seqDigits]byte
	v := uint64(s)
	for i := seqDigits - 1; i >= 0; i-- {
		digits[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, digits[:]...)
}

// ParseSeq parses the decimal form made by Seq.String.
func ParseSeq(s string) (Seq, error) {
	if len(s) != len(seqPrefix)+seqDigits || s[:len(seqPrefix)] != seqPrefix {
		return 0, fmt.Errorf("%w: sequence number %q is not one this stream issued", ErrInvalidArgument, s)
	}
	v, err := strconv.ParseUint(s[len(seqPrefix):], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: sequence number %q is not one this stream issued", ErrInvalidArgument, s)
	}
	return Seq(v), nil
}

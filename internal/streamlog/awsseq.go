package streamlog

import (
	"fmt"
	"math/bits"
)

// The Kinesis form of a sequence number: 56 decimal digits of a 188-bit
// number laid out as Kinesis lays its numbers out (observed; kinesalite
// parses and produces the same layout), from the top:
//
//	4 bits   2 (the form's marker)
//	36 bits  the shard's creation time, Unix seconds
//	4 bits   the shard number's low 4 bits
//	64 bits  the sequence number (Seq)
//	8 bits   zero
//	36 bits  the record's arrival time, Unix seconds
//	32 bits  the shard number
//	4 bits   2 (the layout's version)
//
// Every number has 56 digits (the value lies in [2^185, 2^186)), so within
// a shard the strings compare as the numbers, which compare as their Seq:
// the fields above Seq are the shard's own. Only Seq is needed to read:
// the other fields are for clients that decode them (the shard, times).

// awsSeqDigits is the length of the Kinesis form.
const awsSeqDigits = 56

// AppendAWS appends the Kinesis form of s, a number of shard (created at
// shardCreatedMs) for a record that arrived at arrivalMs.
func (s Seq) AppendAWS(b []byte, shard uint32, shardCreatedMs, arrivalMs int64) []byte {
	var n u192
	n.push(4, 2)
	n.push(36, uint64(shardCreatedMs/1000))
	n.push(4, uint64(shard&0xf))
	n.push(64, uint64(s))
	n.push(8, 0)
	n.push(36, uint64(arrivalMs/1000))
	n.push(32, uint64(shard))
	n.push(4, 2)
	return n.appendDecimal(b)
}

// AWS returns the Kinesis form of s (see AppendAWS).
func (s Seq) AWS(shard uint32, shardCreatedMs, arrivalMs int64) string {
	return string(s.AppendAWS(make([]byte, 0, awsSeqDigits), shard, shardCreatedMs, arrivalMs))
}

// ParseAWSSeq reads a sequence number a Kinesis client gives back: the
// Kinesis form (AppendAWS), whose shard number it also returns, or the
// 22-digit form of Seq.String that earlier versions handed out (hasShard
// false then).
func ParseAWSSeq(str string) (s Seq, shard uint32, hasShard bool, err error) {
	if len(str) != awsSeqDigits {
		s, err = ParseSeq(str)
		return s, 0, false, err
	}
	bad := fmt.Errorf("%w: sequence number %q is not one this stream issued", ErrInvalidArgument, str)
	var n u192
	for i := 0; i < len(str); i++ {
		c := str[i]
		if c < '0' || c > '9' {
			return 0, 0, false, bad
		}
		n.mulAdd(10, uint64(c-'0'))
	}
	version := n.pop(4)
	shard = uint32(n.pop(32))
	n.pop(36) // arrival
	zero := n.pop(8)
	s = Seq(n.pop(64))
	low := n.pop(4)
	n.pop(36) // shard creation
	marker := n.pop(4)
	if version != 2 || marker != 2 || zero != 0 || low != uint64(shard&0xf) || n != (u192{}) {
		return 0, 0, false, bad
	}
	return s, shard, true, nil
}

// u192 is a 192-bit unsigned integer, most significant word first.
type u192 [3]uint64

// push shifts n left by width bits and puts v (< 2^width) in the low bits.
func (n *u192) push(width uint, v uint64) {
	if width == 64 {
		n[0], n[1], n[2] = n[1], n[2], v
		return
	}
	n[0] = n[0]<<width | n[1]>>(64-width)
	n[1] = n[1]<<width | n[2]>>(64-width)
	n[2] = n[2]<<width | v&(1<<width-1)
}

// pop removes and returns the low width bits of n.
func (n *u192) pop(width uint) uint64 {
	if width == 64 {
		v := n[2]
		n[0], n[1], n[2] = 0, n[0], n[1]
		return v
	}
	v := n[2] & (1<<width - 1)
	n[2] = n[2]>>width | n[1]<<(64-width)
	n[1] = n[1]>>width | n[0]<<(64-width)
	n[0] >>= width
	return v
}

// mulAdd sets n to n*m + a, dropping what overflows 192 bits into n[0]'s
// top (the caller checks the fields).
func (n *u192) mulAdd(m, a uint64) {
	hi2, lo2 := bits.Mul64(n[2], m)
	lo2, c := bits.Add64(lo2, a, 0)
	hi1, lo1 := bits.Mul64(n[1], m)
	lo1, c = bits.Add64(lo1, hi2, c)
	_, lo0 := bits.Mul64(n[0], m)
	lo0 += hi1 + c
	n[0], n[1], n[2] = lo0, lo1, lo2
}

// divmod divides n by d in place and returns the remainder.
func (n *u192) divmod(d uint64) uint64 {
	var r uint64
	n[0], r = bits.Div64(0, n[0], d)
	n[1], r = bits.Div64(r, n[1], d)
	n[2], r = bits.Div64(r, n[2], d)
	return r
}

// appendDecimal appends n in decimal, exactly awsSeqDigits digits (the
// layout's values all have that many).
func (n u192) appendDecimal(b []byte) []byte {
	var digits [57]byte
	for chunk := 2; chunk >= 0; chunk-- {
		r := n.divmod(1e19)
		base := chunk * 19
		for i := 18; i >= 1; i -= 2 { // two digits at a time
			q := r / 100
			p := 2 * (r - q*100)
			digits[base+i-1], digits[base+i] = digitPairs[p], digitPairs[p+1]
			r = q
		}
		digits[base] = byte('0' + r)
	}
	return append(b, digits[57-awsSeqDigits:]...)
}

// digitPairs holds "00" to "99", for printing two digits at a time.
const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

package streamlog

import (
	"math/big"
	"strings"
	"testing"
)

// TestAWSSeqLayout checks the Kinesis form against the layout Kinesis
// uses (as kinesalite's tests assert it: hex "20" + 8 hex digits of the
// shard's creation second + the shard's low nibble + 16 hex digits of the
// index + "000" + 8 hex digits of the arrival second + "0000000" + shard
// nibble + "2"), and that shards 0 and 1 of one creation differ by
// 22300745198530623141535718272648361505980432, the difference Kinesis
// shows between the starting numbers of adjacent shards.
func TestAWSSeqLayout(t *testing.T) {
	created, arrival := int64(1700000000123), int64(1700000005999)
	s0 := Seq(0).AWS(0, created, created)
	s1 := Seq(0).AWS(1, created, created)
	if len(s0) != 56 || len(s1) != 56 {
		t.Fatalf("lengths %d %d", len(s0), len(s1))
	}
	a, _ := new(big.Int).SetString(s0, 10)
	b, _ := new(big.Int).SetString(s1, 10)
	if d := new(big.Int).Sub(b, a).String(); d != "22300745198530623141535718272648361505980432" {
		t.Fatalf("shard 1 - shard 0 = %s", d)
	}
	str := Seq(12345).AWS(3, created, arrival)
	n, _ := new(big.Int).SetString(str, 10)
	hex := n.Text(16)
	want := "20" + "6553f100" + "3" + "0000000000003039" + "000" + "6553f105" + "0000000" + "3" + "2"
	if hex != want {
		t.Fatalf("hex %s\nwant %s", hex, want)
	}
	got, shard, ok, err := ParseAWSSeq(str)
	if err != nil || !ok || got != 12345 || shard != 3 {
		t.Fatalf("ParseAWSSeq(%s) = %d %d %v %v", str, got, shard, ok, err)
	}
	// The form orders as its Seq within a shard.
	prev := ""
	for _, s := range []Seq{0, 1, 9, 10, 1 << 40, 1<<63 + 5} {
		cur := s.AWS(17, created, arrival+int64(s%7)*1000)
		if cur <= prev {
			t.Fatalf("%s <= %s", cur, prev)
		}
		if back, sh, _, err := ParseAWSSeq(cur); err != nil || back != s || sh != 17 {
			t.Fatalf("round trip %d: %d %d %v", s, back, sh, err)
		}
		prev = cur
	}
	// The 22-digit form of earlier versions still reads.
	if got, _, ok, err := ParseAWSSeq(Seq(77).String()); err != nil || ok || got != 77 {
		t.Fatalf("old form: %d %v %v", got, ok, err)
	}
	for _, bad := range []string{"", "1", strings.Repeat("9", 56), strings.Repeat("1", 56), "4959033827149025660855969253836157109592157598913658889x"} {
		if _, _, _, err := ParseAWSSeq(bad); err == nil {
			t.Errorf("ParseAWSSeq(%q) accepted", bad)
		}
	}
}

func FuzzParseAWSSeq(f *testing.F) {
	f.Add(Seq(5).AWS(2, 1700000000000, 1700000001000))
	f.Add(Seq(5).String())
	f.Add("49590338271490256608559692538361571095921575989136588898")
	f.Fuzz(func(t *testing.T, s string) {
		seq, shard, ok, err := ParseAWSSeq(s)
		if err != nil || !ok {
			return
		}
		back, sh2, _, err := ParseAWSSeq(seq.AWS(shard, 0, 0))
		if err != nil || back != seq || sh2 != shard {
			t.Fatalf("%q -> %d %d -> %d %d %v", s, seq, shard, back, sh2, err)
		}
	})
}

// BenchmarkSeqForms compares the Kinesis form with the 22-digit form, the
// per-record cost PutRecords and GetRecords pay to print sequence numbers.
func BenchmarkSeqForms(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.Run("AppendAWS", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			buf = Seq(i).AppendAWS(buf[:0], 3, 1700000000000, 1700000001000)
		}
	})
	b.Run("AppendTo", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			buf = Seq(i).AppendTo(buf[:0])
		}
	})
}

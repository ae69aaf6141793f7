package streamlog

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoders of untrusted or on-disk
// input: hash keys and sequence numbers (from clients) round-trip, and
// record values of every format never panic and round-trip when they
// decode.
func FuzzDecode(f *testing.F) {
	f.Add("340282366920938463463374607431768211455", "4900000017592186044417", []byte{0, 0, 1, 0, 0, 0, 0, 0, 1, 'k', 'd'})
	f.Add("0", "49", []byte{})
	f.Add("1", "4900000000000000000001", []byte{0, 0, 1, 0, 0, 0, 0, 0, 0xac, 0x02, 1, 'k', 'd'})
	f.Fuzz(func(t *testing.T, hk, seq string, value []byte) {
		if h, err := ParseHashKey(hk); err == nil {
			if back, err := ParseHashKey(h.String()); err != nil || back != h {
				t.Fatalf("hash key %q -> %s -> %v, %v", hk, h, back, err)
			}
		}
		if s, err := ParseSeq(seq); err == nil && s.String() != seq {
			t.Fatalf("seq %q -> %d -> %q", seq, s, s.String())
		}
		for _, format := range []int{recordFormatV1, recordFormatOrdinal} {
			ms, ord, pk, data, err := decodeRecordValue(value, format)
			if err != nil {
				continue
			}
			enc := appendRecordValue(nil, format, ms, ord, pk, data)
			if n := recordValueLen(format, ord, pk, data); len(enc) != n {
				t.Fatalf("format %d: recordValueLen %d, encoded %d", format, n, len(enc))
			}
			ms2, ord2, pk2, data2, err := decodeRecordValue(enc, format)
			if err != nil || ms2 != ms || ord2 != ord || !bytes.Equal(pk2, pk) || !bytes.Equal(data2, data) {
				t.Fatalf("format %d: record value round trip failed", format)
			}
		}
	})
}

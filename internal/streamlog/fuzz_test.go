package streamlog

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoders of untrusted or on-disk
// input: hash keys and sequence numbers (from clients) round-trip, and
// record values never panic and round-trip when they decode.
func FuzzDecode(f *testing.F) {
	f.Add("340282366920938463463374607431768211455", "4900000017592186044417", []byte{0, 0, 1, 0, 0, 0, 0, 0, 1, 'k', 'd'})
	f.Add("0", "49", []byte{})
	f.Fuzz(func(t *testing.T, hk, seq string, value []byte) {
		if h, err := ParseHashKey(hk); err == nil {
			if back, err := ParseHashKey(h.String()); err != nil || back != h {
				t.Fatalf("hash key %q -> %s -> %v, %v", hk, h, back, err)
			}
		}
		if s, err := ParseSeq(seq); err == nil && s.String() != seq {
			t.Fatalf("seq %q -> %d -> %q", seq, s, s.String())
		}
		ms, pk, data, err := decodeRecordValue(value)
		if err != nil {
			return
		}
		enc := appendRecordValue(nil, ms, pk, data)
		if len(enc) != recordValueLen(pk, data) {
			t.Fatalf("recordValueLen %d, encoded %d", recordValueLen(pk, data), len(enc))
		}
		ms2, pk2, data2, err := decodeRecordValue(enc)
		if err != nil || ms2 != ms || !bytes.Equal(pk2, pk) || !bytes.Equal(data2, data) {
			t.Fatalf("record value round trip failed")
		}
	})
}

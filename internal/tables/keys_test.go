package tables

import (
	"bytes"
	"math/rand"
	"sort"
	"strconv"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// The encoding orders numbers by value, as DynamoDB orders N sort keys
// ("Query": "if the data type of the sort key is Number, the results are
// returned in numeric order").
func TestNumberEncodingOrder(t *testing.T) {
	texts := []string{"0", "-0.0001", "1", "-1", "10", "9", "9.99", "100", "0.5", "-0.5", "1e125", "-1e125",
		"1e-130", "-1e-130", "12345678901234567890123456789012345678", "-99.999", "0.01", "0.1", "0.11", "-0.1", "-0.11", "1.5", "15"}
	r := rand.New(rand.NewSource(1))
	for range 300 {
		texts = append(texts, strconv.FormatFloat((r.Float64()-0.5)*1e6, 'f', r.Intn(6), 64))
	}
	var nums []string
	for _, s := range texts {
		nums = append(nums, attr.MustNumber(s))
	}
	sort.Slice(nums, func(i, j int) bool { return attr.CompareNumbers(nums[i], nums[j]) < 0 })
	for i := 1; i < len(nums); i++ {
		a, b := appendKeyValue(nil, attr.Num(nums[i-1])), appendKeyValue(nil, attr.Num(nums[i]))
		c := attr.CompareNumbers(nums[i-1], nums[i])
		if got := bytes.Compare(a, b); got != c {
			t.Errorf("%s vs %s: encodings compare %d, numbers %d", nums[i-1], nums[i], got, c)
		}
	}
}

// Strings and binaries order by bytes, and a value sorts before its
// extensions, also with zero bytes inside; encodings are prefix-free, so
// a hash key followed by a range key orders by hash first.
func TestStringEncodingOrder(t *testing.T) {
	vals := []string{"", "a", "a\x00", "a\x00b", "a\x01", "ab", "b", "\x00", "\xff", "\xff\xff", "é"}
	sort.Strings(vals)
	for i := 1; i < len(vals); i++ {
		a := appendKeyValue(nil, attr.Str(vals[i-1]))
		b := appendKeyValue(nil, attr.Str(vals[i]))
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("%q !< %q after encoding: %x %x", vals[i-1], vals[i], a, b)
		}
		ab := appendKeyValue(appendKeyValue(nil, attr.Str(vals[i-1])), attr.Str("zzz"))
		ba := appendKeyValue(appendKeyValue(nil, attr.Str(vals[i])), attr.Str(""))
		if bytes.Compare(ab, ba) >= 0 {
			t.Errorf("composite (%q, zzz) !< (%q, \"\")", vals[i-1], vals[i])
		}
	}
	p := appendKeyPrefix(nil, attr.Str("a\x00"))
	if !bytes.HasPrefix(appendKeyValue(nil, attr.Str("a\x00b")), p) || bytes.HasPrefix(appendKeyValue(nil, attr.Str("a\x01")), p) {
		t.Error("begins_with prefix encoding")
	}
}

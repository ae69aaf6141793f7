package attr

import (
	"encoding/json"
	"testing"
)

// Canonical forms and limits from the DynamoDB developer guide, "Data types":
// numbers are sent as strings, keep up to 38 significant digits, and range
// from 1E-130 to 9.9999999999999999999999999999999999999E+125.
func TestParseNumber(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"1.50", "1.5"}, {"1e2", "100"}, {"-0", "0"}, {"0.000", "0"}, {"+7", "7"},
		{"-12.3400", "-12.34"}, {"1E-130", "0." + zeros(129) + "1"},
		{"99999999999999999999999999999999999999", "99999999999999999999999999999999999999"},
	} {
		got, err := ParseNumber(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseNumber(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		want error
	}{
		{"", ErrNotANumber}, {"abc", ErrNotANumber}, {"NaN", ErrNotANumber}, {"Infinity", ErrNotANumber}, {" 1", ErrNotANumber},
		{"1E126", ErrOverflow}, {"1E-131", ErrUnderflow},
		{"123456789012345678901234567890123456789", ErrPrecision},
	} {
		if _, err := ParseNumber(c.in); err != c.want {
			t.Errorf("ParseNumber(%q) error = %v; want %v", c.in, err, c.want)
		}
	}
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func TestArithmeticIsDecimal(t *testing.T) {
	// 0.1 + 0.2 is 0.3 exactly in DynamoDB (decimal arithmetic), not 0.30000000000000004.
	if got, err := AddNumbers("0.1", "0.2"); err != nil || got != "0.3" {
		t.Fatalf("0.1+0.2 = %q, %v", got, err)
	}
	if got, err := SubNumbers("1", "1.5"); err != nil || got != "-0.5" {
		t.Fatalf("1-1.5 = %q, %v", got, err)
	}
	if _, err := AddNumbers("9.9999999999999999999999999999999999999E+125", "9E+125"); err != ErrOverflow {
		t.Fatalf("overflow: %v", err)
	}
}

func TestWireRoundTrip(t *testing.T) {
	in := `{"a":{"S":"x"},"b":{"N":"1.50"},"c":{"B":"AQI="},"d":{"BOOL":true},"e":{"NULL":true},` +
		`"f":{"M":{"g":{"L":[{"N":"1"},{"S":"y"}]}}},"h":{"SS":["p","q"]},"i":{"NS":["2","1e0"]},"j":{"BS":["AQ=="]}}`
	var it Item
	if err := json.Unmarshal([]byte(in), &it); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(it)
	want := `{"a":{"S":"x"},"b":{"N":"1.5"},"c":{"B":"AQI="},"d":{"BOOL":true},"e":{"NULL":true},` +
		`"f":{"M":{"g":{"L":[{"N":"1"},{"S":"y"}]}}},"h":{"SS":["p","q"]},"i":{"NS":["2","1"]},"j":{"BS":["AQ=="]}}`
	if string(out) != want {
		t.Fatalf("round trip:\n got %s\nwant %s", out, want)
	}
}

// Messages as DynamoDB sends them for each malformed value.
func TestWireErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{}`, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{`{"S":"a","N":"1"}`, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"},
		{`{"N":"x"}`, "A value provided cannot be converted into a number"},
		{`{"SS":[]}`, "One or more parameter values were invalid: An string set  may not be empty"},
		{`{"NS":["1","1.0"]}`, "One or more parameter values were invalid: Input collection [1, 1.0] contains duplicates."},
		{`{"NULL":false}`, "One or more parameter values were invalid: Null attribute value types must have the value of true"},
		{`{"M":{"a":{"N":"1E200"}}}`, "Number overflow. Attempting to store a number with magnitude larger than supported range"},
	} {
		var v Value
		err := json.Unmarshal([]byte(c.in), &v)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v; want %q", c.in, err, c.want)
		}
	}
}

func TestCompareAndEqual(t *testing.T) {
	if c, ok := Compare(Num("10"), Num("9")); !ok || c <= 0 {
		t.Fatal("N compares by value: 10 > 9")
	}
	if c, ok := Compare(Str("10"), Str("9")); !ok || c >= 0 {
		t.Fatal("S compares by bytes: \"10\" < \"9\"")
	}
	if _, ok := Compare(Str("1"), Num("1")); ok {
		t.Fatal("S and N do not compare")
	}
	if !Equal(Value{T: SS, Strs: []string{"a", "b"}}, Value{T: SS, Strs: []string{"b", "a"}}) {
		t.Fatal("sets are equal regardless of order")
	}
}

// TestDepth: a scalar is one level, each M or L one more; past the limit
// the count stops at limit+1.
func TestDepth(t *testing.T) {
	nest := func(depth int) Value {
		v := Str("leaf")
		for i := range depth {
			if i%2 == 0 {
				v = Value{T: M, M: map[string]Value{"a": v, "b": Str("x")}}
			} else {
				v = Value{T: L, L: []Value{Str("x"), v}}
			}
		}
		return v
	}
	for _, c := range []struct{ depth, limit, want int }{
		{0, 32, 1}, {1, 32, 2}, {31, 32, 32}, {32, 32, 33}, {10000, 32, 33},
	} {
		if got := Depth(nest(c.depth), c.limit); got != c.want {
			t.Errorf("Depth(%d levels, %d) = %d, want %d", c.depth, c.limit, got, c.want)
		}
	}
	if got := ItemDepth(Item{"a": Str("x"), "b": nest(5)}, MaxDepth); got != 6 {
		t.Errorf("ItemDepth = %d, want 6", got)
	}
}

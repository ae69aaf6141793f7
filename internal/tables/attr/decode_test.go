package attr

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// decodeSeeds cover every type, every error the decoder words, and JSON
// that is not well formed at each nesting level.
var decodeSeeds = []string{
	`{"S":"x"}`, `{"N":"1.50"}`, `{"B":"AQI="}`, `{"BOOL":true}`, `{"NULL":true}`,
	`{"M":{"g":{"L":[{"N":"1"},{"S":"y"}]}}}`, `{"SS":["p","q"]}`, `{"NS":["2","1e0"]}`, `{"BS":["AQ==",""]}`,
	`{}`, `null`, `{"S":null}`, `{"S":"a","N":"1"}`, `{"S":"a","S":null}`, `{"S":null,"S":"a"}`, `{"X":"a"}`, `{"X":null,"S":"a"}`,
	`{"N":"x"}`, `{"N":"1E200"}`, `{"SS":[]}`, `{"SS":["a",null]}`, `{"SS":["a","a"]}`, `{"NS":["1","1.0"]}`, `{"NS":[null]}`,
	`{"BS":[]}`, `{"BS":["!!",5]}`, `{"BS":[5,"!!"]}`, `{"BS":["AQ==","AQ=="]}`, `{"BS":[null]}`, `{"B":"abc"}`,
	`{"NULL":false}`, `{"NULL":1}`, `{"BOOL":"true"}`, `{"S":1}`, `{"S":["a"]}`, `{"M":[]}`, `{"L":{}}`, `{"M":{}}`, `{"L":[]}`,
	`{"M":{"a":{"N":"x"}},"S":"y"}`, `{"M":{"a":{"N":"x"},"b":{}}}`, `{"M":{"a":{"S":1},"a":{"S":"x"}}}`, `{"L":[null]}`, `{"L":[1]}`,
	`{"M":{"a":null}}`, `{"S":"\u0041\ud800"}`, "{\"S\":\"\xff\"}", `{"\u0053":"x"}`, ` {"S":"x"} `, `{"S":"x"} x`, `{"S":"x"`,
	`{"M":{"a":{"S":"x"}}`, `{"S":01}`, `{"S":-}`, `{"S":1.}`, `{"S":1e}`, `{"S":"\x"}`, "{\"S\":\"\x01\"}", `[`, `"S"`, `1`, `tru`,
	`{"L":[{"S":"a"},]}`, `{"M":{"a":{"S":"a"},}}`, `{"S":"a",}`, `{,}`, `{"S" "a"}`,
}

func decodeBoth(data []byte) (got Value, gotErr error, want Value, wantErr error) {
	gotErr = got.UnmarshalJSON(data)
	var r refValue
	wantErr = r.UnmarshalJSON(data)
	return got, gotErr, r.v, wantErr
}

func sameErr(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return reflect.TypeOf(a) == reflect.TypeOf(b) && a.Error() == b.Error()
}

func TestUnmarshalMatchesReference(t *testing.T) {
	seeds := append([]string(nil), decodeSeeds...)
	seeds = append(seeds, strings.Repeat(`{"L":[`, 300)+strings.Repeat(`]}`, 300))
	for _, in := range seeds {
		got, gotErr, want, wantErr := decodeBoth([]byte(in))
		if !sameErr(gotErr, wantErr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%.80s:\n got %#v, %v\nwant %#v, %v", in, got, gotErr, want, wantErr)
		}
	}
}

// TestUnmarshalNestingLimit: encoding/json refuses JSON nested more than
// 10,000 arrays and objects deep as not well formed; so does the decoder.
func TestUnmarshalNestingLimit(t *testing.T) {
	n := maxNesting / 2
	deepest := strings.Repeat(`{"L":[`, n) + strings.Repeat(`]}`, n)
	tooDeep := strings.Repeat(`{"L":[`, n) + `{}` + strings.Repeat(`]}`, n)
	if !json.Valid([]byte(deepest)) || json.Valid([]byte(tooDeep)) {
		t.Fatal("encoding/json's nesting limit is not 10,000")
	}
	var v Value
	if err := v.UnmarshalJSON([]byte(deepest)); err != nil || v.T != L {
		t.Fatalf("%d levels: %v", n, err)
	}
	if err := v.UnmarshalJSON([]byte(tooDeep)); !sameErr(err, errPayload) {
		t.Fatalf("one level more: %v; want %v", err, errPayload)
	}
}

// FuzzUnmarshal holds the one-pass decoder to the reference: the same
// value or the same error, for a value alone and for an item of values
// decoded by encoding/json (which calls the decoder for each).
func FuzzUnmarshal(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gotErr, want, wantErr := decodeBoth(data)
		if !sameErr(gotErr, wantErr) || !reflect.DeepEqual(got, want) {
			t.Fatalf("value %q:\n got %#v, %v\nwant %#v, %v", data, got, gotErr, want, wantErr)
		}
		item := append(append([]byte(`{"a":`), data...), `,"b":{"S":"x"}}`...)
		var it Item
		itErr := json.Unmarshal(item, &it)
		var ref map[string]refValue
		refErr := json.Unmarshal(item, &ref)
		if !sameErr(itErr, refErr) {
			t.Fatalf("item %q: error %v; want %v", item, itErr, refErr)
		}
		if itErr == nil {
			wantIt := Item{}
			for k, v := range ref {
				wantIt[k] = v.v
			}
			if !reflect.DeepEqual(it, wantIt) {
				t.Fatalf("item %q:\n got %#v\nwant %#v", item, it, wantIt)
			}
		}
	})
}

// BenchmarkUnmarshalItem decodes a PutItem's item as the API does, the
// values nested two levels deep.
func BenchmarkUnmarshalItem(b *testing.B) {
	body := []byte(`{"pk":{"S":"user-123"},"sk":{"N":"4567"},"name":{"S":"some name"},"score":{"N":"42"},"active":{"BOOL":true},` +
		`"tags":{"SS":["a","b"]},"addr":{"M":{"city":{"S":"Paris"},"zip":{"N":"75001"},"lines":{"L":[{"S":"1 rue"},{"S":"2e"}]}}}}`)
	b.ReportAllocs()
	for b.Loop() {
		var it Item
		if err := json.Unmarshal(body, &it); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshalItemReference is BenchmarkUnmarshalItem with the
// reference decoder, for comparison.
func BenchmarkUnmarshalItemReference(b *testing.B) {
	body := []byte(`{"pk":{"S":"user-123"},"sk":{"N":"4567"},"name":{"S":"some name"},"score":{"N":"42"},"active":{"BOOL":true},` +
		`"tags":{"SS":["a","b"]},"addr":{"M":{"city":{"S":"Paris"},"zip":{"N":"75001"},"lines":{"L":[{"S":"1 rue"},{"S":"2e"}]}}}}`)
	b.ReportAllocs()
	for b.Loop() {
		var it map[string]refValue
		if err := json.Unmarshal(body, &it); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzNumber holds ParseNumber's and NumberSize's fast paths to apd's.
func FuzzNumber(f *testing.F) {
	for _, s := range []string{"0", "-0", "1", "-1", "1500", "0.5", "-0.05", "10.5", "1.50", "00", "01", ".5", "5.", "1e3", "-", "",
		"12345678901234567890123456789012345678", "123456789012345678901234567890123456789", "0.00000000000000000000000000000000000001", "1.2.3", "1-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gotErr := ParseNumber(s)
		want, wantErr := parseNumberSlow(s)
		if got != want || gotErr != wantErr {
			t.Fatalf("ParseNumber(%q) = %q, %v; apd gives %q, %v", s, got, gotErr, want, wantErr)
		}
		if g, w := NumberSize(s), numberSizeSlow(s); g != w {
			t.Fatalf("NumberSize(%q) = %d; apd gives %d", s, g, w)
		}
	})
}

// FuzzAppendString holds appendString's fast path to json.Marshal.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"uote`, `back\\slash`, "<a&b>", "\x01", "\xff", "é", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("appendString(%q) = %s; json.Marshal gives %s", s, got, want)
		}
	})
}

package awsjson

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// decoderTree is what parse built before parseTree: the first value of
// body by encoding/json's Decoder with UseNumber.
func decoderTree(body []byte) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

var treeSeeds = []string{
	`{}`, `{"a":1}`, `{"a":-1.5e+3,"b":[1,"x",true,false,null,{}],"c":{"d":[]}}`, `{"a":1,"a":2}`, ` {"a":"b"} trailing`,
	`{"a":1}{`, `{"a":"\u00e9\ud800x\n"}`, "{\"a\":\"\xff\"}", `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":1e}`, `{"a":tru}`,
	`{"a":[1,]}`, `{"a":1,}`, `{,}`, `{"a" 1}`, `{"a":"\x"}`, "{\"a\":\"\x01\"}", `[1]`, `"s"`, `12`, `nul`, ``, `{`, `{"a":[`,
}

func TestParseTreeMatchesDecoder(t *testing.T) {
	seeds := append([]string(nil), treeSeeds...)
	n := maxNesting
	seeds = append(seeds, `{"a":`+strings.Repeat("[", n-1)+strings.Repeat("]", n-1)+`}`, `{"a":`+strings.Repeat("[", n)+strings.Repeat("]", n)+`}`)
	for _, in := range seeds {
		got, gotOK := parseTree([]byte(in))
		want, wantOK := decoderTree([]byte(in))
		if gotOK != wantOK || !reflect.DeepEqual(got, want) {
			t.Errorf("%.60q: got %#v, %v; the Decoder gives %#v, %v", in, got, gotOK, want, wantOK)
		}
	}
}

// FuzzParseTree holds parseTree to encoding/json's Decoder: the same
// value, or both refusing the input.
func FuzzParseTree(f *testing.F) {
	for _, s := range treeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gotOK := parseTree(data)
		want, wantOK := decoderTree(data)
		if gotOK != wantOK || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %#v, %v; the Decoder gives %#v, %v", data, got, gotOK, want, wantOK)
		}
	})
}

// BenchmarkParse: a PutItem request's tree, as the type check builds it.
func BenchmarkParse(b *testing.B) {
	body := []byte(`{"TableName":"bench","Item":{"pk":{"S":"user-1"},"sk":{"N":"12345"},"name":{"S":"some name"},"score":{"N":"42"},"active":{"BOOL":true}}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseDecoder is BenchmarkParse with encoding/json's Decoder.
func BenchmarkParseDecoder(b *testing.B) {
	body := []byte(`{"TableName":"bench","Item":{"pk":{"S":"user-1"},"sk":{"N":"12345"},"name":{"S":"some name"},"score":{"N":"42"},"active":{"BOOL":true}}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := decoderTree(body); !ok {
			b.Fatal("not parsed")
		}
	}
}

package warehouse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// jsonCases are inputs at the edges of the grammar, each judged by
// encoding/json.Valid.
var jsonCases = []string{
	``, ` `, `{}`, `[]`, `{"a":1}`, ` {"a" : [1, 2.5e-3, -0, "x\u00e9\n", true, false, null]} `,
	`{"a":1,}`, `[1,]`, `[,1]`, `{,}`, `{"a"}`, `{"a":}`, `{1:2}`, `{"a":1 "b":2}`, `[1 2]`,
	`01`, `-`, `-01`, `1.`, `.5`, `1e`, `1e+`, `1E-7`, `-0.0e0`, `+1`, `NaN`, `Infinity`, `1e999`,
	`"abc`, `"a\"b"`, `"\x"`, `"\u12"`, `"\u12G4"`, `"\uABCD"`, "\"a\x01b\"", "\"\xff\"", "\"tab\tinside\"",
	`1e308`, `-1.8e308`, `1e-400`, `[0e99999, 1E+400]`, `tru`, `true`, `truex`, `nul`, `null`, `false `, `fals`, `{"a":1}{}`, `{"a":1} x`, `[[[]]]`, `[[[]]`,
	`{"a":{"b":{"c":[{"d":null}]}}}`, "\t\r\n[\t1\r,\n2 ]\n", `"`, `[`, `{`, `]`, `}`, `:`, `,`,
}

func TestValidJSON(t *testing.T) {
	cases := append([]string{}, jsonCases...)
	cases = append(cases, string(changeRecord(7)))
	for _, depth := range []int{maxJSONDepth - 1, maxJSONDepth, maxJSONDepth + 1} {
		cases = append(cases, strings.Repeat("[", depth)+strings.Repeat("]", depth))
		cases = append(cases, strings.Repeat(`{"a":`, depth)+"1"+strings.Repeat("}", depth))
	}
	cases = append(cases, `"\ud83d\ude00"`, `"\ud800"`, `"\udc00"`, `"\ud800\u0041"`, `"\ud800x"`, `["\uDBFF\uDFFF"]`, `"\\ud800"`)
	for _, c := range cases {
		if err := agreesWithEncodingJSON([]byte(c)); err != nil {
			t.Error(err)
		}
	}
}

// agreesWithEncodingJSON checks checkJSON against encoding/json.Valid: it
// accepts exactly what json.Valid accepts within SUPER's limits, which
// json.Valid does not know: valid UTF-8, nesting at most 1,000 deep, no
// unpaired surrogate escape.
func agreesWithEncodingJSON(b []byte) error {
	got, valid := checkJSON(b), json.Valid(b)
	switch {
	case got == jsonOK && !valid:
		return fmt.Errorf("checkJSON(%.40q) accepts what json.Valid refuses", b)
	case got == jsonOK || !valid && got != jsonTooDeep && got != jsonSurrogate:
		return nil
	case got == jsonBadUTF8 && !utf8.Valid(b):
		return nil
	case got == jsonNumberRange && valid:
		return nil
	case got == jsonTooDeep && valid && jsonDepth(b) > maxJSONDepth:
		return nil
	case got == jsonSurrogate && valid && bytes.Contains(bytes.ToLower(b), []byte(`\ud`)):
		return nil
	}
	return fmt.Errorf("checkJSON(%.40q) = %v, json.Valid says %v", b, got, valid)
}

// jsonDepth is how deeply valid JSON b nests, by encoding/json's tokens.
func jsonDepth(b []byte) int {
	d := json.NewDecoder(bytes.NewReader(b))
	depth, most := 0, 0
	for {
		tok, err := d.Token()
		if err != nil {
			return most
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
			most = max(most, depth)
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
}

// FuzzValidJSON: checkJSON agrees with encoding/json.Valid on every input
// (within SUPER's limits, see agreesWithEncodingJSON).
func FuzzValidJSON(f *testing.F) {
	for _, c := range jsonCases {
		f.Add([]byte(c))
	}
	f.Add(changeRecord(1))
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := agreesWithEncodingJSON(b); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkValidJSON(b *testing.B) {
	rec := changeRecord(12345)
	b.Run("validJSON", func(b *testing.B) {
		b.SetBytes(int64(len(rec)))
		for b.Loop() {
			if !validJSON(rec) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(rec)))
		for b.Loop() {
			if !json.Valid(rec) {
				b.Fatal("invalid")
			}
		}
	})
}

package warehouse

import (
	"encoding/json"
	"strings"
	"testing"
)

// jsonCases are inputs at the edges of the grammar, each judged by
// encoding/json.Valid.
var jsonCases = []string{
	``, ` `, `{}`, `[]`, `{"a":1}`, ` {"a" : [1, 2.5e-3, -0, "x\u00e9\n", true, false, null]} `,
	`{"a":1,}`, `[1,]`, `[,1]`, `{,}`, `{"a"}`, `{"a":}`, `{1:2}`, `{"a":1 "b":2}`, `[1 2]`,
	`01`, `-`, `-01`, `1.`, `.5`, `1e`, `1e+`, `1E-7`, `-0.0e0`, `+1`, `NaN`, `Infinity`, `1e999`,
	`"abc`, `"a\"b"`, `"\x"`, `"\u12"`, `"\u12G4"`, `"\uABCD"`, "\"a\x01b\"", "\"\xff\"", "\"tab\tinside\"",
	`tru`, `true`, `truex`, `nul`, `null`, `false `, `fals`, `{"a":1}{}`, `{"a":1} x`, `[[[]]]`, `[[[]]`,
	`{"a":{"b":{"c":[{"d":null}]}}}`, "\t\r\n[\t1\r,\n2 ]\n", `"`, `[`, `{`, `]`, `}`, `:`, `,`,
}

func TestValidJSON(t *testing.T) {
	cases := append([]string{}, jsonCases...)
	cases = append(cases, string(changeRecord(7)))
	for _, depth := range []int{maxJSONDepth - 1, maxJSONDepth, maxJSONDepth + 1} {
		cases = append(cases, strings.Repeat("[", depth)+strings.Repeat("]", depth))
		cases = append(cases, strings.Repeat(`{"a":`, depth)+"1"+strings.Repeat("}", depth))
	}
	for _, c := range cases {
		if got, want := validJSON([]byte(c)), json.Valid([]byte(c)); got != want {
			t.Errorf("validJSON(%.40q) = %v, json.Valid says %v", c, got, want)
		}
	}
}

// FuzzValidJSON: validJSON agrees with encoding/json.Valid on every input.
func FuzzValidJSON(f *testing.F) {
	for _, c := range jsonCases {
		f.Add([]byte(c))
	}
	f.Add(changeRecord(1))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Fatalf("validJSON(%q) = %v, json.Valid says %v", b, got, want)
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

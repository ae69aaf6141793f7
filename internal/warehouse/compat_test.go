package warehouse

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

func TestParseBytea(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []byte
		err  bool
	}{
		{`\x`, []byte{}, false},
		{`\x00FFab`, []byte{0, 0xff, 0xab}, false},
		{`\x0`, nil, true},
		{`\xzz`, nil, true},
		{`abc`, []byte("abc"), false},
		{`a\\b\000\377`, []byte{'a', '\\', 'b', 0, 0xff}, false},
		{`\400`, nil, true},
		{`\q`, nil, true},
	} {
		got, err := ParseBytea(tc.in)
		if (err != nil) != tc.err || !bytes.Equal(got, tc.want) {
			t.Errorf("ParseBytea(%q) = %x, %v", tc.in, got, err)
		}
	}
}

// FuzzParseBytea: both of Postgres's text forms of any bytes read back as
// those bytes, and any text parses without panicking.
func FuzzParseBytea(f *testing.F) {
	f.Add([]byte{0, 1, '\\', 'x', 0xff})
	f.Add([]byte(`\x0`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseBytea(string(b))
		if got, err := ParseBytea(`\x` + hex.EncodeToString(b)); err != nil || !bytes.Equal(got, b) {
			t.Fatalf("hex form of %x: %x, %v", b, got, err)
		}
		var esc strings.Builder
		for _, c := range b {
			if c == '\\' || c < 0x20 || c > 0x7e {
				fmt.Fprintf(&esc, `\%03o`, c)
			} else {
				esc.WriteByte(c)
			}
		}
		if got, err := ParseBytea(esc.String()); err != nil || !bytes.Equal(got, b) {
			t.Fatalf("escape form %q of %x: %x, %v", esc.String(), b, got, err)
		}
	})
}

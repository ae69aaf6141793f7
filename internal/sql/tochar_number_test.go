package sql

import "testing"

// TestFormatNumber checks TO_CHAR's numeric formats against Postgres's
// documented to_char examples (Redshift's TO_CHAR follows them; SQL
// reference, "Numeric format strings", "TO_CHAR").
func TestFormatNumber(t *testing.T) {
	for _, tc := range []struct{ n, f, want string }{
		{"-125.8", "999D99S", "125.80-"},
		{"125.8", "999.99", " 125.80"},
		{"-0.1", "99.99", "  -.10"},
		{"-0.1", "FM9.99", "-.1"},
		{"0.1", "0.9", " 0.1"},
		{"12", "9990999.9", "    0012.0"},
		{"485", "999", " 485"},
		{"-485", "999", "-485"},
		{"1485", "9,999", " 1,485"},
		{"148.5", "999.999", " 148.500"},
		{"-485", "999S", "485-"},
		{"-485", "999MI", "485-"},
		{"485", "999MI", "485 "},
		{"485", "PL999", "+485"},
		{"485", "SG999", "+485"},
		{"-485", "SG999", "-485"},
		{"-485", "999PR", "<485>"},
		{"12454.8", "99G999D9S", "12,454.8+"},
		{"5", "FM999", "5"},
		{"1234", "99", "###"},
		{"2.675", "9.99", " 2.68"},
	} {
		got, ok := FormatNumber(tc.n, tc.f)
		if !ok || got != tc.want {
			t.Errorf("to_char(%s, %q) = %q, want %q", tc.n, tc.f, got, tc.want)
		}
	}
}

// FuzzFormatNumber: any number and format give an answer or false, never
// a panic.
func FuzzFormatNumber(f *testing.F) {
	f.Add("-125.8", "999D99S")
	f.Add("12454.8", "FM99G999D9PR")
	f.Add("1e3", "L9,999.00MI")
	f.Fuzz(func(t *testing.T, n, format string) {
		if len(n) > 100 || len(format) > 100 {
			return
		}
		FormatNumber(n, format)
	})
}

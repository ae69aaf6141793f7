package warehouse

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

func TestPgCompatRewrites(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"select version()", "select blueshift_catalog.version() AS version"},
		{"select 1, version() from t", "select 1, blueshift_catalog.version() AS version from t"},
		{"select version() v", "select blueshift_catalog.version() v"},
		{"select length(version())", "select length(blueshift_catalog.version())"},
		{"select pg_catalog.version()", "select blueshift_catalog.version() AS version"},
		{"select x.version() from x", "select x.version() from x"},
		{"select version from releases", "select version from releases"},
		{"select format_type(a.atttypid, a.atttypmod)", "select blueshift_catalog.format_type(a.atttypid, a.atttypmod)"},
		{"select pg_catalog.format_type(1, 2)", "select blueshift_catalog.format_type(1, 2)"},
		{"select * from pg_catalog.pg_attribute a", "select * from blueshift_catalog.pg_attribute a"},
		{"select 'version()'", "select 'version()'"},
		{"select pg_size_pretty(pg_table_size(c.oid))", "select blueshift_catalog.pg_size_pretty(blueshift_catalog.pg_table_size(c.oid))"},
		{"select pg_catalog.pg_size_pretty(pg_catalog.pg_total_relation_size(1))", "select blueshift_catalog.pg_size_pretty(blueshift_catalog.pg_total_relation_size(1))"},
		{"select pg_relation_size from sizes", "select pg_relation_size from sizes"},
		{`select "pg_table_size"(1)`, `select "pg_table_size"(1)`},
		{"select pg_catalog.pg_get_viewdef(1, true)", "select blueshift_catalog.pg_get_viewdef(1, true)"},
		{"select * from pg_catalog.pg_auth_members", "select * from blueshift_catalog.pg_auth_members"},
		// Unqualified catalog tables are pg_catalog's, as in Postgres (SQLAlchemy's schema listing).
		{"SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%'", "SELECT nspname FROM blueshift_catalog.pg_namespace WHERE nspname NOT LIKE 'pg_%'"},
		{"select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace", "select c.relname from blueshift_catalog.pg_class c join blueshift_catalog.pg_namespace n on n.oid = c.relnamespace"},
		{"select n.pg_class from s.pg_class n", "select n.pg_class from s.pg_class n"},
		{"select * from information_schema.columns c", "select * from blueshift_catalog.information_schema_columns c"},
		{"select * from INFORMATION_SCHEMA.Tables", "select * from blueshift_catalog.information_schema_tables"},
		{"select * from information_schema.routines", "select * from information_schema.routines"},
		{"select 'information_schema.columns'", "select 'information_schema.columns'"},
	} {
		got, _ := pgCompat(tc.in)
		if got != tc.want {
			t.Errorf("pgCompat(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// FuzzPgCompat: any text is rewritten without panicking, and text that
// mentions none of the trigger words comes back unchanged.
func FuzzPgCompat(f *testing.F) {
	for _, s := range []string{"select version()", "select pg_catalog.format_type(1,2)", "OPERATOR(pg_catalog.~)",
		"array(select 1)", "x::pg_catalog.regtype", "/* version(", "select 'pg_catalog", "select pg_size_pretty(pg_table_size(1))"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, changed := pgCompat(s)
		if !changed && out != s {
			t.Fatalf("unchanged but different: %q -> %q", s, out)
		}
		if !mentionsAny(s, compatTriggers...) && changed {
			t.Fatalf("rewrote %q without a trigger word: %q", s, out)
		}
	})
}

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

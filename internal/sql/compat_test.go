package sql

import (
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestCatalogCompat runs testdata/compat: a statement in, the statement
// after the Postgres catalog rule out ("unchanged" when the rule leaves
// it). Regenerate with go test -rewrite and review the diff.
func TestCatalogCompat(t *testing.T) {
	datadriven.RunTest(t, "testdata/compat", func(t *testing.T, d *datadriven.TestData) string {
		if d.Cmd != "compat" {
			t.Fatalf("%s: unknown command %s", d.Pos, d.Cmd)
		}
		out, changed := CatalogCompat(d.Input, "blueshift_catalog")
		if !changed {
			if out != d.Input {
				t.Fatalf("%s: unchanged but different: %q", d.Pos, out)
			}
			return "unchanged\n"
		}
		return out + "\n"
	})
}

// FuzzCatalogCompat: any text is rewritten without panicking, text that
// mentions none of the trigger words comes back unchanged, and the rule
// never touches a string literal's contents.
func FuzzCatalogCompat(f *testing.F) {
	for _, s := range []string{"select version()", "select pg_catalog.format_type(1,2)", "OPERATOR(pg_catalog.~)",
		"array(select 1)", "x::pg_catalog.regtype", "/* version(", "select 'pg_catalog", "select pg_size_pretty(pg_table_size(1))",
		"select $$pg_catalog.version()$$", "select $$ -- $$, version()", "select n.nspname !~ '^pg_' from pg_namespace n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, changed := CatalogCompat(s, "blueshift_catalog")
		if !changed && out != s {
			t.Fatalf("unchanged but different: %q -> %q", s, out)
		}
		if !mentionsAny(s, CompatTriggers...) && changed {
			t.Fatalf("rewrote %q without a trigger word: %q", s, out)
		}
	})
}

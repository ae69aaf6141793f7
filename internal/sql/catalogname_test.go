package sql

import (
	"strings"
	"testing"
)

func TestCatalogName(t *testing.T) {
	for _, c := range []struct{ name, catalog string }{
		{"mixedcasedtable", "mixedcasedtable"},
		{"MixedCasedTable", "^mixed^cased^table"},
		{"a^b", "a^^b"},
		{"^A", "^^^a"},
		{"Été", "Été"}, // DuckDB folds ASCII letters only
		{"", ""},
	} {
		if got := CatalogName(c.name); got != c.catalog {
			t.Errorf("CatalogName(%q) = %q, want %q", c.name, got, c.catalog)
		}
		if got := DisplayName(c.catalog); got != c.name {
			t.Errorf("DisplayName(%q) = %q, want %q", c.catalog, got, c.name)
		}
	}
	// A '^' that no encoding writes is kept.
	if got := DisplayName("a^1^"); got != "a^1^" {
		t.Errorf("DisplayName(a^1^) = %q", got)
	}
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// FuzzCatalogName checks that catalog names are lower case (in ASCII),
// decode to the name, and differ for names that differ.
func FuzzCatalogName(f *testing.F) {
	for _, s := range []string{"MixedCasedTable", "a^b", "^A", "^^", "x"} {
		f.Add(s, strings.ToLower(s))
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ca, cb := CatalogName(a), CatalogName(b)
		if strings.ContainsAny(ca, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			t.Fatalf("CatalogName(%q) = %q has upper case", a, ca)
		}
		if DisplayName(ca) != a {
			t.Fatalf("DisplayName(CatalogName(%q)) = %q", a, DisplayName(ca))
		}
		if a != b && asciiLower(ca) == asciiLower(cb) { // DuckDB's comparison

			t.Fatalf("%q and %q share catalog name %q", a, b, ca)
		}
	})
}

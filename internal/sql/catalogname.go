package sql

import "strings"

// CatalogName is the name DuckDB's catalog keeps for an object or column
// Redshift names name (a name as Fold returns it).
//
// Redshift's catalog is case-sensitive: with enable_case_sensitive_identifier
// on, "MixedCasedTable" and mixedcasedtable are two tables. DuckDB's is not,
// so a name with an upper-case ASCII letter is kept with each such letter
// written as '^' and the letter in lower case, and a '^' as "^^": the
// catalog name is lower case and names no other Redshift name.
// "MixedCasedTable" is kept as "^mixed^cased^table". Names without an
// upper-case letter or a '^' (all of them while the setting is off) are kept
// as they are. DisplayName reverses it.
func CatalogName(name string) string {
	if strings.IndexFunc(name, func(r rune) bool { return r == '^' || (r >= 'A' && r <= 'Z') }) < 0 {
		return name
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c == '^':
			b.WriteString("^^")
		case c >= 'A' && c <= 'Z':
			b.WriteByte('^')
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// DisplayName is the Redshift name of a DuckDB catalog name (CatalogName's
// inverse): what result columns and catalog views show. A '^' not followed
// by a lower-case letter or another '^' is kept.
func DisplayName(name string) string {
	if !strings.Contains(name, "^") {
		return name
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '^' && i+1 < len(name) {
			switch n := name[i+1]; {
			case n == '^':
				b.WriteByte('^')
				i++
				continue
			case n >= 'a' && n <= 'z':
				b.WriteByte(n - 'a' + 'A')
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// DisplayNameSQL is DisplayName as a DuckDB expression over the VARCHAR
// expression x, for catalog views.
func DisplayNameSQL(x string) string {
	e := "replace(" + x + ", '^^', chr(1))"
	for c := 'a'; c <= 'z'; c++ {
		e = "replace(" + e + ", '^" + string(c) + "', '" + string(c-'a'+'A') + "')"
	}
	return "CASE WHEN strpos(" + x + ", '^') = 0 THEN " + x + " ELSE replace(" + e + ", chr(1), '^') END"
}

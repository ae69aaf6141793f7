package sql

import (
	"fmt"
	"strings"
)

// ListFromArray rewrites a Postgres array literal ({1,2}, {"a b",NULL},
// {{1,2},{3,4}}) into DuckDB's list syntax ([1,2], ["a b",NULL]): the same
// elements, quoting and escapes, with brackets for braces outside quotes.
func ListFromArray(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") { // a dimension decoration: [1:2]={1,2}
		if i := strings.Index(s, "="); i >= 0 {
			s = s[i+1:]
		}
	}
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return "", fmt.Errorf("malformed array literal: %q", s)
	}
	var b strings.Builder
	b.Grow(len(s))
	quoted, escaped := false, false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case quoted && r == '\\':
			escaped = true
		case r == '"':
			quoted = !quoted
		case !quoted && r == '{':
			r = '['
		case !quoted && r == '}':
			r = ']'
		}
		b.WriteRune(r)
	}
	if quoted {
		return "", fmt.Errorf("malformed array literal: %q", s)
	}
	return b.String(), nil
}

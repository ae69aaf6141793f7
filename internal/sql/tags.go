package sql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/lex"
)

// LeadingKeywords returns up to n upper-cased keywords at the start of
// text, skipping comments and opening parentheses; it stops at the first
// token that is not a keyword.
func LeadingKeywords(text string, n int) []string {
	var words []string
	l := lex.New(text)
	for len(words) < n {
		t, err := l.Next()
		if err != nil {
			break
		}
		if t.Is("(") {
			continue
		}
		if t.Kind != lex.Ident {
			break
		}
		words = append(words, strings.ToUpper(t.Value))
	}
	return words
}

// CommandTag names a statement's command the way Postgres tags it, from
// its leading keywords: "CREATE TABLE", "DROP VIEW", "TRUNCATE TABLE".
func CommandTag(text string) string {
	words := LeadingKeywords(text, 6)
	if len(words) == 0 {
		return ""
	}
	first := words[0]
	switch first {
	case "CREATE", "DROP", "ALTER":
		rest := words[1:]
		for len(rest) > 0 {
			switch rest[0] {
			case "OR", "REPLACE", "TEMP", "TEMPORARY", "UNIQUE", "LOCAL", "GLOBAL", "UNLOGGED", "PERSISTENT":
				rest = rest[1:]
				continue
			}
			break
		}
		if len(rest) == 0 {
			return first
		}
		switch rest[0] {
		case "MATERIALIZED", "EXTERNAL", "FOREIGN":
			if len(rest) > 1 {
				return first + " " + rest[0] + " " + rest[1]
			}
		case "MACRO":
			return first + " FUNCTION"
		}
		return first + " " + rest[0]
	case "TRUNCATE":
		return "TRUNCATE TABLE"
	case "END":
		return "COMMIT"
	case "ABORT":
		return "ROLLBACK"
	}
	return first
}

// EndsTransaction reports whether a statement ends a transaction block
// (ROLLBACK, ABORT, COMMIT, END): the only statements an aborted block
// accepts.
func EndsTransaction(text string) bool {
	w := LeadingKeywords(text, 1)
	if len(w) == 0 {
		return false
	}
	switch w[0] {
	case "ROLLBACK", "ABORT", "COMMIT", "END":
		return true
	}
	return false
}

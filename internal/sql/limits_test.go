package sql

import (
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// TestComplexityLimits: statements past the limits fail with 54001
// (statement_too_complex, Postgres's code for them) before planning; those
// at the limits translate.
func TestComplexityLimits(t *testing.T) {
	union := func(n int) string { return "SELECT 1" + strings.Repeat(" UNION ALL SELECT 1", n) }
	in := func(n int) string { return "SELECT 1 WHERE 1 IN (" + strings.Repeat("1,", n-1) + "1)" }
	for _, c := range []struct {
		sql     string
		tooMuch bool
	}{
		{union(MaxSetOperations), false},
		{union(MaxSetOperations + 1), true},
		{in(MaxInListItems), false},
		{in(MaxInListItems + 1), true},
		{"SELECT " + strings.Repeat("1+", MaxOperators+1) + "1", true},
		// A chain of operators nests one level each; DuckDB refuses more
		// than 1,000 levels (its max_expression_depth).
		{"SELECT " + strings.Repeat("1+", MaxOperatorChain) + "1", false},
		{"SELECT " + strings.Repeat("1+", MaxOperatorChain+1) + "1", true},
		{"SELECT " + strings.Repeat("'a'||", MaxOperatorChain+1) + "'a'", true},
		{"SELECT 1 WHERE " + strings.Repeat("(", 10) + strings.Repeat("1*", MaxOperatorChain+1) + "1" + strings.Repeat(")", 10) + " > 0", true},
		{"SELECT " + strings.Repeat("1+", 50_000) + "1", true},
		// AND and OR chains are lists to DuckDB: any length within the
		// other limits runs.
		{"SELECT 1 WHERE " + strings.Repeat("1=1 AND ", 5000) + "1=1", false},
		{"SELECT 1 WHERE " + strings.Repeat("1=1 OR ", 5000) + "1=1", false},
		// Many short chains side by side are not one long one.
		{"SELECT " + strings.Repeat("1+1+1+1, ", 2000) + "1", false},
		{"SELECT " + strings.Repeat("1+", MaxExpressionNodes) + "1", true},
	} {
		_, err := Translate(c.sql, Options{})
		if got := sqlerr.CodeOf(err) == sqlerr.StatementTooComplex; got != c.tooMuch {
			t.Errorf("%.50s... (%d bytes): err %v, want too complex %v", c.sql, len(c.sql), err, c.tooMuch)
		}
	}
}

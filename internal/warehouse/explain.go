package warehouse

// EXPLAIN as Postgres and Redshift clients read it.
//
// Behavior:
//   - DuckDB answers EXPLAIN with two columns (explain_key, explain_value),
//     the plan drawn in explain_value. Clients of Postgres and Redshift
//     expect one text column named "QUERY PLAN" with one row per line, and
//     the command tag EXPLAIN; that is what an EXPLAIN returns.
//   - The plan itself is DuckDB's (its operators and drawing), not
//     Redshift's XN nodes and costs. EXPLAIN ANALYZE returns DuckDB's
//     profiled plan the same way.
//   - Which statements may be explained, and how (the statement translated
//     as it would be alone; ANALYZE only of a query), is the SQL front
//     end's: internal/sql/explain.go.

import (
	"database/sql/driver"
	"errors"
	"io"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// explainColumns is the one column an EXPLAIN returns.
var explainColumns = []Column{{Name: "QUERY PLAN", Type: Type{Kind: KindText, DuckDB: "VARCHAR"}}}

// explainResult reads DuckDB's EXPLAIN rows and returns their plan text one
// line per row. It closes rows; query is the statement, for errors.
func explainResult(rows driver.Rows, query string) (*Result, error) {
	defer rows.Close()
	dst := make([]driver.Value, len(rows.Columns()))
	var out [][]any
	for {
		err := rows.Next(dst)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, classify(err, query)
		}
		if len(dst) == 0 {
			continue
		}
		plan, _ := dst[len(dst)-1].(string)
		for _, line := range strings.Split(strings.TrimRight(plan, "\n"), "\n") {
			out = append(out, []any{line})
		}
	}
	r := rowsResult("EXPLAIN", explainColumns, out)
	r.counted = false
	return r, nil
}

// explained returns the statement an EXPLAIN explains, or stmt itself: what
// the engine learns about a statement from the catalog (its parameters'
// types, the columns its bytea literals go to) it learns for the statement
// explained as for the statement alone.
func explained(stmt ast.Stmt) ast.Stmt {
	if e, ok := stmt.(*ast.Explain); ok {
		return e.Stmt
	}
	return stmt
}

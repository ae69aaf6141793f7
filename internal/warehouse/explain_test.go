package warehouse

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// EXPLAIN of a query over SUPER stored as JSON text (a streaming view's
// records) translates the query as it is translated alone: the column is
// read through the JSON-at-rest rule (internal/sql/jsonrest.go), which
// needs the catalog's word that the column is JSON (Options.JSONColumns).
// EXPLAIN ANALYZE runs that query: the rows the unnest counts are the rows
// the query returns.
func TestExplainOfJSONText(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	mustRun(t, s, `CREATE TABLE docs_text (id INT, doc VARCHAR(200))`)
	mustRun(t, s, `INSERT INTO docs_text VALUES (1, '{"g": {"l": [{"k": "a"}, {"k": "b"}]}}'), (2, '{"g": {"l": []}}'), (3, '{}')`)
	if _, err := s.Conn().Exec(context.Background(), `CREATE TABLE docs_j AS SELECT id, `+checkedJSONText+`(doc) AS payload FROM docs_text`); err != nil {
		t.Fatal(err)
	}
	const q = `SELECT p.id, x.k FROM docs_j p LEFT JOIN p.payload.g.l x ON true`
	got := mustRun(t, s, q+" ORDER BY 1, 2")
	if want := "[1 \"a\"]\n[1 \"b\"]\n[2 <nil>]\n[3 <nil>]\nSELECT 4\n"; got != want {
		t.Fatalf("the query itself: got %q, want %q", got, want)
	}
	// A projection of the plan computes the shared extraction of the JSON
	// text's paths, and the profiled unnest counted the query's 4 rows
	// (DuckDB draws counted rows as "4 rows", estimates as "~4 rows").
	plan := mustRun(t, s, "EXPLAIN ANALYZE "+q)
	if !strings.Contains(plan, "__rs_paths_1") {
		t.Errorf("the plan does not read payload as JSON text:\n%s", plan)
	}
	if !regexp.MustCompile(`│\s+4 rows\s+│`).MatchString(plan) {
		t.Errorf("no operator counted 4 rows:\n%s", plan)
	}
	if plan := mustRun(t, s, "EXPLAIN "+q); !strings.Contains(plan, "__rs_paths_1") {
		t.Errorf("EXPLAIN: the plan does not read payload as JSON text:\n%s", plan)
	}
}

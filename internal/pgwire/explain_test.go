package pgwire_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// explainLines runs q and returns its QUERY PLAN rows, failing unless the
// result is Postgres's EXPLAIN: one text column named "QUERY PLAN" and the
// command tag EXPLAIN.
func explainLines(ctx context.Context, t *testing.T, c *pgx.Conn, mode pgx.QueryExecMode, q string) []string {
	t.Helper()
	rows, err := c.Query(ctx, q, mode)
	if err != nil {
		t.Fatalf("%v %q: %v", mode, q, err)
	}
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatalf("%v %q: %v", mode, q, err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%v %q: %v", mode, q, err)
	}
	if fds := rows.FieldDescriptions(); len(fds) != 1 || fds[0].Name != "QUERY PLAN" {
		t.Fatalf("%v %q: columns %+v", mode, q, fds)
	}
	if tag := rows.CommandTag().String(); tag != "EXPLAIN" {
		t.Fatalf("%v %q: tag %q", mode, q, tag)
	}
	if len(lines) == 0 {
		t.Fatalf("%v %q: no plan", mode, q)
	}
	return lines
}

// EXPLAIN takes Redshift's statements as the statements themselves are
// taken: Redshift functions, PartiQL unnesting of SUPER, VERBOSE (SQL
// reference, "EXPLAIN": EXPLAIN [ VERBOSE ] query, for SELECT, SELECT INTO,
// CREATE TABLE AS, INSERT, UPDATE and DELETE), and Postgres's ANALYZE and
// option-list forms.
func TestExplainTranslatesTheStatement(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, `create table t (id int, d date);
		insert into t values (1, '2024-01-31'), (null, '2024-02-29');
		create table docs (id int, p super);
		insert into docs values (1, json_parse('{"b": [{"a": 1}, {"a": 2}]}')), (2, json_parse('{"b": []}'))`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"EXPLAIN SELECT getdate()",
		"EXPLAIN SELECT nvl(id, 0), dateadd(day, 1, d) FROM t",
		"explain select x.a from docs a left join a.p.b x on true",
		"EXPLAIN VERBOSE SELECT json_parse('[1]')",
		"EXPLAIN (VERBOSE, COSTS off, FORMAT text) SELECT 1",
		"EXPLAIN WITH w AS (SELECT id FROM t) SELECT * FROM w UNION ALL SELECT 2",
		"EXPLAIN INSERT INTO t SELECT nvl(id, 7), d FROM t",
		"EXPLAIN UPDATE t SET id = 5 WHERE id IS NULL",
		"EXPLAIN DELETE FROM t WHERE id = 1",
		"EXPLAIN CREATE TABLE n AS SELECT getdate() AS ts",
		"EXPLAIN SELECT * INTO n2 FROM t",
	} {
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
			explainLines(ctx, t, c, mode, q)
		}
	}

	// The unnest explained reads the table it names.
	plan := strings.Join(explainLines(ctx, t, c, pgx.QueryExecModeSimpleProtocol,
		"EXPLAIN SELECT x.a FROM docs a LEFT JOIN a.p.b x ON true"), "\n")
	if !strings.Contains(plan, "docs") {
		t.Errorf("plan does not read docs:\n%s", plan)
	}

	// EXPLAIN ANALYZE runs the query (Postgres: "the statement is actually
	// executed"): its plan counts the rows the unnest returned, three (two
	// elements of one array, one row kept for the empty one), where
	// EXPLAIN's estimates read "~3 rows" (DuckDB's drawing of a profiled
	// plan).
	counted := regexp.MustCompile(`│\s+3 rows\s+│`)
	for _, q := range []string{
		"EXPLAIN ANALYZE SELECT x.a FROM docs a LEFT JOIN a.p.b x ON true",
		"EXPLAIN (ANALYZE) SELECT x.a FROM docs a LEFT JOIN a.p.b x ON true",
	} {
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
			lines := explainLines(ctx, t, c, mode, q)
			if plan := strings.Join(lines, "\n"); !counted.MatchString(plan) {
				t.Errorf("%v %s: no operator counted 3 rows:\n%s", mode, q, plan)
			}
		}
	}

	// A parameter of the statement explained, through the extended protocol.
	rows, err := c.Query(ctx, "EXPLAIN SELECT nvl(id, 0) FROM t WHERE id = $1", 1)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil || n == 0 {
		t.Errorf("EXPLAIN with a parameter: %d rows, %v", n, err)
	}
}

// EXPLAIN without ANALYZE runs nothing (Redshift: "Displays the execution
// plan for a query statement without running the query").
func TestExplainOfAWriteWritesNothing(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, "create table t (id int); insert into t values (1), (2)"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"EXPLAIN INSERT INTO t VALUES (3)",
		"EXPLAIN UPDATE t SET id = id + 10",
		"EXPLAIN DELETE FROM t",
		"EXPLAIN CREATE TABLE n AS SELECT * FROM t",
		"EXPLAIN SELECT * INTO n FROM t",
	} {
		explainLines(ctx, t, c, pgx.QueryExecModeSimpleProtocol, q)
	}
	wantUnchanged(ctx, t, c, 2, 3)
}

// wantUnchanged checks that table t still holds rows rows summing to sum
// and that no table n was made.
func wantUnchanged(ctx context.Context, t *testing.T, c *pgx.Conn, rows, sum int) {
	t.Helper()
	var gotRows, gotSum int
	if err := c.QueryRow(ctx, "select count(*), sum(id) from t").Scan(&gotRows, &gotSum); err != nil {
		t.Fatal(err)
	}
	if gotRows != rows || gotSum != sum {
		t.Errorf("t changed: %d rows, sum %d; want %d rows, sum %d", gotRows, gotSum, rows, sum)
	}
	if _, err := c.Exec(ctx, "select * from n"); pgCode(err) != "42P01" {
		t.Errorf("an EXPLAIN made table n: %v", err)
	}
}

// What Redshift does not explain (the reference: "The EXPLAIN command will
// fail if you use it for other SQL commands"), and EXPLAIN ANALYZE of a
// write, which would run the write outside the engine's bookkeeping, are
// refused with 0A000; the statement does not run.
func TestExplainRefused(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, `create table t (id int); insert into t values (1);
		create table src (id int); insert into src values (1), (2);
		create procedure p() as $$ begin insert into t values (9); end; $$ language plpgsql`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"EXPLAIN ANALYZE INSERT INTO t VALUES (2)",
		"EXPLAIN (ANALYZE true) UPDATE t SET id = 3",
		"EXPLAIN ANALYZE DELETE FROM t",
		"EXPLAIN ANALYZE CREATE TABLE n AS SELECT 1",
		"EXPLAIN CREATE TABLE n (a int)",
		"EXPLAIN DROP TABLE t",
		"EXPLAIN TRUNCATE t",
		"EXPLAIN MERGE INTO t USING src ON t.id = src.id REMOVE DUPLICATES",
		"EXPLAIN CALL p()",
		"EXPLAIN SET search_path TO public",
		"EXPLAIN (FORMAT JSON) SELECT 1",
	} {
		if _, err := c.Exec(ctx, q); pgCode(err) != "0A000" {
			t.Errorf("%s: got %v, want SQLSTATE 0A000", q, err)
		}
	}
	wantUnchanged(ctx, t, c, 1, 1)
}

// The engine's reading of a statement against the catalog applies to the
// statement explained as to the statement alone: parameters DuckDB leaves
// untyped take their column's type, and a bytea hex literal compared with
// a VARBYTE column is bytes (Postgres: '\x0102' is two bytes).
func TestExplainReadsTheStatementAsAlone(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, `create table t (id int, name varchar(10));
		create table b (v varbyte(10)); insert into b values ('\x0102'::varbyte), ('\x0102'::varbyte), ('\x03'::varbyte)`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO t (id, name) VALUES ($1, $2)",
		"UPDATE t SET name = $1 WHERE id = $2",
	} {
		alone, err := c.Prepare(ctx, "", q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		ex, err := c.Prepare(ctx, "", "EXPLAIN "+q)
		if err != nil {
			t.Fatalf("EXPLAIN %s: %v", q, err)
		}
		if fmt.Sprint(ex.ParamOIDs) != fmt.Sprint(alone.ParamOIDs) {
			t.Errorf("EXPLAIN %s: parameter types %v, alone %v", q, ex.ParamOIDs, alone.ParamOIDs)
		}
	}
	var n int
	if err := c.QueryRow(ctx, `select count(*) from b where v = '\x0102'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("the query alone: %d rows, %v", n, err)
	}
	lines := explainLines(ctx, t, c, pgx.QueryExecModeSimpleProtocol, `EXPLAIN ANALYZE SELECT * FROM b WHERE v = '\x0102'`)
	if plan := strings.Join(lines, "\n"); !regexp.MustCompile(`│\s+2 rows\s+│`).MatchString(plan) {
		t.Errorf("no operator counted the 2 rows:\n%s", plan)
	}
}

package warehouse_test

import (
	"strings"
	"testing"
)

// Exact SUPER numbers, through pgx against the server. Redshift's SUPER
// holds "A number, such as smallint, integer, bigint, decimal, or
// floating point" (SUPER type), and JSON_PARSE keeps a number's digits: an
// integer beyond 64 bits, or a number of more digits than a double
// holds, is a decimal, so each value below is expected back with every
// digit of its text. DuckDB's own conversion made them doubles
// (123456789012345678901234567890 became 1.2345678901234568e29).

// superNumberDoc holds the inexact numbers (its keys in sorted order:
// such a document's keys come back sorted, docs/limits.md).
const superNumberDoc = `{"a":123456789012345678901234567890,"b":1.23456789012345678901,"c":[-98765432109876543210.5,7,"s",{"d":18446744073709551616}]}`

// text returns the first column of the only row of sql, as text.
func (e *streamEnv) text(sql string, args ...any) string {
	e.t.Helper()
	var s *string
	if err := e.pg.QueryRow(e.ctx, sql, args...).Scan(&s); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
	if s == nil {
		return "NULL"
	}
	return *s
}

func TestSuperNumbersExactPgx(t *testing.T) {
	e := newStreamEnv(t)
	// json_parse of a literal, of a bound parameter, and what comes out of
	// each way of reading it. Expected: the numbers' own text (above);
	// IS_DECIMAL is true for a decimal, IS_BIGINT only within 64 bits,
	// and "The set of IS_DECIMAL the set of IS_FLOAT are disjoint"
	// (IS_FLOAT); JSON_TYPEOF of a number is 'number' (JSON_TYPEOF).
	for _, c := range []struct{ sql, want string }{
		{`SELECT json_serialize(json_parse('` + superNumberDoc + `'))`, superNumberDoc},
		{`SELECT json_serialize(json_parse($1))`, superNumberDoc},
		{`SELECT json_parse($1)`, superNumberDoc}, // the SUPER value itself, as the server sends it
		{`SELECT json_parse('` + superNumberDoc + `').a`, `123456789012345678901234567890`},
		{`SELECT json_parse('` + superNumberDoc + `').c`, `[-98765432109876543210.5,7,"s",{"d":18446744073709551616}]`},
		{`SELECT json_serialize(json_parse('[123456789012345678901234567890, 1]'))`, `[123456789012345678901234567890,1]`},
		{`SELECT json_serialize(json_parse(to_varbyte('[123456789012345678901234567890]', 'utf8')))`, `[123456789012345678901234567890]`},
		{`SELECT json_serialize(json_parse('123456789012345678901234567890'))`, `123456789012345678901234567890`},
		{`SELECT json_parse($1).a::varchar`, `123456789012345678901234567890`},
		{`SELECT json_parse($1).a::decimal(38,0)::varchar`, `123456789012345678901234567890`},
		{`SELECT json_parse($1).b::decimal(38,20)::varchar`, `1.23456789012345678901`},
		{`SELECT json_serialize(json_parse($1).c[0])`, `-98765432109876543210.5`},
		{`SELECT json_serialize(json_parse($1).c[3].d)`, `18446744073709551616`},
		{`SELECT json_typeof(json_parse($1).a)`, `number`},
		{`SELECT json_typeof(json_parse($1).b)`, `number`},
		{`SELECT is_decimal(json_parse($1).a)::varchar`, `true`},
		{`SELECT is_bigint(json_parse($1).a)::varchar`, `false`},
		{`SELECT is_float(json_parse($1).a)::varchar`, `false`},
		{`SELECT is_float(json_parse($1).b)::varchar`, `false`},
		{`SELECT (json_parse($1).a = 123456789012345678901234567890)::varchar`, `true`},
		{`SELECT (json_parse($1).a = 123456789012345678901234567891)::varchar`, `false`},
	} {
		var args []any
		if strings.Contains(c.sql, "$1") {
			args = []any{superNumberDoc}
		}
		if got := e.text(c.sql, args...); got != c.want {
			t.Errorf("%s = %s, want %s", c.sql, got, c.want)
		}
	}

	// A user table: INSERT ... json_parse, then the column and a path.
	e.exec(`CREATE TABLE docs (id int, p super)`)
	e.exec(`INSERT INTO docs SELECT 1, json_parse('` + superNumberDoc + `')`)
	if _, err := e.pg.Exec(e.ctx, `INSERT INTO docs VALUES (2, json_parse($1))`, `[99999999999999999999999999999999999999, 0.12345678901234567]`); err != nil {
		t.Fatal(err)
	}
	if got := e.text(`SELECT json_serialize(p) FROM docs WHERE id = 1`); got != superNumberDoc {
		t.Errorf("docs row 1: %s, want %s", got, superNumberDoc)
	}
	if got := e.text(`SELECT p.a::varchar FROM docs WHERE id = 1`); got != `123456789012345678901234567890` {
		t.Errorf("docs row 1, p.a: %s", got)
	}
	if got := e.text(`SELECT json_serialize(p) FROM docs WHERE id = 2`); got != `[99999999999999999999999999999999999999,0.12345678901234567]` {
		t.Errorf("docs row 2: %s", got)
	}

	// A streaming view: the records put through the Kinesis API, a
	// refresh, then the column, a path, and a view that parses the
	// record inside an expression.
	e.createStream("nums", 1)
	e.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	e.exec(`CREATE MATERIALIZED VIEW v AS SELECT sequence_number, json_parse(kinesis_data) AS payload FROM k."nums"`)
	e.exec(`CREATE MATERIALIZED VIEW w AS SELECT sequence_number, json_parse(kinesis_data).n AS n FROM k."nums"`)
	e.put("nums", "a", []byte(`{"n":123456789012345678901234567890,"x":"first"}`))
	e.put("nums", "a", []byte(`{"n":5,"x":"second"}`))
	e.put("nums", "a", []byte(`{"n":-0.000123456789012345678,"x":"third"}`))
	e.exec(`REFRESH MATERIALIZED VIEW v`)
	e.exec(`REFRESH MATERIALIZED VIEW w`)
	rows, err := e.pg.Query(e.ctx, `SELECT json_serialize(payload), payload.n::varchar, json_serialize(payload.n), payload.x::varchar FROM v ORDER BY sequence_number`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var doc, n, nj, x string
		if err := rows.Scan(&doc, &n, &nj, &x); err != nil {
			t.Fatal(err)
		}
		got = append(got, doc+" | "+n+" | "+nj+" | "+x)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"n":123456789012345678901234567890,"x":"first"} | 123456789012345678901234567890 | 123456789012345678901234567890 | first`,
		`{"n":5,"x":"second"} | 5 | 5 | second`,
		`{"n":-0.000123456789012345678,"x":"third"} | -0.000123456789012345678 | -0.000123456789012345678 | third`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("streaming view v:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := e.text(`SELECT listagg(json_serialize(n), ',') WITHIN GROUP (ORDER BY sequence_number) FROM w`); got != `123456789012345678901234567890,5,-0.000123456789012345678` {
		t.Errorf("streaming view w: %s", got)
	}
	if got := e.text(`SELECT count(*)::varchar FROM v WHERE payload.n = 123456789012345678901234567890`); got != "1" {
		t.Errorf("v where payload.n = ...: %s rows, want 1", got)
	}
	// An ordinary materialized view over the streaming view keeps them.
	e.exec(`CREATE MATERIALIZED VIEW u AS SELECT sequence_number, v.payload.n AS n, v.payload AS p FROM v`)
	if got := e.text(`SELECT listagg(json_serialize(n) || ' ' || json_serialize(p), ',') WITHIN GROUP (ORDER BY sequence_number) FROM u`); got != `123456789012345678901234567890 {"n":123456789012345678901234567890,"x":"first"},5 {"n":5,"x":"second"},-0.000123456789012345678 {"n":-0.000123456789012345678,"x":"third"}` {
		t.Errorf("materialized view u: %s", got)
	}
}

// TestSuperOfParametersPgx: a SUPER value computed from a bound parameter
// comes back to the client as JSON text, as every SUPER value does
// (Redshift serializes SUPER as JSON text for clients), and a missing
// attribute is NULL (lax navigation). Before, such a statement's columns
// were learnt without the wrap that makes a VARIANT readable, and the
// query failed with XX000 "unsupported data type: VARIANT".
func TestSuperOfParametersPgx(t *testing.T) {
	e := newStreamEnv(t)
	const doc = `{"a":1.5,"b":{"c":[1,"x"]}}`
	for _, c := range []struct{ sql, want string }{
		{`SELECT json_parse($1).a`, `1.5`},
		{`SELECT json_parse($1).b`, `{"c":[1,"x"]}`},
		{`SELECT json_parse($1).b.c[1]`, `"x"`},
		{`SELECT json_parse($1).missing`, `NULL`},
		{`SELECT json_parse($1).b.c`, `[1,"x"]`},
	} {
		if got := e.text(c.sql, doc); got != c.want {
			t.Errorf("%s = %s, want %s", c.sql, got, c.want)
		}
	}
}

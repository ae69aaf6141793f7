package warehouse

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestJSONAtRestSameAnswers checks that SUPER stored as JSON text (a
// streaming view's records, read through internal/sql/jsonrest.go) answers
// every query exactly as the same documents stored as VARIANT do, names
// and types of the result columns included. The VARIANT answers are the
// reference: the partiql and scenario dialect files hold them against
// Redshift's documentation. The documents cover every kind of JSON value at
// every path (as TestSharedExtractionSameAnswers), and the queries every
// way a SUPER column is read: shared paths, paths as values, subscripts,
// the column itself and through a star, functions of it, comparisons,
// GROUP BY and ORDER BY, unnest with AT and LEFT JOIN, UNPIVOT, joins and
// subqueries.
func TestJSONAtRestSameAnswers(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	docs := []string{
		`{"h":"42","i":"text","a":"12","b":"x\"y\\z","c":{"d":"2022-07-08T23:59:59Z"},"e":"true","f":"1.50","g":{"l":[{"k":"v1"},{"k":"v2"}]}}`,
		`{"h":42,"i":{"j":1},"a":12,"b":null,"c":{"d":5},"e":true,"f":1.5,"g":{"l":[]}}`,
		`{"a":{"x":1},"b":[1,2],"c":"str","e":"no","f":"abc","g":{"l":"not a list"}}`,
		`{"a":-7.9,"b":"é ✓ \u0041","c":{"d":null},"e":false,"f":123456,"g":{"l":[1,"two",null,{"k":3}]}}`,
		`{}`,
		`"just a string"`,
		`[1,2,3]`,
		`null`,
		`{"a":"1e3","b":" padded ","c":{"d":"2022-07-08 23:59:59.123456+02"},"e":"TRUE","f":"12.7"}`,
		`{"a":" 12 ","c":{"d":"2022-13-45"},"e":"t","f":"+5","g":{"l":[[1,2],[3]]}}`,
		`{"a":"12.7","c":{"d":"1657294923614"},"f":"0x10","h":18446744073709551615,"i":-9223372036854775808}`,
		`{"A":"upper","a":"lower","b":"","c":{"d":"2022-07-08"},"e":"1","f":"-0.5","h":1.5e3,"i":1E-2}`,
		`{"a":1,"a":2,"b":{"b":{"b":"deep"}},"e":0,"f":-0,"h":0.1,"i":true}`,
		`  { "a" : 5 , "g" : { "l" : [ { "k" : "spaced" } ] } }  `,
	}
	var values []string
	for i, d := range docs {
		values = append(values, "("+strconv.Itoa(i)+", '"+strings.ReplaceAll(d, "'", "''")+"')")
	}
	mustRun(t, s, `CREATE TABLE docs_text (id INT, doc VARCHAR(2000))`)
	mustRun(t, s, `INSERT INTO docs_text VALUES `+strings.Join(values, ", "))
	// The reference: SUPER as VARIANT, as CREATE TABLE ... SUPER makes it.
	mustRun(t, s, `CREATE TABLE docs_v (id INT, payload SUPER)`)
	mustRun(t, s, `INSERT INTO docs_v SELECT id, json_parse(doc) FROM docs_text`)
	// SUPER as JSON text, as a streaming view stores json_parse(kinesis_data).
	ctx := context.Background()
	if _, err := s.Conn().Exec(ctx, `CREATE TABLE docs_j AS SELECT id, `+checkedJSONText+`(doc) AS payload FROM docs_text`); err != nil {
		t.Fatal(err)
	}

	reads := []string{
		`p.payload.a::int`, `p.payload.a::varchar`, `p.payload.b::varchar`, `p.payload.c.d::timestamp`,
		`p.payload.c.d::varchar(4)`, `p.payload.e::boolean`, `p.payload.f::decimal(5,2)`, `p.payload.f::float`,
		`p.payload.a::bigint`, `p.payload.g::varchar`, `p.payload.h::int`, `p.payload.i::varchar`,
		`p.payload.c.d::date`, `p.payload.c.d::timestamptz`, `p.payload.e::smallint`, `payload.e::varchar`,
		`p.payload.h::varchar`, `p.payload.h::bigint`, `p.payload.h::float`, `p.payload.i::bigint`,
		`p.payload."A"::varchar`, `p.payload.b.b.b::varchar`,
	}
	queries := []string{
		`SELECT id, ` + strings.Join(reads, ", ") + ` FROM T p ORDER BY id`,
		`SELECT id, payload FROM T ORDER BY id`,
		`SELECT * FROM T ORDER BY id`,
		`SELECT p.* FROM T p ORDER BY id`,
		`SELECT id, p.payload.a, p.payload.c.d, p.payload.g.l[1], p.payload.g.l[0].k, p.payload[1], p.payload.b.b FROM T p ORDER BY id`,
		`SELECT id, p.payload.a AS x, p.payload.c, p.payload.g FROM T p ORDER BY id`,
		`SELECT id, json_serialize(payload), json_typeof(payload), is_object(payload), is_array(p.payload.b), get_array_length(p.payload.g.l),
			is_varchar(p.payload.a), is_integer(p.payload.h), is_bigint(p.payload.i), is_float(p.payload.f), is_boolean(p.payload.e),
			is_scalar(p.payload.c), json_typeof(p.payload.i), json_serialize(p.payload.g), p.payload.c.d::super
			FROM T p ORDER BY id`,
		`SELECT id, p.payload.a = 12, p.payload.e = true, p.payload.a = 'lower', p.payload.c.d IS NULL, p.payload.h > 10 FROM T p ORDER BY id`,
		`SELECT count(*) FROM T p WHERE p.payload.e = true OR p.payload.a::int > 5`,
		`SELECT p.payload.e::varchar, count(*) FROM T p GROUP BY 1 ORDER BY 1`,
		`SELECT json_serialize(p.payload.e), count(*) FROM T p GROUP BY p.payload.e ORDER BY 1`,
		`SELECT id FROM T p ORDER BY p.payload.a, id`,
		`SELECT p.id, n, json_serialize(i), i.k::varchar FROM T p, p.payload.g.l AS i AT n ORDER BY 1, 2`,
		`SELECT p.id, json_serialize(i), i.k, p.payload.a::int FROM T p LEFT JOIN p.payload.g.l i ON true ORDER BY 1, 2`,
		`SELECT p.id, k, json_serialize(v) FROM T p, UNPIVOT p.payload AS v AT k ORDER BY 1, 2`,
		`SELECT p.id, n, i, i.k, i.k::int, i.k::varchar, i[0], i[0]::int, json_typeof(i), is_object(i), i.k = 3 FROM T p, p.payload.g.l AS i AT n WHERE i.k IS NULL OR i.k::varchar <> 'x' ORDER BY 1, 2`,
		`SELECT p.id, i.k::int, count(*) FROM T p LEFT JOIN p.payload.g.l i ON true GROUP BY 1, 2 ORDER BY 1, 2`,
		`SELECT p.payload.a::varchar, count(*), max(p.payload.h::int) FROM T p LEFT JOIN p.payload.g.l i ON true GROUP BY p.payload.a::varchar HAVING max(p.payload.e::varchar) IS NOT NULL OR count(*) > 0 ORDER BY p.payload.a::varchar`,
		`SELECT a.id, b.payload.a, b.payload.g.l FROM T a JOIN T b ON a.id = b.id ORDER BY 1`,
		`SELECT id FROM T WHERE id IN (SELECT id FROM T q WHERE q.payload.a::int > 1) ORDER BY id`,
		`SELECT p.id, (SELECT count(*) FROM T q WHERE q.payload.a::varchar = p.payload.a::varchar) FROM T p ORDER BY 1`,
		`WITH x AS (SELECT id, payload FROM T ) SELECT x.id, x.payload.a::int, x.payload.g FROM x ORDER BY 1`,
		`SELECT id, s.payload.a::varchar FROM (SELECT * FROM T WHERE id > 2) s ORDER BY id`,
	}
	for _, q := range queries {
		got := queryTyped(t, s, strings.ReplaceAll(q, " T ", " docs_j "))
		want := queryTyped(t, s, strings.ReplaceAll(q, " T ", " docs_v "))
		if got != want {
			t.Errorf("%s:\nJSON text gives\n%s\nVARIANT gives\n%s", q, got, want)
		}
	}
}

// queryTyped runs one query and returns its column names and types, its
// rows, one line each, values as %#v prints them, and its error if any.
func queryTyped(t *testing.T, s *Session, sql string) string {
	t.Helper()
	rs := s.Execute(context.Background(), sql, nil)
	defer rs.Close()
	var b strings.Builder
	for rs.Next() {
		r := rs.Result()
		for _, c := range r.Columns {
			fmt.Fprintf(&b, "%s %v, ", c.Name, c.Type.Kind)
		}
		b.WriteString("\n")
		for r.Next() {
			for _, v := range r.Values() {
				fmt.Fprintf(&b, "%#v | ", v)
			}
			b.WriteString("\n")
		}
		if err := r.Err(); err != nil {
			fmt.Fprintf(&b, "error: %v\n", err)
		}
	}
	if err := rs.Err(); err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	return b.String()
}

// TestStreamingSuperAsJSONText: a streaming view stores json_parse of its
// records as JSON text, and reads it as SUPER: the column, its paths and a
// view over it answer as the VARIANT a view of the previous version stores
// (its JSON normalized: {"n":1,"s":"a"} for { "n" : 1, "s" : "a" }). A data
// directory written by the previous version, whose view has a VARIANT
// column, keeps working: the JSON text converts on insert.
func TestStreamingSuperAsJSONText(t *testing.T) {
	st := newMVStack(t)
	st.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	st.exec(`CREATE MATERIALIZED VIEW v AS SELECT partition_key, json_parse(kinesis_data) AS payload FROM k."events"`)
	st.exec(`CREATE MATERIALIZED VIEW old AS SELECT partition_key, json_parse(kinesis_data) AS payload FROM k."events"`)
	typeOf := func(table string) string {
		t.Helper()
		res, err := st.s.Conn().Query(context.Background(), `SELECT data_type FROM duckdb_columns() WHERE table_name = $1 AND column_name = 'payload'`, table)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		if !res.Next() {
			t.Fatalf("no column payload in %s: %v", table, res.Err())
		}
		return fmt.Sprint(res.Values()[0])
	}
	if got := typeOf("v"); got != "JSON" {
		t.Fatalf("v.payload is %s, want JSON", got)
	}
	// The previous version's view: its records as VARIANT (with DuckDB's
	// choice of compression).
	if _, err := st.s.Conn().Exec(context.Background(), `CREATE OR REPLACE TABLE old AS SELECT * REPLACE (CAST(payload AS VARIANT) AS payload) FROM old`); err != nil {
		t.Fatal(err)
	}
	st.close()
	st.open()
	if got := typeOf("old"); got != "VARIANT" {
		t.Fatalf("old.payload is %s, want VARIANT", got)
	}
	st.put(`{ "n" : 1, "s" : "a", "items": [{"k": "x"}, {"k": 2}] }`, `{"n": 2.50, "s": 7, "items": []}`, `[1, {"n": 3}]`)
	for _, view := range []string{"v", "old"} {
		st.want(`REFRESH MATERIALIZED VIEW `+view, "INFO: Materialized view "+view+" was incrementally updated successfully.\nREFRESH MATERIALIZED VIEW\n")
		st.exec(`CREATE MATERIALIZED VIEW u_` + view + ` AS SELECT p.payload.n::varchar AS n, p.payload.s::varchar AS s, i.k::varchar AS k FROM ` + view + ` p LEFT JOIN p.payload.items i ON true`)
		st.want(`SELECT json_serialize(payload) FROM `+view+` ORDER BY 1`,
			"[1,{\"n\":3}]\n{\"n\":1,\"s\":\"a\",\"items\":[{\"k\":\"x\"},{\"k\":2}]}\n{\"n\":2.5,\"s\":7,\"items\":[]}\nSELECT 3\n")
		st.want(`SELECT p.payload.n, p.payload.s::varchar, p.payload.items[0].k FROM `+view+` p ORDER BY 1`,
			"1 | a | \"x\"\n2.5 | 7 | NULL\nNULL | NULL | NULL\nSELECT 3\n")
		st.want(`SELECT n, s, k FROM u_`+view+` ORDER BY 1, 3`,
			"1 | a | 2\n1 | a | x\n2.5 | 7 | NULL\nNULL | NULL | NULL\nSELECT 4\n")
	}
	st.put(`{"n": 4, "s": "d", "items": [{"k": "y"}]}`)
	for _, view := range []string{"v", "old"} {
		st.exec(`REFRESH MATERIALIZED VIEW ` + view)
		st.exec(`REFRESH MATERIALIZED VIEW u_` + view)
		st.want(`SELECT n, s, k FROM u_`+view+` WHERE n = '4'`, "4 | d | y\nSELECT 1\n")
		st.want(`SELECT data_type FROM information_schema.columns WHERE table_name = '`+view+`' AND column_name = 'payload'`, "super\nSELECT 1\n")
	}
}

// TestJSONAtRestMixedCaseNames: with enable_case_sensitive_identifier on,
// a JSON-text SUPER column of a table whose name keeps upper case (kept
// encoded in DuckDB's catalog) reads as the same documents stored as
// VARIANT do.
func TestJSONAtRestMixedCaseNames(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	mustRun(t, s, `SET enable_case_sensitive_identifier TO true`)
	mustRun(t, s, `CREATE TABLE "DocsV" (id INT, "PayLoad" SUPER)`)
	mustRun(t, s, `INSERT INTO "DocsV" VALUES (1, json_parse('{"a":"12","b":{"c":[1,2]}}')), (2, json_parse('{"a":7}'))`)
	if _, err := s.Conn().Exec(context.Background(), `CREATE TABLE "^docs^j" AS SELECT id, `+checkedJSONText+`(CAST(CAST("^pay^load" AS JSON) AS VARCHAR)) AS "^pay^load" FROM "^docs^v"`); err != nil {
		t.Fatal(err)
	}
	q := `SELECT id, p."PayLoad".a, p."PayLoad".a::int, p."PayLoad".b.c[1], json_typeof(p."PayLoad") FROM %s p ORDER BY id`
	want := mustRun(t, s, fmt.Sprintf(q, `"DocsV"`))
	if got := mustRun(t, s, fmt.Sprintf(q, `"DocsJ"`)); got != want {
		t.Fatalf("JSON text:\n%s\nVARIANT:\n%s", got, want)
	}
}

// TestStringCastsAsVariant checks the shared read's cast of a SUPER string
// (internal/sql/extract.go stringCast, which takes VARCHAR's cast where it
// answers as VARIANT's) against the cast of the VARIANT string, over
// strings made of the pieces numbers, dates and times are written with, in
// three time zones: the same answer for every string, type and zone.
func TestStringCastsAsVariant(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	strs := []string{"12", " 12", "12 ", "+12", "-12", "012", "0", "-0", "12.7", "12.0", "12.", ".5", "1e3", "1E3",
		"0x10", "1_000", "", "2147483648", "9223372036854775808", "١٢", "12a", "\t12\n", "--1", "+-1", "1,000",
		"inf", "nan", "Infinity", "true", "false", "t", "1", "yes", "on", "TRUE", "67.00", "67.001", "67.005", "999.99",
		"1000.00", "-1.5", "1.5e1", "2026-01-01T00:00:00Z", "2026-01-01", "2026-01-01 10:00:00",
		"2026-01-01T10:00:00+02:00", "2026-01-01T10:00:00.123456789Z", "20260101", "2026-1-1",
		"  2026-01-01T00:00:00Z ", "2026-01-01T00:00:00", "2026-01-01T00:00:00 UTC", "2026-01-01T24:00:00Z",
		"2026-03-08 02:30:00", "epoch", "infinity", "-infinity", "0001-01-01 BC", "1657294923614"}
	pieces := []string{"0", "1", "2", "5", "9", "12", "67", "00", "999", ".", "-", "+", "e", "E", "_", " ", "\t", "T", "Z",
		":", "2026-01-01", "2026-12-31", "10:00:00", "23:59:59.999999", ".123456789", "+02:00", "-05:30", " UTC",
		" America/New_York", "infinity", "nan", "epoch", "x", "1e400", "99999999999999999999999999999999999999999",
		"0x1F", "24:00:00", " BC", "true", "f"}
	r := rand.New(rand.NewPCG(7, 11))
	for len(strs) < 4000 {
		var b strings.Builder
		for j := 1 + r.IntN(6); j > 0; j-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		strs = append(strs, b.String())
	}
	var values []string
	for i, str := range strs {
		doc, err := json.Marshal(map[string]string{"v": str})
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, "("+strconv.Itoa(i)+", '"+strings.ReplaceAll(string(doc), "'", "''")+"')")
	}
	mustRun(t, s, `CREATE TABLE strs_text (id INT, doc VARCHAR(2000))`)
	mustRun(t, s, `INSERT INTO strs_text VALUES `+strings.Join(values, ", "))
	mustRun(t, s, `CREATE TABLE strs_v (id INT, payload SUPER)`)
	mustRun(t, s, `INSERT INTO strs_v SELECT id, json_parse(doc) FROM strs_text`)
	if _, err := s.Conn().Exec(context.Background(), `CREATE TABLE strs_j AS SELECT id, `+checkedJSONText+`(doc) AS payload FROM strs_text`); err != nil {
		t.Fatal(err)
	}
	types := []string{"smallint", "int", "integer", "bigint", "int8", "decimal", "decimal(5,2)", "numeric(38,10)", "numeric(4,0)",
		"real", "float", "float8", "double precision", "boolean", "date", "timestamp", "timestamp without time zone",
		"timestamptz", "timestamp with time zone"}
	for _, zone := range []string{"UTC", "America/New_York", "Asia/Kolkata"} {
		mustRun(t, s, `SET timezone TO '`+zone+`'`)
		for _, typ := range types {
			q := `SELECT id, p.payload.v::` + typ + ` FROM T p ORDER BY id`
			got := queryTyped(t, s, strings.ReplaceAll(q, " T ", " strs_j "))
			want := queryTyped(t, s, strings.ReplaceAll(q, " T ", " strs_v "))
			if got == want {
				continue
			}
			g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
			for i := range min(len(g), len(w)) {
				if g[i] != w[i] {
					t.Errorf("time zone %s, %s: JSON text gives %s, VARIANT %s", zone, q, g[i], w[i])
					break
				}
			}
		}
	}
}

// TestStreamingRecordsZstd: a streaming view's column of JSON text is
// compressed with ZSTD (streamingTableDDL), also for the records a refresh
// writes after a restart; its other columns keep DuckDB's choice.
func TestStreamingRecordsZstd(t *testing.T) {
	st := newMVStack(t)
	st.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	st.exec(`CREATE MATERIALIZED VIEW v AS SELECT partition_key, json_parse(kinesis_data) AS payload FROM k."events"`)
	compression := func() map[string]string {
		t.Helper()
		if _, err := st.s.Conn().Exec(context.Background(), `CHECKPOINT`); err != nil {
			t.Fatal(err)
		}
		res, err := st.s.Conn().Query(context.Background(), `SELECT column_name, string_agg(DISTINCT compression, ',') FROM pragma_storage_info('v') WHERE segment_type <> 'VALIDITY' AND compression <> 'Constant' GROUP BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		out := map[string]string{}
		for res.Next() {
			out[res.Values()[0].(string)] = res.Values()[1].(string)
		}
		return out
	}
	docs := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf(`{"i":%d,"pad":"%s"}`, i, strings.Repeat("x", i%50)))
		}
		return out
	}
	st.put(docs(300)...)
	st.exec(`REFRESH MATERIALIZED VIEW v`)
	if got := compression()["payload"]; got != "ZSTD" {
		t.Fatalf("payload compressed with %q, want ZSTD", got)
	}
	st.close()
	st.open()
	st.put(docs(300)...)
	st.exec(`REFRESH MATERIALIZED VIEW v`)
	got := compression()
	if got["payload"] != "ZSTD" {
		t.Fatalf("after a restart, payload compressed with %q, want ZSTD", got["payload"])
	}
	if strings.Contains(got["partition_key"], "ZSTD") {
		t.Fatalf("partition_key compressed with %q, DuckDB's choice expected", got["partition_key"])
	}
	st.want(`SELECT count(*), count(DISTINCT payload.i) FROM v`, "600 | 300\nSELECT 1\n")
}

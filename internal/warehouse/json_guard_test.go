package warehouse

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// TestJSONGuardSQL: JSON text that DuckDB's parser must never see, reaching
// json_parse and can_json_parse by every SQL path (a literal folded at
// planning, a column, a bound parameter, a VARBYTE), is an error (22032)
// (22032 for nesting too deep, DuckDB's 22P02 for syntax) or false,
// never a crash. The depth limit is Redshift's: "The maximum
// nesting depth for arrays and structures of the SUPER data type is 1,000"
// (SUPER limitations, Redshift Database Developer Guide).
func TestJSONGuardSQL(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	// 32,000 levels: within VARCHAR(MAX)'s 65,535 bytes, and far past
	// what DuckDB's recursive parser survives unguarded.
	deep := strings.Repeat("[", 32000) + strings.Repeat("]", 32000)
	ok1000 := strings.Repeat("[", 1000) + strings.Repeat("]", 1000)
	bad1001 := strings.Repeat("[", 1001) + strings.Repeat("]", 1001)
	mustRun(t, s, `CREATE TABLE docs (d varchar(max))`)
	mustRun(t, s, `INSERT INTO docs VALUES ($1)`, deep)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`SELECT json_parse(repeat('[', 30000) || repeat(']', 30000))`, nil},
		{`SELECT json_parse(d) FROM docs`, nil},
		{`SELECT json_parse($1)`, []any{deep}},
		{`SELECT json_parse($1)`, []any{bad1001}},
		{`SELECT json_parse(CAST(d AS varbyte)) FROM docs`, nil},
		{`SELECT json_parse(from_varbyte(CAST(d AS varbyte), 'utf-8')) FROM docs`, nil},
		{`SELECT json_parse('{"s":"\ud800"}')`, nil},
		{`SELECT json_parse('{"s":"\udc00\ud800"}')`, nil},
		{`SELECT json_parse('not json')`, nil},
		// Numbers beyond a double's range became Infinity, which
		// json_serialize wrote as a text that is not JSON.
		{`SELECT json_parse('1e400')`, nil},
		{`SELECT json_parse('[1, -1e400]')`, nil},
		{`SELECT json_parse($1)`, []any{`{"n":1.8e308}`}},
		{`SELECT json_parse($1)`, []any{`[` + strings.Repeat("9", 400) + `]`}},
	} {
		_, err := run(t, s, q.sql, q.args...)
		if code := sqlerr.CodeOf(err); !strings.HasPrefix(string(code), "22") {
			t.Errorf("%.60s: err %v (%s), want a data exception", q.sql, err, code)
		}
	}
	if got := mustRun(t, s, `SELECT json_serialize(json_parse($1)) = $1`, ok1000); !strings.HasPrefix(got, "[true]") {
		t.Errorf("1000 levels: %s", got)
	}
	// At the edges of a double's range: kept, and serialized as JSON.
	edge := mustRun(t, s, `SELECT json_serialize(json_parse('[1.7976931348623157e308, -1e308, 1e-400, 0e999999]'))`)
	row, _, _ := strings.Cut(edge, "\n") // [value]
	if v := strings.TrimSuffix(strings.TrimPrefix(row, "["), "]"); !strings.HasPrefix(v, "[") || !json.Valid([]byte(v)) {
		t.Errorf("numbers at the edges of a double: %s, want a JSON array", edge)
	}
	if got := mustRun(t, s, `SELECT json_parse('{"s":"\ud83d\ude00"}')."s"::varchar`); !strings.HasPrefix(got, "[😀]") {
		t.Errorf("surrogate pair: %s", got)
	}
	for q, want := range map[string]string{
		`SELECT can_json_parse(d) FROM docs`:                              "[false]",
		`SELECT can_json_parse(repeat('[', 30000) || repeat(']', 30000))`: "[false]",
		`SELECT can_json_parse('{"s":"\ud800"}')`:                         "[false]",
		`SELECT can_json_parse('{"a":1}')`:                                "[true]",
		`SELECT can_json_parse('{"a":1e400}')`:                            "[false]",
		`SELECT can_json_parse(NULL::varchar)`:                            "[<nil>]",
		`SELECT can_json_parse(from_hex('ff7b7d'))`:                       "[false]",
		`SELECT json_extract_path_text(d, 'a', true) FROM docs`:           "[<nil>]",
		`SELECT json_extract_path_text('{"a":{"b":"x"}}', 'a', 'b')`:      "[x]",
	} {
		if got := mustRun(t, s, q); !strings.HasPrefix(got, want) {
			t.Errorf("%s = %s, want %s", q, got, want)
		}
	}
}

// BenchmarkJSONGuard measures what the guard costs json_parse in SQL: the
// same 100,000 change records (~1 KB) parsed with the guard (json_parse as
// every statement has it) and without (the macro streaming batches use
// for records checked in Go before staging).
func BenchmarkJSONGuard(b *testing.B) {
	w, _ := openTest(b)
	s := testSession(b, w)
	mustRun(b, s, `CREATE TABLE docs (d varchar(max))`)
	const n = 100_000
	for i := 0; i < n; i += 10_000 {
		var sb strings.Builder
		sb.WriteString(`INSERT INTO docs VALUES `)
		for j := i; j < i+10_000; j++ {
			if j > i {
				sb.WriteString(",")
			}
			sb.WriteString("('" + string(changeRecord(j)) + "')")
		}
		mustRun(b, s, sb.String())
	}
	for _, fn := range []string{"json_parse", checkedJSONParse} {
		b.Run(fn, func(b *testing.B) {
			for b.Loop() {
				mustRun(b, s, `SELECT count(`+fn+`(d)) FROM docs`)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// json_serialize writes JSON (RFC 8259, as Redshift's JSON_SERIALIZE
// promises) also for a SUPER holding a NaN or infinite double, which DuckDB
// wrote as a bare NaN or Infinity: they become strings, as Postgres's
// to_json writes them. Text that only looks like them inside strings is
// left alone.
func TestJSONSerializeIsJSON(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	for _, c := range []struct{ sql, want string }{
		{`SELECT json_serialize(CAST(CAST('NaN' AS float8) AS super))`, `"NaN"`},
		{`SELECT json_serialize(CAST(CAST('infinity' AS float8) AS super))`, `"Infinity"`},
		{`SELECT json_serialize(CAST(CAST('-infinity' AS float4) AS super))`, `"-Infinity"`},
		{`SELECT json_serialize(json_parse('["NaN", "x\"Infinity", -1.5]'))`, `["NaN","x\"Infinity",-1.5]`},
	} {
		got := mustRun(t, s, c.sql)
		row, _, _ := strings.Cut(got, "\n")
		v := strings.TrimSuffix(strings.TrimPrefix(row, "["), "]")
		if v != c.want || !json.Valid([]byte(v)) {
			t.Errorf("%s: %s, want %s (JSON)", c.sql, v, c.want)
		}
	}
	got := mustRun(t, s, `SELECT from_varbyte(json_serialize_to_varbyte(CAST(CAST('NaN' AS float8) AS super)), 'utf-8')`)
	if row, _, _ := strings.Cut(got, "\n"); row != `["NaN"]` {
		t.Errorf("json_serialize_to_varbyte of NaN: %s, want \"NaN\"", row)
	}
}

func TestFiniteJSON(t *testing.T) {
	for in, want := range map[string]string{
		`[1,2]`:                      `[1,2]`,
		`NaN`:                        `"NaN"`,
		`[NaN,Infinity,-Infinity,1]`: `["NaN","Infinity","-Infinity",1]`,
		`{"NaN":NaN,"s":"a\"NaN"}`:   `{"NaN":"NaN","s":"a\"NaN"}`,
		`"\\"`:                       `"\\"`,
		`["\\",NaN]`:                 `["\\","NaN"]`,
	} {
		if got := finiteJSON(in); got != want {
			t.Errorf("finiteJSON(%s) = %s, want %s", in, got, want)
		}
	}
}

// finiteJSON never changes JSON (which has no bare NaN or Infinity), and
// what it writes needs no second pass.
func FuzzFiniteJSON(f *testing.F) {
	for _, s := range []string{`[NaN,Infinity,-Infinity]`, `{"a":"NaN\"","b":-Infinity}`, `"\\"NaN`, `1`, `NaNInfinity`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := finiteJSON(s)
		if json.Valid([]byte(s)) && out != s {
			t.Fatalf("finiteJSON changed JSON %q to %q", s, out)
		}
		if again := finiteJSON(out); again != out {
			t.Fatalf("finiteJSON(%q) = %q, and again %q", s, out, again)
		}
	})
}

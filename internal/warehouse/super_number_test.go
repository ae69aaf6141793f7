package warehouse

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// variantCases are documents for the encoder: every kind of value, the
// sizes at which the encoding's widths change, and inexact numbers.
var variantCases = []string{
	`1`, `-1`, `0`, `-0`, `1.5`, `1e2`, `true`, `false`, `null`, `""`, `"x"`, `"\u00e9\n\"\\/"`,
	`"` + strings.Repeat("a", 63) + `"`, `"` + strings.Repeat("b", 64) + `"`, `"\ud83d\ude00"`,
	`[]`, `{}`, `[1,[2,[3]]]`, `{"b":1,"a":{"b":[true,null,"xy"]},"c":2.5}`,
	`123456789012345678901234567890`, `-123456789012345678901234567890`,
	`1.23456789012345678901`, `-0.000000000000000000012345678901234567`,
	`18446744073709551615`, `18446744073709551616`, `9223372036854775807`, `-9223372036854775808`, `-9223372036854775809`,
	`12345678901234567890123456789012345678`, `123456789012345678901234567890123456789`,
	`1234567890123456789e5`, `0.10000000000000000000`, `1.2345678901234567e29`, `0.12345678901234567`,
	`{"a":123456789012345678901234567890,"b":1.23456789012345678901,"c":[1,2.5,"s",{"d":99999999999999999999}]}`,
}

// wideVariantCases are documents past the encoding's one-byte widths:
// more than 255 elements or fields (is_large), more than 255 keys (two-byte
// field ids), values past 255 and 65,535 bytes (wider offsets).
func wideVariantCases() []string {
	var arr, obj strings.Builder
	arr.WriteString("[123456789012345678901234567890")
	obj.WriteString(`{"big":1.23456789012345678901`)
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&arr, `,%d`, i)
		fmt.Fprintf(&obj, `,"k%03d":[%d,"v"]`, 299-i, i)
	}
	arr.WriteString("]")
	obj.WriteString("}")
	long := `{"n":99999999999999999999,"s":"` + strings.Repeat("x", 70000) + `","t":[` + strings.Repeat(`"abcdefghij",`, 30) + `1]}`
	return []string{arr.String(), obj.String(), long}
}

// variantJSON is doc as DuckDB reads its encoding: the JSON text of
// variant_bytes_to_variant(parquetVariant(doc)).
func variantJSON(t testing.TB, db *sql.DB, doc string) string {
	t.Helper()
	enc, err := parquetVariant([]byte(doc))
	if err != nil {
		t.Fatalf("parquetVariant(%.60q): %v", doc, err)
	}
	var out string
	if err := db.QueryRow(`SELECT CAST(CAST(variant_bytes_to_variant($1) AS JSON) AS VARCHAR)`, enc).Scan(&out); err != nil {
		t.Fatalf("variant_bytes_to_variant(parquetVariant(%.60q) = %x): %v", doc, enc, err)
	}
	return out
}

// sameVariant reports whether got (DuckDB's JSON text of the encoding)
// is the document want: objects compared by key, a number kept exactly
// where the encoding keeps it (an integer, a number a decimal holds) and
// as the nearest double otherwise. Documents with duplicate keys are
// skipped (ok false): the encoding's reader keeps the first.
func sameVariant(want, got string) (same, ok bool) {
	w, err := decodeNumbers(want)
	if err != nil {
		return false, false
	}
	g, err := decodeNumbers(got)
	if err != nil {
		return false, true
	}
	if hasDuplicateKeys(want) {
		return false, false
	}
	var eq func(a, b any) bool
	eq = func(a, b any) bool {
		switch x := a.(type) {
		case json.Number:
			y, ok := b.(json.Number)
			if !ok {
				return false
			}
			d, _ := parseDecimalText([]byte(x))
			if _, exact := decimalBytes(d); exact && (d.integer || inexactNumber([]byte(x))) {
				rx, _ := new(big.Rat).SetString(string(x))
				ry, ok := new(big.Rat).SetString(string(y))
				return ok && rx.Cmp(ry) == 0
			}
			fx, _ := strconv.ParseFloat(string(x), 64)
			fy, err := strconv.ParseFloat(string(y), 64)
			return err == nil && fx == fy
		case []any:
			y, ok := b.([]any)
			if !ok || len(x) != len(y) {
				return false
			}
			for i := range x {
				if !eq(x[i], y[i]) {
					return false
				}
			}
			return true
		case map[string]any:
			y, ok := b.(map[string]any)
			if !ok || len(x) != len(y) {
				return false
			}
			for k := range x {
				if !eq(x[k], y[k]) {
					return false
				}
			}
			return true
		}
		return reflect.DeepEqual(a, b)
	}
	return eq(w, g), true
}

func decodeNumbers(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

// hasDuplicateKeys reports whether an object of the JSON text s names a
// key twice.
func hasDuplicateKeys(s string) bool {
	d := json.NewDecoder(strings.NewReader(s))
	var walk func() bool
	walk = func() bool {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for d.More() {
				k, _ := d.Token()
				ks, _ := k.(string)
				if seen[ks] {
					return true
				}
				seen[ks] = true
				if walk() {
					return true
				}
			}
			_, _ = d.Token()
		case json.Delim('['):
			for d.More() {
				if walk() {
					return true
				}
			}
			_, _ = d.Token()
		}
		return false
	}
	return walk()
}

// TestParquetVariantInDuckDB: DuckDB reads the encoding of every kind of
// value back as the document (the numbers exact), and the inexact numbers
// are the ones DuckDB's own conversion changes. Expected values: the
// documents themselves; Redshift's SUPER keeps a number as "smallint,
// integer, bigint, decimal, or floating point" (SUPER type).
func TestParquetVariantInDuckDB(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, doc := range append(wideVariantCases(), variantCases...) {
		got := variantJSON(t, db, doc)
		if same, _ := sameVariant(doc, got); !same {
			t.Errorf("%.200s: DuckDB reads its encoding as %.200s", doc, got)
		}
		// A document json_parse gives this path holds a number DuckDB's
		// own conversion changes, and no other.
		var native string
		if err := db.QueryRow(`SELECT CAST(CAST(CAST($1 AS JSON) AS VARIANT) AS JSON)::VARCHAR`, doc).Scan(&native); err != nil {
			t.Fatal(err)
		}
		_, inexact := checkJSONNumbers([]byte(doc))
		if nativeSame, _ := sameVariant(doc, native); inexact == nativeSame {
			t.Errorf("%.200s: inexact %v, but DuckDB's conversion gives %.200s", doc, inexact, native)
		}
	}
	var typ string
	enc, _ := parquetVariant([]byte(`123456789012345678901234567890`))
	if err := db.QueryRow(`SELECT variant_typeof(variant_bytes_to_variant($1))`, enc).Scan(&typ); err != nil || typ != "DECIMAL(38, 0)" {
		t.Errorf("an integer beyond 64 bits: %s %v, want DECIMAL(38, 0)", typ, err)
	}
}

// FuzzParquetVariant: any text checkJSON accepts encodes, and DuckDB reads
// the encoding back as the same document. An input that is not JSON is
// made into a document of numbers and a string (fuzzNumberDoc), so that
// most inputs exercise the numbers.
func FuzzParquetVariant(f *testing.F) {
	for _, c := range variantCases {
		f.Add(c)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	f.Fuzz(func(t *testing.T, doc string) {
		if checkJSON([]byte(doc)) != jsonOK {
			doc = fuzzNumberDoc(doc)
			if checkJSON([]byte(doc)) != jsonOK {
				return
			}
		}
		got := variantJSON(t, db, doc)
		if same, ok := sameVariant(doc, got); ok && !same {
			t.Fatalf("%q: DuckDB reads its encoding as %s", doc, got)
		}
		// The document takes the exact path exactly when DuckDB's own
		// conversion would change a number.
		var native string
		if err := db.QueryRow(`SELECT CAST(CAST(CAST($1 AS JSON) AS VARIANT) AS JSON)::VARCHAR`, doc).Scan(&native); err != nil {
			t.Fatal(err)
		}
		// (An integer beyond 64 bits is always a double there, whose text
		// may still read as the integer: 1.201e24.)
		_, inexact := checkJSONNumbers([]byte(doc))
		if same, ok := sameVariant(doc, native); ok && inexact == same && !(inexact && hasBigInteger(doc)) {
			t.Fatalf("%q: inexact %v, but DuckDB's conversion gives %s", doc, inexact, native)
		}
	})
}

// hasBigInteger reports whether the JSON text s holds an integer (no
// fraction, no exponent) beyond int64 and uint64.
func hasBigInteger(s string) bool {
	v, err := decodeNumbers(s)
	if err != nil {
		return false
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case json.Number:
			n := string(x)
			if strings.ContainsAny(n, ".eE") {
				return false
			}
			_, e1 := strconv.ParseInt(n, 10, 64)
			_, e2 := strconv.ParseUint(n, 10, 64)
			return e1 != nil && e2 != nil
		case []any:
			for _, y := range x {
				if walk(y) {
					return true
				}
			}
		case map[string]any:
			for _, y := range x {
				if walk(y) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// fuzzNumberDoc makes a JSON document of s: its digits as a number (a
// sign, a point and an exponent placed by its first bytes) and s as a
// string.
func fuzzNumberDoc(s string) string {
	var digits []byte
	for i := 0; i < len(s) && len(digits) < 45; i++ {
		digits = append(digits, '0'+s[i]%10)
	}
	for len(digits) > 1 && digits[0] == '0' {
		digits = digits[1:]
	}
	if len(digits) == 0 {
		digits = []byte("0")
	}
	num := string(digits)
	if len(s) > 0 && s[0]%3 == 1 && len(num) > 1 {
		p := 1 + int(s[0])%(len(num)-1)
		num = num[:p] + "." + num[p:]
	}
	if len(s) > 1 && s[1]%4 == 1 {
		num += "e" + strconv.Itoa(int(s[1])%60-30)
	}
	if len(s) > 2 && s[2]%2 == 1 {
		num = "-" + num
	}
	q, _ := json.Marshal(s)
	return `{"n":` + num + `,"a":[` + num + `,` + string(q) + `]}`
}

// TestJSONParseExactDocsUnchanged: a document without a number DuckDB's
// conversion would change gives json_parse exactly the VARIANT it gave
// before (DuckDB's own conversion): the same JSON text, the same type
// (variant_typeof: UINT64 for a non-negative integer, which the Parquet
// Variant encoding cannot express), the same encoding of every value
// (where DuckDB can encode it).
func TestJSONParseExactDocsUnchanged(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	docs := []string{string(changeRecord(3)), `{"b":1,"a":[true,null,"xy"],"c":2.5}`, `{"a":1,"a":2}`,
		`[-9223372036854775808, 1e2, 0.1, 1.5e-7, 123456789012345]`, `18446744073709551615`, `null`, `"s"`, `0.10000000000000000000`}
	for _, c := range jsonCases {
		if checkJSON([]byte(c)) == jsonOK {
			docs = append(docs, c)
		}
	}
	for _, d := range docs {
		if _, inexact := checkJSONNumbers([]byte(d)); inexact {
			t.Fatalf("%s: reported inexact", d)
		}
		res, err := s.Conn().Query(context.Background(), `SELECT variant_typeof(a) IS NOT DISTINCT FROM variant_typeof(b),
			CAST(a AS JSON)::VARCHAR IS NOT DISTINCT FROM CAST(b AS JSON)::VARCHAR,
			try(variant_to_parquet_variant(a)) IS NOT DISTINCT FROM try(variant_to_parquet_variant(b))
			FROM (SELECT rs_json_parse($1) AS a, CAST(CAST($1 AS JSON) AS VARIANT) AS b)`, d)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if !res.Next() {
			t.Fatalf("%s: no row: %v", d, res.Err())
		}
		if v := res.Values(); v[0] != true || v[1] != true || v[2] != true {
			t.Errorf("%s: json_parse differs from DuckDB's conversion (type, text, encoding same: %v)", d, v)
		}
		res.Close()
	}
}

// BenchmarkJSONParseExact measures what keeping numbers exact costs
// json_parse: INSERT INTO t SELECT json_parse(d) FROM src over 200,000
// change records (~1 KB), with json_parse as it is (exact), and as it
// was before (rs_json_check, then DuckDB's conversion: the macro
// json_parse_before below); then the same records each holding one
// integer beyond 64 bits, which take the exact path.
func BenchmarkJSONParseExact(b *testing.B) {
	w, _ := openTest(b)
	s := testSession(b, w)
	const n = 200_000
	ctx := context.Background()
	if _, err := s.Conn().Exec(ctx, `CREATE OR REPLACE MACRO json_parse_before(x) AS CAST(CAST(rs_json_check(CASE WHEN typeof(x) = 'BLOB' THEN decode(CAST(x AS BLOB)) ELSE CAST(x AS VARCHAR) END) AS JSON) AS VARIANT)`); err != nil {
		b.Fatal(err)
	}
	for _, src := range []string{"src", "src_inexact"} {
		mustRun(b, s, `CREATE TABLE `+src+` (d varchar(max))`)
		for i := 0; i < n; i += 10_000 {
			var sb strings.Builder
			sb.WriteString(`INSERT INTO ` + src + ` VALUES `)
			for j := i; j < i+10_000; j++ {
				if j > i {
					sb.WriteString(",")
				}
				rec := string(changeRecord(j))
				if src == "src_inexact" {
					rec = `{"big":123456789012345678901234567890,` + rec[1:]
				}
				sb.WriteString("('" + rec + "')")
			}
			mustRun(b, s, sb.String())
		}
	}
	mustRun(b, s, `CREATE TABLE t (p super)`)
	for _, c := range []struct{ name, src, fn string }{
		{"before", "src", "json_parse_before"},
		{"exact", "src", "rs_json_parse"},
		{"inexact-before", "src_inexact", "json_parse_before"},
		{"inexact-exact", "src_inexact", "rs_json_parse"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Conn().Exec(ctx, `DELETE FROM t`); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Conn().Exec(ctx, `INSERT INTO t SELECT `+c.fn+`(d) FROM `+c.src); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// TestJSONParseExactGuard: a document that holds an inexact number is
// guarded as every other: nesting past SUPER's 1,000 levels ("The maximum
// nesting depth for arrays and structures of the SUPER data type is
// 1,000", SUPER limitations) is an error (a data exception) on every path,
// never a crash (a literal of 60,000 levels too), and at 1,000 levels the
// number stays exact.
func TestJSONParseExactGuard(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	const big = "123456789012345678901234567890"
	// 32,000 levels: within VARCHAR(MAX)'s 65,535 bytes, and far past
	// what DuckDB's recursive converter survives unguarded.
	deep := strings.Repeat("[", 32000) + big + strings.Repeat("]", 32000)
	mustRun(t, s, `CREATE TABLE docs (d varchar(max))`)
	mustRun(t, s, `INSERT INTO docs VALUES ($1)`, deep)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`SELECT json_parse(repeat('[', 60000) || '` + big + `' || repeat(']', 60000))`, nil},
		{`SELECT json_parse(d) FROM docs`, nil},
		{`SELECT json_parse($1)`, []any{deep}},
		{`SELECT json_parse(CAST(d AS varbyte)) FROM docs`, nil},
		{`SELECT json_parse('[` + big + `, 1e400]')`, nil},
	} {
		_, err := run(t, s, q.sql, q.args...)
		if code := sqlerr.CodeOf(err); !strings.HasPrefix(string(code), "22") {
			t.Errorf("%.60s: err %v (%s), want a data exception", q.sql, err, code)
		}
	}
	ok := strings.Repeat("[", 1000) + big + strings.Repeat("]", 1000)
	if got := mustRun(t, s, `SELECT json_serialize(json_parse($1)) = $1`, ok); !strings.HasPrefix(got, "[true]") {
		t.Errorf("1000 levels: %s", got)
	}
}

// TestSuperDecimalTypeFunctions: the type functions on SUPER decimals,
// from json_parse and from casts. Expected, from Redshift's documentation:
// IS_SMALLINT, IS_INTEGER and IS_BIGINT hold for a number of scale 0 in
// their range; "The set of IS_DECIMAL the set of IS_FLOAT are disjoint"
// (IS_FLOAT), and IS_FLOAT holds for FLOAT4 and FLOAT8 only; JSON_TYPEOF
// of a number is 'number'.
func TestSuperDecimalTypeFunctions(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	for q, want := range map[string]string{
		`SELECT is_bigint(x), is_integer(x), is_decimal(x), is_float(x), json_typeof(x) FROM (SELECT CAST(CAST(5 AS decimal(10,0)) AS super) AS x)`:       "[true true true false number]",
		`SELECT is_bigint(x), is_decimal(x), is_float(x), json_typeof(x) FROM (SELECT CAST(1.5 AS super) AS x)`:                                           "[false true false number]",
		`SELECT is_bigint(x), is_decimal(x), is_float(x), json_typeof(x) FROM (SELECT json_parse('123456789012345678901234567890') AS x)`:                 "[false true false number]",
		`SELECT is_bigint(x), is_decimal(x), is_float(x), json_typeof(x) FROM (SELECT json_parse('-1.23456789012345678901') AS x)`:                        "[false true false number]",
		`SELECT is_bigint(json_parse('9223372036854775807')), is_bigint(json_parse('9223372036854775808')), is_float(CAST(CAST(1.5 AS float8) AS super))`: "[true false true]",
	} {
		if got := mustRun(t, s, q); !strings.HasPrefix(got, want) {
			t.Errorf("%s = %s, want %s", q, got, want)
		}
	}
}

// A streaming record's text is stored without the blanks before its value:
// a leading space marks the documents that hold an inexact number, and a
// record that merely begins with blanks must read as every other (DuckDB's
// own conversion: a non-negative integer is UINT64), while a marked one
// keeps its digits.
func TestStreamingLeadingBlanksNotMarked(t *testing.T) {
	rd, s := memWarehouse(t)
	mustRun(t, s, `CREATE MATERIALIZED VIEW v AS SELECT sequence_number, json_parse(kinesis_data) AS p FROM k.s`)
	rd.add([]byte(`{"a":1}`), []byte("  \n{\"a\":1}"), []byte(` {"a":123456789012345678901234567890}`))
	mustRun(t, s, `REFRESH MATERIALIZED VIEW v`)
	got := column(t, s, `SELECT variant_typeof(p.a) || ' ' || json_serialize(p) FROM v ORDER BY sequence_number`)
	want := []string{`UINT64 {"a":1}`, `UINT64 {"a":1}`, `DECIMAL(38, 0) {"a":123456789012345678901234567890}`}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

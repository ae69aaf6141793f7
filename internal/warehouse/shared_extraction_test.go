package warehouse

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
)

// TestSharedExtractionSameAnswers checks that a block reading many paths of
// one SUPER column (translated with one shared json_extract a row, rule
// super-shared-extraction) answers exactly as the same reads made one at a
// time (fewer paths than the rule's threshold, so translated as plain
// VARIANT navigation, whose answers the partiql and scenario dialect files
// hold against Redshift's documentation). The documents cover every kind of
// JSON value at every path: strings (with escapes, and strings that look
// like numbers, booleans and dates), numbers, booleans, null, objects,
// arrays, missing attributes, and documents that are not objects.
func TestSharedExtractionSameAnswers(t *testing.T) {
	w, _ := openTest(t)
	s := testSession(t, w)
	docs := []string{
		`{"h":"42","i":"text","a":"12","b":"x\"y\\z","c":{"d":"2022-07-08T23:59:59Z"},"e":"true","f":"1.50","g":{"l":[{"k":"v1"},{"k":"v2"}]}}`,
		`{"h":42,"i":{"j":1},"a":12,"b":null,"c":{"d":5},"e":true,"f":1.5,"g":{"l":[]}}`,
		`{"a":{"x":1},"b":[1,2],"c":"str","e":"no","f":"abc","g":{"l":"not a list"}}`,
		`{"a":-7.9,"b":"é ✓ \u0041","c":{"d":null},"e":false,"f":123456,"g":{"l":[1,"two",null]}}`,
		`{}`,
		`"just a string"`,
		`[1,2,3]`,
		`{"a":"1e3","b":" padded ","c":{"d":"2022-07-08 23:59:59.123456+02"},"e":"TRUE","f":"12.7"}`,
		`{"a":" 12 ","c":{"d":"2022-13-45"},"e":"t","f":"+5"}`,
		`{"a":"12.7","c":{"d":"1657294923614"},"f":"0x10"}`,
		`{"A":"upper","a":"lower","b":"","c":{"d":"2022-07-08"},"e":"1","f":"-0.5"}`,
	}
	var values []string
	for i, d := range docs {
		values = append(values, "("+strconv.Itoa(i)+", json_parse('"+strings.ReplaceAll(d, "'", "''")+"'))")
	}
	mustRun(t, s, `CREATE TABLE docs (id INT, payload SUPER)`)
	mustRun(t, s, `INSERT INTO docs VALUES `+strings.Join(values, ", "))

	reads := []string{
		`p.payload.a::int`,
		`p.payload.a::varchar`,
		`p.payload.b::varchar`,
		`p.payload.c.d::timestamp`,
		`p.payload.c.d::varchar(4)`,
		`p.payload.e::boolean`,
		`p.payload.f::decimal(5,2)`,
		`p.payload.f::float`,
		`p.payload.a::bigint`,
		`p.payload.g::varchar`,
		`p.payload.h::int`,
		`p.payload.i::varchar`,
		`p.payload.c.d::date`,
		`p.payload.c.d::timestamptz`,
		`p.payload.e::smallint`,
		`payload.e::varchar`,
	}
	// One query with every read, shared; then each read alone, unshared.
	q := `SELECT id, ` + strings.Join(reads, ", ") + ` FROM docs p ORDER BY id`
	mustShare(t, q)
	shared := queryRows(t, s, q)
	if len(shared) != len(docs) {
		t.Fatalf("%d rows, want %d", len(shared), len(docs))
	}
	for i, r := range reads {
		alone := queryRows(t, s, `SELECT `+r+` FROM docs p ORDER BY id`)
		for row := range docs {
			if got, want := shared[row][i+1], alone[row][0]; got != want {
				t.Errorf("doc %s, %s: shared gives %s, alone %s", docs[row], r, got, want)
			}
		}
	}

	// Shared reads in WHERE, GROUP BY and ORDER BY: the groups are those
	// the unshared reads make.
	col := func(r string) []string {
		var out []string
		for _, row := range queryRows(t, s, `SELECT `+r+` FROM docs p ORDER BY id`) {
			out = append(out, row[0])
		}
		return out
	}
	a, b, d, e := col(`p.payload.a::int`), col(`p.payload.b::varchar`), col(`p.payload.c.d::varchar`), col(`p.payload.e::varchar`)
	want := map[string]int{}
	for i := range docs {
		if d[i] != "<nil>" || e[i] == "<nil>" {
			want[a[i]+"|"+b[i]]++
		}
	}
	q = `SELECT p.payload.a::int, p.payload.b::varchar, count(*) FROM docs p
		WHERE p.payload.c.d::varchar IS NOT NULL OR p.payload.e::varchar IS NULL
			OR (p.payload.f::int = -1 AND p.payload.g::int = -1 AND p.payload.h::int = -1 AND p.payload.i::int = -1)
		GROUP BY p.payload.a::int, p.payload.b::varchar ORDER BY p.payload.a::int, p.payload.b::varchar`
	mustShare(t, q)
	groups := queryRows(t, s, q)
	got := map[string]int{}
	for _, g := range groups {
		n, err := strconv.Atoi(g[2])
		if err != nil {
			t.Fatalf("count %s: %v", g[2], err)
		}
		got[g[0]+"|"+g[1]] = n
	}
	if len(want) < 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("groups: shared %v, unshared %v", got, want)
	}

	// The unnest's array from the same extraction, LEFT JOIN keeping rows
	// whose array is empty, missing or not an array; with element reads.
	q = `SELECT id, p.payload.a::varchar, p.payload.b::varchar, p.payload.e::varchar, p.payload.f::varchar, l::varchar, l.k::varchar,
			p.payload.c.d::varchar, p.payload.h::varchar, p.payload.i::varchar
		FROM docs p LEFT JOIN p.payload.g.L l ON true ORDER BY 1, 7, 6`
	mustShare(t, q)
	sharedUnnest := queryRows(t, s, q)
	alone := queryRows(t, s, `SELECT id, l::varchar, l.k::varchar FROM docs p LEFT JOIN p.payload.g.L l ON true ORDER BY 1, 3, 2`)
	if len(sharedUnnest) != len(alone) {
		t.Fatalf("unnest: shared gives %d rows, alone %d", len(sharedUnnest), len(alone))
	}
	for i := range alone {
		if got, want := []string{sharedUnnest[i][0], sharedUnnest[i][5], sharedUnnest[i][6]}, alone[i]; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("unnest row %d: shared %v, alone %v", i, got, want)
		}
	}
	if len(alone) < len(docs)+3 { // three documents have lists of two or three elements
		t.Errorf("unnest gives %d rows: %v", len(alone), alone)
	}
}

// mustShare fails unless q's translation shares its paths (else the test
// would compare the unshared translation with itself).
func mustShare(t *testing.T, q string) {
	t.Helper()
	tr, err := bsql.Translate(q, bsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tr.SQL, "__rs_paths_") {
		t.Fatalf("not shared: %s", tr.SQL)
	}
}

// queryRows runs one query and returns its rows, each value as %#v prints
// it (so NULL, "" and types stay apart).
func queryRows(t *testing.T, s *Session, sql string) [][]string {
	t.Helper()
	rs := s.Execute(context.Background(), sql, nil)
	defer rs.Close()
	var out [][]string
	for rs.Next() {
		r := rs.Result()
		for r.Next() {
			var row []string
			for _, v := range r.Values() {
				row = append(row, fmt.Sprintf("%#v", v))
			}
			out = append(out, row)
		}
		if err := r.Err(); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}

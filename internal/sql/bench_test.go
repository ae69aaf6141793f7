package sql

import (
	"os"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// BenchmarkTranslate measures parse + rewrite + print per statement for the
// reference scenario's statements (split once, outside the timer).
func BenchmarkTranslate(b *testing.B) {
	text, err := os.ReadFile("../demo/scenario.sql")
	if err != nil {
		b.Skip("reference scenario not present:", err)
	}
	pieces, err := Split(string(text))
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{CaseSensitive: true}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range pieces {
			if _, err := Translate(p.Text, opts); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pieces)), "ns/stmt")
}

// BenchmarkTranslateUnnest measures the reference unnest query alone, the
// largest statement of the scenario.
func BenchmarkTranslateUnnest(b *testing.B) {
	q := `select substring(a."payload"."dynamodb"."Keys"."pk"."S"::varchar, position('#' in "payload"."dynamodb"."Keys"."pk"."S"::varchar)+1) as Customer_ID,
substring(b."M"."sk"."S"::varchar, position('#CUSTOMER' in b."M"."sk"."S"::varchar)+1) Dependent_ID,
a."payload"."dynamodb"."NewImage"."OutofPockPercent"."N"::decimal(5,2) as OutofPocket_Percent,
a."payload"."eventName"::varchar Event_Name, a.approximate_arrival_timestamp
from demo_stream_vw a
left outer join a."payload"."dynamodb"."NewImage"."calculationRequirements"."M"."dependentIds"."L" b on true`
	opts := Options{CaseSensitive: true}
	for i := 0; i < b.N; i++ {
		if _, err := Translate(q, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzTranslate feeds Translate arbitrary text: it must not panic, and any
// error must be classified with a SQLSTATE.
func FuzzTranslate(f *testing.F) {
	for _, s := range []string{
		"select a.b.c[0]::int from t a left join a.b.c d on true",
		"select c.x, o.y, l.z from c, c.orders o, o.lines l at i",
		"select nvl(a, 1), decode(a, 1, 2), dateadd(day, 1, ts), to_char(ts, 'YYYY') from t",
		"merge into t using s on t.id = s.id remove duplicates",
		"create table t (a int identity(1, 1), b super)",
		"select attr from t c, unpivot c.o as v at attr",
		"select a.b.x::int, d, d.k::varchar, d[0] from t a left join a.b.l d on true where d.k::int > 1 group by 1, 2, 3, 4",
		"select a.b.x::varchar, count(*) from t a, a.b.l d, d.m e group by a.b.x::varchar having max(a.b.y::int) > 0",
		"select d.k, (select count(*) from u where u.x = d.k::int) from t a, a.b.l d at i order by d",
		"select p / q, sum(p) / count(*), a.p / (n / 3), min(p / nullif(q, 0)) from t a join u on a.q = u.q group by p / q",
		"select 1::decimal(8,2) / 3, -2::numeric(19,0) / 3::bigint, 2::dec / 0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		opts := Options{CaseSensitive: len(text)%2 == 0}
		if len(text)%3 != 0 {
			// SUPER columns stored as JSON text (jsonrest.go).
			opts.JSONColumns = func(n ast.Name) []string {
				if n.Last().Name == "t" {
					return []string{"b", "o"}
				}
				return nil
			}
		}
		if len(text)%5 != 0 {
			// Number columns of t (decimaldiv.go).
			opts.CharLimits = func(n ast.Name) []ColumnLimit {
				if n.Last().Name != "t" {
					return nil
				}
				return []ColumnLimit{{Name: "p", Numeric: "DECIMAL(8,2)", Decimal: true, Scale: 2},
					{Name: "q", Numeric: "SMALLINT"}, {Name: "n", Numeric: "BIGINT"}, {Name: "f", Numeric: "DOUBLE"}}
			}
		}
		tr, err := Translate(text, opts)
		if err != nil {
			if _, ok := asSQLErr(err); !ok {
				t.Fatalf("unclassified error %T: %v for %q", err, err, text)
			}
			return
		}
		if tr.Stmt == nil {
			t.Fatalf("nil statement for %q", text)
		}
	})
}

package parser

import (
	"os"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// FuzzParse feeds the parser arbitrary text: it must not panic, and when it
// accepts the text, Format's output must parse to a tree that formats the
// same way.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"select a.b.c[0]::int, count(distinct x) over (partition by y order by z rows between 1 preceding and current row) from t a left join a.b.c d on true",
		"with x as (select 1) select * from x union all select 2 order by 1 limit 3",
		"insert into t (a) values (1), (2)",
		"update t set a = b + 1 from u where t.id = u.id",
		"delete from t using u where t.id = u.id",
		"create table t (a int identity(1,1) encode az64, b super) diststyle key distkey (a) sortkey (a, b)",
		"merge into t using s on t.id = s.id remove duplicates",
		"create materialized view v auto refresh yes as select * from s.\"x\"",
		"create or replace procedure p(a int) as $$ begin null; end; $$ language plpgsql",
		"select position('a' in b), substring(x from 2 for 3), extract(year from d), trim(both 'x' from y)",
		"select case when a then 1 else 2 end, a not between 1 and 2, b similar to 'x', -(-1), - -1",
		"select x from t qualify row_number() over (order by y) = 1",
		"alter procedure s.p(a inout bigint, numeric) owner to \"Etl\"",
		"alter materialized view s.mv owner to current_user",
		"copy s.\"a.b\" (x, y) from stdin with (format csv, header true, delimiter ';', null 'NA')",
		"copy (select a from t where a > 1) to stdout csv header",
		"explain verbose select x.a from t a left join a.p.b x on true",
		"explain analyze verbose with w as (select 1) select * from w union all (select 2)",
		"explain (analyze false, verbose, costs off, format text) insert into t select nvl(a, 0) from u",
		"explain select a into temp n from t",
		"explain create table x (a int)",
		"create table s (a int primary key references t (b), c int unique, constraint k unique (a, c), foreign key (c) references u)",
		"alter table s add constraint \"K\" foreign key (a, c) references x.t (b, d)",
		"alter table s drop constraint k cascade",
		"prepare p (int, varchar(3), decimal(8,2)) as insert into t select $1, $2, $3 from u",
		"execute p (1, 'a', 2.5)",
		"deallocate prepare p",
	} {
		f.Add(s)
	}
	if b, err := os.ReadFile("../../demo/scenario.sql"); err == nil {
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, text string) {
		stmt, err := Parse(text)
		if err != nil {
			return
		}
		if _, ok := stmt.(*ast.Raw); ok {
			return
		}
		out := ast.Format(stmt)
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Format output does not parse: %v\ninput: %q\nformat: %q", err, text, out)
		}
		if g := ast.Format(again); g != out {
			t.Fatalf("round trip differs\ninput: %q\nfirst:  %q\nsecond: %q", text, out, g)
		}
	})
}

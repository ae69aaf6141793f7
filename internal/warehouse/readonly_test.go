package warehouse

import (
	"testing"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// A read-only session reads, SHOWs and SETs, and refuses every statement
// that writes with 25006, Postgres's code for a write in a read-only
// transaction, naming the statement by its command tag as Postgres does
// (PreventCommandIfReadOnly(CreateCommandName(...)): "cannot execute
// TRUNCATE TABLE in a read-only transaction").
func TestReadOnlySession(t *testing.T) {
	w, _ := openTest(t)
	admin := testSession(t, w)
	mustRun(t, admin, `create table t (a int); insert into t values (1);
		create procedure p() as $$ begin insert into t values (9); end; $$ language plpgsql`)
	s := testSession(t, w)
	s.SetReadOnly(true)
	for _, q := range []string{
		"select count(*) from t",
		"select * from t union all select 2",
		"values (1)",
		"show search_path",
		"set timezone to 'UTC'",
		"begin; select 1; commit",
		"with x as (select a from t) select * from x",
		// EXPLAIN runs nothing (Postgres explains a write in a read-only
		// transaction too, without ANALYZE).
		"explain select * from t",
		"explain analyze select * from t",
		"explain insert into t values (2)",
	} {
		if _, err := run(t, s, q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	for q, verb := range map[string]string{
		"insert into t values (2)":                   "INSERT",
		"update t set a = 3":                         "UPDATE",
		"delete from t":                              "DELETE",
		"-- a comment first\ntruncate t":             "TRUNCATE TABLE",
		"create table u (a int)":                     "CREATE TABLE",
		"drop table t":                               "DROP TABLE",
		"alter table t add column b int":             "ALTER TABLE",
		"create materialized view v as select 1":     "CREATE MATERIALIZED VIEW",
		"refresh materialized view v":                "REFRESH MATERIALIZED VIEW",
		"create schedule s every 1 hour as select 1": "CREATE SCHEDULE",
		"call p()":                           "CALL",
		"copy t from '/dev/null'":            "COPY",
		"select 1; insert into t values (4)": "INSERT",
	} {
		_, err := run(t, s, q)
		e, ok := sqlerr.As(err)
		if !ok || e.Code != sqlerr.ReadOnlySQLTransaction || e.Message != "cannot execute "+verb+" in a read-only transaction" {
			t.Errorf("%q: %v", q, err)
		}
	}
	if got := mustRun(t, admin, "select a from t order by a"); got != "[1]\nSELECT 1\n" {
		t.Errorf("the read-only session wrote: %q", got)
	}
}

package sql

import "testing"

// TestCommandTag: the tags Postgres sends in CommandComplete for the
// statements named (the Postgres protocol documentation's CommandComplete).
func TestCommandTag(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"create table t (a int)", "CREATE TABLE"},
		{"CREATE OR REPLACE TEMP VIEW v AS SELECT 1", "CREATE VIEW"},
		{"create materialized view mv as select 1", "CREATE MATERIALIZED VIEW"},
		{"/* c */ (select 1)", "SELECT"},
		{"-- c\ndrop table if exists t", "DROP TABLE"},
		{"truncate t", "TRUNCATE TABLE"},
		{"end", "COMMIT"},
		{"abort", "ROLLBACK"},
		{"create macro m() as 1", "CREATE FUNCTION"},
		{"", ""},
		{"'x'", ""},
	} {
		if got := rawTag(c.in); got != c.want {
			t.Errorf("rawTag(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		want bool
	}{{"ROLLBACK", true}, {"abort work", true}, {" commit", true}, {"end", true}, {"select 1", false}, {"$$x$$", false}} {
		if got := EndsTransaction(c.in); got != c.want {
			t.Errorf("EndsTransaction(%q) = %v", c.in, got)
		}
	}
}

// TestTag: a parsed statement's tag, as Postgres sends it in
// CommandComplete (protocol-message-formats.html, CommandComplete; and
// Postgres's tcop/cmdtag.h for the DDL names). The tag comes from the
// parsed statement, not from its first words: SELECT ... INTO creates a
// table, a parenthesized union is a SELECT.
func TestTag(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"insert into t with x as (select 1 as a) select a from x", "INSERT"},
		{"with x as (select 1) select * from x", "SELECT"},
		{"/* c */ (select 1) union all select 2", "SELECT"},
		{"values (1), (2)", "SELECT"},
		{"select 1 as a into t2", "CREATE TABLE AS"},
		{"create table t2 as select 1 as a", "CREATE TABLE AS"},
		{"create temp table t (a int)", "CREATE TABLE"},
		{"drop view if exists v", "DROP VIEW"},
		{"truncate t", "TRUNCATE TABLE"},
		{"update t set a = 1", "UPDATE"},
		{"delete from t", "DELETE"},
		{"create materialized view mv as select 1", "CREATE MATERIALIZED VIEW"},
		{"refresh materialized view mv", "REFRESH MATERIALIZED VIEW"},
		{"create external schema k from kinesis iam_role default", "CREATE SCHEMA"},
		{"create user u password disable", "CREATE USER"},
		{"grant select on t to u", "GRANT"},
		{"lock t", "LOCK TABLE"},
		{"end", "COMMIT"},
		{"abort", "ROLLBACK"},
		{"start transaction", "BEGIN"},
		{"call p(1)", "CALL"},
		{"move 2 in c", "MOVE"},
		{"fetch 2 from c", "FETCH"},
		{"set search_path to public", "SET"},
		{"show search_path", "SHOW"},
		{"explain verbose insert into t values (1)", "EXPLAIN"},
		{"explain (analyze) select 1", "EXPLAIN"},
	} {
		tr, err := Translate(c.in, Options{})
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got := Tag(tr.Stmt); got != c.want {
			t.Errorf("Tag(%q) = %q (%T), want %q", c.in, got, tr.Stmt, c.want)
		}
	}
}

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
		if got := CommandTag(c.in); got != c.want {
			t.Errorf("CommandTag(%q) = %q, want %q", c.in, got, c.want)
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

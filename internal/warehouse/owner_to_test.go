package warehouse

import (
	"fmt"
	"strings"
	"testing"
)

// The owners psql's \dt / \dv / \dm, \dn and \df read, by the catalog
// queries they run.
const (
	relOwnerSQL = `SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '%s' AND c.relname = '%s'`
	schemaOwnerSQL = `SELECT pg_catalog.pg_get_userbyid(n.nspowner) FROM pg_catalog.pg_namespace n WHERE n.nspname = '%s'`
	procOwnerSQL   = `SELECT pg_catalog.pg_get_userbyid(p.proowner) FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = '%s' AND p.proname = '%s'`
)

// TestAlterOwner: each OWNER TO form changes the owner the catalog reports,
// a user name taken as written (folded like an identifier); the statement's
// tag is Postgres's.
func TestAlterOwner(t *testing.T) {
	st := newMVStack(t)
	st.exec(`CREATE SCHEMA sales`)
	st.exec(`CREATE TABLE sales.t (a int)`)
	st.exec(`CREATE TABLE t2 (a int)`)
	st.exec(`CREATE VIEW v AS SELECT a FROM t2`)
	st.exec(`CREATE MATERIALIZED VIEW mv AS SELECT count(*) AS n FROM t2`)
	st.exec(`CREATE PROCEDURE p(a int) AS $$ BEGIN NULL; END; $$ LANGUAGE plpgsql SECURITY DEFINER`)
	for _, c := range []struct{ sql, tag, check, want string }{
		{`ALTER TABLE sales.t OWNER TO analyst`, "ALTER TABLE", fmt.Sprintf(relOwnerSQL, "sales", "t"), "analyst"},
		{`ALTER TABLE t2 OWNER TO "Loader"`, "ALTER TABLE", fmt.Sprintf(relOwnerSQL, "public", "t2"), "loader"},
		{`ALTER VIEW v OWNER TO reporter`, "ALTER VIEW", fmt.Sprintf(relOwnerSQL, "public", "v"), "reporter"},
		// Redshift's ALTER TABLE works on a view too.
		{`ALTER TABLE public.v OWNER TO reporter2`, "ALTER TABLE", fmt.Sprintf(relOwnerSQL, "public", "v"), "reporter2"},
		{`ALTER MATERIALIZED VIEW mv OWNER TO etl`, "ALTER MATERIALIZED VIEW", fmt.Sprintf(relOwnerSQL, "public", "mv"), "etl"},
		{`ALTER SCHEMA sales OWNER TO analyst`, "ALTER SCHEMA", fmt.Sprintf(schemaOwnerSQL, "sales"), "analyst"},
		{`ALTER PROCEDURE p(int) OWNER TO etl`, "ALTER PROCEDURE", fmt.Sprintf(procOwnerSQL, "public", "p"), "etl"},
		{`ALTER PROCEDURE public.p OWNER TO etl2`, "ALTER PROCEDURE", fmt.Sprintf(procOwnerSQL, "public", "p"), "etl2"},
		{`ALTER TABLE t2 OWNER TO CURRENT_USER`, "ALTER TABLE", fmt.Sprintf(relOwnerSQL, "public", "t2"), "tester"},
		{`ALTER PROCEDURE p(a int) OWNER TO session_user`, "ALTER PROCEDURE", fmt.Sprintf(procOwnerSQL, "public", "p"), "tester"},
	} {
		if got := st.exec(c.sql); got != c.tag+"\n" {
			t.Errorf("%s: %q, want tag %s", c.sql, got, c.tag)
		}
		if got := st.exec(c.check); got != c.want+"\nSELECT 1\n" {
			t.Errorf("after %s: owner %q, want %s", c.sql, got, c.want)
		}
	}
	// The materialized view's owner is the one stv_mv_info reports, and a
	// schema with no recorded owner still reads as the bootstrap user.
	st.want(`select owner_user_name from stv_mv_info where name = 'mv'`, "etl\nSELECT 1\n")
	st.want(fmt.Sprintf(schemaOwnerSQL, "public"), "blueshift\nSELECT 1\n")
	// A new owner is a user the catalog knows.
	st.want(`select count(*) from pg_catalog.pg_roles where rolname in ('analyst', 'reporter2', 'etl')`, "3\nSELECT 1\n")
	// CREATE SCHEMA IF NOT EXISTS of an existing schema keeps its owner; a
	// dropped and re-created schema is its creator's again, and so are the
	// tables in it.
	st.exec(`CREATE SCHEMA IF NOT EXISTS sales`)
	st.want(fmt.Sprintf(schemaOwnerSQL, "sales"), "analyst\nSELECT 1\n")
	st.exec(`DROP SCHEMA sales CASCADE`)
	st.exec(`CREATE SCHEMA sales; CREATE TABLE sales.t (a int)`)
	st.want(fmt.Sprintf(schemaOwnerSQL, "sales"), "tester\nSELECT 1\n")
	st.want(fmt.Sprintf(relOwnerSQL, "sales", "t"), "tester\nSELECT 1\n")
}

// TestAlterOwnerMissing: a missing object is Postgres's error for it.
func TestAlterOwnerMissing(t *testing.T) {
	st := newMVStack(t)
	st.exec(`CREATE TABLE t (a int)`)
	for _, c := range []struct{ sql, want string }{
		{`ALTER TABLE nope OWNER TO x`, `error 42P01: relation "nope" does not exist` + "\n"},
		{`ALTER TABLE public.nope OWNER TO x`, `error 42P01: relation "nope" does not exist` + "\n"},
		{`ALTER VIEW nope OWNER TO x`, `error 42P01: relation "nope" does not exist` + "\n"},
		{`ALTER MATERIALIZED VIEW t OWNER TO x`, `error 42P01: relation "t" does not exist` + "\n"},
		{`ALTER SCHEMA nope OWNER TO x`, `error 3F000: schema "nope" does not exist` + "\n"},
		{`ALTER PROCEDURE nope OWNER TO x`, `error 42883: could not find a procedure named "nope"` + "\n"},
		{`ALTER PROCEDURE nope(int, varchar) OWNER TO x`, `error 42883: procedure nope(int, varchar) does not exist` + "\n"},
		// The materialized-view statements name the view they miss.
		{`ALTER MATERIALIZED VIEW nope AUTO REFRESH YES`, `error 42P01: materialized view "nope" does not exist` + "\n"},
	} {
		if got := schedScript(t, st.s, c.sql); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.sql, got, c.want)
		}
	}
	// The failed statements changed nothing.
	st.want(fmt.Sprintf(relOwnerSQL, "public", "t"), "tester\nSELECT 1\n")
}

// TestAlterOwnerInBlock: OWNER TO in a transaction block rolls back with
// the block, commits with it, and is invisible to other sessions until then.
func TestAlterOwnerInBlock(t *testing.T) {
	st := newMVStack(t)
	st.exec(`CREATE SCHEMA sales`)
	st.exec(`CREATE TABLE t (a int)`)
	st.exec(`CREATE MATERIALIZED VIEW mv AS SELECT count(*) AS n FROM t`)
	st.exec(`CREATE PROCEDURE p() AS $$ BEGIN NULL; END; $$ LANGUAGE plpgsql`)
	alter := `BEGIN; ALTER TABLE t OWNER TO x; ALTER MATERIALIZED VIEW mv OWNER TO x;
		ALTER SCHEMA sales OWNER TO x; ALTER PROCEDURE p() OWNER TO x;`
	checks := []string{fmt.Sprintf(relOwnerSQL, "public", "t"), fmt.Sprintf(relOwnerSQL, "public", "mv"),
		fmt.Sprintf(schemaOwnerSQL, "sales"), fmt.Sprintf(procOwnerSQL, "public", "p")}
	wantAll := func(s *Session, want string) {
		t.Helper()
		for _, q := range checks {
			if got := schedScript(t, s, q); got != want+"\nSELECT 1\n" {
				t.Errorf("%s: %q, want %s", q, got, want)
			}
		}
	}
	st.exec(alter)
	wantAll(st.s, "x")
	other := testSession(t, st.w)
	wantAll(other, "tester")
	st.exec(`ROLLBACK`)
	wantAll(st.s, "tester")
	st.exec(alter + ` COMMIT`)
	wantAll(other, "x")
	// A failed statement aborts the block, and the change goes with it.
	st.exec(`BEGIN; ALTER TABLE t OWNER TO y`)
	if got := schedScript(t, st.s, `ALTER SCHEMA nope OWNER TO y`); got != `error 3F000: schema "nope" does not exist`+"\n" {
		t.Fatalf("ALTER SCHEMA nope: %q", got)
	}
	st.exec(`COMMIT`)
	wantAll(st.s, "x")
}

// TestAlterOwnerAutoRefresh: AUTO REFRESH runs as the view's owner as it is
// now: a streaming view's running loop and an ordinary view alike.
func TestAlterOwnerAutoRefresh(t *testing.T) {
	st := newMVStack(t)
	st.setup()
	st.exec(`CREATE TABLE t (a int)`)
	st.exec(`CREATE MATERIALIZED VIEW tsum AUTO REFRESH YES AS SELECT sum(a) AS s FROM t`)
	st.exec(`ALTER MATERIALIZED VIEW events_vw AUTO REFRESH YES`)
	st.put(`{"id": 1, "kind": "a"}`)
	st.waitFor(`select count(*) from events_vw`, "1\nSELECT 1\n")

	st.exec(`ALTER MATERIALIZED VIEW events_vw OWNER TO etl; ALTER MATERIALIZED VIEW tsum OWNER TO etl`)
	// A pass that began before the change may still run as the old owner;
	// the one after it cannot.
	for i := 2; i <= 3; i++ {
		st.put(fmt.Sprintf(`{"id": %d, "kind": "a"}`, i))
		st.exec(`INSERT INTO t VALUES (1)`)
		st.waitFor(`select count(*) from events_vw`, fmt.Sprintf("%d\nSELECT 1\n", i))
		st.waitFor(`select s from tsum`, fmt.Sprintf("%d\nSELECT 1\n", i-1))
	}
	st.want(`select mv_name, user_name from blueshift_catalog.mv_refresh_history
		where refresh_type = 'Auto' and mv_name in ('events_vw', 'tsum') and user_name = 'etl'
		group by all order by mv_name`, "events_vw | etl\ntsum | etl\nSELECT 2\n")
}

// TestDropTempTableKeepsHiddenRecords: dropping a temporary table that
// hides a permanent one of the same name (the temporary schema comes first
// in the search path, as in Postgres) leaves the permanent table's owner
// and declared column lengths as they were; dropping the permanent one
// then forgets them. Before, the DROP of the temporary table forgot the
// records of the current schema's table of its name.
func TestDropTempTableKeepsHiddenRecords(t *testing.T) {
	st := newMVStack(t)
	st.exec(`CREATE TABLE w (a varchar(3))`)
	st.exec(`ALTER TABLE w OWNER TO analyst`)
	st.exec(`CREATE TEMP TABLE w (b int)`)
	st.exec(`DROP TABLE w`)
	st.want(fmt.Sprintf(relOwnerSQL, "public", "w"), "analyst\nSELECT 1\n")
	// Redshift: "value too long for type character varying(3)" (22001).
	if got := schedScript(t, st.s, `INSERT INTO w VALUES ('abcd')`); !strings.Contains(got, "value too long for type character varying(3)") {
		t.Errorf("insert of 4 characters into varchar(3) after the temporary table's drop: %q, want 22001", got)
	}
	st.exec(`DROP TABLE IF EXISTS w`)
	st.exec(`DROP TABLE IF EXISTS w`) // nothing there: nothing to forget
	st.exec(`CREATE TABLE w (a varchar(10))`)
	st.want(fmt.Sprintf(relOwnerSQL, "public", "w"), "tester\nSELECT 1\n")
	st.want(`INSERT INTO w VALUES ('abcd')`, "INSERT 0 1\n")
}

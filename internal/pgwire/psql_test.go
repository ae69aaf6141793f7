package pgwire_test

import (
	"bytes"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// psql runs the psql client against s with the given arguments and stdin,
// and returns its output and exit code.
func psql(t *testing.T, s *testserver.Server, stdin string, args ...string) (string, int) {
	t.Helper()
	bin, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("psql is not installed (.ci/run installs postgresql-client)")
	}
	host, port, _ := strings.Cut(s.SQL, ":")
	cmd := exec.Command(bin, append([]string{"-X", "-h", host, "-p", port, "-U", "alice", "-d", "dev"}, args...)...)
	cmd.Env = append(cmd.Environ(), "PGCONNECT_TIMEOUT=10", "PGSSLMODE=disable")
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), code
}

func TestPsqlScriptStopsOnError(t *testing.T) {
	s := testserver.Start(t)
	script := `\set ON_ERROR_STOP on
CREATE TABLE public.t (a character varying(500), b numeric(5,2), c integer, d timestamp);
insert into t values ('x', 1.5, 1, '2022-07-08 23:59:59');
select * from nope;
insert into t values ('y', 2.5, 2, null);
`
	out, code := psql(t, s, script)
	if code != 3 || !strings.Contains(out, `ERROR:  relation "nope" does not exist`) {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	out, code = psql(t, s, "", "-A", "-t", "-c", "select a, b, c, d from t")
	if code != 0 || strings.TrimSpace(out) != "x|1.50|1|2022-07-08 23:59:59" {
		t.Fatalf("exit %d: rows after the stopped script:\n%s", code, out)
	}
}

func TestPsqlCopy(t *testing.T) {
	s := testserver.Start(t)
	if out, code := psql(t, s, "", "-c", "create table t (id int, name varchar, score numeric(5,2), ts timestamp)"); code != 0 {
		t.Fatal(out)
	}
	// Text format, with a NULL, an escaped tab and the end marker.
	in := "1\talice\t1.50\t2022-07-08 23:59:59\n2\tbob\\tjr\t\\N\t\\N\n\\.\n"
	out, code := psql(t, s, in, "-c", `COPY t FROM STDIN`)
	if code != 0 || !strings.Contains(out, "COPY 2") {
		t.Fatalf("COPY FROM STDIN: exit %d\n%s", code, out)
	}
	// CSV with a header, through \copy.
	csvIn := "id,name,score,at\n3,\"carol, c\",2.25,\n"
	out, code = psql(t, s, csvIn, "-c", `\copy t from stdin with (format csv, header true)`)
	if code != 0 || !strings.Contains(out, "COPY 1") {
		t.Fatalf("\\copy csv: exit %d\n%s", code, out)
	}
	out, code = psql(t, s, "", "-c", `COPY (select * from t order by id) TO STDOUT`)
	want := "1\talice\t1.50\t2022-07-08 23:59:59\n2\tbob\\tjr\t\\N\t\\N\n3\tcarol, c\t2.25\t\\N\n"
	if code != 0 || out != want {
		t.Fatalf("COPY TO STDOUT: exit %d\n got %q\nwant %q", code, out, want)
	}
	out, code = psql(t, s, "", "-c", `COPY t (id, name) TO STDOUT WITH CSV HEADER`)
	if code != 0 || !strings.HasPrefix(out, "id,name\n") || !strings.Contains(out, "3,\"carol, c\"\n") {
		t.Fatalf("COPY TO STDOUT CSV: exit %d\n%s", code, out)
	}
	// A bad row fails the whole COPY: nothing of it is loaded.
	out, code = psql(t, s, "4\tdan\t1\t\\N\nnot-a-number\tx\t1\t\\N\n", "-v", "ON_ERROR_STOP=1", "-c", `COPY t FROM STDIN`)
	if code == 0 {
		t.Fatalf("bad COPY succeeded:\n%s", out)
	}
	out, _ = psql(t, s, "", "-A", "-t", "-c", "select count(*) from t")
	if strings.TrimSpace(out) != "3" {
		t.Fatalf("rows after failed COPY: %s", out)
	}
}

func TestPsqlCatalogCommands(t *testing.T) {
	s := testserver.Start(t)
	if out, code := psql(t, s, "", "-c", "create table public.orders (id integer not null, note varchar(20), amount numeric(5,2))"); code != 0 {
		t.Fatal(out)
	}
	out, code := psql(t, s, "", "-c", `\dt`)
	if code != 0 || !strings.Contains(out, "orders") || !strings.Contains(out, "public") {
		t.Fatalf("\\dt: exit %d\n%s", code, out)
	}
	out, code = psql(t, s, "", "-c", `\d orders`)
	if code != 0 || !strings.Contains(out, "amount") || !strings.Contains(out, "numeric(5,2)") {
		t.Fatalf("\\d orders: exit %d\n%s", code, out)
	}
	out, code = psql(t, s, "", "-c", `\dn`)
	if code != 0 || !strings.Contains(out, "public") {
		t.Fatalf("\\dn: exit %d\n%s", code, out)
	}
}

// \d shows a table's columns with the type names Postgres and Redshift
// print, lengths included (a VARCHAR declared without one has Redshift's
// 256), as psql lays them out; \l lists the database.
func TestPsqlDescribeTableTypes(t *testing.T) {
	s := testserver.Start(t)
	ddl := `CREATE TABLE public.t (a character varying(500) not null, b numeric(5,2), c integer,
		d timestamp, e super, f bigint default 3, g varbyte(10), h boolean, i double precision,
		j date, k char(3), l timestamptz, m varchar)`
	if out, code := psql(t, s, "", "-c", ddl); code != 0 {
		t.Fatal(out)
	}
	out, code := psql(t, s, "", "-c", `\d t`)
	want := `                           Table "public.t"
 Column |            Type             | Collation | Nullable | Default 
--------+-----------------------------+-----------+----------+---------
 a      | character varying(500)      |           | not null | 
 b      | numeric(5,2)                |           |          | 
 c      | integer                     |           |          | 
 d      | timestamp without time zone |           |          | 
 e      | super                       |           |          | 
 f      | bigint                      |           |          | 3
 g      | varbyte(10)                 |           |          | 
 h      | boolean                     |           |          | 
 i      | double precision            |           |          | 
 j      | date                        |           |          | 
 k      | character(3)                |           |          | 
 l      | timestamp with time zone    |           |          | 
 m      | character varying(256)      |           |          | 

`
	if code != 0 || out != want {
		t.Fatalf("\\d t: exit %d\n got:\n%s\nwant:\n%s", code, out, want)
	}
	// A table dropped and created again shows its new declaration; one
	// created by a script's implicit transaction that fails leaves nothing.
	script := "drop table t; create table t (a varchar(7), b char(2))"
	if out, code := psql(t, s, "", "-c", script); code != 0 {
		t.Fatal(out)
	}
	if out, code := psql(t, s, "", "-c", "create table u (a varchar(9)); select * from nope"); code == 0 {
		t.Fatalf("failed script succeeded:\n%s", out)
	}
	out, code = psql(t, s, "", "-A", "-t", "-c",
		`select c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
		 from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid
		 where c.relname in ('t', 'u') order by 1`)
	if want := "t.a character varying(7)\nt.b character(2)\n"; code != 0 || out != want {
		t.Fatalf("after drop and create: exit %d\n got %q\nwant %q", code, out, want)
	}
	// ALTER TABLE keeps the declared types in step.
	for _, q := range []string{
		"alter table t add column c varchar(20)",
		"alter table t alter column a type varchar(30)",
		"alter table t rename column b to bb",
		"alter table t drop column c",
		"alter table t add column c char(5)",
		"alter table t rename to t2",
	} {
		if out, code := psql(t, s, "", "-c", q); code != 0 {
			t.Fatalf("%s: %s", q, out)
		}
	}
	out, code = psql(t, s, "", "-A", "-t", "-c",
		`select c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
		 from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid
		 where c.relname in ('t', 't2') order by a.attnum`)
	if want := "t2.a character varying(30)\nt2.bb character(2)\nt2.c character(5)\n"; code != 0 || out != want {
		t.Fatalf("after ALTER TABLE: exit %d\n got %q\nwant %q", code, out, want)
	}
	out, code = psql(t, s, "", "-A", "-t", "-c", `select count(*) from blueshift_catalog.column_types where table_name = 'u'`)
	if code != 0 || strings.TrimSpace(out) != "0" {
		t.Fatalf("declared types of a rolled-back table: exit %d, %s", code, out)
	}
	out, code = psql(t, s, "", "-A", "-t", "-c", `\l`)
	if code != 0 || !strings.HasPrefix(out, "dev|blueshift|UTF8|") || strings.Count(out, "\n") != 1 {
		t.Fatalf("\\l: exit %d\n%s", code, out)
	}
}

// COPY ... CSV tells NULL (an unquoted empty field) from the empty string
// (""), both ways, as Postgres does.
func TestPsqlCopyCSVNullAndEmpty(t *testing.T) {
	s := testserver.Start(t)
	if out, code := psql(t, s, "", "-c", "create table t (id int, a varchar, b varchar)"); code != 0 {
		t.Fatal(out)
	}
	in := "1,,\"\"\n2,\"\",\n3,\"x,\"\"y\"\"\nz\",\\N\n"
	out, code := psql(t, s, in, "-c", `COPY t FROM STDIN WITH (FORMAT csv)`)
	if code != 0 || !strings.Contains(out, "COPY 3") {
		t.Fatalf("COPY FROM STDIN CSV: exit %d\n%s", code, out)
	}
	out, code = psql(t, s, "", "-A", "-t", "-c",
		`select id, coalesce(a, '<null>'), coalesce(b, '<null>') from t order by id`)
	want := "1|<null>|\n2||<null>\n3|x,\"y\"\nz|\\N\n"
	if code != 0 || out != want {
		t.Fatalf("loaded rows: exit %d\n got %q\nwant %q", code, out, want)
	}
	out, code = psql(t, s, "", "-c", `COPY (select * from t order by id) TO STDOUT WITH CSV`)
	if want := "1,,\"\"\n2,\"\",\n3,\"x,\"\"y\"\"\nz\",\\N\n"; code != 0 || out != want {
		t.Fatalf("COPY TO STDOUT CSV: exit %d\n got %q\nwant %q", code, out, want)
	}
	// What COPY TO wrote, COPY FROM reads back the same.
	if out, code := psql(t, s, "", "-c", "create table t2 (id int, a varchar, b varchar)"); code != 0 {
		t.Fatal(out)
	}
	if out, code := psql(t, s, out, "-c", `COPY t2 FROM STDIN WITH CSV`); code != 0 {
		t.Fatal(out)
	}
	out, code = psql(t, s, "", "-A", "-t", "-c",
		`select count(*) from t join t2 using (id) where t.a is not distinct from t2.a and t.b is not distinct from t2.b`)
	if code != 0 || strings.TrimSpace(out) != "3" {
		t.Fatalf("round trip: exit %d, %s rows equal, want 3", code, out)
	}
}

// version() answers in Redshift's shape, which drivers and BI tools parse,
// while server_version stays the one psql's catalog queries need.
func TestVersionIsRedshiftShaped(t *testing.T) {
	s := testserver.Start(t)
	out, code := psql(t, s, "", "-A", "-c", "select version()")
	re := regexp.MustCompile(`^version\nPostgreSQL 8\.0\.2 on [a-z0-9_]+-pc-linux-gnu, compiled by blueshift \(DuckDB [0-9.]+\), Redshift 1\.0\.[0-9]+\n\(1 row\)\n$`)
	if code != 0 || !re.MatchString(out) {
		t.Fatalf("select version(): exit %d\n%q", code, out)
	}
	out, code = psql(t, s, "", "-A", "-t", "-c", "select pg_catalog.version() = version()", "-c", "show server_version")
	if code != 0 || out != "t\n9.6.0\n" {
		t.Fatalf("exit %d: %q", code, out)
	}
}

// TestPsqlVarbyte: psql prints VARBYTE values as Redshift sends them, in
// hex without a prefix, under the type's name (Redshift SQL reference,
// "VARBYTE type": from_hex('6162') prints 6162, 'abc'::varbyte 616263).
func TestPsqlVarbyte(t *testing.T) {
	s := testserver.Start(t)
	out, code := psql(t, s, "", "-c", "select from_hex('6162'), 'abc'::varbyte")
	want := ` from_hex | varbyte 
----------+---------
 6162     | 616263
(1 row)

`
	if code != 0 || out != want {
		t.Fatalf("exit %d, output:\n%s\nwant:\n%s", code, out, want)
	}
	out, code = psql(t, s, "", "-A", "-t", "-c", "select t.typname from pg_type t where t.oid = 6551")
	if code != 0 || strings.TrimSpace(out) != "varbyte" {
		t.Fatalf("exit %d: pg_type of OID 6551: %q", code, out)
	}
}

// COMMENT ON a table and a column reads back in psql's \dt+ and \d+
// Description columns, as Postgres (and Redshift, whose psql-compatible
// catalog keeps them in pg_description) shows them.
func TestPsqlComments(t *testing.T) {
	s := testserver.Start(t)
	script := `CREATE TABLE people (id int, city varchar(30));
		COMMENT ON TABLE people IS 'who we know';
		COMMENT ON COLUMN people.city IS 'where they live'`
	if out, code := psql(t, s, "", "-c", script); code != 0 {
		t.Fatal(out)
	}
	out, code := psql(t, s, "", "-A", "-F", "|", "-c", `\dt+ people`)
	if code != 0 || !strings.Contains(out, "|who we know") {
		t.Fatalf("\\dt+ people: exit %d\n%s", code, out)
	}
	out, code = psql(t, s, "", "-A", "-F", "|", "-c", `\d+ people`)
	if code != 0 || !regexp.MustCompile(`(?m)^city\|character varying\(30\)\|.*\|where they live$`).MatchString(out) {
		t.Fatalf("\\d+ people: exit %d\n%s", code, out)
	}
}

package pgwire_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// psqlOK runs psql with -A -t (unaligned rows, no headers) and fails the
// test on a non-zero exit.
func psqlOK(t *testing.T, s *testserver.Server, args ...string) string {
	t.Helper()
	out, code := psql(t, s, "", append([]string{"-A", "-t"}, args...)...)
	if code != 0 {
		t.Fatalf("psql %q: exit %d\n%s", args, code, out)
	}
	return out
}

func TestPsqlDfListsUserProceduresOnly(t *testing.T) {
	s := testserver.Start(t)
	psqlOK(t, s, "-c", `create procedure SP_Customer_Transaction_Fact(inout n int, out msg varchar(10), amount numeric(10,2), at timestamp)
		as $$ begin n := n + 1; msg := 'ok'; end; $$ language plpgsql`,
		"-c", `create procedure public.sp_noargs() as $$ begin raise info 'x'; end; $$ language plpgsql`)
	out := psqlOK(t, s, "-c", `\df`)
	want := "public|sp_customer_transaction_fact||INOUT n integer, OUT msg character varying(10), amount numeric(10,2), at timestamp without time zone|func\n" +
		"public|sp_noargs|||func\n"
	if out != want {
		t.Fatalf("\\df:\n got %q\nwant %q", out, want)
	}
	// A pattern, as psql turns it into a regular expression on proname.
	if out := psqlOK(t, s, "-c", `\df sp_no*`); out != "public|sp_noargs|||func\n" {
		t.Fatalf("\\df sp_no*: %q", out)
	}
}

func TestPsqlDtPlusShowsSizes(t *testing.T) {
	s := testserver.Start(t)
	psqlOK(t, s, "-c", "create table empty_t (a int)", "-c", "create table big_t (id bigint, name varchar(20))",
		"-c", "insert into big_t select range, 'name ' || range from range(10000)", "-c", "create view v as select * from big_t")
	sizes := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(psqlOK(t, s, "-c", `\dt+`)), "\n") {
		f := strings.Split(line, "|") // schema|name|type|owner|persistence|size|description
		if len(f) < 6 {
			t.Fatalf("\\dt+ row %q", line)
		}
		sizes[f[1]] = f[5]
	}
	if sizes["empty_t"] != "0 bytes" || sizes["big_t"] == "" || sizes["big_t"] == "0 bytes" {
		t.Fatalf("\\dt+ sizes: %v", sizes)
	}
	out := psqlOK(t, s, "-c", `select pg_table_size(c.oid) > 0, pg_total_relation_size(c.oid) = pg_table_size(c.oid),
		pg_relation_size(c.oid) = pg_table_size(c.oid), pg_relation_size(c.oid, 'fsm')
		from pg_catalog.pg_class c where relname = 'big_t'`,
		"-c", `select pg_catalog.pg_table_size(oid) from pg_catalog.pg_class where relname = 'v'`)
	if out != "t|t|t|0\n0\n" {
		t.Fatalf("size functions: %q", out)
	}
	// pg_size_pretty as Postgres prints sizes.
	out = psqlOK(t, s, "-c", `select pg_size_pretty(10239::bigint), pg_size_pretty(10240::bigint),
		pg_catalog.pg_size_pretty(20971520::bigint), pg_size_pretty(1073741824::bigint * 30)`)
	if out != "10239 bytes|10 kB|20 MB|30 GB\n" {
		t.Fatalf("pg_size_pretty: %q", out)
	}
}

func TestPsqlMaterializedViewsAndOwners(t *testing.T) {
	s := testserver.Start(t)
	psqlOK(t, s, "-c", "create table t (id int)", "-c", "insert into t values (1), (2)",
		"-c", "create materialized view mv as select id, count(*) as n from t group by id",
		"-c", "create view v as select id from t")
	ctx := ctxT(t)
	bob, err := pgx.Connect(ctx, connString(s, "bob"))
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close(context.Background())
	if _, err := bob.Exec(ctx, "create table bobs (a int)"); err != nil {
		t.Fatal(err)
	}
	if out := psqlOK(t, s, "-c", `\dt`); out != "public|bobs|table|bob\npublic|t|table|alice\n" {
		t.Fatalf("\\dt:\n%s", out)
	}
	if out := psqlOK(t, s, "-c", `\dm`); out != "public|mv|materialized view|alice\n" {
		t.Fatalf("\\dm:\n%s", out)
	}
	if out := psqlOK(t, s, "-c", `\dv`); out != "public|v|view|alice\n" {
		t.Fatalf("\\dv:\n%s", out)
	}
	// The owner psql shows is the one stv_mv_info reports.
	var owner string
	if err := bob.QueryRow(ctx, "select owner_user_name from stv_mv_info where name = 'mv'").Scan(&owner); err != nil || owner != "alice" {
		t.Fatalf("stv_mv_info owner %q, %v", owner, err)
	}
	// \d+ of a materialized view shows its definition.
	if out, code := psql(t, s, "", "-c", `\d+ mv`); code != 0 || !strings.Contains(out, `Materialized view "public.mv"`) ||
		!strings.Contains(out, "group by id") {
		t.Fatalf("\\d+ mv:\n%s", out)
	}
	// Dropped and renamed tables take their owners along.
	if _, err := bob.Exec(ctx, "alter table bobs rename to bobs2"); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.Exec(ctx, "drop table t cascade"); err != nil {
		t.Fatal(err)
	}
	psqlOK(t, s, "-c", "create table t (x int)") // alice again
	if out := psqlOK(t, s, "-c", `\dt`); out != "public|bobs2|table|bob\npublic|t|table|alice\n" {
		t.Fatalf("\\dt after rename and drop:\n%s", out)
	}
}

func TestSessionUserFunctions(t *testing.T) {
	s := testserver.Start(t)
	ctx := ctxT(t)
	for _, user := range []string{"alice", "bob"} {
		c, err := pgx.Connect(ctx, connString(s, user))
		if err != nil {
			t.Fatal(err)
		}
		var cu, u, su, cr, db string
		err = c.QueryRow(ctx, "select current_user, user, session_user, current_role, current_database()").Scan(&cu, &u, &su, &cr, &db)
		_ = c.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cu != user || u != user || su != user || cr != user || db != "dev" {
			t.Fatalf("connected as %s: current_user %q, user %q, session_user %q, current_role %q, current_database %q",
				user, cu, u, su, cr, db)
		}
	}
}

func TestFloatTextOnTheWire(t *testing.T) {
	s := testserver.Start(t)
	c := connect(t, s)
	res, err := c.PgConn().Exec(ctxT(t), `select 1715731200::float8, 0.1::float8, 1e15::float8, 1234567::float4, 123456::float4`).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range res[0].Rows[0] {
		got = append(got, string(v))
	}
	if want := "1715731200 0.1 1e+15 1.234567e+06 123456"; strings.Join(got, " ") != want {
		t.Fatalf("float text: got %q, want %q", got, want)
	}
}

func TestExplainIsOneQueryPlanColumn(t *testing.T) {
	s := testserver.Start(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, "create table planned (id int); insert into planned values (1), (2)"); err != nil {
		t.Fatal(err)
	}
	// Simple protocol and extended protocol (Describe before Execute) alike.
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
		rows, err := c.Query(ctx, "explain select * from planned where id > 1", mode)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, line)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		fds := rows.FieldDescriptions()
		if len(fds) != 1 || fds[0].Name != "QUERY PLAN" || (fds[0].DataTypeOID != 25 && fds[0].DataTypeOID != 1043) {
			t.Fatalf("%v: columns %+v", mode, fds)
		}
		if tag := rows.CommandTag().String(); tag != "EXPLAIN" {
			t.Fatalf("%v: tag %q", mode, tag)
		}
		if len(lines) < 2 || !strings.Contains(strings.Join(lines, "\n"), "planned") {
			t.Fatalf("%v: plan lines:\n%s", mode, strings.Join(lines, "\n"))
		}
		for _, l := range lines {
			if strings.Contains(l, "\n") {
				t.Fatalf("%v: a row holds several lines: %q", mode, l)
			}
		}
	}
}

func TestPsqlOwnerTo(t *testing.T) {
	s := testserver.Start(t)
	psqlOK(t, s, "-c", "create schema sales", "-c", "create table sales.t (id int)",
		"-c", "create materialized view sales.mv as select count(*) as n from sales.t",
		"-c", "alter schema sales owner to bob", "-c", "alter table sales.t owner to bob",
		"-c", "alter materialized view sales.mv owner to carol")
	if out := psqlOK(t, s, "-c", `\dn sales`, "-c", `\dt sales.*`, "-c", `\dm sales.*`); out !=
		"sales|bob\nsales|t|table|bob\nsales|mv|materialized view|carol\n" {
		t.Fatalf("owners after OWNER TO:\n%s", out)
	}
}

package pgwire_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// What drivers send beyond plain queries, through pgx: binary COPY (pgx's
// CopyFrom, psycopg 3's write_row), array parameters (= ANY($1)), cursors
// (psycopg's named cursors), and the statements ORMs send on connect. The
// expected behaviour is Postgres's (its documentation of COPY, arrays,
// DECLARE and FETCH), which Redshift shares for these.

func TestBinaryCopyBothWays(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, `create table bc (i int, b bigint, s varchar(20), d decimal(10,2), f float8, ts timestamp, ok boolean, j super)`); err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	rows := [][]any{
		{int32(1), int64(1) << 40, "héllo", "12.50", 1.5, ts, true, `{"a":[1,2]}`},
		{int32(2), nil, nil, nil, nil, nil, nil, nil},
	}
	n, err := c.CopyFrom(ctx, pgx.Identifier{"bc"}, []string{"i", "b", "s", "d", "f", "ts", "ok", "j"}, pgx.CopyFromRows(rows))
	if err != nil || n != 2 {
		t.Fatalf("CopyFrom: %d rows, %v", n, err)
	}
	var (
		s2  string
		d   string
		j   string
		got time.Time
	)
	if err := c.QueryRow(ctx, `select s, d::varchar, json_serialize(j), ts from bc where i = 1`).Scan(&s2, &d, &j, &got); err != nil {
		t.Fatal(err)
	}
	if s2 != "héllo" || d != "12.50" || j != `{"a":[1,2]}` || !got.Equal(ts) {
		t.Fatalf("row 1 = %q %q %q %v", s2, d, j, got)
	}
	var nulls int
	if err := c.QueryRow(ctx, `select count(*) from bc where i = 2 and b is null and s is null and j is null`).Scan(&nulls); err != nil || nulls != 1 {
		t.Fatalf("NULLs: %d, %v", nulls, err)
	}
	// COPY TO STDOUT in binary: pgx reads the raw stream; check its framing.
	var buf bytesWriter
	if _, err := c.PgConn().CopyTo(ctx, &buf, `copy (select i, s from bc order by i) to stdout (format binary)`); err != nil {
		t.Fatal(err)
	}
	want := append([]byte("PGCOPY\n\xff\r\n\x00"), 0, 0, 0, 0, 0, 0, 0, 0, // signature, flags, extension
		0, 2, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 6, 'h', 0xc3, 0xa9, 'l', 'l', 'o', // (1, 'héllo')
		0, 2, 0, 0, 0, 4, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, // (2, NULL)
		0xff, 0xff) // trailer
	if !reflect.DeepEqual([]byte(buf), want) {
		t.Fatalf("binary COPY TO:\n got %v\nwant %v", []byte(buf), want)
	}
}

type bytesWriter []byte

func (w *bytesWriter) Write(p []byte) (int, error) { *w = append(*w, p...); return len(p), nil }

func TestArrayParameters(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, `create table ap (id int, name varchar(10)); insert into ap values (1, 'a'), (2, 'b c'), (3, NULL)`); err != nil {
		t.Fatal(err)
	}
	ids := func(sql string, args ...any) []int32 {
		t.Helper()
		rows, err := c.Query(ctx, sql, args...)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return out
	}
	// pgx sends []int32 as int4[] in binary and []string as text[].
	if got := ids(`select id from ap where id = any($1) order by id`, []int32{1, 3, 9}); !reflect.DeepEqual(got, []int32{1, 3}) {
		t.Errorf("id = any(int4[]) = %v", got)
	}
	if got := ids(`select id from ap where name = any($1) order by id`, []string{"b c", "z"}); !reflect.DeepEqual(got, []int32{2}) {
		t.Errorf("name = any(text[]) = %v", got)
	}
	if got := ids(`select id from ap where id <> all($1) order by id`, []int64{1}); !reflect.DeepEqual(got, []int32{2, 3}) {
		t.Errorf("id <> all(int8[]) = %v", got)
	}
	// An empty array: ANY is false for every row (Postgres).
	if got := ids(`select id from ap where id = any($1)`, []int32{}); len(got) != 0 {
		t.Errorf("id = any('{}') = %v", got)
	}
	// A literal array, and one cast from text.
	if got := ids(`select id from ap where id = any(array[2, 3]) order by id`); !reflect.DeepEqual(got, []int32{2, 3}) {
		t.Errorf("id = any(array[2,3]) = %v", got)
	}
	if got := ids(`select id from ap where id = any('{1,2}'::int[]) order by id`); !reflect.DeepEqual(got, []int32{1, 2}) {
		t.Errorf("id = any('{1,2}'::int[]) = %v", got)
	}
}

func TestCursors(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, `create table cur (n int); insert into cur select * from generate_series(1, 10)`); err != nil {
		t.Fatal(err)
	}
	// Redshift and Postgres: DECLARE CURSOR needs a transaction block.
	if _, err := c.Exec(ctx, `declare c1 cursor for select n from cur`); pgCode(err) != "25P01" {
		t.Fatalf("DECLARE outside a block: %v, want 25P01", err)
	}
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `declare c1 cursor for select n from cur order by n`); err != nil {
		t.Fatal(err)
	}
	fetch := func(sql string) []int32 {
		t.Helper()
		rows, err := tx.Query(ctx, sql, pgx.QueryExecModeSimpleProtocol)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return out
	}
	if got := fetch(`fetch next from c1`); !reflect.DeepEqual(got, []int32{1}) {
		t.Errorf("FETCH NEXT = %v", got)
	}
	if got := fetch(`fetch forward 3 from c1`); !reflect.DeepEqual(got, []int32{2, 3, 4}) {
		t.Errorf("FETCH FORWARD 3 = %v", got)
	}
	tag, err := tx.Exec(ctx, `move forward 2 in c1`)
	if err != nil || tag.String() != "MOVE 2" {
		t.Errorf("MOVE FORWARD 2: %q, %v", tag, err)
	}
	if got := fetch(`fetch all from c1`); !reflect.DeepEqual(got, []int32{7, 8, 9, 10}) {
		t.Errorf("FETCH ALL = %v", got)
	}
	if got := fetch(`fetch next from c1`); len(got) != 0 {
		t.Errorf("FETCH after the end = %v", got)
	}
	var open int
	if err := tx.QueryRow(ctx, `select count(*) from pg_catalog.pg_cursors where name = 'c1'`).Scan(&open); err != nil || open != 1 {
		t.Errorf("pg_cursors: %d, %v", open, err)
	}
	if _, err := tx.Exec(ctx, `declare c1 cursor for select 1`); pgCode(err) != "42P03" {
		t.Errorf("a second c1: %v, want 42P03", err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	// The block is over: its cursor is gone.
	if _, err := c.Exec(ctx, `fetch next from c1`); pgCode(err) != "34000" {
		t.Errorf("FETCH after ROLLBACK: %v, want 34000", err)
	}
	// WITH HOLD outlives its transaction; CLOSE ends it.
	if _, err := c.Exec(ctx, `begin; declare h cursor with hold for select n from cur where n > 8 order by n; commit`); err != nil {
		t.Fatal(err)
	}
	var n int32
	if err := c.QueryRow(ctx, `fetch next from h`, pgx.QueryExecModeSimpleProtocol).Scan(&n); err != nil || n != 9 {
		t.Errorf("FETCH from a held cursor: %d, %v", n, err)
	}
	if _, err := c.Exec(ctx, `close h`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `close h`); pgCode(err) != "34000" {
		t.Errorf("CLOSE twice: %v, want 34000", err)
	}
	if _, err := c.Exec(ctx, `begin; fetch backward 1 from h`); pgCode(err) != "0A000" {
		t.Errorf("FETCH BACKWARD: %v, want 0A000", err)
	}
}

// TestWhatORMsSendOnConnect: SQLAlchemy and JDBC drivers ask for the
// isolation level first; ORMs create tables with SERIAL keys and pgbench
// drops several tables at once.
func TestWhatORMsSendOnConnect(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	var level string
	if err := c.QueryRow(ctx, `show transaction isolation level`).Scan(&level); err != nil || level != "serializable" {
		t.Errorf("SHOW TRANSACTION ISOLATION LEVEL = %q, %v (Redshift runs serializable)", level, err)
	}
	if _, err := c.Exec(ctx, `create table orm (id serial not null, name varchar(50), primary key (id))`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `insert into orm (name) values ('a'), ('b')`); err != nil {
		t.Fatal(err)
	}
	var ids []int32
	rows, _ := c.Query(ctx, `select id from orm order by id`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil || !reflect.DeepEqual(ids, []int32{1, 2}) {
		t.Errorf("SERIAL ids = %v, %v", ids, err)
	}
	if _, err := c.Exec(ctx, `create table t2 (at int); select at from t2; drop table if exists orm, t2, nosuch`); err != nil {
		t.Fatalf("a column named at, and a DROP of three: %v", err)
	}
	var left int
	if err := c.QueryRow(ctx, `select count(*) from information_schema.tables where table_name in ('orm', 't2')`).Scan(&left); err != nil || left != 0 {
		t.Errorf("after DROP TABLE orm, t2: %d left, %v", left, err)
	}
	var schemas []string
	rows, _ = c.Query(ctx, `SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' ORDER BY nspname`)
	schemas, err = pgx.CollectRows(rows, pgx.RowTo[string])
	// SQLAlchemy's get_schema_names query: against Postgres it answers
	// information_schema and public, never blueshift's internal schemas.
	if err != nil || !reflect.DeepEqual(schemas, []string{"information_schema", "public"}) {
		t.Errorf("schemas a client lists = %v, %v; want information_schema and public", schemas, err)
	}
}

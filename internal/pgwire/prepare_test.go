package pgwire_test

import (
	"testing"

	"github.com/jackc/pgx/v5"
)

// PREPARE, EXECUTE and DEALLOCATE answer with Postgres's command tags
// (psql prints them): EXECUTE of an INSERT, UPDATE or DELETE is the
// statement's own tag with its count, not a result set. A write through
// EXECUTE makes a materialized view of the table stale, as the statement
// alone does (SVV_MV_INFO.is_stale).
func TestPreparedStatementTags(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, `create table prep1 (c1 int, c2 varchar(20));
		create materialized view prep_mv as select count(*) as n from prep1`); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct{ sql, tag string }{
		{`PREPARE prep_insert_plan (int, char) AS insert into prep1 values ($1, $2)`, "PREPARE"},
		{`EXECUTE prep_insert_plan (1, 'one')`, "INSERT 0 1"},
		{`EXECUTE prep_insert_plan (2, 'two')`, "INSERT 0 1"},
		{`PREPARE up (int) AS update prep1 set c2 = upper(c2) where c1 <= $1`, "PREPARE"},
		{`EXECUTE up (2)`, "UPDATE 2"},
		{`PREPARE del AS delete from prep1 where c1 = 1`, "PREPARE"},
		{`EXECUTE del`, "DELETE 1"},
		{`PREPARE sel (int) AS select c2 from prep1 where c1 = $1`, "PREPARE"},
		{`EXECUTE sel (2)`, "SELECT 1"},
		{`DEALLOCATE PREPARE sel`, "DEALLOCATE"},
		{`DEALLOCATE ALL`, "DEALLOCATE ALL"},
	} {
		tag, err := c.Exec(ctx, step.sql, pgx.QueryExecModeSimpleProtocol)
		if err != nil {
			t.Fatalf("%s: %v", step.sql, err)
		}
		if tag.String() != step.tag {
			t.Errorf("%s: tag %q, want %q", step.sql, tag, step.tag)
		}
	}
	var c2 string
	var stale string
	if err := c.QueryRow(ctx, `select c2 from prep1`).Scan(&c2); err != nil || c2 != "TWO" {
		t.Fatalf("prep1 holds %q (%v), want TWO", c2, err)
	}
	if err := c.QueryRow(ctx, `select is_stale from svv_mv_info where name = 'prep_mv'`).Scan(&stale); err != nil || stale != "t" {
		t.Fatalf("prep_mv is_stale %q (%v) after writes through EXECUTE, want t", stale, err)
	}
}

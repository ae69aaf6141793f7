package pgwire_test

import (
	"strings"
	"testing"
)

// PG_LAST_QUERY_ID, PG_LAST_COPY_ID and PG_LAST_COPY_COUNT, as Redshift's
// SQL reference describes them: the session's last completed query (-1
// before any), its last COPY (-1) and the rows that COPY loaded (0 before
// any, and after a COPY that failed while loading). The reference's
// example finds the last query's text in STL_QUERY by its ID.
func TestLastQueryAndCopy(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	var q, copyID, unloadID int64
	var count, unloadCount int64
	if err := c.QueryRow(ctx, `select pg_last_query_id(), pg_last_copy_id(), pg_last_copy_count(), pg_last_unload_id(), pg_last_unload_count()`).
		Scan(&q, &copyID, &count, &unloadID, &unloadCount); err != nil {
		t.Fatal(err)
	}
	if q != -1 || copyID != -1 || count != 0 || unloadID != -1 || unloadCount != 0 {
		t.Fatalf("before any statement: %d %d %d %d %d, want -1 -1 0 -1 0", q, copyID, count, unloadID, unloadCount)
	}
	if _, err := c.Exec(ctx, `create table ct (a int, b varchar(10))`); err != nil {
		t.Fatal(err)
	}
	tag, err := c.PgConn().CopyFrom(ctx, strings.NewReader("1,a\n2,b\n3,c\n"), "copy ct from stdin csv")
	if err != nil || tag.RowsAffected() != 3 {
		t.Fatalf("COPY: %v %v", tag, err)
	}
	var copyText string
	if err := c.QueryRow(ctx, `select pg_last_copy_count(), querytxt from stl_query where query = pg_last_copy_id()`).Scan(&count, &copyText); err != nil {
		t.Fatal(err)
	}
	if count != 3 || copyText != "copy ct from stdin csv" {
		t.Fatalf("after COPY of 3 rows: count %d, last COPY %q", count, copyText)
	}
	if _, err := c.Exec(ctx, `select 42`); err != nil {
		t.Fatal(err)
	}
	var text string
	if err := c.QueryRow(ctx, `select trim(querytxt) as sqlquery from stl_query where query = pg_last_query_id()`).Scan(&text); err != nil || text != "select 42" {
		t.Fatalf("last query %q (%v), want select 42", text, err)
	}
	if _, err := c.PgConn().CopyFrom(ctx, strings.NewReader("4,d\nx,e\n"), "copy ct from stdin csv"); err == nil {
		t.Fatal("COPY of a bad row succeeded")
	}
	if err := c.QueryRow(ctx, `select pg_last_copy_count()`).Scan(&count); err != nil || count != 0 {
		t.Fatalf("after a COPY that failed: count %d (%v), want 0", count, err)
	}
}

package pgwire_test

import (
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
)

// A Query message of several statements runs as one implicit transaction,
// as in Postgres: each statement still gets its CommandComplete, the whole
// message commits at its end, and an error rolls back what it had done
// outside an explicit block.
func TestSimpleQueryImplicitTransaction(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	other := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, "create table t (a int)"); err != nil {
		t.Fatal(err)
	}
	rows := func() string {
		t.Helper()
		var got []int
		r, err := other.Query(ctx, "select a from t order by a")
		if err != nil {
			t.Fatal(err)
		}
		got, err = pgx.CollectRows(r, pgx.RowTo[int])
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(got)
	}

	// Success: one CommandComplete a statement, all committed at the end.
	res, err := c.PgConn().Exec(ctx, "insert into t values (1); insert into t values (2); select count(*) from t").ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	for _, r := range res {
		tags = append(tags, r.CommandTag.String())
	}
	if fmt.Sprint(tags) != "[INSERT 0 1 INSERT 0 1 SELECT 1]" {
		t.Fatalf("tags %q", tags)
	}
	if got := rows(); got != "[1 2]" {
		t.Fatalf("after a good script: rows %s", got)
	}

	// An error rolls back the statements before it, whether it fails in
	// planning (undefined table) or while running (a bad cast).
	for _, bad := range []string{"select * from nope", "insert into t select 'x'::int"} {
		_, err = c.PgConn().Exec(ctx, "insert into t values (3); delete from t where a = 1; "+bad).ReadAll()
		if err == nil {
			t.Fatalf("%s: no error", bad)
		}
		if got := rows(); got != "[1 2]" {
			t.Fatalf("after a failed script ending in %q: rows %s, want [1 2]", bad, got)
		}
		if st := c.PgConn().TxStatus(); st != 'I' {
			t.Fatalf("status %c after a failed implicit transaction, want I", st)
		}
	}

	// COMMIT inside the message commits what came before it; the error after
	// it rolls back only what followed.
	_, err = c.PgConn().Exec(ctx, "insert into t values (4); commit; insert into t values (5); select * from nope").ReadAll()
	if pgCode(err) != "42P01" {
		t.Fatalf("got %v, want 42P01", err)
	}
	if got := rows(); got != "[1 2 4]" {
		t.Fatalf("after COMMIT then an error: rows %s, want [1 2 4]", got)
	}

	// BEGIN makes the implicit transaction explicit, with the statements
	// before it: an error then aborts the block (status E), and ROLLBACK
	// undoes both.
	_, err = c.PgConn().Exec(ctx, "insert into t values (6); begin; insert into t values (7); select * from nope").ReadAll()
	if pgCode(err) != "42P01" {
		t.Fatalf("got %v, want 42P01", err)
	}
	if st := c.PgConn().TxStatus(); st != 'E' {
		t.Fatalf("status %c, want E (an aborted explicit block)", st)
	}
	if _, err := c.Exec(ctx, "rollback"); err != nil {
		t.Fatal(err)
	}
	if got := rows(); got != "[1 2 4]" {
		t.Fatalf("after ROLLBACK of the block: rows %s, want [1 2 4]", got)
	}

	// Inside an explicit block the message's statements belong to the block:
	// an error aborts it and nothing is rolled back until ROLLBACK or COMMIT.
	if _, err := c.PgConn().Exec(ctx, "begin; insert into t values (8)").ReadAll(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PgConn().Exec(ctx, "insert into t values (9); commit").ReadAll(); err != nil {
		t.Fatal(err)
	}
	if got := rows(); got != "[1 2 4 8 9]" {
		t.Fatalf("after a block committed across messages: rows %s", got)
	}
}

package warehouse

import (
	"context"
	"testing"
)

// TestPreparedQuerySeesNewRows: a statement prepared once and run again
// after rows were added (by another session, and by its own) counts them.
// DuckDB plans count(*) of a table read from disk as a constant from the
// table's statistics and would keep that plan for as long as the catalog
// does not change.
func TestPreparedQuerySeesNewRows(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, testSession(t, w), `CREATE TABLE t (a int); INSERT INTO t SELECT n FROM generate_series(1, 1000) AS g(n)`)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w, err = Open(ctx, dir, Options{}) // t is now read from disk
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	reader, writer := testSession(t, w), testSession(t, w)
	stmt, err := reader.Prepare(ctx, `select count(*) from t`)
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	count := func() any {
		t.Helper()
		res, err := reader.Run(ctx, stmt, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		if !res.Next() {
			t.Fatal("no row")
		}
		return res.Values()[0]
	}
	if n := count(); n != int64(1000) {
		t.Fatalf("prepared count %v, want 1000", n)
	}
	mustRun(t, writer, `INSERT INTO t VALUES (1001)`)
	if n := count(); n != int64(1001) {
		t.Errorf("after another session's insert the prepared count says %v, want 1001", n)
	}
	mustRun(t, reader, `BEGIN; INSERT INTO t VALUES (1002)`)
	if n := count(); n != int64(1002) {
		t.Errorf("after the session's own insert the prepared count says %v, want 1002", n)
	}
	mustRun(t, reader, `ROLLBACK`)
	if n := count(); n != int64(1001) {
		t.Errorf("after the rollback the prepared count says %v, want 1001", n)
	}
}

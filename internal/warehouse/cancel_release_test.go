package warehouse

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

// TestCancelledStatementsReleaseTheDatabase: statements whose context ends
// at any moment (before, while or after DuckDB begins them) leave nothing
// behind on their connection. Were one left active, it would keep the
// database instance alive after Close, and opening the same file again in
// this process would never return.
func TestCancelledStatementsReleaseTheDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "CREATE TABLE t (a int, b timestamp)"); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	cancelled := 0
	for i := range 200 {
		c, err := w.connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sctx, cancel := context.WithCancel(ctx)
		go func(d time.Duration) { time.Sleep(d); cancel() }(time.Duration(rand.IntN(300)) * time.Microsecond)
		for j := 0; j < 20 && sctx.Err() == nil; j++ {
			if i%2 == 0 {
				_, err = c.Exec(sctx, "INSERT INTO t VALUES ($1, $2)", j, time.Now())
			} else {
				var res *Result
				if res, err = c.Query(sctx, "SELECT count(*) FROM t WHERE a = $1", j); err == nil {
					err = res.Close()
				}
			}
			if err != nil {
				cancelled++
				break
			}
		}
		cancel()
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d of 200 connections had a statement cancelled", cancelled)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	reopened := make(chan error, 1)
	go func() {
		w, err := Open(ctx, dir, Options{})
		if err == nil {
			err = w.Close()
		}
		reopened <- err
	}()
	select {
	case err := <-reopened:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("opening the warehouse again did not return: a cancelled statement kept the database open")
	}
}

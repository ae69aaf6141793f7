package pgwire_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestGracefulShutdown stops the server (SIGTERM) with an idle connection and
// a long-running query: the query does not complete, both
// connections are closed, the process exits, and the data is intact after a
// restart with no write-ahead log left behind.
func TestGracefulShutdown(t *testing.T) {
	s := server(t)
	ctx := ctxT(t)
	c := connect(t, s)
	if _, err := c.Exec(ctx, "create table t (a int); insert into t values (1)"); err != nil {
		t.Fatal(err)
	}
	idle := connect(t, s)
	busy := connect(t, s)
	started := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		close(started)
		var n int64
		errc <- busy.QueryRow(context.Background(), "select count(*) from range(1000000000000) a, range(10) b").Scan(&n)
	}()
	<-started
	// Whether the query is already running or still in flight when SIGTERM
	// arrives, it must not complete: it is cancelled after the grace period,
	// or its connection is closed before it starts.
	s.Stop()
	if err := <-errc; err == nil {
		t.Fatal("a trillion-row query finished during shutdown")
	}
	if err := idle.Ping(ctx); err == nil {
		t.Fatal("idle connection still open after shutdown")
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "dev.duckdb.wal")); err == nil {
		t.Error("write-ahead log left behind: the database was not checkpointed at shutdown")
	}
	s.Restart()
	c2, err := pgx.Connect(ctx, connString(s, "alice"))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close(ctx)
	var n int
	if err := c2.QueryRow(ctx, "select sum(a) from t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("after restart: %d %v", n, err)
	}
}

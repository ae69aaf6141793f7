package warehouse_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestProcedureOverPgx calls a procedure through the real server with pgx:
// RAISE INFO, NOTICE and WARNING arrive as notices (LOG does not), OUT
// values come back as a row, RAISE EXCEPTION is SQLSTATE P0001.
func TestProcedureOverPgx(t *testing.T) {
	srv := testserver.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var notices []string
	cfg, err := pgx.ParseConfig(fmt.Sprintf("postgres://blueshift@%s/dev?sslmode=disable", srv.SQL))
	if err != nil {
		t.Fatal(err)
	}
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		notices = append(notices, n.Severity+": "+n.Message)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, srv.Logs())
	}
	defer conn.Close(ctx)

	if _, err := conn.Exec(ctx, `CREATE PROCEDURE p_wire(x int, INOUT y varchar(20), OUT z int) AS $$
BEGIN
  RAISE LOG 'log %', x;
  RAISE INFO 'info %', x;
  RAISE NOTICE 'notice %', x;
  RAISE WARNING 'warning %', x;
  IF x < 0 THEN
    RAISE EXCEPTION 'negative: %', x;
  END IF;
  y := y || x;
  z := x * 2;
END;
$$ LANGUAGE plpgsql`); err != nil {
		t.Fatal(err)
	}
	var y string
	var z int
	if err := conn.QueryRow(ctx, "CALL p_wire(21, 'v')").Scan(&y, &z); err != nil {
		t.Fatal(err)
	}
	if y != "v21" || z != 42 {
		t.Errorf("OUT values: got y=%q z=%d, want v21 and 42", y, z)
	}
	// The simple protocol, and arguments as bound parameters, too.
	if err := conn.QueryRow(ctx, "CALL p_wire($1, $2)", pgx.QueryExecModeSimpleProtocol, 5, "w").Scan(&y, &z); err != nil {
		t.Fatal(err)
	}
	if y != "w5" || z != 10 {
		t.Errorf("OUT values (simple protocol): got y=%q z=%d, want w5 and 10", y, z)
	}
	notices = notices[:len(notices)-3]
	want := []string{"INFO: info 21", "NOTICE: notice 21", "WARNING: warning 21"}
	if fmt.Sprint(notices) != fmt.Sprint(want) {
		t.Errorf("notices: got %q want %q", notices, want)
	}
	_, err = conn.Exec(ctx, "CALL p_wire(-1, 'v')")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "P0001" || pgErr.Message != "negative: -1" {
		t.Fatalf("RAISE EXCEPTION: got %v, want P0001 \"negative: -1\"", err)
	}
	// The failed call is logged as aborted, with its messages.
	var aborted, msgs int
	if err := conn.QueryRow(ctx, "SELECT sum(aborted) FROM svl_stored_proc_call").Scan(&aborted); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM svl_stored_proc_messages WHERE loglevel_text = 'EXCEPTION'").Scan(&msgs); err != nil {
		t.Fatal(err)
	}
	if aborted != 1 || msgs != 1 {
		t.Errorf("call log: aborted calls %d, EXCEPTION messages %d; want 1 and 1", aborted, msgs)
	}
}

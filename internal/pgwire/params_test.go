package pgwire_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
)

// pgxModes are every way pgx sends a query and its arguments.
var pgxModes = []pgx.QueryExecMode{
	pgx.QueryExecModeCacheStatement,
	pgx.QueryExecModeCacheDescribe,
	pgx.QueryExecModeDescribeExec,
	pgx.QueryExecModeExec,
	pgx.QueryExecModeSimpleProtocol,
}

// VARBYTE values round-trip in every pgx mode: as parameters (binary, text
// in Postgres's hex format, or inlined by pgx as '\x...' literals), and as
// hex literals written in the SQL. They are read back as Redshift sends
// them: type VARBYTE (OID 6551), the text their hex digits without a prefix
// (Redshift's "VARBYTE type" page: 'abc'::varbyte prints 616263).
func TestByteaRoundTripsInEveryMode(t *testing.T) {
	s := server(t)
	ctx := ctxT(t)
	setup := connect(t, s)
	if _, err := setup.Exec(ctx, "create table b (id int, v varbyte(100))"); err != nil {
		t.Fatal(err)
	}
	for i, mode := range pgxModes {
		t.Run(mode.String(), func(t *testing.T) {
			cfg, err := pgx.ParseConfig(connString(s, "alice"))
			if err != nil {
				t.Fatal(err)
			}
			cfg.DefaultQueryExecMode = mode
			c, err := pgx.ConnectConfig(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(ctx)
			values := [][]byte{
				{byte(i), 0, 1, '\\', 'x', '0', 0xff, '\''},
				{},
				[]byte(`\x41`), // text that looks like hex stays these bytes
			}
			for j, want := range values {
				id := i*10 + j
				if _, err := c.Exec(ctx, "insert into b (id, v) values ($1, $2)", id, want); err != nil {
					t.Fatalf("insert %x: %v", want, err)
				}
				got, err := readVarbyte(ctx, c, "select v from b where id = $1", id)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) || got == nil {
					t.Fatalf("stored %x, read back %x", want, got)
				}
				var n int
				for _, q := range []string{
					"select count(*) from b where v = $1::varbyte and id = $2",
					"select count(*) from b where v = $1 and id = $2",
					"select count(*) from b where v in ($1, '\\x') and id = $2",
				} {
					if err := c.QueryRow(ctx, q, want, id).Scan(&n); err != nil || n != 1 {
						t.Fatalf("%s with %x: %d rows, %v", q, want, n, err)
					}
				}
				if _, err := c.Exec(ctx, "update b set v = $1 where id = $2", append([]byte{0xfe}, want...), id); err != nil {
					t.Fatal(err)
				}
				if got, err = readVarbyte(ctx, c, "select v from b where id = $1", id); err != nil || !bytes.Equal(got, append([]byte{0xfe}, want...)) {
					t.Fatalf("after update: %x %v", got, err)
				}
			}
			var null *string
			if err := c.QueryRow(ctx, "select $1::bytea", []byte(nil)).Scan(&null); err != nil || null != nil {
				t.Fatalf("NULL bytea: %x %v", null, err)
			}
			// Hex literals in the SQL text mean bytes where bytes are expected.
			var lit, text string
			if err := c.QueryRow(ctx, `select '\x00ff41'::bytea, '\x00ff41'::varchar`).Scan(&lit, &text); err != nil {
				t.Fatal(err)
			}
			if lit != "00ff41" || text != `\x00ff41` {
				t.Fatalf(`'\x00ff41' as bytea %x, as varchar %q`, lit, text)
			}
		})
	}
	// Hex literals assigned to a VARBYTE column, through psql-style SQL.
	if _, err := setup.Exec(ctx, `insert into b values (1000, '\xcafe'); update b set v = '\x0102' where id = 0`); err != nil {
		t.Fatal(err)
	}
	var a, b string
	if err := setup.QueryRow(ctx, "select (select v from b where id = 1000), (select v from b where id = 0)").Scan(&a, &b); err != nil {
		t.Fatal(err)
	}
	if a != "cafe" || b != "0102" {
		t.Fatalf("hex literals stored as %x and %x", a, b)
	}
}

// readVarbyte reads one VARBYTE value (hex text on the wire) as bytes.
func readVarbyte(ctx context.Context, c *pgx.Conn, q string, args ...any) ([]byte, error) {
	var h *string
	if err := c.QueryRow(ctx, q, args...).Scan(&h); err != nil || h == nil {
		return nil, err
	}
	return hex.DecodeString(*h)
}

// Parameters DuckDB cannot type by themselves take the types of the columns
// they are assigned to, so clients are told real types.
func TestParameterTypesFromTargetColumns(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, "create table t (a integer, b varchar(10), c numeric(5,2), d timestamp, e varbyte, f bigint, g boolean)"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ sql, want string }{
		{"insert into t values ($1, $2, $3, $4, $5, $6, $7)", "[23 1043 1700 1114 17 20 16]"},
		{"insert into t (g, a) values ($1, $2), ($3, $4)", "[16 23 16 23]"},
		{"update t set b = $1, c = $2 where a = $3", "[1043 1700 23]"},
	} {
		sd, err := c.Prepare(ctx, "", tc.sql)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(sd.ParamOIDs); got != tc.want {
			t.Errorf("%s: parameter OIDs %s, want %s", tc.sql, got, tc.want)
		}
	}
	// The types are used: text parameters are read as the column's type.
	if _, err := c.Exec(ctx, "insert into t values ($1, $2, $3, $4, $5, $6, $7)", pgx.QueryExecModeExec,
		42, "x", "12.34", "2024-01-02 03:04:05", []byte{1}, int64(1)<<40, true); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := c.QueryRow(ctx, "select a || ',' || b || ',' || c || ',' || d || ',' || f || ',' || g from t").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "42,x,12.34,2024-01-02 03:04:05,1099511627776,true" {
		t.Fatalf("row %q", got)
	}
}

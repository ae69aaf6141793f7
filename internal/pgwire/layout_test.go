package pgwire_test

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// An ALTER TABLE of a table's physical layout (distribution, sort key,
// compression encodings) changes nothing a query sees, and Redshift
// answers it with the command tag ALTER TABLE and no rows, as any ALTER
// TABLE. The statements are the examples of the SQL reference's "ALTER
// TABLE" and "ALTER TABLE examples" pages.
func TestLayoutAlterAnswersAlterTable(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, `create table inventory (inv_date_sk int not null, inv_item_sk int not null, inv_warehouse_sk int not null, inv_quantity_on_hand int)`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`alter table inventory alter diststyle key distkey inv_warehouse_sk`,
		`alter table inventory alter distkey inv_item_sk`,
		`alter table inventory alter diststyle all`,
		`alter table inventory alter diststyle even`,
		`alter table inventory alter diststyle auto`,
		`alter table inventory alter sortkey (inv_date_sk, inv_item_sk)`,
		`alter table inventory alter compound sortkey (inv_date_sk)`,
		`alter table inventory alter sortkey none`,
		`alter table inventory alter sortkey auto`,
		`alter table inventory alter column inv_quantity_on_hand encode az64`,
		`alter table inventory alter encode auto`,
	} {
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
			rows, err := c.Query(ctx, q, mode)
			if err != nil {
				t.Fatalf("%v %q: %v", mode, q, err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			if err := rows.Err(); err != nil {
				t.Fatalf("%v %q: %v", mode, q, err)
			}
			if tag, fds := rows.CommandTag().String(), rows.FieldDescriptions(); tag != "ALTER TABLE" || len(fds) != 0 || n != 0 {
				t.Fatalf("%v %q: tag %q, %d columns, %d rows; want ALTER TABLE and no rows", mode, q, tag, len(fds), n)
			}
		}
	}
	// The table must exist, as for any ALTER TABLE (42P01).
	_, err := c.Exec(ctx, `alter table nosuch alter distkey a`)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42P01" {
		t.Fatalf("ALTER DISTKEY of a missing table: %v, want 42P01", err)
	}
}

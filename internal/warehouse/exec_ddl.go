package warehouse

// DDL forms the SQL front end rewrites and the engine completes.
//
// Behavior:
//   - CREATE TABLE t (LIKE other [INCLUDING DEFAULTS]) creates t with
//     other's columns and types (the front end prints CREATE TABLE t AS
//     SELECT * FROM other LIMIT 0), then copies other's NOT NULL
//     constraints and, with INCLUDING DEFAULTS, its column defaults, in the
//     statement's transaction, as Redshift's LIKE does.
//   - ALTER TABLE t ALTER DISTKEY / DISTSTYLE / [COMPOUND | INTERLEAVED]
//     SORTKEY / ENCODE (a physical layout, which DuckDB has no use for)
//     checks that t exists (the front end prints SELECT 1 FROM t LIMIT 0)
//     and answers as Redshift does: the command ALTER TABLE, no rows.

import (
	"context"
	"errors"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// planAlterChecked plans an ALTER TABLE of a physical layout, or of a key
// constraint (the catalog's, constraints.go): tr.SQL checks the table
// exists.
func (s *Session) planAlterChecked(tr *bsql.Translation) *plan {
	return &plan{command: "ALTER TABLE", run: func(ctx context.Context, _ []any) (*Result, error) {
		if _, err := s.conn.Exec(ctx, tr.SQL); err != nil {
			return nil, err
		}
		return commandResult("ALTER TABLE"), nil
	}}
}

// planLike completes CREATE TABLE ... (LIKE other).
func (s *Session) planLike(pl *plan, stmt ast.Stmt) *plan {
	ct, ok := stmt.(*ast.CreateTable)
	if !ok || ct.Like == nil {
		return pl
	}
	return s.withCatalog(pl, func(ctx context.Context) error {
		opts := s.Options()
		fromSchema, from, err := s.resolveRelation(ctx, ct.Like, opts)
		if err != nil {
			return err
		}
		target := ""
		if ct.Temp {
			target = "temp.main." + quoteIdent(catalogIdent(ct.Name.Last(), opts))
		} else {
			schema, rel, err := s.splitName(ctx, ct.Name)
			if err != nil {
				return err
			}
			target = quoteIdent(schema) + "." + quoteIdent(rel)
		}
		res, err := s.conn.Query(ctx, `SELECT column_name, column_default, is_nullable FROM duckdb_columns()
			WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2 ORDER BY column_index`, fromSchema, from)
		if err != nil {
			return errorf("read the columns of %s.%s: %w", fromSchema, from, err)
		}
		var alters []string
		for res.Next() {
			v := res.Values()
			col, _ := v[0].(string)
			def, _ := v[1].(string)
			nullable, _ := v[2].(bool)
			if !nullable {
				alters = append(alters, "ALTER TABLE "+target+" ALTER COLUMN "+quoteIdent(col)+" SET NOT NULL")
			}
			if ct.LikeDefaults && def != "" {
				alters = append(alters, "ALTER TABLE "+target+" ALTER COLUMN "+quoteIdent(col)+" SET DEFAULT "+def)
			}
		}
		if err := errors.Join(res.Err(), res.Close()); err != nil {
			return errorf("read the columns of %s.%s: %w", fromSchema, from, err)
		}
		for _, q := range alters {
			if _, err := s.conn.Exec(ctx, q); err != nil {
				return errorf("copy a column of %s.%s: %w", fromSchema, from, err)
			}
		}
		return nil
	})
}

package warehouse

// A table's physical layout as declared: DISTSTYLE, DISTKEY, the sort key
// (COMPOUND or INTERLEAVED) and each column's ENCODE. DuckDB has no use
// for them, but Redshift's catalog shows them and scripts read them back:
// PG_TABLE_DEF's distkey, sortkey (the column's place in the sort key,
// negative on every other column of an interleaved one, as the reference's
// example shows: -1, 2, -3, 4, -5) and encoding (the ENCODE declared,
// 'none' otherwise), and SVV_TABLE_INFO's diststyle, sortkey1 and
// sortkey_num. They are recorded by CREATE TABLE (and CREATE TABLE AS),
// follow RENAME TO, RENAME COLUMN and DROP COLUMN, and are forgotten by
// DROP TABLE and DROP SCHEMA. ALTER TABLE's layout changes (ALTER DISTKEY, SORTKEY,
// ENCODE) are accepted and leave the declared layout as it was.

import (
	"context"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

var tableLayoutMigration = Migration{Name: "0150_table_layout", SQL: []string{
	`CREATE TABLE IF NOT EXISTS blueshift_catalog.table_layout (
		schema_name VARCHAR NOT NULL,
		table_name  VARCHAR NOT NULL,
		diststyle   VARCHAR,   -- even, key, all, auto; NULL when not declared
		distkey     VARCHAR,   -- the DISTKEY column
		sortkind    VARCHAR,   -- compound or interleaved
		sortkey     VARCHAR[], -- the sort key's columns, in order
		encodings   MAP(VARCHAR, VARCHAR) -- column -> declared ENCODE
	)`,
}}

// layoutOf is the layout a CREATE TABLE declares; ok is false when it
// declares none.
func layoutOf(n *ast.CreateTable, key func(ast.Ident) string) (diststyle, distkey, sortkind string, sortkey []string, enc map[string]string, ok bool) {
	a := n.Attrs
	diststyle = a.DistStyle
	if a.DistKey != nil {
		distkey = key(*a.DistKey)
	}
	sortkind = a.SortKind
	for _, c := range a.SortKey {
		sortkey = append(sortkey, key(c))
	}
	enc = map[string]string{}
	for _, c := range n.Columns {
		if c.DistKey {
			distkey = key(c.Name)
		}
		if c.SortKey && len(sortkey) == 0 {
			sortkey = []string{key(c.Name)}
		}
		if c.Encode != "" {
			enc[key(c.Name)] = strings.ToLower(c.Encode)
		}
	}
	if distkey != "" && diststyle == "" {
		diststyle = "key"
	}
	if len(sortkey) > 0 && sortkind == "" {
		sortkind = "compound"
	}
	ok = diststyle != "" || distkey != "" || len(sortkey) > 0 || len(enc) > 0
	return diststyle, distkey, sortkind, sortkey, enc, ok
}

// planTableLayout records a new table's declared layout once pl has made
// it, and follows the ALTER TABLEs that rename or drop what it names.
func (s *Session) planTableLayout(pl *plan, stmt ast.Stmt) *plan {
	switch n := stmt.(type) {
	case *ast.CreateTable:
		if n.Temp {
			return pl
		}
		opts := s.Options()
		key := func(id ast.Ident) string { return catalogIdent(id, opts) }
		diststyle, distkey, sortkind, sortkey, enc, ok := layoutOf(n, key)
		return s.withCatalog(pl, func(ctx context.Context) error {
			schema, table, err := s.splitName(ctx, n.Name)
			if err != nil {
				return err
			}
			if n.IfNotExists {
				var had bool
				res, err := s.conn.Query(ctx, `SELECT 1 FROM `+CatalogSchema+`.table_layout WHERE schema_name = $1 AND table_name = $2`, schema, table)
				if err != nil {
					return errorf("read the layout of %s.%s: %w", schema, table, err)
				}
				had = res.Next()
				_ = res.Close()
				if had {
					return nil
				}
			} else if err := s.forgetLayout(ctx, schema, table); err != nil {
				return err
			}
			if !ok {
				return nil
			}
			keys, vals := make([]string, 0, len(enc)), make([]string, 0, len(enc))
			for k, v := range enc {
				keys, vals = append(keys, k), append(vals, v)
			}
			nullIf := func(v string) any {
				if v == "" {
					return nil
				}
				return v
			}
			var sk any
			if len(sortkey) > 0 {
				sk = sortkey
			}
			if _, err := s.conn.Exec(ctx, `INSERT INTO `+CatalogSchema+`.table_layout VALUES ($1, $2, $3, $4, $5, $6, map($7::VARCHAR[], $8::VARCHAR[]))`,
				schema, table, nullIf(diststyle), nullIf(distkey), nullIf(sortkind), sk, keys, vals); err != nil {
				return errorf("record the layout of %s.%s: %w", schema, table, err)
			}
			return nil
		})
	case *ast.AlterTable:
		switch n.Action {
		case "rename to", "rename column", "drop column":
			return s.withCatalog(pl, func(ctx context.Context) error { return s.alterLayout(ctx, n) })
		}
	}
	return pl
}

// alterLayout follows RENAME TO, RENAME COLUMN and DROP COLUMN.
func (s *Session) alterLayout(ctx context.Context, n *ast.AlterTable) error {
	opts := s.Options()
	schema, table, err := s.splitName(ctx, n.Table)
	if err != nil {
		return err
	}
	const where = ` WHERE schema_name = $1 AND table_name = $2`
	var q string
	var args []any
	switch n.Action {
	case "rename to":
		q, args = `UPDATE `+CatalogSchema+`.table_layout SET table_name = $3`+where, []any{catalogIdent(n.NewName, opts)}
	case "rename column":
		from, to := catalogIdent(n.Name, opts), catalogIdent(n.NewName, opts)
		q = `UPDATE ` + CatalogSchema + `.table_layout SET
			distkey = CASE WHEN distkey = $3 THEN $4 ELSE distkey END,
			sortkey = list_transform(sortkey, c -> CASE WHEN c = $3 THEN $4 ELSE c END),
			encodings = map_from_entries(list_transform(map_entries(encodings), e -> {'key': CASE WHEN e.key = $3 THEN $4 ELSE e.key END, 'value': e.value}))` + where
		args = []any{from, to}
	case "drop column":
		col := catalogIdent(n.Name, opts)
		q = `UPDATE ` + CatalogSchema + `.table_layout SET
			distkey = CASE WHEN distkey = $3 THEN NULL ELSE distkey END,
			sortkey = CASE WHEN list_contains(sortkey, $3) THEN NULL ELSE sortkey END,
			encodings = map_from_entries(list_filter(map_entries(encodings), e -> e.key <> $3))` + where
		args = []any{col}
	}
	if _, err := s.conn.Exec(ctx, q, append([]any{schema, table}, args...)...); err != nil {
		return errorf("follow ALTER TABLE %s.%s in its layout: %w", schema, table, err)
	}
	return nil
}

func (s *Session) forgetLayout(ctx context.Context, schema, table string) error {
	if _, err := s.conn.ExecKept(ctx, `DELETE FROM `+CatalogSchema+`.table_layout WHERE schema_name = $1 AND table_name = $2`, schema, table); err != nil {
		return errorf("forget the layout of %s.%s: %w", schema, table, err)
	}
	return nil
}

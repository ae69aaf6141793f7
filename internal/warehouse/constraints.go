package warehouse

// Key constraints: PRIMARY KEY, UNIQUE and FOREIGN KEY are informational in
// Redshift ("Table constraints": not enforced when a table is populated, so
// an INSERT of a duplicate key or of a key its referenced table lacks
// succeeds). DuckDB would enforce them, so the SQL front end gives it none
// (ast.Printer.DuckDB; a primary key's columns stay NOT NULL) and the
// catalog keeps them here, for pg_constraint, pg_index, pg_class and
// information_schema's table_constraints and key_column_usage, where
// drivers and tools look for a table's keys.
//
// Behavior, as Postgres (whose catalog Redshift's is) names and checks
// them:
//   - CREATE TABLE and ALTER TABLE ADD [CONSTRAINT name] record a key; an
//     unnamed one is t_pkey, t_a_b_key or t_a_fkey. A key's columns must
//     exist (42703), a FOREIGN KEY's table too (42P01) and, without a
//     column list, have a primary key (42830); a second primary key is
//     42P16 and a name the table already has 42710. ALTER TABLE ADD
//     PRIMARY KEY makes its columns NOT NULL, as CREATE TABLE does.
//   - ALTER TABLE DROP CONSTRAINT name forgets it (42704 when the table has
//     none of the name).
//   - DROP TABLE of a table another table's FOREIGN KEY references is
//     2BP01 without CASCADE, as Redshift's reference shows; CASCADE drops
//     those foreign keys. DROP COLUMN drops the keys of the column likewise.
//   - RENAME TO and RENAME COLUMN carry the keys along.
//
// Tables created before keys were informational keep DuckDB's enforced
// constraints (duckdb_constraints(), also shown in the catalog).

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

var keyConstraintsMigration = Migration{Name: "0140_key_constraints", SQL: []string{
	`CREATE TABLE IF NOT EXISTS blueshift_catalog.key_constraints (
		schema_name     VARCHAR NOT NULL,
		table_name      VARCHAR NOT NULL,
		constraint_name VARCHAR NOT NULL,
		contype         VARCHAR NOT NULL, -- p, u or f, as pg_constraint's
		columns         VARCHAR[] NOT NULL,
		ref_schema      VARCHAR,
		ref_table       VARCHAR,
		ref_columns     VARCHAR[],
		seq             BIGINT NOT NULL -- order of creation, for the oid
	)`,
}}

// tableKeys are the key constraints a CREATE TABLE declares, the columns'
// own first, as table constraints.
func tableKeys(n *ast.CreateTable) []ast.TableConstraint {
	var out []ast.TableConstraint
	for _, c := range n.Columns {
		cols := []ast.Ident{c.Name}
		if c.PrimaryKey {
			out = append(out, ast.TableConstraint{Kind: "primary key", Columns: cols})
		}
		if c.Unique {
			out = append(out, ast.TableConstraint{Kind: "unique", Columns: cols})
		}
		if c.References != nil {
			out = append(out, ast.TableConstraint{Kind: "foreign key", Columns: cols, References: c.References, RefColumns: c.RefColumns})
		}
	}
	return append(out, n.Constraints...)
}

// planConstraints keeps the catalog's keys in step with the DDL pl runs.
func (s *Session) planConstraints(pl *plan, stmt ast.Stmt) *plan {
	switch n := stmt.(type) {
	case *ast.CreateTable:
		if n.Temp || n.As != nil || len(n.Like) > 0 {
			return pl
		}
		keys := tableKeys(n)
		return s.withCatalog(pl, func(ctx context.Context) error {
			schema, table, err := s.splitName(ctx, n.Name)
			if err != nil {
				return err
			}
			if !n.IfNotExists {
				// A table of this name dropped with its schema may have
				// left records.
				if err := s.forgetKeys(ctx, "schema_name = $1 AND table_name = $2", schema, table); err != nil {
					return err
				}
			} else if has, err := s.hasKeys(ctx, schema, table); err != nil || has {
				return err // IF NOT EXISTS of a table there was
			}
			for i := range keys {
				if err := s.addKey(ctx, schema, table, &keys[i], false); err != nil {
					return err
				}
			}
			return nil
		})
	case *ast.AlterTable:
		switch n.Action {
		case "add constraint", "drop constraint", "drop column", "rename column", "rename to":
		case "add column":
			if n.Column == nil || (!n.Column.PrimaryKey && !n.Column.Unique && n.Column.References == nil) {
				return pl
			}
		default:
			return pl // nothing a key names changes
		}
		return s.withCatalog(pl, func(ctx context.Context) error { return s.alterKeys(ctx, n) })
	}
	return pl
}

// alterKeys follows an ALTER TABLE in the keys.
func (s *Session) alterKeys(ctx context.Context, n *ast.AlterTable) error {
	opts := s.Options()
	resolve := s.resolveRelation
	if n.Action == "rename to" {
		// It ran: the old name is gone from the search path.
		resolve = func(ctx context.Context, n ast.Name, _ bsql.Options) (string, string, error) {
			return s.splitName(ctx, n)
		}
	}
	schema, table, err := resolve(ctx, n.Table, opts)
	if err != nil {
		return err
	}
	switch n.Action {
	case "add constraint":
		return s.addKey(ctx, schema, table, n.Constraint, true)
	case "add column":
		ct := &ast.CreateTable{Columns: []ast.ColumnDef{*n.Column}}
		for _, k := range tableKeys(ct) {
			if err := s.addKey(ctx, schema, table, &k, true); err != nil {
				return err
			}
		}
	case "drop constraint":
		name := foldIdent(n.Name, opts)
		kind, cols, ok, err := s.keyOf(ctx, schema, table, name)
		if err != nil {
			return err
		}
		if !ok {
			return sqlerr.New(sqlerr.UndefinedObject, "constraint %q of relation %q does not exist", name, bsql.DisplayName(table))
		}
		if kind != "f" {
			// Foreign keys on these columns depend on the key.
			if err := s.dropReferences(ctx, schema, table, "list_sort(ref_columns) = list_sort($3)", []any{cols}, n.Cascade,
				"constraint "+name+" on table "+bsql.DisplayName(table)); err != nil {
				return err
			}
		}
		return s.forgetKeys(ctx, "schema_name = $1 AND table_name = $2 AND constraint_name = $3", schema, table, name)
	case "drop column":
		col := catalogIdent(n.Name, opts)
		if err := s.dropReferences(ctx, schema, table, "list_contains(ref_columns, $3)", []any{col}, n.Cascade,
			"column "+bsql.DisplayName(col)+" of table "+bsql.DisplayName(table)); err != nil {
			return err
		}
		return s.forgetKeys(ctx, "schema_name = $1 AND table_name = $2 AND list_contains(columns, $3)", schema, table, col)
	case "rename column":
		from, to := catalogIdent(n.Name, opts), catalogIdent(n.NewName, opts)
		rename := func(list string) string {
			return "list_transform(" + list + ", c -> CASE WHEN c = $3 THEN $4 ELSE c END)"
		}
		if _, err := s.conn.Exec(ctx, "UPDATE "+CatalogSchema+".key_constraints SET columns = "+rename("columns")+
			" WHERE schema_name = $1 AND table_name = $2", schema, table, from, to); err != nil {
			return errorf("rename a column of the keys of %s.%s: %w", schema, table, err)
		}
		if _, err := s.conn.Exec(ctx, "UPDATE "+CatalogSchema+".key_constraints SET ref_columns = "+rename("ref_columns")+
			" WHERE ref_schema = $1 AND ref_table = $2", schema, table, from, to); err != nil {
			return errorf("rename a column of the keys referencing %s.%s: %w", schema, table, err)
		}
	case "rename to":
		to := catalogIdent(n.NewName, opts)
		if err := s.forgetKeys(ctx, "schema_name = $1 AND table_name = $2", schema, to); err != nil {
			return err
		}
		for _, q := range []string{
			"UPDATE " + CatalogSchema + ".key_constraints SET table_name = $3 WHERE schema_name = $1 AND table_name = $2",
			"UPDATE " + CatalogSchema + ".key_constraints SET ref_table = $3 WHERE ref_schema = $1 AND ref_table = $2",
		} {
			if _, err := s.conn.Exec(ctx, q, schema, table, to); err != nil {
				return errorf("rename the keys of %s.%s: %w", schema, table, err)
			}
		}
	}
	return nil
}

// addKey records the key k of schema.table. alter says it comes from ALTER
// TABLE, which makes a primary key's columns NOT NULL (CREATE TABLE's
// already are).
func (s *Session) addKey(ctx context.Context, schema, table string, k *ast.TableConstraint, alter bool) error {
	opts := s.Options()
	cols, err := s.keyColumns(ctx, schema, table, k.Columns)
	if err != nil {
		return err
	}
	display := make([]string, len(cols))
	for i, c := range cols {
		display[i] = bsql.DisplayName(c)
	}
	kind, suffix := "p", "pkey"
	switch k.Kind {
	case "unique":
		kind, suffix = "u", strings.Join(display, "_")+"_key"
	case "foreign key":
		kind, suffix = "f", strings.Join(display, "_")+"_fkey"
	}
	if kind == "p" {
		suffix = "pkey"
		if _, _, ok, err := s.primaryKey(ctx, schema, table); err != nil {
			return err
		} else if ok {
			return sqlerr.New(sqlerr.InvalidTableDefinition, "multiple primary keys for table %q are not allowed", bsql.DisplayName(table))
		}
	}
	var name string
	if k.Name != nil {
		name = foldIdent(*k.Name, opts)
		if _, _, ok, err := s.keyOf(ctx, schema, table, name); err != nil {
			return err
		} else if ok {
			return sqlerr.New(sqlerr.DuplicateObject, "constraint %q for relation %q already exists", name, bsql.DisplayName(table))
		}
	} else if name, err = s.freeKeyName(ctx, schema, table, bsql.DisplayName(table)+"_"+suffix); err != nil {
		return err
	}
	var refSchema, refTable any
	var refCols any
	if kind == "f" {
		rs, rt, err := s.resolveRelation(ctx, k.References, opts)
		if err != nil {
			return err
		}
		if ok, err := s.tableExists(ctx, rs, rt); err != nil {
			return err
		} else if !ok {
			return sqlerr.New(sqlerr.UndefinedTable, "relation %q does not exist", bsql.DisplayName(rt))
		}
		var rc []string
		if len(k.RefColumns) > 0 {
			if rc, err = s.keyColumns(ctx, rs, rt, k.RefColumns); err != nil {
				return err
			}
		} else {
			_, pk, ok, err := s.primaryKey(ctx, rs, rt)
			if err != nil {
				return err
			}
			if !ok {
				return sqlerr.New(sqlerr.InvalidForeignKey, "there is no primary key for referenced table %q", bsql.DisplayName(rt))
			}
			rc = pk
		}
		if len(rc) != len(cols) {
			return sqlerr.New(sqlerr.InvalidForeignKey, "number of referencing and referenced columns for foreign key disagree")
		}
		refSchema, refTable, refCols = rs, rt, rc
	}
	if alter && kind == "p" {
		for _, c := range cols {
			if _, err := s.conn.Exec(ctx, "ALTER TABLE "+quoteIdent(schema)+"."+quoteIdent(table)+" ALTER COLUMN "+quoteIdent(c)+" SET NOT NULL"); err != nil {
				return err
			}
		}
	}
	if _, err := s.conn.Exec(ctx, `INSERT INTO `+CatalogSchema+`.key_constraints
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, coalesce(max(seq), 0) + 1 FROM `+CatalogSchema+`.key_constraints`,
		schema, table, name, kind, cols, refSchema, refTable, refCols); err != nil {
		return errorf("record a key of %s.%s: %w", schema, table, err)
	}
	return nil
}

// keyColumns are the stored names of a key's columns, each a column of
// schema.table (42703 otherwise, in Postgres's words).
func (s *Session) keyColumns(ctx context.Context, schema, table string, ids []ast.Ident) ([]string, error) {
	opts := s.Options()
	res, err := s.conn.Query(ctx, `SELECT column_name FROM duckdb_columns() WHERE database_name = current_database()
		AND schema_name = $1 AND table_name = $2`, schema, table)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for res.Next() {
		c, _ := res.Values()[0].(string)
		have[c] = true
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return nil, err
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = catalogIdent(id, opts)
		if !have[out[i]] {
			return nil, sqlerr.New(sqlerr.UndefinedColumn, "column %q named in key does not exist", foldIdent(id, opts))
		}
	}
	return out, nil
}

// keyOf finds the key of schema.table named name.
func (s *Session) keyOf(ctx context.Context, schema, table, name string) (kind string, cols []string, ok bool, err error) {
	return s.oneKey(ctx, "schema_name = $1 AND table_name = $2 AND constraint_name = $3", schema, table, name)
}

// primaryKey finds the primary key of schema.table.
func (s *Session) primaryKey(ctx context.Context, schema, table string) (kind string, cols []string, ok bool, err error) {
	return s.oneKey(ctx, "schema_name = $1 AND table_name = $2 AND contype = 'p'", schema, table)
}

func (s *Session) oneKey(ctx context.Context, where string, args ...any) (kind string, cols []string, ok bool, err error) {
	res, err := s.conn.Query(ctx, "SELECT contype, CAST(to_json(columns) AS VARCHAR) FROM "+CatalogSchema+".key_constraints WHERE "+where+" LIMIT 1", args...)
	if err != nil {
		return "", nil, false, errorf("read keys: %w", err)
	}
	if res.Next() {
		v := res.Values()
		kind, _ = v[0].(string)
		text, _ := v[1].(string)
		if err := json.Unmarshal([]byte(text), &cols); err != nil {
			_ = res.Close()
			return "", nil, false, errorf("read keys: %w", err)
		}
		ok = true
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return "", nil, false, errorf("read keys: %w", err)
	}
	return kind, cols, ok, nil
}

func (s *Session) hasKeys(ctx context.Context, schema, table string) (bool, error) {
	_, _, ok, err := s.oneKey(ctx, "schema_name = $1 AND table_name = $2", schema, table)
	return ok, err
}

// freeKeyName is base, or base with the lowest number after it that no key
// of schema.table has (Postgres's t_a_key, t_a_key1, ...).
func (s *Session) freeKeyName(ctx context.Context, schema, table, base string) (string, error) {
	name := base
	for i := 1; ; i++ {
		_, _, ok, err := s.keyOf(ctx, schema, table, name)
		if err != nil || !ok {
			return name, err
		}
		name = base + strconv.Itoa(i)
	}
}

func (s *Session) tableExists(ctx context.Context, schema, table string) (bool, error) {
	res, err := s.conn.Query(ctx, `SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2`, schema, table)
	if err != nil {
		return false, err
	}
	ok := res.Next()
	return ok, errors.Join(res.Err(), res.Close())
}

// dropReferences handles the foreign keys of other tables that reference
// schema.table where match holds (on ref_columns, with $3...): what is
// dropped depends on them (2BP01) unless cascade, which drops them.
func (s *Session) dropReferences(ctx context.Context, schema, table, match string, args []any, cascade bool, what string) error {
	where := "contype = 'f' AND ref_schema = $1 AND ref_table = $2 AND NOT (schema_name = $1 AND table_name = $2)"
	if match != "" {
		where += " AND " + match
	}
	all := append([]any{schema, table}, args...)
	if cascade {
		return s.forgetKeys(ctx, where, all...)
	}
	res, err := s.conn.Query(ctx, "SELECT constraint_name, table_name FROM "+CatalogSchema+".key_constraints WHERE "+where+" ORDER BY seq LIMIT 1", all...)
	if err != nil {
		return errorf("read the keys referencing %s.%s: %w", schema, table, err)
	}
	var name, on string
	if res.Next() {
		v := res.Values()
		name, _ = v[0].(string)
		on, _ = v[1].(string)
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return err
	}
	if name == "" {
		return nil
	}
	return &sqlerr.Error{Code: sqlerr.DependentObjectsStillExist,
		Message: "cannot drop " + what + " because other objects depend on it",
		Detail:  "constraint " + name + " on table " + bsql.DisplayName(on) + " depends on " + what,
		Hint:    "Use DROP ... CASCADE to drop the dependent objects too."}
}

func (s *Session) forgetKeys(ctx context.Context, where string, args ...any) error {
	if _, err := s.conn.Exec(ctx, "DELETE FROM "+CatalogSchema+".key_constraints WHERE "+where, args...); err != nil {
		return errorf("forget keys: %w", err)
	}
	return nil
}

// dropTableKeys is DROP TABLE's part: before the drop, a table other
// tables' foreign keys reference is 2BP01 without cascade; after it, the
// table's keys (and with cascade those references) are forgotten.
func (s *Session) dropTableKeys(ctx context.Context, schema, table string, cascade bool) error {
	if err := s.dropReferences(ctx, schema, table, "", nil, cascade, "table "+bsql.DisplayName(table)); err != nil {
		return err
	}
	return s.forgetKeys(ctx, "schema_name = $1 AND table_name = $2", schema, table)
}

// forgetSchemaKeys forgets the keys of the tables of dropped schemas, and
// the foreign keys that reference them.
func (s *Session) forgetSchemaKeys(ctx context.Context, names []ast.Ident) error {
	for _, n := range names {
		schema := catalogIdent(n, s.Options())
		if err := s.forgetKeys(ctx, "schema_name = $1 OR (contype = 'f' AND ref_schema = $1)", schema); err != nil {
			return err
		}
	}
	return nil
}

// keyConstraintRowsView is the keys as pg_constraint's rows (compat.go
// adds them to DuckDB's), with their names.
func keyConstraintRowsView() string {
	s := CatalogSchema + "."
	return `CREATE OR REPLACE VIEW ` + s + `key_constraint_rows AS
			SELECT (t.table_oid * 1000000 + 500000 + k.seq % 500000)::BIGINT AS oid, k.constraint_name AS conname,
				t.schema_oid AS connamespace, k.contype, false AS condeferrable, false AS condeferred, true AS convalidated,
				t.table_oid AS conrelid, 0::BIGINT AS contypid,
				CASE WHEN k.contype IN ('p', 'u') THEN (t.table_oid * 1000000 + 500000 + k.seq % 500000)::BIGINT ELSE 0 END AS conindid,
				0::BIGINT AS conparentid, coalesce(rt.table_oid, 0) AS confrelid,
				CASE WHEN k.contype = 'f' THEN 'a' ELSE ' ' END AS confupdtype,
				CASE WHEN k.contype = 'f' THEN 'a' ELSE ' ' END AS confdeltype,
				CASE WHEN k.contype = 'f' THEN 's' ELSE ' ' END AS confmatchtype,
				true AS conislocal, 0 AS coninhcount, true AS connoinherit,
				(SELECT list(c.column_index ORDER BY i) FROM range(1, len(k.columns) + 1) r(i)
					JOIN duckdb_columns() c ON c.table_oid = t.table_oid AND c.column_name = k.columns[i]) AS conkey,
				CASE WHEN k.contype = 'f' THEN (SELECT list(c.column_index ORDER BY i) FROM range(1, len(k.ref_columns) + 1) r(i)
					JOIN duckdb_columns() c ON c.table_oid = rt.table_oid AND c.column_name = k.ref_columns[i]) END AS confkey,
				k.schema_name, k.table_name, k.columns, k.ref_schema, k.ref_table, k.ref_columns
			FROM ` + s + `key_constraints k
			JOIN duckdb_tables() t ON t.database_name = current_database() AND t.schema_name = k.schema_name AND t.table_name = k.table_name
			LEFT JOIN duckdb_tables() rt ON rt.database_name = current_database() AND rt.schema_name = k.ref_schema AND rt.table_name = k.ref_table`
}

// keyInfoSchemaViews are information_schema's table_constraints and
// key_column_usage (bsql.InfoSchemaViews) with the keys.
func keyInfoSchemaViews() []string {
	s := CatalogSchema + "."
	return []string{
		`CREATE OR REPLACE VIEW ` + s + `information_schema_table_constraints AS
			SELECT current_database() AS constraint_catalog, ` + s + `display_name(schema_name) AS constraint_schema,
				conname AS constraint_name, current_database() AS table_catalog,
				` + s + `display_name(schema_name) AS table_schema, ` + s + `display_name(table_name) AS table_name,
				CASE contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' ELSE 'FOREIGN KEY' END AS constraint_type,
				'NO' AS is_deferrable, 'NO' AS initially_deferred, 'NO' AS enforced, NULL::VARCHAR AS nulls_distinct
			FROM ` + s + `key_constraint_rows
			UNION ALL BY NAME
			SELECT * FROM information_schema.table_constraints WHERE table_schema ` + userSchemaFilter + ` AND constraint_type <> 'CHECK'`,
		`CREATE OR REPLACE VIEW ` + s + `information_schema_key_column_usage AS
			SELECT current_database() AS constraint_catalog, ` + s + `display_name(schema_name) AS constraint_schema,
				conname AS constraint_name, current_database() AS table_catalog,
				` + s + `display_name(schema_name) AS table_schema, ` + s + `display_name(table_name) AS table_name,
				` + s + `display_name(columns[i]) AS column_name, i::INTEGER AS ordinal_position,
				CASE WHEN contype = 'f' THEN i::INTEGER END AS position_in_unique_constraint
			FROM ` + s + `key_constraint_rows, range(1, len(columns) + 1) r(i)
			UNION ALL BY NAME
			SELECT * FROM information_schema.key_column_usage WHERE table_schema ` + userSchemaFilter,
	}
}

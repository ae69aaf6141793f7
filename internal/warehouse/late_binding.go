package warehouse

// Late-binding views: CREATE VIEW ... WITH NO SCHEMA BINDING records the
// view in blueshift_catalog.late_binding_views (in the statement's
// transaction), and PG_GET_LATE_BINDING_VIEW_COLS() lists those views'
// columns, as Redshift's does (SQL reference,
// "PG_GET_LATE_BINDING_VIEW_COLS"): view_schema, view_name, col_name,
// col_type, col_num. A DuckDB view binds its tables when it is read, so a
// view without schema binding behaves as Redshift's does already; only
// the record is needed. CREATE OR REPLACE VIEW without the clause, and
// DROP, forget the record.
//
// Redshift's function returns records, read with a column definition
// list: SELECT * FROM pg_get_late_binding_view_cols() cols(view_schema
// name, view_name name, col_name name, col_type varchar(128), col_num int).
// blueshift's is a table macro with those columns, which the list names
// again (its types are not applied). In a select list it returns each
// column as a record's text, as Redshift's does.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

var lateBindingMigration = Migration{Name: "0130_late_binding_views", SQL: []string{
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.late_binding_views (
		schema_name VARCHAR NOT NULL,
		name        VARCHAR NOT NULL,
		PRIMARY KEY (schema_name, name)
	)`,
}}

// lateBindingViews defines PG_GET_LATE_BINDING_VIEW_COLS().
func lateBindingViews() []string {
	s := CatalogSchema + "."
	return []string{
		`CREATE OR REPLACE MACRO main.pg_get_late_binding_view_cols() AS TABLE
			SELECT ` + s + `display_name(c.schema_name) AS view_schema, ` + s + `display_name(c.table_name) AS view_name,
				` + s + `display_name(c.column_name) AS col_name,
				coalesce(` + s + `format_type(a.atttypid, a.atttypmod), lower(c.data_type)) AS col_type,
				CAST(c.column_index AS INTEGER) AS col_num
			FROM duckdb_columns() c
			JOIN ` + s + `late_binding_views lb ON lb.schema_name = c.schema_name AND lb.name = c.table_name
			LEFT JOIN ` + s + `pg_attribute a ON a.attrelid = c.table_oid AND a.attnum = c.column_index
			WHERE c.database_name = current_database()
			ORDER BY c.schema_name, c.table_name, c.column_index`,
		// The select-list form: each row as a record's text, a field
		// quoted when it holds a blank, comma, parenthesis or quote (as
		// Postgres prints records).
		`CREATE OR REPLACE MACRO main.rs_record_field(f) AS CASE WHEN regexp_matches(f, '[\s,()"\\]')
			THEN '"' || replace(replace(f, '\', '\\'), '"', '""') || '"' ELSE f END`,
		`CREATE OR REPLACE MACRO main.rs_late_binding_view_records() AS (SELECT coalesce(list('(' || main.rs_record_field(bs_lb.view_schema)
				|| ',' || main.rs_record_field(bs_lb.view_name) || ',' || main.rs_record_field(bs_lb.col_name)
				|| ',' || main.rs_record_field(bs_lb.col_type) || ',' || bs_lb.col_num || ')'), [])
			FROM main.pg_get_late_binding_view_cols() bs_lb)`,
	}
}

// recordLateBinding records (bound false: forgets) a view created without
// schema binding.
func (s *Session) recordLateBinding(ctx context.Context, name ast.Name, lateBinding bool) error {
	schema, rel, err := s.splitName(ctx, name)
	if err != nil {
		return err
	}
	q := "DELETE FROM " + CatalogSchema + ".late_binding_views WHERE schema_name = $1 AND name = $2"
	if lateBinding {
		q = "INSERT OR REPLACE INTO " + CatalogSchema + ".late_binding_views VALUES ($1, $2)"
	}
	if _, err := s.conn.Exec(ctx, q, schema, rel); err != nil {
		return errorf("record the binding of %s.%s: %w", schema, rel, err)
	}
	return nil
}

package warehouse

// Redshift's catalog views that tools and scripts read (PG_TABLE_DEF,
// SVV_TABLES, SVV_COLUMNS, SVV_TABLE_INFO) and information_schema's
// tables as Postgres answers them: the user's schemas only (not
// blueshift's main and catalog schemas), and Postgres's type names in
// information_schema.columns (integer, numeric, character varying, super)
// instead of DuckDB's (INTEGER, DECIMAL(12,2), VARCHAR, VARIANT), with the
// lengths CREATE TABLE declared. pgCompat sends information_schema.columns,
// .tables, .schemata and .views here.
//
// Behavior:
//   - PG_TABLE_DEF lists every column of every table and materialized view
//     in the user's schemas (Redshift's lists those on the search path);
//     encoding is 'none', distkey false and sortkey 0, as for a table
//     created without keys.
//   - SVV_TABLE_INFO, as Redshift's, has no row for an empty table; size
//     is the estimate pg_table_size gives, in 1 MB blocks (at least 1),
//     tbl_rows DuckDB's row count; diststyle and sortkey1 say AUTO.

// userSchemaFilter is true for a schema of the user's.
const userSchemaFilter = `NOT IN ('main', '` + CatalogSchema + `', 'information_schema', 'pg_catalog')`

// The information_schema views the SQL front end's catalog rule redirects
// here are bsql.InfoSchemaViews.

// redshiftCatalogViews defines the views above.
func redshiftCatalogViews() []string {
	s := CatalogSchema + "."
	return []string{
		// Postgres's information_schema data_type: the type's name without
		// its modifiers; Redshift's "binary varying" for VARBYTE(n).
		`CREATE OR REPLACE MACRO ` + s + `info_data_type(oid, typmod, duck) AS CASE
			WHEN duck LIKE '%[]' THEN 'ARRAY'
			WHEN oid = 17 AND typmod > 4 THEN 'binary varying'
			WHEN oid IS NULL THEN lower(duck)
			ELSE ` + s + `format_type(oid, -1) END`,
		`CREATE OR REPLACE VIEW ` + s + `information_schema_columns AS
			SELECT ic.* EXCLUDE (COLUMN_COMMENT) REPLACE (
				` + s + `display_name(ic.table_schema) AS table_schema, ` + s + `display_name(ic.table_name) AS table_name,
				` + s + `display_name(ic.column_name) AS column_name,
				` + s + `info_data_type(a.atttypid, a.atttypmod, ic.data_type) AS data_type,
				CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod > 4 THEN a.atttypmod - 4
					WHEN a.atttypid IN (1042, 1043) THEN NULL ELSE ic.character_maximum_length END AS character_maximum_length,
				CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod > 4 THEN (a.atttypmod - 4) * 4
					WHEN a.atttypid IN (1042, 1043) THEN NULL ELSE ic.character_octet_length END AS character_octet_length,
				coalesce(t.typname, ic.udt_name) AS udt_name,
				CASE WHEN t.typname IS NULL THEN ic.udt_schema ELSE 'pg_catalog' END AS udt_schema)
			FROM information_schema.columns ic
			JOIN duckdb_columns() dc ON dc.database_name = ic.table_catalog AND dc.schema_name = ic.table_schema
				AND dc.table_name = ic.table_name AND dc.column_name = ic.column_name
			LEFT JOIN ` + s + `pg_attribute a ON a.attrelid = dc.table_oid AND a.attnum = dc.column_index
			LEFT JOIN ` + s + `pg_type t ON t.oid = a.atttypid
			WHERE ic.table_schema ` + userSchemaFilter,
		`CREATE OR REPLACE VIEW ` + s + `information_schema_tables AS
			SELECT * EXCLUDE (TABLE_COMMENT) REPLACE (` + s + `display_name(table_schema) AS table_schema,
				` + s + `display_name(table_name) AS table_name)
			FROM information_schema.tables WHERE table_schema ` + userSchemaFilter,
		`CREATE OR REPLACE VIEW ` + s + `information_schema_schemata AS
			SELECT * REPLACE (` + s + `display_name(schema_name) AS schema_name)
			FROM information_schema.schemata WHERE schema_name NOT IN ('main', '` + CatalogSchema + `')`,
		`CREATE OR REPLACE VIEW ` + s + `information_schema_views AS
			SELECT * REPLACE (` + s + `display_name(table_schema) AS table_schema, ` + s + `display_name(table_name) AS table_name)
			FROM information_schema.views WHERE table_schema ` + userSchemaFilter,
		// A column's place in a table's declared sort key (layout.go), as
		// PG_TABLE_DEF's sortkey gives it: 0 outside it, and every other
		// column of an interleaved key negative (-1, 2, -3, ...).
		`CREATE OR REPLACE MACRO ` + s + `sortkey_place(bs_keys, bs_kind, bs_col) AS CASE
			WHEN coalesce(list_position(bs_keys, bs_col), 0) = 0 THEN 0
			WHEN bs_kind = 'interleaved' AND list_position(bs_keys, bs_col) % 2 = 1 THEN -list_position(bs_keys, bs_col)
			ELSE list_position(bs_keys, bs_col) END`,
		`CREATE OR REPLACE VIEW main.pg_table_def AS
			SELECT ` + s + `display_name(c.schema_name) AS schemaname, ` + s + `display_name(c.table_name) AS tablename,
				` + s + `display_name(c.column_name) AS "column",
				` + s + `format_type(a.atttypid, a.atttypmod) AS type, coalesce(l.encodings[c.column_name], 'none') AS encoding,
				coalesce(l.distkey = c.column_name, false) AS distkey,
				` + s + `sortkey_place(l.sortkey, l.sortkind, c.column_name) AS sortkey,
				NOT c.is_nullable AS notnull
			FROM duckdb_columns() c
			JOIN duckdb_tables() tb ON tb.table_oid = c.table_oid
			LEFT JOIN ` + s + `pg_attribute a ON a.attrelid = c.table_oid AND a.attnum = c.column_index
			LEFT JOIN ` + s + `table_layout l ON l.schema_name = c.schema_name AND l.table_name = c.table_name
			WHERE c.database_name = current_database() AND c.schema_name ` + userSchemaFilter + `
				AND list_contains(current_schemas(false), c.schema_name)
			ORDER BY c.schema_name, c.table_name, c.column_index`,
		// SHOW TABLE: the table's CREATE TABLE statement as Redshift
		// prints it, with the column types, NOT NULL, defaults and the
		// primary key (constraints.go; DuckDB's for older tables) (no ENCODE, DISTKEY or SORTKEY: it
		// keeps no physical layout, DISTSTYLE AUTO). A NULL schema is the
		// search path's first that has the table.
		`CREATE OR REPLACE MACRO main.rs_show_table(bs_schema, bs_name) AS coalesce((
			SELECT 'CREATE TABLE ' || ` + s + `display_name(min(bs_st_c.schema_name)) || '.' || ` + s + `display_name(min(bs_st_c.table_name)) || ' ( '
				|| string_agg(` + s + `display_name(bs_st_c.column_name) || ' ' || coalesce(` + s + `format_type(bs_st_a.atttypid, bs_st_a.atttypmod), lower(bs_st_c.data_type))
					|| CASE WHEN bs_st_c.column_default IS NOT NULL AND bs_st_c.column_default NOT LIKE 'nextval(%' THEN ' DEFAULT ' || bs_st_c.column_default ELSE '' END
					|| CASE WHEN NOT bs_st_c.is_nullable THEN ' NOT NULL' ELSE '' END, ', ' ORDER BY bs_st_c.column_index)
				|| coalesce((SELECT ', PRIMARY KEY (' || array_to_string(min(bs_st_k.constraint_column_names), ', ') || ')'
					FROM duckdb_constraints() bs_st_k WHERE bs_st_k.table_oid = min(bs_st_c.table_oid) AND bs_st_k.constraint_type = 'PRIMARY KEY'),
					(SELECT ', PRIMARY KEY (' || array_to_string(list_transform(first(bs_st_r.columns), bs_x -> ` + s + `display_name(bs_x)), ', ') || ')'
					FROM ` + s + `key_constraint_rows bs_st_r WHERE bs_st_r.conrelid = min(bs_st_c.table_oid) AND bs_st_r.contype = 'p'), '')
				|| ' ) DISTSTYLE AUTO;'
			FROM duckdb_columns() bs_st_c
			LEFT JOIN ` + s + `pg_attribute bs_st_a ON bs_st_a.attrelid = bs_st_c.table_oid AND bs_st_a.attnum = bs_st_c.column_index
			WHERE bs_st_c.table_oid = (SELECT bs_st_t.table_oid FROM duckdb_tables() bs_st_t
				WHERE bs_st_t.database_name = current_database() AND bs_st_t.table_name = bs_name
					AND (bs_st_t.schema_name = bs_schema OR (bs_schema IS NULL AND list_contains(current_schemas(false), bs_st_t.schema_name)))
				ORDER BY list_position(current_schemas(false), bs_st_t.schema_name) LIMIT 1)),
			error('relation "' || coalesce(bs_schema || '.', '') || bs_name || '" does not exist'))`,
		`CREATE OR REPLACE VIEW main.svv_tables AS
			SELECT table_catalog, table_schema, table_name, table_type, NULL::VARCHAR AS remarks
			FROM ` + s + `information_schema_tables`,
		`CREATE OR REPLACE VIEW main.svv_columns AS
			SELECT table_catalog, table_schema, table_name, column_name, ordinal_position, column_default,
				is_nullable, data_type, character_maximum_length, numeric_precision, numeric_precision_radix,
				numeric_scale, datetime_precision, interval_type, interval_precision, character_set_catalog,
				character_set_schema, character_set_name, collation_catalog, collation_schema, collation_name,
				domain_name, NULL::VARCHAR AS remarks
			FROM ` + s + `information_schema_columns`,
		// The SVV_ALL_ views: every schema, table and column of the
		// database, as SHOW SCHEMAS, SHOW TABLES and SHOW COLUMNS list them.
		`CREATE OR REPLACE VIEW main.svv_all_schemas AS
			SELECT catalog_name AS database_name, schema_name, CAST(NULL AS INTEGER) AS schema_owner,
				'local' AS schema_type, CAST(NULL AS VARCHAR) AS schema_acl, CAST(NULL AS VARCHAR) AS source_database,
				CAST(NULL AS VARCHAR) AS schema_option
			FROM ` + s + `information_schema_schemata`,
		`CREATE OR REPLACE VIEW main.svv_all_tables AS
			SELECT table_catalog AS database_name, table_schema AS schema_name, table_name,
				CASE WHEN table_type = 'BASE TABLE' THEN 'TABLE' ELSE table_type END AS table_type,
				CAST(NULL AS VARCHAR) AS table_acl, remarks
			FROM main.svv_tables`,
		`CREATE OR REPLACE VIEW main.svv_all_columns AS
			SELECT table_catalog AS database_name, table_schema AS schema_name, table_name, column_name,
				ordinal_position, column_default, is_nullable, data_type, character_maximum_length,
				numeric_precision, numeric_scale, remarks
			FROM main.svv_columns`,
		// The SVV_REDSHIFT_ views: the SVV_ALL_ ones without external
		// objects (blueshift has none), and the columns with their declared
		// layout (layout.go), as PG_TABLE_DEF shows it for every schema.
		`CREATE OR REPLACE VIEW main.svv_redshift_schemas AS
			SELECT database_name, schema_name, schema_owner, schema_type, schema_acl, schema_option FROM main.svv_all_schemas`,
		`CREATE OR REPLACE VIEW main.svv_redshift_tables AS SELECT * FROM main.svv_all_tables`,
		`CREATE OR REPLACE VIEW main.svv_redshift_columns AS
			SELECT c.database_name, c.schema_name, c.table_name, c.column_name, c.ordinal_position, c.data_type,
				c.column_default, c.is_nullable,
				coalesce(l.encodings[c.column_name], 'none') AS encoding,
				coalesce(l.distkey = c.column_name, false) AS distkey,
				` + s + `sortkey_place(l.sortkey, l.sortkind, c.column_name) AS sortkey,
				CAST(NULL AS VARCHAR) AS column_acl, c.remarks
			FROM main.svv_all_columns c
			LEFT JOIN ` + s + `table_layout l ON l.schema_name = c.schema_name
				AND l.table_name = c.table_name`,
		`CREATE OR REPLACE VIEW main.svv_table_info AS
			SELECT tb.database_name AS database, ` + s + `display_name(tb.schema_name) AS schema, tb.table_oid AS table_id,
				` + s + `display_name(tb.table_name) AS "table",
				CASE WHEN cardinality(l.encodings) > 0 THEN 'Y' ELSE 'N' END AS encoded,
				CASE l.diststyle WHEN 'key' THEN 'KEY(' || ` + s + `display_name(l.distkey) || ')' WHEN 'even' THEN 'EVEN' WHEN 'all' THEN 'ALL'
					ELSE 'AUTO(EVEN)' END AS diststyle,
				CASE WHEN len(l.sortkey) > 0 THEN ` + s + `display_name(l.sortkey[1]) ELSE 'AUTO(SORTKEY)' END AS sortkey1,
				(SELECT max(ct.typmod - 4) FROM ` + s + `column_types ct WHERE ct.schema_name = tb.schema_name
					AND ct.table_name = tb.table_name AND ct.type_oid IN (1042, 1043)) AS max_varchar,
				coalesce(l.encodings[l.sortkey[1]], 'none') AS sortkey1_enc, coalesce(len(l.sortkey), 0) AS sortkey_num,
				greatest(1, ceil(` + s + `pg_table_size(tb.table_oid) / 1048576.0))::BIGINT AS size,
				NULL::DECIMAL(10, 4) AS pct_used, 0::DECIMAL(10, 4) AS empty, 0::DECIMAL(5, 2) AS unsorted,
				0::DECIMAL(5, 2) AS stats_off, tb.estimated_size::DECIMAL(38, 0) AS tbl_rows,
				NULL::DECIMAL(19, 2) AS skew_sortkey1, NULL::DECIMAL(19, 2) AS skew_rows,
				tb.estimated_size::DECIMAL(38, 0) AS estimated_visible_rows, NULL::VARCHAR AS risk_event,
				NULL::DECIMAL(12, 2) AS vacuum_sort_benefit, NULL::TIMESTAMP AS create_time
			FROM duckdb_tables() tb
			LEFT JOIN ` + s + `table_layout l ON l.schema_name = tb.schema_name AND l.table_name = tb.table_name
			WHERE tb.database_name = current_database() AND tb.schema_name ` + userSchemaFilter + `
				AND tb.estimated_size > 0`,
	}
}

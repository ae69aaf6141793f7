package warehouse

import (
	"fmt"
	"runtime"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
)

// Postgres catalog compatibility. Clients introspect with Postgres catalog
// queries (psql's \d family, drivers' type lookups). The SQL front end's
// catalog rule (internal/sql's CatalogCompat, applied by read in
// frontend.go) points what DuckDB's pg_catalog lacks or answers
// differently at blueshift_catalog, where compatPrelude and
// compatCatalogPrelude (compat_catalog.go) define it (as macros and views)
// each time the warehouse opens: the functions in bsql.CompatFuncs, the
// tables in bsql.CompatTables and the information_schema views in
// bsql.InfoSchemaViews (compat_redshift.go).

// compatPrelude defines the catalog objects compatFuncs and compatTables name.
func compatPrelude() []string {
	s := CatalogSchema + "."
	list := []string{
		// The Redshift name of a DuckDB catalog name (bsql.DisplayName):
		// "^mixed^cased^table" is "MixedCasedTable".
		`CREATE OR REPLACE MACRO ` + s + `display_name(bs_dn) AS ` + bsql.DisplayNameSQL("bs_dn"),
		// Visible means "in a schema on the search path", which hides
		// blueshift's own catalog from \dt and friends.
		// (Macros expand inline: the inner aliases must not capture the caller's.)
		`CREATE OR REPLACE MACRO ` + s + `pg_table_is_visible(id) AS EXISTS (SELECT 1 FROM pg_catalog.pg_class bs_vis_c
			JOIN pg_catalog.pg_namespace bs_vis_n ON bs_vis_n.oid = bs_vis_c.relnamespace
			WHERE bs_vis_c.oid = id AND list_contains(current_schemas(false), bs_vis_n.nspname))`,
		// 'name'::regclass and regproc: the OID of the named relation or
		// function (NULL when there is none); regtype in compat_catalog.go.
		// An unqualified name is looked up along the search path first (so
		// that 'users'::regclass is the user's table, not the catalog
		// schema's), then anywhere.
		`CREATE OR REPLACE MACRO ` + s + `to_regclass(bs_name) AS coalesce(
			(SELECT bs_rc.oid FROM pg_catalog.pg_class bs_rc
				JOIN pg_catalog.pg_namespace bs_rn ON bs_rn.oid = bs_rc.relnamespace
				WHERE bs_rc.relname = parse_path(bs_name)[-1] AND CASE WHEN len(parse_path(bs_name)) > 1
					THEN bs_rn.nspname = parse_path(bs_name)[-2]
					ELSE list_contains(current_schemas(true), bs_rn.nspname) END
				ORDER BY list_position(current_schemas(true), bs_rn.nspname) NULLS LAST, bs_rc.oid LIMIT 1),
			(SELECT min(bs_rc2.oid) FROM pg_catalog.pg_class bs_rc2 WHERE bs_rc2.relname = parse_path(bs_name)[-1]))`,
		`CREATE OR REPLACE MACRO ` + s + `to_regproc(bs_name) AS (SELECT min(bs_rp.oid) FROM pg_catalog.pg_proc bs_rp
			WHERE bs_rp.proname = parse_path(bs_name)[-1])`,
		// Postgres's array bounds (one-based), which drivers' metadata
		// queries call (PgJDBC's getTypeInfo).
		`CREATE OR REPLACE MACRO ` + s + `array_upper(arr, dim) AS CASE WHEN dim = 1 AND len(arr) > 0 THEN len(arr) END`,
		`CREATE OR REPLACE MACRO ` + s + `array_lower(arr, dim) AS CASE WHEN dim = 1 AND len(arr) > 0 THEN 1 END`,
		// information_schema._pg_expandarray(a): one row (x, n) per element.
		`CREATE OR REPLACE MACRO ` + s + `_pg_expandarray(arr) AS
			unnest(list_transform(range(1, len(arr) + 1), lambda bs_i: {'x': arr[bs_i], 'n': bs_i}))`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_indexdef(id) AS NULL::VARCHAR, (id, col, pretty) AS NULL::VARCHAR`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_triggerdef(id) AS NULL::VARCHAR, (id, pretty) AS NULL::VARCHAR`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_expr(e, r) AS pg_catalog.pg_get_expr(e, r), (e, r, pretty) AS pg_catalog.pg_get_expr(e, r)`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_statisticsobjdef_columns(id) AS NULL::VARCHAR`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_partkeydef(id) AS NULL::VARCHAR`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_ruledef(id) AS NULL::VARCHAR, (id, pretty) AS NULL::VARCHAR`,
		`CREATE OR REPLACE MACRO ` + s + `pg_relation_is_publishable(id) AS false`,
		`CREATE OR REPLACE MACRO ` + s + `pg_encoding_to_char(id) AS 'UTF8'`,
		`CREATE OR REPLACE MACRO ` + s + `version() AS ` + quoteLiteral(VersionString()),
		// Postgres's names for the types, with their typmods (Postgres's
		// encoding: n+4 for lengths, (p<<16|s)+4 for numeric), and Redshift's
		// SUPER and VARBYTE(n).
		`CREATE OR REPLACE MACRO ` + s + `format_type(id, typmod) AS CASE id
			WHEN 16 THEN 'boolean'
			WHEN 17 THEN CASE WHEN typmod > 4 THEN 'varbyte(' || (typmod - 4) || ')' ELSE 'bytea' END
			WHEN 20 THEN 'bigint' WHEN 21 THEN 'smallint' WHEN 23 THEN 'integer' WHEN 25 THEN 'text'
			WHEN 114 THEN 'json' WHEN 700 THEN 'real' WHEN 701 THEN 'double precision'
			WHEN 1042 THEN 'character' || CASE WHEN typmod > 4 THEN '(' || (typmod - 4) || ')' ELSE '' END
			WHEN 1043 THEN 'character varying' || CASE WHEN typmod > 4 THEN '(' || (typmod - 4) || ')' ELSE '' END
			WHEN 1082 THEN 'date' WHEN 1083 THEN 'time without time zone'
			WHEN 1114 THEN 'timestamp without time zone' WHEN 1184 THEN 'timestamp with time zone'
			WHEN 1186 THEN 'interval' WHEN 1266 THEN 'time with time zone'
			WHEN 1700 THEN 'numeric' || CASE WHEN typmod >= 4 THEN '(' || ((typmod - 4) >> 16) || ',' || ((typmod - 4) & 65535) || ')' ELSE '' END
			WHEN 2950 THEN 'uuid' WHEN 4000 THEN 'super'
			ELSE pg_catalog.format_type(id, typmod) END`,
		// DuckDB's pg_attribute gives DuckDB's type ids and no lengths:
		// Postgres's OIDs here, and the lengths CREATE TABLE declared
		// (column_types.go) while the column still has that base type.
		`CREATE OR REPLACE VIEW ` + s + `pg_attribute AS SELECT a.* REPLACE (
			` + s + `display_name(a.attname) AS attname,
			CASE WHEN d.type_oid IS NOT NULL AND c.data_type = CASE WHEN d.type_oid = 17 THEN 'BLOB' ELSE 'VARCHAR' END THEN d.type_oid
				WHEN c.data_type = 'VARCHAR' THEN 1043 WHEN c.data_type LIKE 'DECIMAL(%' THEN 1700
				WHEN c.data_type = 'BOOLEAN' THEN 16 WHEN c.data_type = 'BLOB' THEN 17
				WHEN c.data_type IN ('TINYINT', 'SMALLINT', 'UTINYINT') THEN 21
				WHEN c.data_type IN ('INTEGER', 'USMALLINT') THEN 23 WHEN c.data_type IN ('BIGINT', 'UINTEGER') THEN 20
				WHEN c.data_type IN ('HUGEINT', 'UBIGINT', 'UHUGEINT', 'BIGNUM') THEN 1700
				WHEN c.data_type = 'FLOAT' THEN 700 WHEN c.data_type = 'DOUBLE' THEN 701
				WHEN c.data_type = 'DATE' THEN 1082 WHEN c.data_type = 'TIME' THEN 1083
				WHEN c.data_type IN ('TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS') THEN 1114
				WHEN c.data_type = 'TIMESTAMP WITH TIME ZONE' THEN 1184 WHEN c.data_type = 'TIME WITH TIME ZONE' THEN 1266
				WHEN c.data_type = 'INTERVAL' THEN 1186 WHEN c.data_type = 'UUID' THEN 2950
				WHEN c.data_type IN ('JSON', 'VARIANT') THEN 4000
				ELSE a.atttypid END AS atttypid,
			CASE WHEN d.type_oid IS NOT NULL AND c.data_type = CASE WHEN d.type_oid = 17 THEN 'BLOB' ELSE 'VARCHAR' END THEN d.typmod
				WHEN c.data_type LIKE 'DECIMAL(%' THEN (c.numeric_precision << 16 | c.numeric_scale) + 4
				ELSE -1 END AS atttypmod,
			-- Postgres's storage: 'p' (plain) for fixed-width types, 'x'
			-- (extended) for the variable-width ones (psql's \d+ Storage).
			CASE WHEN c.data_type IN ('VARCHAR', 'BLOB', 'JSON', 'VARIANT') OR c.data_type LIKE 'DECIMAL(%'
				OR c.data_type LIKE '%[]' THEN 'x' ELSE 'p' END AS attstorage)
			FROM pg_catalog.pg_attribute a
			JOIN duckdb_columns() c ON c.table_oid = a.attrelid AND c.column_index = a.attnum
			LEFT JOIN ` + s + `column_types d ON lower(d.schema_name) = lower(c.schema_name)
				AND lower(d.table_name) = lower(c.table_name) AND lower(d.column_name) = lower(c.column_name)
				AND c.database_name = current_database()`,
		`CREATE OR REPLACE VIEW ` + s + `pg_database AS SELECT database_oid AS oid, database_name AS datname,
			0::BIGINT AS datdba, 6 AS encoding, 'c' AS datlocprovider, false AS datistemplate, true AS datallowconn,
			-1 AS datconnlimit, 0::BIGINT AS dattablespace, 'C' AS datcollate, 'C' AS datctype,
			NULL::VARCHAR AS daticulocale, NULL::VARCHAR AS daticurules, NULL::VARCHAR AS datcollversion,
			NULL::VARCHAR[] AS datacl
			FROM duckdb_databases() WHERE NOT internal`,
		// The length checks the SQL front end gives VARCHAR(n) and CHAR(n)
		// columns are the column types' own rule, not constraints to show.
		// The keys are the catalog's (constraints.go), and DuckDB's of
		// tables made before keys were informational, without its NOT NULL
		// rows (Postgres keeps NOT NULL in pg_attribute). Primary keys and
		// unique constraints are named as Postgres names them (t_pkey,
		// t_a_b_key), their conkey counts columns from 1 as attnum does
		// (DuckDB's from 0), and each has an index (pg_index, and a
		// pg_class row of relkind 'i' in compat_catalog.go), which is where
		// drivers look for primary keys (PgJDBC's getPrimaryKeys,
		// SQLAlchemy's get_pk_constraint).
		`CREATE OR REPLACE VIEW ` + s + `pg_constraint AS SELECT c.* REPLACE (
				CASE WHEN c.contype = 'p' THEN d.table_name || '_pkey'
					WHEN c.contype = 'u' THEN d.table_name || '_' || array_to_string(d.constraint_column_names, '_') || '_key'
					ELSE c.conname END AS conname,
				list_transform(c.conkey, lambda bs_k: bs_k + 1) AS conkey,
				CASE WHEN c.contype IN ('p', 'u') THEN c.oid ELSE 0 END AS conindid)
			FROM pg_catalog.pg_constraint c
			JOIN duckdb_constraints() d ON d.table_oid * 1000000 + d.constraint_index = c.oid
			WHERE NOT (c.contype = 'c' AND c.conname LIKE '%value too long for type%') AND d.constraint_type <> 'NOT NULL'
			UNION ALL BY NAME
			SELECT * EXCLUDE (schema_name, table_name, columns, ref_schema, ref_table, ref_columns) FROM ` + s + `key_constraint_rows`,
		`CREATE OR REPLACE VIEW ` + s + `pg_index AS SELECT * FROM pg_catalog.pg_index
			UNION ALL BY NAME
			SELECT oid AS indexrelid, conrelid AS indrelid, len(conkey)::INTEGER AS indnatts, len(conkey)::INTEGER AS indnkeyatts,
				true AS indisunique, contype = 'p' AS indisprimary, false AS indisexclusion, true AS indimmediate,
				false AS indisclustered, true AS indisvalid, false AS indcheckxmin, true AS indisready, true AS indislive,
				false AS indisreplident, conkey::INTEGER[] AS indkey
			FROM ` + s + `pg_constraint WHERE contype IN ('p', 'u')`,
		`CREATE OR REPLACE VIEW ` + s + `pg_inherits AS SELECT NULL::BIGINT AS inhrelid, NULL::BIGINT AS inhparent, NULL::INTEGER AS inhseqno, false AS inhdetachpending WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_trigger AS SELECT NULL::BIGINT AS oid, NULL::BIGINT AS tgrelid, NULL::BIGINT AS tgparentid, NULL::VARCHAR AS tgname, NULL::BIGINT AS tgfoid, NULL::INTEGER AS tgtype, NULL::VARCHAR AS tgenabled, false AS tgisinternal, NULL::BIGINT AS tgconstraint WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_policy AS SELECT NULL::BIGINT AS oid, NULL::VARCHAR AS polname, NULL::BIGINT AS polrelid, NULL::VARCHAR AS polcmd, true AS polpermissive, NULL::BIGINT[] AS polroles, NULL::VARCHAR AS polqual, NULL::VARCHAR AS polwithcheck WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_publication AS SELECT NULL::BIGINT AS oid, NULL::VARCHAR AS pubname, false AS puballtables WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_publication_rel AS SELECT NULL::BIGINT AS oid, NULL::BIGINT AS prpubid, NULL::BIGINT AS prrelid WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_statistic_ext AS SELECT NULL::BIGINT AS oid, NULL::BIGINT AS stxrelid, NULL::VARCHAR AS stxname, NULL::BIGINT AS stxnamespace, NULL::INTEGER AS stxstattarget, NULL::VARCHAR[] AS stxkind WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_foreign_table AS SELECT NULL::BIGINT AS ftrelid, NULL::BIGINT AS ftserver, NULL::VARCHAR[] AS ftoptions WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_rewrite AS SELECT NULL::BIGINT AS oid, NULL::VARCHAR AS rulename, NULL::BIGINT AS ev_class WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_partitioned_table AS SELECT NULL::BIGINT AS partrelid WHERE false`,
		// The session's open cursors (exec_cursor.go): each is a temporary
		// table whose comment describes it; duckdb_tables() shows the
		// connection's own temporary tables.
		`CREATE OR REPLACE VIEW ` + s + `pg_cursors AS SELECT c->>'name' AS name, c->>'statement' AS statement,
			(c->>'hold')::BOOLEAN AS is_holdable, false AS is_binary, false AS is_scrollable,
			NULL::TIMESTAMPTZ AS creation_time
			FROM (SELECT comment::JSON AS c FROM duckdb_tables() WHERE temporary AND table_name LIKE 'bs\_cursor\_%' ESCAPE '\')`,
		`CREATE OR REPLACE VIEW ` + s + `pg_language AS SELECT NULL::BIGINT AS oid, NULL::VARCHAR AS lanname WHERE false`,
	}
	// pg_constraint reads keyConstraintRowsView (constraints.go).
	return append(append([]string{keyConstraintRowsView()}, list...), keyInfoSchemaViews()...)
}

// sessionCompat defines, on a session's own DuckDB connection, what depends
// on the session: current_user, session_user and current_role (and user,
// which DuckDB defines as current_user) are the connected user, not
// DuckDB's constant 'duckdb'. Temporary macros live in the connection's temp
// catalog, which DuckDB searches before its built-in functions, and die with
// the connection.
func sessionCompat(user string, pid uint64) []string {
	var out []string
	for _, f := range []string{"current_user", "session_user", "current_role"} {
		out = append(out, `CREATE OR REPLACE TEMP MACRO `+f+`() AS `+quoteLiteral(user))
	}
	// PG_BACKEND_PID() is the session's ID (backends.go); CURRENT_USER_ID
	// the user's ID, pg_user.usesysid.
	out = append(out, fmt.Sprintf(`CREATE OR REPLACE TEMP MACRO pg_backend_pid() AS CAST(%d AS INTEGER)`, pid),
		`CREATE OR REPLACE TEMP MACRO current_user_id() AS CAST(`+CatalogSchema+`.user_oid(`+quoteLiteral(user)+`) AS INTEGER)`)
	// The session's last statements, from the query log (querylog.go), as
	// Redshift's functions give them: PG_LAST_QUERY_ID the query ID of the
	// last statement completed (-1 for none); PG_LAST_COPY_ID that of the
	// last COPY that began loading (-1), and PG_LAST_COPY_COUNT the rows it
	// loaded (0 for none, or when it failed). UNLOAD is refused, so the
	// UNLOAD pair gives none: -1 and 0.
	out = append(out,
		fmt.Sprintf(`CREATE OR REPLACE TEMP MACRO pg_last_query_id() AS CAST((SELECT coalesce(max(bs_lq.query), -1) FROM rs_query_log() bs_lq WHERE bs_lq.pid = %d AND bs_lq.endtime IS NOT NULL) AS INTEGER)`, pid),
		fmt.Sprintf(`CREATE OR REPLACE TEMP MACRO pg_last_copy_id() AS CAST((SELECT coalesce(max(bs_lc.query), -1) FROM rs_query_log() bs_lc WHERE bs_lc.pid = %d AND regexp_matches(bs_lc.querytxt, '^\s*copy\s', 'i')) AS INTEGER)`, pid),
		fmt.Sprintf(`CREATE OR REPLACE TEMP MACRO pg_last_copy_count() AS coalesce((SELECT CASE WHEN bs_lcc.aborted = 0 THEN bs_lcc.returned_rows ELSE 0 END FROM rs_query_log() bs_lcc
			WHERE bs_lcc.pid = %d AND regexp_matches(bs_lcc.querytxt, '^\s*copy\s', 'i') ORDER BY bs_lcc.query DESC LIMIT 1), 0)`, pid),
		`CREATE OR REPLACE TEMP MACRO pg_last_unload_id() AS CAST(-1 AS INTEGER)`,
		`CREATE OR REPLACE TEMP MACRO pg_last_unload_count() AS CAST(0 AS BIGINT)`)
	return out
}

// VersionString is what version() returns: Redshift's shape ("PostgreSQL
// 8.0.2 on <platform>, compiled by <compiler>, Redshift 1.0.<build>"), which
// drivers and BI tools parse to tell Redshift apart, with blueshift named as
// the compiler.
func VersionString() string {
	arch := runtime.GOARCH
	switch arch {
	case "amd64":
		arch = "x86_64"
	case "arm64":
		arch = "aarch64"
	}
	return "PostgreSQL 8.0.2 on " + arch + "-pc-linux-gnu, compiled by blueshift (DuckDB " + duckdbVersion + "), Redshift 1.0.0"
}

// duckdbVersion is the embedded DuckDB's version.
const duckdbVersion = "1.5.6"

package warehouse

// The catalog objects clients read that depend on blueshift's own catalog:
// owners, materialized views, stored procedures and relation sizes. They
// are defined after the streaming catalog's migrations (the materialized
// views' table is theirs), each time the warehouse opens.
//
// Behavior:
//   - Users: "blueshift" is the bootstrap superuser (OID 10, as Postgres's
//     own): it owns what blueshift creates itself (the database, its
//     schemas; DuckDB's owner OID 0 reads as it) and what was created before
//     owners were recorded. Any other user is known to the catalog once
//     connected (the session's own user) or once it owns an object; its OID
//     is a hash of its name (user_oid, in [16384, 16384+10^9)), the same in
//     every session, so pg_get_userbyid(relowner) and pg_roles agree. An OID
//     of no known user reads as "unknown (OID=n)", as in Postgres. There are
//     no role memberships (pg_auth_members is empty).
//   - pg_class: a materialized view (a DuckDB table underneath) has relkind
//     'm', so psql lists it under \dm and not \dt; relowner is the recorded
//     owner (owners.go; the materialized-view catalog's owner for a view),
//     or blueshift for an object created before owners were recorded.
//   - pg_namespace: blueshift's own schemas (its catalog, and DuckDB's
//     main, which users never write to) are not listed, so tools that
//     list schemas (SQLAlchemy's inspector, JDBC's getSchemas) show the
//     user's and, as Postgres's do, pg_catalog and information_schema;
//   - pg_namespace: nspowner is the owner ALTER SCHEMA ... OWNER TO
//     recorded (owners.go), or DuckDB's (0, read as blueshift).
//   - pg_proc: DuckDB's functions, without the macros blueshift defines for
//     itself (its main and blueshift_catalog schemas, the session's temp
//     macros), and the user's stored procedures with prokind 'p' and their
//     arguments (pg_get_function_arguments: "INOUT n integer, d numeric(10,2)").
//     psql 15 asks servers older than 11 (blueshift reports 9.6) for
//     proisagg and proiswindow, and so shows a procedure's type as "func".
//   - Sizes: pg_table_size, pg_relation_size and pg_total_relation_size are
//     estimates: DuckDB's estimated row count times the fixed width of each
//     column as DuckDB holds it in memory (a string counts its 16-byte
//     header, not its text), not the compressed bytes in the database file.
//     A view has size 0. pg_size_pretty prints as Postgres does ("8192
//     bytes", "16 kB", "20 MB").

import (
	"context"
	"fmt"
)

// bootstrapUser owns the objects no user created.
const bootstrapUser = "blueshift"

// compatCatalogPrelude defines the objects above.
func compatCatalogPrelude() []string {
	s := CatalogSchema + "."
	return append([]string{
		`CREATE OR REPLACE MACRO ` + s + `user_oid(name) AS CASE WHEN name = '` + bootstrapUser + `' THEN 10
			ELSE (16384 + hash(name) % 1000000000)::BIGINT END`,
		`CREATE OR REPLACE VIEW ` + s + `known_users AS SELECT DISTINCT name FROM (
			SELECT '` + bootstrapUser + `' AS name
			UNION ALL SELECT current_user
			UNION ALL SELECT owner FROM ` + s + `object_owners
			UNION ALL SELECT owner FROM ` + s + `materialized_views
			UNION ALL SELECT owner FROM ` + s + `procedures
			UNION ALL SELECT owner FROM ` + s + `external_schemas
			UNION ALL SELECT owner FROM ` + s + `schema_owners
			UNION ALL SELECT name FROM ` + s + `users)`,
		`CREATE OR REPLACE VIEW ` + s + `pg_roles AS SELECT ` + s + `user_oid(name) AS oid, name AS rolname,
			true AS rolsuper, true AS rolinherit, true AS rolcreaterole, true AS rolcreatedb, true AS rolcanlogin,
			false AS rolreplication, -1 AS rolconnlimit, NULL::TIMESTAMPTZ AS rolvaliduntil, false AS rolbypassrls
			FROM ` + s + `known_users`,
		`CREATE OR REPLACE VIEW ` + s + `pg_user AS SELECT k.name AS usename, ` + s + `user_oid(k.name) AS usesysid,
			coalesce(u.createdb, true) AS usecreatedb, coalesce(u.superuser, true) AS usesuper,
			coalesce(u.syslog = 'unrestricted', true) AS usecatupd, '********' AS passwd, u.valid_until AS valuntil,
			CASE WHEN u.settings IS NULL THEN NULL ELSE string_split(u.settings, ';') END AS useconfig
			FROM ` + s + `known_users k LEFT JOIN ` + s + `users u ON u.name = k.name`,
		// (Macros expand inline: the inner aliases must not capture the caller's.)
		`CREATE OR REPLACE MACRO ` + s + `pg_get_userbyid(id) AS CASE WHEN id = 0 THEN '` + bootstrapUser + `' ELSE coalesce(
			(SELECT min(bs_uid_u.name) FROM ` + s + `known_users bs_uid_u WHERE ` + s + `user_oid(bs_uid_u.name) = id),
			'unknown (OID=' || id || ')') END`,
		`CREATE OR REPLACE VIEW ` + s + `pg_auth_members AS SELECT NULL::BIGINT AS oid, NULL::BIGINT AS roleid,
			NULL::BIGINT AS member, NULL::BIGINT AS grantor, false AS admin_option WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_class AS SELECT c.* REPLACE (
				` + s + `display_name(c.relname) AS relname,
				CASE WHEN mv.name IS NOT NULL AND c.relkind = 'r' THEN 'm' ELSE c.relkind END AS relkind,
				` + s + `user_oid(coalesce(mv.owner, o.owner, '` + bootstrapUser + `')) AS relowner,
				NULL::VARCHAR[] AS reloptions, 'd' AS relreplident),
			false AS relforcerowsecurity
			FROM pg_catalog.pg_class c
			LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
			LEFT JOIN ` + s + `materialized_views mv ON mv.schema_name = n.nspname AND mv.name = c.relname
			LEFT JOIN ` + s + `object_owners o ON o.schema_name = n.nspname AND o.name = c.relname
			UNION ALL BY NAME
			SELECT con.oid, con.conname AS relname, con.connamespace AS relnamespace, 'i' AS relkind,
				10::BIGINT AS relowner, false AS relforcerowsecurity
			FROM ` + s + `pg_constraint con WHERE con.contype IN ('p', 'u')`,
		// pg_tables and pg_views: the user's relations and pg_catalog's,
		// not blueshift's own catalog (nor the views of main, where the
		// Redshift system views live), with their Redshift names and
		// owners.
		`CREATE OR REPLACE VIEW ` + s + `pg_tables AS SELECT t.* REPLACE (
				` + s + `display_name(t.schemaname) AS schemaname, ` + s + `display_name(t.tablename) AS tablename,
				coalesce(o.owner, t.tableowner) AS tableowner)
			FROM pg_catalog.pg_tables t
			LEFT JOIN ` + s + `object_owners o ON o.schema_name = t.schemaname AND o.name = t.tablename
			WHERE t.schemaname <> '` + CatalogSchema + `'`,
		`CREATE OR REPLACE VIEW ` + s + `pg_views AS SELECT v.* REPLACE (
				` + s + `display_name(v.schemaname) AS schemaname, ` + s + `display_name(v.viewname) AS viewname,
				coalesce(o.owner, v.viewowner) AS viewowner)
			FROM pg_catalog.pg_views v
			LEFT JOIN ` + s + `object_owners o ON o.schema_name = v.schemaname AND o.name = v.viewname
			WHERE v.schemaname NOT IN ('main', '` + CatalogSchema + `')`,
		`CREATE OR REPLACE VIEW ` + s + `pg_namespace AS SELECT n.* REPLACE (
				` + s + `display_name(n.nspname) AS nspname,
				CASE WHEN so.owner IS NULL THEN n.nspowner ELSE ` + s + `user_oid(so.owner) END AS nspowner)
			FROM pg_catalog.pg_namespace n
			LEFT JOIN ` + s + `schema_owners so ON so.name = n.nspname
			WHERE n.nspname NOT IN ('main', '` + CatalogSchema + `')
			UNION ALL BY NAME SELECT 11::BIGINT AS oid, 'pg_catalog' AS nspname, 10::BIGINT AS nspowner
			UNION ALL BY NAME SELECT 13000::BIGINT AS oid, 'information_schema' AS nspname, 10::BIGINT AS nspowner`,
		// Postgres's types, in pg_catalog (OID 11) as Postgres keeps them:
		// DuckDB's rows that have a Postgres OID, and the types blueshift
		// sends that DuckDB lists under no OID (text, SUPER, the array
		// types), so drivers that resolve every column's type OID (PgJDBC,
		// psqlODBC, pgcli) find each one.
		`CREATE OR REPLACE VIEW ` + s + `pg_type AS SELECT t.* REPLACE (11::BIGINT AS typnamespace,
				coalesce(t.typrelid, 0) AS typrelid, coalesce(t.typelem, 0) AS typelem,
				coalesce(t.typbasetype, 0) AS typbasetype, coalesce(t.typtypmod, -1) AS typtypmod,
				coalesce(t.typdelim, 44) AS typdelim, coalesce(t.typndims, 0) AS typndims, 10 AS typowner)
			FROM pg_catalog.pg_type t WHERE t.oid IS NOT NULL
			UNION ALL BY NAME
			SELECT oid::BIGINT AS oid, typname, 11::BIGINT AS typnamespace, 10 AS typowner, typlen::BIGINT AS typlen,
				typlen > 0 AS typbyval, 'b' AS typtype, typcategory, false AS typispreferred, true AS typisdefined,
				44 AS typdelim, 0 AS typrelid, typelem, 0 AS typarray, 'i' AS typalign, 'x' AS typstorage,
				0 AS typnotnull, 0 AS typbasetype, -1 AS typtypmod, CASE WHEN typelem = 0 THEN 0 ELSE 1 END AS typndims
			FROM (VALUES (18, 'char', 1, 'S', 0), (19, 'name', 64, 'S', 0), (25, 'text', -1, 'S', 0),
				(26, 'oid', 4, 'N', 0), (114, 'json', -1, 'U', 0), (705, 'unknown', -2, 'X', 0),
				(1042, 'bpchar', -1, 'S', 0), (4000, 'super', -1, 'U', 0), (6551, 'varbyte', -1, 'U', 0), (2279, 'trigger', 4, 'P', 0),
				(1000, '_bool', -1, 'A', 16), (1005, '_int2', -1, 'A', 21), (1007, '_int4', -1, 'A', 23),
				(1016, '_int8', -1, 'A', 20), (1021, '_float4', -1, 'A', 700), (1022, '_float8', -1, 'A', 701),
				(1009, '_text', -1, 'A', 25), (1014, '_bpchar', -1, 'A', 1042), (1015, '_varchar', -1, 'A', 1043),
				(1182, '_date', -1, 'A', 1082), (1115, '_timestamp', -1, 'A', 1114), (1185, '_timestamptz', -1, 'A', 1184),
				(1231, '_numeric', -1, 'A', 1700), (2951, '_uuid', -1, 'A', 2950))
				AS v(oid, typname, typlen, typcategory, typelem)`,
		// 'name'::regtype: the named type's OID.
		`CREATE OR REPLACE MACRO ` + s + `to_regtype(bs_name) AS (SELECT min(bs_rt.oid) FROM ` + s + `pg_type bs_rt
			WHERE bs_rt.typname = bs_name)`,
		// A materialized view's definition is the query as its CREATE wrote it.
		`CREATE OR REPLACE MACRO ` + s + `matview_def(bs_rel) AS (SELECT min(bs_vd_m.definition)
			FROM ` + s + `materialized_views bs_vd_m
			JOIN pg_catalog.pg_namespace bs_vd_n ON bs_vd_n.nspname = bs_vd_m.schema_name
			JOIN pg_catalog.pg_class bs_vd_c ON bs_vd_c.relnamespace = bs_vd_n.oid AND bs_vd_c.relname = bs_vd_m.name
			WHERE bs_vd_c.oid = bs_rel)`,
		// pg_get_viewdef of a view's OID, or of its name as text (Postgres's
		// pg_get_viewdef(text)).
		`CREATE OR REPLACE MACRO ` + s + `view_oid(bs_v) AS coalesce(TRY_CAST(bs_v AS BIGINT), ` + s + `to_regclass(CAST(bs_v AS VARCHAR)))`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_viewdef(id) AS coalesce(` + s + `matview_def(` + s + `view_oid(id)), pg_catalog.pg_get_viewdef(` + s + `view_oid(id))),
			(id, pretty) AS coalesce(` + s + `matview_def(` + s + `view_oid(id)), pg_catalog.pg_get_viewdef(` + s + `view_oid(id)))`,
		`CREATE OR REPLACE MACRO ` + s + `proc_oid(schema_name, name) AS (1000000000 + hash(schema_name || '.' || name) % 1000000000)::BIGINT`,
		`CREATE OR REPLACE VIEW ` + s + `pg_proc AS
			SELECT p.* FROM pg_catalog.pg_proc p
			WHERE p.pronamespace NOT IN (SELECT oid FROM duckdb_schemas()
				WHERE database_name = 'temp' OR (database_name = current_database() AND schema_name IN ('main', '` + CatalogSchema + `')))
			UNION ALL BY NAME
			SELECT ` + s + `proc_oid(pr.schema_name, pr.name) AS oid, pr.name AS proname, n.oid AS pronamespace,
				` + s + `user_oid(pr.owner)::INTEGER AS proowner, 'p' AS prokind, pr.security = 'definer' AS prosecdef,
				false AS proleakproof, false AS proisstrict, false AS proretset, 'v' AS provolatile, 'u' AS proparallel,
				json_array_length(pr.params)::BIGINT AS pronargs, 0 AS pronargdefaults,
				list_transform(from_json(pr.params, '[{"Name":"VARCHAR"}]'), lambda a: a.Name) AS proargnames,
				false AS proisagg, false AS proiswindow
			FROM ` + s + `procedures pr JOIN pg_catalog.pg_namespace n ON n.nspname = pr.schema_name`,
		// Postgres's name for a type as the procedure catalog records it
		// (the SQL front end's format: INT, VARCHAR(10), NUMERIC(10, 2)).
		`CREATE OR REPLACE MACRO ` + s + `pg_type_display(base, args) AS CASE base
			WHEN 'INT' THEN 'integer' WHEN 'INTEGER' THEN 'integer' WHEN 'INT4' THEN 'integer'
			WHEN 'BIGINT' THEN 'bigint' WHEN 'INT8' THEN 'bigint' WHEN 'SMALLINT' THEN 'smallint' WHEN 'INT2' THEN 'smallint'
			WHEN 'REAL' THEN 'real' WHEN 'FLOAT4' THEN 'real'
			WHEN 'FLOAT' THEN 'double precision' WHEN 'FLOAT8' THEN 'double precision' WHEN 'DOUBLE PRECISION' THEN 'double precision'
			WHEN 'BOOLEAN' THEN 'boolean' WHEN 'BOOL' THEN 'boolean'
			WHEN 'VARCHAR' THEN 'character varying' WHEN 'CHARACTER VARYING' THEN 'character varying'
			WHEN 'NVARCHAR' THEN 'character varying' WHEN 'CHAR VARYING' THEN 'character varying'
			WHEN 'CHAR' THEN 'character' WHEN 'CHARACTER' THEN 'character' WHEN 'NCHAR' THEN 'character' WHEN 'BPCHAR' THEN 'character'
			WHEN 'NUMERIC' THEN 'numeric' WHEN 'DECIMAL' THEN 'numeric'
			WHEN 'TIMESTAMP' THEN 'timestamp without time zone' WHEN 'TIMESTAMP WITHOUT TIME ZONE' THEN 'timestamp without time zone'
			WHEN 'TIMESTAMPTZ' THEN 'timestamp with time zone' WHEN 'TIMESTAMP WITH TIME ZONE' THEN 'timestamp with time zone'
			WHEN 'TIME' THEN 'time without time zone' WHEN 'TIMETZ' THEN 'time with time zone'
			WHEN 'VARBYTE' THEN 'varbyte' WHEN 'VARBINARY' THEN 'varbyte'
			ELSE lower(base) END || CASE WHEN args <> '' THEN '(' || replace(args, ' ', '') || ')' ELSE '' END`,
		`CREATE OR REPLACE MACRO ` + s + `pg_type_text(t) AS ` + s + `pg_type_display(
			upper(trim(regexp_extract(t, '^[^(]*'))), regexp_extract(t, '\(([^)]*)\)', 1))`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_function_arguments(id) AS coalesce(
			(SELECT array_to_string(list_transform(
					from_json(bs_fa_p.params, '[{"Name":"VARCHAR","Mode":"INTEGER","Type":"VARCHAR"}]'),
					lambda a: CASE a.Mode WHEN 1 THEN 'OUT ' WHEN 2 THEN 'INOUT ' ELSE '' END || a.Name || ' ' || ` + s + `pg_type_text(a.Type)),
				', ')
			FROM ` + s + `procedures bs_fa_p WHERE ` + s + `proc_oid(bs_fa_p.schema_name, bs_fa_p.name) = id), '')`,
		// A procedure has no result type (Postgres 11+); DuckDB's macros
		// record none either.
		`CREATE OR REPLACE MACRO ` + s + `pg_get_function_result(id) AS NULL::VARCHAR`,
		`CREATE OR REPLACE MACRO ` + s + `type_width(t) AS CASE
			WHEN t IN ('BOOLEAN', 'TINYINT', 'UTINYINT') THEN 1
			WHEN t IN ('SMALLINT', 'USMALLINT') THEN 2
			WHEN t IN ('INTEGER', 'UINTEGER', 'DATE', 'FLOAT') THEN 4
			WHEN t IN ('HUGEINT', 'UHUGEINT', 'UUID', 'INTERVAL', 'VARCHAR', 'BLOB', 'JSON', 'VARIANT') THEN 16
			WHEN t LIKE 'DECIMAL(%' THEN CASE WHEN TRY_CAST(regexp_extract(t, 'DECIMAL\((\d+)', 1) AS INTEGER) > 18 THEN 16 ELSE 8 END
			ELSE 8 END`,
		`CREATE OR REPLACE MACRO ` + s + `pg_table_size(id) AS coalesce(
			(SELECT any_value(bs_ts_t.estimated_size) * sum(` + s + `type_width(bs_ts_c.data_type))
			FROM duckdb_tables() bs_ts_t JOIN duckdb_columns() bs_ts_c ON bs_ts_c.table_oid = bs_ts_t.table_oid
			WHERE bs_ts_t.table_oid = id), 0)::BIGINT`,
		`CREATE OR REPLACE MACRO ` + s + `pg_relation_size(id) AS ` + s + `pg_table_size(id),
			(id, fork) AS CASE WHEN fork = 'main' THEN ` + s + `pg_table_size(id) ELSE 0 END::BIGINT`,
		`CREATE OR REPLACE MACRO ` + s + `pg_total_relation_size(id) AS ` + s + `pg_table_size(id)`,
		// COMMENT ON's text, which DuckDB keeps in its catalog: a table's,
		// a view's or a schema's by OID (Redshift and Postgres take the
		// catalog's name as an optional second argument), a column's by its
		// table's OID and its number (psql's \dt+ and \d+ descriptions).
		`CREATE OR REPLACE MACRO ` + s + `obj_description(id) AS ` + objDescription + `,
			(id, catalog) AS ` + objDescription,
		`CREATE OR REPLACE MACRO ` + s + `col_description(id, n) AS (SELECT min(bs_cd_c.comment)
			FROM duckdb_columns() bs_cd_c WHERE bs_cd_c.table_oid = id AND bs_cd_c.column_index = n)`,
		`CREATE OR REPLACE MACRO ` + s + `half_rounded(x) AS (x + CASE WHEN x < 0 THEN -1 ELSE 1 END) // 2`,
		// Postgres's pg_size_pretty: bytes below 10 kB, then the largest unit
		// that keeps the number below 20480 (half rounded).
		`CREATE OR REPLACE MACRO ` + s + `pg_size_pretty(b) AS CASE
			WHEN abs(b) < 10240 THEN b::BIGINT || ' bytes'
			WHEN abs(b) // 512 < 20479 THEN ` + s + `half_rounded(b // 512) || ' kB'
			WHEN abs(b) // 524288 < 20479 THEN ` + s + `half_rounded(b // 524288) || ' MB'
			WHEN abs(b) // 536870912 < 20479 THEN ` + s + `half_rounded(b // 536870912) || ' GB'
			WHEN abs(b) // 549755813888 < 20479 THEN ` + s + `half_rounded(b // 549755813888) || ' TB'
			ELSE ` + s + `half_rounded(b // 562949953421312) || ' PB' END`,
	}, append(append(append(adminViews(), redshiftCatalogViews()...), queryViews()...), lateBindingViews()...)...) // exec_admin.go, compat_redshift.go, sysviews_query.go, late_binding.go
}

// setupCatalogCompat runs compatCatalogPrelude.
func (w *Warehouse) setupCatalogCompat(ctx context.Context) error {
	c, err := w.connect(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, stmt := range compatCatalogPrelude() {
		if _, err := c.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("warehouse: catalog compatibility %q: %w", stmt, err)
		}
	}
	return nil
}

// objDescription is obj_description's body: the comment of the table,
// view or schema of OID id.
const objDescription = `coalesce(
	(SELECT min(bs_od_t.comment) FROM duckdb_tables() bs_od_t WHERE bs_od_t.table_oid = id),
	(SELECT min(bs_od_v.comment) FROM duckdb_views() bs_od_v WHERE bs_od_v.view_oid = id),
	(SELECT min(bs_od_s.comment) FROM duckdb_schemas() bs_od_s WHERE bs_od_s.oid = id))`

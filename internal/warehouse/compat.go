package warehouse

import (
	"runtime"
	"strings"
)

// Postgres catalog compatibility. Clients introspect with Postgres catalog
// queries (psql's \d family, drivers' type lookups). DuckDB has most of
// pg_catalog but not all of it, cannot parse OPERATOR(pg_catalog.op), and
// refuses objects created in its pg_catalog. So a statement that mentions
// pg_catalog is rewritten, at the token level, before DuckDB sees it:
//
//   - OPERATOR(pg_catalog.~) becomes ~;
//   - COLLATE pg_catalog.default is dropped;
//   - pg_catalog.f(...) for a function DuckDB lacks, and pg_catalog.t for a
//     table DuckDB lacks, point at blueshift_catalog, where compatPrelude
//     and compatCatalogPrelude (compat_catalog.go) define them (as macros
//     and views) each time the warehouse opens.

// compatFuncs are the pg_catalog functions defined in blueshift_catalog.
var compatFuncs = map[string]bool{
	"pg_get_userbyid": true, "pg_get_function_result": true, "pg_get_function_arguments": true,
	"pg_get_indexdef": true, "pg_get_triggerdef": true, "pg_get_statisticsobjdef_columns": true,
	"pg_encoding_to_char": true, "pg_get_partkeydef": true,
	"pg_relation_is_publishable": true, "pg_get_ruledef": true, "version": true,
	"pg_table_is_visible": true, "pg_get_expr": true, "format_type": true,
	"pg_table_size": true, "pg_total_relation_size": true, "pg_relation_size": true, "pg_size_pretty": true,
	"pg_get_viewdef": true, "array_upper": true, "array_lower": true,
}

// bareCompatFuncs are the compatFuncs that point at blueshift_catalog
// unqualified too: DuckDB has none of them, or one that answers differently.
var bareCompatFuncs = map[string]bool{
	"format_type": true, "pg_table_size": true, "pg_total_relation_size": true,
	"pg_relation_size": true, "pg_size_pretty": true, "pg_get_function_result": true,
	"pg_get_function_arguments": true, "array_upper": true, "array_lower": true,
}

// duckPgFuncs are the functions DuckDB defines in its pg_catalog; calls to
// any other pg_catalog.f resolve to DuckDB's own f (array_to_string, ...).
var duckPgFuncs = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(`col_description current_database current_query current_schema
		current_schemas format_pg_type format_type has_any_column_privilege has_column_privilege
		has_database_privilege has_foreign_data_wrapper_privilege has_function_privilege
		has_language_privilege has_schema_privilege has_sequence_privilege has_server_privilege
		has_table_privilege has_tablespace_privilege inet_client_addr inet_client_port
		inet_server_addr inet_server_port map_to_pg_oid obj_description pg_collation_is_visible
		pg_conf_load_time pg_conversion_is_visible pg_function_is_visible pg_get_constraintdef
		pg_has_role pg_is_other_temp_schema pg_my_temp_schema
		pg_opclass_is_visible pg_operator_is_visible pg_opfamily_is_visible pg_postmaster_start_time
		pg_sleep pg_ts_config_is_visible pg_ts_dict_is_visible
		pg_ts_parser_is_visible pg_ts_template_is_visible pg_type_is_visible pg_typeof shobj_description`) {
		m[f] = true
	}
	return m
}()

// compatTables are the pg_catalog tables defined (empty) in blueshift_catalog.
var compatTables = map[string]bool{
	"pg_inherits": true, "pg_trigger": true, "pg_policy": true, "pg_publication": true,
	"pg_publication_rel": true, "pg_statistic_ext": true, "pg_foreign_table": true,
	"pg_rewrite": true, "pg_roles": true, "pg_user": true, "pg_partitioned_table": true,
	"pg_am": false, "pg_language": true, "pg_class": true, "pg_proc": true,
	"pg_attribute": true, "pg_database": true, "pg_auth_members": true, "pg_namespace": true,
	"pg_cursors": true, "pg_type": true, "pg_constraint": true, "pg_group": true, "pg_index": true,
}

// compatPrelude defines the catalog objects compatFuncs and compatTables name.
func compatPrelude() []string {
	s := CatalogSchema + "."
	return []string{
		// Visible means "in a schema on the search path", which hides
		// blueshift's own catalog from \dt and friends.
		// (Macros expand inline: the inner aliases must not capture the caller's.)
		`CREATE OR REPLACE MACRO ` + s + `pg_table_is_visible(id) AS EXISTS (SELECT 1 FROM pg_catalog.pg_class bs_vis_c
			JOIN pg_catalog.pg_namespace bs_vis_n ON bs_vis_n.oid = bs_vis_c.relnamespace
			WHERE bs_vis_c.oid = id AND list_contains(current_schemas(false), bs_vis_n.nspname))`,
		// 'name'::regclass and regproc: the OID of the named relation or
		// function (NULL when there is none); regtype in compat_catalog.go.
		`CREATE OR REPLACE MACRO ` + s + `to_regclass(bs_name) AS (SELECT min(bs_rc.oid) FROM pg_catalog.pg_class bs_rc
			WHERE bs_rc.relname = parse_path(bs_name)[-1])`,
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
				WHEN c.data_type = 'JSON' THEN 114 WHEN c.data_type = 'VARIANT' THEN 4000
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
		// Primary keys and unique constraints are named as Postgres names
		// them (t_pkey, t_a_b_key), their conkey counts columns from 1 as
		// attnum does (DuckDB's from 0), and each has an index (pg_index,
		// and a pg_class row of relkind 'i' in compat_catalog.go), which is
		// where drivers look for primary keys (PgJDBC's getPrimaryKeys,
		// SQLAlchemy's get_pk_constraint).
		`CREATE OR REPLACE VIEW ` + s + `pg_constraint AS SELECT c.* REPLACE (
				CASE WHEN c.contype = 'p' THEN d.table_name || '_pkey'
					WHEN c.contype = 'u' THEN d.table_name || '_' || array_to_string(d.constraint_column_names, '_') || '_key'
					ELSE c.conname END AS conname,
				list_transform(c.conkey, lambda bs_k: bs_k + 1) AS conkey,
				CASE WHEN c.contype IN ('p', 'u') THEN c.oid ELSE 0 END AS conindid)
			FROM pg_catalog.pg_constraint c
			JOIN duckdb_constraints() d ON d.table_oid * 1000000 + d.constraint_index = c.oid
			WHERE NOT (c.contype = 'c' AND c.conname LIKE '%value too long for type%')`,
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
}

// sessionCompat defines, on a session's own DuckDB connection, what depends
// on the session: current_user, session_user and current_role (and user,
// which DuckDB defines as current_user) are the connected user, not
// DuckDB's constant 'duckdb'. Temporary macros live in the connection's temp
// catalog, which DuckDB searches before its built-in functions, and die with
// the connection.
func sessionCompat(user string) []string {
	var out []string
	for _, f := range []string{"current_user", "session_user", "current_role"} {
		out = append(out, `CREATE OR REPLACE TEMP MACRO `+f+`() AS `+quoteLiteral(user))
	}
	return out
}

// compatTriggers are the words without which pgCompat has nothing to do.
var compatTriggers = []string{"pg_", "information_schema", "operator(", "version", "format_type", "::reg", "array_upper", "~"}

// pgCompat rewrites a statement's pg_catalog references for DuckDB. It
// returns the statement unchanged (and false) when there is nothing to do.
func pgCompat(query string) (string, bool) {
	if !mentionsAny(query, compatTriggers...) {
		return query, false
	}
	toks := tokenize(query)
	var b strings.Builder
	last := 0
	changed := false
	emit := func(from, to int, repl string) {
		b.WriteString(query[last:from])
		b.WriteString(repl)
		last, changed = to, true
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		// OPERATOR(pg_catalog.op) -> op
		case t.is("OPERATOR") && i+3 < len(toks) && toks[i+1].kind == '(':
			close := -1
			for j := i + 2; j < len(toks); j++ {
				if toks[j].kind == ')' {
					close = j
					break
				}
			}
			if close < 0 {
				continue
			}
			inner := query[toks[i+1].end:toks[close].pos]
			if k := strings.LastIndexByte(inner, '.'); k >= 0 {
				inner = inner[k+1:]
			}
			emit(t.pos, toks[close].end, " "+strings.TrimSpace(inner)+" ")
			i = close
		// array(select ...) -> (SELECT list(COLUMNS(*)) FROM (select ...))
		case t.is("array") && i+2 < len(toks) && toks[i+1].kind == '(' && toks[i+2].is("select"):
			close := matchParen(toks, i+1)
			if close < 0 {
				continue
			}
			emit(t.pos, toks[close].end, "(SELECT list(COLUMNS(*)) FROM ("+query[toks[i+2].pos:toks[close].pos]+") AS bs_array)")
			i = close
		// COLLATE pg_catalog.default -> nothing
		case t.is("COLLATE") && i+3 < len(toks) && toks[i+1].is("pg_catalog") && toks[i+2].kind == '.' &&
			strings.EqualFold(toks[i+3].text, "default"):
			emit(t.pos, toks[i+3].end, "")
			i += 3
		// 'name'::regclass (or ::pg_catalog.regclass, regtype, regproc) ->
		// the named object's OID, as drivers write catalog joins
		// (PgJDBC's getTables: d.classoid = 'pg_class'::regclass)
		case t.kind == 's' && i+3 < len(toks) && toks[i+1].kind == '?' && toks[i+1].text == ":" &&
			toks[i+2].kind == '?' && toks[i+2].text == ":" && regCast(toks, i+3) != "":
			end := i + 3
			if toks[end].is("pg_catalog") {
				end += 2
			}
			emit(t.pos, toks[end].end, CatalogSchema+".to_"+regCast(toks, i+3)+"("+query[t.pos:t.end]+")")
			i = end
		// information_schema.columns (tables, schemata, views) -> the
		// catalog's, with Postgres's type names and the user's schemas
		// only (compat_redshift.go)
		case t.is("information_schema") && i+2 < len(toks) && toks[i+1].kind == '.' &&
			infoSchemaViews[strings.ToLower(toks[i+2].text)] && (i+3 >= len(toks) || toks[i+3].kind != '.'):
			emit(t.pos, toks[i+2].end, CatalogSchema+".information_schema_"+strings.ToLower(toks[i+2].text))
			i += 2
		// information_schema._pg_expandarray( -> blueshift_catalog's
		case t.is("information_schema") && i+3 < len(toks) && toks[i+1].kind == '.' &&
			toks[i+2].is("_pg_expandarray") && toks[i+3].kind == '(':
			emit(t.pos, t.end, CatalogSchema)
			i += 2
		// col::regtype::text -> format_type(col, NULL): a type OID's name
		// (pgcli's column list: att.atttypid::regtype::text)
		case t.kind == '?' && t.text == ":" && i > 0 && toks[i-1].kind == 'i' && regtypeText(toks, i) > 0:
			j := i - 1
			for j >= 2 && toks[j-1].kind == '.' && toks[j-2].kind == 'i' {
				j -= 2
			}
			if toks[j].pos < last {
				continue
			}
			end := regtypeText(toks, i)
			emit(toks[j].pos, toks[end].end, CatalogSchema+".format_type("+query[toks[j].pos:toks[i-1].end]+", NULL)")
			i = end
		// col ~ 'pattern' and col !~ 'pattern' -> regexp_matches: Postgres's
		// ~ matches anywhere in the string, DuckDB's the whole string
		// (psql's and pgcli's \dn: n.nspname !~ '^pg_')
		case t.kind == '?' && i > 0 && toks[i-1].kind == 'i' && regexOp(toks, i) > 0:
			lit := regexOp(toks, i)
			j := i - 1
			for j >= 2 && toks[j-1].kind == '.' && toks[j-2].kind == 'i' {
				j -= 2
			}
			if toks[j].pos < last {
				continue
			}
			not := ""
			if t.text == "!" {
				not = "NOT "
			}
			emit(toks[j].pos, toks[lit].end, "("+not+"regexp_matches("+query[toks[j].pos:toks[i-1].end]+", "+query[toks[lit].pos:toks[lit].end]+"))")
			i = lit
		// x::regtype, x::regclass, x::regproc (and their arrays) ->
		// nothing: OIDs stay numbers, comparable with 'name'::regtype
		// (pgcli's function list: p.prorettype::regtype != 'trigger'::regtype)
		case t.kind == '?' && t.text == ":" && i+2 < len(toks) && toks[i+1].kind == '?' && toks[i+1].text == ":" &&
			(toks[i+2].is("regtype") || toks[i+2].is("regclass") || toks[i+2].is("regproc")):
			end := i + 2
			if end+2 < len(toks) && toks[end+1].text == "[" && toks[end+2].text == "]" {
				end += 2
			}
			emit(t.pos, toks[end].end, "")
			i = end
		// ::pg_catalog.regtype and the like -> nothing (OIDs stay numbers);
		// ::pg_catalog.text -> ::text
		case t.kind == '?' && t.text == ":" && i+4 < len(toks) && toks[i+1].kind == '?' && toks[i+1].text == ":" &&
			toks[i+2].is("pg_catalog") && toks[i+3].kind == '.' && toks[i+4].kind == 'i':
			name := strings.ToLower(toks[i+4].text)
			switch name {
			case "regtype", "regclass", "regproc", "regprocedure", "regnamespace", "regoper", "oid":
				emit(t.pos, toks[i+4].end, "")
			default:
				emit(t.pos, toks[i+4].end, "::"+name)
			}
			i += 4
		// version() and pg_catalog.version() -> blueshift_catalog.version(),
		// Redshift's form of it, named "version" as Postgres names it
		case t.is("version") && (i == 0 || toks[i-1].kind != '.') && i+2 < len(toks) &&
			toks[i+1].kind == '(' && toks[i+2].kind == ')':
			emit(t.pos, toks[i+2].end, versionCall(toks, i-1, i+3))
			i += 2
		// format_type( -> blueshift_catalog.format_type(, which knows
		// Postgres's type OIDs (DuckDB's knows its own type ids); the size
		// functions likewise
		case t.kind == 'i' && !t.quoted && bareCompatFuncs[strings.ToLower(t.text)] && (i == 0 || toks[i-1].kind != '.') &&
			i+1 < len(toks) && toks[i+1].kind == '(':
			emit(t.pos, t.pos, CatalogSchema+".")
		// A bare catalog table (pg_namespace, as SQLAlchemy writes it) is
		// pg_catalog's, which Postgres searches first: the same rewrite as
		// pg_catalog.t.
		case t.kind == 'i' && !t.quoted && compatTables[strings.ToLower(t.text)] && (i == 0 || toks[i-1].kind != '.') &&
			(i+1 == len(toks) || (toks[i+1].kind != '(' && toks[i+1].kind != '.')):
			emit(t.pos, t.pos, CatalogSchema+".")
		case t.is("pg_catalog") && i+4 < len(toks) && toks[i+1].kind == '.' && toks[i+2].is("version") &&
			toks[i+3].kind == '(' && toks[i+4].kind == ')':
			emit(t.pos, toks[i+4].end, versionCall(toks, i-1, i+5))
			i += 4
		// pg_catalog.f( / pg_catalog.t -> blueshift_catalog.
		case t.is("pg_catalog") && i+2 < len(toks) && toks[i+1].kind == '.' && toks[i+2].kind == 'i':
			name := strings.ToLower(toks[i+2].text)
			isCall := i+3 < len(toks) && toks[i+3].kind == '('
			switch {
			case (isCall && compatFuncs[name]) || (!isCall && compatTables[name]):
				emit(t.pos, t.end, CatalogSchema)
			case isCall && !duckPgFuncs[name]:
				emit(t.pos, toks[i+1].end, "")
			}
			i += 2
		}
	}
	if !changed {
		return query, false
	}
	b.WriteString(query[last:])
	return b.String(), true
}

// regtypeText returns the index of the last token of "::regtype::text"
// (regtype possibly pg_catalog-qualified; text or varchar) starting at
// toks[i], and 0 when that is not there.
func regtypeText(toks []token, i int) int {
	colons := func(k int) bool {
		return k+1 < len(toks) && toks[k].kind == '?' && toks[k].text == ":" && toks[k+1].kind == '?' && toks[k+1].text == ":"
	}
	if !colons(i) || i+2 >= len(toks) {
		return 0
	}
	k := i + 2
	if toks[k].is("pg_catalog") && k+2 < len(toks) && toks[k+1].kind == '.' {
		k += 2
	}
	if !toks[k].is("regtype") || !colons(k+1) || k+3 >= len(toks) {
		return 0
	}
	if k += 3; toks[k].is("text") || toks[k].is("varchar") {
		return k
	}
	return 0
}

// regexOp returns the index of the string literal after a ~ or !~
// operator at toks[i] (not ~~, ~*, !~~ or !~*), and 0 when toks[i] is not
// one followed by a literal.
func regexOp(toks []token, i int) int {
	op := func(k int, s string) bool { return k < len(toks) && toks[k].kind == '?' && toks[k].text == s }
	k := i
	if op(k, "!") {
		if !op(k+1, "~") || toks[k+1].pos != toks[k].end {
			return 0
		}
		k++
	} else if !op(k, "~") {
		return 0
	}
	if k+1 >= len(toks) || toks[k+1].kind != 's' || (k > 0 && op(k-1, "~")) {
		return 0
	}
	return k + 1
}

// regCast returns "regclass", "regtype" or "regproc" when toks[i] (or
// pg_catalog.X at i) names that type, and "" otherwise.
func regCast(toks []token, i int) string {
	if toks[i].is("pg_catalog") && i+2 < len(toks) && toks[i+1].kind == '.' {
		i += 2
	}
	for _, name := range []string{"regclass", "regtype", "regproc"} {
		if toks[i].is(name) {
			return name
		}
	}
	return ""
}

// mentionsAny reports whether s contains any of the lower-case ASCII words,
// ignoring case, in one pass over s.
func mentionsAny(s string, words ...string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20 // lower-cases letters; other bytes never match a word's first letter
		for _, w := range words {
			if c == w[0] && i+len(w) <= len(s) && strings.EqualFold(s[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}

// versionCall is the call of blueshift's version(), with the column name
// "version" when it is a whole select item without an alias (toks[prev] and
// toks[next] are the tokens around it).
func versionCall(toks []token, prev, next int) string {
	call := CatalogSchema + ".version()"
	item := prev >= 0 && (toks[prev].is("select") || toks[prev].kind == ',')
	if next < len(toks) {
		switch n := toks[next]; {
		case n.kind == ',':
		case n.kind == 'i' && !n.quoted:
			switch strings.ToUpper(n.text) {
			case "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "UNION", "EXCEPT", "INTERSECT", "INTO":
			default:
				item = false
			}
		default:
			item = false
		}
	}
	if item {
		return call + " AS version"
	}
	return call
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

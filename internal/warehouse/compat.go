package warehouse

import (
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
//     defines them (as macros and empty views) each time the warehouse opens.

// compatFuncs are the pg_catalog functions defined in blueshift_catalog.
var compatFuncs = map[string]bool{
	"pg_get_userbyid": true, "pg_get_function_result": true, "pg_get_function_arguments": true,
	"pg_get_indexdef": true, "pg_get_triggerdef": true, "pg_get_statisticsobjdef_columns": true,
	"pg_encoding_to_char": true, "pg_get_partkeydef": true,
	"pg_relation_is_publishable": true, "pg_get_ruledef": true, "version": true,
	"pg_table_is_visible": true, "pg_get_expr": true,
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
		pg_get_viewdef pg_has_role pg_is_other_temp_schema pg_my_temp_schema
		pg_opclass_is_visible pg_operator_is_visible pg_opfamily_is_visible pg_postmaster_start_time
		pg_size_pretty pg_sleep pg_ts_config_is_visible pg_ts_dict_is_visible
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
}

// compatPrelude defines the catalog objects compatFuncs and compatTables name.
func compatPrelude() []string {
	s := CatalogSchema + "."
	return []string{
		`CREATE OR REPLACE MACRO ` + s + `pg_get_userbyid(id) AS 'blueshift'`,
		// Visible means "in a schema on the search path", which hides
		// blueshift's own catalog from \dt and friends.
		// (Macros expand inline: the inner aliases must not capture the caller's.)
		`CREATE OR REPLACE MACRO ` + s + `pg_table_is_visible(id) AS EXISTS (SELECT 1 FROM pg_catalog.pg_class bs_vis_c
			JOIN pg_catalog.pg_namespace bs_vis_n ON bs_vis_n.oid = bs_vis_c.relnamespace
			WHERE bs_vis_c.oid = id AND list_contains(current_schemas(false), bs_vis_n.nspname))`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_function_result(id) AS NULL::VARCHAR`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_function_arguments(id) AS ''`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_indexdef(id) AS NULL::VARCHAR, (id, col, pretty) AS NULL::VARCHAR`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_triggerdef(id) AS NULL::VARCHAR, (id, pretty) AS NULL::VARCHAR`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_expr(e, r) AS pg_catalog.pg_get_expr(e, r), (e, r, pretty) AS pg_catalog.pg_get_expr(e, r)`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_statisticsobjdef_columns(id) AS NULL::VARCHAR`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_partkeydef(id) AS NULL::VARCHAR`,
		`CREATE OR REPLACE MACRO ` + s + `pg_get_ruledef(id) AS NULL::VARCHAR, (id, pretty) AS NULL::VARCHAR`,
		`CREATE OR REPLACE MACRO ` + s + `pg_relation_is_publishable(id) AS false`,
		`CREATE OR REPLACE MACRO ` + s + `pg_encoding_to_char(id) AS 'UTF8'`,
		`CREATE OR REPLACE MACRO ` + s + `version() AS 'PostgreSQL ` + ServerVersion + ` on blueshift (DuckDB), Redshift dialect'`,
		`CREATE OR REPLACE VIEW ` + s + `pg_class AS SELECT *, false AS relforcerowsecurity FROM pg_catalog.pg_class`,
		`CREATE OR REPLACE VIEW ` + s + `pg_proc AS SELECT *, false AS proiswindow FROM pg_catalog.pg_proc`,
		`CREATE OR REPLACE VIEW ` + s + `pg_inherits AS SELECT NULL::BIGINT AS inhrelid, NULL::BIGINT AS inhparent, NULL::INTEGER AS inhseqno, false AS inhdetachpending WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_trigger AS SELECT NULL::BIGINT AS oid, NULL::BIGINT AS tgrelid, NULL::BIGINT AS tgparentid, NULL::VARCHAR AS tgname, NULL::BIGINT AS tgfoid, NULL::INTEGER AS tgtype, NULL::VARCHAR AS tgenabled, false AS tgisinternal, NULL::BIGINT AS tgconstraint WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_policy AS SELECT NULL::BIGINT AS oid, NULL::VARCHAR AS polname, NULL::BIGINT AS polrelid, NULL::VARCHAR AS polcmd, true AS polpermissive, NULL::BIGINT[] AS polroles, NULL::VARCHAR AS polqual, NULL::VARCHAR AS polwithcheck WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_publication AS SELECT NULL::BIGINT AS oid, NULL::VARCHAR AS pubname, false AS puballtables WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_publication_rel AS SELECT NULL::BIGINT AS oid, NULL::BIGINT AS prpubid, NULL::BIGINT AS prrelid WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_statistic_ext AS SELECT NULL::BIGINT AS oid, NULL::BIGINT AS stxrelid, NULL::VARCHAR AS stxname, NULL::BIGINT AS stxnamespace, NULL::INTEGER AS stxstattarget, NULL::VARCHAR[] AS stxkind WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_foreign_table AS SELECT NULL::BIGINT AS ftrelid, NULL::BIGINT AS ftserver, NULL::VARCHAR[] AS ftoptions WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_rewrite AS SELECT NULL::BIGINT AS oid, NULL::VARCHAR AS rulename, NULL::BIGINT AS ev_class WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_partitioned_table AS SELECT NULL::BIGINT AS partrelid WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_language AS SELECT NULL::BIGINT AS oid, NULL::VARCHAR AS lanname WHERE false`,
		`CREATE OR REPLACE VIEW ` + s + `pg_roles AS SELECT 0::BIGINT AS oid, 'blueshift' AS rolname, true AS rolsuper, true AS rolinherit, true AS rolcreaterole, true AS rolcreatedb, true AS rolcanlogin, false AS rolreplication, -1 AS rolconnlimit, NULL::TIMESTAMPTZ AS rolvaliduntil, false AS rolbypassrls`,
		`CREATE OR REPLACE VIEW ` + s + `pg_user AS SELECT 'blueshift' AS usename, 0::BIGINT AS usesysid, true AS usecreatedb, true AS usesuper`,
	}
}

// pgCompat rewrites a statement's pg_catalog references for DuckDB. It
// returns the statement unchanged (and false) when there is nothing to do.
func pgCompat(query string) (string, bool) {
	if !containsFold(query, "pg_catalog") && !containsFold(query, "operator(") {
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

// containsFold reports whether s contains the lower-case ASCII sub, ignoring case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

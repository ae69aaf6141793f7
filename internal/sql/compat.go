package sql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/lex"
)

// Postgres catalog compatibility, a rule on the lexer's tokens applied to a
// statement's text before Translate reads it. Clients introspect with
// Postgres catalog queries (psql's \d family, drivers' type lookups).
// DuckDB has most of pg_catalog but not all of it, cannot parse
// OPERATOR(pg_catalog.op), and refuses objects created in its pg_catalog,
// so the catalog schema the warehouse keeps (CatalogCompat's schema
// argument) defines what is missing or answers differently:
//
//   - OPERATOR(pg_catalog.~) becomes ~;
//   - COLLATE pg_catalog.default is dropped;
//   - pg_catalog.f(...) for a function DuckDB lacks, and pg_catalog.t for a
//     table DuckDB lacks, point at the catalog schema, where the warehouse
//     defines them (as macros and views) each time it opens.
//
// Only tokens are rewritten: string and dollar-quoted literals, quoted
// identifiers and comments are left as the client wrote them.

// CompatFuncs are the pg_catalog functions the catalog schema defines.
var CompatFuncs = map[string]bool{
	"pg_get_userbyid": true, "pg_get_function_result": true, "pg_get_function_arguments": true,
	"pg_get_indexdef": true, "pg_get_triggerdef": true, "pg_get_statisticsobjdef_columns": true,
	"pg_encoding_to_char": true, "pg_get_partkeydef": true,
	"pg_relation_is_publishable": true, "pg_get_ruledef": true, "version": true,
	"pg_table_is_visible": true, "pg_get_expr": true, "format_type": true,
	"pg_table_size": true, "pg_total_relation_size": true, "pg_relation_size": true, "pg_size_pretty": true,
	"pg_get_viewdef": true, "array_upper": true, "array_lower": true,
	"obj_description": true, "col_description": true,
}

// bareCompatFuncs are the CompatFuncs that point at the catalog schema
// unqualified too: DuckDB has none of them, or one that answers differently.
var bareCompatFuncs = map[string]bool{
	"format_type": true, "pg_table_size": true, "pg_total_relation_size": true,
	"pg_relation_size": true, "pg_size_pretty": true, "pg_get_function_result": true,
	"pg_get_function_arguments": true, "array_upper": true, "array_lower": true,
	"obj_description": true, "col_description": true, "pg_get_viewdef": true,
}

// duckPgFuncs are the functions DuckDB defines in its pg_catalog; calls to
// any other pg_catalog.f resolve to DuckDB's own f (array_to_string, ...).
var duckPgFuncs = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(`current_database current_query current_schema
		current_schemas format_pg_type format_type has_any_column_privilege has_column_privilege
		has_database_privilege has_foreign_data_wrapper_privilege has_function_privilege
		has_language_privilege has_schema_privilege has_sequence_privilege has_server_privilege
		has_table_privilege has_tablespace_privilege inet_client_addr inet_client_port
		inet_server_addr inet_server_port map_to_pg_oid pg_collation_is_visible
		pg_conf_load_time pg_conversion_is_visible pg_function_is_visible pg_get_constraintdef
		pg_has_role pg_is_other_temp_schema pg_my_temp_schema
		pg_opclass_is_visible pg_operator_is_visible pg_opfamily_is_visible pg_postmaster_start_time
		pg_sleep pg_ts_config_is_visible pg_ts_dict_is_visible
		pg_ts_parser_is_visible pg_ts_template_is_visible pg_type_is_visible pg_typeof shobj_description`) {
		m[f] = true
	}
	return m
}()

// CompatTables are the pg_catalog tables the catalog schema defines (true)
// or that are DuckDB's own (false).
var CompatTables = map[string]bool{
	"pg_inherits": true, "pg_trigger": true, "pg_policy": true, "pg_publication": true,
	"pg_publication_rel": true, "pg_statistic_ext": true, "pg_foreign_table": true,
	"pg_rewrite": true, "pg_roles": true, "pg_user": true, "pg_partitioned_table": true,
	"pg_am": false, "pg_language": true, "pg_class": true, "pg_proc": true,
	"pg_attribute": true, "pg_database": true, "pg_auth_members": true, "pg_namespace": true,
	"pg_cursors": true, "pg_type": true, "pg_constraint": true, "pg_group": true, "pg_index": true,
	"pg_tables": true, "pg_views": true,
}

// InfoSchemaViews are the information_schema views the catalog schema
// defines as information_schema_<name>, with Postgres's type names and the
// user's schemas only.
var InfoSchemaViews = map[string]bool{"columns": true, "tables": true, "schemata": true, "views": true,
	"table_constraints": true, "key_column_usage": true}

// CompatTriggers are the words without which CatalogCompat has nothing to do.
var CompatTriggers = []string{"pg_", "information_schema", "operator", "version", "format_type", "::reg", "array_upper", "~", "_description"}

// CatalogCompat rewrites a statement's Postgres catalog references for
// DuckDB, pointing them at schema (see the comment above). It returns the
// text unchanged (and false) when there is nothing to do or the text does
// not lex (Translate then reports the error).
func CatalogCompat(text, schema string) (string, bool) {
	if !mentionsAny(text, CompatTriggers...) {
		return text, false
	}
	toks, err := lex.Tokens(text)
	if err != nil {
		return text, false
	}
	toks = toks[:len(toks)-1] // the EOF
	var b strings.Builder
	last := 0
	changed := false
	closing := map[int]string{} // what replaces the ")" at an index
	emit := func(from, to int, repl string) {
		b.WriteString(text[last:from])
		b.WriteString(repl)
		last, changed = to, true
	}
	op := func(i int, s string) bool {
		return i >= 0 && i < len(toks) && toks[i].Kind == lex.Op && toks[i].Value == s
	}
	word := func(i int, s string) bool {
		return i >= 0 && i < len(toks) && toks[i].Kind == lex.Ident && toks[i].Value == s
	}
	name := func(i int) bool {
		return i >= 0 && i < len(toks) && (toks[i].Kind == lex.Ident || toks[i].Kind == lex.QuotedIdent)
	}
	// qualified returns the first token of the name (a.b.c) ending at toks[i].
	qualified := func(i int) int {
		j := i
		for j >= 2 && op(j-1, ".") && name(j-2) {
			j -= 2
		}
		return j
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		// OPERATOR(pg_catalog.op) -> op
		case word(i, "operator") && op(i+1, "(") && i+3 < len(toks):
			end := matchParen(toks, i+1)
			if end < 0 {
				continue
			}
			inner := text[toks[i+1].End:toks[end].Pos]
			if k := strings.LastIndexByte(inner, '.'); k >= 0 {
				inner = inner[k+1:]
			}
			emit(t.Pos, toks[end].End, " "+strings.TrimSpace(inner)+" ")
			i = end
		// array(select ...) -> (SELECT list(COLUMNS(*)) FROM (select ...))
		// (the rule goes on inside the subquery)
		case word(i, "array") && op(i+1, "(") && word(i+2, "select"):
			end := matchParen(toks, i+1)
			if end < 0 {
				continue
			}
			emit(t.Pos, toks[i+1].End, "(SELECT list(COLUMNS(*)) FROM (")
			closing[end] = ") AS bs_array)"
			i++
		case closing[i] != "":
			emit(t.Pos, t.End, closing[i])
		// COLLATE pg_catalog.default -> nothing
		case word(i, "collate") && word(i+1, "pg_catalog") && op(i+2, ".") && name(i+3) && strings.EqualFold(toks[i+3].Value, "default"):
			emit(t.Pos, toks[i+3].End, "")
			i += 3
		// 'name'::regclass (or ::pg_catalog.regclass, regtype, regproc) ->
		// the named object's OID, as drivers write catalog joins
		// (PgJDBC's getTables: d.classoid = 'pg_class'::regclass)
		case t.Kind == lex.String && op(i+1, "::") && i+2 < len(toks) && regCast(toks, i+2) != "":
			end := i + 2
			if word(end, "pg_catalog") {
				end += 2
			}
			emit(t.Pos, toks[end].End, schema+".to_"+regCast(toks, i+2)+"("+text[t.Pos:t.End]+")")
			i = end
		// information_schema.columns (tables, schemata, views) -> the
		// catalog schema's information_schema_columns
		case word(i, "information_schema") && op(i+1, ".") && name(i+2) && InfoSchemaViews[strings.ToLower(toks[i+2].Value)] && !op(i+3, "."):
			emit(t.Pos, toks[i+2].End, schema+".information_schema_"+strings.ToLower(toks[i+2].Value))
			i += 2
		// information_schema._pg_expandarray( -> the catalog schema's
		case word(i, "information_schema") && op(i+1, ".") && word(i+2, "_pg_expandarray") && op(i+3, "("):
			emit(t.Pos, t.End, schema)
			i += 2
		// col::regtype::text -> format_type(col, NULL): a type OID's name
		// (pgcli's column list: att.atttypid::regtype::text)
		case op(i, "::") && name(i-1) && regtypeText(toks, i) > 0:
			j := qualified(i - 1)
			if toks[j].Pos < last {
				continue
			}
			end := regtypeText(toks, i)
			emit(toks[j].Pos, toks[end].End, schema+".format_type("+text[toks[j].Pos:toks[i-1].End]+", NULL)")
			i = end
		// col ~ 'pattern' and col !~ 'pattern' -> regexp_matches: Postgres's
		// ~ matches anywhere in the string, DuckDB's the whole string
		// (psql's and pgcli's \dn: n.nspname !~ '^pg_')
		case (op(i, "~") || op(i, "!~")) && name(i-1) && i+1 < len(toks) && toks[i+1].Kind == lex.String:
			j := qualified(i - 1)
			if toks[j].Pos < last {
				continue
			}
			not := ""
			if t.Value == "!~" {
				not = "NOT "
			}
			emit(toks[j].Pos, toks[i+1].End, "("+not+"regexp_matches("+text[toks[j].Pos:toks[i-1].End]+", "+text[toks[i+1].Pos:toks[i+1].End]+"))")
			i++
		// x::regtype, x::regclass, x::regproc (and their arrays) ->
		// nothing: OIDs stay numbers, comparable with 'name'::regtype
		// (pgcli's function list: p.prorettype::regtype != 'trigger'::regtype)
		case op(i, "::") && (word(i+1, "regtype") || word(i+1, "regclass") || word(i+1, "regproc")):
			end := i + 1
			if op(end+1, "[") && op(end+2, "]") {
				end += 2
			}
			emit(t.Pos, toks[end].End, "")
			i = end
		// ::pg_catalog.regtype and the like -> nothing (OIDs stay numbers);
		// ::pg_catalog.text -> ::text
		case op(i, "::") && word(i+1, "pg_catalog") && op(i+2, ".") && name(i+3):
			switch n := strings.ToLower(toks[i+3].Value); n {
			case "regtype", "regclass", "regproc", "regprocedure", "regnamespace", "regoper", "oid":
				emit(t.Pos, toks[i+3].End, "")
			default:
				emit(t.Pos, toks[i+3].End, "::"+n)
			}
			i += 3
		// version() and pg_catalog.version() -> the catalog schema's
		// version(), Redshift's form of it, named "version" as Postgres
		// names it
		case word(i, "version") && !op(i-1, ".") && op(i+1, "(") && op(i+2, ")"):
			emit(t.Pos, toks[i+2].End, versionCall(toks, schema, i-1, i+3))
			i += 2
		// format_type( -> the catalog schema's format_type(, which knows
		// Postgres's type OIDs (DuckDB's knows its own type ids); the size
		// functions likewise
		case t.Kind == lex.Ident && bareCompatFuncs[t.Value] && !op(i-1, ".") && op(i+1, "("):
			emit(t.Pos, t.Pos, schema+".")
		// A bare catalog table (pg_namespace, as SQLAlchemy writes it) is
		// pg_catalog's, which Postgres searches first: the same rewrite as
		// pg_catalog.t.
		case t.Kind == lex.Ident && CompatTables[t.Value] && !op(i-1, ".") && !op(i+1, "(") && !op(i+1, "."):
			emit(t.Pos, t.Pos, schema+".")
		case word(i, "pg_catalog") && op(i+1, ".") && word(i+2, "version") && op(i+3, "(") && op(i+4, ")"):
			emit(t.Pos, toks[i+4].End, versionCall(toks, schema, i-1, i+5))
			i += 4
		// pg_catalog.f( / pg_catalog.t -> the catalog schema's
		case word(i, "pg_catalog") && op(i+1, ".") && name(i+2):
			n := strings.ToLower(toks[i+2].Value)
			isCall := op(i+3, "(")
			switch {
			case (isCall && CompatFuncs[n]) || (!isCall && CompatTables[n]):
				emit(t.Pos, t.End, schema)
			case isCall && !duckPgFuncs[n]:
				emit(t.Pos, toks[i+1].End, "")
			}
			i += 2
		}
	}
	if !changed {
		return text, false
	}
	b.WriteString(text[last:])
	return b.String(), true
}

// matchParen returns the index of the ")" closing toks[open], or -1.
func matchParen(toks []lex.Token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case toks[i].Kind != lex.Op:
		case toks[i].Value == "(":
			depth++
		case toks[i].Value == ")":
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// regtypeText returns the index of the last token of "::regtype::text"
// (regtype possibly pg_catalog-qualified; text or varchar) starting at
// toks[i], and 0 when that is not there.
func regtypeText(toks []lex.Token, i int) int {
	at := func(k int, kind lex.Kind, v string) bool {
		return k < len(toks) && toks[k].Kind == kind && toks[k].Value == v
	}
	if !at(i, lex.Op, "::") {
		return 0
	}
	k := i + 1
	if at(k, lex.Ident, "pg_catalog") && at(k+1, lex.Op, ".") {
		k += 2
	}
	if !at(k, lex.Ident, "regtype") || !at(k+1, lex.Op, "::") {
		return 0
	}
	if k += 2; at(k, lex.Ident, "text") || at(k, lex.Ident, "varchar") {
		return k
	}
	return 0
}

// regCast returns "regclass", "regtype" or "regproc" when toks[i] (or
// pg_catalog.X at i) names that type, and "" otherwise.
func regCast(toks []lex.Token, i int) string {
	if i+2 < len(toks) && toks[i].Is("pg_catalog") && toks[i+1].Is(".") {
		i += 2
	}
	if i >= len(toks) || toks[i].Kind != lex.Ident {
		return ""
	}
	switch v := toks[i].Value; v {
	case "regclass", "regtype", "regproc":
		return v
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

// versionCall is the call of the catalog schema's version(), with the
// column name "version" when it is a whole select item without an alias
// (toks[prev] and toks[next] are the tokens around it).
func versionCall(toks []lex.Token, schema string, prev, next int) string {
	call := schema + ".version()"
	item := prev >= 0 && (toks[prev].Is("select") || toks[prev].Is(","))
	if next < len(toks) {
		switch n := toks[next]; {
		case n.Is(","):
		case n.Kind == lex.Ident:
			switch n.Value {
			case "from", "where", "group", "having", "order", "limit", "offset", "union", "except", "intersect", "into":
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

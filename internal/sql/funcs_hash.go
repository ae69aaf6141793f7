package sql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// Hash and quoting functions (SQL reference, each function's page):
// SHA2(string, bits) is the warehouse's rs_sha2 (hex digest of 224, 256,
// 384 or 512 bits, 0 meaning 256, ” for other bits); FUNC_SHA1 and SHA
// are SHA1; QUOTE_IDENT double-quotes a name only where it must be quoted
// to be read back as it is; QUOTE_LITERAL single-quotes text, doubling
// quotes and backslashes. Each reads its argument as text, as Redshift's
// implicit conversions do (QUOTE_LITERAL(catid) is '1').
func init() {
	for name, h := range map[string]funcRewrite{
		"sha2":                          rwSha2,
		"func_sha1":                     rwTextCall("sha1"),
		"sha":                           rwTextCall("sha1"),
		"quote_ident":                   rwTextCall("rs_quote_ident"),
		"quote_literal":                 rwTextCall("rs_quote_literal"),
		"pg_get_late_binding_view_cols": rwLateBindingCols,
		"pg_cancel_backend":             rwCancelBackend,
		"octet_length":                  rename("rs_octet_length"),
		"bit_length":                    rwLiteralText,
	} {
		funcRewrites[name] = h
	}
	prelude = append(prelude, preludeHash...)
}

// quoteIdentReserved are the words QUOTE_IDENT quotes although they are
// lower case: Postgres's reserved key words, which Redshift's parser
// shares.
var quoteIdentReserved = strings.Fields(`all analyse analyze and any array as asc asymmetric both case
	cast check collate column constraint create current_catalog current_date current_role current_time
	current_timestamp current_user default deferrable desc distinct do else end except false fetch for
	foreign from grant group having in initially intersect into lateral leading limit localtime
	localtimestamp not null offset on only or order placing primary references returning select
	session_user some symmetric table then to trailing true union unique user using variadic when where
	window with`)

var preludeHash = []string{
	// QUOTE_IDENT: as is when the text is a lower-case identifier that is
	// no reserved word, double-quoted (embedded quotes doubled) otherwise.
	`CREATE OR REPLACE MACRO rs_quote_ident(s) AS CASE WHEN s IS NULL THEN NULL
		WHEN regexp_full_match(s, '[a-z_][a-z0-9_$]*') AND NOT list_contains(['` + strings.Join(quoteIdentReserved, `', '`) + `'], s) THEN s
		ELSE '"' || replace(s, '"', '""') || '"' END`,
	// OCTET_LENGTH: the bytes of a VARBYTE, of any other value's text
	// (DuckDB's takes BLOB only).
	`CREATE OR REPLACE MACRO rs_octet_length(x) AS CASE WHEN typeof(x) = 'BLOB' THEN octet_length(TRY_CAST(x AS BLOB)) ELSE strlen(TRY_CAST(x AS VARCHAR)) END`,
	// QUOTE_LITERAL: single quotes and backslashes doubled.
	`CREATE OR REPLACE MACRO rs_quote_literal(s) AS '''' || replace(replace(s, '\', '\\'), '''', '''''') || ''''`,
}

// rwTextCall calls to with the function's one argument read as text.
func rwTextCall(to string) funcRewrite {
	return func(rw *rewriter, f *ast.Func) (ast.Expr, error) {
		if err := rw.nargs(f, 1, 1); err != nil {
			return nil, err
		}
		return fn(to, cast(f.Args[0], "varchar")), nil
	}
}

// rwSha2: SHA2(string, bits) -> rs_sha2(string as text, bits).
func rwSha2(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 2); err != nil {
		return nil, err
	}
	return fn("rs_sha2", cast(f.Args[0], "varchar"), cast(f.Args[1], "integer")), nil
}

// rwLateBindingCols: PG_GET_LATE_BINDING_VIEW_COLS() in a select list
// returns a row per column of the late-binding views, each a record's text
// ("(public,v,c,integer,1)"): the unnest of the warehouse's
// rs_late_binding_view_records(). In FROM it is the warehouse's table
// macro of the same name (the result, a Paren, is no function, so FROM
// keeps the call).
func rwLateBindingCols(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if len(f.Args) != 0 {
		return f, nil
	}
	return &ast.Paren{X: fn("unnest", fn("rs_late_binding_view_records"))}, nil
}

// rwCancelBackend: PG_CANCEL_BACKEND(pid) is the warehouse's
// rs_cancel_backend (backends.go).
func rwCancelBackend(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 1, 1); err != nil {
		return nil, err
	}
	return fn("rs_cancel_backend", cast(f.Args[0], "bigint")), nil
}

// rwLiteralText: BIT_LENGTH('abc') reads a string literal as text, where
// DuckDB cannot choose between its VARCHAR and BLOB overloads; other
// arguments keep their type.
func rwLiteralText(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if len(f.Args) == 1 && isStringLit(f.Args[0]) {
		f.Args[0] = cast(f.Args[0], "varchar")
	}
	return f, nil
}

package sql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// VARBYTE and the string functions whose Redshift meaning follows their
// argument's type or Redshift's implicit conversions (SQL reference,
// "VARBYTE type", "Type compatibility and conversion"): LEN of a VARBYTE
// counts bytes, CONCAT is NULL when either side is, and numbers and
// timestamps are read as their text where a string is expected.

func init() {
	for name, h := range map[string]funcRewrite{
		"len":                       rename("rs_len"),
		"length":                    rename("rs_len"),
		"concat":                    rwConcat,
		"getbit":                    rename("rs_getbit"),
		"is_utf8":                   rename("rs_is_utf8"),
		"is_valid_json":             rename("rs_is_valid_json"),
		"is_valid_json_array":       rename("rs_is_valid_json_array"),
		"json_serialize_to_varbyte": rwJSONSerializeToVarbyte,
		"lpad":                      rwPad,
		"rpad":                      rwPad,
		"strpos":                    rwTextArgs(0, 1),
		"split_part":                rwTextArgs(0),
	} {
		funcRewrites[name] = h
	}
	// POSITION(a IN b) reads numbers as text too (its keyword form is a
	// special call).
	specialRewrites["position"] = rwTextArgs(0, 1)
	prelude = append(prelude, preludeVarbyte...)
}

// preludeVarbyte are the macros behind the functions of this file. A
// macro that takes a VARCHAR or a VARBYTE tells them apart with typeof,
// which DuckDB knows when it binds the call.
var preludeVarbyte = []string{
	// LEN / LENGTH: bytes of a VARBYTE, elements of an array (the
	// catalog's, such as pg_group.grolist), characters of anything else.
	`CREATE OR REPLACE MACRO rs_len(x) AS CASE WHEN typeof(x) = 'BLOB' THEN octet_length(TRY_CAST(x AS BLOB)) WHEN typeof(x) LIKE '%[]' THEN len(TRY_CAST(x AS VARCHAR[])) ELSE length(TRY_CAST(x AS VARCHAR)) END`,
	// GETBIT(varbyte, i): bit i counted from the least significant bit of
	// the last byte (SQL reference, "GETBIT function").
	`CREATE OR REPLACE MACRO rs_getbit(b, i) AS CAST(get_bit(CAST(CAST(b AS BLOB) AS BIT), CAST(octet_length(CAST(b AS BLOB)) * 8 - 1 - i AS INTEGER)) AS INTEGER)`,
	// IS_UTF8: whether a VARBYTE's bytes are UTF-8 (a VARCHAR always is).
	`CREATE OR REPLACE MACRO rs_is_utf8(x) AS CASE WHEN typeof(x) = 'BLOB' THEN try(decode(TRY_CAST(x AS BLOB))) IS NOT NULL ELSE x IS NOT NULL END`,
	// IS_VALID_JSON: a well-formed JSON object; IS_VALID_JSON_ARRAY: a
	// well-formed JSON array (SQL reference: '[1,2,3]' is not valid for
	// IS_VALID_JSON).
	`CREATE OR REPLACE MACRO rs_is_valid_json(x) AS CASE WHEN x IS NULL THEN NULL WHEN rs_json_strict(CAST(x AS VARCHAR)) THEN json_type(CAST(x AS VARCHAR)) = 'OBJECT' ELSE false END`,
	`CREATE OR REPLACE MACRO rs_is_valid_json_array(x) AS CASE WHEN x IS NULL THEN NULL WHEN rs_json_strict(CAST(x AS VARCHAR)) THEN json_type(CAST(x AS VARCHAR)) = 'ARRAY' ELSE false END`,
}

// rwConcat: CONCAT(a, b) is a || b: NULL when either is NULL (SQL
// reference, "CONCAT function"), a VARBYTE for two VARBYTEs. DuckDB's
// concat skips NULLs and makes text of bytes.
func rwConcat(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if len(f.Args) < 2 {
		return f, nil
	}
	var x ast.Expr = f.Args[0]
	for _, a := range f.Args[1:] {
		x = &ast.Binary{Op: "||", L: x, R: a}
	}
	return &ast.Paren{X: x}, nil
}

// rwJSONSerializeToVarbyte: JSON_SERIALIZE_TO_VARBYTE(super) is the JSON
// text's bytes.
func rwJSONSerializeToVarbyte(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 1, 1); err != nil {
		return nil, err
	}
	return fn("encode", fn("rs_json_text", cast(toJSON(f.Args[0]), "varchar"))), nil
}

// rwPad: LPAD and RPAD with two arguments pad with blanks (SQL reference,
// "LPAD and RPAD functions": fill defaults to a blank); the string may be
// any value Redshift reads as text.
func rwPad(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 3); err != nil {
		return nil, err
	}
	f.Args[0] = cast(f.Args[0], "varchar")
	if len(f.Args) == 2 {
		f.Args = append(f.Args, str(" "))
	}
	return f, nil
}

// rwTextArgs reads the arguments at the given positions as text, as
// Redshift converts numbers, dates and timestamps where a string is
// expected (strpos(12345, '3'), split_part(timestamp, '-', 1)).
func rwTextArgs(positions ...int) funcRewrite {
	return func(rw *rewriter, f *ast.Func) (ast.Expr, error) {
		for _, i := range positions {
			if i < len(f.Args) && !isStringLit(f.Args[i]) {
				f.Args[i] = cast(f.Args[i], "varchar")
			}
		}
		return f, nil
	}
}

// isStringLit reports whether x is a string literal (text already).
func isStringLit(x ast.Expr) bool {
	l, ok := x.(*ast.Literal)
	return ok && l.Kind == ast.LitString
}

// regexOperators: x ~ p, x !~ p, x ~* p and x !~* p match a POSIX
// regular expression anywhere in x, the starred forms ignoring case (SQL
// reference, "POSIX operators"). DuckDB's ~ matches the whole string and
// it has no ~*.
//
// LIKE and ILIKE escape with a backslash by default, as in Redshift ("The
// default is two backslashes", the form its examples write: '%start\\_%'
// matches start_time), where DuckDB's LIKE has no escape unless given one.
// A pattern or ESCAPE literal reads a doubled backslash as one, as regular
// expressions' do; a pattern literal without a backslash needs no ESCAPE
// (and keeps DuckDB's prefix and substring forms of LIKE).
func regexOperators(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	return rewriteExprs(stmt, func(x ast.Expr) (ast.Expr, error) {
		if l, ok := x.(*ast.Like); ok && l.Op != "similar to" {
			l.X = cast(l.X, "varchar") // LIKE on a timestamp matches its text
			l.Pattern = regexPattern(l.Pattern)
			if l.Escape != nil {
				l.Escape = regexPattern(l.Escape)
			} else if p, lit := l.Pattern.(*ast.Literal); !lit || p.Kind != ast.LitString || strings.Contains(p.Value, `\`) {
				l.Escape = str(`\`)
			}
			return l, nil
		}
		b, ok := x.(*ast.Binary)
		if !ok {
			return x, nil
		}
		var m ast.Expr
		switch b.Op {
		case "~", "!~":
			m = fn("regexp_matches", cast(b.L, "varchar"), regexPattern(b.R))
		case "~*", "!~*":
			m = fn("regexp_matches", cast(b.L, "varchar"), regexPattern(b.R), str("i"))
		default:
			return x, nil
		}
		if b.Op[0] == '!' {
			return &ast.Paren{X: &ast.Unary{Op: "not", X: m}}, nil
		}
		return m, nil
	})
}

package sql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// Redshift's regular-expression functions (SQL reference, "REGEXP_COUNT",
// "REGEXP_INSTR", "REGEXP_REPLACE", "REGEXP_SUBSTR"), with their position,
// occurrence and parameters ('c' case-sensitive, the default; 'i'
// case-insensitive; 'e' the first subexpression; 'p' PCRE, read as RE2).
// REGEXP_REPLACE replaces every occurrence, where DuckDB's replaces the
// first unless told 'g'.

func init() {
	for name, h := range map[string]funcRewrite{
		"regexp_count":   rwRegexpCount,
		"regexp_instr":   rwRegexpInstr,
		"regexp_replace": rwRegexpReplace,
		"regexp_substr":  rwRegexpSubstr,
	} {
		funcRewrites[name] = h
	}
	prelude = append(prelude, preludeRegexp...)
}

var preludeRegexp = []string{
	// RS_REGEXP_INSTR(s, pattern, position, occurrence, option, flags):
	// where the occurrence-th match starts (option 0) or ends (option 1),
	// 0 when there is none: the text before it is the pieces the pattern
	// splits off and the matches before it.
	`CREATE OR REPLACE MACRO rs_regexp_instr(s, pat, pos, occ, opt, flags) AS CAST(CASE
		WHEN s IS NULL OR pat IS NULL THEN NULL
		WHEN occ < 1 OR greatest(pos, 1) > length(s) OR occ > len(regexp_extract_all(substring(s, greatest(pos, 1)), pat, 0, flags)) THEN 0
		ELSE greatest(pos, 1)
			+ coalesce(list_sum(list_transform(regexp_split_to_array(substring(s, greatest(pos, 1)), pat, flags)[1:occ], lambda x: length(x))), 0)
			+ coalesce(list_sum(list_transform(regexp_extract_all(substring(s, greatest(pos, 1)), pat, 0, flags)[1:occ - 1], lambda x: length(x))), 0)
			+ CASE WHEN opt <> 0 THEN length(regexp_extract_all(substring(s, greatest(pos, 1)), pat, 0, flags)[occ]) ELSE 0 END
		END AS INTEGER)`,
}

// regexpParams reads a parameters argument (a string literal) as DuckDB's
// regexp options ("c" or "i": the last of c and i written wins) and
// whether it asks for the first subexpression (e).
func (rw *rewriter) regexpParams(f *ast.Func, i int) (opts string, sub bool, err error) {
	opts = "c"
	if i >= len(f.Args) {
		return opts, false, nil
	}
	l, ok := f.Args[i].(*ast.Literal)
	if !ok || l.Kind != ast.LitString {
		return "", false, rw.unsupported(0, strings.ToUpper(f.Name[0].Name)+" with parameters that are not a string literal")
	}
	for _, c := range strings.ToLower(l.Value) {
		switch c {
		case 'c', 'i':
			opts = string(c)
		case 'e':
			sub = true
		case 'p':
		default:
			return "", false, rw.codeErr("22023", 0, "invalid regular expression parameter %q", string(c))
		}
	}
	return opts, sub, nil
}

// from is s from position pos on (a position of 1 or less is the whole
// string).
func from(s ast.Expr, f *ast.Func, i int) ast.Expr {
	if i >= len(f.Args) || isOne(f.Args[i]) {
		return s
	}
	return fn("substring", s, fn("greatest", f.Args[i], num("1")))
}

// rwRegexpCount: REGEXP_COUNT(s, pattern [, position [, parameters]]).
func rwRegexpCount(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if len(f.Args) > 1 {
		f.Args[1] = regexPattern(f.Args[1])
	}
	if err := rw.nargs(f, 2, 4); err != nil {
		return nil, err
	}
	opts, _, err := rw.regexpParams(f, 3)
	if err != nil {
		return nil, err
	}
	return fn("array_length", fn("regexp_extract_all", from(f.Args[0], f, 2), f.Args[1], num("0"), str(opts))), nil
}

// rwRegexpSubstr: REGEXP_SUBSTR(s, pattern [, position [, occurrence [,
// parameters]]]): the occurrence-th match (its first subexpression with
// 'e'), the empty string when there is none.
func rwRegexpSubstr(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if len(f.Args) > 1 {
		f.Args[1] = regexPattern(f.Args[1])
	}
	if err := rw.nargs(f, 2, 5); err != nil {
		return nil, err
	}
	opts, sub, err := rw.regexpParams(f, 4)
	if err != nil {
		return nil, err
	}
	group := "0"
	if sub {
		group = "1"
	}
	if len(f.Args) <= 4 && (len(f.Args) < 3 || isOne(f.Args[2])) && (len(f.Args) < 4 || isOne(f.Args[3])) {
		return fn("regexp_extract", f.Args[0], f.Args[1]), nil
	}
	occ := ast.Expr(num("1"))
	if len(f.Args) >= 4 {
		occ = f.Args[3]
	}
	all := fn("regexp_extract_all", from(f.Args[0], f, 2), f.Args[1], num(group), str(opts))
	return fn("coalesce", &ast.Index{X: all, I: occ}, str("")), nil
}

// rwRegexpReplace: REGEXP_REPLACE(s, pattern [, replacement [, position [,
// parameters]]]) replaces every occurrence from position on; the
// replacement defaults to the empty string.
func rwRegexpReplace(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if len(f.Args) > 1 {
		f.Args[1] = regexPattern(f.Args[1])
	}
	if err := rw.nargs(f, 2, 5); err != nil {
		return nil, err
	}
	opts, _, err := rw.regexpParams(f, 4)
	if err != nil {
		return nil, err
	}
	rep := ast.Expr(str(""))
	if len(f.Args) >= 3 {
		rep = f.Args[2]
	}
	replaced := fn("regexp_replace", from(f.Args[0], f, 3), f.Args[1], rep, str("g"+opts))
	if len(f.Args) < 4 || isOne(f.Args[3]) {
		return replaced, nil
	}
	// The text before position is kept as it is.
	before := fn("left", ast.Clone(f.Args[0]), fn("greatest", &ast.Binary{Op: "-", L: ast.Clone(f.Args[3]), R: num("1")}, num("0")))
	return &ast.Paren{X: &ast.Binary{Op: "||", L: before, R: replaced}}, nil
}

// rwRegexpInstr: REGEXP_INSTR(s, pattern [, position [, occurrence [,
// option [, parameters]]]]).
func rwRegexpInstr(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if len(f.Args) > 1 {
		f.Args[1] = regexPattern(f.Args[1])
	}
	if err := rw.nargs(f, 2, 6); err != nil {
		return nil, err
	}
	opts, sub, err := rw.regexpParams(f, 5)
	if err != nil {
		return nil, err
	}
	if sub {
		return nil, rw.unsupported(0, "REGEXP_INSTR with the 'e' parameter")
	}
	arg := func(i int, def string) ast.Expr {
		if i < len(f.Args) {
			return f.Args[i]
		}
		return num(def)
	}
	return fn("rs_regexp_instr", f.Args[0], f.Args[1], arg(2, "1"), arg(3, "1"), arg(4, "0"), str(opts)), nil
}

// regexPattern reads a pattern literal as Redshift's documentation writes
// patterns: a metacharacter is escaped with two backslashes ('\\.' for a
// dot, '\\d' for a digit; SQL reference, "POSIX operators"), which
// Redshift's string literals make one. Each doubled backslash of a string
// literal becomes one; a single one is kept ('\d' is a digit too).
func regexPattern(x ast.Expr) ast.Expr {
	l, ok := x.(*ast.Literal)
	if !ok || l.Kind != ast.LitString || !strings.Contains(l.Value, `\\`) {
		return x
	}
	return str(strings.ReplaceAll(l.Value, `\\`, `\`))
}

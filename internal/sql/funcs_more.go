package sql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// More of Redshift's functions (SQL reference, "SQL functions reference"),
// each as a DuckDB expression or a prelude macro (prelude_more.go).

func init() {
	for name, h := range map[string]funcRewrite{
		"initcap":                   rename("rs_initcap"),
		"next_day":                  rwNextDay,
		"textlen":                   rename("length"),
		"strtol":                    rename("rs_strtol"),
		"date_part_year":            rwDatePartYear,
		"date_cmp":                  rwCmp,
		"timestamp_cmp":             rwCmp,
		"timestamptz_cmp":           rwCmp,
		"date_cmp_timestamp":        rwCmp,
		"date_cmp_timestamptz":      rwCmp,
		"timestamp_cmp_date":        rwCmp,
		"timestamptz_cmp_date":      rwCmp,
		"timestamp_cmp_timestamptz": rwCmp,
		"timestamptz_cmp_timestamp": rwCmp,
		"interval_cmp":              rwIntervalCmp,
		"last_day":                  rwLastDay,
		"octetindex":                rename("rs_octetindex"),
		"bpcharcmp":                 rename("rs_bpcharcmp"),
		"bttext_pattern_cmp":        rename("rs_cmp"),
		"timeofday":                 rwTimeofday,
		"to_varbyte":                rwToVarbyte,
		"ratio_to_report":           rwRatioToReport,
	} {
		funcRewrites[name] = h
	}
	prelude = append(prelude, preludeMore...)
}

// preludeMore are the macros behind the functions of this file.
var preludeMore = []string{
	// INITCAP: the first letter of each word upper case, the others lower;
	// a word starts after any character that is not a letter or a digit.
	`CREATE OR REPLACE MACRO rs_initcap(s) AS array_to_string(list_transform(range(1, length(s) + 1), lambda i: CASE WHEN i = 1 OR NOT regexp_matches(substring(s, i - 1, 1), '[[:alnum:]]') THEN upper(substring(s, i, 1)) ELSE lower(substring(s, i, 1)) END), '')`,
	// STRTOL(text, base): the integer the text writes in base 2 to 36.
	`CREATE OR REPLACE MACRO rs_strtol(s, base) AS CAST(list_reduce(list_transform(string_split(lower(trim(s)), ''), lambda c: CAST(strpos('0123456789abcdefghijklmnopqrstuvwxyz', c) - 1 AS BIGINT)), lambda acc, d: acc * base + d) AS BIGINT)`,
	// NEXT_DAY(date, day name): the first date after date that falls on
	// the named day (two letters are enough).
	`CREATE OR REPLACE MACRO rs_next_day(d, name) AS CAST(CAST(d AS DATE) + CAST(((list_position(['su', 'mo', 'tu', 'we', 'th', 'fr', 'sa'], lower(left(trim(name), 2))) - 1 - dayofweek(CAST(d AS DATE)) + 6) % 7) + 1 AS INTEGER) AS DATE)`,
	// DATE_CMP and the *_CMP family: -1, 0 or 1.
	`CREATE OR REPLACE MACRO rs_cmp(a, b) AS CASE WHEN a < b THEN -1 WHEN a > b THEN 1 WHEN a = b THEN 0 END`,
	// BPCHARCMP: the *_CMP of two CHAR values, whose trailing blanks do
	// not count; BTTEXT_PATTERN_CMP is rs_cmp of text (byte order).
	`CREATE OR REPLACE MACRO rs_bpcharcmp(a, b) AS rs_cmp(rtrim(CAST(a AS VARCHAR), ' '), rtrim(CAST(b AS VARCHAR), ' '))`,
	// OCTETINDEX(substring, string): the substring's place in bytes, 1 for
	// the first, 0 when absent ('AWS' in 'Άμαζον AWS' is at 14).
	`CREATE OR REPLACE MACRO rs_octetindex(sub, s) AS CASE WHEN strpos(s, sub) = 0 THEN 0 ELSE strlen(substring(s, 1, strpos(s, sub) - 1)) + 1 END`,
}

// rwLastDay: LAST_DAY(date) is the date of the last day of date's month;
// a string literal reads as a date or timestamp.
func rwLastDay(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 1, 1); err != nil {
		return nil, err
	}
	return fn("last_day", literalTimestamp(f.Args[0])), nil
}

func rwNextDay(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 2); err != nil {
		return nil, err
	}
	return fn("rs_next_day", literalTimestamp(f.Args[0]), f.Args[1]), nil
}

func rwDatePartYear(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 1, 1); err != nil {
		return nil, err
	}
	return fn("year", literalTimestamp(f.Args[0])), nil
}

func rwCmp(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 2); err != nil {
		return nil, err
	}
	return fn("rs_cmp", literalTimestamp(f.Args[0]), literalTimestamp(f.Args[1])), nil
}

// rwIntervalCmp: INTERVAL_CMP(a, b) compares two intervals, -1, 0 or 1
// (SQL reference: interval_cmp('3 days', '1 year') is -1, ('7 days',
// '1 week') 0); its arguments are intervals, also when written as text.
func rwIntervalCmp(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 2); err != nil {
		return nil, err
	}
	return fn("rs_cmp", cast(f.Args[0], "interval"), cast(f.Args[1], "interval")), nil
}

// rwTimeofday: TIMEOFDAY() is the current time as text, as Redshift
// prints it ('Thu Sep 19 22:53:50.333525 2013 UTC').
func rwTimeofday(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 0, 0); err != nil {
		return nil, err
	}
	return fn("strftime", fn("timezone", str("UTC"), fn("now")), str("%a %b %d %H:%M:%S.%f %Y UTC")), nil
}

// rwRatioToReport: RATIO_TO_REPORT(x) OVER (PARTITION BY ...) is x over the
// sum of x in its partition.
func rwRatioToReport(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 1, 1); err != nil {
		return nil, err
	}
	if f.Over == nil {
		return nil, rw.unsupported(0, "RATIO_TO_REPORT without OVER")
	}
	over := &ast.Window{Ref: f.Over.Ref, PartitionBy: f.Over.PartitionBy}
	sum := &ast.Func{Name: ast.Name{{Name: "sum"}}, Args: []ast.Expr{ast.Clone(f.Args[0])}, Over: over}
	return &ast.Paren{X: &ast.Binary{Op: "/", L: cast(f.Args[0], "double precision"), R: sum}}, nil
}

// rwToVarbyte: TO_VARBYTE(text, format) reads text as hex, utf8 or base64.
func rwToVarbyte(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 2); err != nil {
		return nil, err
	}
	format, err := rw.formatArg(f, 1)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(format) {
	case "hex":
		return fn("unhex", f.Args[0]), nil
	case "utf8", "utf-8":
		return fn("encode", f.Args[0]), nil
	case "base64":
		return fn("from_base64", f.Args[0]), nil
	}
	return nil, rw.unsupported(0, "TO_VARBYTE format "+ast.QuoteString(format))
}

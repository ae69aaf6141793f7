package sql

import (
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// ARRAY_FLATTEN, CONVERT, TO_NUMBER, and PERCENTILE_CONT, PERCENTILE_DISC
// and MEDIAN as window functions (SQL reference, each function's page).

func init() {
	for name, h := range map[string]funcRewrite{
		"array_flatten":   rename("rs_array_flatten"),
		"convert":         rwConvert,
		"to_number":       rwToNumber,
		"percentile_cont": rwPercentileWindow,
		"percentile_disc": rwPercentileWindow,
	} {
		funcRewrites[name] = h
	}
	prelude = append(prelude, preludeMore2...)
}

var preludeMore2 = []string{
	// RS_TO_JSON(x): x as a JSON value, a SUPER value as the JSON it holds
	// (DuckDB's to_json makes a string of a VARIANT's text, so that
	// ARRAY(ARRAY(1, 2)) held the string "[1, 2]").
	`CREATE OR REPLACE MACRO rs_to_json(x) AS CASE WHEN typeof(x) = 'VARIANT' THEN CAST(x AS JSON) ELSE to_json(x) END`,
	// ARRAY_FLATTEN(super array of arrays): the inner arrays' elements, in
	// order, in one SUPER array.
	`CREATE OR REPLACE MACRO rs_array_flatten(x) AS CASE WHEN x IS NULL THEN NULL ELSE CAST(CAST(to_json(flatten(list_transform(CAST(CAST(x AS JSON) AS JSON[]), lambda e: CAST(e AS JSON[])))) AS JSON) AS VARIANT) END`,
}

// rwConvert: CONVERT(type, expression) is CAST(expression AS type).
func rwConvert(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 2); err != nil {
		return nil, err
	}
	var t *ast.TypeName
	switch x := f.Args[0].(type) {
	case *ast.ColumnRef:
		if len(x.Parts) == 1 && !x.Star {
			t = &ast.TypeName{Name: ast.Name{{Name: strings.ToLower(x.Parts[0].Name)}}}
		}
	case *ast.Func:
		if len(x.Name) == 1 {
			t = &ast.TypeName{Name: ast.Name{{Name: strings.ToLower(x.Name[0].Name)}}}
			for _, a := range x.Args {
				l, ok := a.(*ast.Literal)
				if !ok || l.Kind != ast.LitNumber {
					t = nil
					break
				}
				t.Args = append(t.Args, l.Value)
			}
		}
	}
	if t == nil {
		return nil, rw.unsupported(0, "CONVERT to a type written other than as a name")
	}
	c := &ast.Cast{X: f.Args[1], Type: t}
	if n, _ := charLimit(t); n > 0 {
		return fn("left", c, num(strconv.Itoa(n))), nil
	}
	return c, nil
}

// rwToNumber: TO_NUMBER(text, format) reads the number the format
// describes: digits (9, 0), a decimal point (D or .), group separators (G
// or ,) and currency (L, $) skipped, a sign (S, MI, or PR's angle
// brackets) anywhere. The result is a DECIMAL with the format's scale.
func rwToNumber(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 2); err != nil {
		return nil, err
	}
	l, ok := f.Args[1].(*ast.Literal)
	if !ok || l.Kind != ast.LitString {
		return nil, rw.unsupported(0, "TO_NUMBER with a format that is not a string literal")
	}
	format := strings.ToUpper(l.Value)
	scale, point := 0, false
	for i := 0; i < len(format); i++ {
		switch c := format[i]; c {
		case '9', '0':
			if point {
				scale++
			}
		case 'D', '.':
			point = true
		case 'G', ',', 'L', '$', 'S', ' ':
		case 'M', 'P', 'F':
			if i+1 < len(format) && (format[i:i+2] == "MI" || format[i:i+2] == "PR" || format[i:i+2] == "FM") {
				i++
				continue
			}
			return nil, rw.unsupported(0, "TO_NUMBER format "+ast.QuoteString(l.Value))
		default:
			return nil, rw.unsupported(0, "TO_NUMBER format "+ast.QuoteString(l.Value))
		}
	}
	keep := "[^0-9]"
	if point {
		keep = "[^0-9.]"
	}
	text := cast(f.Args[0], "varchar")
	digits := fn("regexp_replace", text, str(keep), str(""), str("g"))
	typ := &ast.TypeName{Name: ast.Name{{Name: "decimal"}}, Args: []string{"38", strconv.Itoa(scale)}}
	value := &ast.Cast{X: digits, Type: typ}
	negative := fn("regexp_matches", ast.Clone(text), str(`-|^\s*<.*>\s*$`))
	return &ast.Cast{X: &ast.Case{Whens: []ast.When{{Cond: negative, Then: &ast.Unary{Op: "-", X: value}}}, Else: ast.Clone(value)}, Type: typ}, nil
}

// rwPercentileWindow: PERCENTILE_CONT(p) and PERCENTILE_DISC(p) WITHIN
// GROUP (ORDER BY x) OVER (PARTITION BY ...) are DuckDB's quantile_cont
// and quantile_disc over the window (DuckDB takes no WITHIN GROUP with
// OVER); a descending order takes 1 - p. The aggregates are DuckDB's own.
func rwPercentileWindow(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if f.Over == nil || len(f.WithinGroup) != 1 || len(f.Args) != 1 {
		return f, nil
	}
	name := "quantile_cont"
	if strings.EqualFold(f.Name[0].Name, "percentile_disc") {
		name = "quantile_disc"
	}
	p := f.Args[0]
	if f.WithinGroup[0].Desc {
		p = &ast.Binary{Op: "-", L: num("1"), R: &ast.Paren{X: p}}
	}
	return &ast.Func{Name: ast.Name{{Name: name}}, Args: []ast.Expr{f.WithinGroup[0].X, p}, Over: f.Over}, nil
}

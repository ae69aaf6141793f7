package sql

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// funcRewrite turns one Redshift function call into DuckDB.
type funcRewrite func(rw *rewriter, f *ast.Func) (ast.Expr, error)

// funcRewrites maps lower-case Redshift function names to their rewrite.
// Functions DuckDB has under the same name and meaning are not listed.
var funcRewrites map[string]funcRewrite

func init() {
	funcRewrites = map[string]funcRewrite{
		"getdate":                         rwGetdate,
		"sysdate":                         rwSysdate,
		"nvl":                             rename("coalesce"),
		"nvl2":                            rwNvl2,
		"decode":                          rwDecode,
		"charindex":                       rwCharindex,
		"dateadd":                         rwDateadd,
		"date_add":                        rwDateadd,
		"datediff":                        rwDatediff,
		"date_diff":                       rwDatediff,
		"date_trunc":                      rwDateTrunc,
		"add_months":                      rename("rs_add_months"),
		"months_between":                  rename("rs_months_between"),
		"convert_timezone":                rwConvertTimezone,
		"to_char":                         rwToChar,
		"to_date":                         rwToDate,
		"listagg":                         rwListagg,
		"json_parse":                      rename("rs_json_parse"),
		"can_json_parse":                  rename("rs_can_json_parse"),
		"json_serialize":                  rwJSONSerialize,
		"json_typeof":                     rename("rs_json_typeof"),
		"json_size":                       rwJSONSize,
		"is_array":                        rename("rs_is_array"),
		"is_object":                       rename("rs_is_object"),
		"is_scalar":                       rename("rs_is_scalar"),
		"is_varchar":                      rename("rs_is_varchar"),
		"is_integer":                      rename("rs_is_integer"),
		"is_decimal":                      rename("rs_is_decimal"),
		"is_boolean":                      rename("rs_is_boolean"),
		"is_smallint":                     rename("rs_is_smallint"),
		"is_bigint":                       rename("rs_is_bigint"),
		"is_float":                        rename("rs_is_float"),
		"is_char":                         rename("rs_is_char"),
		"json_extract_path_text":          rwJSONExtractPathText,
		"json_extract_array_element_text": rwJSONExtractArrayElementText,
		"btrim":                           rename("trim"),
		"date_part":                       rwDatePart,
		"pgdate_part":                     rwDatePart, // DATE_PART's synonym (SQL reference, "DATE_PART function")
		"to_timestamp":                    rwToTimestamp,
		"trunc":                           rwTrunc,
		"get_array_length":                rename("rs_get_array_length"),
		"array":                           rwArray,
		"object":                          rwObject,
		"split_to_array":                  rwSplitToArray,
		"subarray":                        rwSubarray,
		"array_concat":                    rwArrayConcat,
		"from_varbyte":                    rwFromVarbyte,
	}
}

func redshiftFunctions(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	return rewriteExprs(stmt, func(x ast.Expr) (ast.Expr, error) {
		f, ok := x.(*ast.Func)
		if !ok || len(f.Name) != 1 {
			return x, nil
		}
		if h := specialRewrites[strings.ToLower(f.Name[0].Name)]; h != nil {
			return h(rw, f)
		}
		if f.Special != "" {
			return x, nil
		}
		if to, ok := noParenCalls[strings.ToLower(f.Name[0].Name)]; ok && f.NoParens {
			return &ast.Func{Name: ast.Name{{Name: to}}}, nil
		}
		h := funcRewrites[strings.ToLower(f.Name[0].Name)]
		if h == nil {
			return x, nil
		}
		return h(rw, f)
	})
}

// noParenCalls are the DuckDB calls behind the functions Redshift writes
// without parentheses (CURRENT_DATE, CURRENT_TIMESTAMP, USER, ...).
// DuckDB reads such a bare word as a column first and a function only when
// no column matches, so that a select list that names a column after it
// (SELECT current_timestamp::date, which is named current_timestamp, as in
// Redshift) fails with "cannot be referenced before it is defined"; as a
// call it can never be a column. SYSDATE has its own rewrite.
var noParenCalls = map[string]string{
	"current_date":      "current_date",
	"current_time":      "get_current_time",
	"current_timestamp": "get_current_timestamp",
	"localtime":         "current_localtime",
	"localtimestamp":    "current_localtimestamp",
	"current_user":      "current_user",
	"session_user":      "session_user",
	"user":              "current_user",
	"current_schema":    "current_schema",
	"current_database":  "current_database",
	"current_user_id":   "current_user_id",
}

func rename(to string) funcRewrite {
	return func(rw *rewriter, f *ast.Func) (ast.Expr, error) {
		f.Name = ast.Name{{Name: to}}
		return f, nil
	}
}

func (rw *rewriter) nargs(f *ast.Func, min, max int) error {
	if len(f.Args) < min || len(f.Args) > max {
		return rw.codeErr(sqlerr.UndefinedFunction, 0, "function %s with %d arguments does not exist", strings.ToLower(f.Name[0].Name), len(f.Args))
	}
	return nil
}

func str(s string) ast.Expr { return &ast.Literal{Kind: ast.LitString, Value: s} }

func num(s string) ast.Expr { return &ast.Literal{Kind: ast.LitNumber, Value: s} }

// rwGetdate: GETDATE() is the statement's start. Redshift's has whole
// seconds; ours keeps microseconds (see the package doc's deviations).
func rwGetdate(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 0, 0); err != nil {
		return nil, err
	}
	if !rw.opts.StatementTime.IsZero() {
		rw.usedStatementTime = true
		ts := rw.opts.StatementTime.UTC().Truncate(time.Microsecond).Format("2006-01-02 15:04:05.999999")
		return &ast.TypedLiteral{Type: &ast.TypeName{Name: ast.Name{{Name: "timestamp"}}}, Value: ts}, nil
	}
	return fn("timezone", str("UTC"), fn("get_current_timestamp")), nil
}

// rwSysdate: SYSDATE is the transaction's start, with microseconds.
func rwSysdate(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if !f.NoParens {
		return f, nil
	}
	return fn("timezone", str("UTC"), fn("get_current_timestamp")), nil
}

func rwNvl2(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 3, 3); err != nil {
		return nil, err
	}
	return &ast.Case{Whens: []ast.When{{Cond: &ast.Is{X: f.Args[0], Not: true, What: "null"}, Then: f.Args[1]}}, Else: f.Args[2]}, nil
}

// rwDecode: DECODE(e, s1, r1, ..., [default]); a NULL search value matches a NULL e.
func rwDecode(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if len(f.Args) < 3 {
		return nil, rw.nargs(f, 3, 1<<20)
	}
	c := &ast.Case{}
	args := f.Args[1:]
	for len(args) >= 2 {
		c.Whens = append(c.Whens, ast.When{Cond: &ast.IsDistinct{L: ast.Clone(f.Args[0]), R: args[0], Not: true}, Then: args[1]})
		args = args[2:]
	}
	if len(args) == 1 {
		c.Else = args[0]
	}
	return c, nil
}

func rwCharindex(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 2); err != nil {
		return nil, err
	}
	return fn("strpos", cast(f.Args[1], "varchar"), cast(f.Args[0], "varchar")), nil
}

// datePart reads a date part written as a word or a string, and returns
// its canonical name.
func (rw *rewriter) datePart(x ast.Expr) (string, error) {
	var word string
	switch x := x.(type) {
	case *ast.ColumnRef:
		if len(x.Parts) == 1 {
			word = x.Parts[0].Name
		}
	case *ast.Literal:
		if x.Kind == ast.LitString {
			word = x.Value
		}
	}
	if p, ok := dateParts[strings.ToLower(word)]; ok {
		return p, nil
	}
	return "", rw.codeErr(sqlerr.InvalidParameterValue, 0, "date part %q is not supported", word)
}

// dateParts maps Redshift's date part names and abbreviations to canonical ones.
var dateParts = map[string]string{}

func init() {
	for canon, names := range map[string]string{
		"millennium":  "millennium millennia mil mils",
		"century":     "century centuries c cent cents",
		"decade":      "decade decades dec decs",
		"year":        "year years y yr yrs",
		"quarter":     "quarter quarters qtr qtrs",
		"month":       "month months mon mons",
		"week":        "week weeks w",
		"day":         "day days d",
		"hour":        "hour hours h hr hrs",
		"minute":      "minute minutes m min mins",
		"second":      "second seconds s sec secs",
		"millisecond": "millisecond milliseconds ms msec msecs msecond mseconds millisec millisecs millisecon",
		"microsecond": "microsecond microseconds microsec microsecs microsecond usecond useconds us usec usecs",
		"dow":         "dayofweek dow dw weekday",
		"doy":         "dayofyear doy dy yearday",
		"epoch":       "epoch",
	} {
		for _, n := range strings.Fields(names) {
			dateParts[n] = canon
		}
	}
}

var intervalFuncs = map[string]string{
	"year": "to_years", "month": "to_months", "week": "to_weeks", "day": "to_days", "hour": "to_hours",
	"minute": "to_minutes", "second": "to_seconds", "millisecond": "to_milliseconds", "microsecond": "to_microseconds",
}

// rwDateadd: DATEADD(part, n, d) is d plus n parts, as a timestamp.
func rwDateadd(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 3, 3); err != nil {
		return nil, err
	}
	part, err := rw.datePart(f.Args[0])
	if err != nil {
		return nil, err
	}
	n := f.Args[1]
	switch part {
	case "quarter":
		part, n = "month", &ast.Binary{Op: "*", L: num("3"), R: &ast.Paren{X: n}}
	case "decade", "century", "millennium":
		mult := map[string]string{"decade": "10", "century": "100", "millennium": "1000"}[part]
		part, n = "year", &ast.Binary{Op: "*", L: num(mult), R: &ast.Paren{X: n}}
	}
	to, ok := intervalFuncs[part]
	if !ok {
		return nil, rw.unsupported(0, "DATEADD by "+part)
	}
	return &ast.Paren{X: &ast.Binary{Op: "+", L: cast(f.Args[2], "timestamp"), R: fn(to, n)}}, nil
}

// rwDatediff: DATEDIFF(part, a, b) counts part boundaries crossed from a to
// b, which is DuckDB's date_diff.
func rwDatediff(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 3, 3); err != nil {
		return nil, err
	}
	part, err := rw.datePart(f.Args[0])
	if err != nil {
		return nil, err
	}
	return fn("date_diff", str(part), literalTimestamp(f.Args[1]), literalTimestamp(f.Args[2])), nil
}

// literalTimestamp reads a string literal as a timestamp, as Redshift does
// for the datetime arguments of its date functions ('2024-01-01' is a
// timestamp there; DuckDB cannot choose between DATE, TIME and TIMESTAMP).
func literalTimestamp(x ast.Expr) ast.Expr {
	if l, ok := x.(*ast.Literal); ok && l.Kind == ast.LitString {
		return cast(x, "timestamp")
	}
	return x
}

// rwDatePart: DATE_PART(part, x) takes the part as a word or a string and
// any of Redshift's abbreviations for it.
func rwDatePart(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 2); err != nil {
		return nil, err
	}
	part, err := rw.datePart(f.Args[0])
	if err != nil {
		return nil, err
	}
	return datePartCall(part, literalTimestamp(f.Args[1])), nil
}

// rwTrunc: TRUNC(timestamp) is the timestamp's date; TRUNC(number [, n])
// is DuckDB's. The timestamp form is recognised when the argument is
// visibly a timestamp (a cast, a typed literal, GETDATE(), SYSDATE, ...,
// or a column rule trunc-dates found in the catalog); any other timestamp
// reaches the warehouse's trunc overloads for dates.
func rwTrunc(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if len(f.Args) == 1 && (isTimestampExpr(f.Args[0]) || isDateExpr(f.Args[0])) {
		return cast(f.Args[0], "date"), nil
	}
	return f, nil
}

// isDateExpr reports whether x is visibly a DATE (a cast, a DATE literal,
// CURRENT_DATE): TRUNC of a date is the date, as Redshift converts it.
func isDateExpr(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Paren:
		return isDateExpr(x.X)
	case *ast.Cast:
		return len(x.Type.Name) == 1 && strings.EqualFold(x.Type.Name[0].Name, "date")
	case *ast.TypedLiteral:
		return len(x.Type.Name) == 1 && strings.EqualFold(x.Type.Name[0].Name, "date")
	case *ast.Func:
		return len(x.Name) == 1 && strings.EqualFold(x.Name[0].Name, "current_date")
	case *ast.Keyword:
		return strings.EqualFold(x.Word, "current_date")
	}
	return false
}

func isTimestampExpr(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Paren:
		return isTimestampExpr(x.X)
	case *ast.Cast:
		return len(x.Type.Name) == 1 && strings.HasPrefix(strings.ToLower(x.Type.Name[0].Name), "timestamp")
	case *ast.TypedLiteral:
		return len(x.Type.Name) == 1 && strings.HasPrefix(strings.ToLower(x.Type.Name[0].Name), "timestamp")
	case *ast.Func:
		if len(x.Name) != 1 {
			return false
		}
		switch strings.ToLower(x.Name[0].Name) {
		// Redshift's names, and what the rules before this one made of them.
		case "getdate", "sysdate", "current_timestamp", "now", "localtimestamp", "dateadd", "date_add",
			"convert_timezone", "add_months", "to_timestamp", "timezone", "get_current_timestamp", "current_localtimestamp", "rs_add_months", "strptime":
			return true
		}
	case *ast.Binary:
		return (x.Op == "+" || x.Op == "-") && isTimestampExpr(x.L)
	}
	return false
}

func rwDateTrunc(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 2); err != nil {
		return nil, err
	}
	part, err := rw.datePart(f.Args[0])
	if err != nil {
		return nil, err
	}
	f.Args[0] = str(part)
	f.Args[1] = literalTimestamp(f.Args[1]) // a timestamp written as text
	return f, nil
}

// rwConvertTimezone: CONVERT_TIMEZONE([source,] target, ts) reads ts as
// local time in source (UTC by default) and returns local time in target.
func rwConvertTimezone(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 3); err != nil {
		return nil, err
	}
	src, tgt, ts := ast.Expr(str("UTC")), f.Args[0], f.Args[1]
	if len(f.Args) == 3 {
		src, tgt, ts = f.Args[0], f.Args[1], f.Args[2]
	}
	return fn("timezone", tgt, fn("timezone", src, cast(ts, "timestamp"))), nil
}

func (rw *rewriter) formatArg(f *ast.Func, i int) (string, error) {
	lit, ok := f.Args[i].(*ast.Literal)
	if !ok || lit.Kind != ast.LitString {
		return "", rw.unsupported(0, strings.ToUpper(f.Name[0].Name)+" with a format that is not a string literal")
	}
	return lit.Value, nil
}

func rwToChar(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 2); err != nil {
		return nil, err
	}
	format, err := rw.formatArg(f, 1)
	if err != nil {
		return nil, err
	}
	out, ok := toCharDatetime(cast(f.Args[0], "timestamp"), format)
	if !ok {
		// A numeric format: rs_to_char_number, the warehouse's Go function
		// around FormatNumber (tochar_number.go).
		return fn("rs_to_char_number", cast(f.Args[0], "varchar"), str(format)), nil
	}
	return out, nil
}

// rwToTimestamp: TO_TIMESTAMP(string, format) parses with a datetime
// format; TO_TIMESTAMP(epoch seconds) is DuckDB's.
func rwToTimestamp(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if len(f.Args) == 1 {
		return f, nil
	}
	if err := rw.nargs(f, 2, 3); err != nil {
		return nil, err
	}
	format, err := rw.formatArg(f, 1)
	if err != nil {
		return nil, err
	}
	s, ok := strftimeFormat(format)
	if !ok {
		return nil, rw.codeErr(sqlerr.InvalidDatetimeFormat, 0, "invalid format %s for TO_TIMESTAMP", ast.QuoteString(format))
	}
	return cast(fn("strptime", f.Args[0], str(s)), "timestamptz"), nil
}

func rwToDate(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 3); err != nil {
		return nil, err
	}
	format, err := rw.formatArg(f, 1)
	if err != nil {
		return nil, err
	}
	s, ok := strftimeFormat(format)
	if !ok {
		return nil, rw.codeErr(sqlerr.InvalidDatetimeFormat, 0, "invalid format %s for TO_DATE", ast.QuoteString(format))
	}
	return cast(fn("strptime", f.Args[0], str(s)), "date"), nil
}

// strftimeFormat translates a Redshift datetime format string into
// strftime's; ok is false when it holds numeric-format patterns.
func strftimeFormat(f string) (string, bool) {
	type pat struct{ rs, strf string }
	pats := []pat{
		{"HH24", "%H"}, {"HH12", "%I"}, {"HH", "%I"}, {"MI", "%M"}, {"SS", "%S"}, {"MS", "%g"}, {"US", "%f"},
		{"YYYY", "%Y"}, {"YY", "%y"}, {"MONTH", "%B"}, {"Month", "%B"}, {"MON", "%b"}, {"Mon", "%b"}, {"MM", "%m"},
		{"DDD", "%j"}, {"DD", "%d"}, {"DAY", "%A"}, {"Day", "%A"}, {"DY", "%a"}, {"Dy", "%a"},
		{"AM", "%p"}, {"PM", "%p"}, {"am", "%p"}, {"pm", "%p"}, {"TZ", "%Z"}, {"tz", "%Z"},
	}
	var b strings.Builder
	for i := 0; i < len(f); {
		if f[i] == '"' {
			j := strings.IndexByte(f[i+1:], '"')
			if j < 0 {
				j = len(f) - i - 1
			}
			b.WriteString(strings.ReplaceAll(f[i+1:i+1+j], "%", "%%"))
			i += j + 2
			continue
		}
		matched := false
		for _, p := range pats {
			if strings.HasPrefix(f[i:], p.rs) {
				b.WriteString(p.strf)
				i += len(p.rs)
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		c := f[i]
		if c == '9' || c == '0' || c == 'G' || c == 'L' || c == 'S' && i+1 < len(f) && f[i+1] == '9' {
			return "", false
		}
		if c == '%' {
			b.WriteString("%%")
		} else {
			b.WriteByte(c)
		}
		i++
	}
	return b.String(), true
}

// rwListagg: LISTAGG(x [, delim]) WITHIN GROUP (ORDER BY ...) is string_agg
// with the order inside; the default delimiter is empty.
func rwListagg(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 1, 2); err != nil {
		return nil, err
	}
	if len(f.Args) == 1 {
		f.Args = append(f.Args, str(""))
	}
	f.Name = ast.Name{{Name: "string_agg"}}
	if len(f.WithinGroup) > 0 {
		f.OrderBy, f.WithinGroup = f.WithinGroup, nil
	}
	return f, nil
}

func isOne(x ast.Expr) bool {
	l, ok := x.(*ast.Literal)
	return ok && l.Kind == ast.LitNumber && l.Value == "1"
}

func toJSON(x ast.Expr) ast.Expr { return cast(x, "json") }

func rwJSONSerialize(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 1, 1); err != nil {
		return nil, err
	}
	// rs_json_text (the warehouse's) keeps the text JSON: DuckDB writes a
	// NaN or infinite double as a bare NaN or Infinity.
	return fn("rs_json_text", cast(toJSON(f.Args[0]), "varchar")), nil
}

// rwJSONExtractPathText: JSON_EXTRACT_PATH_TEXT(json, key [, key ...]
// [, null_if_invalid]) is the text at the path of keys: a string without
// its quotes, anything else as JSON; NULL when the path is missing. Invalid
// JSON is an error unless null_if_invalid is true. The keys may be any
// expressions; each becomes one quoted step of a JSONPath.
func rwJSONExtractPathText(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if len(f.Args) < 2 {
		return nil, rw.nargs(f, 2, 1<<20)
	}
	doc, keys, lax := f.Args[0], f.Args[1:], ast.Expr(nil)
	if l, ok := keys[len(keys)-1].(*ast.Literal); ok && l.Kind == ast.LitBool {
		if len(keys) == 1 {
			return nil, rw.nargs(f, 3, 1<<20)
		}
		lax, keys = l, keys[:len(keys)-1]
	}
	var path ast.Expr = str("$")
	for _, k := range keys {
		// json_quote escapes the key as a JSON string, which JSONPath takes quoted.
		step := ast.Expr(&ast.Binary{Op: "||", L: str("."), R: cast(fn("to_json", cast(k, "varchar")), "varchar")})
		if l, ok := k.(*ast.Literal); ok && l.Kind == ast.LitString {
			step = str("." + jsonQuote(l.Value))
		}
		path = &ast.Binary{Op: "||", L: path, R: step}
	}
	if l, ok := path.(*ast.Binary); ok {
		path = foldConcat(l)
	}
	return laxJSON(fn("json_extract_string", cast(doc, "varchar"), path), doc, lax), nil
}

// rwJSONExtractArrayElementText: JSON_EXTRACT_ARRAY_ELEMENT_TEXT(json, pos
// [, null_if_invalid]), pos 0-based; NULL past the end.
func rwJSONExtractArrayElementText(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 3); err != nil {
		return nil, err
	}
	var lax ast.Expr
	if len(f.Args) == 3 {
		lax = f.Args[2]
	}
	path := &ast.Binary{Op: "||", L: &ast.Binary{Op: "||", L: str("$["), R: cast(f.Args[1], "varchar")}, R: str("]")}
	get := fn("json_extract_string", cast(f.Args[0], "varchar"), path)
	return laxJSON(&ast.Case{Whens: []ast.When{{
		Cond: &ast.Binary{Op: "=", L: fn("json_type", cast(ast.Clone(f.Args[0]), "json")), R: str("ARRAY")},
		Then: get}}}, f.Args[0], lax), nil
}

// laxJSON wraps get so that invalid JSON in doc gives NULL, when lax (the
// null_if_invalid argument) is given and not a false literal.
func laxJSON(get, doc, lax ast.Expr) ast.Expr {
	invalid := &ast.Unary{Op: "not", X: fn("rs_json_strict", cast(ast.Clone(doc), "varchar"))}
	// DuckDB reports the JSON it cannot read itself; what it reads and
	// Redshift does not (a trailing comma) is reported here.
	lenient := &ast.Binary{Op: "and", L: fn("json_valid", cast(ast.Clone(doc), "varchar")), R: ast.Clone(invalid)}
	strict := &ast.Case{Whens: []ast.When{{Cond: lenient, Then: fn("error", str("invalid JSON text: a trailing or empty element"))}}, Else: get}
	if lax == nil {
		return strict
	}
	if l, ok := lax.(*ast.Literal); ok && l.Kind == ast.LitBool && l.Value == "false" {
		return strict
	}
	return &ast.Case{Whens: []ast.When{{
		Cond: &ast.Binary{Op: "and", L: lax, R: ast.Clone(invalid)},
		Then: &ast.Literal{Kind: ast.LitNull}}}, Else: strict}
}

// foldConcat joins adjacent string literals of a chain of ||.
func foldConcat(b *ast.Binary) ast.Expr {
	l, r := b.L, b.R
	if lb, ok := l.(*ast.Binary); ok && lb.Op == "||" {
		l = foldConcat(lb)
	}
	ll, lok := l.(*ast.Literal)
	rl, rok := r.(*ast.Literal)
	if lok && rok && ll.Kind == ast.LitString && rl.Kind == ast.LitString {
		return str(ll.Value + rl.Value)
	}
	return &ast.Binary{Op: "||", L: l, R: r}
}

// jsonQuote is s as a JSON string.
func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func rwJSONSize(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 1, 1); err != nil {
		return nil, err
	}
	return fn("strlen", cast(toJSON(f.Args[0]), "varchar")), nil
}

func superOf(x ast.Expr) ast.Expr { return cast(x, "super") }

func jsonList(x ast.Expr) ast.Expr { return tryCast(toJSON(x), "json[]") }

func rwArray(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	args := make([]ast.Expr, len(f.Args))
	for i, a := range f.Args {
		args[i] = fn("rs_to_json", a) // a value, not JSON text: 'two' is "two"
	}
	return superOf(fn("json_array", args...)), nil
}

func rwObject(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if len(f.Args)%2 != 0 {
		return nil, rw.codeErr(sqlerr.InvalidParameterValue, 0, "OBJECT takes key and value pairs")
	}
	args := make([]ast.Expr, len(f.Args))
	for i, a := range f.Args {
		if i%2 == 1 {
			a = fn("rs_to_json", a)
		}
		args[i] = a
	}
	return superOf(fn("json_object", args...)), nil
}

func rwSplitToArray(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 1, 2); err != nil {
		return nil, err
	}
	delim := ast.Expr(str(","))
	if len(f.Args) == 2 {
		delim = f.Args[1]
	}
	return superOf(fn("to_json", fn("string_split", f.Args[0], delim))), nil
}

// rwSubarray: SUBARRAY(a, start, length), start 0-based.
func rwSubarray(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 3, 3); err != nil {
		return nil, err
	}
	start := &ast.Binary{Op: "+", L: &ast.Paren{X: f.Args[1]}, R: num("1")}
	end := &ast.Binary{Op: "+", L: &ast.Paren{X: ast.Clone(f.Args[1])}, R: &ast.Paren{X: f.Args[2]}}
	return superOf(fn("to_json", fn("list_slice", jsonList(f.Args[0]), start, end))), nil
}

func rwArrayConcat(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 2); err != nil {
		return nil, err
	}
	return superOf(fn("to_json", fn("list_concat", jsonList(f.Args[0]), jsonList(f.Args[1])))), nil
}

func rwFromVarbyte(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 2); err != nil {
		return nil, err
	}
	format, err := rw.formatArg(f, 1)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(format) {
	case "hex":
		return fn("lower", fn("hex", f.Args[0])), nil
	case "utf8", "utf-8":
		return fn("decode", f.Args[0]), nil
	case "base64":
		return fn("to_base64", f.Args[0]), nil
	}
	return nil, rw.unsupported(0, "FROM_VARBYTE format "+ast.QuoteString(format))
}

// similarTo rewrites x SIMILAR TO pattern to a regular-expression match.
// DuckDB's SIMILAR TO takes a regular expression as it is, where SQL's
// pattern has % and _ as wildcards and . as a plain character: left alone,
// 'abc' SIMILAR TO 'a%' would be false. A pattern that is a string literal
// (with an optional literal ESCAPE) is translated here; any other is 0A000.
func similarTo(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	return rewriteExprs(stmt, func(x ast.Expr) (ast.Expr, error) {
		l, ok := x.(*ast.Like)
		if !ok || l.Op != "similar to" {
			return x, nil
		}
		pat, ok := l.Pattern.(*ast.Literal)
		if !ok || pat.Kind != ast.LitString {
			return nil, rw.unsupported(0, "SIMILAR TO with a pattern that is not a string literal")
		}
		esc := `\`
		if l.Escape != nil {
			e, ok := l.Escape.(*ast.Literal)
			if !ok || e.Kind != ast.LitString || len([]rune(e.Value)) > 1 {
				return nil, rw.unsupported(0, "SIMILAR TO with an ESCAPE that is not a one-character string literal")
			}
			esc = e.Value
		}
		var m ast.Expr = fn("regexp_full_match", l.X, str(similarRegexp(pat.Value, esc)))
		if l.Not {
			m = &ast.Unary{Op: "not", X: &ast.Paren{X: m}}
		}
		return m, nil
	})
}

// similarRegexp translates a SQL SIMILAR TO pattern into an RE2 expression
// that must match the whole string: % is .*, _ is ., the escape character
// makes the next character plain, and characters that are special to RE2
// but not to SIMILAR TO (. ^ $ \) are quoted. An empty esc means no escape.
func similarRegexp(pat, esc string) string {
	var b strings.Builder
	rs := []rune(pat)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case esc != "" && string(c) == esc && i+1 < len(rs):
			i++
			b.WriteString(regexpQuoteRune(rs[i]))
		case c == '%':
			b.WriteString(".*")
		case c == '_':
			b.WriteString(".")
		case c == '.' || c == '^' || c == '$' || c == '\\':
			b.WriteString(regexpQuoteRune(c))
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func regexpQuoteRune(r rune) string {
	if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
		return `\` + string(r)
	}
	return string(r)
}

package sql

import (
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// This file holds the rewrites that make DuckDB give Redshift's answer where
// it would otherwise give a different one without a word: substring with a
// start before the string, EXTRACT of milliseconds, AVG of integers, casts
// to sized character types, SUPER objects cast to text, TO_CHAR's padded
// names, and the length limits of character columns.

func init() {
	for name, h := range map[string]funcRewrite{
		"substring": rwSubstring,
		"substr":    rwSubstring,
		"extract":   rwExtract,
		"avg":       rwAvg,
	} {
		specialRewrites[name] = h
	}
}

// specialRewrites are rewrites of functions that are also written in the
// SQL-standard keyword forms (substring(x FROM a FOR n), extract(f FROM x)),
// or that DuckDB has under the same name with another meaning (avg).
var specialRewrites = map[string]funcRewrite{}

// rwSubstring: SUBSTRING(s, start [, n]) counts a start of 0 or less as
// positions before the first character (Redshift: substring('caterpillar',
// -2, 6) is 'cat'), where DuckDB counts a negative start from the end.
// Non-character arguments are read as text.
func rwSubstring(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 2, 3); err != nil {
		return nil, err
	}
	if l, ok := f.Args[1].(*ast.Literal); ok && l.Kind == ast.LitNumber {
		if n, err := strconv.Atoi(l.Value); err == nil && n >= 1 {
			f.Special = ""
			// DuckDB's meaning is Redshift's; a date or a timestamp is read
			// as its text (substring(timestamp, 1, 4) is the year).
			f.Args[0] = cast(f.Args[0], "varchar")
			return f, nil
		}
	}
	if len(f.Args) == 2 {
		return fn("rs_substring2", f.Args...), nil
	}
	return fn("rs_substring3", f.Args...), nil
}

// rwExtract: EXTRACT(part FROM x) as DATE_PART, whose parts and
// abbreviations Redshift shares.
func rwExtract(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if f.Special != "extract" || len(f.Args) != 2 {
		return f, nil
	}
	k, ok := f.Args[0].(*ast.Keyword)
	if !ok {
		return f, nil
	}
	return rwDatePart(rw, fn("date_part", &ast.ColumnRef{Parts: []ast.Ident{{Name: k.Word}}}, f.Args[1]))
}

// datePartCall is DuckDB's date_part of a canonical part, adjusted to
// Redshift's meaning: milliseconds are the milliseconds within the second
// (EXTRACT(ms FROM '12:08:43.101') is 101), where DuckDB counts the
// seconds in too.
func datePartCall(part string, x ast.Expr) ast.Expr {
	call := fn("date_part", str(part), x)
	if part == "millisecond" {
		return &ast.Paren{X: &ast.Binary{Op: "%", L: call, R: num("1000")}}
	}
	return call
}

// rwAvg: AVG(x) is rs_avg(sum(x), count(x)), which the warehouse defines
// with one overload per type of DuckDB's sum, so that the result has
// Redshift's type and value (AVG function: BIGINT for any integer
// argument, the fraction truncated; DOUBLE PRECISION for a float;
// DECIMAL(38, s) for a DECIMAL(p, s)). DuckDB's avg is a DOUBLE whatever
// its argument.
func rwAvg(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if len(f.Args) != 1 || f.Star || len(f.OrderBy) > 0 || len(f.WithinGroup) > 0 {
		return f, nil
	}
	sum := &ast.Func{Name: ast.Name{{Name: "sum"}}, Args: f.Args, Distinct: f.Distinct, Filter: f.Filter, Over: f.Over}
	cnt := &ast.Func{Name: ast.Name{{Name: "count"}}, Args: []ast.Expr{ast.Clone(f.Args[0])}, Distinct: f.Distinct}
	if f.Filter != nil {
		cnt.Filter = ast.Clone(f.Filter)
	}
	if f.Over != nil {
		cnt.Over = ast.Clone(f.Over)
	}
	return fn("rs_avg", sum, cnt), nil
}

// charLimit returns n for VARCHAR(n) / CHAR(n) and the type's name in
// Redshift's messages, or 0.
func charLimit(t *ast.TypeName) (int, string) {
	if t == nil || len(t.Name) != 1 || len(t.Args) != 1 || t.Array {
		return 0, ""
	}
	n, err := strconv.Atoi(t.Args[0])
	if err != nil || n <= 0 {
		return 0, ""
	}
	switch strings.ToLower(t.Name[0].Name) {
	case "varchar", "character varying", "char varying", "nvarchar", "text":
		return n, "character varying"
	case "char", "character", "nchar", "bpchar":
		return n, "character"
	}
	return 0, ""
}

// sizedCasts: CAST(x AS VARCHAR(n)) and CHAR(n) keep the first n
// characters (Redshift truncates on a cast, where DuckDB ignores the
// length).
func sizedCasts(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	return rewriteExprs(stmt, func(x ast.Expr) (ast.Expr, error) {
		c, ok := x.(*ast.Cast)
		if !ok {
			return x, nil
		}
		if n, _ := charLimit(c.Type); n > 0 {
			return fn("left", superText(c), num(strconv.Itoa(n))), nil
		}
		if isCharType(c.Type) {
			return superText(c), nil
		}
		return x, nil
	})
}

// superText makes a cast to a character type of a SUPER value NULL for an
// object or an array (Redshift: only scalars have a text form; use
// JSON_SERIALIZE for the JSON text). Types are not known here, so the
// check is on the cast's operand when it is visibly SUPER: a path into a
// SUPER value or a SUPER-making function.
func superText(c *ast.Cast) ast.Expr {
	if !isSuperExpr(c.X) {
		return c
	}
	return fn("rs_super_text", c.X)
}

func isCharType(t *ast.TypeName) bool {
	if t == nil || len(t.Name) != 1 || t.Array {
		return false
	}
	switch strings.ToLower(t.Name[0].Name) {
	case "varchar", "character varying", "char varying", "nvarchar", "text", "char", "character", "nchar", "bpchar", "string":
		return true
	}
	return false
}

// isSuperExpr reports whether x is visibly a SUPER value.
func isSuperExpr(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Paren:
		return isSuperExpr(x.X)
	case *ast.Field, *ast.Index:
		return true
	case *ast.Func:
		if len(x.Name) == 1 {
			switch strings.ToLower(x.Name[0].Name) {
			case "json_parse", "rs_json_parse", "array", "object", "split_to_array", "subarray", "array_concat",
				"rs_super_add", "rs_super_sub", "rs_super_mul", "rs_super_div", "rs_super_mod", "rs_super_neg":
				return true
			}
		}
	case *ast.Cast:
		return len(x.Type.Name) == 1 && strings.EqualFold(x.Type.Name[0].Name, "super")
	}
	return false
}

// toCharPart is one pattern of a Redshift datetime format: its text and
// how to print it from a timestamp t.
type toCharPart struct {
	pat  string
	expr func(t ast.Expr) ast.Expr
}

func strf(code string) func(t ast.Expr) ast.Expr {
	return func(t ast.Expr) ast.Expr { return fn("strftime", t, str(code)) }
}

func pad9(x ast.Expr) ast.Expr { return fn("rpad", x, num("9"), str(" ")) }

func intText(x ast.Expr) ast.Expr { return cast(x, "varchar") }

func zeroPad(x ast.Expr, n string) ast.Expr { return fn("lpad", intText(x), num(n), str("0")) }

// toCharParts are Redshift's datetime format patterns (SQL reference,
// "Datetime format strings"), longest first. Names are printed in the case
// the pattern is written in (MONTH, Month, month); MONTH and DAY are
// blank-padded to 9 characters.
var toCharParts = []toCharPart{
	{"HH24", strf("%H")}, {"HH12", strf("%I")}, {"HH", strf("%I")}, {"MI", strf("%M")}, {"SS", strf("%S")},
	{"MS", func(t ast.Expr) ast.Expr {
		return zeroPad(&ast.Binary{Op: "%", L: fn("millisecond", t), R: num("1000")}, "3")
	}},
	{"US", func(t ast.Expr) ast.Expr {
		return zeroPad(&ast.Binary{Op: "%", L: fn("microsecond", t), R: num("1000000")}, "6")
	}},
	{"Y,YYY", func(t ast.Expr) ast.Expr {
		return fn("concat", intText(&ast.Binary{Op: "//", L: fn("year", t), R: num("1000")}), str(","),
			zeroPad(&ast.Binary{Op: "%", L: fn("year", t), R: num("1000")}, "3"))
	}},
	{"IYYY", func(t ast.Expr) ast.Expr { return zeroPad(fn("isoyear", t), "4") }},
	{"YYYY", strf("%Y")}, {"YYY", func(t ast.Expr) ast.Expr { return fn("right", fn("strftime", t, str("%Y")), num("3")) }},
	{"YY", strf("%y")}, {"Y", func(t ast.Expr) ast.Expr { return fn("right", fn("strftime", t, str("%Y")), num("1")) }},
	{"MONTH", func(t ast.Expr) ast.Expr { return pad9(fn("upper", fn("strftime", t, str("%B")))) }},
	{"Month", func(t ast.Expr) ast.Expr { return pad9(fn("strftime", t, str("%B"))) }},
	{"month", func(t ast.Expr) ast.Expr { return pad9(fn("lower", fn("strftime", t, str("%B")))) }},
	{"MON", func(t ast.Expr) ast.Expr { return fn("upper", fn("strftime", t, str("%b"))) }},
	{"Mon", strf("%b")},
	{"mon", func(t ast.Expr) ast.Expr { return fn("lower", fn("strftime", t, str("%b"))) }},
	{"MM", strf("%m")},
	{"DAY", func(t ast.Expr) ast.Expr { return pad9(fn("upper", fn("strftime", t, str("%A")))) }},
	{"Day", func(t ast.Expr) ast.Expr { return pad9(fn("strftime", t, str("%A"))) }},
	{"day", func(t ast.Expr) ast.Expr { return pad9(fn("lower", fn("strftime", t, str("%A")))) }},
	{"DDD", strf("%j")},
	{"DY", func(t ast.Expr) ast.Expr { return fn("upper", fn("strftime", t, str("%a"))) }},
	{"Dy", strf("%a")},
	{"dy", func(t ast.Expr) ast.Expr { return fn("lower", fn("strftime", t, str("%a"))) }},
	{"DD", strf("%d")},
	{"ID", func(t ast.Expr) ast.Expr { return intText(fn("isodow", t)) }},
	{"IW", func(t ast.Expr) ast.Expr { return zeroPad(fn("week", t), "2") }},
	{"WW", func(t ast.Expr) ast.Expr {
		return zeroPad(&ast.Binary{Op: "+", L: &ast.Binary{Op: "//", L: &ast.Paren{X: &ast.Binary{Op: "-", L: fn("dayofyear", t), R: num("1")}}, R: num("7")}, R: num("1")}, "2")
	}},
	{"W", func(t ast.Expr) ast.Expr {
		return intText(&ast.Binary{Op: "+", L: &ast.Binary{Op: "//", L: &ast.Paren{X: &ast.Binary{Op: "-", L: fn("day", t), R: num("1")}}, R: num("7")}, R: num("1")})
	}},
	{"D", func(t ast.Expr) ast.Expr { return intText(&ast.Binary{Op: "+", L: fn("dayofweek", t), R: num("1")}) }},
	// J: the Julian day number of the date (DuckDB's julian of a
	// timestamp has the day's fraction too).
	{"J", func(t ast.Expr) ast.Expr { return intText(cast(fn("julian", cast(t, "date")), "bigint")) }},
	{"Q", func(t ast.Expr) ast.Expr { return intText(fn("quarter", t)) }},
	{"CC", func(t ast.Expr) ast.Expr { return zeroPad(fn("century", t), "2") }},
	{"AM", amPM(true, false)}, {"PM", amPM(true, false)}, {"A.M.", amPM(true, true)}, {"P.M.", amPM(true, true)},
	{"am", amPM(false, false)}, {"pm", amPM(false, false)}, {"a.m.", amPM(false, true)}, {"p.m.", amPM(false, true)},
	{"TZ", strf("%Z")}, {"tz", func(t ast.Expr) ast.Expr { return fn("lower", fn("strftime", t, str("%Z"))) }},
}

func amPM(upper, dots bool) func(t ast.Expr) ast.Expr {
	return func(t ast.Expr) ast.Expr {
		am, pm := "AM", "PM"
		if dots {
			am, pm = "A.M.", "P.M."
		}
		if !upper {
			am, pm = strings.ToLower(am), strings.ToLower(pm)
		}
		return &ast.Case{Whens: []ast.When{{Cond: &ast.Binary{Op: "<", L: fn("hour", t), R: num("12")}, Then: str(am)}}, Else: str(pm)}
	}
}

// toCharDatetime prints t with a Redshift datetime format as a
// concatenation of the patterns' pieces and the literal text between them
// ("quoted text" is literal; FM and FX prefixes are dropped). ok is false
// when the format holds numeric-format patterns.
func toCharDatetime(t ast.Expr, format string) (ast.Expr, bool) {
	var parts []ast.Expr
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, str(lit.String()))
			lit.Reset()
		}
	}
	for i := 0; i < len(format); {
		if format[i] == '"' {
			j := strings.IndexByte(format[i+1:], '"')
			if j < 0 {
				j = len(format) - i - 1
			}
			lit.WriteString(format[i+1 : i+1+j])
			i += j + 2
			continue
		}
		if strings.HasPrefix(format[i:], "FM") || strings.HasPrefix(format[i:], "FX") {
			i += 2
			continue
		}
		matched := false
		for _, p := range toCharParts {
			if strings.HasPrefix(format[i:], p.pat) {
				flush()
				parts = append(parts, p.expr(ast.Clone(t)))
				i += len(p.pat)
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		c := format[i]
		if c == '9' || c == '0' || c == 'G' || c == 'L' || (c == 'S' && i+1 < len(format) && format[i+1] == '9') {
			return nil, false
		}
		lit.WriteByte(c)
		i++
	}
	flush()
	switch len(parts) {
	case 0:
		return str(""), true
	case 1:
		return parts[0], true
	}
	return fn("concat", parts...), true
}

// trailingBlanks drops the trailing blanks of string literals compared
// with =, <>, <, >, IN, NULLIF, CASE x WHEN and DECODE: Redshift ignores
// trailing blanks when it compares CHAR and VARCHAR values ('a' = 'a ' is
// true). Two literals compare then as Redshift compares them; a column
// compared with a literal matches values stored without trailing blanks.
func trailingBlanks(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	trim := func(x ast.Expr) {
		if l, ok := x.(*ast.Literal); ok && l.Kind == ast.LitString {
			l.Value = strings.TrimRight(l.Value, " ")
		}
	}
	return rewriteExprs(stmt, func(x ast.Expr) (ast.Expr, error) {
		switch x := x.(type) {
		case *ast.Binary:
			switch x.Op {
			case "=", "<>", "!=", "<", ">", "<=", ">=":
				trim(x.L)
				trim(x.R)
			}
		case *ast.In:
			trim(x.X)
			for _, it := range x.List {
				trim(it)
			}
		case *ast.Case:
			if x.Operand != nil {
				trim(x.Operand)
				for _, w := range x.Whens {
					trim(w.Cond)
				}
			}
		case *ast.Func:
			if len(x.Name) == 1 && strings.EqualFold(x.Name[0].Name, "nullif") && len(x.Args) == 2 {
				trim(x.Args[1]) // the first is the result
			}
		}
		return x, nil
	})
}

// mergeMatchCheck is the query that refuses a MERGE whose WHEN MATCHED
// clause would act on one target row for two source rows, as Redshift
// refuses it ("Found multiple matches to update the same tuple"); DuckDB
// would apply both. It runs before the MERGE, in its transaction. nil when
// the MERGE has no WHEN MATCHED clause.
func mergeMatchCheck(m *ast.Merge) ast.Stmt {
	matched := false
	for _, w := range m.Whens {
		matched = matched || w.Matched
	}
	if !matched {
		return nil
	}
	alias := m.Target.Last()
	var ta *ast.Alias
	if m.Alias != nil {
		alias = *m.Alias
		ta = &ast.Alias{Name: *m.Alias}
	}
	return &ast.Select{
		Items: []ast.SelectItem{{X: fn("error", str("Found multiple matches to update the same tuple."))}},
		From: []ast.TableExpr{&ast.Join{Kind: "inner",
			L: &ast.TableRef{Name: ast.Clone(m.Target), Alias: ta}, R: ast.Clone(m.Source), On: ast.Clone(m.On)}},
		GroupBy: []ast.Expr{&ast.ColumnRef{Parts: []ast.Ident{alias, {Name: "rowid"}}}},
		Having:  &ast.Binary{Op: ">", L: &ast.Func{Name: ast.Name{{Name: "count"}}, Star: true}, R: num("1")},
	}
}

// sameWithinGroup refuses, as Redshift does, a SELECT whose PERCENTILE_CONT,
// PERCENTILE_DISC and MEDIAN aggregates order by different expressions
// ("within group ORDER BY clauses for aggregate functions must be the
// same"); DuckDB would compute each.
func sameWithinGroup(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	var err error
	ast.Walk(stmt, func(n any) bool {
		sel, ok := n.(*ast.Select)
		if !ok || err != nil {
			return err == nil
		}
		first := ""
		check := func(x ast.Expr) bool {
			if x == nil {
				return true
			}
			p := newPrinter(rw.opts)
			p.Expr(x)
			if first == "" {
				first = p.String()
			}
			return first == p.String()
		}
		for _, it := range sel.Items {
			ast.Walk(it.X, func(n any) bool {
				f, ok := n.(*ast.Func)
				if !ok || len(f.Name) != 1 || f.Over != nil || err != nil {
					_, sub := n.(*ast.Subquery)
					return !sub && err == nil
				}
				var order ast.Expr
				switch strings.ToLower(f.Name[0].Name) {
				case "percentile_cont", "percentile_disc":
					if len(f.WithinGroup) == 1 {
						order = f.WithinGroup[0].X
					}
				case "median":
					if len(f.Args) == 1 {
						order = f.Args[0]
					}
				}
				if !check(order) {
					err = rw.errorf(0, "within group ORDER BY clauses for aggregate functions must be the same")
				}
				return err == nil
			})
		}
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	return stmt, nil
}

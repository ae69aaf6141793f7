package sql

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// Date and timestamp literals in the forms Redshift reads (SQL reference,
// "Date, time, and timestamp literals"): 'January 8, 1999', '1/8/1999',
// '01/02/00', '2000-Jan-31', 'Jan-31-2000', '31-Jan-2000', '20080215',
// '080215', '2008.366', each optionally followed by a time ('04:05:06.789',
// '04:05', '040506', '04:05 PM'). Numeric month/day order follows DateStyle
// (MDY unless it says DMY). DuckDB reads only ISO text, so a string
// literal cast to DATE or TIMESTAMP (or written DATE '...') in another of
// these forms is printed as ISO text; ISO text is left as it is.

// dateLiterals rewrites the string literals that become dates or
// timestamps: casts of a literal, typed literals, and the values INSERT
// writes into DATE and TIMESTAMP columns (charlimits.go).
func dateLiterals(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	return rewriteExprs(stmt, func(x ast.Expr) (ast.Expr, error) {
		switch x := x.(type) {
		case *ast.Cast:
			if l, ok := x.X.(*ast.Literal); ok && l.Kind == ast.LitString {
				if kind := dateKind(x.Type); kind != "" {
					if iso, ok := redshiftDate(l.Value, kind, rw.opts.DateDMY); ok {
						x.X = str(iso)
					}
				}
			}
			if c, ok := x.X.(*ast.ColumnRef); ok && !c.Star && !x.Try {
				if kind := dateKind(x.Type); kind != "" {
					return columnDateCast(rw, x, kind), nil
				}
			}
		case *ast.TypedLiteral:
			if kind := dateKind(x.Type); kind != "" {
				if iso, ok := redshiftDate(x.Value, kind, rw.opts.DateDMY); ok {
					x.Value = iso
				}
			}
		}
		return x, nil
	})
}

// columnDateCast reads a VARCHAR column cast to DATE or TIMESTAMP in
// Redshift's forms too: CASE WHEN typeof(col) = 'VARCHAR' THEN
// CAST(rs_date_text(col, kind, dmy) AS type) ELSE CAST(col AS type) END,
// where the warehouse's rs_date_text turns a Redshift form into ISO text
// (RedshiftDateText) and leaves other text for the cast to read or refuse.
// typeof is known when DuckDB binds the statement, so a column of another
// type is cast as before.
func columnDateCast(rw *rewriter, c *ast.Cast, kind string) ast.Expr {
	dmy := "false"
	if rw.opts.DateDMY {
		dmy = "true"
	}
	text := fn("rs_date_text", cast(ast.Clone(c.X), "varchar"), str(kind), &ast.Literal{Kind: ast.LitBool, Value: dmy})
	return &ast.Case{
		Whens: []ast.When{{
			Cond: &ast.Binary{Op: "=", L: fn("typeof", ast.Clone(c.X)), R: str("VARCHAR")},
			Then: &ast.Cast{X: text, Type: c.Type},
		}},
		Else: c,
	}
}

// RedshiftDateText is s as ISO text when it is one of Redshift's date or
// timestamp forms (kind "date" or "timestamp"), and s itself otherwise.
func RedshiftDateText(s, kind string, dmy bool) string {
	if iso, ok := redshiftDate(s, kind, dmy); ok {
		return iso
	}
	return s
}

// dateKind is "date" or "timestamp" for the types a date literal may
// become, and "" for any other.
func dateKind(t *ast.TypeName) string {
	if t == nil || t.Array || len(t.Name) == 0 {
		return ""
	}
	switch strings.ToLower(t.Name.Last().Name) {
	case "date":
		return "date"
	case "timestamp", "timestamptz", "timestamp without time zone", "timestamp with time zone", "datetime":
		return "timestamp"
	}
	return ""
}

var monthNames = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
	"september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// redshiftDate reads s as one of Redshift's date or timestamp forms and
// returns it as ISO text (a date for kind "date"; a date and a time for
// "timestamp"). ok is false for ISO text, which DuckDB reads itself, and
// for text that is no such form.
func redshiftDate(s, kind string, dmy bool) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || isISODate(s) {
		return "", false
	}
	datePart, timePart := s, ""
	// The time follows the date after a blank (a blank inside 'January 8,
	// 1999' or 'Jun 1,2008' belongs to the date).
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		if _, ok := parseTime(strings.TrimSpace(s[i+1:]), ""); ok {
			datePart, timePart = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
		} else if j := strings.LastIndexByte(strings.TrimSpace(s[:i]), ' '); j > 0 {
			// '... 04:05 PM'
			rest := strings.TrimSpace(s[j+1:])
			if f := strings.Fields(rest); len(f) == 2 {
				if _, ok := parseTime(f[0], f[1]); ok {
					datePart, timePart = strings.TrimSpace(s[:j]), rest
				}
			}
		}
	}
	d, ok := parseDate(datePart, dmy)
	if !ok {
		return "", false
	}
	if kind == "date" {
		if timePart != "" {
			return "", false
		}
		return d.Format("2006-01-02"), true
	}
	clock := "00:00:00"
	if timePart != "" {
		f := strings.Fields(timePart)
		ampm := ""
		if len(f) == 2 {
			ampm = f[1]
		}
		c, ok := parseTime(f[0], ampm)
		if !ok {
			return "", false
		}
		clock = c
	}
	return d.Format("2006-01-02") + " " + clock, true
}

// isISODate reports whether s starts as DuckDB's own date text,
// YYYY-MM-DD with digits.
func isISODate(s string) bool {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// year reads a year; two digits are 1970 to 2069, as Postgres reads them.
func year(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || (len(s) != 2 && len(s) != 4) {
		return 0, false
	}
	if len(s) == 2 {
		if n < 70 {
			return 2000 + n, true
		}
		return 1900 + n, true
	}
	return n, true
}

func mkDate(y int, m time.Month, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return t, t.Month() == m && t.Day() == d
}

// parseDate reads the date forms of the documentation's table.
func parseDate(s string, dmy bool) (time.Time, bool) {
	switch {
	case allDigits(s) && len(s) == 8: // 20080215
		y, _ := strconv.Atoi(s[:4])
		m, _ := strconv.Atoi(s[4:6])
		d, _ := strconv.Atoi(s[6:])
		return mkDate(y, time.Month(m), d)
	case allDigits(s) && len(s) == 6: // 080215
		y, _ := year(s[:2])
		m, _ := strconv.Atoi(s[2:4])
		d, _ := strconv.Atoi(s[4:])
		return mkDate(y, time.Month(m), d)
	}
	if y, doy, ok := strings.Cut(s, "."); ok && allDigits(y) && len(y) == 4 && allDigits(doy) && len(doy) == 3 { // 2008.366
		yy, _ := strconv.Atoi(y)
		n, _ := strconv.Atoi(doy)
		t := time.Date(yy, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n-1)
		return t, n >= 1 && t.Year() == yy
	}
	// Words: 'January 8, 1999', 'Jun 1,2008', 'Jan 8 1999'.
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	if len(fields) == 3 {
		if m, ok := monthNames[strings.ToLower(fields[0])]; ok && allDigits(fields[1]) {
			d, _ := strconv.Atoi(fields[1])
			if y, ok := year(fields[2]); ok {
				return mkDate(y, m, d)
			}
		}
		if m, ok := monthNames[strings.ToLower(fields[1])]; ok && allDigits(fields[0]) { // 8 January 1999
			d, _ := strconv.Atoi(fields[0])
			if y, ok := year(fields[2]); ok {
				return mkDate(y, m, d)
			}
		}
	}
	for _, sep := range []string{"/", "-", "."} {
		p := strings.Split(s, sep)
		if len(p) != 3 {
			continue
		}
		// A month's name: 2000-Jan-31, Jan-31-2000, 31-Jan-2000.
		for i, part := range p {
			m, ok := monthNames[strings.ToLower(part)]
			if !ok {
				continue
			}
			var ys, ds string
			switch i {
			case 0:
				ds, ys = p[1], p[2]
			case 1:
				if len(p[0]) == 4 {
					ys, ds = p[0], p[2]
				} else {
					ds, ys = p[0], p[2]
				}
			default:
				return time.Time{}, false
			}
			y, ok := year(ys)
			if !ok || !allDigits(ds) {
				return time.Time{}, false
			}
			d, _ := strconv.Atoi(ds)
			return mkDate(y, m, d)
		}
		if !allDigits(p[0]) || !allDigits(p[1]) || !allDigits(p[2]) {
			return time.Time{}, false
		}
		a, _ := strconv.Atoi(p[0])
		b, _ := strconv.Atoi(p[1])
		c, _ := strconv.Atoi(p[2])
		if len(p[0]) == 4 { // YYYY/MM/DD
			return mkDate(a, time.Month(b), c)
		}
		y, ok := year(p[2])
		if !ok {
			return time.Time{}, false
		}
		if dmy {
			return mkDate(y, time.Month(b), a)
		}
		return mkDate(y, time.Month(a), b)
	}
	return time.Time{}, false
}

// parseTime reads HH:MM[:SS[.ffffff]] or HHMMSS with an optional AM or PM,
// as HH:MM:SS[.ffffff].
func parseTime(s, ampm string) (string, bool) {
	var h, m int
	sec := "00"
	switch {
	case allDigits(s) && len(s) == 6:
		h, _ = strconv.Atoi(s[:2])
		m, _ = strconv.Atoi(s[2:4])
		sec = s[4:]
	default:
		p := strings.Split(s, ":")
		if len(p) < 2 || len(p) > 3 || !allDigits(p[0]) || !allDigits(p[1]) || len(p[1]) != 2 {
			return "", false
		}
		h, _ = strconv.Atoi(p[0])
		m, _ = strconv.Atoi(p[1])
		if len(p) == 3 {
			whole, frac, _ := strings.Cut(p[2], ".")
			if !allDigits(whole) || len(whole) != 2 || (frac != "" && !allDigits(frac)) {
				return "", false
			}
			sec = p[2]
		}
	}
	switch strings.ToLower(ampm) {
	case "":
	case "am":
		if h > 12 {
			return "", false
		}
		if h == 12 {
			h = 0
		}
	case "pm":
		if h > 12 {
			return "", false
		}
		if h < 12 {
			h += 12
		}
	default:
		return "", false
	}
	if h > 23 || m > 59 {
		return "", false
	}
	return fmt.Sprintf("%02d:%02d:%s", h, m, sec), true
}

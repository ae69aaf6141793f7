package sql

import (
	"strconv"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// ColumnLimit is one column of a table, in the table's order, as the
// length rule needs it: Limit is the n of a VARCHAR(n) or CHAR(n) column,
// in bytes as Redshift counts them, and 0 for any other column; Type is
// the type's name in Redshift's message ("character varying",
// "character").
type ColumnLimit struct {
	Name  string
	Limit int
	Type  string
	// DateKind is "date" or "timestamp" for a DATE or TIMESTAMP[TZ]
	// column, whose string literals INSERT reads in Redshift's date forms
	// (dates.go).
	DateKind string
	// Super is set for a SUPER column, which ORDER BY sorts numbers of by
	// value (superorder.go).
	Super bool
	// Decimal is set for a DECIMAL column, of scale Scale, whose AVG is a
	// DECIMAL(38, Scale) (avgscale.go).
	Decimal bool
	Scale   int
	// Numeric is a number column's DuckDB type (SMALLINT, INTEGER, BIGINT,
	// DECIMAL(p,s), REAL, DOUBLE; empty for other columns), which the
	// division of DECIMALs reads its operands' types from (decimaldiv.go).
	Numeric string
}

// charLimits: a value written into a VARCHAR(n) or CHAR(n) column by
// INSERT or UPDATE that is longer than n bytes is an error (SQLSTATE
// 22001, "value too long for type character varying(n)"), as in Redshift.
// DuckDB keeps no length; a CHECK constraint would enforce it but forbids
// the ALTER COLUMN ... TYPE that Redshift allows for widening a VARCHAR, so
// each value is checked on its way in by rs_char_limit. The table's
// columns come from Options.CharLimits (the warehouse's catalog).
func charLimits(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	if rw.opts.CharLimits == nil {
		return stmt, nil
	}
	switch s := stmt.(type) {
	case *ast.Insert:
		limitInsert(rw, s)
	case *ast.Update:
		limitSet(rw, rw.opts.CharLimits(s.Table), s.Set)
	case *ast.Merge:
		// MERGE's UPDATE SET and INSERT VALUES write the target's columns
		// as UPDATE and INSERT do.
		cols := rw.opts.CharLimits(s.Target)
		if cols == nil {
			break
		}
		for i := range s.Whens {
			w := &s.Whens[i]
			switch w.Action {
			case "update":
				limitSet(rw, cols, w.Set)
			case "insert":
				targets := cols
				if len(w.Columns) > 0 {
					targets = nil
					for _, id := range w.Columns {
						c, _ := limitOf(cols, Fold(id, false, rw.opts))
						targets = append(targets, c)
					}
				}
				limitRow(rw, targets, w.Values)
			}
		}
	}
	return stmt, nil
}

// limitSet checks the values of UPDATE's (or MERGE's) SET against the
// columns they write.
func limitSet(rw *rewriter, cols []ColumnLimit, set []ast.Assign) {
	for i := range set {
		if set[i].X == nil {
			continue
		}
		c, ok := limitOf(cols, Fold(set[i].Column, false, rw.opts))
		if l, isLit := set[i].X.(*ast.Literal); isLit && l.Kind == ast.LitString && c.DateKind != "" {
			if iso, ok := redshiftDate(l.Value, c.DateKind, rw.opts.DateDMY); ok {
				set[i].X = str(iso)
			}
		}
		if ok {
			set[i].X = limitCall(set[i].X, c)
		}
	}
}

// limitRow checks one row of values written into targets, in order:
// string literals become ISO dates for DATE and TIMESTAMP columns, and
// values for VARCHAR(n) and CHAR(n) columns are checked (DEFAULT is left
// alone).
func limitRow(rw *rewriter, targets []ColumnLimit, row []ast.Expr) {
	for i, x := range row {
		if i >= len(targets) {
			break
		}
		if l, ok := x.(*ast.Literal); ok && l.Kind == ast.LitString && targets[i].DateKind != "" {
			if iso, ok := redshiftDate(l.Value, targets[i].DateKind, rw.opts.DateDMY); ok {
				row[i] = str(iso)
			}
		}
		if targets[i].Limit > 0 && !isDefault(x) {
			row[i] = limitCall(row[i], targets[i])
		}
	}
}

// limitInsert checks the values of an INSERT: a VALUES list value by
// value (DEFAULT is left alone), a query through a subquery around it.
func limitInsert(rw *rewriter, ins *ast.Insert) {
	if ins.Source == nil || ins.ByName {
		return
	}
	cols := rw.opts.CharLimits(ins.Table)
	var targets []ColumnLimit
	if len(ins.Columns) == 0 {
		targets = cols
	} else {
		for _, id := range ins.Columns {
			c, _ := limitOf(cols, Fold(id, false, rw.opts))
			targets = append(targets, c)
		}
	}
	if v, ok := ins.Source.(*ast.Values); ok {
		for _, row := range v.Rows {
			limitRow(rw, targets, row)
		}
		return
	}
	limited := false
	for _, c := range targets {
		limited = limited || c.Limit > 0
	}
	if !limited {
		return
	}
	// INSERT ... SELECT: SELECT the checked columns FROM (query) AS
	// rs_insert(c1, ..., cn).
	var items []ast.SelectItem
	var names []ast.Ident
	for i, c := range targets {
		name := ast.Ident{Name: "rs_c" + strconv.Itoa(i+1), Quoted: true}
		names = append(names, name)
		var x ast.Expr = &ast.ColumnRef{Parts: []ast.Ident{name}}
		if c.Limit > 0 {
			x = limitCall(x, c)
		}
		items = append(items, ast.SelectItem{X: x})
	}
	ins.Source = &ast.Select{Items: items, From: []ast.TableExpr{&ast.SubqueryTable{Q: ins.Source,
		Alias: &ast.Alias{Name: ast.Ident{Name: "rs_insert", Quoted: true}, Columns: names}}}}
}

func limitOf(cols []ColumnLimit, name string) (ColumnLimit, bool) {
	for _, c := range cols {
		if c.Name == name {
			return c, c.Limit > 0
		}
	}
	return ColumnLimit{}, false
}

func isDefault(x ast.Expr) bool {
	k, ok := x.(*ast.Keyword)
	return ok && k.Word == "DEFAULT"
}

// limitCall is rs_char_limit(x, n, 'character varying(n)').
func limitCall(x ast.Expr, c ColumnLimit) ast.Expr {
	n := strconv.Itoa(c.Limit)
	return fn("rs_char_limit", x, num(n), str(c.Type+"("+n+")"))
}

package sql

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// decimalDivision: a division with a DECIMAL operand (and no float) is a
// DECIMAL in Redshift, where DuckDB's is a DOUBLE. Redshift's "Computations
// with numeric values" page gives its type: an integer operand is a
// DECIMAL(5,0), (10,0) or (19,0) (SMALLINT, INTEGER, BIGINT); the scale is
// max(4, s1+p2-s2+1) and the precision p1-s1+s2+scale; past a precision of
// 38, the precision is 38 and the scale max(38+scale-precision, 4). So
// DECIMAL(8,2) / DECIMAL(8,2) is a DECIMAL(17,9), and SUM of a
// DECIMAL(8,2) (a DECIMAL(38,2)) over COUNT(*) a DECIMAL(38,4).
//
// Where both operands' types are known, a / b becomes rs_decdiv (the
// quotient of the two unscaled integers, rounded half away from zero to the
// scale, exact in 128 bits) cast to that type. Known are integer literals
// (INTEGER, or BIGINT past its range), casts to a number type, the number
// columns of the tables a SELECT reads (the warehouse's catalog,
// Options.CharLimits), and -, +, *, / (with the page's rules for + and *),
// SUM, AVG, MIN, MAX, COUNT, ABS and NULLIF of known operands. A division with an
// operand of another type (a literal with a decimal point, whose type
// Redshift does not document, a subquery, a function) keeps DuckDB's
// DOUBLE (docs/sql.md).
func decimalDivision(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	out := ast.Rewrite(stmt, func(n any) any {
		sel, ok := n.(*ast.Select)
		if !ok {
			return n
		}
		d := &divider{rw: rw, sel: sel}
		for i := range sel.Items {
			sel.Items[i].X = d.expr(sel.Items[i].X)
		}
		sel.Where = d.expr(sel.Where)
		for i := range sel.GroupBy {
			sel.GroupBy[i] = d.expr(sel.GroupBy[i]) // as the select list's, to match it
		}
		sel.Having = d.expr(sel.Having)
		sel.Qualify = d.expr(sel.Qualify)
		for i := range sel.OrderBy {
			sel.OrderBy[i].X = d.expr(sel.OrderBy[i].X)
		}
		return sel
	})
	return out.(ast.Stmt), nil
}

// numType is a number type as Redshift's rules see it: an integer
// ('i', with the precision of the DECIMAL it is cast to), a DECIMAL ('d')
// or a float ('f').
type numType struct {
	kind byte
	p, s int
}

// divider rewrites the divisions of one SELECT's expressions.
type divider struct {
	rw  *rewriter
	sel *ast.Select
	// cols are sel's number columns, by name and by range
	// variable.name, read from the catalog at the first column a
	// division names.
	cols     map[string]numType
	colsRead bool
}

// expr rewrites the divisions in x, not in its subqueries (their SELECTs
// are rewritten on their own, with their own columns).
func (d *divider) expr(x ast.Expr) ast.Expr {
	switch x := x.(type) {
	case *ast.Binary:
		x.L, x.R = d.expr(x.L), d.expr(x.R)
		if x.Op == "/" {
			if t, ok := d.typeOf(x); ok && t.kind == 'd' {
				l, _ := d.typeOf(x.L)
				r, _ := d.typeOf(x.R)
				return decimalQuotient(x.L, l, x.R, r, t)
			}
		}
	case *ast.Paren:
		x.X = d.expr(x.X)
	case *ast.Unary:
		x.X = d.expr(x.X)
	case *ast.Cast:
		x.X = d.expr(x.X)
	case *ast.Func:
		for i := range x.Args {
			x.Args[i] = d.expr(x.Args[i])
		}
	case *ast.Case:
		x.Operand = d.expr(x.Operand)
		for i := range x.Whens {
			x.Whens[i].Cond, x.Whens[i].Then = d.expr(x.Whens[i].Cond), d.expr(x.Whens[i].Then)
		}
		x.Else = d.expr(x.Else)
	}
	return x
}

// typeOf is x's number type, when it is known.
func (d *divider) typeOf(x ast.Expr) (numType, bool) {
	switch x := x.(type) {
	case *ast.Literal:
		if x.Kind != ast.LitNumber || strings.ContainsAny(x.Value, ".eE") {
			return numType{}, false
		}
		n, err := strconv.ParseInt(x.Value, 10, 64)
		switch {
		case err != nil:
			return numType{}, false
		case n <= math.MaxInt32:
			return numType{'i', 10, 0}, true
		default:
			return numType{'i', 19, 0}, true
		}
	case *ast.Paren:
		return d.typeOf(x.X)
	case *ast.Unary:
		if x.Op != "-" && x.Op != "+" {
			return numType{}, false
		}
		return d.typeOf(x.X)
	case *ast.Cast:
		if x.Try {
			return numType{}, false
		}
		return typeNumber(x.Type)
	case *ast.ColumnRef:
		if x.Star || len(x.Parts) > 2 {
			return numType{}, false
		}
		if !d.colsRead {
			d.cols, d.colsRead = d.rw.numberColumns(d.sel), true
		}
		key := d.rw.key(x.Parts[len(x.Parts)-1])
		if len(x.Parts) == 2 {
			key = d.rw.key(x.Parts[0]) + "." + key
		}
		t, ok := d.cols[key]
		return t, ok
	case *ast.Func:
		if len(x.Name) != 1 || x.Over != nil {
			return numType{}, false
		}
		switch name := d.rw.key(x.Name[0]); {
		case name == "count":
			return numType{'i', 19, 0}, true
		case name == "nullif" && len(x.Args) == 2:
			return d.typeOf(x.Args[0])
		case len(x.Args) != 1 || x.Star:
			return numType{}, false
		case name == "sum":
			t, ok := d.typeOf(x.Args[0])
			switch {
			case !ok || t.kind == 'f':
				return t, ok
			case t.kind == 'i':
				return numType{'i', 19, 0}, true // SUM of an integer is a BIGINT
			}
			return numType{'d', 38, t.s}, true
		case name == "min", name == "max", name == "abs":
			return d.typeOf(x.Args[0])
		}
	case *ast.Binary:
		l, lok := d.typeOf(x.L)
		r, rok := d.typeOf(x.R)
		if !lok || !rok {
			return numType{}, false
		}
		return arithmeticType(x.Op, l, r)
	}
	return numType{}, false
}

// arithmeticType is the type of l op r by Redshift's rules.
func arithmeticType(op string, l, r numType) (numType, bool) {
	switch {
	case op != "+" && op != "-" && op != "*" && op != "/":
		return numType{}, false
	case l.kind == 'f' || r.kind == 'f':
		return numType{kind: 'f'}, true
	case l.kind == 'i' && r.kind == 'i':
		return numType{'i', max(l.p, r.p), 0}, true
	}
	var t numType
	t.kind = 'd'
	switch op {
	case "+", "-":
		t.s = max(l.s, r.s)
		t.p = max(l.p-l.s, r.p-r.s) + 1 + t.s
	case "*":
		t.s = l.s + r.s
		t.p = l.p + r.p + 1
	case "/":
		t.s = max(4, l.s+r.p-r.s+1)
		t.p = l.p - l.s + r.s + t.s
		if t.s > 100 {
			t.p, t.s = t.p-(t.s-100), 100
		}
		if t.p > 38 {
			t.s = max(38+t.s-t.p, 4)
			t.p = 38
		}
	}
	t.p = min(t.p, 38)
	if t.s > t.p || t.s > 37 {
		return numType{}, false
	}
	return t, true
}

// typeNumber is the number type a cast names.
func typeNumber(t *ast.TypeName) (numType, bool) {
	if t == nil || t.Array || len(t.Name) != 1 || t.Name[0].Quoted {
		return numType{}, false
	}
	switch t.Name[0].Name {
	case "smallint", "int2":
		return numType{'i', 5, 0}, true
	case "integer", "int", "int4":
		return numType{'i', 10, 0}, true
	case "bigint", "int8":
		return numType{'i', 19, 0}, true
	case "real", "float4", "float", "float8", "double precision":
		return numType{kind: 'f'}, true
	case "decimal", "numeric", "dec":
		p, s := 18, 0 // Redshift's default
		var err error
		if len(t.Args) >= 1 {
			if p, err = strconv.Atoi(t.Args[0]); err != nil {
				return numType{}, false
			}
		}
		if len(t.Args) >= 2 {
			if s, err = strconv.Atoi(t.Args[1]); err != nil {
				return numType{}, false
			}
		}
		if p < 1 || p > 38 || s < 0 || s > p {
			return numType{}, false
		}
		return numType{'d', p, s}, true
	}
	return numType{}, false
}

// duckNumber is the number type of a DuckDB column type.
func duckNumber(typ string) (numType, bool) {
	switch typ {
	case "SMALLINT":
		return numType{'i', 5, 0}, true
	case "INTEGER":
		return numType{'i', 10, 0}, true
	case "BIGINT":
		return numType{'i', 19, 0}, true
	case "FLOAT", "DOUBLE":
		return numType{kind: 'f'}, true
	}
	var p, s int
	if _, err := fmt.Sscanf(typ, "DECIMAL(%d,%d)", &p, &s); err == nil {
		return numType{'d', p, s}, true
	}
	return numType{}, false
}

// numberColumns are the number columns of the tables sel reads (table
// references of its FROM, joined or not), by name where only one table has
// the name and by range variable.name.
func (rw *rewriter) numberColumns(sel *ast.Select) map[string]numType {
	if rw.opts.CharLimits == nil {
		return nil
	}
	return refColumns(rw, tableRefs(sel.From), func(c ColumnLimit) (numType, bool) { return duckNumber(c.Numeric) })
}

// decimalQuotient is l / r as a DECIMAL(t.p, t.s): the unscaled integers
// of l (times 10 to the power that gives the quotient t.s digits) and r
// (zero is the "division by zero" error, rs_nonzero), divided and rounded
// by rs_decdiv, times 10^-t.s.
func decimalQuotient(l ast.Expr, lt numType, r ast.Expr, rt numType, t numType) ast.Expr {
	shift := t.s - lt.s + rt.s
	num := unscaled(l, lt)
	if shift > 0 {
		num = &ast.Binary{Op: "*", L: num, R: hugeint("1" + strings.Repeat("0", shift))}
	}
	den := unscaled(r, rt)
	if shift < 0 {
		den = &ast.Binary{Op: "*", L: den, R: hugeint("1" + strings.Repeat("0", -shift))}
	}
	unit := "1"
	if t.s > 0 {
		unit = "0." + strings.Repeat("0", t.s-1) + "1"
	}
	return &ast.Cast{X: fn("rs_decdiv", num, fn("rs_nonzero", den), &ast.Cast{X: &ast.Literal{Kind: ast.LitNumber, Value: unit},
		Type: &ast.TypeName{Name: ast.Name{{Name: "decimal"}}, Args: []string{strconv.Itoa(max(t.s, 1)), strconv.Itoa(t.s)}}}),
		Type: &ast.TypeName{Name: ast.Name{{Name: "decimal"}}, Args: []string{strconv.Itoa(t.p), strconv.Itoa(t.s)}}}
}

// unscaled is x (of type t) as the HUGEINT of its digits: x * 10^s.
func unscaled(x ast.Expr, t numType) ast.Expr {
	if t.kind == 'i' || t.s == 0 {
		return &ast.Cast{X: x, Type: &ast.TypeName{Name: ast.Name{{Name: "hugeint"}}}}
	}
	dec := &ast.Cast{X: x, Type: &ast.TypeName{Name: ast.Name{{Name: "decimal"}}, Args: []string{"38", strconv.Itoa(t.s)}}}
	return &ast.Cast{X: &ast.Binary{Op: "*", L: dec, R: &ast.Literal{Kind: ast.LitNumber, Value: "1" + strings.Repeat("0", t.s)}},
		Type: &ast.TypeName{Name: ast.Name{{Name: "hugeint"}}}}
}

// hugeint is the power of ten digits as a HUGEINT (from text: a literal
// past BIGINT's range would be a DOUBLE).
func hugeint(digits string) ast.Expr {
	return &ast.Cast{X: &ast.Literal{Kind: ast.LitString, Value: digits}, Type: &ast.TypeName{Name: ast.Name{{Name: "hugeint"}}}}
}

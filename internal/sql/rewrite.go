package sql

import (
	"fmt"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// rule is one named rewrite from Redshift's tree towards DuckDB's. Rules run
// in the order of rules, each over the whole statement.
type rule struct {
	name  string
	apply func(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error)
}

// rules, in order. Later rules rely on earlier ones: unnesting needs paths
// resolved; functions and lax casts see the resolved SUPER paths.
var rules = []rule{
	{"plus-outer-joins", plusOuterJoins},          // FROM a, b WHERE a.x = b.x(+) -> FROM a LEFT JOIN b ON a.x = b.x
	{"relational-pivot", relationalPivot},         // PIVOT of a subquery -> grouped query with filtered aggregates
	{"output-names", outputNames},                 // count(*) AS count: Postgres's column names, from the tree as written
	{"same-within-group", sameWithinGroup},        // percentile_cont and median ordered differently: refused
	{"resolve-super-paths", resolvePaths},         // a.b.c: table, column, SUPER steps; PartiQL FROM items
	{"partiql-unnest", unnestPartiQL},             // FROM a, a.arr b -> select-list unnest (fast form)
	{"super-index-base", superIndexBase},          // x[0] -> x[1]: PartiQL counts from 0, DuckDB from 1
	{"super-order", superOrder},                   // ORDER BY payload.n -> ORDER BY rs_super_number(payload.n), payload.n
	{"super-lax-casts", laxCasts},                 // cast of a SUPER path -> TRY_CAST (lax mode)
	{"super-arithmetic", superArithmetic},         // payload.a + 1 -> rs_super_add(payload.a, 1): dynamically typed, SUPER
	{"sized-casts", sizedCasts},                   // x::varchar(5) keeps 5 characters; SUPER object::varchar is NULL
	{"super-shared-extraction", sharedExtraction}, // many paths of one SUPER column: one json_extract a row
	{"super-json-at-rest", jsonAtRest},            // a SUPER column stored as JSON text reads as VARIANT
	{"avg-scale", avgScale},                       // avg(x) of a DECIMAL(p, s) -> CAST(avg(x) AS DECIMAL(38, s))
	{"decimal-division", decimalDivision},         // DECIMAL / DECIMAL -> DECIMAL(p, s) by Redshift's rules, not DOUBLE
	{"trunc-dates", truncDates},                   // trunc(ts_column) -> trunc(CAST(ts_column AS TIMESTAMP)): the TRUNC date function
	{"redshift-functions", redshiftFunctions},     // nvl, decode, dateadd, json_parse, ...
	{"trailing-blanks", trailingBlanks},           // 'a' = 'a ' is true: trailing blanks do not count
	{"similar-to", similarTo},                     // x SIMILAR TO 'a%' -> regexp_full_match(x, 'a.*')
	{"regex-operators", regexOperators},           // x ~* 'b' -> regexp_matches(x, 'b', 'i'); LIKE reads its operand as text
	{"redshift-clauses", redshiftClauses},         // TOP n, MINUS
	{"date-literals", dateLiterals},               // '02/01/2023'::date -> '2023-02-01'::date: Redshift's date forms
	{"date-comparisons", dateComparisons},         // datecol >= '01/01/2024' -> datecol >= '2024-01-01'
	{"char-limits", charLimits},                   // INSERT/UPDATE of a value longer than a VARCHAR(n) column: 22001
	{"division-by-zero", divisionByZero},          // x / 0 and x % 0 are errors (22012), not NULL or infinity
	{"param-types", paramTypes},                   // $1 declared int4[] by the client -> CAST($1 AS INTEGER[])
	{"array-literals", arrayLiterals},             // '{1,2}'::int[] -> '[1,2]'::INTEGER[]
	{"quantified-arrays", quantifiedArrays},       // x = ANY (array) -> x = ANY (SELECT unnest(array))
}

// RuleNames lists the rewrite rules in the order they run.
func RuleNames() []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.name
	}
	return out
}

// rewriter carries one statement's rewrite.
type rewriter struct {
	opts Options
	src  string // the statement text, when known, for error positions
	// wrappers are the subqueries partiql-unnest built; a later unnest rooted
	// at one of their iteration variables wraps them again.
	wrappers map[*ast.Select]bool
	// sharedLists counts the lists super-shared-extraction added, to name them.
	sharedLists int
	// sharedReads counts the read columns it added below unnests.
	sharedReads int
	// usedStatementTime is set when a rule printed opts.StatementTime.
	usedStatementTime bool
	// stmt is the statement the rules run on; ctes its WITH queries' names.
	stmt ast.Stmt
	ctes map[string]bool
	// jsonCols caches jsonColumns by table name; jsonDone are the table
	// references whose JSON-text SUPER columns a rule already reads as
	// VARIANT (jsonrest.go).
	jsonCols map[string][]ast.Ident
	jsonDone map[*ast.TableRef]bool
}

func (rw *rewriter) run(stmt ast.Stmt) (ast.Stmt, error) {
	for _, r := range rules {
		var err error
		rw.stmt = stmt
		stmt, err = r.apply(rw, stmt)
		if err != nil {
			return nil, err
		}
	}
	return stmt, nil
}

// errorf returns a 0A000 error at byte offset pos of the statement (0: unknown).
func (rw *rewriter) errorf(pos int, format string, args ...any) *sqlerr.Error {
	return rw.codeErr(sqlerr.FeatureNotSupported, pos, format, args...)
}

func (rw *rewriter) codeErr(code sqlerr.Code, pos int, format string, args ...any) *sqlerr.Error {
	e := sqlerr.New(code, format, args...)
	if rw.src != "" && pos >= 0 && pos <= len(rw.src) {
		e = e.At(len([]rune(rw.src[:pos])) + 1)
	}
	return e
}

// unsupported is the error for a construct blueshift does not translate.
func (rw *rewriter) unsupported(pos int, construct string) *sqlerr.Error {
	return rw.errorf(pos, "%s is not supported", construct)
}

// rewriteExprs applies fn bottom-up to every expression in stmt, stopping
// at the first error.
func rewriteExprs(stmt ast.Stmt, fn func(x ast.Expr) (ast.Expr, error)) (ast.Stmt, error) {
	var first error
	out := ast.Rewrite(stmt, func(n any) any {
		x, ok := n.(ast.Expr)
		if !ok || first != nil {
			return n
		}
		r, err := fn(x)
		if err != nil {
			first = err
			return n
		}
		return r
	})
	if first != nil {
		return nil, first
	}
	s, ok := out.(ast.Stmt)
	if !ok {
		return nil, fmt.Errorf("sql: rewrite returned %T", out)
	}
	return s, nil
}

func superIndexBase(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	return rewriteExprs(stmt, func(x ast.Expr) (ast.Expr, error) {
		ix, ok := x.(*ast.Index)
		if !ok {
			return x, nil
		}
		if lit, ok := ix.I.(*ast.Literal); ok && lit.Kind == ast.LitNumber {
			var n int64
			if _, err := fmt.Sscan(lit.Value, &n); err == nil && fmt.Sprint(n) == lit.Value {
				ix.I = &ast.Literal{Kind: ast.LitNumber, Value: fmt.Sprint(n + 1)}
				return ix, nil
			}
		}
		// A computed subscript (arr[i] with i a column): DuckDB's
		// VARIANT subscript takes only a constant, so the element is read
		// through the value's JSON text, where the path counts from 0 as
		// PartiQL does.
		path := fn("concat", str("$["), cast(ix.I, "varchar"), str("]"))
		return cast(fn("json_extract", cast(ix.X, "json"), path), "super"), nil
	})
}

// isSuperPath reports whether x navigates into a SUPER value.
func isSuperPath(x ast.Expr) bool {
	switch x.(type) {
	case *ast.Field, *ast.Index:
		return true
	}
	return false
}

// superArith names the macro of each arithmetic operator on SUPER.
var superArith = map[string]string{"+": "rs_super_add", "-": "rs_super_sub", "*": "rs_super_mul", "/": "rs_super_div", "%": "rs_super_mod"}

// superArithmetic makes arithmetic with a visibly SUPER operand Redshift's
// dynamically typed SUPER arithmetic (the prelude's rs_super_* macros):
// DuckDB would cast the SUPER operand to the other's static type
// (json_parse('{"n":1.5}').n + 1 was 3, an INTEGER).
func superArithmetic(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	return rewriteExprs(stmt, func(x ast.Expr) (ast.Expr, error) {
		switch b := x.(type) {
		case *ast.Binary:
			if name, ok := superArith[b.Op]; ok && (isSuperExpr(b.L) || isSuperExpr(b.R)) {
				return fn(name, b.L, b.R), nil
			}
		case *ast.Unary:
			if b.Op == "-" && isSuperExpr(b.X) {
				return fn("rs_super_neg", b.X), nil
			}
		}
		return x, nil
	})
}

func laxCasts(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	return rewriteExprs(stmt, func(x ast.Expr) (ast.Expr, error) {
		if c, ok := x.(*ast.Cast); ok && isSuperPath(c.X) {
			c.Try = true
		}
		return x, nil
	})
}

func redshiftClauses(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	ast.Walk(stmt, func(n any) bool {
		switch q := n.(type) {
		case *ast.Select:
			if q.Top != nil {
				if q.Limit == nil {
					q.Limit = q.Top
				}
				q.Top = nil
			}
		case *ast.SetOp:
			if q.Op == "minus" {
				q.Op = "except"
			}
		}
		return true
	})
	return stmt, nil
}

// divisionByZero guards the divisor of / and %: Redshift raises "division by
// zero" (22012) where DuckDB returns infinity (float division) or NULL
// (integer division, modulo). rs_nonzero (prelude.go) passes its argument
// through or raises the error. A non-zero number literal needs no guard.
func divisionByZero(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	return rewriteExprs(stmt, func(x ast.Expr) (ast.Expr, error) {
		b, ok := x.(*ast.Binary)
		if !ok || (b.Op != "/" && b.Op != "%") {
			return x, nil
		}
		if lit, ok := b.R.(*ast.Literal); ok && lit.Kind == ast.LitNumber && strings.Trim(lit.Value, "0.") != "" {
			return x, nil
		}
		b.R = fn("rs_nonzero", b.R)
		return b, nil
	})
}

func asSQLErr(err error) (*sqlerr.Error, bool) { return sqlerr.As(err) }

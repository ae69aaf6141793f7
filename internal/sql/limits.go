package sql

import (
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// Statement complexity limits, checked on the parsed tree before anything
// is planned: DuckDB's planner takes memory and time that grow faster than
// the statement (30,000 UNION ALLs grew past 10 GB in planning, and
// neither a cancel nor statement_timeout stopped it; a 20 MB IN list took
// 1.1 GB and 28 s). A statement over a limit fails with SQLSTATE 54001
// (statement_too_complex), as Postgres reports such statements.
const (
	// MaxSetOperations bounds UNION, INTERSECT, EXCEPT and MINUS in one
	// statement (1,000: about 0.1 GB of planning).
	MaxSetOperations = 1000
	// MaxInListItems bounds the values of one IN (...) list.
	MaxInListItems = 100_000
	// MaxExpressionNodes bounds the nodes of the statement's tree
	// (expressions, queries, table references).
	MaxExpressionNodes = 1_000_000
	// MaxOperators bounds the operators and punctuation of a statement's
	// text other than commas, counted before it is parsed: a chain of
	// binary operators (1+1+...) nests as deep as it is long, and each
	// pass over the tree recurses that deep (a million overflowed Go's
	// stack, a fatal error). Commas separate siblings (lists), which nest
	// nothing.
	MaxOperators = 100_000
)

// checkOperators refuses a statement whose text holds more than
// MaxOperators operators, before parsing it.
func checkOperators(text string) error {
	l := lex.New(text)
	n := 0
	for {
		t, err := l.Next()
		if err != nil || t.Kind == lex.EOF {
			return nil // the parser reports lexical errors
		}
		if t.Kind == lex.Op && t.Value != "," {
			if n++; n > MaxOperators {
				return sqlerr.New(sqlerr.StatementTooComplex, "statement is too complex: more than %d operators", MaxOperators)
			}
		}
	}
}

// checkComplexity refuses a statement over the complexity limits.
func checkComplexity(stmt ast.Stmt) error {
	var setOps, nodes, worstIn int
	ast.Walk(stmt, func(n any) bool {
		nodes++
		switch n := n.(type) {
		case *ast.SetOp:
			setOps++
		case *ast.In:
			worstIn = max(worstIn, len(n.List))
		}
		return true
	})
	switch {
	case setOps > MaxSetOperations:
		return sqlerr.New(sqlerr.StatementTooComplex, "statement is too complex: %d set operations (UNION, INTERSECT, EXCEPT), at most %d", setOps, MaxSetOperations)
	case worstIn > MaxInListItems:
		return sqlerr.New(sqlerr.StatementTooComplex, "statement is too complex: an IN list of %d values, at most %d", worstIn, MaxInListItems)
	case nodes > MaxExpressionNodes:
		return sqlerr.New(sqlerr.StatementTooComplex, "statement is too complex: %d expression nodes, at most %d", nodes, MaxExpressionNodes)
	}
	return nil
}

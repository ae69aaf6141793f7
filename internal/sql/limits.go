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
	// MaxOperatorChain bounds a chain of binary operators other than AND
	// and OR (1+1+..., a||b||...), which nests one level per operator:
	// DuckDB refuses an expression nested deeper than 1,000 levels (its
	// max_expression_depth), so a longer chain could never run, and
	// rewriting and printing a chain of 100,000 took 10 s of a core before
	// DuckDB refused it. AND and OR chains are lists to DuckDB, nesting
	// nothing, and are not counted.
	MaxOperatorChain = 1000
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
	var setOps, nodes, worstIn, worstChain int
	inChain := map[*ast.Binary]bool{} // operators already counted in a chain
	ast.Walk(stmt, func(n any) bool {
		nodes++
		switch n := n.(type) {
		case *ast.SetOp:
			setOps++
		case *ast.In:
			worstIn = max(worstIn, len(n.List))
		case *ast.Binary:
			if !inChain[n] {
				worstChain = max(worstChain, chainLen(n, inChain))
			}
		}
		return true
	})
	switch {
	case setOps > MaxSetOperations:
		return sqlerr.New(sqlerr.StatementTooComplex, "statement is too complex: %d set operations (UNION, INTERSECT, EXCEPT), at most %d", setOps, MaxSetOperations)
	case worstIn > MaxInListItems:
		return sqlerr.New(sqlerr.StatementTooComplex, "statement is too complex: an IN list of %d values, at most %d", worstIn, MaxInListItems)
	case worstChain > MaxOperatorChain:
		return sqlerr.New(sqlerr.StatementTooComplex, "statement is too complex: a chain of %d operators, at most %d", worstChain, MaxOperatorChain)
	case nodes > MaxExpressionNodes:
		return sqlerr.New(sqlerr.StatementTooComplex, "statement is too complex: %d expression nodes, at most %d", nodes, MaxExpressionNodes)
	}
	return nil
}

// chainLen is the number of binary operators other than AND and OR nested
// under b through either operand, each counted once (marked in seen), so
// that all the chains of a statement cost one look at each operator.
func chainLen(b *ast.Binary, seen map[*ast.Binary]bool) int {
	if isList(b.Op) {
		return 0
	}
	longest := 0
	for _, x := range []ast.Expr{b.L, b.R} {
		n := 0
		for {
			c, ok := x.(*ast.Binary)
			if !ok || isList(c.Op) || seen[c] {
				break
			}
			seen[c] = true
			n++
			if _, ok := c.L.(*ast.Binary); ok {
				x = c.L
			} else {
				x = c.R
			}
		}
		longest = max(longest, n)
	}
	return longest + 1
}

// isList reports whether op is AND or OR, which DuckDB keeps as a list.
func isList(op string) bool { return op == "and" || op == "or" }

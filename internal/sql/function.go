package sql

import (
	"strconv"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// translateFunction prints a SQL user-defined function as a DuckDB macro:
// CREATE FUNCTION f(int, varchar) RETURNS int AS $$ SELECT $1 + 1 $$
// becomes CREATE MACRO f(bs_arg1, bs_arg2) AS CAST(bs_arg1 + 1 AS
// INTEGER). The body's expression goes through the rewrite rules like any
// SELECT's; $n names the n-th argument. DuckDB macros are not typed: a
// call with arguments of other types runs where Redshift would refuse it,
// and functions that differ only in argument types cannot both exist.
func translateFunction(f *ast.CreateFunction, opts Options, src string) (*Translation, error) {
	rw := &rewriter{opts: opts, src: src}
	sel := ast.Clone(f.Q).(*ast.Select)
	n := len(f.Args)
	var err error
	body := ast.Rewrite(&ast.Cast{X: &ast.Paren{X: sel.Items[0].X}, Type: f.Returns}, func(x any) any {
		if p, ok := x.(*ast.Param); ok {
			if p.N < 1 || p.N > n {
				err = rw.codeErr("42P02", 0, "there is no parameter $%d", p.N)
				return x
			}
			return &ast.ColumnRef{Parts: []ast.Ident{{Name: "bs_arg" + strconv.Itoa(p.N)}}}
		}
		return x
	}).(ast.Expr)
	if err != nil {
		return nil, err
	}
	out, err := rw.run(&ast.Select{Items: []ast.SelectItem{{X: body}}})
	if err != nil {
		return nil, err
	}
	p := newPrinter(opts)
	p.W("CREATE ")
	if f.OrReplace {
		p.W("OR REPLACE ")
	}
	p.W("MACRO ")
	for i, id := range f.Name {
		if i > 0 {
			p.W(".")
		}
		p.W(quoteDuck(Fold(id, false, opts)))
	}
	p.W("(")
	for i := 1; i <= n; i++ {
		if i > 1 {
			p.W(", ")
		}
		p.W("bs_arg" + strconv.Itoa(i))
	}
	p.W(") AS ")
	p.Expr(out.(*ast.Select).Items[0].X)
	if p.Err != nil {
		return nil, rw.errorf(0, "%v", p.Err)
	}
	return &Translation{Stmt: f, SQL: p.String(), StatementTime: rw.usedStatementTime}, nil
}

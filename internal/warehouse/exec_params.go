package warehouse

// Types from the columns a statement writes.
//
// Behavior:
//   - A parameter whose only context is a value assigned to a column
//     (INSERT ... VALUES ($1, ...), UPDATE ... SET c = $1) is one DuckDB
//     prepares as ANY. It takes the column's type, so that clients are told
//     a real parameter type (Postgres does the same) and text parameters are
//     read as that type.
//   - A string literal in Postgres's bytea hex format ('\x0102') means bytes
//     where a bytea/VARBYTE is expected: in a cast to one, and assigned to a
//     VARBYTE column by INSERT ... VALUES or UPDATE ... SET, and compared
//     with a VARBYTE column of the one table a SELECT, UPDATE or DELETE
//     reads (v = '\x..', v IN ('\x..'), outside subqueries). Elsewhere it
//     stays text, as it is in Postgres. (DuckDB reads '\x01' escapes one byte
//     at a time, so the literal is rewritten to that form.)
//   - Deviation: a hex literal in any other position whose type only the
//     planner knows (a join's columns, a subquery's) stays text.

import (
	"context"
	"encoding/hex"
	"strings"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// assignment is an expression a statement stores into a column.
type assignment struct {
	x   *ast.Expr
	col string // the column's name, as written; empty for "the i-th column"
	pos int    // the column's position when col is empty
}

// assignments lists the values an INSERT ... VALUES or an UPDATE assigns,
// and the table they go to (of the statement an EXPLAIN explains too).
func assignments(stmt ast.Stmt) (ast.Name, []assignment) {
	switch n := explained(stmt).(type) { // explain.go
	case *ast.Insert:
		vals, ok := n.Source.(*ast.Values)
		if !ok {
			return nil, nil
		}
		var out []assignment
		for _, row := range vals.Rows {
			for i := range row {
				a := assignment{x: &row[i], pos: i}
				if len(n.Columns) > 0 {
					if i >= len(n.Columns) {
						break
					}
					a.col = n.Columns[i].Name
				}
				out = append(out, a)
			}
		}
		return n.Table, out
	case *ast.Update:
		out := make([]assignment, 0, len(n.Set))
		for i := range n.Set {
			if n.Set[i].X != nil {
				out = append(out, assignment{x: &n.Set[i].X, col: n.Set[i].Column.Name})
			}
		}
		return n.Table, out
	}
	return nil, nil
}

// columnTypes returns the types of table's columns, by lower-case name and
// in order.
func (s *Session) columnTypes(ctx context.Context, table ast.Name) (map[string]Type, []Type, error) {
	parts := make([]string, len(table))
	for i, id := range table {
		parts[i] = quoteIdent(id.Name)
	}
	p, err := s.conn.prepareOnce(ctx, "SELECT * FROM "+strings.Join(parts, ".")+" LIMIT 0")
	if err != nil {
		return nil, nil, err
	}
	defer p.close()
	byName := make(map[string]Type, len(p.columns))
	order := make([]Type, len(p.columns))
	for i, c := range p.columns {
		byName[strings.ToLower(c.Name)] = c.Type
		order[i] = c.Type
	}
	return byName, order, nil
}

// typeOfAssignment is the type of the column a is stored into.
func (a assignment) typeIn(byName map[string]Type, order []Type) (Type, bool) {
	if a.col != "" {
		t, ok := byName[strings.ToLower(a.col)]
		return t, ok
	}
	if a.pos < len(order) {
		return order[a.pos], true
	}
	return Type{}, false
}

// inferParams gives the parameters DuckDB left untyped the types of the
// columns they are assigned to.
func (s *Session) inferParams(ctx context.Context, stmt ast.Stmt, params []Type) {
	unknown := false
	for _, t := range params {
		if t.Kind == KindUnknown {
			unknown = true
			break
		}
	}
	if !unknown {
		return
	}
	table, as := assignments(stmt)
	if len(as) == 0 {
		return
	}
	byName, order, err := s.columnTypes(ctx, table)
	if err != nil {
		return // the statement's own run reports what is wrong with the table
	}
	for _, a := range as {
		p, ok := unparen(*a.x).(*ast.Param)
		if !ok || p.N < 1 || p.N > len(params) || params[p.N-1].Kind != KindUnknown {
			continue
		}
		if t, ok := a.typeIn(byName, order); ok && t.Kind != KindSuper {
			params[p.N-1] = t
		}
	}
}

func unparen(x ast.Expr) ast.Expr {
	for {
		p, ok := x.(*ast.Paren)
		if !ok {
			return x
		}
		x = p.X
	}
}

// byteaTypes are the type names that mean bytes.
var byteaTypes = map[string]bool{"bytea": true, "varbyte": true, "varbinary": true, "binary varying": true, "binary": true}

func isByteaType(t *ast.TypeName) bool {
	return t != nil && len(t.Name) > 0 && !t.Array && byteaTypes[strings.ToLower(t.Name.Last().Name)]
}

// hexBytea reads a string in Postgres's bytea hex format: \x and pairs of
// hex digits.
func hexBytea(s string) ([]byte, bool) {
	if !strings.HasPrefix(s, `\x`) && !strings.HasPrefix(s, `\X`) {
		return nil, false
	}
	b, err := hex.DecodeString(s[2:])
	return b, err == nil
}

// duckBlobLiteral is b as a DuckDB BLOB literal's text: \xHH for each byte.
func duckBlobLiteral(b []byte) string {
	var sb strings.Builder
	const digits = "0123456789ABCDEF"
	for _, c := range b {
		sb.WriteString(`\x`)
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&15])
	}
	return sb.String()
}

// hexLiterals rewrites tr's bytea hex literals (see the top of this file)
// and prints the statement again when it changed one. It costs nothing for
// statements without a backslash.
func (s *Session) hexLiterals(ctx context.Context, tr *bsql.Translation, opts bsql.Options, text string) error {
	if !strings.Contains(text, `\x`) && !strings.Contains(text, `\X`) || tr.SQL == "" || len(tr.Before) > 0 {
		return nil
	}
	changed := false
	asBytes := func(x ast.Expr) (*ast.Literal, bool) {
		l, ok := x.(*ast.Literal)
		if !ok || l.Kind != ast.LitString {
			return nil, false
		}
		b, ok := hexBytea(l.Value)
		if !ok {
			return nil, false
		}
		changed = true
		return &ast.Literal{Kind: ast.LitString, Value: duckBlobLiteral(b)}, true
	}
	ast.Rewrite(tr.Stmt, func(n any) any {
		if c, ok := n.(*ast.Cast); ok && isByteaType(c.Type) {
			if l, ok := asBytes(c.X); ok {
				c.X = l
			}
		}
		return n
	})
	if table, as := assignments(tr.Stmt); len(as) > 0 {
		var byName map[string]Type
		var order []Type
		for _, a := range as {
			l, ok := (*a.x).(*ast.Literal)
			if !ok || l.Kind != ast.LitString {
				continue
			}
			if _, ok := hexBytea(l.Value); !ok {
				continue
			}
			if byName == nil {
				var err error
				if byName, order, err = s.columnTypes(ctx, table); err != nil {
					break
				}
			}
			if t, ok := a.typeIn(byName, order); ok && t.Kind == KindBytes {
				lit, _ := asBytes(l)
				*a.x = &ast.Cast{X: lit, Type: &ast.TypeName{Name: ast.Name{{Name: "bytea"}}}}
			}
		}
	}
	if table, where := singleTable(tr.Stmt); where != nil {
		var byName map[string]Type
		isBytes := func(x ast.Expr) bool {
			c, ok := unparen(x).(*ast.ColumnRef)
			if !ok || c.Star || len(c.Parts) == 0 {
				return false
			}
			if byName == nil {
				var err error
				if byName, _, err = s.columnTypes(ctx, table); err != nil {
					byName = map[string]Type{}
				}
			}
			return byName[strings.ToLower(c.Parts[len(c.Parts)-1].Name)].Kind == KindBytes
		}
		toBytes := func(x *ast.Expr) {
			if l, ok := asBytes(*x); ok {
				*x = &ast.Cast{X: l, Type: &ast.TypeName{Name: ast.Name{{Name: "bytea"}}}}
			}
		}
		hexLit := func(x ast.Expr) bool {
			l, ok := x.(*ast.Literal)
			if !ok || l.Kind != ast.LitString {
				return false
			}
			_, ok = hexBytea(l.Value)
			return ok
		}
		ast.Walk(where, func(n any) bool {
			switch x := n.(type) {
			case ast.Query, *ast.Exists, *ast.Subquery:
				return false
			case *ast.Binary:
				switch x.Op {
				case "=", "<>", "!=", "<", ">", "<=", ">=":
					if hexLit(x.R) && isBytes(x.L) {
						toBytes(&x.R)
					} else if hexLit(x.L) && isBytes(x.R) {
						toBytes(&x.L)
					}
				}
			case *ast.In:
				for i := range x.List {
					if hexLit(x.List[i]) && isBytes(x.X) {
						toBytes(&x.List[i])
					}
				}
			}
			return true
		})
	}
	if !changed {
		return nil
	}
	sql, err := bsql.Print(tr.Stmt, opts)
	if err != nil {
		return err
	}
	tr.SQL = sql
	return nil
}

// singleTable returns the one table a SELECT, UPDATE or DELETE reads, and
// its WHERE clause; nil when it reads none or several (of the statement an
// EXPLAIN explains too).
func singleTable(stmt ast.Stmt) (ast.Name, ast.Expr) {
	switch n := explained(stmt).(type) { // explain.go
	case *ast.Select:
		if len(n.From) == 1 {
			if t, ok := n.From[0].(*ast.TableRef); ok {
				return t.Name, n.Where
			}
		}
	case *ast.Update:
		if len(n.From) == 0 {
			return n.Table, n.Where
		}
	case *ast.Delete:
		if len(n.Using) == 0 {
			return n.Table, n.Where
		}
	}
	return nil, nil
}

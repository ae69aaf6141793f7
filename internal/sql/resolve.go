package sql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// scope is what names a query block's FROM clause binds.
type scope struct {
	parent *scope
	// tables are range variables whose columns are reached by alias.column.
	tables map[string]bool
	// values are PartiQL iteration variables (FROM a.arr b: b) that stand
	// for a SUPER value themselves, so b.x is a step into it.
	values map[string]bool
}

func (s *scope) isTable(k string) bool {
	for ; s != nil; s = s.parent {
		if s.values[k] {
			return false
		}
		if s.tables[k] {
			return true
		}
	}
	return false
}

// empty reports whether no FROM clause binds anything here.
func (s *scope) empty() bool {
	for ; s != nil; s = s.parent {
		if len(s.tables) > 0 || len(s.values) > 0 {
			return false
		}
	}
	return true
}

func (s *scope) isValue(k string) bool {
	for ; s != nil; s = s.parent {
		if s.values[k] {
			return true
		}
		if s.tables[k] {
			return false
		}
	}
	return false
}

// key is the name an identifier binds under the session's case rules.
func (rw *rewriter) key(id ast.Ident) string { return Fold(id, false, rw.opts) }

// resolvePaths decides, for every dotted name, which parts name a table and
// a column and which are SUPER navigation steps (ast.Field), and turns
// FROM-clause paths rooted at an earlier range variable into PathTables.
func resolvePaths(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	r := &resolver{rw: rw}
	r.stmt(stmt)
	return stmt, r.err
}

type resolver struct {
	rw  *rewriter
	err error
}

func (r *resolver) stmt(stmt ast.Stmt) {
	switch s := stmt.(type) {
	case ast.Query:
		r.query(s, nil)
	case *ast.Insert:
		r.with(s.With, nil)
		if s.Source != nil {
			r.query(s.Source, nil)
		}
	case *ast.Update:
		sc := r.fromScope(s.From, nil)
		r.addTable(sc, s.Table, s.Alias)
		for i := range s.Set {
			s.Set[i].X = r.expr(s.Set[i].X, sc)
		}
		s.Where = r.expr(s.Where, sc)
	case *ast.Delete:
		sc := r.fromScope(s.Using, nil)
		r.addTable(sc, s.Table, s.Alias)
		s.Where = r.expr(s.Where, sc)
	case *ast.Merge:
		sc := r.fromScope([]ast.TableExpr{s.Source}, nil)
		r.addTable(sc, s.Target, s.Alias)
		s.On = r.expr(s.On, sc)
		for i := range s.Whens {
			for j := range s.Whens[i].Set {
				s.Whens[i].Set[j].X = r.expr(s.Whens[i].Set[j].X, sc)
			}
			for j := range s.Whens[i].Values {
				s.Whens[i].Values[j] = r.expr(s.Whens[i].Values[j], sc)
			}
		}
	case *ast.CreateTable:
		if s.As != nil {
			r.query(s.As, nil)
		}
	case *ast.CreateView:
		r.query(s.Q, nil)
	case *ast.CreateMaterializedView:
		r.query(s.Q, nil)
	case *ast.Call:
		for i := range s.Args {
			s.Args[i] = r.expr(s.Args[i], nil)
		}
	}
}

func (r *resolver) addTable(sc *scope, n ast.Name, alias *ast.Ident) {
	if alias != nil {
		sc.tables[r.rw.key(*alias)] = true
	} else if len(n) > 0 {
		sc.tables[r.rw.key(n.Last())] = true
	}
}

func (r *resolver) with(w *ast.With, parent *scope) {
	if w == nil {
		return
	}
	for _, c := range w.CTEs {
		r.query(c.Q, parent)
	}
}

func (r *resolver) query(q ast.Query, parent *scope) {
	switch q := q.(type) {
	case *ast.Select:
		r.with(q.With, parent)
		sc := r.fromScope(q.From, parent)
		for i := range q.Items {
			q.Items[i].X = r.expr(q.Items[i].X, sc)
		}
		q.Where = r.expr(q.Where, sc)
		for i := range q.GroupBy {
			q.GroupBy[i] = r.expr(q.GroupBy[i], sc)
		}
		q.Having = r.expr(q.Having, sc)
		q.Qualify = r.expr(q.Qualify, sc)
		for i := range q.DistinctOn {
			q.DistinctOn[i] = r.expr(q.DistinctOn[i], sc)
		}
		for _, w := range q.Windows {
			r.window(w.W, sc)
		}
		r.order(q.OrderBy, sc)
	case *ast.SetOp:
		r.with(q.With, parent)
		r.query(q.L, parent)
		r.query(q.R, parent)
	case *ast.ParenQuery:
		r.query(q.Q, parent)
	case *ast.Values:
		for _, row := range q.Rows {
			for i := range row {
				row[i] = r.expr(row[i], parent)
			}
		}
	}
}

func (r *resolver) order(items []ast.OrderItem, sc *scope) {
	for i := range items {
		items[i].X = r.expr(items[i].X, sc)
	}
}

func (r *resolver) window(w *ast.Window, sc *scope) {
	if w == nil {
		return
	}
	for i := range w.PartitionBy {
		w.PartitionBy[i] = r.expr(w.PartitionBy[i], sc)
	}
	r.order(w.OrderBy, sc)
}

// fromScope binds the range variables of a FROM list, turning PartiQL
// paths into PathTables and resolving join conditions as it goes.
func (r *resolver) fromScope(from []ast.TableExpr, parent *scope) *scope {
	sc := &scope{parent: parent, tables: map[string]bool{}, values: map[string]bool{}}
	for i := range from {
		from[i] = r.table(from[i], sc, parent)
	}
	return sc
}

func (r *resolver) table(t ast.TableExpr, sc, parent *scope) ast.TableExpr {
	switch t := t.(type) {
	case *ast.TableRef:
		if len(t.Name) >= 2 {
			root := r.rw.key(t.Name[0])
			if sc.tables[root] || sc.values[root] {
				pt := &ast.PathTable{Path: &ast.ColumnRef{Parts: t.Name, Pos: t.Pos}, Alias: t.Alias, Pos: t.Pos}
				return r.table(pt, sc, parent)
			}
		}
		if t.Alias != nil {
			sc.tables[r.rw.key(t.Alias.Name)] = true
		} else {
			sc.tables[r.rw.key(t.Name.Last())] = true
		}
	case *ast.SubqueryTable:
		inner := parent
		if t.Lateral {
			inner = sc
		}
		r.query(t.Q, inner)
		if t.Alias != nil {
			sc.tables[r.rw.key(t.Alias.Name)] = true
		}
	case *ast.FuncTable:
		for i := range t.F.Args {
			t.F.Args[i] = r.expr(t.F.Args[i], sc)
		}
		if t.Alias != nil {
			sc.tables[r.rw.key(t.Alias.Name)] = true
		}
	case *ast.PathTable:
		t.Path = r.expr(t.Path, sc)
		if t.Alias == nil {
			t.Alias = &ast.Alias{Name: ast.Ident{Name: defaultAlias(t.Path)}}
		}
		sc.values[r.rw.key(t.Alias.Name)] = true
		if t.Alias.At != nil {
			sc.values[r.rw.key(*t.Alias.At)] = true
		}
	case *ast.Unpivot:
		t.X = r.expr(t.X, sc)
		sc.values[r.rw.key(t.Value)] = true
		if t.At != nil {
			sc.values[r.rw.key(*t.At)] = true
		}
	case *ast.Join:
		t.L = r.table(t.L, sc, parent)
		t.R = r.table(t.R, sc, parent)
		t.On = r.expr(t.On, sc)
	case *ast.ParenTable:
		t.T = r.table(t.T, sc, parent)
	case *ast.PivotTable:
		// The source's range variables are not visible past the pivot:
		// its columns are resolved in a scope of their own.
		t.Source = r.table(t.Source, &scope{parent: parent, tables: map[string]bool{}, values: map[string]bool{}}, parent)
		if t.Alias != nil {
			sc.tables[r.rw.key(t.Alias.Name)] = true
		}
	}
	return t
}

// defaultAlias names an unaliased PartiQL FROM path by its last step.
func defaultAlias(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.Field:
		return strings.ToLower(x.Name.Name)
	case *ast.ColumnRef:
		if len(x.Parts) > 0 {
			return strings.ToLower(x.Parts[len(x.Parts)-1].Name)
		}
	case *ast.Index:
		return defaultAlias(x.X)
	}
	return "element"
}

// expr resolves the dotted names in x.
func (r *resolver) expr(x ast.Expr, sc *scope) ast.Expr {
	if x == nil {
		return nil
	}
	pre := func(n any) bool {
		switch n := n.(type) {
		case *ast.Subquery:
			r.query(n.Q, sc)
			return false
		case *ast.Exists:
			r.query(n.Sub, sc)
			return false
		case *ast.In:
			if n.Sub != nil {
				n.X = r.expr(n.X, sc)
				r.query(n.Sub, sc)
				return false
			}
		case *ast.Quantified:
			if n.Sub != nil {
				n.X = r.expr(n.X, sc)
				r.query(n.Sub, sc)
				return false
			}
		case *ast.Func:
			r.window(n.Over, sc)
		case *ast.Window:
			return false
		}
		return true
	}
	out := ast.Transform(x, pre, func(n any) any {
		if c, ok := n.(*ast.ColumnRef); ok {
			return r.columnRef(c, sc)
		}
		return n
	})
	return out.(ast.Expr)
}

// columnRef splits a dotted name into its column and SUPER steps.
func (r *resolver) columnRef(c *ast.ColumnRef, sc *scope) ast.Expr {
	if c.Star || len(c.Parts) < 2 {
		return c
	}
	root := r.rw.key(c.Parts[0])
	var n int // parts that name the column (with its qualifiers)
	switch {
	case sc.isValue(root):
		n = 1
	case sc.isTable(root):
		n = 2
	case len(c.Parts) >= 3 && sc.isTable(r.rw.key(c.Parts[1])):
		n = 3 // schema.table.column
	case len(c.Parts) == 2 && (sc == nil || sc.empty()):
		return c // t.c or col.step: DuckDB binds either way
	default:
		n = 1
	}
	if n >= len(c.Parts) {
		return c
	}
	var x ast.Expr = &ast.ColumnRef{Parts: c.Parts[:n], Pos: c.Pos}
	for _, step := range c.Parts[n:] {
		x = &ast.Field{X: x, Name: step}
	}
	return x
}

package sql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// SUPER stored as JSON text. A streaming view keeps the records it parses
// (json_parse of its data column, a whole select item) as DuckDB JSON text,
// not VARIANT: the ingest then writes the validated bytes as they are, with
// no conversion (docs/design/super.md). Options.JSONColumns reports such
// columns. Every read of it gives exactly the answer
// the same value stored as VARIANT gives, because it reads the VARIANT the
// old storage held, CAST(text AS VARIANT), converted where it is read:
//
//   - A block that reads field paths of the column (one FROM entry) gets
//     them from one json_extract a row (rule super-shared-extraction, from
//     one path on): a JSON string takes the fast text read as before, and
//     any other value converts only the extracted element to VARIANT,
//     which is the whole document's conversion at that path.
//   - Anything else (the column itself, a star, a block the shared rule
//     leaves alone) reads the table through
//     (SELECT * REPLACE (CAST(payload AS VARIANT) AS payload) FROM t) AS t,
//     which DuckDB prunes when the column is not read (rule
//     super-json-at-rest).
//
// A record holding a number DuckDB's conversion to VARIANT would change
// (an integer beyond 64 bits, a decimal beyond a double's precision) is
// stored with a leading space (the streaming ingest marks it), and read
// through its Parquet Variant encoding, where such a number is a decimal,
// as Redshift's SUPER keeps it: rs_json_super(c) is CAST(c AS VARIANT) for
// every other document. A shared extraction reads such a document's paths
// from that exact form (rs_json_exact), since json_extract writes such a
// number back as a double.

// jsonColumns returns the columns of t that are SUPER stored as JSON text,
// nil when there are none, when t names a WITH query, or when the catalog
// is not known.
func (rw *rewriter) jsonColumns(t *ast.TableRef) []ast.Ident {
	if rw.opts.JSONColumns == nil {
		return nil
	}
	if len(t.Name) == 1 && rw.cteNames()[rw.key(t.Name[0])] {
		return nil
	}
	k := ast.Format(t.Name)
	if cols, ok := rw.jsonCols[k]; ok {
		return cols
	}
	var cols []ast.Ident
	for _, c := range rw.opts.JSONColumns(t.Name) {
		cols = append(cols, ast.Ident{Name: c, Quoted: c != strings.ToLower(c)})
	}
	if rw.jsonCols == nil {
		rw.jsonCols = map[string][]ast.Ident{}
	}
	rw.jsonCols[k] = cols
	return cols
}

// cteNames are the names of every WITH query in the statement (a table
// reference by one of these names may be the WITH query's).
func (rw *rewriter) cteNames() map[string]bool {
	if rw.ctes != nil {
		return rw.ctes
	}
	rw.ctes = map[string]bool{}
	ast.Walk(rw.stmt, func(n any) bool {
		switch q := n.(type) {
		case *ast.Select:
			if q.With != nil {
				for _, c := range q.With.CTEs {
					rw.ctes[rw.key(c.Name)] = true
				}
			}
		case *ast.SetOp:
			if q.With != nil {
				for _, c := range q.With.CTEs {
					rw.ctes[rw.key(c.Name)] = true
				}
			}
		}
		return true
	})
	return rw.ctes
}

// variantStar is * REPLACE (rs_json_super(c) AS c, ...) for cols.
func variantStar(cols []ast.Ident) *ast.ColumnRef {
	star := &ast.ColumnRef{Star: true}
	for _, c := range cols {
		name := c
		star.Replace = append(star.Replace, ast.SelectItem{X: fn("rs_json_super", &ast.ColumnRef{Parts: []ast.Ident{c}}), Alias: &name})
	}
	return star
}

// starOnly reports whether sel is SELECT * FROM one table reference (with
// any WHERE that names none of cols): a star over the base of an
// incremental refresh, which can read the column as VARIANT in place.
func (rw *rewriter) starOnly(sel *ast.Select, cols []ast.Ident) (*ast.TableRef, bool) {
	if len(sel.Items) != 1 || len(sel.From) != 1 || sel.Distinct || len(sel.DistinctOn) > 0 ||
		len(sel.GroupBy) > 0 || sel.GroupAll || sel.Having != nil || sel.Qualify != nil || len(sel.Windows) > 0 || sel.With != nil {
		return nil, false
	}
	star, ok := sel.Items[0].X.(*ast.ColumnRef)
	if !ok || !star.Star || len(star.Parts) > 0 || len(star.Exclude) > 0 || len(star.Replace) > 0 {
		return nil, false
	}
	t, ok := sel.From[0].(*ast.TableRef)
	if !ok || (t.Alias != nil && len(t.Alias.Columns) > 0) {
		return nil, false
	}
	named := map[string]bool{}
	for _, c := range cols {
		named[strings.ToLower(c.Name)] = true
	}
	clean := true
	for _, x := range blockExprs(sel)[1:] {
		ast.Walk(x, func(n any) bool {
			if c, ok := n.(*ast.ColumnRef); ok {
				for _, p := range c.Parts {
					if named[strings.ToLower(p.Name)] {
						clean = false
					}
				}
			}
			return clean
		})
	}
	return t, clean
}

// jsonAtRest makes every table reference with SUPER columns stored as JSON
// text that super-shared-extraction has not already taken read them as
// VARIANT (see the comment at the top of this file).
func jsonAtRest(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	if rw.opts.JSONColumns == nil {
		return stmt, nil
	}
	var visit func(slot *ast.TableExpr, owner *ast.Select)
	visit = func(slot *ast.TableExpr, owner *ast.Select) {
		switch t := (*slot).(type) {
		case *ast.Join:
			visit(&t.L, nil)
			visit(&t.R, nil)
		case *ast.ParenTable:
			visit(&t.T, nil)
		case *ast.PivotTable:
			visit(&t.Source, nil)
		case *ast.TableRef:
			if rw.jsonDone[t] {
				return
			}
			cols := rw.jsonColumns(t)
			if len(cols) == 0 {
				return
			}
			rw.markJSONDone(t)
			if owner != nil {
				if base, ok := rw.starOnly(owner, cols); ok && base == t {
					owner.Items[0].X = variantStar(cols)
					return
				}
			}
			alias := t.Alias
			if alias == nil {
				alias = &ast.Alias{Name: t.Name.Last()}
			}
			inner := &ast.TableRef{Name: t.Name, Pos: t.Pos}
			rw.markJSONDone(inner)
			*slot = &ast.SubqueryTable{
				Q:     &ast.Select{Items: []ast.SelectItem{{X: variantStar(cols)}}, From: []ast.TableExpr{inner}},
				Alias: alias,
			}
		}
	}
	var selects []*ast.Select
	var others [][]ast.TableExpr
	ast.Walk(stmt, func(n any) bool {
		switch q := n.(type) {
		case *ast.Select:
			selects = append(selects, q)
		case *ast.Update:
			others = append(others, q.From)
		case *ast.Delete:
			others = append(others, q.Using)
		}
		return true
	})
	for _, q := range selects {
		for i := range q.From {
			var owner *ast.Select
			if len(q.From) == 1 {
				owner = q
			}
			visit(&q.From[i], owner)
		}
	}
	for _, from := range others {
		for i := range from {
			visit(&from[i], nil)
		}
	}
	return stmt, nil
}

func (rw *rewriter) markJSONDone(t *ast.TableRef) {
	if rw.jsonDone == nil {
		rw.jsonDone = map[*ast.TableRef]bool{}
	}
	rw.jsonDone[t] = true
}

package sql

import (
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// sharedExtraction makes a SELECT block that reads many scalar paths of one
// SUPER column extract them all in one pass a row: the FROM entry the
// column belongs to is wrapped (below any unnest wrapper) in
//
//	(SELECT *, json_extract(CAST(a.payload AS JSON), ['$."x"."y"', ...]) AS __rs_paths_1 FROM t AS a) AS a
//
// and each read becomes an element of that list. Reads are lax casts of a
// path to a scalar type (TRY_CAST(a.payload.x.y AS INTEGER)), text reads
// (rs_super_text(a.payload.x.y)) and the array an unnest iterates. A read
// takes the extracted string when the value is a JSON string (cast with the
// VARIANT string's rules, stringCast), and NULL when it is missing; any
// other value falls back to the path as before, so every answer is the one
// the VARIANT path gives. Under an unnest the reads are computed below it,
// once a row (readsBelow), and the unnested elements stay JSON text
// (elementsAsJSON).
//
// With SUPER stored as VARIANT the extraction costs a serialization of the
// whole value to JSON text a row, which pays only when a block reads many
// paths: BenchmarkCandidates puts the break-even near 3 paths on 1 KB
// change records and near 7 on 10 KB documents (docs/design/super.md), so
// blocks with fewer than sharedMinPaths paths of a column are left as they
// are.
//
// A column stored as JSON text (jsonrest.go) costs no serialization: its
// paths are shared from one on, a path read as a SUPER value is shared
// too (CAST(element AS VARIANT)), a read's fallback converts only its
// element, and the hoisting subquery reads the column itself as VARIANT
// (SELECT * REPLACE), for whatever else the block reads of it.
//
// The rule is narrow on purpose: a block with one FROM entry, no star in its
// select list, paths of field steps only (no subscripts), and a column
// named unqualified only when the block also names it qualified (so it is
// known to be the entry's, not an outer query's).
func sharedExtraction(rw *rewriter, stmt ast.Stmt) (ast.Stmt, error) {
	var blocks []*ast.Select
	ast.Walk(stmt, func(n any) bool {
		if q, ok := n.(*ast.Select); ok && !rw.wrappers[q] {
			blocks = append(blocks, q)
		}
		return true
	})
	for _, q := range blocks {
		rw.shareBlock(q)
	}
	return stmt, nil
}

// sharedMinPaths is the fewest distinct paths of one column worth a shared
// extraction while SUPER is stored as VARIANT (the unnest's array counts).
const sharedMinPaths = 8

// pathRead is one read of a SUPER path the rule may share.
type pathRead struct {
	node   ast.Expr // the *ast.Cast or *ast.Func read, replaced in place
	path   ast.Expr // the path, kept for the fallback
	column string   // the column's key
	json   string   // the path as JSONPath
	list   bool     // the unnest's array (no fallback needed: TRY_CAST to JSON)
	value  bool     // the path as a SUPER value (columns stored as JSON text only)
	// oneName is set when the path starts at an unqualified name; root is
	// the qualifier otherwise.
	oneName  bool
	root     *ast.Ident
	columnID ast.Ident
}

func (rw *rewriter) shareBlock(q *ast.Select) {
	if len(q.From) != 1 {
		return
	}
	for _, it := range q.Items {
		if c, ok := it.X.(*ast.ColumnRef); ok && c.Star {
			return
		}
	}
	// The unnest wrappers above the base entry, outermost first.
	slot := &q.From[0]
	var chain []*ast.Select
	for {
		st, ok := (*slot).(*ast.SubqueryTable)
		if !ok {
			break
		}
		sel, ok := st.Q.(*ast.Select)
		if !ok || !rw.wrappers[sel] {
			break
		}
		chain = append(chain, sel)
		slot = &sel.From[0]
	}
	var alias ast.Ident
	// A base table with SUPER columns stored as JSON text (jsonrest.go):
	// base, its columns, and target, the SELECT * over it that takes the
	// extraction in place (the base of an incremental refresh).
	var base *ast.TableRef
	var jsonCols []ast.Ident
	var target *ast.Select
	switch t := (*slot).(type) {
	case *ast.TableRef:
		alias = rangeAlias(t)
		if !rw.jsonDone[t] {
			base, jsonCols = t, rw.jsonColumns(t)
		}
	case *ast.SubqueryTable:
		if t.Alias == nil || len(t.Alias.Columns) > 0 {
			return
		}
		alias = t.Alias.Name
		if sel, ok := t.Q.(*ast.Select); ok && len(sel.From) == 1 {
			if bt, ok := sel.From[0].(*ast.TableRef); ok && !rw.jsonDone[bt] {
				if cols := rw.jsonColumns(bt); len(cols) > 0 {
					if b, ok := rw.starOnly(sel, cols); ok && b == bt {
						base, jsonCols, target = bt, cols, sel
					}
				}
			}
		}
	default:
		return
	}
	root := rw.key(alias)
	isJSON := map[string]bool{}
	// Iteration variables the wrappers bind: a one-part name among them is
	// an element, not a column.
	values := map[string]bool{}
	for _, w := range chain {
		for _, it := range w.Items[1:] {
			if it.Alias != nil {
				values[rw.key(*it.Alias)] = true
			}
		}
	}

	var reads []pathRead
	qualified := map[string]ast.Ident{} // column key -> its identifier, named as root.column
	for _, c := range jsonCols {
		// The base table's own column: an unqualified name is it.
		isJSON[rw.key(c)] = true
		qualified[rw.key(c)] = c
	}
	collect := func(x ast.Expr, inWrapper bool) {
		ast.Walk(x, func(n any) bool {
			if _, ok := n.(ast.Query); ok {
				return false // a subquery's paths are its own block's
			}
			if c, ok := n.(*ast.ColumnRef); ok && !c.Star && len(c.Parts) == 2 && rw.key(c.Parts[0]) == root {
				qualified[rw.key(c.Parts[1])] = c.Parts[1]
			}
			r, ok := rw.readOf(n, inWrapper)
			if ok {
				if r.root != nil && rw.key(*r.root) == root {
					qualified[r.column] = r.columnID
				}
				reads = append(reads, r)
				return false
			}
			return true
		})
	}
	for _, x := range blockExprs(q) {
		collect(x, false)
	}
	for _, w := range chain {
		for _, it := range w.Items[1:] {
			collect(it.X, true)
		}
	}
	// Columns worth sharing, in order of first read; their distinct paths.
	type shared struct {
		name  string // the list's column name
		id    ast.Ident
		paths []string
		index map[string]int
	}
	byCol := map[string]*shared{}
	var order []string
	kept := reads[:0]
	for _, r := range reads {
		id, ok := qualified[r.column]
		if !ok || (r.oneName && values[r.column]) || (r.root != nil && rw.key(*r.root) != root) {
			continue // another range variable's (an outer query's), or an element
		}
		if r.value && !isJSON[r.column] {
			continue // over VARIANT, a path read as a value stays as it is
		}
		kept = append(kept, r)
		s := byCol[r.column]
		if s == nil {
			s = &shared{id: id, index: map[string]int{}}
			byCol[r.column] = s
			order = append(order, r.column)
		}
		if _, ok := s.index[r.json]; !ok {
			s.index[r.json] = len(s.paths) + 1
			s.paths = append(s.paths, r.json)
		}
	}
	hoist := &ast.Select{Items: []ast.SelectItem{{X: &ast.ColumnRef{Star: true}}}, From: []ast.TableExpr{*slot}}
	if target != nil {
		hoist = target
	}
	var added []ast.SelectItem
	for _, col := range order {
		s := byCol[col]
		min := sharedMinPaths
		if isJSON[col] {
			// Stored as JSON text, the extraction costs no
			// serialization: it pays from one path.
			min = 1
		}
		if len(s.paths) < min {
			delete(byCol, col)
			continue
		}
		rw.sharedLists++
		s.name = "__rs_paths_" + strconv.Itoa(rw.sharedLists)
		lits := make([]ast.Expr, len(s.paths))
		for i, p := range s.paths {
			lits[i] = &ast.Literal{Kind: ast.LitString, Value: p}
		}
		name := ast.Ident{Name: s.name}
		var doc ast.Expr = &ast.ColumnRef{Parts: []ast.Ident{alias, s.id}}
		if target != nil {
			doc = &ast.ColumnRef{Parts: []ast.Ident{s.id}}
		}
		if !isJSON[col] {
			doc = cast(doc, "json")
		}
		added = append(added, ast.SelectItem{
			X:     fn("json_extract", doc, &ast.ArrayLit{Bracket: true, Items: lits}),
			Alias: &name,
		})
		if isJSON[col] {
			// The document as SUPER when it is marked as holding a
			// number DuckDB's conversion would change, NULL otherwise
			// (rs_json_exact): a marked document's paths are read from
			// it, since json_extract writes such a number back as a
			// double.
			mark := ast.Ident{Name: s.name + "_exact"}
			added = append(added, ast.SelectItem{X: fn("rs_json_exact", doc), Alias: &mark})
		}
	}
	if len(byCol) == 0 {
		return
	}
	if len(jsonCols) > 0 {
		// The rest of the block reads the columns as VARIANT; DuckDB
		// converts them only if something reads them.
		hoist.Items[0].X = variantStar(jsonCols)
		rw.markJSONDone(base)
	}
	hoist.Items = append(hoist.Items, added...)
	if target == nil {
		*slot = &ast.SubqueryTable{Q: hoist, Alias: &ast.Alias{Name: alias}}
	}
	replace := map[ast.Expr]ast.Expr{}
	var replaced []ast.Expr // the reads replaced, in order (lists apart)
	for _, r := range kept {
		s := byCol[r.column]
		if s == nil || s.index[r.json] == 0 {
			continue
		}
		elem := func() ast.Expr {
			return fn("list_extract", &ast.ColumnRef{Parts: []ast.Ident{alias, {Name: s.name}}}, num(strconv.Itoa(s.index[r.json])))
		}
		// superElem is the element as SUPER, or the path read from the
		// exact document when there is one (a JSON-text column's only).
		superElem := func() ast.Expr {
			exact := &ast.ColumnRef{Parts: []ast.Ident{alias, {Name: s.name + "_exact"}}}
			return &ast.Case{
				Whens: []ast.When{{Cond: &ast.Is{X: exact, What: "null"}, Then: cast(elem(), "super")}},
				Else:  repath(r.path, &ast.ColumnRef{Parts: []ast.Ident{alias, {Name: s.name + "_exact"}}}),
			}
		}
		if r.list {
			replace[r.node] = elem()
			continue
		}
		replace[r.node] = readAt(r, elem, superElem, isJSON[r.column])
		replaced = append(replaced, r.node)
	}
	if len(chain) > 0 {
		// Under an unnest the block runs once an element, so each read
		// is computed once a row below the unnest instead.
		rw.readsBelow(slot, alias, replaced, replace)
	}
	rewrite := func(x ast.Expr) ast.Expr {
		return ast.Rewrite(x, func(n any) any {
			if x, ok := n.(ast.Expr); ok {
				if r, ok := replace[x]; ok {
					delete(replace, x) // the fallback holds the node itself
					return r
				}
			}
			return n
		}).(ast.Expr)
	}
	for i, it := range q.Items {
		// A path alone in the select list keeps the name DuckDB gives
		// the path: its last step.
		if f, ok := it.X.(*ast.Field); ok && it.Alias == nil && replace[it.X] != nil {
			name := ast.Ident{Name: Fold(f.Name, true, rw.opts), Quoted: true}
			q.Items[i].Alias = &name
		}
	}
	setBlockExprs(q, rewrite)
	for _, w := range chain {
		for i := range w.Items[1:] {
			w.Items[i+1].X = rewrite(w.Items[i+1].X)
		}
	}
	lists := map[string]bool{}
	for _, s := range byCol {
		lists[s.name] = true
	}
	rw.elementsAsJSON(q, chain, lists)
}

// elementsAsJSON keeps the elements an unnest wrapper takes from a shared
// list as the JSON text the list holds, instead of converting each to
// VARIANT (which cost an eighth of the article's unnest view): the
// block's path reads of the element become reads of one json_extract of
// it (readAt), and every other use of it reads CAST(element AS VARIANT),
// the value it held before. An element some other wrapper or a subquery
// names stays VARIANT.
func (rw *rewriter) elementsAsJSON(q *ast.Select, chain []*ast.Select, lists map[string]bool) {
	for _, w := range chain {
		for i := 1; i < len(w.Items); i++ {
			it := &w.Items[i]
			c, ok := it.X.(*ast.Cast)
			if !ok || it.Alias == nil || c.Type == nil || len(c.Type.Name) != 1 || c.Type.Name[0].Name != "super" || c.Try {
				continue
			}
			u, ok := c.X.(*ast.Func)
			if !ok || len(u.Name) != 1 || u.Name[0].Name != "unnest" || !namesList(u, lists) {
				continue
			}
			key := rw.key(*it.Alias)
			if rw.namedOutside(q, chain, it, key) {
				continue
			}
			elem := ast.Ident{Name: it.Alias.Name, Quoted: it.Alias.Quoted}
			ref := func() ast.Expr { return &ast.ColumnRef{Parts: []ast.Ident{elem}} }
			replace := map[ast.Expr]ast.Expr{}
			for _, x := range blockExprs(q) {
				ast.Walk(x, func(n any) bool {
					if _, ok := n.(ast.Query); ok {
						return false
					}
					r, ok := rw.readOf(n, false)
					if !ok || !r.oneName || r.column != key {
						return true
					}
					at := func() ast.Expr {
						return fn("json_extract", ref(), &ast.Literal{Kind: ast.LitString, Value: r.json})
					}
					replace[r.node] = readAt(r, at, func() ast.Expr { return cast(at(), "super") }, true)
					return false
				})
			}
			for j, sel := range q.Items {
				if sel.Alias != nil {
					continue
				}
				// The element alone keeps its name; a path of it, the
				// name DuckDB gives the path (its last step).
				if cr, ok := sel.X.(*ast.ColumnRef); ok && len(cr.Parts) == 1 && rw.key(cr.Parts[0]) == key {
					name := cr.Parts[0]
					q.Items[j].Alias = &name
				}
				if f, ok := sel.X.(*ast.Field); ok && replace[sel.X] != nil {
					name := ast.Ident{Name: Fold(f.Name, true, rw.opts), Quoted: true}
					q.Items[j].Alias = &name
				}
			}
			setBlockExprs(q, func(x ast.Expr) ast.Expr {
				return ast.Rewrite(x, func(n any) any {
					if x, ok := n.(ast.Expr); ok {
						if r, ok := replace[x]; ok {
							delete(replace, x)
							return r
						}
					}
					if cr, ok := n.(*ast.ColumnRef); ok && len(cr.Parts) == 1 && !cr.Star && rw.key(cr.Parts[0]) == key {
						return cast(cr, "super")
					}
					return n
				}).(ast.Expr)
			})
			it.X = u
		}
	}
}

// namesList reports whether x reads one of the shared lists.
func namesList(x ast.Expr, lists map[string]bool) bool {
	found := false
	ast.Walk(x, func(n any) bool {
		if c, ok := n.(*ast.ColumnRef); ok && len(c.Parts) == 2 && lists[c.Parts[1].Name] {
			found = true
		}
		return !found
	})
	return found
}

// namedOutside reports whether the name key (an unnest wrapper's item it)
// appears in a wrapper's other items or in a subquery of block q.
func (rw *rewriter) namedOutside(q *ast.Select, chain []*ast.Select, it *ast.SelectItem, key string) bool {
	found := false
	names := func(n any) bool {
		if c, ok := n.(*ast.ColumnRef); ok && len(c.Parts) >= 1 && rw.key(c.Parts[0]) == key {
			found = true
		}
		return !found
	}
	for _, w := range chain {
		for i := 1; i < len(w.Items); i++ {
			if &w.Items[i] != it {
				ast.Walk(w.Items[i].X, names)
			}
		}
	}
	for _, x := range blockExprs(q) {
		ast.Walk(x, func(n any) bool {
			if sub, ok := n.(ast.Query); ok {
				ast.Walk(sub, names)
				return false
			}
			return !found
		})
	}
	return found
}

// readsBelow computes the reads (replace's values for the nodes in reads)
// in a projection of their own over *slot, the entry the unnest wrappers
// read (SELECT *, read AS __rs_read_1, ... FROM entry AS alias), and
// replaces each in the block with its column. A read repeated (in the
// select list and GROUP BY, say) is one column. The unnest repeats the
// row for every element; the reads, the costliest part of a block that
// unnests (the casts, the JSON strings' text), then run once a row.
func (rw *rewriter) readsBelow(slot *ast.TableExpr, alias ast.Ident, reads []ast.Expr, replace map[ast.Expr]ast.Expr) {
	layer := &ast.Select{Items: []ast.SelectItem{{X: &ast.ColumnRef{Star: true}}}, From: []ast.TableExpr{*slot}}
	cols := map[string]ast.Ident{}
	for _, node := range reads {
		x := replace[node]
		key := ast.Format(x)
		id, ok := cols[key]
		if !ok {
			rw.sharedReads++
			id = ast.Ident{Name: "__rs_read_" + strconv.Itoa(rw.sharedReads)}
			cols[key] = id
			name := id
			layer.Items = append(layer.Items, ast.SelectItem{X: x, Alias: &name})
		}
		replace[node] = &ast.ColumnRef{Parts: []ast.Ident{alias, id}}
	}
	if len(layer.Items) == 1 {
		return
	}
	*slot = &ast.SubqueryTable{Q: layer, Alias: &ast.Alias{Name: alias}}
}

// readAt is read r (a value, cast or text read) taken from elem, the
// JSON text of its path's value (NULL when the path is missing); super is
// that value as SUPER. A JSON string takes the fast text read; any other
// value converts to VARIANT: only the element when own is set, otherwise
// the read keeps its own path (over VARIANT storage).
func readAt(r pathRead, elem, super func() ast.Expr, own bool) ast.Expr {
	if r.value {
		// The element is the document's value at the path: as VARIANT it
		// is what the whole document's conversion holds there (missing:
		// NULL; JSON null: a VARIANT null).
		return super()
	}
	str := func() ast.Expr {
		return fn("json_extract_string", elem(), &ast.Literal{Kind: ast.LitString, Value: "$"})
	}
	text := str()
	if c, ok := r.node.(*ast.Cast); ok {
		// The cast's rules are the VARIANT string's ('12.7' and '1e3' are
		// no INTEGER), as unshared.
		text = stringCast(str, c.Type)
	}
	fallback := r.node
	if own {
		switch x := r.node.(type) {
		case *ast.Cast:
			fallback = &ast.Cast{X: super(), Type: x.Type, Try: x.Try, Colons: x.Colons}
		case *ast.Func:
			fallback = fn(x.Name[0].Name, super())
		}
	}
	return &ast.Case{
		Whens: []ast.When{
			{Cond: &ast.Is{X: elem(), What: "null"}, Then: &ast.Literal{Kind: ast.LitNull}},
			{Cond: fn("starts_with", elem(), &ast.Literal{Kind: ast.LitString, Value: `"`}), Then: text},
		},
		Else: fallback,
	}
}

// repath is path (field steps over a column) with root in place of the
// column.
func repath(path, root ast.Expr) ast.Expr {
	if f, ok := path.(*ast.Field); ok {
		return &ast.Field{X: repath(f.X, root), Name: f.Name}
	}
	return root
}

// stringCast is the lax cast of a SUPER string (str gives its characters)
// to typ, with the answer of the cast of the VARIANT string, which is what
// the unshared read casts: VARIANT's rules are not VARCHAR's (VARCHAR takes
// '12.7' and '1e3' as INTEGERs, '1' as TRUE and an ISO timestamp as a
// DATE). Converting each string to VARIANT to cast it cost a fifth of the
// article's unnest view, so the cast is VARCHAR's wherever its answer is
// the same:
//   - DECIMAL and TIMESTAMP: VARCHAR's cast answers as VARIANT's on every
//     string. TIMESTAMPTZ too while the session's time zone is UTC (the
//     default); in another, VARIANT's cast still reads a time without an
//     offset as UTC, and VARCHAR's in the session's zone, so the cast goes
//     through VARIANT.
//   - Every other type: VARCHAR's answer when the value prints back as the
//     string ("12" is 12 either way), the VARIANT's otherwise ("012",
//     "+12", "12.0").
//
// TestStringCastsAsVariant (warehouse) holds each to the VARIANT's answer
// over many strings, in three time zones.
func stringCast(str func() ast.Expr, typ *ast.TypeName) ast.Expr {
	name := strings.ToLower(typ.Name[0].Name)
	switch {
	case name == "decimal" || name == "numeric" || (name == "timestamp" && typ.TZ != "with"):
		return &ast.Cast{X: str(), Type: typ, Try: true}
	}
	direct := func() ast.Expr { return &ast.Cast{X: str(), Type: typ, Try: true} }
	cond := &ast.Binary{Op: "=", L: cast(direct(), "varchar"), R: str()}
	if name == "timestamptz" || name == "timestamp" {
		// A constant DuckDB folds when it binds the statement.
		cond = &ast.Binary{Op: "=", L: fn("current_setting", &ast.Literal{Kind: ast.LitString, Value: "TimeZone"}), R: &ast.Literal{Kind: ast.LitString, Value: "UTC"}}
	}
	return &ast.Case{
		Whens: []ast.When{{Cond: cond, Then: direct()}},
		Else:  &ast.Cast{X: cast(str(), "super"), Type: typ, Try: true},
	}
}

// textCastSame are the types a shared read casts to (stringCast);
// TestSharedExtractionSameAnswers holds every one to the unshared answer.
var textCastSame = map[string]bool{
	"smallint": true, "int2": true, "integer": true, "int": true, "int4": true, "bigint": true, "int8": true,
	"decimal": true, "numeric": true, "real": true, "float4": true, "float": true, "float8": true, "double precision": true,
	"boolean": true, "bool": true, "date": true, "timestamp": true, "timestamptz": true, "timestamp with time zone": true, "timestamp without time zone": true,
}

// readOf reports whether n is a read the rule may share: in the block, a
// lax cast of a field path to a scalar type or a text read of one; in an
// unnest wrapper, the cast of the unnested path to JSON.
func (rw *rewriter) readOf(n any, inWrapper bool) (pathRead, bool) {
	var path ast.Expr
	r := pathRead{}
	switch x := n.(type) {
	case *ast.Cast:
		if !x.Try || x.Type == nil || x.Type.Array || len(x.Type.Name) != 1 {
			return r, false
		}
		typ := strings.ToLower(x.Type.Name[0].Name)
		if inWrapper {
			if typ != "json" {
				return r, false
			}
			r.list = true
		} else if !textCastSame[typ] {
			return r, false
		}
		path, r.node = x.X, x
	case *ast.Func:
		if inWrapper || len(x.Name) != 1 || x.Name[0].Name != "rs_super_text" || len(x.Args) != 1 {
			return r, false
		}
		path, r.node = x.Args[0], x
	case *ast.Field:
		// A path read as a SUPER value (shared for JSON text only).
		path, r.node, r.value = x, x, true
	default:
		return r, false
	}
	var steps []string
	x := path
	for {
		f, ok := x.(*ast.Field)
		if !ok {
			break
		}
		step := Fold(f.Name, true, rw.opts)
		if strings.ContainsAny(step, "\"\\") || strings.ContainsFunc(step, func(c rune) bool { return c < ' ' }) {
			return r, false
		}
		steps = append(steps, step)
		x = f.X
	}
	c, ok := x.(*ast.ColumnRef)
	if !ok || c.Star || len(steps) == 0 || len(c.Parts) == 0 || len(c.Parts) > 2 {
		return r, false
	}
	var sb strings.Builder
	sb.WriteString("$")
	for i := len(steps) - 1; i >= 0; i-- {
		sb.WriteString(`."` + steps[i] + `"`)
	}
	r.path, r.json = path, sb.String()
	r.column = rw.key(c.Parts[len(c.Parts)-1])
	r.oneName = len(c.Parts) == 1
	r.columnID = c.Parts[len(c.Parts)-1]
	if len(c.Parts) == 2 {
		r.root = &c.Parts[0]
	}
	return r, true
}

// blockExprs are a SELECT block's own expressions.
func blockExprs(q *ast.Select) []ast.Expr {
	var out []ast.Expr
	for _, it := range q.Items {
		out = append(out, it.X)
	}
	out = append(out, q.Where, q.Having, q.Qualify)
	out = append(out, q.GroupBy...)
	for _, o := range q.OrderBy {
		out = append(out, o.X)
	}
	var nonNil []ast.Expr
	for _, x := range out {
		if x != nil {
			nonNil = append(nonNil, x)
		}
	}
	return nonNil
}

// setBlockExprs replaces each of a SELECT block's own expressions by f's.
func setBlockExprs(q *ast.Select, f func(ast.Expr) ast.Expr) {
	for i := range q.Items {
		q.Items[i].X = f(q.Items[i].X)
	}
	if q.Where != nil {
		q.Where = f(q.Where)
	}
	if q.Having != nil {
		q.Having = f(q.Having)
	}
	if q.Qualify != nil {
		q.Qualify = f(q.Qualify)
	}
	for i := range q.GroupBy {
		q.GroupBy[i] = f(q.GroupBy[i])
	}
	for i := range q.OrderBy {
		q.OrderBy[i].X = f(q.OrderBy[i].X)
	}
}

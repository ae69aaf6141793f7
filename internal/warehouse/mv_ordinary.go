package warehouse

// Ordinary (non-streaming) materialized views: the functions
// exec_materialized_view.go calls for kind 'ordinary'.
//
// Behavior:
//   - CREATE computes the view's rows into a table of the same schema and
//     name, in the caller's transaction, with its catalog row (mv_catalog.go)
//     and its dependencies (blueshift_catalog.mv_deps, STV_MV_DEPS).
//   - A view is incrementally refreshable when its query is a projection
//     and filter over one append-only relation (a streaming materialized
//     view), optionally with PartiQL unnesting of that relation's SUPER
//     values (`FROM s a LEFT JOIN a.x.items b ON true`, or `FROM s a,
//     a.x.items b`): no aggregates, window functions, DISTINCT, GROUP BY,
//     ORDER BY, LIMIT, set operations or other relations. Such a view keeps
//     a high-water mark, the source's largest rowid it has read (the
//     source only ever appends, so a larger rowid is a newer row). An
//     incremental refresh processes only the source rows above the mark and
//     moves the mark, in one transaction: a row is never read twice or
//     skipped, also across crashes.
//   - Every other view is fully recomputed on refresh (its rows replaced in
//     one transaction), with an INFO message saying so, as Redshift does.
//   - REFRESH runs in the caller's transaction (so a procedure can refresh
//     as the reference scenario's does); CASCADE also refreshes the views
//     that depend on this one, dependencies first.
//   - DROP (mv_catalog.go, dropMV) refuses (2BP01) while other materialized
//     views depend on the view, unless CASCADE, which drops them too.
//   - STV_MV_INFO.state is 1 for an incrementally refreshable view and 0
//     for one that is fully recomputed; is_stale follows refreshed_at.
//   - AUTO REFRESH YES on an ordinary view: the refresher of mv_changes.go
//     refreshes it after a relation it reads changes, incremental and
//     fully recomputed views alike.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/parser"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// mvOrdinaryMigration records which relations each materialized view reads.
var mvOrdinaryMigration = Migration{Name: "0021_mv_dependencies", SQL: []string{
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.mv_deps (
		schema_name VARCHAR NOT NULL, -- the materialized view
		name        VARCHAR NOT NULL,
		ref_schema  VARCHAR NOT NULL, -- a relation it reads
		ref_name    VARCHAR NOT NULL,
		ref_is_mv   BOOLEAN NOT NULL  -- the relation is a materialized view
	)`,
}}

// Refresh statuses for ordinary views, as SVL_MV_REFRESH_STATUS writes them.
const (
	statusRecomputed = "Refresh successfully recomputed MV from scratch"
	statusUpToDate   = "MV was already updated"
)

// mvState is an ordinary view's refresh state, kept as JSON in
// materialized_views.high_water.
type mvState struct {
	// Incremental is set when the view is incrementally refreshable.
	Incremental bool `json:"incremental"`
	// SourceSchema and SourceName are the append-only relation it reads.
	SourceSchema string `json:"source_schema,omitempty"`
	SourceName   string `json:"source_name,omitempty"`
	// HighWater is the largest source rowid the view has processed; -1
	// when it has processed none.
	HighWater int64 `json:"high_water"`
}

func readMVState(mv *mvRow) (mvState, error) {
	var st mvState
	if mv.highWater == "" {
		return st, nil
	}
	if err := json.Unmarshal([]byte(mv.highWater), &st); err != nil {
		return st, errorf("materialized view %s: state: %w", mv.qualified(), err)
	}
	return st, nil
}

// analysis is what the engine learns from an ordinary view's query.
type analysis struct {
	q    ast.Query
	deps [][2]string // schema, name of each relation read
	// base is the one relation an incremental refresh reads; nil when the
	// query is not of the incremental shape.
	base *ast.TableRef
	// baseSchema, baseName resolve base.
	baseSchema, baseName string
}

// aggregateFuncs are functions that make a query aggregate (and so not
// row-by-row incremental).
var aggregateFuncs = map[string]bool{
	"count": true, "sum": true, "min": true, "max": true, "avg": true, "listagg": true, "median": true,
	"stddev": true, "stddev_samp": true, "stddev_pop": true, "variance": true, "var_samp": true, "var_pop": true,
	"bool_and": true, "bool_or": true, "bit_and": true, "bit_or": true, "percentile_cont": true,
	"percentile_disc": true, "approximate": true, "array_agg": true, "string_agg": true, "any_value": true,
	"first_value": true, "last_value": true, "rank": true, "dense_rank": true, "row_number": true,
	"lag": true, "lead": true, "ntile": true, "cume_dist": true, "percent_rank": true, "ratio_to_report": true,
	"getdate": true, "sysdate": true, "now": true, "random": true, "current_timestamp": true,
}

// volatileFuncs are the functions of aggregateFuncs that are not aggregates
// but give another value each time.
var volatileFuncs = map[string]bool{"getdate": true, "sysdate": true, "now": true, "random": true, "current_timestamp": true}

// hasAggregate reports whether any expression calls an aggregate, window or
// volatile function: such a view cannot be maintained row by row.
func hasAggregate(xs ...ast.Expr) bool {
	found := false
	visit := func(n any) bool {
		switch x := n.(type) {
		case *ast.Func:
			if aggregateFuncs[strings.ToLower(x.Name.Last().Name)] || x.Over != nil || x.Filter != nil {
				found = true
			}
		case *ast.Subquery, *ast.Exists, *ast.Quantified:
			found = true // a subquery reads other rows
		case *ast.Keyword:
			found = true // CURRENT_TIMESTAMP and friends
		case *ast.In:
			found = found || x.Sub != nil
		}
		return !found
	}
	for _, x := range xs {
		if x != nil && !found {
			ast.Walk(x, visit)
		}
	}
	return found
}

// analyse parses an ordinary view's definition, lists the relations it
// reads, and finds its incremental base when it has the incremental shape.
func (s *Session) analyse(ctx context.Context, definition string, opts bsql.Options) (*analysis, error) {
	stmt, err := parser.Parse(definition)
	if err != nil {
		return nil, err
	}
	q, ok := stmt.(ast.Query)
	if !ok {
		return nil, sqlerr.New(sqlerr.SyntaxError, "a materialized view's definition must be a query")
	}
	a := &analysis{q: q}
	aliases := map[string]bool{}
	seen := map[[2]string]bool{}
	var cteNames = map[string]bool{}
	var collectCTEs func(q ast.Query)
	collectCTEs = func(q ast.Query) {
		switch q := q.(type) {
		case *ast.Select:
			if q.With != nil {
				for _, c := range q.With.CTEs {
					cteNames[strings.ToLower(c.Name.Name)] = true
				}
			}
		case *ast.SetOp:
			if q.With != nil {
				for _, c := range q.With.CTEs {
					cteNames[strings.ToLower(c.Name.Name)] = true
				}
			}
		}
	}
	collectCTEs(q)
	for _, t := range ast.Tables(q) {
		if len(t.Name) > 1 && aliases[strings.ToLower(t.Name[0].Name)] {
			continue // a PartiQL path rooted at an earlier FROM entry
		}
		if t.Alias != nil {
			aliases[strings.ToLower(t.Alias.Name.Name)] = true
		} else if len(t.Name) > 0 {
			aliases[strings.ToLower(t.Name.Last().Name)] = true
		}
		if len(t.Name) == 1 && cteNames[strings.ToLower(t.Name[0].Name)] {
			continue
		}
		schema, name, err := s.resolveRelation(ctx, t.Name, opts)
		if err != nil {
			continue
		}
		if k := [2]string{schema, name}; !seen[k] {
			seen[k] = true
			a.deps = append(a.deps, k)
		}
	}
	if base := incrementalBase(q); base != nil {
		schema, name, err := s.resolveRelation(ctx, base.Name, opts)
		if err == nil {
			rows, err := queryMVs(ctx, s.conn, "schema_name = $1 AND name = $2 AND kind = $3", schema, name, mvStreaming)
			if err != nil {
				return nil, err
			}
			if len(rows) == 1 {
				a.base, a.baseSchema, a.baseName = base, schema, name
			}
		}
	}
	return a, nil
}

// resolveRelation names a relation the way the session resolves it: a
// qualified name as written, an unqualified one in the first schema of the
// search path that holds it.
func (s *Session) resolveRelation(ctx context.Context, n ast.Name, opts bsql.Options) (string, string, error) {
	switch len(n) {
	case 2:
		return catalogIdent(n[0], opts), catalogIdent(n[1], opts), nil
	case 3:
		return catalogIdent(n[1], opts), catalogIdent(n[2], opts), nil
	case 1:
	default:
		return "", "", sqlerr.New(sqlerr.SyntaxError, "improper relation name %s", ast.Format(n))
	}
	name := catalogIdent(n[0], opts)
	res, err := s.conn.Query(ctx, `SELECT schema_name FROM duckdb_tables() WHERE table_name = $1 AND schema_name = ANY(current_schemas(false))
		UNION ALL SELECT schema_name FROM duckdb_views() WHERE view_name = $1 AND NOT internal AND schema_name = ANY(current_schemas(false))`, name)
	if err != nil {
		return "", "", err
	}
	schema := ""
	if res.Next() {
		schema, _ = res.Values()[0].(string)
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return "", "", err
	}
	if schema == "" {
		return "", "", sqlerr.New(sqlerr.UndefinedTable, "relation %q does not exist", bsql.DisplayName(name))
	}
	return schema, name, nil
}

// incrementalBase returns the one relation of a query of the incremental
// shape (see the file comment), or nil.
func incrementalBase(q ast.Query) *ast.TableRef {
	sel, ok := q.(*ast.Select)
	if !ok || sel.With != nil || sel.Distinct || len(sel.DistinctOn) > 0 || sel.Top != nil ||
		len(sel.GroupBy) > 0 || sel.GroupAll || sel.Having != nil || sel.Qualify != nil ||
		len(sel.Windows) > 0 || len(sel.OrderBy) > 0 || sel.Limit != nil || sel.Offset != nil ||
		len(sel.Into) > 0 || len(sel.From) == 0 {
		return nil
	}
	items := make([]ast.Expr, 0, len(sel.Items)+1)
	for _, it := range sel.Items {
		items = append(items, it.X)
	}
	items = append(items, sel.Where)
	if hasAggregate(items...) {
		return nil
	}
	// The first FROM entry, through left-deep joins, is the base; every
	// other entry must be a path rooted at the base's alias, joined ON TRUE.
	var base *ast.TableRef
	var rest []ast.TableExpr
	var flatten func(t ast.TableExpr) bool
	flatten = func(t ast.TableExpr) bool {
		switch t := t.(type) {
		case *ast.TableRef:
			if base == nil {
				base = t
			} else {
				rest = append(rest, t)
			}
			return true
		case *ast.PathTable:
			rest = append(rest, t)
			return base != nil
		case *ast.Join:
			if (t.Kind != "left" && t.Kind != "inner" && t.Kind != "cross") || t.Natural || len(t.Using) > 0 || !isTrue(t.On) {
				return false
			}
			return flatten(t.L) && flatten(t.R)
		case *ast.ParenTable:
			return flatten(t.T)
		}
		return false
	}
	for _, t := range sel.From {
		if !flatten(t) {
			return nil
		}
	}
	if base == nil {
		return nil
	}
	alias := strings.ToLower(base.Name.Last().Name)
	if base.Alias != nil {
		alias = strings.ToLower(base.Alias.Name.Name)
	}
	for _, t := range rest {
		switch t := t.(type) {
		case *ast.TableRef:
			if len(t.Name) < 2 || strings.ToLower(t.Name[0].Name) != alias {
				return nil
			}
		case *ast.PathTable:
			if !rootedAt(t.Path, alias) {
				return nil
			}
		}
	}
	return base
}

// isTrue reports whether an ON condition is absent or the literal TRUE.
func isTrue(x ast.Expr) bool {
	if x == nil {
		return true
	}
	return strings.EqualFold(ast.Format(x), "true")
}

// rootedAt reports whether a SUPER path starts at alias.
func rootedAt(x ast.Expr, alias string) bool {
	for {
		switch y := x.(type) {
		case *ast.ColumnRef:
			return len(y.Parts) > 0 && strings.ToLower(y.Parts[0].Name) == alias
		case *ast.Field:
			x = y.X
		case *ast.Index:
			x = y.X
		default:
			return false
		}
	}
}

// incrementalSQL is the view's query over the source rows with rowid in
// (lo, hi], as DuckDB SQL, translated with opts (the view's, with the
// catalog's lookups).
func incrementalSQL(mv *mvRow, opts bsql.Options, st mvState, lo, hi int64) (string, error) {
	stmt, err := parser.Parse(mv.definition)
	if err != nil {
		return "", err
	}
	q := stmt.(ast.Query)
	base := incrementalBase(q)
	if base == nil {
		return "", errorf("materialized view %s: definition is no longer incremental", mv.qualified())
	}
	alias := base.Alias
	if alias == nil {
		alias = &ast.Alias{Name: base.Name.Last()}
	}
	src := ast.QuoteIdent(st.SourceSchema) + "." + ast.QuoteIdent(st.SourceName)
	// The base becomes a subquery over the new rows, under the same alias.
	sub, err := parser.Parse(fmt.Sprintf("SELECT * FROM %s WHERE rowid > %d AND rowid <= %d", src, lo, hi))
	if err != nil {
		return "", err
	}
	replaced := false
	q = ast.Rewrite(q, func(n any) any {
		if t, ok := n.(*ast.TableRef); ok && t == base {
			replaced = true
			return &ast.SubqueryTable{Q: sub.(ast.Query), Alias: alias}
		}
		return n
	}).(ast.Query)
	if !replaced {
		return "", errorf("materialized view %s: base relation not found", mv.qualified())
	}
	tr, err := bsql.Translate(ast.Format(q), opts)
	if err != nil {
		return "", err
	}
	return tr.SQL, nil
}

// maxRowID is the source's largest rowid, -1 when it is empty.
func maxRowID(ctx context.Context, c *Conn, schema, name string) (int64, error) {
	res, err := c.Query(ctx, "SELECT coalesce(max(rowid), -1) FROM "+quoteIdent(schema)+"."+quoteIdent(name))
	if err != nil {
		return 0, err
	}
	var n int64
	if res.Next() {
		n, _ = res.Values()[0].(int64)
	}
	return n, errors.Join(res.Err(), res.Close())
}

func (s *Session) txid(ctx context.Context) int64 {
	res, err := s.conn.Query(ctx, "SELECT txid_current()")
	if err != nil {
		return 0
	}
	defer res.Close()
	if res.Next() {
		switch v := res.Values()[0].(type) {
		case int64:
			return v
		case uint64:
			return int64(v)
		}
	}
	return 0
}

// createOrdinaryMV creates a materialized view whose query reads tables and
// views (no external stream). text is the whole statement as the client sent it.
func (s *Session) createOrdinaryMV(ctx context.Context, n *ast.CreateMaterializedView, text string) (*Result, error) {
	schema, name, err := s.splitName(ctx, n.Name)
	if err != nil {
		return nil, err
	}
	opts := s.Options()
	tr, err := bsql.Translate(n.QueryText, opts)
	if err != nil {
		return nil, err
	}
	if _, ok := tr.Stmt.(ast.Query); !ok || tr.SQL == "" {
		return nil, sqlerr.New(sqlerr.SyntaxError, "a materialized view's definition must be a query")
	}
	auto := n.AutoRefresh != nil && *n.AutoRefresh
	start := time.Now()
	err = s.atomicHere(ctx, func() error {
		c := s.conn
		if existing, ok, err := s.lookupMV(ctx, c, ast.Name{{Name: schema, Quoted: true}, {Name: name, Quoted: true}}); err != nil {
			return err
		} else if ok && existing.schema == schema {
			return sqlerr.New(sqlerr.DuplicateTable, "relation %q already exists", name)
		}
		a, err := s.analyse(ctx, n.QueryText, opts)
		if err != nil {
			return err
		}
		st := mvState{HighWater: -1}
		if a.base != nil {
			st.Incremental, st.SourceSchema, st.SourceName = true, a.baseSchema, a.baseName
			if st.HighWater, err = maxRowID(ctx, c, a.baseSchema, a.baseName); err != nil {
				return err
			}
		}
		query := tr.SQL
		if st.Incremental {
			// Compute exactly the rows up to the mark, so the first refresh
			// starts where this left off.
			mv := &mvRow{schema: schema, name: name, definition: n.QueryText, opts: opts}
			if query, err = incrementalSQL(mv, opts, st, -1, st.HighWater); err != nil {
				return err
			}
		}
		if _, err := c.Exec(ctx, "CREATE TABLE "+quoteIdent(schema)+"."+quoteIdent(name)+" AS "+query); err != nil {
			return err
		}
		stJSON, _ := json.Marshal(st)
		mv := &mvRow{schema: schema, name: name, kind: mvOrdinary, definition: n.QueryText, opts: viewOptions(opts),
			autoRefresh: auto, owner: s.user, highWater: string(stJSON)}
		if err := insertMV(ctx, c, mv); err != nil {
			return err
		}
		for _, d := range a.deps {
			isMV, err := queryMVs(ctx, c, "schema_name = $1 AND name = $2", d[0], d[1])
			if err != nil {
				return err
			}
			if _, err := c.Exec(ctx, `INSERT INTO `+CatalogSchema+`.mv_deps VALUES ($1, $2, $3, $4, $5)`,
				schema, name, d[0], d[1], len(isMV) > 0); err != nil {
				return err
			}
		}
		status := statusRecomputed
		if st.Incremental {
			status = statusIncremental
		}
		return recordRefresh(ctx, c, mv, s.w.database, s.refresher(refreshManual), s.txid(ctx), start, status, "")
	})
	if err != nil {
		return nil, err
	}
	return commandResult("CREATE MATERIALIZED VIEW"), nil
}

// refreshMVs runs REFRESH MATERIALIZED VIEW for an ordinary view, or with
// CASCADE for any view: the view, then (CASCADE) the views that read it,
// each after those it reads. When one fails, the views that read it are
// not refreshed: each gets Redshift's "Cascade refresh skipped" row in the
// refresh history, and the statement fails with the error.
func (s *Session) refreshMVs(ctx context.Context, mv *mvRow, n *ast.RefreshMaterializedView) (*Result, error) {
	views := []*mvRow{mv}
	if n.Cascade {
		deps, err := s.dependents(ctx, mv, true)
		if err != nil {
			return nil, err
		}
		views = append(views, deps...)
	}
	for i, v := range views {
		if v.kind == mvStreaming {
			if _, err := s.refreshStreamingMV(ctx, v); err != nil {
				s.skipCascade(ctx, v, views[i+1:], refreshManual)
				return nil, err
			}
			continue
		}
		msg, err := s.refreshOne(ctx, v, refreshManual)
		if err != nil {
			s.skipCascade(ctx, v, views[i+1:], refreshManual)
			return nil, err
		}
		s.Notify(Notice{Severity: "INFO", Message: msg})
	}
	return commandResult("REFRESH MATERIALIZED VIEW"), nil
}

// skipCascade records, for each of rest that reads failed (directly or
// through others), that a cascading refresh skipped it. Outside a block
// only: a failure inside one aborts it, history and all.
func (s *Session) skipCascade(ctx context.Context, failed *mvRow, rest []*mvRow, refreshType string) {
	if len(rest) == 0 || s.inBlock() {
		return
	}
	ctx = context.WithoutCancel(ctx)
	readers, err := s.dependents(ctx, failed, true)
	if err != nil {
		return
	}
	reads := map[int64]bool{}
	for _, r := range readers {
		reads[r.id] = true
	}
	prefix := "Cascade refresh skipped"
	if refreshType == refreshAuto {
		prefix = "Cascade auto refresh skipped"
	}
	status := fmt.Sprintf("%s because materialized view %s was not refreshed.", prefix, failed.qualified())
	now := time.Now()
	if err := s.w.Update(ctx, func(c *Conn) error {
		for _, v := range rest {
			if reads[v.id] {
				if err := recordRefresh(ctx, c, v, s.w.database, s.refresher(refreshType), 0, now, status, ""); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		s.log.Warn("record skipped refreshes", "view", failed.qualified(), "err", err)
	}
}

// refreshOne refreshes one ordinary view in the session's transaction (or
// one of its own) and returns the INFO message for the client.
func (s *Session) refreshOne(ctx context.Context, mv *mvRow, refreshType string) (string, error) {
	// What the AUTO REFRESH loop knows of the view's staleness holds no
	// longer (mv_changes.go).
	defer s.w.ingest.changes.refreshing(mv.id)()
	st, err := readMVState(mv)
	if err != nil {
		return "", err
	}
	start := time.Now()
	var msg string
	err = s.atomicHere(ctx, func() error {
		c := s.conn
		table := quoteIdent(mv.schema) + "." + quoteIdent(mv.name)
		status := statusRecomputed
		if st.Incremental {
			hi, err := maxRowID(ctx, c, st.SourceSchema, st.SourceName)
			if err != nil {
				return err
			}
			switch {
			case hi < st.HighWater:
				// The source lost rows (dropped and made again): start over.
				if _, err := c.Exec(ctx, "DELETE FROM "+table); err != nil {
					return err
				}
				st.HighWater = -1
				fallthrough
			case hi > st.HighWater:
				q, err := incrementalSQL(mv, s.catalogOptions(mv.opts), st, st.HighWater, hi)
				if err != nil {
					return err
				}
				if _, err := c.Exec(ctx, "INSERT INTO "+table+" "+q); err != nil {
					return err
				}
				status = statusIncremental
				msg = fmt.Sprintf("Materialized view %s was incrementally updated successfully.", mv.name)
			default:
				status = statusUpToDate
				msg = fmt.Sprintf("Materialized view %s is already up to date.", mv.name)
			}
			st.HighWater = hi
		} else {
			tr, err := bsql.Translate(mv.definition, s.catalogOptions(mv.opts))
			if err != nil {
				return err
			}
			if _, err := c.Exec(ctx, "DELETE FROM "+table); err != nil {
				return err
			}
			if _, err := c.Exec(ctx, "INSERT INTO "+table+" "+tr.SQL); err != nil {
				return err
			}
			msg = fmt.Sprintf("Materialized view %s was fully recomputed, because its definition cannot be refreshed incrementally.", mv.name)
		}
		stJSON, _ := json.Marshal(st)
		if _, err := c.Exec(ctx, "UPDATE "+CatalogSchema+".materialized_views SET high_water = $1 WHERE id = $2",
			string(stJSON), mv.id); err != nil {
			return err
		}
		if err := markRefreshed(ctx, c, mv, nil, nil); err != nil {
			return err
		}
		mv.highWater = string(stJSON)
		return recordRefresh(ctx, c, mv, s.w.database, s.refresher(refreshType), s.txid(ctx), start, status, "")
	})
	if err != nil {
		s.recordOrdinaryFailure(ctx, mv, refreshType, start, err)
		return "", err
	}
	s.w.ingest.changes.publish(relationNames(mv.schema, mv.name)...)
	return msg, nil
}

// refresher is who refreshes in s, for the history.
func (s *Session) refresher(kind string) refreshBy { return refreshBy{kind: kind, user: s.user} }

// recordOrdinaryFailure writes a failed refresh in a transaction of its own,
// when the session is not inside a block (whose failure aborts it).
func (s *Session) recordOrdinaryFailure(ctx context.Context, mv *mvRow, refreshType string, start time.Time, cause error) {
	if s.inBlock() {
		return
	}
	ctx = context.WithoutCancel(ctx)
	status, infoState := refreshFailure(cause)
	if err := s.w.Update(ctx, func(c *Conn) error {
		if err := markFailed(ctx, c, mv, infoState); err != nil {
			return err
		}
		return recordRefresh(ctx, c, mv, s.w.database, s.refresher(refreshType), 0, start, status, cause.Error())
	}); err != nil {
		s.log.Warn("record failed refresh", "view", mv.qualified(), "err", err)
	}
}

// dependents returns the materialized views that read mv, directly or
// through others, each after every view it reads (refresh order). With
// transitive false only direct dependents are returned.
func (s *Session) dependents(ctx context.Context, mv *mvRow, transitive bool) ([]*mvRow, error) {
	var out []*mvRow
	seen := map[int64]bool{mv.id: true}
	var visit func(schema, name string) error
	visit = func(schema, name string) error {
		rows, err := queryMVs(ctx, s.conn, `(schema_name, name) IN (SELECT schema_name, name FROM `+CatalogSchema+`.mv_deps
			WHERE ref_schema = $1 AND ref_name = $2)`, schema, name)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if seen[r.id] {
				continue
			}
			seen[r.id] = true
			out = append(out, r)
			if transitive {
				if err := visit(r.schema, r.name); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := visit(mv.schema, mv.name); err != nil {
		return nil, err
	}
	// Order so that every view comes after the views it reads among out.
	return orderByDeps(ctx, s.conn, out)
}

// orderByDeps sorts views so each comes after those of them it reads.
func orderByDeps(ctx context.Context, c *Conn, views []*mvRow) ([]*mvRow, error) {
	reads := map[int64]map[string]bool{}
	for _, v := range views {
		res, err := c.Query(ctx, "SELECT ref_schema || '.' || ref_name FROM "+CatalogSchema+".mv_deps WHERE schema_name = $1 AND name = $2", v.schema, v.name)
		if err != nil {
			return nil, err
		}
		reads[v.id] = map[string]bool{}
		for res.Next() {
			reads[v.id][res.Values()[0].(string)] = true
		}
		if err := errors.Join(res.Err(), res.Close()); err != nil {
			return nil, err
		}
	}
	var out []*mvRow
	placed := map[int64]bool{}
	for len(out) < len(views) {
		progress := false
		for _, v := range views {
			if placed[v.id] {
				continue
			}
			ready := true
			for _, w := range views {
				if !placed[w.id] && w.id != v.id && reads[v.id][w.qualified()] {
					ready = false
				}
			}
			if ready {
				out, placed[v.id], progress = append(out, v), true, true
			}
		}
		if !progress { // a cycle cannot happen; keep the rest in order
			for _, v := range views {
				if !placed[v.id] {
					out, placed[v.id] = append(out, v), true
				}
			}
		}
	}
	return out, nil
}

// alterOrdinaryMV sets AUTO REFRESH on an ordinary materialized view.
func (s *Session) alterOrdinaryMV(ctx context.Context, mv *mvRow, n *ast.AlterMaterializedView) (*Result, error) {
	err := s.atomicHere(ctx, func() error {
		_, err := s.conn.Exec(ctx, "UPDATE "+CatalogSchema+".materialized_views SET auto_refresh = $1 WHERE id = $2", n.AutoRefresh, mv.id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if n.AutoRefresh {
		// Let the refresher look at the view's sources now.
		res, err := s.conn.Query(ctx, "SELECT ref_schema, ref_name FROM "+CatalogSchema+".mv_deps WHERE schema_name = $1 AND name = $2", mv.schema, mv.name)
		if err != nil {
			return nil, err
		}
		var names []string
		for res.Next() {
			v := res.Values()
			names = append(names, relationNames(v[0].(string), v[1].(string))...)
		}
		if err := errors.Join(res.Err(), res.Close()); err != nil {
			return nil, err
		}
		s.w.ingest.changes.publish(names...)
	}
	return commandResult("ALTER MATERIALIZED VIEW"), nil
}

// atomicHere is Session.Atomic that also joins the transaction a stored
// procedure has open on the session's connection (a procedure's statements
// run there while the session itself is idle).
func (s *Session) atomicHere(ctx context.Context, fn func() error) error {
	if s.inProcedureTxn() {
		return fn()
	}
	return s.Atomic(ctx, fn)
}

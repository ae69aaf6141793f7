package warehouse

// Streaming materialized views: CREATE (the query's checks, its table),
// ALTER ... AUTO REFRESH and DROP. A streaming view's query runs over each
// batch of records, staged in a temporary table that has the stream
// relation's columns (stageTable); see refresh.go.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/source"
	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/parser"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// stageTable is the temporary table a batch is appended to, on the
// ingesting connection. It has the stream relation's columns, with the
// types Redshift gives them (VARBYTE as BLOB).
const stageTable = "bs_stream_batch"

// maxRecordBytes is the largest kinesis_data a streaming view ingests:
// Redshift's VARBYTE limit. Larger records are skipped and reported.
const maxRecordBytes = 1_024_000

var stageDDL = map[string]string{
	"kinesis": `CREATE TEMP TABLE IF NOT EXISTS ` + stageTable + ` (
		approximate_arrival_timestamp TIMESTAMP, partition_key VARCHAR, shard_id VARCHAR,
		sequence_number VARCHAR, refresh_time TIMESTAMP, kinesis_data BLOB)`,
	"kafka": `CREATE TEMP TABLE IF NOT EXISTS ` + stageTable + ` (
		kafka_partition BIGINT, kafka_offset BIGINT, kafka_timestamp_type CHAR(1),
		kafka_timestamp TIMESTAMP, kafka_key BLOB, kafka_value BLOB,
		kafka_headers VARIANT, refresh_time TIMESTAMP)`,
}

func stageKind(sourceKind string) string {
	if sourceKind == "kinesis" {
		return "kinesis"
	}
	return "kafka"
}

// streamFunctions are DuckDB definitions of the Redshift functions streaming
// views use most, installed as temporary macros on ingesting connections
// only where the SQL front end's prelude does not define them already.
var streamFunctions = []struct{ name, sql string }{
	{"json_parse", `CREATE TEMP MACRO json_parse(x) AS CAST(CAST(decode(CAST(x AS BLOB)) AS JSON) AS VARIANT)`},
	{"can_json_parse", `CREATE TEMP MACRO can_json_parse(x) AS coalesce(json_valid(try(decode(CAST(x AS BLOB)))), false)`},
	{"from_varbyte", `CREATE TEMP MACRO from_varbyte(x, f) AS CASE lower(f)
		WHEN 'hex' THEN lower(hex(x)) WHEN 'base64' THEN to_base64(x) ELSE decode(x) END`},
}

// prepareIngestConn readies a connection for a view's batches: the staging
// table and the stream functions.
func prepareIngestConn(ctx context.Context, c *Conn, sourceKind string) error {
	if _, err := c.Exec(ctx, stageDDL[stageKind(sourceKind)]); err != nil {
		return errorf("staging table: %w", err)
	}
	for _, f := range streamFunctions {
		res, err := c.Query(ctx, "SELECT 1 FROM duckdb_functions() WHERE function_name = $1", f.name)
		if err != nil {
			return errorf("stream functions: %w", err)
		}
		exists := res.Next()
		if err := errors.Join(res.Err(), res.Close()); err != nil {
			return errorf("stream functions: %w", err)
		}
		if !exists {
			if _, err := c.Exec(ctx, f.sql); err != nil {
				return errorf("stream function %s: %w", f.name, err)
			}
		}
	}
	return nil
}

// batchQuery is a streaming view's query made to read the staging table:
// DuckDB SQL, and whether it parses kinesis_data as JSON (then records that
// are not JSON are skipped and reported instead of failing the refresh).
type batchQuery struct {
	sql       string
	parseJSON bool
}

// compileStreaming reads a streaming view's definition and rewrites its
// stream reference to the staging table.
func compileStreaming(mv *mvRow) (*batchQuery, error) {
	stmt, err := parser.Parse(mv.definition)
	if err != nil {
		return nil, err
	}
	q, ok := stmt.(ast.Query)
	if !ok {
		return nil, sqlerr.New(sqlerr.InternalError, "materialized view %s: definition is not a query", mv.qualified())
	}
	var ref *ast.TableRef
	walkTableRefs(q, func(t *ast.TableRef) {
		if len(t.Name) == 2 && foldIdent(t.Name[0], mv.opts) == mv.extSchema && foldIdent(t.Name[1], mv.opts) == mv.stream {
			ref = t
		}
	})
	if ref == nil {
		return nil, sqlerr.New(sqlerr.InternalError, "materialized view %s: stream reference not found in its definition", mv.qualified())
	}
	if ref.Alias == nil {
		ref.Alias = &ast.Alias{Name: ref.Name[1]}
	}
	ref.Name = ast.Name{{Name: stageTable}}
	tr, err := bsql.Translate(ast.Format(q), mv.opts)
	if err != nil {
		return nil, err
	}
	return &batchQuery{sql: tr.SQL, parseJSON: callsJSONParseOnData(q)}, nil
}

// validateStreamingQuery enforces Redshift's rules for a streaming view.
func validateStreamingQuery(q ast.Query, ref *streamRef) error {
	if ref.count > 1 {
		return sqlerr.New(sqlerr.FeatureNotSupported, "Materialized views on external streams can reference only one stream.")
	}
	sel, ok := q.(*ast.Select)
	if !ok {
		return sqlerr.New(sqlerr.FeatureNotSupported, "Materialized views on external streams don't support UNION, INTERSECT or EXCEPT.")
	}
	if len(sel.From) != 1 || sel.From[0] != ast.TableExpr(ref.ref) {
		return sqlerr.New(sqlerr.FeatureNotSupported, "Materialized views on external streams don't support JOIN or more than one relation in FROM.")
	}
	var what []string
	if sel.With != nil {
		what = append(what, "WITH")
	}
	if sel.Distinct || len(sel.DistinctOn) > 0 {
		what = append(what, "DISTINCT")
	}
	if len(sel.GroupBy) > 0 || sel.GroupAll || sel.Having != nil {
		what = append(what, "GROUP BY")
	}
	if len(sel.OrderBy) > 0 || sel.Limit != nil || sel.Offset != nil || sel.Top != nil {
		what = append(what, "ORDER BY, LIMIT or TOP")
	}
	if len(sel.Windows) > 0 || sel.Qualify != nil {
		what = append(what, "window functions")
	}
	if len(what) > 0 {
		return sqlerr.New(sqlerr.FeatureNotSupported, "Materialized views on external streams don't support %s.", strings.Join(what, ", "))
	}
	return nil
}

// callsJSONParseOnData reports whether the select list or WHERE clause
// calls json_parse on the stream's data column.
func callsJSONParseOnData(q ast.Query) bool {
	sel, ok := q.(*ast.Select)
	if !ok {
		return false
	}
	found := false
	var expr func(x ast.Expr)
	exprs := func(xs []ast.Expr) {
		for _, x := range xs {
			expr(x)
		}
	}
	expr = func(x ast.Expr) {
		if found || x == nil {
			return
		}
		switch x := x.(type) {
		case *ast.Func:
			if n := x.Name.Last(); strings.EqualFold(n.Name, "json_parse") && len(x.Args) > 0 {
				if c, ok := x.Args[0].(*ast.ColumnRef); ok && len(c.Parts) > 0 {
					switch strings.ToLower(c.Parts[len(c.Parts)-1].Name) {
					case "kinesis_data", "kafka_value":
						found = true
						return
					}
				}
			}
			exprs(x.Args)
		case *ast.Cast:
			expr(x.X)
		case *ast.Paren:
			expr(x.X)
		case *ast.Field:
			expr(x.X)
		case *ast.Index:
			expr(x.X)
		case *ast.Unary:
			expr(x.X)
		case *ast.Binary:
			expr(x.L)
			expr(x.R)
		case *ast.Is:
			expr(x.X)
		case *ast.Case:
			expr(x.Operand)
			for _, w := range x.Whens {
				expr(w.Cond)
				expr(w.Then)
			}
			expr(x.Else)
		}
	}
	for _, it := range sel.Items {
		expr(it.X)
	}
	expr(sel.Where)
	return found
}

func errInTxBlock(what string) error {
	return sqlerr.New(sqlerr.ActiveSQLTransaction, "%s of a streaming materialized view cannot run inside a transaction block", what)
}

func (s *Session) createStreamingMV(ctx context.Context, n *ast.CreateMaterializedView, ref *streamRef) (*Result, error) {
	if s.tx != TxIdle {
		return nil, errInTxBlock("CREATE MATERIALIZED VIEW")
	}
	if err := validateStreamingQuery(n.Q, ref); err != nil {
		return nil, err
	}
	schema, name, err := s.splitName(ctx, n.Name)
	if err != nil {
		return nil, err
	}
	if ref.schema.source == "kinesis" {
		rd, err := s.w.ingest.sources.Open(ctx, ref.schema.spec())
		if err != nil {
			return nil, sourceError(err)
		}
		if _, err := rd.Shards(ctx, ref.stream); err != nil {
			return nil, sourceError(err)
		}
	}
	opts := s.Options()
	mv := &mvRow{schema: schema, name: name, kind: mvStreaming, definition: n.QueryText, opts: opts,
		autoRefresh: n.AutoRefresh != nil && *n.AutoRefresh, state: mvStateActive, owner: s.user,
		extSchema: ref.schema.name, stream: ref.stream}
	bq, err := compileStreaming(mv)
	if err != nil {
		return nil, err
	}
	err = s.w.updateOn(ctx, func(c *Conn) error {
		if err := prepareIngestConn(ctx, c, ref.schema.source); err != nil {
			return err
		}
		if _, err := c.Exec(ctx, "CREATE TABLE "+quoteIdent(schema)+"."+quoteIdent(name)+
			" AS SELECT * FROM ("+bq.sql+") LIMIT 0"); err != nil {
			return err
		}
		res, err := c.Query(ctx, "SELECT nextval('"+CatalogSchema+".mv_id_seq')")
		if err != nil {
			return err
		}
		if res.Next() {
			mv.id = res.Values()[0].(int64)
		}
		if err := errors.Join(res.Err(), res.Close()); err != nil {
			return err
		}
		_, err = c.Exec(ctx, `INSERT INTO `+CatalogSchema+`.materialized_views
			(id, schema_name, name, kind, definition, case_sensitive, case_sensitive_super,
			 auto_refresh, state, owner, external_schema, stream_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			mv.id, schema, name, mvStreaming, mv.definition, opts.CaseSensitive, opts.CaseSensitiveSuper,
			mv.autoRefresh, mvStateActive, s.user, mv.extSchema, mv.stream)
		return err
	})
	if err != nil {
		return nil, err
	}
	if mv.autoRefresh {
		s.w.ingest.startLoop(mv)
	}
	return commandResult("CREATE MATERIALIZED VIEW"), nil
}

// updateOn runs fn in a transaction of its own on a fresh connection; it is
// Update under a name that says the connection is not the session's.
func (w *Warehouse) updateOn(ctx context.Context, fn func(c *Conn) error) error {
	return w.Update(ctx, fn)
}

func (s *Session) refreshStreamingMV(ctx context.Context, mv *mvRow) (*Result, error) {
	if s.tx != TxIdle {
		return nil, errInTxBlock("REFRESH MATERIALIZED VIEW")
	}
	if err := s.w.ingest.refresh(ctx, mv, refreshManual, s.user); err != nil {
		return nil, err
	}
	s.Notify(Notice{Severity: "INFO", Message: fmt.Sprintf("Materialized view %s was incrementally updated successfully.", mv.name)})
	return commandResult("REFRESH MATERIALIZED VIEW"), nil
}

func (s *Session) alterStreamingMV(ctx context.Context, mv *mvRow, auto bool) (*Result, error) {
	if s.tx != TxIdle {
		return nil, errInTxBlock("ALTER MATERIALIZED VIEW")
	}
	if err := s.w.Update(ctx, func(c *Conn) error {
		_, err := c.Exec(ctx, "UPDATE "+CatalogSchema+".materialized_views SET auto_refresh = $1 WHERE id = $2", auto, mv.id)
		return err
	}); err != nil {
		return nil, err
	}
	mv.autoRefresh = auto
	if auto {
		s.w.ingest.startLoop(mv)
	} else {
		s.w.ingest.stopLoop(mv.id)
	}
	return commandResult("ALTER MATERIALIZED VIEW"), nil
}

func (s *Session) dropStreamingMV(ctx context.Context, mv *mvRow) error {
	if s.tx != TxIdle {
		return errInTxBlock("DROP MATERIALIZED VIEW")
	}
	return s.w.ingest.drop(ctx, mv)
}

// sourceError classifies a reader's error for the client.
func sourceError(err error) error {
	switch {
	case errors.Is(err, source.ErrNotAvailable):
		return sqlerr.Wrap(sqlerr.FeatureNotSupported, err, "streaming ingestion")
	case errors.Is(err, source.ErrStreamNotFound):
		return sqlerr.Wrap(sqlerr.UndefinedTable, err, "stream")
	}
	if _, ok := sqlerr.As(err); ok {
		return err
	}
	return sqlerr.Wrap(sqlerr.ExternalRoutineException, err, "stream source")
}

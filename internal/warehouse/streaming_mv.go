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

// stagedJSON is the staging table's column that holds a record's data as
// JSON text, staged only for a view that stores it as its SUPER column
// (batchQuery.jsonText): the bytes checkJSON has passed, appended as they
// are, so DuckDB neither decodes nor parses them again on the way to the
// view's table (a cast to JSON parses the whole text).
const stagedJSON = "bs_json"

// maxRecordBytes is the largest kinesis_data a streaming view ingests:
// Redshift's VARBYTE limit. Larger records are skipped and reported.
const maxRecordBytes = 1_024_000

var stageDDL = map[string]string{
	"kinesis": `CREATE TEMP TABLE IF NOT EXISTS ` + stageTable + ` (
		approximate_arrival_timestamp TIMESTAMP, partition_key VARCHAR, shard_id VARCHAR,
		sequence_number VARCHAR, refresh_time TIMESTAMP, kinesis_data BLOB,
		` + stagedJSON + ` JSON)`,
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

// prepareIngestConn readies a connection for a view's batches: the staging
// table. The Redshift functions a view's query calls (json_parse,
// can_json_parse, from_varbyte, ...) are the SQL front end's translation and
// its prelude's macros, which every connection has.
func prepareIngestConn(ctx context.Context, c *Conn, sourceKind string) error {
	if _, err := c.Exec(ctx, stageDDL[stageKind(sourceKind)]); err != nil {
		return errorf("staging table: %w", err)
	}
	if _, err := c.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS `+probeTable+` AS SELECT * FROM `+stageTable+` LIMIT 0`); err != nil {
		return errorf("probe table: %w", err)
	}
	return nil
}

// batchQuery is a streaming view's query made to read the staging table:
// DuckDB SQL, and whether it parses kinesis_data as JSON (then records that
// are not JSON are skipped and reported instead of failing the refresh).
type batchQuery struct {
	sql       string
	probeSQL  string // the same over probeTable
	parseJSON bool
	// jsonText: a select item stores the record's data as JSON text, read
	// from the staged column stagedJSON.
	jsonText bool
	// readsData: the query reads the data column (kinesis_data) itself,
	// so it must be staged.
	readsData bool
	// exactSQL is sql for a batch with records that hold a number DuckDB's
	// conversion to VARIANT would change (an integer beyond 64 bits, a
	// decimal beyond a double's precision): its checked json_parse calls
	// keep such numbers exact (super_number.go). The same as sql when the
	// query parses no record. (The JSON text a select item stores is
	// marked for its readers where it is staged: ingestor.stage.)
	exactSQL string
}

// compileStreaming reads a streaming view's definition and rewrites its
// stream reference to the staging table (and, for isolate, to the probe
// table).
func compileStreaming(mv *mvRow) (*batchQuery, error) {
	bq, err := compileStreamingFrom(mv, stageTable, false)
	if err != nil {
		return nil, err
	}
	probe, err := compileStreamingFrom(mv, probeTable, false)
	if err != nil {
		return nil, err
	}
	bq.probeSQL = probe.sql
	bq.exactSQL = bq.sql
	if bq.parseJSON {
		exact, err := compileStreamingFrom(mv, stageTable, true)
		if err != nil {
			return nil, err
		}
		bq.exactSQL = exact.sql
	}
	return bq, nil
}

func compileStreamingFrom(mv *mvRow, table string, exact bool) (*batchQuery, error) {
	stmt, err := parser.Parse(mv.definition)
	if err != nil {
		return nil, err
	}
	q, ok := stmt.(ast.Query)
	if !ok {
		return nil, sqlerr.New(sqlerr.InternalError, "materialized view %s: definition is not a query", mv.qualified())
	}
	var ref *ast.TableRef
	for _, t := range ast.Tables(q) {
		if len(t.Name) == 2 && foldIdent(t.Name[0], mv.opts) == mv.extSchema && foldIdent(t.Name[1], mv.opts) == mv.stream {
			ref = t
		}
	}
	if ref == nil {
		return nil, sqlerr.New(sqlerr.InternalError, "materialized view %s: stream reference not found in its definition", mv.qualified())
	}
	if ref.Alias == nil {
		ref.Alias = &ast.Alias{Name: ref.Name[1]}
	}
	ref.Name = ast.Name{{Name: table}}
	bq := &batchQuery{parseJSON: callsJSONParseOnData(q)}
	if bq.parseJSON {
		bq.jsonText = trustCheckedJSON(q, exact)
	}
	bq.readsData = readsDataColumn(q)
	tr, err := bsql.Translate(ast.Format(q), mv.opts)
	if err != nil {
		return nil, err
	}
	bq.sql = tr.SQL
	return bq, nil
}

// Messages for the rules of streaming views (0A000). Redshift's
// documentation words the first two (its limitations for streaming
// ingestion); the server's own error text for them is not published, so
// these follow the documentation. The third names what blueshift does not
// maintain: a streaming view's query runs over each batch of records, so it
// must be a per-record projection and filter (Redshift: "The materialized
// view must be incrementally maintainable").
const (
	msgStreamOneStream = "Your streaming ingestion materialized view can reference only one stream."
	msgStreamJoin      = "JOINs are not currently supported in materialized views created on a stream."
	hintStreamJoin     = "After creating a materialized view on your stream, you can create another materialized view that joins it to other materialized views, tables or views."
	msgStreamConstruct = "%s is not supported in materialized views created on a stream: the materialized view must be incrementally maintainable, one record at a time."
)

// validateStreamingQuery enforces the rules for a streaming view.
func validateStreamingQuery(q ast.Query, ref *streamRef) error {
	if ref.count > 1 {
		return sqlerr.New(sqlerr.FeatureNotSupported, msgStreamOneStream)
	}
	sel, ok := q.(*ast.Select)
	if !ok {
		return sqlerr.New(sqlerr.FeatureNotSupported, msgStreamConstruct, "UNION, INTERSECT or EXCEPT")
	}
	if len(sel.From) != 1 || sel.From[0] != ast.TableExpr(ref.ref) {
		return &sqlerr.Error{Code: sqlerr.FeatureNotSupported, Message: msgStreamJoin, Hint: hintStreamJoin}
	}
	var what string
	switch {
	case sel.With != nil:
		what = "WITH"
	case sel.Distinct || len(sel.DistinctOn) > 0:
		what = "DISTINCT"
	case len(sel.GroupBy) > 0 || sel.GroupAll || sel.Having != nil:
		what = "GROUP BY"
	case len(sel.OrderBy) > 0 || sel.Limit != nil || sel.Offset != nil || sel.Top != nil:
		what = "ORDER BY, LIMIT or TOP"
	case len(sel.Windows) > 0 || sel.Qualify != nil:
		what = "A window function"
	default:
		ast.Walk(sel, func(n any) bool {
			if f, ok := n.(*ast.Func); ok && what == "" {
				switch name := strings.ToLower(f.Name.Last().Name); {
				case f.Over != nil:
					what = "A window function (" + name + ")"
				case aggregateFuncs[name] && !volatileFuncs[name]:
					what = "An aggregate function (" + name + ")"
				}
			}
			return what == ""
		})
	}
	if what != "" {
		return sqlerr.New(sqlerr.FeatureNotSupported, msgStreamConstruct, what)
	}
	return nil
}

// callsJSONParseOnData reports whether the query calls json_parse on the
// stream's data column anywhere, as the documentation writes it:
// json_parse(kinesis_data), json_parse(from_varbyte(kinesis_data,
// 'utf-8')), or on the column cast to a character type. Records are then
// checked in Go before DuckDB sees them (checkJSON); any other form is
// guarded by rs_json_check, and a record it refuses is found and skipped by
// isolate (refresh_isolate.go).
func callsJSONParseOnData(q ast.Query) bool {
	found := false
	ast.Walk(q, func(n any) bool {
		if f, ok := n.(*ast.Func); ok && !found && strings.EqualFold(f.Name.Last().Name, "json_parse") && len(f.Args) > 0 {
			found = isDataText(f.Args[0])
		}
		return !found
	})
	return found
}

// trustCheckedJSON renames the query's json_parse calls over the data
// column as text (the ones callsJSONParseOnData finds) to
// rs_json_parse_checked, which skips rs_json_check: checkJSON has passed
// every record they read before it was staged. Checking each record twice
// made ingestion three times slower.
//
// A select item that is the call itself, named (json_parse(kinesis_data)
// AS payload), reads the staged JSON text instead (stagedJSON), and
// trustCheckedJSON reports that it found one: the column stores the
// record's text as JSON, with no conversion and no second parse, and reads
// as the VARIANT the other form stores (SUPER as JSON text,
// docs/design/super.md). A view made by an earlier version keeps its
// VARIANT column, which converts the JSON on insert as the other form
// does.
//
// With exact (a batch whose records hold numbers DuckDB's conversion
// would change), the calls are checkedJSONParseExact, which keeps them
// exact.
func trustCheckedJSON(q ast.Query, exact bool) (jsonText bool) {
	parse := checkedJSONParse
	if exact {
		parse = checkedJSONParseExact
	}
	if sel, ok := q.(*ast.Select); ok {
		for i, it := range sel.Items {
			if f, ok := it.X.(*ast.Func); ok && it.Alias != nil && strings.EqualFold(f.Name.Last().Name, "json_parse") &&
				len(f.Args) == 1 && isDataText(f.Args[0]) && f.Over == nil && f.Filter == nil {
				sel.Items[i].X = &ast.ColumnRef{Parts: []ast.Ident{{Name: stagedJSON}}}
				jsonText = true
			}
		}
	}
	ast.Walk(q, func(n any) bool {
		if f, ok := n.(*ast.Func); ok && strings.EqualFold(f.Name.Last().Name, "json_parse") && len(f.Args) == 1 && isDataText(f.Args[0]) {
			f.Name = ast.Name{{Name: parse}}
		}
		return true
	})
	return jsonText
}

// readsDataColumn reports whether q reads the stream's data column (after
// trustCheckedJSON, which takes the reads it serves from stagedJSON).
func readsDataColumn(q ast.Query) bool {
	found := false
	ast.Walk(q, func(n any) bool {
		if c, ok := n.(*ast.ColumnRef); ok && !found {
			if c.Star && len(c.Parts) <= 1 {
				found = true // a star reads every column
			}
			if len(c.Parts) > 0 {
				switch strings.ToLower(c.Parts[len(c.Parts)-1].Name) {
				case "kinesis_data", "kafka_value":
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// isDataText reports whether x is the stream's data column as text: the
// column itself, from_varbyte(column, 'utf-8' | 'utf8'), or a cast of it to
// a character type.
func isDataText(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.ColumnRef:
		if len(x.Parts) == 0 {
			return false
		}
		switch strings.ToLower(x.Parts[len(x.Parts)-1].Name) {
		case "kinesis_data", "kafka_value":
			return true
		}
	case *ast.Func:
		if strings.EqualFold(x.Name.Last().Name, "from_varbyte") && len(x.Args) == 2 {
			if l, ok := x.Args[1].(*ast.Literal); ok && l.Kind == ast.LitString {
				switch strings.ToLower(l.Value) {
				case "utf-8", "utf8":
					return isDataText(x.Args[0])
				}
			}
		}
	case *ast.Cast:
		if x.Type != nil {
			switch strings.ToLower(x.Type.Name.Last().Name) {
			case "varchar", "character varying", "text", "char", "character", "nvarchar", "bpchar":
				return isDataText(x.X)
			}
		}
	case *ast.Paren:
		return isDataText(x.X)
	}
	return false
}

func errInTxBlock(what string) error {
	return sqlerr.New(sqlerr.ActiveSQLTransaction, "%s of a streaming materialized view cannot run inside a transaction block", what)
}

func (s *Session) createStreamingMV(ctx context.Context, n *ast.CreateMaterializedView, ref *streamRef) (*Result, error) {
	if s.inBlock() {
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
	mv := &mvRow{schema: schema, name: name, kind: mvStreaming, definition: n.QueryText, opts: viewOptions(opts),
		autoRefresh: n.AutoRefresh != nil && *n.AutoRefresh, state: mvStateActive, owner: s.user,
		extSchema: ref.schema.name, stream: ref.stream}
	bq, err := compileStreaming(mv)
	if err != nil {
		return nil, err
	}
	err = s.w.Update(ctx, func(c *Conn) error {
		if err := prepareIngestConn(ctx, c, ref.schema.source); err != nil {
			return err
		}
		ddl, err := streamingTableDDL(ctx, c, quoteIdent(schema)+"."+quoteIdent(name), bq.sql)
		if err != nil {
			return err
		}
		if _, err := c.Exec(ctx, ddl); err != nil {
			return err
		}
		return insertMV(ctx, c, mv)
	})
	if err != nil {
		return nil, err
	}
	if mv.autoRefresh {
		s.w.ingest.startLoop(mv)
	}
	return commandResult("CREATE MATERIALIZED VIEW"), nil
}

// streamingTableDDL is the CREATE TABLE of a streaming view's table: the
// columns of its batch query, with the types DuckDB gives them. A column
// of JSON text (the records, stagedJSON) is compressed with ZSTD, not
// DuckDB's choice: on the article's change records (1.1 KB of JSON each)
// writing 200,000 of them to the table took 1.03 s with the choice
// (DICT_FSST, 70 MB) and 0.46 s with ZSTD (18 MB), and the unnest view read
// them back within 5% of the time. A view's batch spends most of its time
// writing its records, so this halves it. DuckDB keeps a column's
// compression in its catalog, across restarts.
func streamingTableDDL(ctx context.Context, c *Conn, table, query string) (string, error) {
	res, err := c.Query(ctx, "DESCRIBE SELECT * FROM ("+query+") LIMIT 0")
	if err != nil {
		return "", err
	}
	var cols []string
	for res.Next() {
		v := res.Values()
		name, typ := v[0].(string), v[1].(string)
		col := quoteIdent(name) + " " + typ
		if typ == "JSON" {
			col += " USING COMPRESSION zstd"
		}
		cols = append(cols, col)
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return "", errorf("columns of the batch query: %w", err)
	}
	return "CREATE TABLE " + table + " (" + strings.Join(cols, ", ") + ")", nil
}

func (s *Session) refreshStreamingMV(ctx context.Context, mv *mvRow) (*Result, error) {
	if s.inBlock() {
		return nil, errInTxBlock("REFRESH MATERIALIZED VIEW")
	}
	if err := s.w.ingest.refresh(ctx, mv, refreshBy{kind: refreshManual, user: s.user}); err != nil {
		return nil, err
	}
	s.Notify(Notice{Severity: "INFO", Message: fmt.Sprintf("Materialized view %s was incrementally updated successfully.", mv.name)})
	return commandResult("REFRESH MATERIALIZED VIEW"), nil
}

func (s *Session) alterStreamingMV(ctx context.Context, mv *mvRow, auto bool) (*Result, error) {
	if s.inBlock() {
		return nil, errInTxBlock("ALTER MATERIALIZED VIEW")
	}
	if err := s.w.Update(ctx, func(c *Conn) error {
		if _, err := c.Exec(ctx, "UPDATE "+CatalogSchema+".materialized_views SET auto_refresh = $1 WHERE id = $2", auto, mv.id); err != nil {
			return err
		}
		return resumeMV(ctx, c, mv.id) // refresh_marker.go: either clears a pause
	}); err != nil {
		return nil, err
	}
	s.w.ingest.resumed(mv.id)
	mv.autoRefresh = auto
	if auto {
		s.w.ingest.startLoop(mv)
	} else {
		s.w.ingest.stopLoop(mv.id)
	}
	return commandResult("ALTER MATERIALIZED VIEW"), nil
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

package warehouse

// The materialized-view catalog, shared by both kinds of materialized view.
//
// One table, blueshift_catalog.materialized_views, lists every materialized
// view: its schema and name, its kind, the query as the user wrote it, the
// session options it was read with, AUTO REFRESH, a state, and high-water
// marks. The view's rows live in an ordinary DuckDB table of the same
// schema and name, so users query it like any table.
//
//   - kind 'streaming': the query reads one stream of an external schema.
//     streaming_mv.go creates it, refresh.go refreshes it (its per-shard
//     positions are in mv_stream_positions, committed in the same DuckDB
//     transaction as the rows they produced), autorefresh.go runs AUTO
//     REFRESH loops.
//   - kind 'ordinary': any other query. exec_materialized_view.go hands
//     these to createOrdinaryMV, refreshOrdinaryMV, alterOrdinaryMV and
//     dropOrdinaryMV (mv_ordinary.go), which keep their own state in the
//     high_water column (free-form JSON owned by that code).
//
// CREATE MATERIALIZED VIEW decides the kind (isStreamingQuery); REFRESH,
// ALTER and DROP read it from the catalog row. Both kinds record refreshes
// in mv_refresh_history (SVL_MV_REFRESH_STATUS, SYS_MV_REFRESH_HISTORY) and
// appear in STV_MV_INFO.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// Materialized view kinds (materialized_views.kind).
const (
	mvStreaming = "streaming"
	mvOrdinary  = "ordinary"
)

// Materialized view states (materialized_views.state).
const (
	mvStateActive = "active"
	mvStateFailed = "failed" // the last refresh failed; the next one retries
)

// Refresh types as SVL_MV_REFRESH_STATUS.refresh_type writes them.
const (
	refreshManual = "Manual"
	refreshAuto   = "Auto"
)

var mvMigration = Migration{Name: "0010_materialized_views", SQL: []string{
	`CREATE SEQUENCE IF NOT EXISTS ` + CatalogSchema + `.mv_id_seq START 1`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.external_schemas (
		name           VARCHAR PRIMARY KEY,
		source         VARCHAR NOT NULL, -- kinesis, msk, kafka
		region         VARCHAR NOT NULL,
		iam_role       VARCHAR NOT NULL,
		authentication VARCHAR NOT NULL,
		auth_arn       VARCHAR NOT NULL,
		uri            VARCHAR NOT NULL,
		cluster_arn    VARCHAR NOT NULL,
		owner          VARCHAR NOT NULL,
		created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
	)`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.materialized_views (
		id                   BIGINT PRIMARY KEY,
		schema_name          VARCHAR NOT NULL,
		name                 VARCHAR NOT NULL,
		kind                 VARCHAR NOT NULL, -- streaming | ordinary
		definition           VARCHAR NOT NULL, -- the query as written
		case_sensitive       BOOLEAN NOT NULL, -- enable_case_sensitive_identifier at CREATE
		case_sensitive_super BOOLEAN NOT NULL, -- enable_case_sensitive_super_attribute at CREATE
		auto_refresh         BOOLEAN NOT NULL,
		state                VARCHAR NOT NULL, -- active | failed
		owner                VARCHAR NOT NULL,
		external_schema      VARCHAR,          -- streaming: the source schema
		stream_name          VARCHAR,          -- streaming: the stream
		high_water           VARCHAR,          -- ordinary: incremental-refresh state (JSON)
		refreshed_at         TIMESTAMPTZ,
		created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
		UNIQUE (schema_name, name)
	)`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.mv_stream_positions (
		mv_id    BIGINT NOT NULL,
		shard_id VARCHAR NOT NULL,
		position VARCHAR NOT NULL, -- last sequence number consumed; '' = none yet
		finished BOOLEAN NOT NULL, -- the shard is closed and fully consumed
		PRIMARY KEY (mv_id, shard_id)
	)`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.mv_refresh_history (
		mv_id        BIGINT NOT NULL,
		db_name      VARCHAR NOT NULL,
		user_name    VARCHAR NOT NULL,
		schema_name  VARCHAR NOT NULL,
		mv_name      VARCHAR NOT NULL,
		xid          BIGINT,
		starttime    TIMESTAMP NOT NULL,
		endtime      TIMESTAMP NOT NULL,
		status       VARCHAR NOT NULL,
		refresh_type VARCHAR NOT NULL,
		detail       VARCHAR -- the error of a failed refresh
	)`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.stream_scan_states (
		external_schema_name VARCHAR, stream_name VARCHAR, mv_name VARCHAR,
		transaction_id BIGINT, query_id BIGINT, record_time TIMESTAMP,
		partition_id VARCHAR, latest_position VARCHAR,
		scanned_rows BIGINT, skipped_rows BIGINT, scanned_bytes BIGINT,
		stream_record_time_min TIMESTAMP, stream_record_time_max TIMESTAMP
	)`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.stream_scan_errors (
		external_schema_name VARCHAR, stream_name VARCHAR, mv_name VARCHAR,
		transaction_id BIGINT, query_id BIGINT, stream_timestamp_type VARCHAR,
		stream_timestamp TIMESTAMP, record_time TIMESTAMP,
		partition_id VARCHAR, position VARCHAR,
		error_code INTEGER, error_reason VARCHAR
	)`,
}}

// mvRow is one row of the materialized-view catalog.
type mvRow struct {
	id             int64
	schema, name   string
	kind           string
	definition     string
	opts           bsql.Options
	autoRefresh    bool
	state          string
	owner          string
	extSchema      string // streaming only
	stream         string // streaming only
	highWater      string // ordinary only
	refreshedAt    time.Time
	hasRefreshedAt bool
}

func (m *mvRow) qualified() string { return m.schema + "." + m.name }

// viewOptions are the settings a view's definition is read with, as the
// catalog keeps them (scanMV): never a session's catalog lookups, which
// run on the session's connection and must not outlive the statement or
// run on another goroutine (a view's AUTO REFRESH loop).
func viewOptions(o bsql.Options) bsql.Options {
	return bsql.Options{CaseSensitive: o.CaseSensitive, CaseSensitiveSuper: o.CaseSensitiveSuper}
}

const mvColumns = `id, schema_name, name, kind, definition, case_sensitive, case_sensitive_super,
	auto_refresh, state, owner, coalesce(external_schema, ''), coalesce(stream_name, ''),
	coalesce(high_water, ''), refreshed_at`

func scanMV(vals []any) *mvRow {
	m := &mvRow{
		id: vals[0].(int64), schema: vals[1].(string), name: vals[2].(string), kind: vals[3].(string),
		definition:  vals[4].(string),
		opts:        viewOptions(bsql.Options{CaseSensitive: vals[5].(bool), CaseSensitiveSuper: vals[6].(bool)}),
		autoRefresh: vals[7].(bool), state: vals[8].(string), owner: vals[9].(string),
		extSchema: vals[10].(string), stream: vals[11].(string), highWater: vals[12].(string),
	}
	if t, ok := vals[13].(time.Time); ok {
		m.refreshedAt, m.hasRefreshedAt = t, true
	}
	return m
}

// insertMV gives mv an id and adds its catalog row, in c's current
// transaction. An ordinary view counts as refreshed at creation (its rows
// are computed then); a streaming one has not read its stream yet.
func insertMV(ctx context.Context, c *Conn, mv *mvRow) error {
	res, err := c.Query(ctx, "SELECT nextval('"+CatalogSchema+".mv_id_seq')")
	if err != nil {
		return errorf("materialized view id: %w", err)
	}
	if res.Next() {
		mv.id = res.Values()[0].(int64)
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return errorf("materialized view id: %w", err)
	}
	var ext, stream, highWater, refreshed any
	if mv.kind == mvStreaming {
		ext, stream = mv.extSchema, mv.stream
	} else {
		highWater, refreshed = mv.highWater, time.Now().UTC()
	}
	if _, err := c.Exec(ctx, `INSERT INTO `+CatalogSchema+`.materialized_views
		(id, schema_name, name, kind, definition, case_sensitive, case_sensitive_super,
		 auto_refresh, state, owner, external_schema, stream_name, high_water, refreshed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		mv.id, mv.schema, mv.name, mv.kind, mv.definition, mv.opts.CaseSensitive, mv.opts.CaseSensitiveSuper,
		mv.autoRefresh, mvStateActive, mv.owner, ext, stream, highWater, refreshed); err != nil {
		return errorf("materialized view %s: catalog: %w", mv.qualified(), err)
	}
	return nil
}

// queryMVs returns the catalog rows matching where (DuckDB SQL over
// materialized_views, with $n args).
func queryMVs(ctx context.Context, c *Conn, where string, args ...any) ([]*mvRow, error) {
	res, err := c.Query(ctx, "SELECT "+mvColumns+" FROM "+CatalogSchema+".materialized_views WHERE "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, errorf("read materialized views: %w", err)
	}
	var out []*mvRow
	for res.Next() {
		out = append(out, scanMV(res.Values()))
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return nil, errorf("read materialized views: %w", err)
	}
	return out, nil
}

// foldIdent applies Redshift's identifier rules: unquoted names fold to
// lower case; quoted names keep their case only while
// enable_case_sensitive_identifier is on.
func foldIdent(id ast.Ident, opts bsql.Options) string {
	if id.Quoted && opts.CaseSensitive {
		return id.Name
	}
	return strings.ToLower(id.Name)
}

// catalogIdent is the name DuckDB's catalog keeps for a table, view,
// schema or column named id: its folded name, encoded so that names that
// differ in case stay apart (bsql.CatalogName).
func catalogIdent(id ast.Ident, opts bsql.Options) string {
	return bsql.CatalogName(foldIdent(id, opts))
}

// currentSchema is the schema unqualified new objects go to in s.
func (s *Session) currentSchema(ctx context.Context) (string, error) {
	res, err := s.conn.Query(ctx, "SELECT current_schema()")
	if err != nil {
		return "", err
	}
	defer res.Close()
	if !res.Next() {
		return "", errorf("current schema: %w", errors.Join(res.Err(), errors.New("no row")))
	}
	v, _ := res.Values()[0].(string)
	return v, nil
}

// splitName resolves a one- or two-part object name under the session's
// rules: the schema (current schema when unqualified) and the name.
func (s *Session) splitName(ctx context.Context, n ast.Name) (schema, name string, err error) {
	opts := s.Options()
	switch len(n) {
	case 1:
		schema, err = s.currentSchema(ctx)
		return schema, catalogIdent(n[0], opts), err
	case 2:
		return catalogIdent(n[0], opts), catalogIdent(n[1], opts), nil
	case 3:
		return catalogIdent(n[1], opts), catalogIdent(n[2], opts), nil
	}
	return "", "", sqlerr.New(sqlerr.SyntaxError, "improper qualified name: %s", ast.Format(n))
}

// lookupMV finds a materialized view by name for s: a qualified name names
// its schema; an unqualified one is looked up in the current schema first,
// then wherever it is unique. found is false when there is none.
func (s *Session) lookupMV(ctx context.Context, c *Conn, n ast.Name) (*mvRow, bool, error) {
	schema, name, err := s.splitName(ctx, n)
	if err != nil {
		return nil, false, err
	}
	rows, err := queryMVs(ctx, c, "schema_name = $1 AND name = $2", schema, name)
	if err != nil || len(rows) == 1 {
		return first(rows), len(rows) == 1, err
	}
	if len(n) == 1 {
		rows, err = queryMVs(ctx, c, "name = $1", name)
		if err != nil || len(rows) == 1 {
			return first(rows), len(rows) == 1, err
		}
	}
	return nil, false, nil
}

func first(rows []*mvRow) *mvRow {
	if len(rows) == 0 {
		return nil
	}
	return rows[0]
}

// errNoMV is 42P01 for a materialized view that does not exist.
func errNoMV(n ast.Name) error {
	return sqlerr.New(sqlerr.UndefinedTable, "materialized view %q does not exist", ast.Format(n.Last()))
}

// dropMV drops mv and, with cascade, every materialized view that reads it
// directly or through others, streaming and ordinary alike: their tables,
// catalog rows, dependencies, stream positions and AUTO REFRESH loops, in
// one transaction. Without cascade it refuses with Postgres's (and
// Redshift's) 2BP01 while any materialized view reads mv.
func (s *Session) dropMV(ctx context.Context, mv *mvRow, cascade bool) error {
	deps, err := s.dependents(ctx, mv, true)
	if err != nil {
		return err
	}
	if len(deps) > 0 && !cascade {
		direct, err := s.dependents(ctx, mv, false)
		if err != nil {
			return err
		}
		var detail []string
		for _, d := range direct {
			detail = append(detail, fmt.Sprintf("materialized view %s depends on materialized view %s", d.name, mv.name))
		}
		return &sqlerr.Error{Code: sqlerr.DependentObjectsStillExist,
			Message: fmt.Sprintf("cannot drop materialized view %s because other objects depend on it", mv.name),
			Detail:  strings.Join(detail, "\n"),
			Hint:    "Use DROP ... CASCADE to drop the dependent objects too."}
	}
	// Dependents come in refresh order (readers after what they read):
	// drop readers first.
	all := append(slices.Clone(deps), mv)
	slices.Reverse(all[:len(deps)])
	var streaming []*mvRow
	for _, v := range all {
		if v.kind == mvStreaming {
			streaming = append(streaming, v)
		}
	}
	if len(streaming) > 0 && s.inBlock() {
		return errInTxBlock("DROP MATERIALIZED VIEW")
	}
	done := func(bool) {}
	if len(streaming) > 0 {
		if done, err = s.w.ingest.detach(ctx, streaming); err != nil {
			return err
		}
	}
	err = s.atomicHere(ctx, func() error {
		for _, v := range all {
			if err := dropMVObjects(ctx, s.conn, v); err != nil {
				return err
			}
		}
		return nil
	})
	done(err == nil)
	return err
}

// dropMVObjects removes one materialized view's table and catalog state in
// c's current transaction. Scan logs and refresh history stay.
func dropMVObjects(ctx context.Context, c *Conn, mv *mvRow) error {
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"DROP TABLE IF EXISTS " + quoteIdent(mv.schema) + "." + quoteIdent(mv.name), nil},
		{"DELETE FROM " + CatalogSchema + ".materialized_views WHERE id = $1", []any{mv.id}},
		{"DELETE FROM " + CatalogSchema + ".mv_stream_positions WHERE mv_id = $1", []any{mv.id}},
		{"DELETE FROM " + CatalogSchema + ".mv_state WHERE mv_id = $1", []any{mv.id}},
		{"DELETE FROM " + CatalogSchema + ".mv_changes WHERE mv_id = $1", []any{mv.id}},
		{"DELETE FROM " + CatalogSchema + ".mv_deps WHERE schema_name = $1 AND name = $2", []any{mv.schema, mv.name}},
	} {
		if _, err := c.Exec(ctx, q.sql, q.args...); err != nil {
			return errorf("drop materialized view %s: %w", mv.qualified(), err)
		}
	}
	return nil
}

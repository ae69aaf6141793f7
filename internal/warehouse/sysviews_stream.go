package warehouse

// The materialized-view system views, with Redshift's columns, over the
// catalog tables the refreshes write: SVV_EXTERNAL_SCHEMAS,
// SYS_STREAM_SCAN_STATES, SYS_STREAM_SCAN_ERRORS, STV_MV_INFO, STV_MV_DEPS,
// SVL_MV_REFRESH_STATUS and SYS_MV_REFRESH_HISTORY; and the streaming
// metrics.

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// streamMigrations are the streaming catalog's migrations, applied by the
// ingest manager at Open after the core catalog's.
var streamMigrations = []Migration{mvMigration, mvStateMigration, mvPausedMigration, healthMigration}

// mvStateMigration keeps what STV_MV_INFO reports beyond the catalog row
// and the refresh history. mv_state has one row per view that has any: the
// state a failed refresh left (info_state: Redshift's 101-105 codes, NULL
// when none) and how far a streaming view is behind its stream
// (lag_records, lag_millis: as of its last batch; NULL when the reader
// cannot tell). mv_changes has a row each time a relation a view reads
// changed: only ever inserted (and pruned once older than the view's
// refresh), so marking a view stale never conflicts with its refresh.
// Tables of their own, not new columns: DuckDB 1.5 cannot replay an ALTER
// TABLE from its WAL after a crash.
var mvStateMigration = Migration{Name: "0014_mv_state", SQL: []string{
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.mv_state (
		mv_id       BIGINT PRIMARY KEY,
		info_state  INTEGER,
		lag_records BIGINT,
		lag_millis  BIGINT
	)`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.mv_changes (
		mv_id      BIGINT NOT NULL,
		changed_at TIMESTAMPTZ NOT NULL
	)`,
}}

// mvSystemViews are the system views over the materialized-view and
// streaming catalog, with Redshift's columns. They are not migrations: Open
// replaces them every time, so each has one definition, here.
var mvSystemViews = []string{
	// eskind: 3 Kinesis, 4 Kafka or MSK (blueshift's numbering).
	`CREATE OR REPLACE VIEW main.svv_external_schemas AS
		SELECT CAST(row_number() OVER (ORDER BY created_at, name) + 100000 AS INTEGER) AS esoid,
		       CAST(CASE source WHEN 'kinesis' THEN 3 ELSE 4 END AS SMALLINT) AS eskind,
		       name AS schemaname, 100 AS esowner, '' AS databasename,
		       json_object('SOURCE', upper(source), 'REGION', region, 'IAM_ROLE', iam_role,
		                   'AUTHENTICATION', authentication, 'URI', uri, 'CLUSTER_ARN', cluster_arn)::VARCHAR AS esoptions
		FROM ` + CatalogSchema + `.external_schemas`,
	`CREATE OR REPLACE VIEW main.sys_stream_scan_states AS
		SELECT external_schema_name, stream_name, mv_name, transaction_id, query_id, record_time,
		       partition_id, latest_position, scanned_rows, skipped_rows, scanned_bytes,
		       stream_record_time_min, stream_record_time_max
		FROM ` + CatalogSchema + `.stream_scan_states`,
	`CREATE OR REPLACE VIEW main.sys_stream_scan_errors AS
		SELECT external_schema_name, stream_name, mv_name, transaction_id, query_id,
		       stream_timestamp_type, stream_timestamp, record_time, partition_id, position,
		       error_code, error_reason
		FROM ` + CatalogSchema + `.stream_scan_errors`,
	// paused_reason (blueshift's, after Redshift's columns): why the view's
	// AUTO REFRESH is paused (refresh_marker.go), NULL when it is not.
	// state: 1 incremental (every streaming view; an ordinary one of the
	// incremental shape), 0 fully recomputed, or the 101-105 code a failed
	// refresh left. is_stale: never refreshed, the last refresh failed, a
	// source changed since, or (streaming) the stream holds records the
	// view has not read.
	`CREATE OR REPLACE VIEW main.stv_mv_info AS
		SELECT current_database() AS db_name, ` + CatalogSchema + `.display_name(schema_name) AS schema, ` + CatalogSchema + `.display_name(name) AS name,
		       (SELECT max(h.xid) FROM ` + CatalogSchema + `.mv_refresh_history h
		         WHERE h.mv_id = m.id AND (h.status LIKE 'Refresh successfully%' OR h.status = '` + statusUpToDate + `')) AS updated_upto_xid,
		       CASE WHEN m.state = 'active' AND m.refreshed_at IS NOT NULL AND coalesce(x.lag_records, 0) = 0
		                 AND NOT EXISTS (SELECT 1 FROM ` + CatalogSchema + `.mv_changes c
		                                 WHERE c.mv_id = m.id AND c.changed_at > m.refreshed_at) THEN 'f' ELSE 't' END AS is_stale,
		       owner AS owner_user_name,
		       CAST(coalesce(x.info_state, CASE WHEN kind = 'streaming'
		                   OR coalesce(json_extract(high_water, '$.incremental')::BOOLEAN, false) THEN 1 ELSE 0 END) AS INTEGER) AS state,
		       CASE WHEN auto_refresh THEN 't' ELSE 'f' END AS autorefresh,
		       'f' AS autorewrite,
		       (SELECT p.reason FROM ` + CatalogSchema + `.mv_paused p WHERE p.mv_id = m.id) AS paused_reason
		FROM ` + CatalogSchema + `.materialized_views m
		LEFT JOIN ` + CatalogSchema + `.mv_state x ON x.mv_id = m.id`,
	`CREATE OR REPLACE VIEW main.stv_mv_deps AS
		SELECT current_database() AS db_name, ` + CatalogSchema + `.display_name(schema_name) AS schema, ` + CatalogSchema + `.display_name(name) AS name,
		       ` + CatalogSchema + `.display_name(ref_schema) AS ref_schema, ` + CatalogSchema + `.display_name(ref_name) AS ref_name, current_database() AS ref_database_name
		FROM ` + CatalogSchema + `.mv_deps WHERE ref_is_mv`,
	`CREATE OR REPLACE VIEW main.svl_mv_refresh_status AS
		SELECT db_name, CAST(100 AS BIGINT) AS userid, ` + CatalogSchema + `.display_name(schema_name) AS schema_name, ` + CatalogSchema + `.display_name(mv_name) AS mv_name, xid,
		       starttime, endtime, status, refresh_type
		FROM ` + CatalogSchema + `.mv_refresh_history`,
	// status: the same text as SVL_MV_REFRESH_STATUS.status. session_id
	// is not recorded.
	`CREATE OR REPLACE VIEW main.sys_mv_refresh_history AS
		SELECT CAST(100 AS INTEGER) AS user_id, NULL::INTEGER AS session_id,
		       xid AS transaction_id, db_name AS database_name, ` + CatalogSchema + `.display_name(schema_name) AS schema_name, mv_id,
		       ` + CatalogSchema + `.display_name(mv_name) AS mv_name,
		       refresh_type, status, starttime AS start_time, endtime AS end_time,
		       CAST(date_diff('microsecond', starttime, endtime) AS BIGINT) AS duration,
		       NULL::VARCHAR AS consumer_account, NULL::VARCHAR AS consumer_region,
		       NULL::VARCHAR AS consumer_namespace
		FROM ` + CatalogSchema + `.mv_refresh_history`,
}

// streamMetrics are the streaming-ingestion metrics, labelled by view
// (schema.name).
type streamMetrics struct {
	records    *prometheus.CounterVec
	bytes      *prometheus.CounterVec
	skipped    *prometheus.CounterVec
	errors     *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	lagMillis  *prometheus.GaugeVec
	lagRecords *prometheus.GaugeVec
}

func newStreamMetrics(reg prometheus.Registerer) *streamMetrics {
	m := &streamMetrics{
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "blueshift_streaming_ingested_records_total",
			Help: "Stream records a streaming materialized view consumed and loaded.",
		}, []string{"view"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "blueshift_streaming_ingested_bytes_total",
			Help: "Bytes of record data a streaming materialized view consumed and loaded.",
		}, []string{"view"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "blueshift_streaming_skipped_records_total",
			Help: "Records skipped (over-size or invalid JSON) and kept in SYS_STREAM_SCAN_ERRORS.",
		}, []string{"view"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "blueshift_streaming_refresh_errors_total",
			Help: "Refresh batches that failed and committed nothing.",
		}, []string{"view"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "blueshift_streaming_refresh_duration_seconds",
			Help:    "Time to read, stage and commit one refresh batch.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"view"}),
		lagMillis: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "blueshift_streaming_lag_milliseconds",
			Help: "How far the last batch's newest record was behind the stream head, in milliseconds of arrival time.",
		}, []string{"view"}),
		lagRecords: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "blueshift_streaming_lag_records",
			Help: "Records the stream holds past the last batch (exact for a one-shard stream; an upper bound for several, see source.Log); absent when the reader cannot count.",
		}, []string{"view"}),
	}
	reg.MustRegister(m.records, m.bytes, m.skipped, m.errors, m.duration, m.lagMillis, m.lagRecords)
	return m
}

func (m *streamMetrics) observe(view string, r *batchResult, d time.Duration) {
	loaded := r.scanned - r.skipped
	m.records.WithLabelValues(view).Add(float64(loaded))
	m.bytes.WithLabelValues(view).Add(float64(r.bytes))
	m.skipped.WithLabelValues(view).Add(float64(r.skipped))
	m.duration.WithLabelValues(view).Observe(d.Seconds())
	m.lagMillis.WithLabelValues(view).Set(float64(r.millisBehind))
	if n, ok := r.lagRecords.(int64); ok {
		m.lagRecords.WithLabelValues(view).Set(float64(n))
	} else {
		m.lagRecords.DeleteLabelValues(view)
	}
}

func (m *streamMetrics) forget(view string) {
	for _, v := range []interface{ DeleteLabelValues(...string) bool }{m.records, m.bytes, m.skipped, m.errors, m.duration, m.lagMillis, m.lagRecords} {
		v.DeleteLabelValues(view)
	}
}

package warehouse

// The streaming system views, with Redshift's columns, over the catalog
// tables refresh.go writes: SYS_STREAM_SCAN_STATES, SYS_STREAM_SCAN_ERRORS,
// STV_MV_INFO, SVL_MV_REFRESH_STATUS and SYS_MV_REFRESH_HISTORY; and the
// streaming metrics.

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// streamMigrations are the streaming catalog's migrations, applied by the
// ingest manager at Open after the core catalog's.
var streamMigrations = []Migration{mvMigration, externalSchemaViews, streamViewsMigration,
	mvInfoStateMigration} // mv_ordinary.go

var streamViewsMigration = Migration{Name: "0012_stream_system_views", SQL: []string{
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
	// state: 1 = incrementally refreshable (every streaming view is).
	`CREATE OR REPLACE VIEW main.stv_mv_info AS
		SELECT current_database() AS db_name, schema_name AS schema, name,
		       (SELECT max(h.xid) FROM ` + CatalogSchema + `.mv_refresh_history h
		         WHERE h.mv_id = m.id AND h.status LIKE 'Refresh successfully%') AS updated_upto_xid,
		       CASE WHEN m.state = 'active' AND m.refreshed_at IS NOT NULL THEN 'f' ELSE 't' END AS is_stale,
		       owner AS owner_user_name,
		       CAST(CASE WHEN kind = 'streaming' THEN 1 ELSE 0 END AS INTEGER) AS state,
		       CASE WHEN auto_refresh THEN 't' ELSE 'f' END AS autorefresh,
		       'f' AS autorewrite
		FROM ` + CatalogSchema + `.materialized_views m`,
	`CREATE OR REPLACE VIEW main.svl_mv_refresh_status AS
		SELECT db_name, CAST(100 AS BIGINT) AS userid, schema_name, mv_name, xid,
		       starttime, endtime, status, refresh_type
		FROM ` + CatalogSchema + `.mv_refresh_history`,
	`CREATE OR REPLACE VIEW main.sys_mv_refresh_history AS
		SELECT CAST(100 AS INTEGER) AS user_id, db_name AS database_name, schema_name, mv_name, mv_id,
		       xid AS transaction_id,
		       CASE WHEN status LIKE 'Refresh successfully%' THEN 'Success' ELSE 'Failed' END AS status,
		       refresh_type, starttime AS start_time, endtime AS end_time,
		       CAST(date_diff('microsecond', starttime, endtime) AS BIGINT) AS duration,
		       NULL::VARCHAR AS consumer_account, NULL::VARCHAR AS consumer_region,
		       NULL::VARCHAR AS consumer_namespace
		FROM ` + CatalogSchema + `.mv_refresh_history`,
}}

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
			Help: "Records left in the stream after the last batch: 0 when it caught up, otherwise those it stopped short of at its bound (a lower bound).",
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
	if r.more {
		m.lagRecords.WithLabelValues(view).Set(1)
	} else {
		m.lagRecords.WithLabelValues(view).Set(0)
	}
}

func (m *streamMetrics) forget(view string) {
	for _, v := range []interface{ DeleteLabelValues(...string) bool }{m.records, m.bytes, m.skipped, m.errors, m.duration, m.lagMillis, m.lagRecords} {
		v.DeleteLabelValues(view)
	}
}

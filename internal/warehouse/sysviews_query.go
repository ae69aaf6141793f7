package warehouse

// Redshift's query-monitoring, session, table and user system views, with
// Redshift's columns, over what blueshift knows: the query log and the
// open sessions (querylog.go), DuckDB's catalog (SVV_REDSHIFT_DATABASES,
// which SHOW DATABASES reads, has the one database), the materialized-view
// catalog and the users.
//
// Behavior:
//   - STL_QUERY, STL_QUERYTEXT, SVL_QLOG and STV_RECENTS have the
//     queries (statements that read or write rows: SELECT, INSERT, COPY,
//     CALL, ...), STL_DDLTEXT the DDL, STL_UTILITYTEXT the rest, and
//     SVL_STATEMENTTEXT all of them, typed; a row per statement that ended
//     (the TEXT views: a row per 200 characters), STV_RECENTS also a row
//     per running query (status 'Running'; pid -1 once a query is done,
//     as Redshift's). STV_INFLIGHT and SVV_QUERY_INFLIGHT have the
//     running queries, STV_LOCKS none (DuckDB takes no table locks). Text columns are VARCHAR, not Redshift's blank-padded
//     CHAR(n); querytxt keeps 4000 characters, SVL_QLOG.substring 60,
//     STV_RECENTS.query 600, as Redshift's do.
//   - SYS_QUERY_HISTORY has every statement, running or ended, with its
//     status (running, success, failed, canceled), error and row count.
//   - xid (transaction_id) is NULL: blueshift does not number
//     transactions.
//   - STV_SESSIONS lists the sessions open now, STL_SESSIONS the last
//     1,000 that ended since the server started; timeout_sec is 0.
//   - STL_LOAD_ERRORS is empty: COPY stops at its first bad row with an
//     error naming the line and column, and keeps no error log.
//   - STV_TBL_PERM has one row per table (one slice, 0), rows from
//     DuckDB's estimate.

// queryViews defines the views above.
func queryViews() []string {
	s := CatalogSchema + "."
	userid := `CAST(` + s + `user_oid(q.user_name) AS INTEGER)`
	chunks := `FROM rs_query_log() q, range(0, greatest(1, CAST(ceil(length(q.querytxt) / 200.0) AS BIGINT))) AS bs_chunk(i)
			WHERE q.endtime IS NOT NULL`
	isQuery := s + `statement_type(q.querytxt) = 'QUERY'`
	textView := func(name, kind string) string {
		return `CREATE OR REPLACE VIEW main.` + name + ` AS
			SELECT ` + userid + ` AS userid, NULL::BIGINT AS xid, CAST(q.pid AS INTEGER) AS pid, q.label,
				q.starttime, q.endtime, CAST(bs_chunk.i AS INTEGER) AS sequence,
				substr(q.querytxt, CAST(bs_chunk.i * 200 + 1 AS BIGINT), 200) AS text
			` + chunks + ` AND ` + s + `statement_type(q.querytxt) = '` + kind + `'`
	}
	return []string{
		// What SVL_STATEMENTTEXT calls a statement: QUERY (reads and
		// writes rows), DDL (defines objects) or UTILITY (the rest).
		`CREATE OR REPLACE MACRO ` + s + `statement_type(t) AS CASE
			WHEN regexp_matches(t, '^\s*(select|with|insert|update|delete|merge|copy|unload|values|call|refresh|explain)\b', 'i') THEN 'QUERY'
			WHEN regexp_matches(t, '^\s*(create|alter|drop|truncate|comment|grant|revoke)\b', 'i') THEN 'DDL'
			ELSE 'UTILITY' END`,
		textView("stl_ddltext", "DDL"),
		textView("stl_utilitytext", "UTILITY"),
		`CREATE OR REPLACE VIEW main.stl_query AS
			SELECT ` + userid + ` AS userid, CAST(q.query AS INTEGER) AS query, q.label, NULL::BIGINT AS xid,
				CAST(q.pid AS INTEGER) AS pid, q.database, left(q.querytxt, 4000) AS querytxt, q.starttime, q.endtime,
				q.aborted, 0 AS insert_pristine, 0 AS concurrency_scaling_status
			FROM rs_query_log() q WHERE q.endtime IS NOT NULL AND ` + isQuery,
		`CREATE OR REPLACE VIEW main.stl_querytext AS
			SELECT ` + userid + ` AS userid, NULL::BIGINT AS xid, CAST(q.pid AS INTEGER) AS pid,
				CAST(q.query AS INTEGER) AS query, CAST(bs_chunk.i AS INTEGER) AS sequence,
				substr(q.querytxt, CAST(bs_chunk.i * 200 + 1 AS BIGINT), 200) AS text
			` + chunks + ` AND ` + isQuery,
		`CREATE OR REPLACE VIEW main.svl_statementtext AS
			SELECT ` + userid + ` AS userid, NULL::BIGINT AS xid, CAST(q.pid AS INTEGER) AS pid, q.label,
				q.starttime, q.endtime, CAST(bs_chunk.i AS INTEGER) AS sequence,
				` + s + `statement_type(q.querytxt) AS type,
				substr(q.querytxt, CAST(bs_chunk.i * 200 + 1 AS BIGINT), 200) AS text
			` + chunks,
		`CREATE OR REPLACE VIEW main.svl_qlog AS
			SELECT ` + userid + ` AS userid, CAST(q.query AS INTEGER) AS query, NULL::BIGINT AS xid,
				CAST(q.pid AS INTEGER) AS pid, q.starttime, q.endtime,
				CAST(date_diff('microsecond', q.starttime, q.endtime) AS BIGINT) AS elapsed, q.aborted, q.label,
				left(q.querytxt, 60) AS substring, NULL::INTEGER AS source_query,
				'0 - Ran on the main cluster' AS concurrency_scaling_status_txt, NULL::INTEGER AS from_sp_call
			FROM rs_query_log() q WHERE q.endtime IS NOT NULL AND ` + isQuery,
		`CREATE OR REPLACE VIEW main.stv_recents AS
			SELECT ` + userid + ` AS userid, CASE WHEN q.endtime IS NULL THEN 'Running' ELSE 'Done' END AS status,
				q.starttime,
				CAST(date_diff('microsecond', q.starttime, coalesce(q.endtime, CAST(timezone('UTC', now()) AS TIMESTAMP))) AS INTEGER) AS duration,
				q.user_name, q.database AS db_name, left(q.querytxt, 600) AS query,
				CASE WHEN q.endtime IS NULL THEN CAST(q.pid AS INTEGER) ELSE -1 END AS pid
			FROM rs_query_log() q WHERE ` + isQuery,
		`CREATE OR REPLACE VIEW main.stv_inflight AS
			SELECT ` + userid + ` AS userid, 0 AS slice, CAST(q.query AS INTEGER) AS query, q.label, NULL::BIGINT AS xid,
				CAST(q.pid AS INTEGER) AS pid, q.starttime, left(q.querytxt, 100) AS text, 0 AS suspended,
				0 AS insert_pristine, 0 AS concurrency_scaling_status
			FROM rs_query_log() q WHERE q.endtime IS NULL AND ` + isQuery,
		`CREATE OR REPLACE VIEW main.svv_query_inflight AS
			SELECT ` + userid + ` AS userid, 0 AS slice, CAST(q.query AS INTEGER) AS query, CAST(q.pid AS INTEGER) AS pid,
				q.starttime, 0 AS suspended, substr(q.querytxt, CAST(bs_chunk.i * 200 + 1 AS BIGINT), 200) AS text,
				CAST(bs_chunk.i AS INTEGER) AS sequence
			FROM rs_query_log() q, range(0, greatest(1, CAST(ceil(length(q.querytxt) / 200.0) AS BIGINT))) AS bs_chunk(i)
			WHERE q.endtime IS NULL AND ` + isQuery,
		// DuckDB takes no table locks (transactions conflict when they
		// commit), so STV_LOCKS has no rows.
		`CREATE OR REPLACE VIEW main.stv_locks AS
			SELECT NULL::BIGINT AS table_id, NULL::TIMESTAMP AS last_commit, NULL::TIMESTAMP AS last_update,
				NULL::BIGINT AS lock_owner, NULL::BIGINT AS lock_owner_pid, NULL::TIMESTAMP AS lock_owner_start_ts,
				NULL::TIMESTAMP AS lock_owner_end_ts, NULL::VARCHAR AS lock_status
			WHERE false`,
		// query_type: SELECT, INSERT, UPDATE, DELETE, COPY, UNLOAD, CTAS,
		// DDL, UTILITY or OTHER, from the statement's first words.
		`CREATE OR REPLACE MACRO ` + s + `query_type(t) AS CASE
			WHEN regexp_matches(t, '^\s*create\s+(temp\s+|temporary\s+)?table\s.*\sas\s', 'is') THEN 'CTAS'
			WHEN regexp_matches(t, '^\s*(select|with|values)\b', 'i') THEN 'SELECT'
			WHEN regexp_matches(t, '^\s*(insert|update|delete|copy|unload)\b', 'i') THEN upper(regexp_extract(t, '^\s*(\w+)', 1))
			WHEN regexp_matches(t, '^\s*merge\b', 'i') THEN 'OTHER'
			ELSE ` + s + `statement_type(t) END`,
		// SYS_QUERY_HISTORY: every statement, running or ended; the times
		// in microseconds (no queue: queue_time 0, execution_time the
		// elapsed time).
		`CREATE OR REPLACE VIEW main.sys_query_history AS
			SELECT ` + userid + ` AS user_id, q.query AS query_id, q.label AS query_label, NULL::BIGINT AS transaction_id,
				CAST(q.pid AS INTEGER) AS session_id, q.database AS database_name,
				` + s + `query_type(q.querytxt) AS query_type, q.status, false AS result_cache_hit,
				q.starttime AS start_time, q.endtime AS end_time,
				CAST(date_diff('microsecond', q.starttime, coalesce(q.endtime, CAST(timezone('UTC', now()) AS TIMESTAMP))) AS BIGINT) AS elapsed_time,
				CAST(0 AS BIGINT) AS queue_time,
				CAST(date_diff('microsecond', q.starttime, coalesce(q.endtime, CAST(timezone('UTC', now()) AS TIMESTAMP))) AS BIGINT) AS execution_time,
				left(q.error_message, 512) AS error_message, q.returned_rows, NULL::BIGINT AS returned_bytes,
				left(q.querytxt, 4000) AS query_text, version() AS redshift_version, 'main' AS usage_limit,
				'0 - Ran on the main cluster' AS compute_type, NULL::INTEGER AS compile_time, NULL::INTEGER AS planning_time,
				NULL::INTEGER AS lock_wait_time, 'SYS' AS service_class_name, NULL::INTEGER AS service_class_id,
				NULL::VARCHAR AS user_query_hash, NULL::VARCHAR AS generic_query_hash
			FROM rs_query_log() q`,
		`CREATE OR REPLACE VIEW main.stv_sessions AS
			SELECT starttime, CAST(pid AS INTEGER) AS process, user_name, db_name, 0 AS timeout_sec
			FROM rs_sessions() WHERE endtime IS NULL`,
		// STL_SESSIONS: sessions that ended; timed_out 2, "the client
		// closed the connection", the only way a session ends.
		`CREATE OR REPLACE VIEW main.stl_sessions AS
			SELECT CAST(` + s + `user_oid(user_name) AS INTEGER) AS userid, starttime, endtime, CAST(pid AS INTEGER) AS process,
				user_name, db_name, 0 AS timeout_sec, 2 AS timed_out
			FROM rs_sessions() WHERE endtime IS NOT NULL`,
		`CREATE OR REPLACE VIEW main.stl_load_errors AS
			SELECT NULL::INTEGER AS userid, NULL::INTEGER AS slice, NULL::INTEGER AS tbl, NULL::TIMESTAMP AS starttime,
				NULL::INTEGER AS session, NULL::INTEGER AS query, NULL::VARCHAR AS filename, NULL::BIGINT AS line_number,
				NULL::VARCHAR AS colname, NULL::VARCHAR AS type, NULL::VARCHAR AS col_length, NULL::INTEGER AS position,
				NULL::VARCHAR AS raw_line, NULL::VARCHAR AS raw_field_value, NULL::INTEGER AS err_code,
				NULL::VARCHAR AS err_reason, NULL::INTEGER AS is_partial, NULL::BIGINT AS start_offset,
				NULL::BIGINT AS copy_job_id
			WHERE false`,
		`CREATE OR REPLACE VIEW main.stv_tbl_perm AS
			SELECT 0 AS slice, CAST(tb.table_oid AS INTEGER) AS id, ` + s + `display_name(tb.table_name) AS name,
				CAST(tb.estimated_size AS BIGINT) AS rows, CAST(tb.estimated_size AS BIGINT) AS sorted_rows,
				CAST(tb.temporary AS INTEGER) AS temp, CAST(tb.database_oid AS INTEGER) AS db_id,
				0 AS insert_pristine, 0 AS delete_pristine, CAST(NOT tb.temporary AS INTEGER) AS backup,
				0 AS dist_style, CAST(ceil(` + s + `pg_table_size(tb.table_oid) / 1048576.0) AS INTEGER) AS block_count
			FROM duckdb_tables() tb
			WHERE (tb.database_name = current_database() AND tb.schema_name ` + userSchemaFilter + `) OR tb.temporary`,
		`CREATE OR REPLACE VIEW main.svv_mv_info AS
			SELECT db_name AS database_name, schema AS schema_name, owner_user_name AS user_name, name,
				is_stale, state, autorefresh, autorewrite
			FROM main.stv_mv_info`,
		// The one database; DuckDB isolates transactions by snapshot.
		`CREATE OR REPLACE VIEW main.svv_redshift_databases AS
			SELECT current_database() AS database_name, CAST(10 AS INTEGER) AS database_owner, 'local' AS database_type,
				NULL::VARCHAR AS database_acl, NULL::VARCHAR AS database_options,
				'Snapshot Isolation' AS database_isolation_level`,
		`CREATE OR REPLACE VIEW main.svl_user_info AS
			SELECT u.usename, CAST(u.usesysid AS INTEGER) AS usesysid, u.usecreatedb, u.usesuper, u.usecatupd,
				'UNLIMITED' AS useconnlimit, CASE WHEN u.usecatupd THEN 'UNRESTRICTED' ELSE 'RESTRICTED' END AS syslogaccess,
				NULL::TIMESTAMP AS last_ddl_ts, 0 AS sessiontimeout, NULL::VARCHAR AS external_user_id
			FROM ` + s + `pg_user u`,
	}
}

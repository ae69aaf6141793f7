package warehouse

// dashboardMigration keeps the dashboard's saved dashboards and each user's
// query history in the catalog, so they survive restarts and go with the
// database file in a backup. The web package reads and writes them with SQL.
var dashboardMigration = Migration{Name: "0120_dashboards", SQL: []string{
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.dashboards (
		id         VARCHAR PRIMARY KEY,
		title      VARCHAR NOT NULL,
		spec       VARCHAR NOT NULL, -- JSON: {"refreshSeconds", "panels": [...]}
		owner      VARCHAR NOT NULL,
		created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
		updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
	)`,
	`CREATE SEQUENCE IF NOT EXISTS ` + CatalogSchema + `.query_history_seq START 1`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.query_history (
		id          BIGINT PRIMARY KEY,
		user_name   VARCHAR NOT NULL,
		query_text  VARCHAR NOT NULL,
		started_at  TIMESTAMPTZ NOT NULL,
		duration_ms BIGINT NOT NULL,
		status      VARCHAR NOT NULL, -- succeeded | failed | canceled
		row_count   BIGINT NOT NULL,
		error       VARCHAR
	)`,
}}

package warehouse

import (
	"context"
	"errors"
	"fmt"
)

// Migration is one change to blueshift's catalog schema. Migrations run in
// the order of the migrations list, each in its own transaction, at most once
// per database file (recorded by Name in blueshift_catalog.migrations).
type Migration struct {
	// Name identifies the migration forever; never rename or reuse one.
	Name string
	// SQL is DuckDB SQL, run in order. Objects go in the blueshift_catalog schema.
	SQL []string
}

// migrations is the catalog's history. Append new migrations at the end;
// never edit or reorder one that has shipped.
var migrations = []Migration{
	{Name: "0001_settings", SQL: []string{
		`CREATE TABLE IF NOT EXISTS blueshift_catalog.settings (
			name  VARCHAR PRIMARY KEY,
			value VARCHAR NOT NULL
		)`,
	}},
	procedureMigration,        // exec_procedure.go
	scheduleMigration,         // exec_schedule.go
	mvOrdinaryMigration,       // mv_ordinary.go
	columnTypesMigration,      // column_types.go
	objectOwnersMigration,     // owners.go
	schemaOwnersMigration,     // owners.go
	dashboardMigration,        // dashboards.go
	adminMigration,            // exec_admin.go
	scheduleOnChangeMigration, // exec_schedule.go
	lateBindingMigration,      // late_binding.go
	keyConstraintsMigration,   // constraints.go
	tableLayoutMigration,      // layout.go
}

// migrate creates the catalog schema and applies the migrations not yet
// recorded in it.
func migrate(ctx context.Context, c *Conn, list []Migration) error {
	if _, err := c.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+CatalogSchema); err != nil {
		return fmt.Errorf("warehouse: catalog schema: %w", err)
	}
	if _, err := c.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+CatalogSchema+`.migrations (
		name       VARCHAR PRIMARY KEY,
		applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
	)`); err != nil {
		return fmt.Errorf("warehouse: catalog migrations table: %w", err)
	}
	applied := map[string]bool{}
	res, err := c.Query(ctx, "SELECT name FROM "+CatalogSchema+".migrations")
	if err != nil {
		return fmt.Errorf("warehouse: read migrations: %w", err)
	}
	for res.Next() {
		applied[res.Values()[0].(string)] = true
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return fmt.Errorf("warehouse: read migrations: %w", err)
	}
	seen := map[string]bool{}
	ran := false
	for _, m := range list {
		if seen[m.Name] {
			return fmt.Errorf("warehouse: migration %q listed twice", m.Name)
		}
		seen[m.Name] = true
		if applied[m.Name] {
			continue
		}
		if err := applyMigration(ctx, c, m); err != nil {
			return err
		}
		ran = true
	}
	if ran {
		// Leave no migration in the write-ahead log: DuckDB 1.5 cannot
		// replay an ALTER TABLE of the catalog's own tables after a crash
		// ("GetDefaultDatabase with no default database set",
		// duckdb/duckdb#22044), and would refuse to open the database.
		if _, err := c.Exec(ctx, "CHECKPOINT"); err != nil {
			return fmt.Errorf("warehouse: checkpoint after migrations: %w", err)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, c *Conn, m Migration) error {
	err := c.InTx(ctx, func() error {
		for _, stmt := range m.SQL {
			if _, err := c.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		_, err := c.Exec(ctx, "INSERT INTO "+CatalogSchema+".migrations (name) VALUES ($1)", m.Name)
		return err
	})
	if err != nil {
		return fmt.Errorf("warehouse: migration %s: %w", m.Name, err)
	}
	return nil
}

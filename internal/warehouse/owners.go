package warehouse

// Object owners, for the catalog clients read.
//
// DuckDB records no owner. So that psql's \dt, \dv and \dm show who created
// a table or view, as stv_mv_info and the procedure catalog already do for
// materialized views and procedures, CREATE TABLE and CREATE VIEW record the
// session's user in blueshift_catalog.object_owners, in the statement's
// transaction; DROP forgets the record and ALTER TABLE ... RENAME TO moves it.
// The compatibility pg_class (compat.go) reports the recorded owner, the
// materialized-view catalog's owner for a materialized view, and the
// bootstrap user (blueshift) for an object created before owners were
// recorded.
// Temporary tables live outside the schemas clients list, and are not
// recorded.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

var objectOwnersMigration = Migration{Name: "0110_object_owners", SQL: []string{
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.object_owners (
		schema_name VARCHAR NOT NULL,
		name        VARCHAR NOT NULL,
		owner       VARCHAR NOT NULL,
		PRIMARY KEY (schema_name, name)
	)`,
}}

// planOwners keeps the owner records in step with the DDL pl runs.
func (s *Session) planOwners(pl *plan, stmt ast.Stmt) *plan {
	switch n := stmt.(type) {
	case *ast.CreateTable:
		if !n.Temp {
			// IF NOT EXISTS on an existing table keeps its owner.
			return s.withCatalog(pl, func(ctx context.Context) error { return s.recordOwner(ctx, n.Name, !n.IfNotExists) })
		}
	case *ast.CreateView:
		// CREATE OR REPLACE of an existing view keeps its owner, as in Postgres.
		return s.withCatalog(pl, func(ctx context.Context) error { return s.recordOwner(ctx, n.Name, !n.OrReplace) })
	case *ast.Drop:
		return s.withCatalog(pl, func(ctx context.Context) error { return s.forgetOwners(ctx, n.Names) })
	case *ast.AlterTable:
		if n.Action == "rename to" {
			return s.withCatalog(pl, func(ctx context.Context) error { return s.renameOwner(ctx, n) })
		}
	}
	return pl
}

// recordOwner records the session's user as the owner of a new relation;
// replace says whether a record left under the name is overwritten.
func (s *Session) recordOwner(ctx context.Context, name ast.Name, replace bool) error {
	schema, rel, err := s.splitName(ctx, name)
	if err != nil {
		return err
	}
	verb := "INSERT OR IGNORE INTO "
	if replace {
		verb = "INSERT OR REPLACE INTO "
	}
	if _, err := s.conn.Exec(ctx, verb+CatalogSchema+".object_owners VALUES ($1, $2, $3)", schema, rel, s.user); err != nil {
		return errorf("record the owner of %s.%s: %w", schema, rel, err)
	}
	return nil
}

// forgetOwners forgets the owner records of dropped relations.
func (s *Session) forgetOwners(ctx context.Context, names []ast.Name) error {
	for _, name := range names {
		schema, rel, err := s.splitName(ctx, name)
		if err != nil {
			return err
		}
		if _, err := s.conn.Exec(ctx, "DELETE FROM "+CatalogSchema+".object_owners WHERE schema_name = $1 AND name = $2", schema, rel); err != nil {
			return errorf("forget the owner of %s.%s: %w", schema, rel, err)
		}
	}
	return nil
}

// renameOwner moves a renamed table's owner record to its new name.
func (s *Session) renameOwner(ctx context.Context, n *ast.AlterTable) error {
	schema, rel, err := s.splitName(ctx, n.Table)
	if err != nil {
		return err
	}
	to := foldIdent(n.NewName, s.Options())
	if _, err := s.conn.Exec(ctx, "DELETE FROM "+CatalogSchema+".object_owners WHERE schema_name = $1 AND name = $2", schema, to); err != nil {
		return errorf("rename the owner record of %s.%s: %w", schema, rel, err)
	}
	if _, err := s.conn.Exec(ctx, "UPDATE "+CatalogSchema+".object_owners SET name = $3 WHERE schema_name = $1 AND name = $2", schema, rel, to); err != nil {
		return errorf("rename the owner record of %s.%s: %w", schema, rel, err)
	}
	return nil
}

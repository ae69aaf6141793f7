package warehouse

// Object owners, for the catalog clients read.
//
// DuckDB records no owner. So that psql's \dt, \dv and \dm show who created
// a table or view, as stv_mv_info and the procedure catalog already do for
// materialized views and procedures, CREATE TABLE and CREATE VIEW record the
// session's user in blueshift_catalog.object_owners, in the statement's
// transaction; DROP forgets the record and ALTER TABLE ... RENAME TO moves it.
// Local schemas' owners are recorded likewise in schema_owners (CREATE
// SCHEMA, DROP SCHEMA), and ALTER ... OWNER TO changes any of them
// (planAlterOwner).
// The compatibility pg_class (compat.go) reports the recorded owner, the
// materialized-view catalog's owner for a materialized view, and the
// bootstrap user (blueshift) for an object created before owners were
// recorded.
// Temporary tables live outside the schemas clients list, and are not
// recorded.

import (
	"context"
	"errors"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

var objectOwnersMigration = Migration{Name: "0110_object_owners", SQL: []string{
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.object_owners (
		schema_name VARCHAR NOT NULL,
		name        VARCHAR NOT NULL,
		owner       VARCHAR NOT NULL,
		PRIMARY KEY (schema_name, name)
	)`,
}}

// schemaOwnersMigration records local schemas' owners: CREATE SCHEMA records
// the session's user (or AUTHORIZATION's), ALTER SCHEMA ... OWNER TO
// changes it, DROP SCHEMA forgets it. A schema without a record (created
// before owners were recorded, or by blueshift) reads as the bootstrap
// user's (compat_catalog.go's pg_namespace). An external schema keeps its owner in
// its own catalog (exec_external_schema.go).
var schemaOwnersMigration = Migration{Name: "0111_schema_owners", SQL: []string{
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.schema_owners (
		name  VARCHAR PRIMARY KEY,
		owner VARCHAR NOT NULL
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
		return s.withCatalog(pl, func(ctx context.Context) error {
			if err := s.recordOwner(ctx, n.Name, !n.OrReplace); err != nil {
				return err
			}
			return s.recordLateBinding(ctx, n.Name, n.NoSchemaBinding) // late_binding.go
		})
	case *ast.Drop:
		return s.planDropRecords(pl, n)
	case *ast.DropSchema:
		return s.withCatalog(pl, func(ctx context.Context) error {
			if err := s.forgetSchemaKeys(ctx, n.Names); err != nil { // constraints.go
				return err
			}
			for _, name := range n.Names {
				if _, err := s.conn.Exec(ctx, `DELETE FROM `+CatalogSchema+`.table_layout WHERE schema_name = $1`, catalogIdent(name, s.Options())); err != nil { // layout.go
					return errorf("forget the layouts of schema %s: %w", name.Name, err)
				}
			}
			return s.forgetSchemaOwners(ctx, n.Names)
		})
	case *ast.CreateSchema:
		name, owner := catalogIdent(n.Name, s.Options()), s.user
		if n.Owner != nil {
			owner = foldIdent(*n.Owner, s.Options())
		}
		return s.withCatalog(pl, func(ctx context.Context) error { return s.recordSchemaOwner(ctx, name, owner, !n.IfNotExists) })
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

// planDropRecords forgets, in the DROP's transaction, what blueshift
// records of the relations a DROP removes: their owners, late binding and
// (tables) declared column types. A name that reaches one of the session's
// temporary tables, or no table at all (DROP TABLE IF EXISTS), leaves the
// records as they are: a temporary table has none, and forgetting the
// current schema's records under its name would lose those of the
// permanent table it hides. Such a DROP changes nothing another session
// looks up (localDrop, catalog_cache.go). Whether a permanent table has
// the name is remembered until the catalog changes: a procedure that
// makes and drops a working table on every CALL pays no catalog query for
// its DROPs, where it paid six.
func (s *Session) planDropRecords(pl *plan, n *ast.Drop) *plan {
	var forget []ast.Name
	run := pl.run
	pl.run = func(ctx context.Context, params []any) (*Result, error) {
		forget = forget[:0]
		local := n.Kind == "table"
		for _, name := range n.Names {
			if n.Kind == "table" && len(name) == 1 {
				reaches, err := s.dropReachesPermanent(ctx, name[0])
				if err != nil {
					return nil, err
				}
				if !reaches {
					continue
				}
			}
			local = false
			forget = append(forget, name)
		}
		res, err := run(ctx, params)
		s.localDrop = err == nil && local
		return res, err
	}
	return s.withCatalog(pl, func(ctx context.Context) error {
		for _, name := range forget {
			schema, rel, err := s.splitName(ctx, name)
			if err != nil {
				return err
			}
			if _, err := s.conn.ExecKept(ctx, "DELETE FROM "+CatalogSchema+".object_owners WHERE schema_name = $1 AND name = $2", schema, rel); err != nil {
				return errorf("forget the owner of %s.%s: %w", schema, rel, err)
			}
			if _, err := s.conn.ExecKept(ctx, "DELETE FROM "+CatalogSchema+".late_binding_views WHERE schema_name = $1 AND name = $2", schema, rel); err != nil {
				return errorf("forget the binding of %s.%s: %w", schema, rel, err)
			}
			if n.Kind == "table" {
				if err := s.forgetColumnTypes(ctx, schema, rel); err != nil {
					return err
				}
				if err := s.dropTableKeys(ctx, schema, rel, n.Cascade); err != nil { // constraints.go
					return err
				}
				if err := s.forgetLayout(ctx, schema, rel); err != nil { // layout.go
					return err
				}
			}
		}
		return nil
	})
}

// dropReachesPermanent says whether DROP TABLE of the unqualified name id,
// about to run, may drop a permanent table: one of the name is in the
// database, and no temporary table of the session's hides it.
func (s *Session) dropReachesPermanent(ctx context.Context, id ast.Ident) (bool, error) {
	name := catalogIdent(id, s.Options())
	last := strings.ToLower(id.Name)
	now := s.w.catalogGen.stamp(last)
	e, ok := s.memo.tables[name]
	if !ok || e.at != now {
		perm, err := s.catalogCount(ctx, `SELECT count(*) FROM duckdb_tables()
			WHERE NOT temporary AND database_name = current_database() AND table_name = $1`, name)
		if err != nil {
			return false, err
		}
		if s.memo.tables == nil {
			s.memo.tables = map[string]memoEntry[bool]{}
		}
		e = memoEntry[bool]{at: now, name: last, val: perm > 0}
		s.memo.tables[name] = e
	}
	if !e.val || !s.tempNames[last] {
		return e.val, nil
	}
	temp, err := s.catalogCount(ctx, `SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = $1`, name)
	return temp == 0, err
}

// catalogCount runs a count(*) query of the catalog with one argument.
func (s *Session) catalogCount(ctx context.Context, query string, arg any) (int64, error) {
	res, err := s.conn.Query(ctx, query, arg)
	if err != nil {
		return 0, errorf("read the catalog: %w", err)
	}
	defer res.Close()
	var n int64
	if res.Next() {
		n, _ = res.Values()[0].(int64)
	}
	return n, res.Err()
}

// recordSchemaOwner records owner as a new schema's; replace says whether a
// record left under the name is overwritten (not for IF NOT EXISTS, which
// keeps an existing schema's owner).
func (s *Session) recordSchemaOwner(ctx context.Context, name, owner string, replace bool) error {
	verb := "INSERT OR IGNORE INTO "
	if replace {
		verb = "INSERT OR REPLACE INTO "
	}
	if _, err := s.conn.Exec(ctx, verb+CatalogSchema+".schema_owners VALUES ($1, $2)", name, owner); err != nil {
		return errorf("record the owner of schema %s: %w", name, err)
	}
	return nil
}

// forgetSchemaOwners forgets the owner records of dropped schemas and of the
// relations that went with them (CASCADE).
func (s *Session) forgetSchemaOwners(ctx context.Context, names []ast.Ident) error {
	for _, id := range names {
		name := catalogIdent(id, s.Options())
		if s.duckSchemaExists(ctx, name) {
			continue // IF EXISTS of a schema that is not the one dropped, or a failed drop
		}
		for _, q := range []string{
			"DELETE FROM " + CatalogSchema + ".schema_owners WHERE name = $1",
			"DELETE FROM " + CatalogSchema + ".object_owners WHERE schema_name = $1",
		} {
			if _, err := s.conn.Exec(ctx, q, name); err != nil {
				return errorf("forget the owners in schema %s: %w", name, err)
			}
		}
	}
	return nil
}

// alterSchemaOwner records a schema's new owner: an external schema's in
// its catalog, a local one's in schema_owners.
func (s *Session) alterSchemaOwner(ctx context.Context, name, owner string) error {
	if _, ok, err := lookupExtSchema(ctx, s.conn, name); err != nil {
		return err
	} else if ok {
		if _, err := s.conn.Exec(ctx, "UPDATE "+CatalogSchema+".external_schemas SET owner = $1 WHERE name = $2", owner, name); err != nil {
			return errorf("change the owner of schema %s: %w", name, err)
		}
		return nil
	}
	if !s.duckSchemaExists(ctx, name) || name == CatalogSchema {
		return sqlerr.New(sqlerr.UndefinedSchema, "schema %q does not exist", name)
	}
	if _, err := s.conn.Exec(ctx, "INSERT OR REPLACE INTO "+CatalogSchema+".schema_owners VALUES ($1, $2)", name, owner); err != nil {
		return errorf("change the owner of schema %s: %w", name, err)
	}
	return nil
}

// renameOwner moves a renamed table's owner record to its new name.
func (s *Session) renameOwner(ctx context.Context, n *ast.AlterTable) error {
	schema, rel, err := s.splitName(ctx, n.Table)
	if err != nil {
		return err
	}
	to := catalogIdent(n.NewName, s.Options())
	if _, err := s.conn.Exec(ctx, "DELETE FROM "+CatalogSchema+".object_owners WHERE schema_name = $1 AND name = $2", schema, to); err != nil {
		return errorf("rename the owner record of %s.%s: %w", schema, rel, err)
	}
	if _, err := s.conn.Exec(ctx, "UPDATE "+CatalogSchema+".object_owners SET name = $3 WHERE schema_name = $1 AND name = $2", schema, rel, to); err != nil {
		return errorf("rename the owner record of %s.%s: %w", schema, rel, err)
	}
	return nil
}

// planAlterOwner plans ALTER TABLE | VIEW | MATERIALIZED VIEW | SCHEMA |
// PROCEDURE ... OWNER TO user. The owner changes where it is kept (the
// object_owners records, the materialized-view catalog, the procedure
// catalog, the schema_owners records), in the session's transaction: inside
// a block it commits or rolls back with the block.
//
// blueshift has no privilege system: any session may change any owner, and
// the new owner is taken as written (folded like an identifier; CURRENT_USER
// and SESSION_USER are the session's user), whether or not such a user ever
// connected. What the owner governs is what clients
// read (psql's \dt, \dv, \dm, \dn and \df, stv_mv_info) and the user a
// materialized view's AUTO REFRESH runs as.
//
// A procedure is found by schema and name alone (blueshift keeps one
// procedure per name); argument types, when written, are not compared.
// A materialized view's row is also written by its refreshes: changing the
// owner of a streaming view inside a long block may conflict with an AUTO
// REFRESH batch, and one of the two then fails (the loop retries).
func (s *Session) planAlterOwner(n *ast.AlterOwner) *plan {
	command := "ALTER " + strings.ToUpper(n.Kind)
	return &plan{command: command, run: func(ctx context.Context, _ []any) (*Result, error) {
		if err := s.Atomic(ctx, func() error { return s.alterOwner(ctx, n) }); err != nil {
			return nil, err
		}
		return commandResult(command), nil
	}}
}

func (s *Session) alterOwner(ctx context.Context, n *ast.AlterOwner) error {
	opts := s.Options()
	if n.RenameTo != nil {
		return s.renameProcedure(ctx, n)
	}
	owner := foldIdent(n.Owner, opts)
	if !n.Owner.Quoted && (owner == "current_user" || owner == "session_user") {
		owner = s.user // Redshift's OWNER TO { CURRENT_USER | SESSION_USER }
	}
	switch n.Kind {
	case "schema":
		return s.alterSchemaOwner(ctx, catalogIdent(n.Name.Last(), opts), owner)
	case "procedure":
		return s.alterProcedureOwner(ctx, n, owner)
	}
	mv, ok, err := s.lookupMV(ctx, s.conn, n.Name)
	if err != nil {
		return err
	}
	if ok {
		if _, err := s.conn.Exec(ctx, "UPDATE "+CatalogSchema+".materialized_views SET owner = $1 WHERE id = $2", owner, mv.id); err != nil {
			return errorf("change the owner of %s: %w", mv.qualified(), err)
		}
		return nil
	}
	if n.Kind == "materialized view" {
		return sqlerr.New(sqlerr.UndefinedTable, "relation %q does not exist", foldIdent(n.Name.Last(), opts))
	}
	schema, rel, err := s.resolveRelation(ctx, n.Name, opts) // mv_ordinary.go
	if err != nil {
		return err
	}
	res, err := s.conn.Query(ctx, `SELECT count(*) FROM (
		SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2 AND NOT temporary
		UNION ALL SELECT 1 FROM duckdb_views() WHERE database_name = current_database() AND schema_name = $1 AND view_name = $2 AND NOT internal)`, schema, rel)
	if err != nil {
		return errorf("look up %s.%s: %w", schema, rel, err)
	}
	var found int64
	if res.Next() {
		found, _ = res.Values()[0].(int64)
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return errorf("look up %s.%s: %w", schema, rel, err)
	}
	if found == 0 {
		return sqlerr.New(sqlerr.UndefinedTable, "relation %q does not exist", rel)
	}
	if _, err := s.conn.Exec(ctx, "INSERT OR REPLACE INTO "+CatalogSchema+".object_owners VALUES ($1, $2, $3)", schema, rel, owner); err != nil {
		return errorf("change the owner of %s.%s: %w", schema, rel, err)
	}
	return nil
}

// alterProcedureOwner changes a procedure's owner in the procedure catalog.
// An unqualified name is in public, as CREATE PROCEDURE puts it.
func (s *Session) alterProcedureOwner(ctx context.Context, n *ast.AlterOwner, owner string) error {
	opts := s.Options()
	schema, name := "public", foldIdent(n.Name.Last(), opts)
	if len(n.Name) >= 2 {
		schema = foldIdent(n.Name[len(n.Name)-2], opts)
	}
	count, err := s.conn.Exec(ctx, "UPDATE "+CatalogSchema+".procedures SET owner = $1 WHERE schema_name = $2 AND name = $3", owner, schema, name)
	if err != nil {
		return errorf("change the owner of procedure %s.%s: %w", schema, name, err)
	}
	if count > 0 {
		return nil
	}
	if !n.HasArgs {
		return sqlerr.New(sqlerr.UndefinedFunction, "could not find a procedure named %q", name)
	}
	types := make([]string, len(n.ArgTypes))
	for i, t := range n.ArgTypes {
		types[i] = strings.ToLower(ast.FormatType(t))
	}
	return sqlerr.New(sqlerr.UndefinedFunction, "procedure %s(%s) does not exist", name, strings.Join(types, ", "))
}

// renameProcedure is ALTER PROCEDURE name[(types)] RENAME TO new_name: the
// procedure keeps its schema, body and owner. Another procedure of the new
// name in the schema makes it an error (42723), as in Redshift.
func (s *Session) renameProcedure(ctx context.Context, n *ast.AlterOwner) error {
	opts := s.Options()
	schema, name := "public", foldIdent(n.Name.Last(), opts)
	if len(n.Name) >= 2 {
		schema = foldIdent(n.Name[len(n.Name)-2], opts)
	}
	to := foldIdent(*n.RenameTo, opts)
	res, err := s.conn.Query(ctx, "SELECT count(*) FROM "+CatalogSchema+".procedures WHERE schema_name = $1 AND name = $2", schema, to)
	if err != nil {
		return errorf("look up procedure %s.%s: %w", schema, to, err)
	}
	var taken int64
	if res.Next() {
		taken, _ = res.Values()[0].(int64)
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return errorf("look up procedure %s.%s: %w", schema, to, err)
	}
	if taken > 0 && to != name {
		return sqlerr.New(sqlerr.DuplicateFunction, "procedure %q already exists with same argument types", to)
	}
	count, err := s.conn.Exec(ctx, "UPDATE "+CatalogSchema+".procedures SET name = $1 WHERE schema_name = $2 AND name = $3", to, schema, name)
	if err != nil {
		return errorf("rename procedure %s.%s: %w", schema, name, err)
	}
	if count == 0 {
		return sqlerr.New(sqlerr.UndefinedFunction, "could not find a procedure named %q", name)
	}
	return nil
}

// ownerOf is the user mv's AUTO REFRESH runs as now: the catalog's owner,
// which ALTER MATERIALIZED VIEW ... OWNER TO may have changed since the loop
// started, or the owner the loop started with when the catalog cannot be
// read.
func (g *ingestor) ownerOf(ctx context.Context, mv *mvRow) string {
	res, err := g.conn.Query(ctx, "SELECT owner FROM "+CatalogSchema+".materialized_views WHERE id = $1", mv.id)
	if err != nil {
		return mv.owner
	}
	owner := mv.owner
	if res.Next() {
		if o, ok := res.Values()[0].(string); ok {
			owner = o
		}
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return mv.owner
	}
	return owner
}

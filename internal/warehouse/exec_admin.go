package warehouse

// Users, groups, roles and privileges; ANALYZE, VACUUM and LOCK.
//
// Behavior:
//   - CREATE / ALTER / DROP USER, CREATE / ALTER / DROP GROUP and CREATE /
//     ALTER / DROP ROLE record users, groups, memberships and roles in the
//     catalog (blueshift_catalog.users, groups, group_members, roles), in
//     the statement's transaction. pg_user shows each user with its
//     CREATEDB and CREATEUSER (superuser) switches, pg_group each group with
//     its members' OIDs. Creating what exists is 42710; naming a user,
//     group or role that does not exist is 42704 (DROP ... IF EXISTS: a
//     NOTICE). Users known without CREATE USER (the session's own, the
//     owners of objects) count as existing.
//   - GRANT and REVOKE on tables and views (by name or ALL TABLES IN
//     SCHEMA, expanded to the relations there now), schemas, databases,
//     functions, procedures and languages, to or from users, GROUP g, ROLE r
//     and PUBLIC, with or without GRANT OPTION, are recorded in
//     blueshift_catalog.grants and shown by svv_relation_privileges and
//     svv_schema_privileges. ALL expands to the object kind's privileges
//     (a table's INSERT, SELECT, UPDATE, DELETE, REFERENCES, DROP, ALTER,
//     TRUNCATE). ALTER DEFAULT PRIVILEGES is recorded in
//     default_privileges (svv_default_privileges). GRANT ROLE records role
//     membership; system permissions (GRANT CREATE MODEL TO ...) are
//     accepted and recorded as such.
//   - Nothing of this is enforced: blueshift checks no password and no
//     privilege; every user reads and changes every object. Each statement
//     that records users or privileges says so in a NOTICE.
//   - ANALYZE checks that the tables it names exist and updates DuckDB's
//     statistics. ANALYZE COMPRESSION returns Redshift's report columns
//     with no rows (DuckDB chooses each column's compression itself), with
//     a NOTICE. VACUUM checks its table and does nothing else (DuckDB keeps
//     no sort order or deleted rows to reclaim that change results); like
//     Redshift it refuses to run in a transaction block (25001). LOCK checks
//     its tables and takes no lock (NOTICE): concurrent writers conflict at
//     commit instead.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

var adminMigration = Migration{Name: "0120_users_and_grants", SQL: []string{
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.users (
		name        VARCHAR PRIMARY KEY,
		superuser   BOOLEAN NOT NULL DEFAULT false,
		createdb    BOOLEAN NOT NULL DEFAULT false,
		syslog      VARCHAR NOT NULL DEFAULT 'restricted',
		valid_until VARCHAR,
		conn_limit  VARCHAR,
		settings    VARCHAR
	)`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.groups (name VARCHAR PRIMARY KEY)`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.group_members (group_name VARCHAR NOT NULL, user_name VARCHAR NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.roles (name VARCHAR PRIMARY KEY)`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.grants (
		object_kind  VARCHAR NOT NULL,
		schema_name  VARCHAR NOT NULL,
		object_name  VARCHAR NOT NULL,
		privilege    VARCHAR NOT NULL,
		grantee_kind VARCHAR NOT NULL,
		grantee      VARCHAR NOT NULL,
		grant_option BOOLEAN NOT NULL,
		grantor      VARCHAR NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.default_privileges (
		owner        VARCHAR NOT NULL,
		schema_name  VARCHAR NOT NULL,
		object_kind  VARCHAR NOT NULL,
		privilege    VARCHAR NOT NULL,
		grantee_kind VARCHAR NOT NULL,
		grantee      VARCHAR NOT NULL,
		grant_option BOOLEAN NOT NULL
	)`,
}}

// adminViews are the system views over the tables above; Open replaces
// them each time (compatCatalogPrelude).
func adminViews() []string {
	s := CatalogSchema + "."
	identity := `CASE g.grantee_kind WHEN 'public' THEN 0 ELSE ` + s + `user_oid(g.grantee) END::INTEGER AS identity_id,
		CASE g.grantee_kind WHEN 'public' THEN 'public' ELSE g.grantee END AS identity_name,
		g.grantee_kind AS identity_type`
	return []string{
		`CREATE OR REPLACE VIEW ` + s + `pg_group AS SELECT gr.name AS groname, ` + s + `user_oid('group ' || gr.name)::INTEGER AS grosysid,
			(SELECT list(` + s + `user_oid(m.user_name)::INTEGER ORDER BY m.user_name) FROM ` + s + `group_members m WHERE m.group_name = gr.name) AS grolist
			FROM ` + s + `groups gr`,
		`CREATE OR REPLACE VIEW main.svv_relation_privileges AS SELECT g.schema_name AS namespace_name, g.object_name AS relation_name,
			upper(g.privilege) AS privilege_type, ` + identity + `, g.grant_option AND g.grantee_kind = 'user' AS admin_option
			FROM ` + s + `grants g WHERE g.object_kind = 'table'`,
		`CREATE OR REPLACE VIEW main.svv_schema_privileges AS SELECT g.object_name AS namespace_name,
			upper(g.privilege) AS privilege_type, ` + identity + `, g.grant_option AND g.grantee_kind = 'user' AS admin_option
			FROM ` + s + `grants g WHERE g.object_kind = 'schema'`,
		`CREATE OR REPLACE VIEW main.svv_function_privileges AS SELECT g.schema_name AS namespace_name, g.object_name AS function_name,
			upper(g.privilege) AS privilege_type, ` + identity + `, g.grant_option AND g.grantee_kind = 'user' AS admin_option
			FROM ` + s + `grants g WHERE g.object_kind IN ('function', 'procedure')`,
		`CREATE OR REPLACE VIEW main.svv_default_privileges AS SELECT nullif(g.schema_name, '') AS schema_name,
			upper(g.object_kind) AS object_type, ` + s + `user_oid(g.owner)::INTEGER AS owner_id, g.owner AS owner_name,
			'user' AS owner_type, upper(g.privilege) AS privilege_type, ` + identity + `, g.grant_option AS admin_option
			FROM ` + s + `default_privileges g`,
		`CREATE OR REPLACE VIEW main.svv_user_info AS SELECT u.name AS user_name, ` + s + `user_oid(u.name)::INTEGER AS user_id,
			u.createdb AS createdb, u.superuser AS superuser, u.syslog = 'unrestricted' AS syslog_access,
			u.conn_limit AS connection_limit, u.valid_until AS password_expiration
			FROM ` + s + `users u`,
	}
}

// notEnforced is the NOTICE of statements that record users or privileges.
const notEnforced = "users, groups and privileges are recorded, not enforced: blueshift checks no password or privilege"

// compressionColumns are ANALYZE COMPRESSION's report's.
var compressionColumns = []Column{{Name: "Table", Type: Type{Kind: KindText, DuckDB: "VARCHAR"}},
	{Name: "Column", Type: Type{Kind: KindText, DuckDB: "VARCHAR"}}, {Name: "Encoding", Type: Type{Kind: KindText, DuckDB: "VARCHAR"}},
	{Name: "Est_reduction_pct", Type: Type{Kind: KindText, DuckDB: "VARCHAR"}}}

// planAdmin plans an *ast.Admin.
func (s *Session) planAdmin(n *ast.Admin) *plan {
	command := strings.ToUpper(n.Kind)
	switch n.Kind {
	case "analyze compression":
		return &plan{command: "ANALYZE", columns: compressionColumns,
			run: func(ctx context.Context, _ []any) (*Result, error) {
				for _, t := range n.Tables {
					if _, _, err := s.resolveRelation(ctx, t, s.Options()); err != nil {
						return nil, err
					}
				}
				s.Notify(Notice{Severity: "NOTICE", Message: "ANALYZE COMPRESSION has no recommendation: DuckDB chooses each column's compression itself"})
				return rowsResult("ANALYZE", compressionColumns, nil), nil
			}}
	case "analyze", "vacuum", "lock":
		if n.Kind == "lock" {
			command = "LOCK TABLE"
		}
		return &plan{command: command, run: func(ctx context.Context, _ []any) (*Result, error) {
			if n.Kind == "vacuum" && (s.inBlock() || s.inProcedureTxn()) {
				return nil, sqlerr.New(sqlerr.ActiveSQLTransaction, "VACUUM cannot run inside a transaction block")
			}
			for _, t := range n.Tables {
				schema, rel, err := s.resolveRelation(ctx, t, s.Options())
				if err != nil {
					return nil, err
				}
				if err := s.relationExists(ctx, schema, rel); err != nil {
					return nil, err
				}
				if n.Kind == "analyze" {
					if _, err := s.conn.Exec(ctx, "ANALYZE "+quoteIdent(schema)+"."+quoteIdent(rel)); err != nil {
						return nil, err
					}
				}
			}
			if n.Kind == "lock" {
				s.Notify(Notice{Severity: "NOTICE", Message: "LOCK takes no lock in blueshift: a write that conflicts with another transaction's fails at commit"})
			}
			return commandResult(command), nil
		}}
	}
	return &plan{command: command, run: func(ctx context.Context, _ []any) (*Result, error) {
		if err := s.Atomic(ctx, func() error { return s.runAdmin(ctx, n) }); err != nil {
			return nil, err
		}
		s.Notify(Notice{Severity: "NOTICE", Message: notEnforced})
		return commandResult(command), nil
	}}
}

// relationExists is 42P01 unless schema.rel is a table or view.
func (s *Session) relationExists(ctx context.Context, schema, rel string) error {
	n, err := s.count(ctx, `SELECT count(*) FROM (
		SELECT 1 FROM duckdb_tables() WHERE schema_name = $1 AND table_name = $2
		UNION ALL SELECT 1 FROM duckdb_views() WHERE schema_name = $1 AND view_name = $2 AND NOT internal)`, schema, rel)
	if err != nil {
		return err
	}
	if n == 0 {
		return sqlerr.New(sqlerr.UndefinedTable, "relation %q does not exist", rel)
	}
	return nil
}

// count runs a query that returns one number.
func (s *Session) count(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return 0, errorf("catalog query: %w", err)
	}
	var n int64
	if res.Next() {
		switch v := res.Values()[0].(type) {
		case int64:
			n = v
		case int32:
			n = int64(v)
		}
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return 0, errorf("catalog query: %w", err)
	}
	return n, nil
}

// stringsOf runs a query that returns one text column.
func (s *Session) stringsOf(ctx context.Context, q string, args ...any) ([]string, error) {
	res, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return nil, errorf("catalog query: %w", err)
	}
	var out []string
	for res.Next() {
		if v, ok := res.Values()[0].(string); ok {
			out = append(out, v)
		}
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return nil, errorf("catalog query: %w", err)
	}
	return out, nil
}

func (s *Session) exec(ctx context.Context, q string, args ...any) error {
	if _, err := s.conn.Exec(ctx, q, args...); err != nil {
		return errorf("catalog: %w", err)
	}
	return nil
}

// userExists reports whether name is a user: created, or known to the
// catalog otherwise (connected, owning objects).
func (s *Session) userExists(ctx context.Context, name string) (bool, error) {
	n, err := s.count(ctx, `SELECT count(*) FROM `+CatalogSchema+`.known_users WHERE name = $1`, name)
	return n > 0, err
}

func (s *Session) inTable(ctx context.Context, table, name string) (bool, error) {
	n, err := s.count(ctx, `SELECT count(*) FROM `+CatalogSchema+`.`+table+` WHERE name = $1`, name)
	return n > 0, err
}

// mustExist is 42704 unless name is a user, group or role (kind).
func (s *Session) mustExist(ctx context.Context, kind, name string) error {
	var ok bool
	var err error
	switch kind {
	case "user":
		ok, err = s.userExists(ctx, name)
	case "group":
		ok, err = s.inTable(ctx, "groups", name)
	case "role":
		ok, err = s.inTable(ctx, "roles", name)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	if !ok {
		return sqlerr.New(sqlerr.UndefinedObject, "%s %q does not exist", kind, name)
	}
	return nil
}

func (s *Session) runAdmin(ctx context.Context, n *ast.Admin) error {
	opts := s.Options()
	fold := func(id ast.Ident) string { return foldIdent(id, opts) }
	cat := CatalogSchema + "."
	switch n.Kind {
	case "create user":
		name := fold(n.Names[0])
		if ok, err := s.inTable(ctx, "users", name); err != nil {
			return err
		} else if ok {
			return sqlerr.New(sqlerr.DuplicateObject, "user %q already exists", name)
		}
		for _, g := range n.Members {
			if err := s.mustExist(ctx, "group", fold(g)); err != nil {
				return err
			}
		}
		if err := s.exec(ctx, "INSERT INTO "+cat+"users (name) VALUES ($1)", name); err != nil {
			return err
		}
		for _, g := range n.Members {
			if err := s.exec(ctx, "INSERT INTO "+cat+"group_members VALUES ($1, $2)", fold(g), name); err != nil {
				return err
			}
		}
		return s.userOptions(ctx, name, n.Options)
	case "alter user":
		name := fold(n.Names[0])
		if err := s.mustExist(ctx, "user", name); err != nil {
			return err
		}
		if err := s.exec(ctx, "INSERT OR IGNORE INTO "+cat+"users (name, superuser, createdb) VALUES ($1, true, true)", name); err != nil {
			return err
		}
		if err := s.userOptions(ctx, name, n.Options); err != nil {
			return err
		}
		if n.NewName.Name != "" {
			to := fold(n.NewName)
			if ok, err := s.inTable(ctx, "users", to); err != nil {
				return err
			} else if ok {
				return sqlerr.New(sqlerr.DuplicateObject, "user %q already exists", to)
			}
			for _, q := range []string{
				"UPDATE " + cat + "users SET name = $2 WHERE name = $1",
				"UPDATE " + cat + "group_members SET user_name = $2 WHERE user_name = $1",
				"UPDATE " + cat + "grants SET grantee = $2 WHERE grantee = $1 AND grantee_kind = 'user'",
			} {
				if err := s.exec(ctx, q, name, to); err != nil {
					return err
				}
			}
		}
		return nil
	case "drop user", "drop group", "drop role":
		kind := strings.TrimPrefix(n.Kind, "drop ")
		table := map[string]string{"user": "users", "group": "groups", "role": "roles"}[kind]
		for _, id := range n.Names {
			name := fold(id)
			ok, err := s.inTable(ctx, table, name)
			if err != nil {
				return err
			}
			if !ok {
				if n.IfExists {
					s.Notify(Notice{Severity: "NOTICE", Message: fmt.Sprintf("%s %q does not exist, skipping", kind, name)})
					continue
				}
				return sqlerr.New(sqlerr.UndefinedObject, "%s %q does not exist", kind, name)
			}
			if err := s.exec(ctx, "DELETE FROM "+cat+table+" WHERE name = $1", name); err != nil {
				return err
			}
			col := map[string]string{"user": "user_name", "group": "group_name", "role": ""}[kind]
			if col != "" {
				if err := s.exec(ctx, "DELETE FROM "+cat+"group_members WHERE "+col+" = $1", name); err != nil {
					return err
				}
			}
			if err := s.exec(ctx, "DELETE FROM "+cat+"grants WHERE grantee_kind = $1 AND grantee = $2", kind, name); err != nil {
				return err
			}
		}
		return nil
	case "create group", "create role":
		kind := strings.TrimPrefix(n.Kind, "create ")
		table := kind + "s"
		name := fold(n.Names[0])
		if ok, err := s.inTable(ctx, table, name); err != nil {
			return err
		} else if ok {
			return sqlerr.New(sqlerr.DuplicateObject, "%s %q already exists", kind, name)
		}
		if err := s.exec(ctx, "INSERT INTO "+cat+table+" VALUES ($1)", name); err != nil {
			return err
		}
		return s.groupMembers(ctx, name, n.Members, true)
	case "alter group", "alter role":
		kind := strings.TrimPrefix(n.Kind, "alter ")
		name := fold(n.Names[0])
		if err := s.mustExist(ctx, kind, name); err != nil {
			return err
		}
		switch n.Action {
		case "add user":
			return s.groupMembers(ctx, name, n.Members, true)
		case "drop user":
			return s.groupMembers(ctx, name, n.Members, false)
		case "rename to":
			to := fold(n.NewName)
			if err := s.exec(ctx, "UPDATE "+cat+kind+"s SET name = $2 WHERE name = $1", name, to); err != nil {
				return err
			}
			if kind == "group" {
				if err := s.exec(ctx, "UPDATE "+cat+"group_members SET group_name = $2 WHERE group_name = $1", name, to); err != nil {
					return err
				}
			}
			return s.exec(ctx, "UPDATE "+cat+"grants SET grantee = $3 WHERE grantee_kind = $1 AND grantee = $2", kind, name, to)
		}
		return nil
	case "grant", "revoke":
		return s.grant(ctx, n.Grant)
	case "alter default privileges":
		return s.defaultPrivileges(ctx, n.Grant)
	}
	return sqlerr.New(sqlerr.FeatureNotSupported, "%s is not supported", strings.ToUpper(n.Kind))
}

// userOptions records CREATE USER's and ALTER USER's options.
func (s *Session) userOptions(ctx context.Context, name string, opts map[string]string) error {
	cat := CatalogSchema + "."
	for _, o := range []struct{ opt, col string }{{"createuser", "superuser"}, {"createdb", "createdb"}} {
		if v, ok := opts[o.opt]; ok {
			if err := s.exec(ctx, "UPDATE "+cat+"users SET "+o.col+" = $2 WHERE name = $1", name, v == "true"); err != nil {
				return err
			}
		}
	}
	for _, o := range []struct{ opt, col string }{{"syslog access", "syslog"}, {"valid until", "valid_until"}, {"connection limit", "conn_limit"}} {
		if v, ok := opts[o.opt]; ok {
			if err := s.exec(ctx, "UPDATE "+cat+"users SET "+o.col+" = $2 WHERE name = $1", name, v); err != nil {
				return err
			}
		}
	}
	var sets []string
	for k, v := range opts {
		if strings.HasPrefix(k, "set ") {
			sets = append(sets, strings.TrimPrefix(k, "set ")+"="+v)
		}
	}
	if len(sets) > 0 {
		sort.Strings(sets)
		return s.exec(ctx, "UPDATE "+cat+"users SET settings = $2 WHERE name = $1", name, strings.Join(sets, ";"))
	}
	return nil
}

// groupMembers adds users to a group, or drops them from it.
func (s *Session) groupMembers(ctx context.Context, group string, users []ast.Ident, add bool) error {
	cat := CatalogSchema + "."
	for _, id := range users {
		u := foldIdent(id, s.Options())
		if err := s.mustExist(ctx, "user", u); err != nil {
			return err
		}
		if err := s.exec(ctx, "DELETE FROM "+cat+"group_members WHERE group_name = $1 AND user_name = $2", group, u); err != nil {
			return err
		}
		if add {
			if err := s.exec(ctx, "INSERT INTO "+cat+"group_members VALUES ($1, $2)", group, u); err != nil {
				return err
			}
		}
	}
	return nil
}

// allPrivileges are what ALL grants on each kind of object.
var allPrivileges = map[string][]string{
	"table":      {"insert", "select", "update", "delete", "references", "drop", "alter", "truncate"},
	"schema":     {"create", "usage", "alter", "drop"},
	"database":   {"create", "temporary"},
	"function":   {"execute"},
	"procedure":  {"execute"},
	"language":   {"usage"},
	"tables":     {"insert", "select", "update", "delete", "references", "drop", "alter", "truncate"},
	"functions":  {"execute"},
	"procedures": {"execute"},
}

// privileges expands ALL and the TEMP spelling.
func privileges(kind string, privs []string) []string {
	var out []string
	for _, p := range privs {
		switch p {
		case "all":
			out = append(out, allPrivileges[kind]...)
		case "temp":
			out = append(out, "temporary")
		default:
			out = append(out, p)
		}
	}
	return out
}

// grantObject is one object a grant is on.
type grantObject struct{ kind, schema, name string }

// grantObjects resolves a grant's objects, expanding the ALL ... IN SCHEMA
// forms to what the schemas hold now.
func (s *Session) grantObjects(ctx context.Context, g *ast.Grant) ([]grantObject, error) {
	opts := s.Options()
	var out []grantObject
	for _, name := range g.Objects {
		switch g.ObjectKind {
		case "table":
			schema, rel, err := s.resolveRelation(ctx, name, opts)
			if err != nil {
				return nil, err
			}
			if err := s.relationExists(ctx, schema, rel); err != nil {
				return nil, err
			}
			out = append(out, grantObject{"table", schema, rel})
		case "schema", "all tables", "all functions", "all procedures":
			schema := catalogIdent(name.Last(), opts)
			if !s.duckSchemaExists(ctx, schema) {
				if _, ok, err := lookupExtSchema(ctx, s.conn, schema); err != nil {
					return nil, err
				} else if !ok {
					return nil, sqlerr.New(sqlerr.UndefinedSchema, "schema %q does not exist", schema)
				}
			}
			switch g.ObjectKind {
			case "schema":
				out = append(out, grantObject{"schema", "", schema})
			case "all tables":
				rels, err := s.stringsOf(ctx, `SELECT table_name FROM duckdb_tables() WHERE schema_name = $1 AND NOT temporary
					UNION SELECT view_name FROM duckdb_views() WHERE schema_name = $1 AND NOT internal ORDER BY 1`, schema)
				if err != nil {
					return nil, err
				}
				for _, r := range rels {
					out = append(out, grantObject{"table", schema, r})
				}
			case "all procedures":
				procs, err := s.stringsOf(ctx, "SELECT name FROM "+CatalogSchema+".procedures WHERE schema_name = $1 ORDER BY 1", schema)
				if err != nil {
					return nil, err
				}
				for _, p := range procs {
					out = append(out, grantObject{"procedure", schema, p})
				}
			case "all functions":
				fns, err := s.stringsOf(ctx, "SELECT DISTINCT function_name FROM duckdb_functions() WHERE schema_name = $1 AND database_name = current_database() ORDER BY 1", schema)
				if err != nil {
					return nil, err
				}
				for _, f := range fns {
					out = append(out, grantObject{"function", schema, f})
				}
			}
		case "function", "procedure":
			schema := "public"
			if len(name) >= 2 {
				schema = foldIdent(name[len(name)-2], opts)
			}
			out = append(out, grantObject{g.ObjectKind, schema, foldIdent(name.Last(), opts)})
		default:
			out = append(out, grantObject{g.ObjectKind, "", foldIdent(name.Last(), opts)})
		}
	}
	if g.ObjectKind == "system" || g.ObjectKind == "role" {
		out = append(out, grantObject{kind: g.ObjectKind})
	}
	return out, nil
}

// grant records GRANT or takes back REVOKE.
func (s *Session) grant(ctx context.Context, g *ast.Grant) error {
	opts := s.Options()
	cat := CatalogSchema + "."
	for _, ge := range g.Grantees {
		if ge.Kind != "public" {
			if err := s.mustExist(ctx, ge.Kind, foldIdent(ge.Name, opts)); err != nil {
				return err
			}
		}
	}
	if g.ObjectKind == "role" {
		for _, r := range g.Privileges {
			if err := s.mustExist(ctx, "role", r); err != nil {
				return err
			}
		}
	}
	objs, err := s.grantObjects(ctx, g)
	if err != nil {
		return err
	}
	for _, o := range objs {
		privs := g.Privileges
		if o.kind != "role" {
			privs = privileges(o.kind, g.Privileges)
		}
		for _, p := range privs {
			name := o.name
			if o.kind == "role" || o.kind == "system" {
				name = p
			}
			for _, ge := range g.Grantees {
				grantee := ""
				if ge.Kind != "public" {
					grantee = foldIdent(ge.Name, opts)
				}
				key := []any{o.kind, o.schema, name, p, ge.Kind, grantee}
				where := " WHERE object_kind = $1 AND schema_name = $2 AND object_name = $3 AND privilege = $4 AND grantee_kind = $5 AND grantee = $6"
				switch {
				case g.Revoke && g.GrantOption:
					err = s.exec(ctx, "UPDATE "+cat+"grants SET grant_option = false"+where, key...)
				case g.Revoke:
					err = s.exec(ctx, "DELETE FROM "+cat+"grants"+where, key...)
				default:
					if err = s.exec(ctx, "DELETE FROM "+cat+"grants"+where, key...); err == nil {
						err = s.exec(ctx, "INSERT INTO "+cat+"grants VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
							append(key, g.GrantOption, s.user)...)
					}
				}
				if err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// defaultPrivileges records ALTER DEFAULT PRIVILEGES.
func (s *Session) defaultPrivileges(ctx context.Context, g *ast.Grant) error {
	opts := s.Options()
	cat := CatalogSchema + "."
	owners := []string{s.user}
	if len(g.ForUsers) > 0 {
		owners = nil
		for _, u := range g.ForUsers {
			owners = append(owners, foldIdent(u, opts))
		}
	}
	schemas := []string{""}
	if len(g.InSchemas) > 0 {
		schemas = nil
		for _, sc := range g.InSchemas {
			name := foldIdent(sc, opts)
			if !s.duckSchemaExists(ctx, name) {
				return sqlerr.New(sqlerr.UndefinedSchema, "schema %q does not exist", name)
			}
			schemas = append(schemas, name)
		}
	}
	for _, ge := range g.Grantees {
		if ge.Kind != "public" {
			if err := s.mustExist(ctx, ge.Kind, foldIdent(ge.Name, opts)); err != nil {
				return err
			}
		}
	}
	kind := strings.TrimSuffix(g.ObjectKind, "s")
	for _, owner := range owners {
		for _, schema := range schemas {
			for _, p := range privileges(g.ObjectKind, g.Privileges) {
				for _, ge := range g.Grantees {
					grantee := ""
					if ge.Kind != "public" {
						grantee = foldIdent(ge.Name, opts)
					}
					key := []any{owner, schema, kind, p, ge.Kind, grantee}
					where := " WHERE owner = $1 AND schema_name = $2 AND object_kind = $3 AND privilege = $4 AND grantee_kind = $5 AND grantee = $6"
					if err := s.exec(ctx, "DELETE FROM "+cat+"default_privileges"+where, key...); err != nil {
						return err
					}
					if !g.Revoke {
						if err := s.exec(ctx, "INSERT INTO "+cat+"default_privileges VALUES ($1, $2, $3, $4, $5, $6, $7)", append(key, g.GrantOption)...); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	return nil
}

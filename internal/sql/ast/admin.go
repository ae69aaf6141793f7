package ast

// Admin is a statement about users, groups, roles and privileges, or about
// a table's upkeep, that blueshift's engine executes itself:
//
//	CREATE USER | ALTER USER | DROP USER
//	CREATE GROUP | ALTER GROUP | DROP GROUP
//	CREATE ROLE | DROP ROLE
//	GRANT | REVOKE (on tables, schemas, databases, functions, procedures,
//	  languages, the ALL ... IN SCHEMA forms, and ROLE grants)
//	ALTER DEFAULT PRIVILEGES
//	ANALYZE [COMPRESSION] | VACUUM | LOCK
//
// The parser checks the statement against Redshift's grammar and keeps the
// parts the engine records; Text is the statement as written, which is
// also what Format prints.
type Admin struct {
	// Kind is the statement, lower case: "create user", "alter user",
	// "drop user", "create group", "alter group", "drop group", "create
	// role", "drop role", "grant", "revoke", "alter default privileges",
	// "analyze", "analyze compression", "vacuum", "lock".
	Kind string
	Text string
	// Names are the users, groups or roles the statement creates, alters or
	// drops.
	Names    []Ident
	IfExists bool
	// Options are CREATE USER's and ALTER USER's options by keyword
	// ("createdb", "createuser", "password", "valid until", "connection
	// limit", "syslog access", "session timeout", "rename to", "set",
	// "reset"), with the value written ("true"/"false" for the switches).
	Options map[string]string
	// Members are the users ALTER GROUP adds or drops (Action "add user",
	// "drop user"), CREATE GROUP ... WITH USER lists, or CREATE USER ... IN
	// GROUP joins (then they are groups).
	Members []Ident
	// Action is ALTER GROUP's "add user", "drop user" or "rename to".
	Action  string
	NewName Ident
	// Grant describes GRANT, REVOKE and ALTER DEFAULT PRIVILEGES.
	Grant *Grant
	// Tables are the tables ANALYZE, VACUUM and LOCK name (none: all).
	Tables []Name
}

// Grant is the body of GRANT, REVOKE and ALTER DEFAULT PRIVILEGES.
type Grant struct {
	Revoke bool
	// Privileges are lower case ("select", "insert", "usage", "all", ...);
	// for a role grant, the roles granted.
	Privileges []string
	// Columns are the column list of a column-level grant.
	Columns []Ident
	// ObjectKind is what the privileges are on: "table", "schema",
	// "database", "function", "procedure", "language", "role" (GRANT ROLE),
	// "all tables", "all functions", "all procedures" (the ALL ... IN
	// SCHEMA forms, Objects naming the schemas); for default privileges
	// "tables", "functions" or "procedures".
	ObjectKind string
	Objects    []Name
	Grantees   []Grantee
	// GrantOption is WITH GRANT OPTION, or REVOKE GRANT OPTION FOR.
	GrantOption bool
	// ForUsers and InSchemas are ALTER DEFAULT PRIVILEGES' FOR USER and IN
	// SCHEMA lists.
	ForUsers  []Ident
	InSchemas []Ident
}

// Grantee is one receiver of a grant: a user, GROUP g, ROLE r or PUBLIC.
type Grantee struct {
	Kind string // "user", "group", "role", "public"
	Name Ident
}

func (*Admin) stmt() {}

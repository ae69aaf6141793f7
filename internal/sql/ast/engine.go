package ast

// The statements in this file are executed by blueshift's engine itself,
// never handed to DuckDB as written.

// CreateExternalSchema is CREATE EXTERNAL SCHEMA [IF NOT EXISTS] s FROM
// KINESIS | MSK | KAFKA ... : a schema whose relations are streams.
type CreateExternalSchema struct {
	IfNotExists bool
	Name        Ident
	Source      string // "kinesis", "msk", "kafka"
	Region      string
	// IAMRole is the role ARN, or "default" for IAM_ROLE default; empty when absent.
	IAMRole        string
	Authentication string // none, iam, mtls
	AuthARN        string // AUTHENTICATION_ARN / SECRET_ARN
	URI            string // Kafka bootstrap servers
	ClusterARN     string // MSK CLUSTER_ARN
}

// DropSchema is DROP SCHEMA [IF EXISTS] s[, ...] [DROP EXTERNAL DATABASE] [CASCADE | RESTRICT].
type DropSchema struct {
	IfExists bool
	Names    []Ident
	Cascade  bool
	Restrict bool
}

// CreateMaterializedView is Redshift's CREATE MATERIALIZED VIEW.
type CreateMaterializedView struct {
	Name        Name
	Backup      *bool
	DistStyle   string
	DistKey     *Ident
	SortKey     []Ident
	AutoRefresh *bool
	Q           Query
	// QueryPos is the byte offset of the query text in the statement, and
	// QueryText that text as written, for the catalog.
	QueryPos  int
	QueryText string
}

// RefreshMaterializedView is REFRESH MATERIALIZED VIEW v [RESTRICT | CASCADE].
type RefreshMaterializedView struct {
	Name    Name
	Cascade bool
	// Restrict is set when RESTRICT was written.
	Restrict bool
}

// AlterMaterializedView is ALTER MATERIALIZED VIEW v AUTO REFRESH YES | NO.
type AlterMaterializedView struct {
	Name        Name
	AutoRefresh bool
}

// AlterOwner is ALTER TABLE | VIEW | MATERIALIZED VIEW | SCHEMA | PROCEDURE
// name[(argtypes)] OWNER TO user: a change of the object's recorded owner.
type AlterOwner struct {
	Kind string // "table", "view", "materialized view", "schema", "procedure"
	Name Name
	// ArgTypes are a procedure's argument types, when HasArgs.
	ArgTypes []*TypeName
	HasArgs  bool
	Owner    Ident
	// RenameTo, for a procedure, makes the statement ALTER PROCEDURE ...
	// RENAME TO name instead (Owner is then empty).
	RenameTo *Ident
}

// DropMaterializedView is DROP MATERIALIZED VIEW [IF EXISTS] v[, ...] [CASCADE | RESTRICT].
type DropMaterializedView struct {
	IfExists bool
	Names    []Name
	Cascade  bool
}

// ProcArg is one parameter of a procedure.
type ProcArg struct {
	Name Ident  // may be empty
	Mode string // "", "in", "out", "inout"
	Type *TypeName
}

// CreateProcedure is CREATE [OR REPLACE] PROCEDURE name(args) [NONATOMIC]
// AS $$body$$ LANGUAGE plpgsql [SECURITY INVOKER | DEFINER] [SET ...].
type CreateProcedure struct {
	OrReplace bool
	Name      Name
	Args      []ProcArg
	Nonatomic bool
	Body      string
	// BodyPos is the byte offset of the body's first character in the
	// statement, so errors inside the body point into the user's text.
	BodyPos  int
	Language string
	Security string // "", "invoker", "definer"
	Set      []*Set
}

// DropProcedure is DROP PROCEDURE [IF EXISTS] name[(argtypes)].
type DropProcedure struct {
	IfExists bool
	Name     Name
	ArgTypes []*TypeName
	HasArgs  bool
}

// Call is CALL name(args).
type Call struct {
	Name Name
	Args []Expr
}

func (*CreateExternalSchema) stmt()    {}
func (*DropSchema) stmt()              {}
func (*CreateMaterializedView) stmt()  {}
func (*RefreshMaterializedView) stmt() {}
func (*AlterMaterializedView) stmt()   {}
func (*DropMaterializedView) stmt()    {}
func (*AlterOwner) stmt()              {}
func (*CreateProcedure) stmt()         {}
func (*DropProcedure) stmt()           {}
func (*Call) stmt()                    {}

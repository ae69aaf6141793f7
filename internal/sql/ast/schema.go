package ast

// CreateSchema is Redshift's CREATE SCHEMA:
//
//	CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION user] [QUOTA {n [MB | GB | TB] | UNLIMITED}]
//	CREATE SCHEMA [IF NOT EXISTS] AUTHORIZATION user [QUOTA ...]
//
// DuckDB runs it as CREATE SCHEMA [IF NOT EXISTS] name (internal/sql's
// Translate prints it): it has no owners or quotas; the warehouse records
// the owner.
type CreateSchema struct {
	IfNotExists bool
	// Name is the schema's name; with only AUTHORIZATION, the user's.
	Name Ident
	// Owner is AUTHORIZATION's user, nil without it; Named is false for
	// the form that names no schema.
	Owner *Ident
	Named bool
	// Quota is QUOTA's value as written ("50 GB", "UNLIMITED"); empty
	// without it.
	Quota string
}

func (*CreateSchema) stmt() {}

func (p *Printer) createSchema(n *CreateSchema) {
	p.W("CREATE SCHEMA ")
	if n.IfNotExists {
		p.W("IF NOT EXISTS ")
	}
	if n.Named {
		p.id(n.Name, false)
		if n.Owner != nil {
			p.W(" ")
		}
	}
	if n.Owner != nil {
		p.W("AUTHORIZATION ")
		p.id(*n.Owner, false)
	}
	if n.Quota != "" {
		p.W(" QUOTA ", n.Quota)
	}
}

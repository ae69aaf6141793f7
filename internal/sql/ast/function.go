package ast

import "strings"

// CreateFunction is a SQL user-defined function: CREATE [OR REPLACE]
// FUNCTION name ([argname] type, ...) RETURNS type [VOLATILE | STABLE |
// IMMUTABLE] AS $$ SELECT expr $$ LANGUAGE sql. The body refers to the
// arguments as $1, $2, ...; Q is the body as parsed.
type CreateFunction struct {
	OrReplace  bool
	Name       Name
	Args       []ProcArg
	Returns    *TypeName
	Volatility string // "", "volatile", "stable", "immutable"
	Body       string
	Q          Query
}

// DropFunction is DROP FUNCTION [IF EXISTS] name ( [argtypes] ) [CASCADE | RESTRICT].
type DropFunction struct {
	IfExists bool
	Name     Name
	ArgTypes []*TypeName
	Cascade  bool
}

func (*CreateFunction) stmt() {}
func (*DropFunction) stmt()   {}

func (p *Printer) function(n Stmt) {
	switch n := n.(type) {
	case *CreateFunction:
		p.W("CREATE ")
		if n.OrReplace {
			p.W("OR REPLACE ")
		}
		p.W("FUNCTION ")
		p.name(n.Name)
		p.procArgs(n.Args)
		p.W(" RETURNS ")
		p.typ(n.Returns)
		if n.Volatility != "" {
			p.W(" ", strings.ToUpper(n.Volatility))
		}
		p.W(" AS ", DollarQuote(n.Body), " LANGUAGE sql")
	case *DropFunction:
		if p.DuckDB {
			p.W("DROP MACRO ")
		} else {
			p.W("DROP FUNCTION ")
		}
		if n.IfExists {
			p.W("IF EXISTS ")
		}
		p.name(n.Name)
		if !p.DuckDB {
			p.W("(")
			for i, t := range n.ArgTypes {
				if i > 0 {
					p.W(", ")
				}
				p.typ(t)
			}
			p.W(")")
			if n.Cascade {
				p.W(" CASCADE")
			}
		}
	}
}

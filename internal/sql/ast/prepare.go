package ast

// Prepare is PREPARE name [(type, ...)] AS statement: a statement with
// parameters $1, $2, ... of the types given, run later by EXECUTE name
// (args).
type Prepare struct {
	Name  Ident
	Types []*TypeName
	Stmt  Stmt
	// StmtPos is the byte offset of Stmt in the statement's text.
	StmtPos int
}

func (*Prepare) stmt() {}

// prepare prints PREPARE name [(types)] AS and the statement.
func (p *Printer) prepare(n *Prepare) {
	p.W("PREPARE ")
	p.id(n.Name, false)
	if len(n.Types) > 0 {
		p.W(" (")
		for i, t := range n.Types {
			if i > 0 {
				p.W(", ")
			}
			p.typ(t)
		}
		p.W(")")
	}
	p.W(" AS ")
	p.Stmt(n.Stmt)
}

// Execute is EXECUTE name [(arg, ...)]: a statement PREPARE made, run with
// these parameters.
type Execute struct {
	Name Ident
	Args []Expr
}

// Deallocate is DEALLOCATE [PREPARE] name | ALL.
type Deallocate struct {
	Name Ident
	All  bool
}

func (*Execute) stmt()    {}
func (*Deallocate) stmt() {}

func (p *Printer) execute(n *Execute) {
	p.W("EXECUTE ")
	p.id(n.Name, false)
	if len(n.Args) > 0 {
		p.W(" (")
		p.exprs(n.Args)
		p.W(")")
	}
}

func (p *Printer) deallocate(n *Deallocate) {
	p.W("DEALLOCATE ")
	if n.All {
		p.W("ALL")
		return
	}
	p.id(n.Name, false)
}

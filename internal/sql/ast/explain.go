package ast

// Explain is EXPLAIN [ANALYZE] [VERBOSE] stmt: Redshift's EXPLAIN [VERBOSE]
// query, and Postgres's ANALYZE and option-list forms, which the parser
// reads into the same two flags.
type Explain struct {
	// Analyze runs the statement and reports the plan with what it did.
	Analyze bool
	// Verbose asks for the full plan. Kept for Format; an engine without
	// a verbose plan may ignore it.
	Verbose bool
	// Stmt is the statement explained.
	Stmt Stmt
	// StmtPos is the byte offset of Stmt in the statement's text, for
	// errors that concern the statement explained.
	StmtPos int
}

func (*Explain) stmt() {}

// explain prints EXPLAIN [ANALYZE] [VERBOSE] and the statement.
func (p *Printer) explain(n *Explain) {
	p.W("EXPLAIN ")
	if n.Analyze {
		p.W("ANALYZE ")
	}
	if n.Verbose {
		p.W("VERBOSE ")
	}
	p.Stmt(n.Stmt)
}

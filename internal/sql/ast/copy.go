package ast

// COPY with the client (the Postgres protocol's copy sub-protocol):
//
//	COPY table [(column, ...)] FROM STDIN [[WITH] options]
//	COPY {table [(column, ...)] | (query)} TO STDOUT [[WITH] options]
//
// options are the parenthesized list (FORMAT csv, HEADER true, ...) or the
// older bare words (CSV HEADER DELIMITER AS ','). And Redshift's load of a
// DynamoDB table:
//
//	COPY table [(column, ...)] FROM 'dynamodb://Table' option [AS] value | flag ...
//
// A COPY to or from a file, or from another data source, is not this node
// (it stays Raw).

// Copy is a COPY that exchanges rows with the client.
type Copy struct {
	// From is FROM STDIN (or FROM Source); false is TO STDOUT.
	From bool
	// Source is the data source of a load from one ('dynamodb://Table'),
	// empty for the client.
	Source string
	// Table and Columns name the target; Table is empty for a query.
	Table   Name
	Columns []Ident
	// Q is the source of COPY (query) TO STDOUT, and QueryText the query
	// as written, which the engine plans as a statement of its own.
	Q         Query
	QueryText string
	// Options are the options in the order written.
	Options []CopyOption
}

// CopyOption is one COPY option: its name, lower-cased, and its value as
// written (a string's contents, a word lower-cased); HasValue is false for
// a bare word (CSV, HEADER).
type CopyOption struct {
	Name     string
	Value    string
	HasValue bool
}

func (*Copy) stmt() {}

func (p *Printer) copyStmt(n *Copy) {
	p.W("COPY ")
	if n.Table == nil {
		p.W("(")
		p.Query(n.Q)
		p.W(")")
	} else {
		p.name(n.Table)
		if len(n.Columns) > 0 {
			p.W(" ")
			p.parenIDs(n.Columns)
		}
	}
	switch {
	case n.Source != "":
		p.W(" FROM ", QuoteString(n.Source))
		for _, o := range n.Options {
			p.W(" ", o.Name)
			if o.HasValue {
				p.W(" ", QuoteString(o.Value))
			}
		}
		return
	case n.From:
		p.W(" FROM STDIN")
	default:
		p.W(" TO STDOUT")
	}
	if len(n.Options) == 0 {
		return
	}
	p.W(" (")
	for i, o := range n.Options {
		if i > 0 {
			p.W(", ")
		}
		p.W(o.Name)
		if o.HasValue {
			p.W(" ", QuoteString(o.Value))
		}
	}
	p.W(")")
}

package ast

import "strconv"

// Cursors, as Redshift and Postgres clients use them (psycopg's named
// cursors, JDBC's fetch size, BI tools that page a large result):
//
//	DECLARE name [BINARY] [INSENSITIVE] [NO SCROLL] CURSOR [{WITH | WITHOUT} HOLD] FOR query
//	FETCH [NEXT | ALL | FORWARD [n | ALL] | n] [FROM | IN] name
//	MOVE  [NEXT | ALL | FORWARD [n | ALL] | n] [FROM | IN] name
//	CLOSE {name | ALL}

// DeclareCursor is DECLARE name CURSOR FOR query.
type DeclareCursor struct {
	Name Ident
	// Hold is WITH HOLD: the cursor outlives the transaction that declared it.
	Hold bool
	Q    Query
	// QueryText is the query as written, which the engine plans as a
	// statement of its own.
	QueryText string
}

// FetchAll is Fetch.Count for ALL.
const FetchAll = -1

// Fetch is FETCH or MOVE: Count rows forward (FetchAll for the rest).
type Fetch struct {
	Move  bool
	Count int64
	Name  Ident
}

// CloseCursor is CLOSE name, or CLOSE ALL.
type CloseCursor struct {
	All  bool
	Name Ident
}

func (*DeclareCursor) stmt() {}
func (*Fetch) stmt()         {}
func (*CloseCursor) stmt()   {}

func (p *Printer) cursor(n Stmt) {
	switch n := n.(type) {
	case *DeclareCursor:
		p.W("DECLARE ")
		p.id(n.Name, false)
		p.W(" CURSOR ")
		if n.Hold {
			p.W("WITH HOLD ")
		}
		p.W("FOR ")
		p.Query(n.Q)
	case *Fetch:
		if n.Move {
			p.W("MOVE ")
		} else {
			p.W("FETCH ")
		}
		if n.Count == FetchAll {
			p.W("ALL")
		} else {
			p.W("FORWARD ", strconv.FormatInt(n.Count, 10))
		}
		p.W(" FROM ")
		p.id(n.Name, false)
	case *CloseCursor:
		if n.All {
			p.W("CLOSE ALL")
			return
		}
		p.W("CLOSE ")
		p.id(n.Name, false)
	}
}

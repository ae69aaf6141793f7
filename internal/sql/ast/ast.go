// Package ast is the syntax tree of blueshift's Redshift dialect. Every node
// prints deterministically (Format), so tests diff text.
//
// Invariants:
//   - Format(n) is a pure function of the tree; parsing Format(n) gives a tree
//     that formats the same way.
//   - Identifiers keep the user's spelling (Ident.Name, Ident.Quoted); folding
//     to Redshift's case rules happens when printing for an engine.
//   - Nodes hold no positions except where an error must point at the user's
//     text (Pos fields, byte offsets into the statement).
package ast

// Stmt is one parsed statement.
type Stmt interface{ stmt() }

// Raw is a statement the parser does not model; it passes to DuckDB unchanged.
type Raw struct{ Text string }

// Set is SET [SESSION|LOCAL] name { TO | = } value[, ...] | DEFAULT.
type Set struct {
	Name    string   // lower-cased parameter name
	Values  []string // the values as written, unquoted; empty with Default
	Default bool
	Local   bool
}

// Reset is RESET name | RESET ALL.
type Reset struct {
	Name string
	All  bool
}

// Show is SHOW name | SHOW ALL.
type Show struct {
	Name string
	All  bool
}

// Begin is BEGIN | START TRANSACTION.
type Begin struct{}

// Commit is COMMIT | END.
type Commit struct{}

// Rollback is ROLLBACK | ABORT.
type Rollback struct{}

func (*Raw) stmt()      {}
func (*Set) stmt()      {}
func (*Reset) stmt()    {}
func (*Show) stmt()     {}
func (*Begin) stmt()    {}
func (*Commit) stmt()   {}
func (*Rollback) stmt() {}

// Ident is an identifier as the user wrote it: Name holds the text (the
// contents of a quoted identifier, or the unquoted word in its original case).
type Ident struct {
	Name   string
	Quoted bool
}

// Name is a possibly qualified object name: [schema.]name.
type Name []Ident

// Last returns the unqualified part of the name.
func (n Name) Last() Ident {
	if len(n) == 0 {
		return Ident{}
	}
	return n[len(n)-1]
}

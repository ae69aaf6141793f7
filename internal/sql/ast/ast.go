// Package ast is the syntax tree of blueshift's Redshift dialect. Every node
// prints deterministically (Format), so tests diff text.
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

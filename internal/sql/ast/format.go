package ast

import (
	"strings"
)

// Format prints a node as canonical Redshift SQL: keywords upper case,
// identifiers as written, one space between tokens. The output is
// deterministic and parses back to the same tree.
func Format(n any) string {
	var p Printer
	p.Node(n)
	return p.String()
}

// Printer writes nodes as SQL. The zero value prints Redshift SQL as written
// (Format); setting Dialect and Fold prints for another engine.
type Printer struct {
	b strings.Builder
	// Dialect selects spellings that differ between engines; "" is Redshift.
	Dialect string
	// Fold, when set, decides how each identifier is printed; nil prints
	// identifiers as written.
	Fold func(id Ident, super bool) string
	// Err is the first error met while printing (an unsupported construct).
	Err error
}

// String returns what has been printed.
func (p *Printer) String() string { return p.b.String() }

// W writes raw text.
func (p *Printer) W(s ...string) {
	for _, x := range s {
		p.b.WriteString(x)
	}
}

// QuoteString quotes s as a standard SQL string literal.
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// QuoteIdent quotes s as a delimited identifier.
func QuoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func (p *Printer) stringList(vs []string) {
	for i, v := range vs {
		if i > 0 {
			p.W(", ")
		}
		p.W(QuoteString(v))
	}
}

// Node prints any node.
func (p *Printer) Node(n any) {
	switch n := n.(type) {
	case *Raw:
		p.W(n.Text)
	case *Set:
		p.W("SET ")
		if n.Local {
			p.W("LOCAL ")
		}
		p.W(n.Name, " TO ")
		if n.Default {
			p.W("DEFAULT")
		} else {
			p.stringList(n.Values)
		}
	case *Reset:
		if n.All {
			p.W("RESET ALL")
		} else {
			p.W("RESET ", n.Name)
		}
	case *Show:
		if n.All {
			p.W("SHOW ALL")
		} else {
			p.W("SHOW ", n.Name)
		}
	case *Begin:
		p.W("BEGIN")
	case *Commit:
		p.W("COMMIT")
	case *Rollback:
		p.W("ROLLBACK")
	default:
		p.node(n)
	}
}

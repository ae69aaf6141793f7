package ast

import "fmt"

// node prints the nodes beyond session and transaction control.
func (p *Printer) node(n any) {
	if p.Err == nil {
		p.Err = fmt.Errorf("ast: cannot print %T", n)
	}
}

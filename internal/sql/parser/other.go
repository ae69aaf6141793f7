package parser

import "github.com/blueshift-dev/blueshift/internal/sql/ast"

// parseQueryStmt parses a statement that starts with a parenthesis.
func (p *parser) parseQueryStmt() ast.Stmt { return p.raw() }

// parseOther parses statements other than session and transaction control.
func (p *parser) parseOther() ast.Stmt { return p.raw() }

package parser

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
)

// Redshift's administration statements (users, groups, roles, privileges)
// and table upkeep (ANALYZE, VACUUM, LOCK), read into *ast.Admin. Each is
// checked against the grammar of its page in Redshift's SQL reference.

// admin finishes an *ast.Admin begun at token start: Text is the statement
// as written, from its first token to its last.
func (p *parser) admin(start int, a *ast.Admin) ast.Stmt {
	if !p.atEOF() {
		p.fail(p.peek(), "")
	}
	last := p.toks[len(p.toks)-2]
	a.Text = p.src[p.toks[start].Pos:last.End]
	return a
}

// adminCreate reads CREATE USER | GROUP | ROLE after CREATE.
func (p *parser) adminCreate(start int) ast.Stmt {
	switch {
	case p.accept("user"):
		a := &ast.Admin{Kind: "create user", Names: []ast.Ident{p.ident()}, Options: map[string]string{}}
		p.userOptions(a)
		return p.admin(start, a)
	case p.accept("group"):
		a := &ast.Admin{Kind: "create group", Names: []ast.Ident{p.ident()}}
		p.accept("with")
		if p.accept("user") {
			a.Members = p.identList()
		}
		return p.admin(start, a)
	case p.accept("role"):
		a := &ast.Admin{Kind: "create role", Names: []ast.Ident{p.ident()}}
		if p.accept("externalid") {
			p.next()
		}
		return p.admin(start, a)
	}
	return nil
}

// adminDrop reads DROP USER | GROUP | ROLE after DROP.
func (p *parser) adminDrop(start int) ast.Stmt {
	var kind string
	switch {
	case p.accept("user"):
		kind = "drop user"
	case p.accept("group"):
		kind = "drop group"
	case p.accept("role"):
		kind = "drop role"
	default:
		return nil
	}
	a := &ast.Admin{Kind: kind, IfExists: p.acceptSeq("if", "exists")}
	a.Names = p.identList()
	if kind == "drop role" && !p.accept("force") {
		p.accept("restrict")
	}
	return p.admin(start, a)
}

// adminAlter reads ALTER USER | GROUP | ROLE | DEFAULT PRIVILEGES after ALTER.
func (p *parser) adminAlter(start int) ast.Stmt {
	switch {
	case p.accept("user"):
		a := &ast.Admin{Kind: "alter user", Names: []ast.Ident{p.ident()}, Options: map[string]string{}}
		p.userOptions(a)
		if len(a.Options) == 0 {
			p.fail(p.peek(), "")
		}
		return p.admin(start, a)
	case p.accept("group"):
		a := &ast.Admin{Kind: "alter group", Names: []ast.Ident{p.ident()}}
		switch {
		case p.acceptSeq("add", "user"):
			a.Action, a.Members = "add user", p.identList()
		case p.acceptSeq("drop", "user"):
			a.Action, a.Members = "drop user", p.identList()
		case p.acceptSeq("rename", "to"):
			a.Action, a.NewName = "rename to", p.ident()
		default:
			p.fail(p.peek(), "")
		}
		return p.admin(start, a)
	case p.accept("role"):
		a := &ast.Admin{Kind: "alter role", Names: []ast.Ident{p.ident()}}
		switch {
		case p.acceptSeq("with", "name"):
			a.Action, a.NewName = "rename to", p.ident()
		case p.accept("externalid"):
			p.expect("to")
			p.next()
		default:
			p.fail(p.peek(), "")
		}
		return p.admin(start, a)
	case p.acceptSeq("default", "privileges"):
		g := &ast.Grant{}
		for {
			switch {
			case p.acceptSeq("for", "user"), p.acceptSeq("for", "role"):
				g.ForUsers = append(g.ForUsers, p.identList()...)
				continue
			case p.acceptSeq("in", "schema"):
				g.InSchemas = append(g.InSchemas, p.identList()...)
				continue
			}
			break
		}
		switch {
		case p.accept("grant"):
		case p.accept("revoke"):
			g.Revoke = true
		default:
			p.fail(p.peek(), "")
		}
		p.grantBody(g, true)
		return p.admin(start, &ast.Admin{Kind: "alter default privileges", Grant: g})
	}
	return nil
}

// userOptions reads CREATE USER's and ALTER USER's options.
func (p *parser) userOptions(a *ast.Admin) {
	p.accept("with")
	for !p.atEOF() {
		t := p.peek()
		switch {
		case p.accept("password"):
			if p.accept("disable") {
				a.Options["password"] = "disable"
			} else {
				a.Options["password"] = p.stringArg()
			}
			if p.acceptSeq("valid", "until") {
				a.Options["valid until"] = p.stringArg()
			}
		case p.accept("createdb"):
			a.Options["createdb"] = "true"
		case p.accept("nocreatedb"):
			a.Options["createdb"] = "false"
		case p.accept("createuser"):
			a.Options["createuser"] = "true"
		case p.accept("nocreateuser"):
			a.Options["createuser"] = "false"
		case p.acceptSeq("syslog", "access"):
			if !p.accept("restricted") && !p.accept("unrestricted") {
				p.fail(p.peek(), "")
			}
			a.Options["syslog access"] = p.toks[p.i-1].Value
		case p.acceptSeq("in", "group"):
			a.Members = append(a.Members, p.identList()...)
		case p.acceptSeq("valid", "until"):
			a.Options["valid until"] = p.stringArg()
		case p.acceptSeq("connection", "limit"):
			if p.accept("unlimited") {
				a.Options["connection limit"] = "unlimited"
			} else {
				a.Options["connection limit"] = p.numberArg()
			}
		case p.acceptSeq("session", "timeout"):
			a.Options["session timeout"] = p.numberArg()
		case p.acceptSeq("reset", "session", "timeout"):
			a.Options["session timeout"] = ""
		case p.accept("externalid"):
			p.next()
			a.Options["externalid"] = "true"
		case a.Kind == "alter user" && p.acceptSeq("rename", "to"):
			a.NewName = p.ident()
			a.Options["rename to"] = a.NewName.Name
		case a.Kind == "alter user" && p.accept("set"):
			name := p.settingName()
			if !p.accept("to") && !p.accept("=") {
				p.fail(p.peek(), "")
			}
			if p.accept("default") {
				a.Options["set "+name] = ""
				break
			}
			var vals []string
			for {
				vals = append(vals, p.settingValue())
				if !p.accept(",") {
					break
				}
			}
			a.Options["set "+name] = strings.Join(vals, ", ")
		case a.Kind == "alter user" && p.accept("reset"):
			a.Options["set "+p.settingName()] = ""
		case p.accept(","):
		default:
			p.fail(t, "")
		}
	}
}

// numberArg reads an integer literal.
func (p *parser) numberArg() string {
	t := p.next()
	if t.Kind != lex.Number {
		p.fail(t, "")
	}
	return t.Value
}

// grantStmt reads GRANT or REVOKE.
func (p *parser) grantStmt(start int) ast.Stmt {
	g := &ast.Grant{Revoke: p.next().Is("revoke")}
	if g.Revoke && p.acceptSeq("grant", "option", "for") {
		g.GrantOption = true
	}
	if g.Revoke && p.acceptSeq("admin", "option", "for") {
		g.GrantOption = true
	}
	p.grantBody(g, false)
	kind := "grant"
	if g.Revoke {
		kind = "revoke"
	}
	return p.admin(start, &ast.Admin{Kind: kind, Grant: g})
}

// objectPrivileges are the privilege words GRANT ... ON takes.
var objectPrivileges = map[string]bool{"select": true, "insert": true, "update": true, "delete": true,
	"drop": true, "references": true, "alter": true, "truncate": true, "create": true, "temporary": true,
	"temp": true, "usage": true, "execute": true, "all": true}

// grantBody reads privileges ON objects TO | FROM grantees, or ROLE r TO
// grantees; defaults restricts the objects to ALTER DEFAULT PRIVILEGES'
// TABLES, FUNCTIONS and PROCEDURES.
func (p *parser) grantBody(g *ast.Grant, defaults bool) {
	if !defaults && p.accept("role") {
		g.ObjectKind = "role"
		for {
			g.Privileges = append(g.Privileges, strings.ToLower(p.ident().Name))
			if !p.accept(",") {
				break
			}
		}
		p.grantees(g)
		return
	}
	// Privileges: words up to ON, or (system permissions) up to TO / FROM.
	system := false
	for {
		t := p.peek()
		if t.Kind != lex.Ident {
			p.fail(t, "")
		}
		word := t.Value
		p.next()
		if word == "all" {
			p.accept("privileges")
		}
		if !objectPrivileges[word] {
			system = true
		}
		for p.peek().Kind == lex.Ident && !p.is("on") && !p.is("to") && !p.is("from") {
			// multi-word permissions (CREATE MODEL, CREATE USER, ...)
			word += " " + p.next().Value
			system = true
		}
		if p.is("(") {
			g.Columns = append(g.Columns, p.parenIdentList()...)
		}
		g.Privileges = append(g.Privileges, word)
		if !p.accept(",") {
			break
		}
	}
	if system && !p.is("on") {
		g.ObjectKind = "system"
		p.grantees(g)
		return
	}
	onTok := p.expect("on")
	_ = onTok
	if defaults {
		switch {
		case p.accept("tables"):
			g.ObjectKind = "tables"
		case p.accept("functions"):
			g.ObjectKind = "functions"
		case p.accept("procedures"):
			g.ObjectKind = "procedures"
		default:
			p.fail(p.peek(), "")
		}
		p.grantees(g)
		return
	}
	switch {
	case p.isSeq("all", "tables", "in", "schema"), p.isSeq("all", "functions", "in", "schema"), p.isSeq("all", "procedures", "in", "schema"):
		g.ObjectKind = "all " + p.peekN(1).Value
		p.i += 4
		for _, id := range p.identList() {
			g.Objects = append(g.Objects, ast.Name{id})
		}
	case p.accept("schema"):
		g.ObjectKind = "schema"
		for _, id := range p.identList() {
			g.Objects = append(g.Objects, ast.Name{id})
		}
	case p.accept("database"):
		g.ObjectKind = "database"
		for _, id := range p.identList() {
			g.Objects = append(g.Objects, ast.Name{id})
		}
	case p.accept("language"):
		g.ObjectKind = "language"
		for _, id := range p.identList() {
			g.Objects = append(g.Objects, ast.Name{id})
		}
	case p.is("function"), p.is("procedure"):
		g.ObjectKind = p.next().Value
		for {
			g.Objects = append(g.Objects, p.name())
			if p.is("(") {
				p.procArgs()
			}
			if !p.accept(",") {
				break
			}
		}
	case p.is("datashare"), p.is("model"), p.is("copy"), p.is("assumerole"):
		p.unsupported(p.peek(), "GRANT ON "+strings.ToUpper(p.peek().Value))
	default:
		p.accept("table")
		g.ObjectKind = "table"
		for {
			g.Objects = append(g.Objects, p.name())
			if !p.accept(",") {
				break
			}
		}
	}
	p.grantees(g)
}

// grantees reads TO | FROM grantee[, ...] and what may follow.
func (p *parser) grantees(g *ast.Grant) {
	if g.Revoke {
		p.expect("from")
	} else {
		p.expect("to")
	}
	for {
		var ge ast.Grantee
		switch {
		case p.accept("public"):
			ge.Kind = "public"
		case p.accept("group"):
			ge.Kind, ge.Name = "group", p.ident()
		case p.accept("role"):
			ge.Kind, ge.Name = "role", p.ident()
		default:
			ge.Kind, ge.Name = "user", p.ident()
		}
		g.Grantees = append(g.Grantees, ge)
		if p.acceptSeq("with", "grant", "option") || p.acceptSeq("with", "admin", "option") {
			g.GrantOption = true
		}
		if !p.accept(",") {
			break
		}
	}
	if p.acceptSeq("with", "grant", "option") || p.acceptSeq("with", "admin", "option") {
		g.GrantOption = true
	}
	if g.Revoke && !p.accept("cascade") {
		p.accept("restrict")
	}
}

// analyzeStmt reads ANALYZE [VERBOSE] [table [(columns)]] [PREDICATE
// COLUMNS | ALL COLUMNS], or ANALYZE COMPRESSION [table [(columns)]]
// [COMPROWS n].
func (p *parser) analyzeStmt(start int) ast.Stmt {
	p.next()
	a := &ast.Admin{Kind: "analyze"}
	if p.accept("compression") {
		a.Kind = "analyze compression"
	} else {
		p.accept("verbose")
	}
	if p.isIdent() && !p.isSeq("predicate", "columns") && !p.isSeq("all", "columns") && !p.is("comprows") {
		a.Tables = append(a.Tables, p.name())
		if p.is("(") {
			p.parenIdentList()
		}
	}
	if a.Kind == "analyze" {
		if !p.acceptSeq("predicate", "columns") {
			p.acceptSeq("all", "columns")
		}
	} else if p.accept("comprows") {
		p.numberArg()
	}
	return p.admin(start, a)
}

// vacuumStmt reads VACUUM [FULL | SORT ONLY | DELETE ONLY | REINDEX |
// RECLUSTER] [table [TO n PERCENT] [BOOST]].
func (p *parser) vacuumStmt(start int) ast.Stmt {
	p.next()
	a := &ast.Admin{Kind: "vacuum"}
	switch {
	case p.accept("full"), p.acceptSeq("sort", "only"), p.acceptSeq("delete", "only"), p.accept("reindex"), p.accept("recluster"):
	}
	// Postgres's forms, which its tools send (pgbench: VACUUM ANALYZE t):
	// VACUUM [FULL] [FREEZE] [VERBOSE] [ANALYZE] and VACUUM (option, ...).
	for p.accept("freeze") || p.accept("verbose") || p.accept("analyze") || p.accept("analyse") {
	}
	if p.is("(") {
		p.next()
		for !p.is(")") && !p.atEOF() {
			p.next()
		}
		p.expect(")")
	}
	if p.isIdent() && !p.is("to") && !p.is("boost") {
		a.Tables = append(a.Tables, p.name())
	}
	if p.accept("to") {
		p.numberArg()
		p.expect("percent")
	}
	p.accept("boost")
	return p.admin(start, a)
}

// lockStmt reads LOCK [TABLE] table[, ...].
func (p *parser) lockStmt(start int) ast.Stmt {
	p.next()
	p.accept("table")
	a := &ast.Admin{Kind: "lock"}
	for {
		a.Tables = append(a.Tables, p.name())
		if !p.accept(",") {
			break
		}
	}
	return p.admin(start, a)
}

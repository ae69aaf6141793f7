package ast

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Format prints a node as canonical Redshift SQL: keywords upper case,
// identifiers as written, one space between tokens. The output is
// deterministic and parses back to a tree that formats the same way.
func Format(n any) string {
	var p Printer
	p.Node(n)
	return p.String()
}

// Printer writes nodes as SQL. The zero value prints Redshift SQL as written
// (Format); the fields adapt it to another engine.
type Printer struct {
	b strings.Builder
	// Ident, when set, prints identifiers (super marks a SUPER navigation
	// step); nil prints identifiers as written.
	Ident func(id Ident, super bool) string
	// Type, when set, prints type names; nil prints them as written.
	Type func(t *TypeName) string
	// DuckDB drops what only Redshift understands (physical table
	// attributes, WITH NO SCHEMA BINDING) and spells arrays as [a, b].
	DuckDB bool
	// Err is the first error met while printing (a node this printer cannot
	// express). Printing continues, so the text is complete but unusable.
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

func (p *Printer) fail(format string, args ...any) {
	if p.Err == nil {
		p.Err = fmt.Errorf(format, args...)
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

func (p *Printer) id(id Ident, super bool) {
	if p.Ident != nil {
		p.W(p.Ident(id, super))
		return
	}
	if id.Quoted {
		p.W(QuoteIdent(id.Name))
	} else {
		p.W(id.Name)
	}
}

func (p *Printer) name(n Name) {
	for i, id := range n {
		if i > 0 {
			p.W(".")
		}
		p.id(id, false)
	}
}

func (p *Printer) ids(ids []Ident) {
	for i, id := range ids {
		if i > 0 {
			p.W(", ")
		}
		p.id(id, false)
	}
}

func (p *Printer) parenIDs(ids []Ident) {
	p.W("(")
	p.ids(ids)
	p.W(")")
}

// Node prints any node: a statement, expression, table expression or type.
func (p *Printer) Node(n any) {
	switch n := n.(type) {
	case nil:
	case Expr:
		p.Expr(n)
	case TableExpr:
		p.table(n)
	case *TypeName:
		p.typ(n)
	case Ident:
		p.id(n, false)
	case Name:
		p.name(n)
	case Stmt:
		p.Stmt(n)
	default:
		p.fail("ast: cannot print %T", n)
	}
}

// Stmt prints a statement.
func (p *Printer) Stmt(n Stmt) {
	switch n := n.(type) {
	case *Raw:
		p.W(n.Text)
	case *CreateSchema:
		p.createSchema(n) // schema.go
	case *Admin:
		p.W(n.Text)
	case *Set:
		p.set(n)
	case *Reset:
		if n.All {
			p.W("RESET ALL")
		} else {
			p.W("RESET ", settingText(n.Name))
		}
	case *Show:
		if n.All {
			p.W("SHOW ALL")
		} else {
			p.W("SHOW ", settingText(n.Name))
		}
	case *Begin:
		p.W("BEGIN")
	case *Commit:
		p.W("COMMIT")
	case *Rollback:
		p.W("ROLLBACK")
	case *Explain:
		p.explain(n) // explain.go
	case *Prepare:
		p.prepare(n) // prepare.go
	case *Execute:
		p.execute(n) // prepare.go
	case *Deallocate:
		p.deallocate(n) // prepare.go
	case Query:
		p.Query(n)
	default:
		p.stmt2(n)
	}
}

func (p *Printer) set(n *Set) {
	p.W("SET ")
	if n.Local {
		p.W("LOCAL ")
	}
	p.W(settingText(n.Name), " TO ")
	if n.Default {
		p.W("DEFAULT")
	} else {
		p.stringList(n.Values)
	}
}

// atomic reports whether x prints as one unit that postfix operators bind to.
func atomic(x Expr) bool {
	switch x := x.(type) {
	case *ColumnRef, *Field, *Index, *Param, *Paren, *Func, *Subquery, *TypedLiteral,
		*Case, *ArrayLit, *Tuple, *Interval, *Keyword, *Exists:
		return true
	case *Literal:
		return x.Kind == LitString || x.Kind == LitNull || x.Kind == LitBool
	case *Cast:
		return true
	}
	return false
}

// postfixOperand prints the operand of ::, [] or a field step, in
// parentheses unless it binds tighter than they do.
func (p *Printer) postfixOperand(x Expr) {
	if atomic(x) {
		p.Expr(x)
		return
	}
	p.W("(")
	p.Expr(x)
	p.W(")")
}

// Expr prints an expression.
func (p *Printer) Expr(x Expr) {
	switch x := x.(type) {
	case nil:
		p.fail("ast: nil expression")
	case *ColumnRef:
		for i, id := range x.Parts {
			if i > 0 {
				p.W(".")
			}
			p.id(id, false)
		}
		if x.Star {
			if len(x.Parts) > 0 {
				p.W(".")
			}
			p.W("*")
			if len(x.Exclude) > 0 {
				p.W(" EXCLUDE (")
				for i, id := range x.Exclude {
					if i > 0 {
						p.W(", ")
					}
					p.id(id, false)
				}
				p.W(")")
			}
			if len(x.Replace) > 0 {
				p.W(" REPLACE (")
				for i, it := range x.Replace {
					if i > 0 {
						p.W(", ")
					}
					p.Expr(it.X)
					p.W(" AS ")
					p.id(*it.Alias, false)
				}
				p.W(")")
			}
		}
	case *Field:
		p.postfixOperand(x.X)
		p.W(".")
		p.id(x.Name, true)
	case *Index:
		p.postfixOperand(x.X)
		p.W("[")
		p.Expr(x.I)
		p.W("]")
	case *Literal:
		switch x.Kind {
		case LitNumber:
			p.W(x.Value)
		case LitString:
			p.W(QuoteString(x.Value))
		case LitBool:
			p.W(strings.ToUpper(x.Value))
		case LitNull:
			p.W("NULL")
		case LitBits:
			p.W(x.Value[:1], QuoteString(x.Value[1:]))
		}
	case *TypedLiteral:
		p.typ(x.Type)
		p.W(" ", QuoteString(x.Value))
	case *Interval:
		p.W("INTERVAL ", QuoteString(x.Value))
		if x.Unit != "" {
			p.W(" ", strings.ToUpper(x.Unit))
		}
	case *Param:
		p.W("$", strconv.Itoa(x.N))
	case *Paren:
		p.W("(")
		p.Expr(x.X)
		p.W(")")
	case *Tuple:
		p.W("(")
		p.exprs(x.Items)
		p.W(")")
	case *Unary:
		if isWord(x.Op) {
			p.W(strings.ToUpper(x.Op), " ")
			p.Expr(x.X)
			return
		}
		var sub Printer
		sub.Ident, sub.Type, sub.DuckDB = p.Ident, p.Type, p.DuckDB
		sub.Expr(x.X)
		if sub.Err != nil {
			p.fail("%v", sub.Err)
		}
		s := sub.String()
		p.W(x.Op)
		if s != "" && strings.ContainsRune("+-*/<>=~!@#%^&|`?", rune(s[0])) {
			p.W(" ")
		}
		p.W(s)
	case *Binary:
		p.Expr(x.L)
		op := x.Op
		if isWord(op) {
			op = strings.ToUpper(op)
		}
		p.W(" ", op, " ")
		p.Expr(x.R)
	case *Like:
		p.Expr(x.X)
		if x.Not {
			p.W(" NOT")
		}
		p.W(" ", strings.ToUpper(x.Op), " ")
		p.Expr(x.Pattern)
		if x.Escape != nil {
			p.W(" ESCAPE ")
			p.Expr(x.Escape)
		}
	case *Is:
		p.Expr(x.X)
		p.W(" IS ")
		if x.Not {
			p.W("NOT ")
		}
		p.W(strings.ToUpper(x.What))
	case *IsDistinct:
		p.Expr(x.L)
		p.W(" IS ")
		if x.Not {
			p.W("NOT ")
		}
		p.W("DISTINCT FROM ")
		p.Expr(x.R)
	case *Between:
		p.Expr(x.X)
		if x.Not {
			p.W(" NOT")
		}
		p.W(" BETWEEN ")
		if x.Symmetric {
			p.W("SYMMETRIC ")
		}
		p.Expr(x.Lo)
		p.W(" AND ")
		p.Expr(x.Hi)
	case *In:
		p.Expr(x.X)
		if x.Not {
			p.W(" NOT")
		}
		p.W(" IN (")
		if x.Sub != nil {
			p.Query(x.Sub)
		} else {
			p.exprs(x.List)
		}
		p.W(")")
	case *Exists:
		p.W("EXISTS (")
		p.Query(x.Sub)
		p.W(")")
	case *Subquery:
		p.W("(")
		p.Query(x.Q)
		p.W(")")
	case *Quantified:
		p.Expr(x.X)
		p.W(" ", x.Op, " ", strings.ToUpper(x.Quant), " (")
		if x.Sub != nil {
			p.Query(x.Sub)
		} else {
			p.Expr(x.Array)
		}
		p.W(")")
	case *Case:
		p.W("CASE")
		if x.Operand != nil {
			p.W(" ")
			p.Expr(x.Operand)
		}
		for _, w := range x.Whens {
			p.W(" WHEN ")
			p.Expr(w.Cond)
			p.W(" THEN ")
			p.Expr(w.Then)
		}
		if x.Else != nil {
			p.W(" ELSE ")
			p.Expr(x.Else)
		}
		p.W(" END")
	case *Cast:
		if x.Try {
			p.W("TRY_CAST(")
			p.Expr(x.X)
			p.W(" AS ")
			p.typ(x.Type)
			p.W(")")
			return
		}
		if x.Colons {
			p.postfixOperand(x.X)
			p.W("::")
			p.typ(x.Type)
			return
		}
		p.W("CAST(")
		p.Expr(x.X)
		p.W(" AS ")
		p.typ(x.Type)
		p.W(")")
	case *Func:
		p.fn(x)
	case *ArrayLit:
		if x.Bracket {
			p.W("[")
		} else {
			p.W("ARRAY[")
		}
		p.exprs(x.Items)
		p.W("]")
	case *Keyword:
		p.W(x.Word)
	case *GroupingSets:
		p.W("GROUPING SETS (")
		for i, set := range x.Sets {
			if i > 0 {
				p.W(", ")
			}
			p.W("(")
			p.exprs(set)
			p.W(")")
		}
		p.W(")")
	default:
		p.fail("ast: cannot print expression %T", x)
	}
}

func isWord(op string) bool {
	return op != "" && (op[0] >= 'a' && op[0] <= 'z')
}

func (p *Printer) exprs(xs []Expr) {
	for i, x := range xs {
		if i > 0 {
			p.W(", ")
		}
		p.Expr(x)
	}
}

func (p *Printer) fn(f *Func) {
	if p.DuckDB {
		// Function names are not identifiers DuckDB folds: print them
		// lower-cased and bare unless the user quoted them.
		for i, id := range f.Name {
			if i > 0 {
				p.W(".")
			}
			if id.Quoted {
				p.W(QuoteIdent(id.Name))
			} else {
				p.W(strings.ToLower(id.Name))
			}
		}
	} else {
		p.name(f.Name)
	}
	if f.NoParens {
		return
	}
	p.W("(")
	switch f.Special {
	case "position":
		p.Expr(f.Args[0])
		p.W(" IN ")
		p.Expr(f.Args[1])
	case "substring":
		p.Expr(f.Args[0])
		p.W(" FROM ")
		p.Expr(f.Args[1])
		if len(f.Args) > 2 {
			p.W(" FOR ")
			p.Expr(f.Args[2])
		}
	case "extract":
		p.Expr(f.Args[0])
		p.W(" FROM ")
		p.Expr(f.Args[1])
	case "trim":
		p.W(strings.ToUpper(f.Trim), " ")
		if len(f.Args) == 2 {
			p.Expr(f.Args[0])
			p.W(" ")
		}
		p.W("FROM ")
		p.Expr(f.Args[len(f.Args)-1])
	case "overlay":
		p.Expr(f.Args[0])
		p.W(" PLACING ")
		p.Expr(f.Args[1])
		p.W(" FROM ")
		p.Expr(f.Args[2])
		if len(f.Args) > 3 {
			p.W(" FOR ")
			p.Expr(f.Args[3])
		}
	default:
		if f.Star {
			p.W("*")
		}
		if f.Distinct {
			p.W("DISTINCT ")
		}
		p.exprs(f.Args)
		if len(f.OrderBy) > 0 {
			p.W(" ORDER BY ")
			p.orderItems(f.OrderBy)
		}
		if p.DuckDB && f.IgnoreNulls {
			p.W(" IGNORE NULLS") // DuckDB takes it inside the parentheses
		}
	}
	p.W(")")
	if len(f.WithinGroup) > 0 {
		p.W(" WITHIN GROUP (ORDER BY ")
		p.orderItems(f.WithinGroup)
		p.W(")")
	}
	if f.Filter != nil {
		p.W(" FILTER (WHERE ")
		p.Expr(f.Filter)
		p.W(")")
	}
	if f.IgnoreNulls && !p.DuckDB {
		p.W(" IGNORE NULLS")
	}
	if f.RespectNull && !p.DuckDB {
		p.W(" RESPECT NULLS") // DuckDB's default, which it does not spell
	}
	if f.Over != nil {
		p.W(" OVER ")
		if f.Over.Ref != "" && f.Over.PartitionBy == nil && f.Over.OrderBy == nil && f.Over.Frame == nil {
			p.id(Ident{Name: f.Over.Ref}, false)
			return
		}
		p.window(f.Over)
	}
}

func (p *Printer) window(w *Window) {
	p.W("(")
	sep := ""
	if w.Ref != "" {
		p.id(Ident{Name: w.Ref}, false)
		sep = " "
	}
	if len(w.PartitionBy) > 0 {
		p.W(sep, "PARTITION BY ")
		p.exprs(w.PartitionBy)
		sep = " "
	}
	if len(w.OrderBy) > 0 {
		p.W(sep, "ORDER BY ")
		p.orderItems(w.OrderBy)
		sep = " "
	}
	if w.Frame != nil {
		p.W(sep, strings.ToUpper(w.Frame.Mode), " ")
		if w.Frame.End != nil {
			p.W("BETWEEN ")
			p.bound(w.Frame.Start)
			p.W(" AND ")
			p.bound(w.Frame.End)
		} else {
			p.bound(w.Frame.Start)
		}
	}
	p.W(")")
}

func (p *Printer) bound(b *FrameBound) {
	if b.Offset != nil {
		p.Expr(b.Offset)
		p.W(" ")
	}
	p.W(strings.ToUpper(b.Kind))
}

func (p *Printer) orderItems(items []OrderItem) {
	for i, o := range items {
		if i > 0 {
			p.W(", ")
		}
		p.Expr(o.X)
		if o.Desc {
			p.W(" DESC")
		} else if o.Asc {
			p.W(" ASC")
		}
		if o.Nulls != "" {
			p.W(" NULLS ", strings.ToUpper(o.Nulls))
		}
	}
}

func (p *Printer) typ(t *TypeName) {
	if p.Type != nil {
		p.W(p.Type(t))
		return
	}
	p.W(FormatType(t))
}

// FormatType prints a type as written, upper case.
func FormatType(t *TypeName) string {
	var b strings.Builder
	for i, id := range t.Name {
		if i > 0 {
			b.WriteString(".")
		}
		if id.Quoted {
			b.WriteString(QuoteIdent(id.Name))
		} else {
			b.WriteString(strings.ToUpper(id.Name))
		}
	}
	if len(t.Args) > 0 {
		b.WriteString("(")
		for i, a := range t.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strings.ToUpper(a))
		}
		b.WriteString(")")
	}
	if t.TZ != "" {
		b.WriteString(" " + strings.ToUpper(t.TZ) + " TIME ZONE")
	}
	if t.Array {
		b.WriteString("[]")
	}
	return b.String()
}

// settingText is a setting's name as written in SET, SHOW and RESET: each
// dotted part double-quoted unless it reads back as itself (SHOW "0"), and
// the whole name quoted when a part is empty (a quoted name with a dot).
func settingText(name string) string {
	parts := strings.Split(name, ".")
	if slices.Contains(parts, "") {
		return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
	}
	for i, part := range parts {
		plain := part != "" && part != "all"
		for j, c := range part {
			if !(c == '_' || c >= 'a' && c <= 'z' || j > 0 && (c >= '0' && c <= '9' || c == '$')) {
				plain = false
			}
		}
		if !plain {
			parts[i] = `"` + strings.ReplaceAll(part, `"`, `""`) + `"`
		}
	}
	return strings.Join(parts, ".")
}

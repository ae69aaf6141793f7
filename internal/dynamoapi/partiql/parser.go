package partiql

import (
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/dynamoapi/expr"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// MaxStatementSize is the longest statement DynamoDB accepts, in bytes
// (the Statement member's length constraint in the API reference).
const MaxStatementSize = 8192

// maxDepth bounds nesting, so that hostile input cannot exhaust the stack.
const maxDepth = 256

// functions are the functions a statement may call, and their operand
// counts.
var functions = map[string]int{
	"begins_with": 2, "contains": 2, "attribute_type": 2, "size": 1,
	"list_append": 2, "set_add": 2, "set_delete": 2,
}

// reservedNames are words that end a path or expression, so cannot be bare
// names (quote them: "value").
var reservedNames = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "AND": true, "OR": true, "NOT": true, "BETWEEN": true,
	"IN": true, "IS": true, "MISSING": true, "NULL": true, "TRUE": true, "FALSE": true, "SET": true,
	"REMOVE": true, "RETURNING": true, "VALUE": true, "ORDER": true, "BY": true, "INSERT": true,
	"INTO": true, "UPDATE": true, "DELETE": true, "ASC": true, "DESC": true, "EXISTS": true,
}

// isTypes are the type names of IS: DynamoDB's list of them.
var isTypes = map[string]bool{"MISSING": true, "NULL": true, "BOOLEAN": true, "BLOB": true, "STRING": true, "NUMERIC": true, "STRUCT": true, "TUPLE": true, "LIST": true}

func statementError(detail string) error {
	return &expr.Error{Msg: "Statement wasn't well formed, can't be processed: " + detail}
}

type parser struct {
	toks   []token
	pos    int
	params int
	depth  int
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}
func (p *parser) isPunct(s string) bool { t := p.peek(); return t.kind == tPunct && t.text == s }
func (p *parser) isKw(kw string) bool {
	t := p.peek()
	return t.kind == tIdent && strings.EqualFold(t.text, kw)
}
func (p *parser) acceptKw(kw string) bool {
	if p.isKw(kw) {
		p.next()
		return true
	}
	return false
}

func (p *parser) unexpected() error {
	t := p.peek()
	if t.kind == tEOF {
		return statementError("Unexpected end of statement")
	}
	if t.kind == tBad {
		return statementError("Unexpected character or unterminated quote at position " + strconv.Itoa(t.pos+1))
	}
	return statementError("Unexpected token: " + t.text + " at position " + strconv.Itoa(t.pos+1))
}

func (p *parser) expectKw(kw string) error {
	if !p.acceptKw(kw) {
		return p.unexpected()
	}
	return nil
}

func (p *parser) expectPunct(s string) error {
	if !p.isPunct(s) {
		return p.unexpected()
	}
	p.next()
	return nil
}

// Parse parses one statement.
func Parse(s string) (*Statement, error) {
	// The Statement member's length constraints, in the form of AWS's
	// request validation.
	switch {
	case len(s) > MaxStatementSize:
		return nil, &expr.Error{Msg: "1 validation error detected: Value '" + s + "' at 'statement' failed to satisfy constraint: Member must have length less than or equal to " + strconv.Itoa(MaxStatementSize)}
	case s == "":
		return nil, &expr.Error{Msg: "1 validation error detected: Value '' at 'statement' failed to satisfy constraint: Member must have length greater than or equal to 1"}
	}
	p := &parser{toks: lex(s)}
	var st *Statement
	var err error
	switch {
	case p.isKw("SELECT"):
		st, err = p.parseSelect()
	case p.isKw("INSERT"):
		st, err = p.parseInsert()
	case p.isKw("UPDATE"):
		st, err = p.parseUpdate()
	case p.isKw("DELETE"):
		st, err = p.parseDelete()
	case p.isKw("EXISTS"):
		st, err = p.parseExists()
	default:
		return nil, statementError("Expected data manipulation")
	}
	if err != nil {
		return nil, err
	}
	if p.isPunct(";") {
		p.next()
	}
	if p.peek().kind != tEOF {
		return nil, p.unexpected()
	}
	st.NumParams = p.params
	return st, nil
}

// parseName parses an identifier, bare or "quoted".
func (p *parser) parseName() (string, error) {
	t := p.peek()
	switch {
	case t.kind == tQuoted:
		p.next()
		if t.text == "" {
			return "", &expr.Error{Msg: "Path component cannot be an empty string"}
		}
		return t.text, nil
	case t.kind == tIdent && !reservedNames[strings.ToUpper(t.text)]:
		p.next()
		return t.text, nil
	}
	return "", p.unexpected()
}

func (p *parser) parseTable() (table, index string, err error) {
	if table, err = p.parseName(); err != nil {
		return
	}
	if p.isPunct(".") {
		p.next()
		index, err = p.parseName()
	}
	return
}

func (p *parser) parseSelect() (*Statement, error) {
	p.next()
	st := &Statement{Kind: Select}
	if p.isPunct("*") {
		p.next()
		if p.isPunct(",") {
			return nil, &expr.Error{Msg: "Other attributes should not be present in the projection when '*' is used."}
		}
	} else {
		for {
			path, err := p.parsePath()
			if err != nil {
				return nil, err
			}
			if p.isPunct("*") || p.isPunct(".") && p.toks[p.pos+1].text == "*" {
				return nil, &expr.Error{Msg: "Other attributes should not be present in the projection when '*' is used."}
			}
			st.Projection = append(st.Projection, path)
			if !p.isPunct(",") {
				break
			}
			p.next()
			if p.isPunct("*") {
				return nil, &expr.Error{Msg: "Other attributes should not be present in the projection when '*' is used."}
			}
		}
	}
	if err := p.expectKw("FROM"); err != nil {
		return nil, err
	}
	var err error
	if st.Table, st.Index, err = p.parseTable(); err != nil {
		return nil, err
	}
	if p.isPunct(",") {
		return nil, &expr.Error{Msg: "Only select from a single table or index is supported."}
	}
	if p.acceptKw("WHERE") {
		if st.Where, err = p.parseOr(); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("ORDER") {
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		for {
			name, err := p.parseName()
			if err != nil {
				return nil, err
			}
			o := Order{Name: name}
			if p.acceptKw("DESC") {
				o.Desc = true
			} else {
				p.acceptKw("ASC")
			}
			st.OrderBy = append(st.OrderBy, o)
			if !p.isPunct(",") {
				break
			}
			p.next()
		}
	}
	return st, nil
}

func (p *parser) parseInsert() (*Statement, error) {
	p.next()
	if err := p.expectKw("INTO"); err != nil {
		return nil, err
	}
	st := &Statement{Kind: Insert}
	var err error
	if st.Table, st.Index, err = p.parseTable(); err != nil {
		return nil, err
	}
	if st.Index != "" {
		return nil, &expr.Error{Msg: "This operation is not supported on an index"}
	}
	if p.isKw("VALUES") || p.isKw("SELECT") {
		return nil, &expr.Error{Msg: `Unsupported operation: Inserting multiple items in a single statement is not supported, use "INSERT INTO tableName VALUE item" instead`}
	}
	if err := p.expectKw("VALUE"); err != nil {
		return nil, err
	}
	if st.Value, err = p.parseOr(); err != nil {
		return nil, err
	}
	if st.Value.Kind != EStruct {
		return nil, &expr.Error{Msg: "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement."}
	}
	if p.isKw("RETURNING") {
		return nil, &expr.Error{Msg: "RETURNING is not supported in INSERT"}
	}
	if p.isKw("WHERE") || p.isKw("FROM") {
		return nil, &expr.Error{Msg: "Unsupported FROM ... WHERE ... clause in INSERT statement."}
	}
	return st, nil
}

func (p *parser) parseUpdate() (*Statement, error) {
	p.next()
	st := &Statement{Kind: Update}
	var err error
	if st.Table, st.Index, err = p.parseTable(); err != nil {
		return nil, err
	}
	if st.Index != "" {
		return nil, &expr.Error{Msg: "This operation is not supported on an index"}
	}
	for {
		switch {
		case p.acceptKw("SET"):
			for {
				path, err := p.parsePath()
				if err != nil {
					return nil, err
				}
				if err := p.expectPunct("="); err != nil {
					return nil, err
				}
				v, err := p.parseOr()
				if err != nil {
					return nil, err
				}
				st.Actions = append(st.Actions, Action{Path: path, Value: v})
				if !p.isPunct(",") {
					break
				}
				p.next()
			}
			continue
		case p.acceptKw("REMOVE"):
			for {
				path, err := p.parsePath()
				if err != nil {
					return nil, err
				}
				st.Actions = append(st.Actions, Action{Remove: true, Path: path})
				if !p.isPunct(",") {
					break
				}
				p.next()
			}
			continue
		case p.isKw("ADD") || p.isKw("DELETE"):
			return nil, &expr.Error{Msg: "Only SET and REMOVE are supported in update expressions at this time"}
		}
		break
	}
	if len(st.Actions) == 0 {
		return nil, p.unexpected()
	}
	if err := p.parseWhere(st); err != nil {
		return nil, err
	}
	return st, p.parseReturning(st)
}

func (p *parser) parseDelete() (*Statement, error) {
	p.next()
	if err := p.expectKw("FROM"); err != nil {
		return nil, err
	}
	st := &Statement{Kind: Delete}
	var err error
	if st.Table, st.Index, err = p.parseTable(); err != nil {
		return nil, err
	}
	if st.Index != "" {
		return nil, &expr.Error{Msg: "This operation is not supported on an index"}
	}
	if err := p.parseWhere(st); err != nil {
		return nil, err
	}
	if err := p.parseReturning(st); err != nil {
		return nil, err
	}
	if st.Returning != "" && st.Returning != "ALL OLD" {
		return nil, &expr.Error{Msg: "Invalid returning clause: RETURNING " + st.Returning + " *. Only RETURNING ALL OLD * is allowed in DELETE statements."}
	}
	return st, nil
}

// parseWhere parses the WHERE clause UPDATE and DELETE must have.
func (p *parser) parseWhere(st *Statement) error {
	if !p.acceptKw("WHERE") {
		if p.peek().kind == tEOF || p.isKw("RETURNING") {
			return &expr.Error{Msg: "Where clause does not contain a mandatory equality on all key attributes"}
		}
		return p.unexpected()
	}
	var err error
	st.Where, err = p.parseOr()
	return err
}

func (p *parser) parseReturning(st *Statement) error {
	if !p.acceptKw("RETURNING") {
		return nil
	}
	var which, age string
	switch {
	case p.acceptKw("ALL"):
		which = "ALL"
	case p.acceptKw("MODIFIED"):
		which = "MODIFIED"
	default:
		return p.unexpected()
	}
	switch {
	case p.acceptKw("OLD"):
		age = "OLD"
	case p.acceptKw("NEW"):
		age = "NEW"
	default:
		return p.unexpected()
	}
	if !p.isPunct("*") {
		if p.peek().kind == tEOF {
			return &expr.Error{Msg: "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"}
		}
		return &expr.Error{Msg: "Invalid syntax with multiple returning elements in RETURNING clause"}
	}
	p.next()
	st.Returning = which + " " + age
	return nil
}

// parsePath parses name (.name | [index])*.
func (p *parser) parsePath() (Path, error) {
	name, err := p.parseName()
	if err != nil {
		if p.isPunct("[") {
			return nil, &expr.Error{Msg: "A path cannot start with a list index"}
		}
		return nil, err
	}
	path := Path{{Name: name}}
	for {
		switch {
		case p.isPunct("."):
			p.next()
			if p.isPunct("*") {
				return nil, &expr.Error{Msg: "Unpivot path component like a.*.b are not supported"}
			}
			name, err := p.parseName()
			if err != nil {
				return nil, err
			}
			path = append(path, Step{Name: name})
		case p.isPunct("["):
			p.next()
			t := p.peek()
			if t.kind == tPunct && t.text == "*" {
				return nil, &expr.Error{Msg: "Wildcard path component like a[*].b are not supported"}
			}
			if t.kind != tNumber {
				return nil, p.unexpected()
			}
			n, err := strconv.Atoi(t.text)
			if err != nil || n > 1<<31-1 {
				return nil, &expr.Error{Msg: "List index is not within the allowable range; index: [" + t.text + "]"}
			}
			p.next()
			if err := p.expectPunct("]"); err != nil {
				return nil, err
			}
			path = append(path, Step{Index: n, IsIndex: true})
		default:
			if len(path) > expr.MaxPathDepth {
				return nil, statementError("Document path nested more than " + strconv.Itoa(expr.MaxPathDepth) + " levels")
			}
			return path, nil
		}
	}
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return statementError("Statement nested too deeply")
	}
	return nil
}

func (p *parser) parseOr() (*Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.acceptKw("OR") {
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		left = &Expr{Kind: EBinary, Op: "OR", Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) parseAnd() (*Expr, error) {
	left, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.acceptKw("AND") {
		right, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		left = &Expr{Kind: EBinary, Op: "AND", Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) parseNot() (*Expr, error) {
	if p.acceptKw("NOT") {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		e, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &Expr{Kind: ENot, Left: e}, nil
	}
	return p.parseComparison()
}

func (p *parser) parseComparison() (*Expr, error) {
	left, err := p.parseAdditive()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tPunct {
		switch t.text {
		case "=", "<>", "!=", "<", "<=", ">", ">=":
			p.next()
			right, err := p.parseAdditive()
			if err != nil {
				return nil, err
			}
			op := t.text
			if op == "!=" {
				op = "<>"
			}
			return &Expr{Kind: EBinary, Op: op, Left: left, Right: right}, nil
		}
	}
	negated := false
	if p.isKw("NOT") {
		nt := p.toks[p.pos+1]
		if nt.kind == tIdent && (strings.EqualFold(nt.text, "BETWEEN") || strings.EqualFold(nt.text, "IN")) {
			p.next()
			negated = true
		}
	}
	wrap := func(e *Expr) *Expr {
		if negated {
			return &Expr{Kind: ENot, Left: e}
		}
		return e
	}
	switch {
	case p.acceptKw("BETWEEN"):
		lo, err := p.parseAdditive()
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("AND"); err != nil {
			return nil, err
		}
		hi, err := p.parseAdditive()
		if err != nil {
			return nil, err
		}
		return wrap(&Expr{Kind: EBetween, Left: left, Args: []*Expr{lo, hi}}), nil
	case p.acceptKw("IN"):
		close := "]"
		switch {
		case p.isPunct("["):
		case p.isPunct("("):
			close = ")"
		default:
			return nil, &expr.Error{Msg: "IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member"}
		}
		p.next()
		e := &Expr{Kind: EIn, Left: left}
		for !p.isPunct(close) {
			a, err := p.parseOr()
			if err != nil {
				return nil, err
			}
			e.Args = append(e.Args, a)
			if !p.isPunct(",") {
				break
			}
			p.next()
		}
		if err := p.expectPunct(close); err != nil {
			return nil, err
		}
		if len(e.Args) == 0 {
			return nil, &expr.Error{Msg: "IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member"}
		}
		return wrap(e), nil
	case p.acceptKw("IS"):
		e := &Expr{Kind: EIs, Left: left}
		e.Negated = p.acceptKw("NOT")
		t := p.peek()
		if t.kind != tIdent {
			return nil, p.unexpected()
		}
		e.Type = strings.ToUpper(t.text)
		if !isTypes[e.Type] {
			return nil, &expr.Error{Msg: "Unsupported data type for IS operator: " + t.text + ". Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"}
		}
		p.next()
		return e, nil
	}
	return left, nil
}

func (p *parser) parseAdditive() (*Expr, error) {
	left, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	for p.isPunct("+") || p.isPunct("-") {
		op := p.next().text
		right, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		left = &Expr{Kind: EBinary, Op: op, Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) parsePrimary() (*Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	t := p.peek()
	switch t.kind {
	case tString:
		p.next()
		return &Expr{Kind: ELit, Lit: attr.Str(t.text)}, nil
	case tNumber:
		p.next()
		return number(t.text)
	case tQuoted:
		path, err := p.parsePath()
		if err != nil {
			return nil, err
		}
		return &Expr{Kind: EPath, Path: path}, nil
	case tIdent:
		up := strings.ToUpper(t.text)
		switch up {
		case "TRUE", "FALSE":
			p.next()
			return &Expr{Kind: ELit, Lit: attr.Boolean(up == "TRUE")}, nil
		case "NULL":
			p.next()
			return &Expr{Kind: ELit, Lit: attr.Null()}, nil
		case "MISSING":
			p.next()
			return &Expr{Kind: EMissing}, nil
		case "EXISTS":
			return nil, &expr.Error{Msg: "EXISTS can only be used in ExecuteTransaction write requests."}
		}
		if nt := p.toks[p.pos+1]; nt.kind == tPunct && nt.text == "(" {
			return p.parseCall()
		}
		path, err := p.parsePath()
		if err != nil {
			return nil, err
		}
		return &Expr{Kind: EPath, Path: path}, nil
	case tPunct:
		switch t.text {
		case "?":
			p.next()
			p.params++
			return &Expr{Kind: EParam, Param: p.params - 1}, nil
		case "-":
			p.next()
			n := p.peek()
			if n.kind != tNumber {
				return nil, p.unexpected()
			}
			p.next()
			return number("-" + n.text)
		case "(":
			p.next()
			e, err := p.parseOr()
			if err != nil {
				return nil, err
			}
			return e, p.expectPunct(")")
		case "{":
			return p.parseStruct()
		case "[", "<<":
			close, kind := "]", EList
			if t.text == "<<" {
				close, kind = ">>", EBag
			}
			p.next()
			e := &Expr{Kind: kind}
			for !p.isPunct(close) {
				x, err := p.parseOr()
				if err != nil {
					return nil, err
				}
				e.Elems = append(e.Elems, x)
				if !p.isPunct(",") {
					break
				}
				p.next()
			}
			if err := p.expectPunct(close); err != nil {
				return nil, err
			}
			if kind == EBag && len(e.Elems) == 0 {
				return nil, &expr.Error{Msg: "Empty bags are not supported"}
			}
			return e, nil
		}
	}
	return nil, p.unexpected()
}

func number(text string) (*Expr, error) {
	c, err := attr.ParseNumber(text)
	if err != nil {
		return nil, &expr.Error{Msg: err.Error()}
	}
	return &Expr{Kind: ELit, Lit: attr.Num(c)}, nil
}

func (p *parser) parseCall() (*Expr, error) {
	name := strings.ToLower(p.next().text)
	p.next() // (
	n, ok := functions[name]
	if !ok {
		return nil, &expr.Error{Msg: "Unrecognized function: " + name}
	}
	e := &Expr{Kind: ECall, Func: name}
	for !p.isPunct(")") {
		a, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		e.Args = append(e.Args, a)
		if !p.isPunct(",") {
			break
		}
		p.next()
	}
	if err := p.expectPunct(")"); err != nil {
		return nil, err
	}
	if len(e.Args) != n {
		if name == "set_add" || name == "set_delete" {
			return nil, &expr.Error{Msg: strings.ToUpper(name) + " must have exactly two arguments"}
		}
		return nil, statementError("Incorrect number of arguments for function " + name + ": " + strconv.Itoa(len(e.Args)))
	}
	return e, nil
}

func (p *parser) parseStruct() (*Expr, error) {
	p.next() // {
	e := &Expr{Kind: EStruct}
	seen := map[string]bool{}
	for !p.isPunct("}") {
		t := p.peek()
		if t.kind != tString {
			if t.kind == tNumber || t.kind == tIdent {
				return nil, &expr.Error{Msg: "Tuple keys must be of type String. Actual type: " + t.text}
			}
			return nil, p.unexpected()
		}
		p.next()
		if seen[t.text] {
			return nil, &expr.Error{Msg: "Duplicate keys in tuple. Key: " + t.text}
		}
		seen[t.text] = true
		if err := p.expectPunct(":"); err != nil {
			return nil, err
		}
		v, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		e.Fields = append(e.Fields, Field{Key: t.text, Value: v})
		if !p.isPunct(",") {
			break
		}
		p.next()
	}
	return e, p.expectPunct("}")
}

// parseExists parses EXISTS(SELECT * FROM t WHERE ...), ExecuteTransaction's
// condition check on one item.
func (p *parser) parseExists() (*Statement, error) {
	p.next()
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	if !p.isKw("SELECT") {
		return nil, p.unexpected()
	}
	st, err := p.parseSelect()
	if err != nil {
		return nil, err
	}
	if err := p.expectPunct(")"); err != nil {
		return nil, err
	}
	if st.Index != "" {
		return nil, &expr.Error{Msg: "Operations on indices are not supported in transactions"}
	}
	if st.Where == nil || st.Projection != nil || st.OrderBy != nil {
		return nil, &expr.Error{Msg: "EXISTS() must contain a single item read with additional condition"}
	}
	st.Kind = Exists
	return st, nil
}

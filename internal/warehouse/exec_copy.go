package warehouse

import (
	"context"
	"fmt"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// COPY with the client: COPY table [(columns)] FROM STDIN and
// COPY {table [(columns)] | (query)} TO STDOUT, with options in the
// parenthesized form (FORMAT, DELIMITER, NULL, HEADER, QUOTE, ESCAPE) or the
// older bare form (CSV, HEADER, DELIMITER [AS] 'c', NULL [AS] 's'). Text and
// CSV formats; the protocol layer moves the data, the engine reads and writes
// the table. COPY to or from a file is DuckDB's own and passes through.

// CopyStmt is a COPY that exchanges data with the client.
type CopyStmt struct {
	// From is true for FROM STDIN, false for TO STDOUT.
	From bool
	// Table and Columns name the target (Table is empty for a query).
	Table   string
	Columns []string
	// Query is the source of a COPY (query) TO STDOUT.
	Query string
	// Format is "text" or "csv".
	Format string
	// Delimiter separates fields: tab for text, comma for CSV by default.
	Delimiter byte
	// Null is the text of a NULL: `\N` for text, the empty string for CSV.
	Null string
	// Header is CSV's header line.
	Header bool
	// Quote and Escape are CSV's quote and escape characters.
	Quote, Escape byte
	// Types are the target columns' types, in order, for a COPY FROM
	// (the binary format's fields are read by their column's type).
	Types []Type

	name ast.Name // Table as written
}

// parseCopy reads a COPY statement. ok is false when text is not a COPY with
// STDIN or STDOUT (a COPY to a file is DuckDB's).
func parseCopy(text string) (c *CopyStmt, ok bool, err error) {
	toks := tokenize(text)
	if len(toks) < 4 || !toks[0].is("COPY") {
		return nil, false, nil
	}
	c = &CopyStmt{Format: "text"}
	i := 1
	if toks[i].kind == '(' {
		end := matchParen(toks, i)
		if end < 0 {
			return nil, false, nil
		}
		c.Query = text[toks[i].end:toks[end].pos]
		i = end + 1
	} else {
		// A name is ident ('.' ident)*.
		name := []string{}
		for i < len(toks) && toks[i].kind == 'i' {
			name = append(name, toks[i].ident())
			c.name = append(c.name, ast.Ident{Name: toks[i].text, Quoted: toks[i].quoted})
			i++
			if i+1 < len(toks) && toks[i].kind == '.' && toks[i+1].kind == 'i' {
				i++
				continue
			}
			break
		}
		if len(name) == 0 {
			return nil, false, nil
		}
		parts := make([]string, len(name))
		for j, n := range name {
			parts[j] = quoteIdent(n)
		}
		c.Table = strings.Join(parts, ".")
		if i < len(toks) && toks[i].kind == '(' {
			end := matchParen(toks, i)
			if end < 0 {
				return nil, false, nil
			}
			for _, t := range toks[i+1 : end] {
				if t.kind == 'i' {
					c.Columns = append(c.Columns, t.ident())
				}
			}
			i = end + 1
		}
	}
	if i+1 >= len(toks) {
		return nil, false, nil
	}
	switch {
	case toks[i].is("FROM") && toks[i+1].is("STDIN"):
		c.From = true
	case toks[i].is("TO") && toks[i+1].is("STDOUT"):
	default:
		return nil, false, nil
	}
	if c.From && c.Query != "" {
		return nil, true, sqlerr.New(sqlerr.SyntaxError, "COPY (query) FROM STDIN is not valid")
	}
	i += 2
	if i < len(toks) && toks[i].is("WITH") {
		i++
	}
	opts := toks[i:]
	if len(opts) > 0 && opts[0].kind == '(' {
		end := matchParen(opts, 0)
		if end < 0 {
			return nil, true, sqlerr.New(sqlerr.SyntaxError, "unterminated COPY options")
		}
		opts = opts[1:end]
	}
	for j := 0; j < len(opts); j++ {
		t := opts[j]
		if t.kind == ',' {
			continue
		}
		if t.kind != 'i' {
			return nil, true, sqlerr.New(sqlerr.SyntaxError, "unexpected %q in COPY options", t.text)
		}
		arg := func() (string, error) {
			if j+1 < len(opts) && opts[j+1].is("AS") {
				j++
			}
			if j+1 >= len(opts) || opts[j+1].kind == ',' {
				return "", sqlerr.New(sqlerr.SyntaxError, "COPY option %s needs a value", strings.ToUpper(t.text))
			}
			j++
			return opts[j].value(), nil
		}
		switch strings.ToUpper(t.text) {
		case "FORMAT":
			v, err := arg()
			if err != nil {
				return nil, true, err
			}
			c.Format = strings.ToLower(v)
		case "CSV":
			c.Format = "csv"
		case "BINARY":
			c.Format = "binary"
		case "HEADER":
			c.Header = true
			if j+1 < len(opts) && opts[j+1].kind != ',' {
				if b, ok := parseBool(opts[j+1].value()); ok {
					c.Header = b
					j++
				}
			}
		case "DELIMITER", "NULL", "QUOTE", "ESCAPE":
			v, err := arg()
			if err != nil {
				return nil, true, err
			}
			key := strings.ToUpper(t.text)
			if key == "NULL" {
				c.Null = v
				c.Null += "\x00" // marks "set"; trimmed below
				continue
			}
			if len(v) != 1 {
				return nil, true, sqlerr.New(sqlerr.FeatureNotSupported, "COPY %s must be a single one-byte character", key)
			}
			switch key {
			case "DELIMITER":
				c.Delimiter = v[0]
			case "QUOTE":
				c.Quote = v[0]
			case "ESCAPE":
				c.Escape = v[0]
			}
		case "ENCODING", "FREEZE", "FORCE_QUOTE", "FORCE_NOT_NULL", "FORCE_NULL":
			if j+1 < len(opts) && opts[j+1].kind != ',' {
				j++
			}
		default:
			return nil, true, sqlerr.New(sqlerr.SyntaxError, "COPY option %q is not recognized", t.text)
		}
	}
	switch c.Format {
	case "text", "csv", "binary":
	default:
		return nil, true, sqlerr.New(sqlerr.InvalidParameterValue, "COPY format %q not recognized", c.Format)
	}
	nullSet := strings.HasSuffix(c.Null, "\x00")
	c.Null = strings.TrimSuffix(c.Null, "\x00")
	if c.Format == "csv" {
		if c.Delimiter == 0 {
			c.Delimiter = ','
		}
		if c.Quote == 0 {
			c.Quote = '"'
		}
		if c.Escape == 0 {
			c.Escape = c.Quote
		}
	} else {
		if c.Delimiter == 0 {
			c.Delimiter = '\t'
		}
		if !nullSet {
			c.Null = `\N`
		}
	}
	return c, true, nil
}

// planCopy plans a COPY with the client. For TO STDOUT the Result carries the
// rows to send; for FROM STDIN the protocol layer calls CopyIn.
func (s *Session) planCopy(ctx context.Context, c *CopyStmt) (*plan, error) {
	if c.From {
		return &plan{command: "COPY", run: func(ctx context.Context, _ []any) (*Result, error) {
			cols := "*"
			if len(c.Columns) > 0 {
				q := make([]string, len(c.Columns))
				for i, col := range c.Columns {
					q[i] = quoteIdent(col)
				}
				cols = strings.Join(q, ", ")
			}
			res, err := s.conn.Query(ctx, "SELECT "+cols+" FROM "+c.Table+" LIMIT 0")
			if err != nil {
				return nil, err
			}
			c.Types = c.Types[:0]
			for _, col := range res.Columns {
				c.Types = append(c.Types, col.Type)
			}
			_ = res.Close()
			return &Result{command: "COPY", counted: true, done: true, Copy: c}, nil
		}}, nil
	}
	query := c.Query
	if query == "" {
		cols := "*"
		if len(c.Columns) > 0 {
			q := make([]string, len(c.Columns))
			for i, col := range c.Columns {
				q[i] = quoteIdent(col)
			}
			cols = strings.Join(q, ", ")
		}
		query = "SELECT " + cols + " FROM " + c.Table
	} else {
		r, err := s.readNow(ctx, query) // frontend.go
		if err != nil {
			return nil, err
		}
		tr := r.tr
		if tr.SQL == "" {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "COPY (%T) TO STDOUT is not supported", tr.Stmt)
		}
		query = tr.SQL
	}
	pl, err := s.planDuck(ctx, query, query)
	if err != nil {
		return nil, err
	}
	if pl.columns == nil {
		pl.prep.close()
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "COPY query must return rows")
	}
	inner := pl.run
	pl.command = "COPY"
	pl.run = func(ctx context.Context, params []any) (*Result, error) {
		r, err := inner(ctx, params)
		if err != nil {
			return nil, err
		}
		r.command, r.Copy = "COPY", c
		return r, nil
	}
	return pl, nil
}

// copyBatch is how many rows one INSERT of a COPY FROM STDIN carries.
const copyBatch = 128

// CopyIn loads rows into the table of a COPY ... FROM STDIN, as one unit
// (all rows or none). next returns each row's values (nil for NULL, strings
// otherwise), and nil, nil at the end.
func (s *Session) CopyIn(ctx context.Context, c *CopyStmt, next func() ([]any, error)) (*Result, error) {
	if !c.From {
		return nil, errorf("CopyIn on a COPY TO")
	}
	cols := c.Columns
	// The target columns' types: a SUPER column takes JSON text, parsed
	// as json_parse parses it (a string parameter cannot bind to DuckDB's
	// VARIANT directly).
	super := map[string]bool{}
	res, err := s.conn.Query(ctx, "SELECT * FROM "+c.Table+" LIMIT 0")
	if err != nil {
		return nil, err
	}
	for _, col := range res.Columns {
		if len(c.Columns) == 0 {
			cols = append(cols, col.Name)
		}
		if col.Type.Kind == KindSuper {
			super[strings.ToLower(col.Name)] = true
		}
	}
	_ = res.Close()
	quoted := make([]string, len(cols))
	for i, col := range cols {
		quoted[i] = quoteIdent(col)
	}
	isSuper := make([]bool, len(cols))
	for i, col := range cols {
		isSuper[i] = super[strings.ToLower(col)]
	}
	insert := func(rows int) string {
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", c.Table, strings.Join(quoted, ", "))
		n := 1
		for r := 0; r < rows; r++ {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for i := range cols {
				if i > 0 {
					b.WriteString(", ")
				}
				if isSuper[i] {
					fmt.Fprintf(&b, "rs_json_parse(CAST($%d AS VARCHAR))", n)
				} else {
					fmt.Fprintf(&b, "$%d", n)
				}
				n++
			}
			b.WriteByte(')')
		}
		return b.String()
	}
	var total int64
	err = s.Atomic(ctx, func() error {
		full, err := s.conn.prepare(ctx, insert(copyBatch))
		if err != nil {
			return err
		}
		defer full.close()
		args := make([]any, 0, copyBatch*len(cols))
		rows := 0
		flush := func(p *prepared) error {
			r, err := p.run(ctx, s.conn, args, "INSERT")
			if err != nil {
				return err
			}
			total += r.RowsAffected()
			args, rows = args[:0], 0
			return nil
		}
		line := 0
		for {
			vals, err := next()
			if err != nil {
				return err
			}
			if vals == nil {
				break
			}
			line++
			if len(vals) != len(cols) {
				return sqlerr.New(badCopyFileFormat, "COPY row %d has %d columns, want %d", line, len(vals), len(cols))
			}
			args = append(args, vals...)
			if rows++; rows == copyBatch {
				if err := flush(full); err != nil {
					return err
				}
			}
		}
		if rows > 0 {
			rest, err := s.conn.prepare(ctx, insert(rows))
			if err != nil {
				return err
			}
			defer rest.close()
			return flush(rest)
		}
		return nil
	})
	if err != nil {
		s.failed(err)
		return nil, err
	}
	return &Result{command: "COPY", counted: true, done: true, affected: total}, nil
}

// token is a lexical token of the small COPY grammar.
type token struct {
	kind     byte // 'i' identifier or keyword, 's' string, '(' ')' ',' '.' or '?' other
	text     string
	quoted   bool
	pos, end int
}

func (t token) is(kw string) bool { return t.kind == 'i' && !t.quoted && strings.EqualFold(t.text, kw) }

// ident is the identifier's name: quoted names keep their case.
func (t token) ident() string {
	if t.quoted {
		return t.text
	}
	return strings.ToLower(t.text)
}

// value is an option's value: a string's contents or a word.
func (t token) value() string { return t.text }

// tokenize returns text's tokens; see scanTokens.
func tokenize(text string) []token {
	var toks []token
	scanTokens(text, func(t token) bool {
		toks = append(toks, t)
		return true
	})
	return toks
}

// scanTokens calls yield with each token of text in order, skipping
// blanks, semicolons and comments, until yield returns false. An
// unterminated block comment ends the text as a '?' token.
func scanTokens(text string, yield func(token) bool) {
	i := 0
	for i < len(text) {
		ch := text[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == ';':
			i++
		case ch == '-' && i+1 < len(text) && text[i+1] == '-':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case ch == '/' && i+1 < len(text) && text[i+1] == '*':
			end := indexFrom(text, i+2, "*/")
			if end < 0 {
				yield(token{kind: '?', text: "/*", pos: i, end: len(text)})
				return
			}
			i = end + 2
		case ch == '\'' || ch == '"' || (ch == 'E' || ch == 'e') && i+1 < len(text) && text[i+1] == '\'':
			start := i
			escapes := false
			if ch == 'E' || ch == 'e' {
				escapes = true
				i++
				ch = '\''
			}
			i++
			var b strings.Builder
			for i < len(text) {
				if escapes && text[i] == '\\' && i+1 < len(text) {
					switch text[i+1] {
					case 't':
						b.WriteByte('\t')
					case 'n':
						b.WriteByte('\n')
					case 'r':
						b.WriteByte('\r')
					default:
						b.WriteByte(text[i+1])
					}
					i += 2
					continue
				}
				if text[i] == ch {
					if i+1 < len(text) && text[i+1] == ch {
						b.WriteByte(ch)
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(text[i])
				i++
			}
			kind := byte('s')
			if ch == '"' {
				kind = 'i'
			}
			if !yield(token{kind: kind, text: b.String(), quoted: ch == '"', pos: start, end: i}) {
				return
			}
		case isWordByte(ch) || ch >= 0x80:
			j := i
			for j < len(text) && (isWordByte(text[j]) || text[j] >= 0x80 || text[j] == '$') {
				j++
			}
			if !yield(token{kind: 'i', text: text[i:j], pos: i, end: j}) {
				return
			}
			i = j
		case ch == '(' || ch == ')' || ch == ',' || ch == '.':
			if !yield(token{kind: ch, text: string(ch), pos: i, end: i + 1}) {
				return
			}
			i++
		default:
			if !yield(token{kind: '?', text: string(ch), pos: i, end: i + 1}) {
				return
			}
			i++
		}
	}
}

// matchParen returns the index of the ')' closing toks[open], or -1.
func matchParen(toks []token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch toks[i].kind {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

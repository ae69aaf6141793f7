package warehouse

import (
	"context"
	"fmt"
	"strings"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
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
	// Table and Columns name the target (Table is empty for a query):
	// Table as DuckDB SQL, Columns by their Redshift names.
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

	name     ast.Name // Table as written
	truncate bool     // TRUNCATECOLUMNS (COPY from DynamoDB)
	// entry is the query log's entry of a COPY FROM STDIN, which ends
	// with CopyIn, with the rows loaded (PG_LAST_COPY_COUNT).
	entry *queryEntry
}

// copyStmt reads a COPY with the client from its tree: the options'
// values, checked, and the format's defaults.
func copyStmt(n *ast.Copy, opts bsql.Options) (*CopyStmt, error) {
	c := &CopyStmt{From: n.From, Format: "text", Query: n.QueryText, name: n.Table}
	if n.Table != nil {
		parts := make([]string, len(n.Table))
		for j, id := range n.Table {
			parts[j] = quoteIdent(catalogIdent(id, opts))
		}
		c.Table = strings.Join(parts, ".")
	}
	for _, id := range n.Columns {
		c.Columns = append(c.Columns, foldIdent(id, opts))
	}
	nullSet := false
	for _, o := range n.Options {
		switch o.Name {
		case "format":
			c.Format = strings.ToLower(o.Value)
		case "csv":
			c.Format = "csv"
		case "binary":
			c.Format = "binary"
		case "header":
			c.Header = true
			if o.HasValue {
				c.Header, _ = parseBool(o.Value)
			}
		case "null":
			c.Null, nullSet = o.Value, true
		case "delimiter", "quote", "escape":
			if len(o.Value) != 1 {
				return nil, sqlerr.New(sqlerr.FeatureNotSupported, "COPY %s must be a single one-byte character", strings.ToUpper(o.Name))
			}
			switch o.Name {
			case "delimiter":
				c.Delimiter = o.Value[0]
			case "quote":
				c.Quote = o.Value[0]
			case "escape":
				c.Escape = o.Value[0]
			}
		}
	}
	switch c.Format {
	case "text", "csv", "binary":
	default:
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "COPY format %q not recognized", c.Format)
	}
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
	return c, nil
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
					q[i] = quoteIdent(bsql.CatalogName(col))
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
				q[i] = quoteIdent(bsql.CatalogName(col))
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
	pl, err := s.planDuck(ctx, query, "COPY")
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
func (s *Session) CopyIn(ctx context.Context, c *CopyStmt, next func() ([]any, error)) (res *Result, err error) {
	if !c.From {
		return nil, errorf("CopyIn on a COPY TO")
	}
	if c.entry != nil {
		defer func() {
			var n int64
			if res != nil {
				n = res.affected
			}
			s.logEnd(c.entry, err, n)
		}()
	}
	cols := c.Columns
	// The target columns' types: a SUPER column takes JSON text, parsed
	// as json_parse parses it (a string parameter cannot bind to DuckDB's
	// VARIANT directly).
	super := map[string]bool{}
	cur, err := s.conn.Query(ctx, "SELECT * FROM "+c.Table+" LIMIT 0")
	if err != nil {
		return nil, err
	}
	for _, col := range cur.Columns {
		if len(c.Columns) == 0 {
			cols = append(cols, col.Name)
		}
		if col.Type.Kind == KindSuper {
			super[strings.ToLower(col.Name)] = true
		}
	}
	_ = cur.Close()
	quoted := make([]string, len(cols))
	for i, col := range cols {
		quoted[i] = quoteIdent(bsql.CatalogName(col))
	}
	isSuper := make([]bool, len(cols))
	for i, col := range cols {
		isSuper[i] = super[strings.ToLower(col)]
	}
	// A value longer than a VARCHAR(n) or CHAR(n) column fails the COPY,
	// as INSERT's does (22001; Redshift's load error "String length
	// exceeds DDL length"), or with TRUNCATECOLUMNS keeps its first n bytes.
	limits := make([]bsql.ColumnLimit, len(cols))
	if c.name != nil {
		for _, l := range s.charLimits(ctx, c.name) { // column_types.go
			for i, col := range cols {
				if l.Limit > 0 && l.Name == col {
					limits[i] = l
				}
			}
		}
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
				switch l := limits[i]; {
				case isSuper[i]:
					fmt.Fprintf(&b, "rs_json_parse(CAST($%d AS VARCHAR))", n)
				case l.Limit > 0 && c.truncate:
					fmt.Fprintf(&b, "rs_truncate_bytes(CAST($%d AS VARCHAR), %d)", n, l.Limit)
				case l.Limit > 0:
					fmt.Fprintf(&b, "rs_char_limit(CAST($%d AS VARCHAR), %d, '%s(%d)')", n, l.Limit, l.Type, l.Limit)
				default:
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

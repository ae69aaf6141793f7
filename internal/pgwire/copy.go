package pgwire

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
	"github.com/blueshift-dev/blueshift/internal/warehouse"
)

// copy runs the COPY sub-protocol for res. A *sqlerr.Error return is the
// statement's failure (the client gets an ErrorResponse); any other error
// ends the connection.
func (c *conn) copy(ctx context.Context, res *warehouse.Result) error {
	if res.Copy.From {
		return c.copyIn(ctx, res.Copy)
	}
	if res.Copy.Format == "binary" {
		return c.copyOutBinary(res) // copy_binary.go
	}
	return c.copyOut(res)
}

func (c *conn) copyOut(res *warehouse.Result) error {
	cs := res.Copy
	formats := make([]uint16, len(res.Columns))
	if err := c.send(&pgproto3.CopyOutResponse{OverallFormat: 0, ColumnFormatCodes: formats}); err != nil {
		return err
	}
	var line []byte
	if cs.Format == "csv" && cs.Header {
		line = line[:0]
		for i, col := range res.Columns {
			if i > 0 {
				line = append(line, cs.Delimiter)
			}
			line = appendCSV(line, col.Name, cs)
		}
		line = append(line, '\n')
		if err := c.send(&pgproto3.CopyData{Data: line}); err != nil {
			return err
		}
	}
	var field []byte
	for res.Next() {
		line = line[:0]
		for i, v := range res.Values() {
			if i > 0 {
				line = append(line, cs.Delimiter)
			}
			if v == nil {
				line = append(line, cs.Null...)
				continue
			}
			field = appendText(field[:0], v, res.Columns[i].Type.Kind, c.loc)
			if cs.Format == "csv" {
				line = appendCSV(line, string(field), cs)
			} else {
				line = appendCopyText(line, field, cs.Delimiter)
			}
		}
		line = append(line, '\n')
		if err := c.send(&pgproto3.CopyData{Data: line}); err != nil {
			return err
		}
	}
	if err := res.Err(); err != nil {
		return err
	}
	if err := c.send(&pgproto3.CopyDone{}); err != nil {
		return err
	}
	return c.send(&pgproto3.CommandComplete{CommandTag: []byte(res.Tag())})
}

// appendCopyText escapes a field for COPY's text format.
func appendCopyText(dst, field []byte, delim byte) []byte {
	for _, b := range field {
		switch b {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			if b == delim {
				dst = append(dst, '\\', b)
			} else {
				dst = append(dst, b)
			}
		}
	}
	return dst
}

// appendCSV quotes a CSV field when it must be: it holds the delimiter, the
// quote, a line break, it is empty or the NULL string (so it differs from
// NULL), or it is `\.`, which alone on a line would end the data.
func appendCSV(dst []byte, s string, cs *warehouse.CopyStmt) []byte {
	if s != "" && s != cs.Null && s != `\.` && !strings.ContainsAny(s, string([]byte{cs.Delimiter, cs.Quote, '\n', '\r'})) {
		return append(dst, s...)
	}
	dst = append(dst, cs.Quote)
	for i := 0; i < len(s); i++ {
		if s[i] == cs.Quote || s[i] == cs.Escape {
			dst = append(dst, cs.Escape)
		}
		dst = append(dst, s[i])
	}
	return append(dst, cs.Quote)
}

// copyReader reads the data of a COPY FROM STDIN from CopyData messages.
type copyReader struct {
	c    *conn
	buf  []byte
	done bool // CopyDone or CopyFail seen
	err  error
}

func (r *copyReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		msg, err := r.c.be.Receive()
		if err != nil {
			r.err, r.done = err, true
			return 0, err
		}
		switch m := msg.(type) {
		case *pgproto3.CopyData:
			r.buf = append(r.buf[:0], m.Data...)
		case *pgproto3.CopyDone:
			r.err, r.done = io.EOF, true
		case *pgproto3.CopyFail:
			r.err, r.done = sqlerr.New(sqlerr.QueryCanceled, "COPY from stdin failed: %s", m.Message), true
		case *pgproto3.Flush, *pgproto3.Sync:
		default:
			r.err, r.done = protocolErr("unexpected message %T during COPY", msg), true
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// drain discards the rest of the client's data after a failure.
func (r *copyReader) drain() error {
	for !r.done {
		r.buf = r.buf[:0]
		if _, err := r.Read(make([]byte, 4096)); err != nil && !errors.Is(err, io.EOF) {
			if _, ok := sqlerr.As(err); !ok {
				return err
			}
		}
	}
	return nil
}

func (c *conn) copyIn(ctx context.Context, cs *warehouse.CopyStmt) error {
	in := &pgproto3.CopyInResponse{OverallFormat: 0}
	if cs.Format == "binary" {
		in.OverallFormat = 1
		in.ColumnFormatCodes = make([]uint16, len(cs.Types))
		for i := range in.ColumnFormatCodes {
			in.ColumnFormatCodes[i] = 1
		}
	}
	if err := c.send(in); err != nil {
		return err
	}
	if err := c.flush(); err != nil {
		return err
	}
	r := &copyReader{c: c}
	var next func() ([]any, error)
	switch cs.Format {
	case "binary":
		next = binaryRows(r, cs.Types) // copy_binary.go
	case "csv":
		next = csvRows(r, cs)
	default:
		next = textRows(r, cs)
	}
	res, err := c.sess.CopyIn(ctx, cs, next)
	if err != nil {
		if derr := r.drain(); derr != nil {
			return derr
		}
		if _, ok := sqlerr.As(err); !ok && r.err != nil && !errors.Is(r.err, io.EOF) {
			return err
		}
		return err
	}
	return c.send(&pgproto3.CommandComplete{CommandTag: []byte(res.Tag())})
}

// maxCopyRow bounds one row of COPY FROM STDIN, in every format:
// Redshift's "The maximum size of a single input row from any source is 4
// MB" (COPY, Data sources). Without a bound a client sending data without
// a line break (or a quoted CSV field never closed, or a binary field
// announced 1 GB long) made the server hold all of it in memory.
const maxCopyRow = 4 << 20

// errCopyRowTooLarge is a row past maxCopyRow.
func errCopyRowTooLarge() error {
	return sqlerr.New(sqlerr.ProgramLimitExceeded, "COPY row is larger than 4 MB, the maximum size of a single input row")
}

// readLine reads up to and including the next '\n' (or to the end of the
// data), appending to dst, and fails once the row, dst included, would be
// longer than maxCopyRow.
func readLine(br *bufio.Reader, dst []byte) ([]byte, error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if len(dst)+len(chunk) > maxCopyRow {
			return dst, errCopyRowTooLarge()
		}
		dst = append(dst, chunk...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return dst, err
		}
	}
}

// textRows parses COPY's text format: one row a line, fields split at the
// delimiter, backslash escapes, the null marker, and a final `\.` line.
func textRows(r io.Reader, cs *warehouse.CopyStmt) func() ([]any, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	return func() ([]any, error) {
		line, err := readLine(br, nil)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if len(line) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return nil, nil
			}
			return nil, err
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte{'\n'}), []byte{'\r'})
		if string(line) == `\.` {
			return nil, nil
		}
		var vals []any
		var field []byte
		raw := true // the field so far is exactly as written (for the NULL marker)
		start := 0
		for i := 0; i <= len(line); i++ {
			if i == len(line) || line[i] == cs.Delimiter {
				if raw && string(line[start:i]) == cs.Null {
					vals = append(vals, nil)
				} else {
					vals = append(vals, string(field))
				}
				field, raw, start = field[:0], true, i+1
				continue
			}
			if line[i] == '\\' && i+1 < len(line) {
				raw = false
				i++
				switch line[i] {
				case 'n':
					field = append(field, '\n')
				case 'r':
					field = append(field, '\r')
				case 't':
					field = append(field, '\t')
				case 'b':
					field = append(field, '\b')
				case 'f':
					field = append(field, '\f')
				case 'v':
					field = append(field, '\v')
				case 'N':
					field = append(field, '\\', 'N')
					raw = true
				default:
					field = append(field, line[i])
				}
				continue
			}
			field = append(field, line[i])
		}
		return vals, nil
	}
}

// csvRows parses COPY's CSV format as Postgres does: fields split at the
// delimiter, quoted fields (which may hold delimiters, quotes doubled or
// escaped, and line breaks), and NULL told apart from the empty string: an
// unquoted field equal to the NULL string (by default, empty) is NULL, a
// quoted one ("") is the string. A line `\.` alone ends the data.
func csvRows(r io.Reader, cs *warehouse.CopyStmt) func() ([]any, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	header := cs.Header
	return func() ([]any, error) {
		for {
			vals, err := readCSVRecord(br, cs)
			if err != nil || vals == nil {
				return nil, err
			}
			if header {
				header = false
				continue
			}
			return vals, nil
		}
	}
}

// readCSVRecord reads one CSV record. It returns nil, nil at the end of the
// data.
func readCSVRecord(br *bufio.Reader, cs *warehouse.CopyStmt) ([]any, error) {
	line, err := readLine(br, nil)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(line) == 0 {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	if s := string(trimEOL(line)); s == `\.` {
		return nil, nil
	}
	var vals []any
	var field []byte
	quoted, inQuote := false, false
	start := 0 // where the current field's raw text begins, for the NULL string
	for i := 0; ; i++ {
		if i == len(line) {
			if !inQuote {
				break
			}
			// A quoted field goes on over the line break.
			n := len(line)
			line, err = readLine(br, line)
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			if len(line) == n {
				if errors.Is(err, io.EOF) {
					return nil, sqlerr.New("22P04", "unterminated CSV quoted field")
				}
				return nil, err
			}
		}
		c := line[i]
		if inQuote {
			switch {
			case c == cs.Escape && i+1 < len(line) && (line[i+1] == cs.Quote || line[i+1] == cs.Escape) && (cs.Escape != cs.Quote || line[i+1] == cs.Quote):
				field = append(field, line[i+1])
				i++
			case c == cs.Quote:
				inQuote = false
			default:
				field = append(field, c)
			}
			continue
		}
		switch {
		case c == cs.Quote:
			inQuote, quoted = true, true
		case c == cs.Delimiter:
			vals = append(vals, csvValue(field, quoted, line[start:i], cs))
			field, quoted, start = field[:0], false, i+1
		case c == '\n' || c == '\r' && i+1 < len(line) && line[i+1] == '\n' || c == '\r' && i+1 == len(line):
			// The record's end.
			vals = append(vals, csvValue(field, quoted, line[start:i], cs))
			return vals, nil
		default:
			field = append(field, c)
		}
	}
	vals = append(vals, csvValue(field, quoted, line[start:], cs))
	return vals, nil
}

// csvValue is a field's value: NULL when it was written unquoted as the NULL
// string, the text otherwise.
func csvValue(field []byte, quoted bool, raw []byte, cs *warehouse.CopyStmt) any {
	if !quoted && string(raw) == cs.Null {
		return nil
	}
	return string(field)
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}

package pgwire

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
	"github.com/blueshift-dev/blueshift/internal/warehouse"
)

// COPY's binary format (Postgres's "COPY ... (FORMAT binary)", which
// psycopg 3's write_row and asyncpg's copy_records_to_table send): an
// 11-byte signature, a flags word and a header extension, then per row a
// 16-bit field count and each field as a 32-bit length (-1: NULL) and its
// bytes in the type's binary send format; a count of -1 ends the data.

var copySignature = []byte("PGCOPY\n\xff\r\n\x00")

// binaryRows reads rows in COPY's binary format; types are the target
// columns' types, which say how to read each field. Like textRows, it
// returns nil, nil after the last row.
func binaryRows(r io.Reader, types []warehouse.Type) func() ([]any, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	header := false
	oids := make([]uint32, len(types))
	for i, t := range types {
		oids[i], _, _ = typeInfo(t)
	}
	var field []byte
	return func() ([]any, error) {
		if !header {
			head := make([]byte, len(copySignature)+8)
			if _, err := io.ReadFull(br, head); err != nil {
				return nil, copyFormatErr("COPY file signature not recognized")
			}
			if !bytes.Equal(head[:len(copySignature)], copySignature) {
				return nil, copyFormatErr("COPY file signature not recognized")
			}
			if flags := binary.BigEndian.Uint32(head[len(copySignature):]); flags&0xffff0000 != 0 {
				return nil, copyFormatErr("unrecognized critical flags in COPY file header")
			}
			ext := binary.BigEndian.Uint32(head[len(copySignature)+4:])
			if _, err := io.CopyN(io.Discard, br, int64(ext)); err != nil {
				return nil, copyFormatErr("invalid COPY file header (wrong length)")
			}
			header = true
		}
		var n [2]byte
		if _, err := io.ReadFull(br, n[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return nil, nil // the client ended without the trailer
			}
			return nil, err
		}
		count := int16(binary.BigEndian.Uint16(n[:]))
		if count == -1 {
			// The trailer; drain to the client's CopyDone.
			_, _ = io.Copy(io.Discard, br)
			return nil, nil
		}
		if int(count) != len(types) {
			return nil, copyFormatErr(fmt.Sprintf("row field count is %d, expected %d", count, len(types)))
		}
		row := make([]any, len(types))
		rowSize := 0
		for i := range row {
			var l [4]byte
			if _, err := io.ReadFull(br, l[:]); err != nil {
				return nil, copyFormatErr("unexpected EOF in COPY data")
			}
			size := int32(binary.BigEndian.Uint32(l[:]))
			if size == -1 {
				continue
			}
			if size < 0 || size > 1<<30 {
				return nil, copyFormatErr("invalid field size")
			}
			if rowSize += int(size); rowSize > maxCopyRow { // copy.go
				return nil, errCopyRowTooLarge()
			}
			if cap(field) < int(size) {
				field = make([]byte, size)
			}
			field = field[:size]
			if _, err := io.ReadFull(br, field); err != nil {
				return nil, copyFormatErr("unexpected EOF in COPY data")
			}
			v, err := decodeParam(field, 1, oids[i])
			if err != nil {
				return nil, sqlerr.Wrap(sqlerr.InvalidBinaryRepresentation, err, "COPY column %d", i+1)
			}
			if b, ok := v.([]byte); ok {
				v = append([]byte(nil), b...) // field is reused
			}
			row[i] = v
		}
		return row, nil
	}
}

func copyFormatErr(msg string) error {
	return sqlerr.New(sqlerr.BadCopyFileFormat, "%s", msg)
}

// copyOutBinary sends a COPY TO STDOUT result in the binary format.
func (c *conn) copyOutBinary(res *warehouse.Result) error {
	formats := make([]uint16, len(res.Columns))
	for i := range formats {
		formats[i] = 1
	}
	if err := c.send(&pgproto3.CopyOutResponse{OverallFormat: 1, ColumnFormatCodes: formats}); err != nil {
		return err
	}
	// The header goes in the first row's message, as Postgres sends it
	// (psycopg reads the first message as header and row).
	head := append(append([]byte(nil), copySignature...), 0, 0, 0, 0, 0, 0, 0, 0)
	var row, field []byte
	for res.Next() {
		row = append(row[:0], head...)
		head = nil
		row = binary.BigEndian.AppendUint16(row, uint16(len(res.Columns)))
		for i, v := range res.Values() {
			if v == nil {
				row = binary.BigEndian.AppendUint32(row, 0xffffffff)
				continue
			}
			var err error
			if field, err = appendBinary(field[:0], v, res.Columns[i].Type.Kind); err != nil {
				return err
			}
			row = binary.BigEndian.AppendUint32(row, uint32(len(field)))
			row = append(row, field...)
		}
		if err := c.send(&pgproto3.CopyData{Data: row}); err != nil {
			return err
		}
	}
	if err := res.Err(); err != nil {
		return err
	}
	if err := c.send(&pgproto3.CopyData{Data: append(head, 0xff, 0xff)}); err != nil {
		return err
	}
	if err := c.send(&pgproto3.CopyDone{}); err != nil {
		return err
	}
	return c.send(&pgproto3.CommandComplete{CommandTag: []byte(res.Tag())})
}

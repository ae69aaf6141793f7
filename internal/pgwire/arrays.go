package pgwire

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// Array parameters. Clients send lists as arrays: node-postgres's
// `id = ANY($1)`, psycopg's Python lists, JDBC's setArray. The parameter's
// declared type (Parse's parameter OIDs) becomes a cast in the statement
// (warehouse.Session.Prepare), and its value goes to the warehouse as text in
// DuckDB's list syntax, which that cast reads.

// arrayTypes maps the OIDs of the array types clients send to the Redshift
// type name of the cast.
var arrayTypes = map[uint32]string{
	1000: "boolean[]", 1005: "smallint[]", 1007: "integer[]", 1016: "bigint[]",
	1021: "real[]", 1022: "float8[]", 1009: "varchar[]", 1015: "varchar[]", 1014: "varchar[]",
	1182: "date[]", 1115: "timestamp[]", 1185: "timestamptz[]", 2951: "uuid[]",
	1231: "numeric(38, 10)[]",
}

// arrayElem is the element type of each array type, for the binary format.
var arrayElem = map[uint32]uint32{
	1000: oidBool, 1005: oidInt2, 1007: oidInt4, 1016: oidInt8, 1021: oidFloat4, 1022: oidFloat8,
	1009: oidText, 1015: oidVarchar, 1014: oidBPChar, 1182: oidDate, 1115: oidTimestamp,
	1185: oidTimestampTZ, 2951: oidUUID, 1231: oidNumeric,
}

// paramTypeNames are the type names of a statement's declared parameters
// for the warehouse: the array types' names, "" for the rest (whose text
// DuckDB types from their use, as before).
func paramTypeNames(oids []uint32) []string {
	var out []string
	for i, oid := range oids {
		if name, ok := arrayTypes[oid]; ok {
			if out == nil {
				out = make([]string, len(oids))
			}
			out[i] = name
		}
	}
	return out
}

// decodeBinaryArray reads an array in Postgres's binary format (ndim,
// has-null flag, element OID, then per dimension its length and lower bound,
// then each element as a length and its bytes) into DuckDB's list syntax.
func decodeBinaryArray(b []byte, oid uint32) (string, error) {
	elem, ok := arrayElem[oid]
	if !ok {
		return "", fmt.Errorf("binary format for parameter type %d is not supported", oid)
	}
	if len(b) < 12 {
		return "", fmt.Errorf("binary array: %d bytes", len(b))
	}
	ndim := int(int32(binary.BigEndian.Uint32(b)))
	if ndim == 0 {
		return "[]", nil
	}
	if ndim < 0 || ndim > 6 || len(b) < 12+8*ndim {
		return "", fmt.Errorf("binary array: %d dimensions", ndim)
	}
	dims := make([]int, ndim)
	for i := range dims {
		dims[i] = int(int32(binary.BigEndian.Uint32(b[12+8*i:])))
		if dims[i] < 0 || dims[i] > len(b) {
			return "", fmt.Errorf("binary array: dimension of %d", dims[i])
		}
	}
	rest := b[12+8*ndim:]
	var out strings.Builder
	var walk func(d int) error
	walk = func(d int) error {
		out.WriteByte('[')
		for i := 0; i < dims[d]; i++ {
			if i > 0 {
				out.WriteByte(',')
			}
			if d+1 < ndim {
				if err := walk(d + 1); err != nil {
					return err
				}
				continue
			}
			if len(rest) < 4 {
				return fmt.Errorf("binary array: truncated")
			}
			n := int(int32(binary.BigEndian.Uint32(rest)))
			rest = rest[4:]
			if n < 0 {
				out.WriteString("NULL")
				continue
			}
			if n > len(rest) {
				return fmt.Errorf("binary array: truncated element")
			}
			v, err := decodeParam(rest[:n], 1, elem)
			if err != nil {
				return err
			}
			rest = rest[n:]
			out.WriteString(listElement(v))
		}
		out.WriteByte(']')
		return nil
	}
	if err := walk(0); err != nil {
		return "", err
	}
	return out.String(), nil
}

// listElement writes one decoded element in DuckDB's list syntax.
func listElement(v any) string {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case time.Time:
		s = v.Format("2006-01-02 15:04:05.999999Z07:00")
	default:
		s = fmt.Sprint(v)
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

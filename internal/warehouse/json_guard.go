package warehouse

// The JSON guard: rs_json_check_exact and rs_json_valid, the functions
// through which the SQL front end's json_parse and can_json_parse (the
// prelude's rs_json_parse and rs_can_json_parse) hand text to DuckDB, and
// rs_json_variant_bytes, json_parse's exact form for a text holding a
// number DuckDB's conversion would change (super_number.go). Every text is
// checked by checkJSON first, whatever path it comes by: a literal, a
// column, a bound parameter, a streaming record. DuckDB's own converter
// from JSON to VARIANT recurses once per level of nesting and overflows the
// stack (a SIGSEGV that kills the process) on a few tens of thousands of
// levels; Redshift accepts at most 1,000.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"unsafe"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// jsonGuard is one of the guard's scalar functions.
type jsonGuard struct {
	result duckdb.Type
	fn     duckdb.RowExecutorFn
}

func (g *jsonGuard) Config() duckdb.ScalarFuncConfig {
	in, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	out, _ := duckdb.NewTypeInfo(g.result)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{in}, ResultTypeInfo: out}
}

func (g *jsonGuard) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: g.fn}
}

// textBytes is s's bytes, without a copy (checkJSON only reads them).
func textBytes(v driver.Value) ([]byte, bool) {
	s, ok := v.(string)
	if !ok {
		return nil, false
	}
	return unsafe.Slice(unsafe.StringData(s), len(s)), true
}

var jsonGuards = map[string]*jsonGuard{
	// rs_json_check(text): text, unless it is larger or nests deeper than
	// SUPER allows, or holds a number beyond a double's range (DuckDB made
	// it Infinity, and json_serialize wrote that, which is not JSON): then
	// an error that says so (SQLSTATE 22032). Text that
	// is not JSON goes on to DuckDB's parser, which refuses it with its
	// own, more precise, message (the byte at fault) before any conversion.
	// (json_parse calls rs_json_check_exact; this is its form before exact
	// numbers, kept for comparisons such as BenchmarkJSONParseExact.)
	"rs_json_check": {result: duckdb.TYPE_VARCHAR, fn: func(v []driver.Value) (any, error) {
		b, ok := textBytes(v[0])
		if !ok {
			return nil, fmt.Errorf("rs_json_check: unexpected argument %T", v[0])
		}
		if f := checkJSON(b); f == jsonTooDeep || f == jsonTooLarge || f == jsonNumberRange {
			return nil, errors.New(f.String())
		}
		return v[0], nil
	}},
	// rs_json_check_exact(text): rs_json_check, but NULL when text holds
	// a number DuckDB's conversion to VARIANT would change (an integer
	// beyond 64 bits, a decimal beyond a double's precision): json_parse
	// then builds the VARIANT from rs_json_variant_bytes instead
	// (super_number.go). Every other text converts as before.
	"rs_json_check_exact": {result: duckdb.TYPE_VARCHAR, fn: func(v []driver.Value) (any, error) {
		b, ok := textBytes(v[0])
		if !ok {
			return nil, fmt.Errorf("rs_json_check_exact: unexpected argument %T", v[0])
		}
		switch f, inexact := checkJSONNumbers(b); {
		case f == jsonTooDeep || f == jsonTooLarge || f == jsonNumberRange:
			return nil, errors.New(f.String())
		case f == jsonOK && inexact:
			return nil, nil
		}
		return v[0], nil
	}},
	// rs_json_variant_bytes(text): the Parquet Variant encoding of text
	// (for variant_bytes_to_variant) when it is JSON within SUPER's limits
	// and holds a number DuckDB's conversion would change; NULL otherwise.
	"rs_json_variant_bytes": {result: duckdb.TYPE_BLOB, fn: func(v []driver.Value) (any, error) {
		b, ok := textBytes(v[0])
		if !ok {
			return nil, fmt.Errorf("rs_json_variant_bytes: unexpected argument %T", v[0])
		}
		if f, inexact := checkJSONNumbers(b); f != jsonOK || !inexact {
			return nil, nil
		}
		enc, err := parquetVariant(b)
		if err != nil {
			return nil, fmt.Errorf("rs_json_variant_bytes: %w", err)
		}
		return enc, nil
	}},
	// rs_json_text(text): DuckDB's JSON text of a SUPER value, made JSON:
	// json_serialize's output (finiteJSON).
	"rs_json_text": {result: duckdb.TYPE_VARCHAR, fn: func(v []driver.Value) (any, error) {
		s, ok := v[0].(string)
		if !ok {
			return nil, fmt.Errorf("rs_json_text: unexpected argument %T", v[0])
		}
		return finiteJSON(s), nil
	}},
	// rs_json_valid(text): whether checkJSON accepts text.
	"rs_json_valid": {result: duckdb.TYPE_BOOLEAN, fn: func(v []driver.Value) (any, error) {
		b, ok := textBytes(v[0])
		return ok && checkJSON(b) == jsonOK, nil
	}},
}

// finiteJSON makes DuckDB's JSON text of a SUPER value JSON (RFC 8259, as
// Redshift's JSON_SERIALIZE promises): a double that is NaN or infinite
// (a float cast to SUPER) is written by DuckDB as a bare NaN, Infinity or
// -Infinity, which JSON has not; they become the strings "NaN",
// "Infinity" and "-Infinity", as Postgres's to_json writes them. Text
// without them is returned as is.
func finiteJSON(s string) string {
	var b []byte // the rewritten text, once a token was found
	last := 0    // s[last:] is not copied to b yet
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if c == '"' {
			inString = true
			continue
		}
		var tok string
		switch {
		case c == 'N' && strings.HasPrefix(s[i:], "NaN"):
			tok = "NaN"
		case c == 'I' && strings.HasPrefix(s[i:], "Infinity"):
			tok = "Infinity"
		case c == '-' && strings.HasPrefix(s[i:], "-Infinity"):
			tok = "-Infinity"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, '"')
		b = append(b, tok...)
		b = append(b, '"')
		i += len(tok) - 1
		last = i + 1
	}
	if b == nil {
		return s
	}
	return string(append(b, s[last:]...))
}

// checkedJSONParse is json_parse without rs_json_check, for streaming
// records checkJSON has already passed (trustCheckedJSON).
const checkedJSONParse = "rs_json_parse_checked"

// checkedJSONText is json_parse of a streaming view's whole select item
// over records checkJSON has passed: the text as DuckDB JSON, stored as it
// is (SUPER as JSON text; the SQL front end reads it as the VARIANT
// checkedJSONParse would have made, see internal/sql/jsonrest.go).
const checkedJSONText = "rs_json_text_checked"

// checkedJSONParseExact is checkedJSONParse for such a batch: a record
// with such a number is built from its Parquet Variant encoding
// (super_number.go), as json_parse builds it.
const checkedJSONParseExact = "rs_json_parse_checked_exact"

// registerJSONGuard registers the guard's functions in the database, for
// every connection, before the prelude's macros that call them.
func (w *Warehouse) registerJSONGuard(ctx context.Context, c *Conn) error {
	if _, err := c.Exec(ctx, `CREATE OR REPLACE MACRO `+checkedJSONParse+`(x) AS CAST(CAST(CASE WHEN typeof(x) = 'BLOB' THEN decode(CAST(x AS BLOB)) ELSE CAST(x AS VARCHAR) END AS JSON) AS VARIANT)`); err != nil {
		return fmt.Errorf("warehouse: %s: %w", checkedJSONParse, err)
	}
	if _, err := c.Exec(ctx, `CREATE OR REPLACE MACRO `+checkedJSONText+`(x) AS CAST(CASE WHEN typeof(x) = 'BLOB' THEN decode(CAST(x AS BLOB)) ELSE CAST(x AS VARCHAR) END AS JSON)`); err != nil {
		return fmt.Errorf("warehouse: %s: %w", checkedJSONText, err)
	}
	db := sql.OpenDB(keepOpen{w.connector})
	defer db.Close()
	sc, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: connect: %w", err)
	}
	defer sc.Close()
	for name, g := range jsonGuards {
		if err := duckdb.RegisterScalarUDF(sc, name, g); err != nil {
			return fmt.Errorf("warehouse: register %s: %w", name, err)
		}
	}
	// The exact form of the checked parse, which calls the functions
	// above.
	const text = `CASE WHEN typeof(x) = 'BLOB' THEN decode(CAST(x AS BLOB)) ELSE CAST(x AS VARCHAR) END`
	for _, m := range []string{
		`rs_json_parse_exact(t) AS COALESCE(variant_bytes_to_variant(rs_json_variant_bytes(t)), CAST(CAST(t AS JSON) AS VARIANT))`,
		checkedJSONParseExact + `(x) AS rs_json_parse_exact(` + text + `)`,
	} {
		if _, err := c.Exec(ctx, `CREATE OR REPLACE MACRO `+m); err != nil {
			return fmt.Errorf("warehouse: macro %.40s: %w", m, err)
		}
	}
	if err := w.registerQueryLog(sc); err != nil { // querylog.go
		return err
	}
	if err := w.registerBackends(sc); err != nil { // backends.go
		return err
	}
	return registerAvg(sc) // avg_udf.go
}

// keepOpen is a connector whose database/sql.DB does not close it: the
// guard's registration borrows the warehouse's connector for a moment.
type keepOpen struct{ driver.Connector }

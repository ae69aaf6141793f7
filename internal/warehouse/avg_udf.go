package warehouse

// rs_avg: the end of the SQL front end's AVG, which prints AVG(x) as
// rs_avg(sum(x), count(x)) so that the result has Redshift's type (AVG
// function: "BIGINT for any integer type argument, DOUBLE PRECISION for a
// floating point argument", DECIMAL(38, s) for a DECIMAL(p, s) argument).
// DuckDB's own avg is a DOUBLE whatever its argument, and its DECIMAL
// division too, so the quotient is taken here, one overload per type that
// DuckDB's sum returns: HUGEINT for integers, DOUBLE for floats and
// DECIMAL(38, s) for decimals of scale s.

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"hash/crc32"
	"math/big"

	duckdb "github.com/duckdb/duckdb-go/v2"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
)

// avgFunc is one overload of rs_avg: its sum's type, its result's, and
// the quotient.
type avgFunc struct {
	sum, result duckdb.TypeInfo
	fn          duckdb.RowExecutorFn
}

func (a *avgFunc) Config() duckdb.ScalarFuncConfig {
	cnt, _ := duckdb.NewTypeInfo(duckdb.TYPE_BIGINT)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{a.sum, cnt}, ResultTypeInfo: a.result}
}

func (a *avgFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: a.fn}
}

// avgCount reads rs_avg's count argument.
func avgCount(v driver.Value) (int64, error) {
	n, ok := v.(int64)
	if !ok {
		return 0, fmt.Errorf("rs_avg: unexpected count %T", v)
	}
	return n, nil
}

// avgFuncs are rs_avg's overloads. A count of zero (an empty group has a
// NULL sum, so only a sum over no rows of a FILTER) gives NULL.
func avgFuncs() ([]duckdb.ScalarFunc, error) {
	hugeint, err := duckdb.NewTypeInfo(duckdb.TYPE_HUGEINT)
	if err != nil {
		return nil, err
	}
	bigint, _ := duckdb.NewTypeInfo(duckdb.TYPE_BIGINT)
	double, _ := duckdb.NewTypeInfo(duckdb.TYPE_DOUBLE)
	funcs := []duckdb.ScalarFunc{
		// Integers: BIGINT, the quotient truncated toward zero.
		&avgFunc{sum: hugeint, result: bigint, fn: func(v []driver.Value) (any, error) {
			n, err := avgCount(v[1])
			if err != nil || n == 0 {
				return nil, err
			}
			s, ok := v[0].(*big.Int)
			if !ok {
				return nil, fmt.Errorf("rs_avg: unexpected sum %T", v[0])
			}
			return new(big.Int).Quo(s, big.NewInt(n)).Int64(), nil
		}},
		&avgFunc{sum: double, result: double, fn: func(v []driver.Value) (any, error) {
			n, err := avgCount(v[1])
			if err != nil || n == 0 {
				return nil, err
			}
			s, ok := v[0].(float64)
			if !ok {
				return nil, fmt.Errorf("rs_avg: unexpected sum %T", v[0])
			}
			return s / float64(n), nil
		}},
	}
	// Decimals: the quotient truncated toward zero at the argument's
	// scale (the integer case's rule; the documentation gives the type,
	// not the rounding), as a DOUBLE: DuckDB picks overloads by type, not
	// by scale, so DECIMAL(38, s) cannot follow s.
	anyType, _ := duckdb.NewTypeInfo(duckdb.TYPE_ANY)
	funcs = append(funcs, &avgFunc{sum: anyType, result: double, fn: func(v []driver.Value) (any, error) {
		n, err := avgCount(v[1])
		if err != nil || n == 0 {
			return nil, err
		}
		d, ok := v[0].(duckdb.Decimal)
		if !ok {
			return nil, fmt.Errorf("rs_avg: unexpected sum %T", v[0])
		}
		q := new(big.Int).Quo(d.Value, big.NewInt(n))
		f, _ := new(big.Float).Quo(new(big.Float).SetInt(q), new(big.Float).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil))).Float64()
		return f, nil
	}})
	return funcs, nil
}

// registerAvg registers rs_avg, rs_to_char_number (TO_CHAR with a
// numeric format, which the SQL front end's FormatNumber prints) and
// rs_crc32, rs_date_text, rs_truncate_bytes, rs_sha2, trunc's date
// overloads, fnv_hash, rs_cbrt, soundex and difference on sc, for every connection
// of the database.
func registerAvg(sc *sql.Conn) error {
	funcs, err := avgFuncs()
	if err != nil {
		return fmt.Errorf("warehouse: rs_avg: %w", err)
	}
	if err := duckdb.RegisterScalarUDFSet(sc, "rs_avg", funcs...); err != nil {
		return fmt.Errorf("warehouse: register rs_avg: %w", err)
	}
	if err := duckdb.RegisterScalarUDF(sc, "rs_to_char_number", toCharNumber{}); err != nil {
		return fmt.Errorf("warehouse: register rs_to_char_number: %w", err)
	}
	if err := duckdb.RegisterScalarUDF(sc, "rs_crc32", crc32Func{}); err != nil {
		return fmt.Errorf("warehouse: register rs_crc32: %w", err)
	}
	if err := duckdb.RegisterScalarUDF(sc, "rs_date_text", dateText{}); err != nil {
		return fmt.Errorf("warehouse: register rs_date_text: %w", err)
	}
	if err := duckdb.RegisterScalarUDF(sc, "rs_truncate_bytes", truncateBytes{}); err != nil {
		return fmt.Errorf("warehouse: register rs_truncate_bytes: %w", err)
	}
	if err := duckdb.RegisterScalarUDF(sc, "rs_sha2", sha2Func{}); err != nil {
		return fmt.Errorf("warehouse: register rs_sha2: %w", err)
	}
	if err := duckdb.RegisterScalarUDFSet(sc, "trunc", truncDateFuncs()...); err != nil { // trunc_udf.go
		return fmt.Errorf("warehouse: register trunc of a date: %w", err)
	}
	if err := duckdb.RegisterScalarUDFSet(sc, "fnv_hash", fnvHashFuncs()...); err != nil { // fnv_udf.go
		return fmt.Errorf("warehouse: register fnv_hash: %w", err)
	}
	if err := duckdb.RegisterScalarUDF(sc, "rs_cbrt", cbrtFunc{}); err != nil { // hash_udf.go
		return fmt.Errorf("warehouse: register rs_cbrt: %w", err)
	}
	if err := duckdb.RegisterScalarUDF(sc, "soundex", soundexFunc{}); err != nil { // soundex_udf.go
		return fmt.Errorf("warehouse: register soundex: %w", err)
	}
	if err := duckdb.RegisterScalarUDF(sc, "difference", differenceFunc{}); err != nil {
		return fmt.Errorf("warehouse: register difference: %w", err)
	}
	return nil
}

// crc32Func is rs_crc32(text), Redshift's CRC32: the CRC-32C (Castagnoli)
// checksum of the text's bytes as 8 lower-case hex digits (SQL reference,
// "CRC32 function").
type crc32Func struct{}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (crc32Func) Config() duckdb.ScalarFuncConfig {
	v, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{v}, ResultTypeInfo: v}
}

func (crc32Func) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		text, _ := v[0].(string)
		return fmt.Sprintf("%08x", crc32.Checksum([]byte(text), castagnoli)), nil
	}}
}

// toCharNumber is rs_to_char_number(number as text, format): NULL for text
// that is not a finite number.
type toCharNumber struct{}

func (toCharNumber) Config() duckdb.ScalarFuncConfig {
	v, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{v, v}, ResultTypeInfo: v}
}

func (toCharNumber) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		text, _ := v[0].(string)
		format, _ := v[1].(string)
		out, ok := bsql.FormatNumber(text, format)
		if !ok {
			return nil, nil
		}
		return out, nil
	}}
}

// dateText is rs_date_text(text, kind, dmy): text in one of Redshift's
// date or timestamp forms as ISO text, other text as it is
// (bsql.RedshiftDateText), for the SQL front end's casts of VARCHAR
// columns to DATE and TIMESTAMP.
type dateText struct{}

func (dateText) Config() duckdb.ScalarFuncConfig {
	v, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	b, _ := duckdb.NewTypeInfo(duckdb.TYPE_BOOLEAN)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{v, v, b}, ResultTypeInfo: v}
}

func (dateText) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		text, _ := v[0].(string)
		kind, _ := v[1].(string)
		dmy, _ := v[2].(bool)
		return bsql.RedshiftDateText(text, kind, dmy), nil
	}}
}

// truncateBytes is rs_truncate_bytes(text, n): text's longest prefix of
// whole characters that is at most n bytes long, COPY's TRUNCATECOLUMNS
// (Redshift: lengths of VARCHAR and CHAR columns are in bytes).
type truncateBytes struct{}

func (truncateBytes) Config() duckdb.ScalarFuncConfig {
	v, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	n, _ := duckdb.NewTypeInfo(duckdb.TYPE_BIGINT)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{v, n}, ResultTypeInfo: v}
}

func (truncateBytes) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		text, _ := v[0].(string)
		n, _ := v[1].(int64)
		if int64(len(text)) <= n {
			return text, nil
		}
		end := 0
		for i := range text {
			if int64(i) > n {
				break
			}
			end = i
		}
		return text[:end], nil
	}}
}

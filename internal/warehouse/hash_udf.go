package warehouse

import (
	"crypto/sha256"
	"crypto/sha512"
	"database/sql/driver"
	"encoding/hex"
	"math"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// sha2Func is rs_sha2(text, bits), Redshift's SHA2: the hex digest of the
// text's bytes with the SHA-2 function of 224, 256, 384 or 512 bits (0 is
// 256), and an empty string for any other number of bits (SQL reference,
// "SHA2 function"). DuckDB has SHA-256 only.
type sha2Func struct{}

func (sha2Func) Config() duckdb.ScalarFuncConfig {
	v, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	n, _ := duckdb.NewTypeInfo(duckdb.TYPE_INTEGER)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{v, n}, ResultTypeInfo: v}
}

func (sha2Func) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		text, _ := v[0].(string)
		bits, _ := v[1].(int32)
		b := []byte(text)
		switch bits {
		case 0, 256:
			s := sha256.Sum256(b)
			return hex.EncodeToString(s[:]), nil
		case 224:
			s := sha256.Sum224(b)
			return hex.EncodeToString(s[:]), nil
		case 384:
			s := sha512.Sum384(b)
			return hex.EncodeToString(s[:]), nil
		case 512:
			s := sha512.Sum512(b)
			return hex.EncodeToString(s[:]), nil
		}
		return "", nil
	}}
}

// cbrtFunc is rs_cbrt(x), Redshift's CBRT: the cube root as C's cbrt
// computes it (27 gives 3; DuckDB's cbrt gives 3.0000000000000004).
type cbrtFunc struct{}

func (cbrtFunc) Config() duckdb.ScalarFuncConfig {
	d, _ := duckdb.NewTypeInfo(duckdb.TYPE_DOUBLE)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{d}, ResultTypeInfo: d}
}

func (cbrtFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		x, _ := v[0].(float64)
		return math.Cbrt(x), nil
	}}
}

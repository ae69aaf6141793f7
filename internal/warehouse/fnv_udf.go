package warehouse

// FNV_HASH(value [, seed]) is Redshift's 64-bit FNV-1a hash of the value's
// binary representation, as a BIGINT (SQL reference, "FNV_HASH function"):
// a SMALLINT hashes its 2 bytes, an INTEGER its 4, a BIGINT its 8 (little
// endian), a CHAR or VARCHAR its bytes with any trailing blanks. The seed
// is the hash to continue from, so fnv_hash('cd', fnv_hash('ab')) is
// fnv_hash('abcd'); without one it is FNV's offset basis. The reference's
// examples (all of them integers and strings) are in the dialect golden
// file functions_more. Other types hash the form Redshift inherits from
// Postgres, not checked against Redshift: BOOLEAN one byte, REAL and
// DOUBLE PRECISION their IEEE 754 bytes, DATE the days and TIMESTAMP(TZ)
// the microseconds since 2000-01-01 (4 and 8 bytes), VARBYTE its bytes; a
// DECIMAL is hashed as the DOUBLE DuckDB converts it to.

import (
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

const (
	fnvOffset uint64 = 0xcbf29ce484222325
	fnvPrime  uint64 = 0x100000001b3
)

// fnv1a continues the FNV-1a hash h over b.
func fnv1a(h uint64, b []byte) uint64 {
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// pgEpoch is Postgres's (and Redshift's) day 0 for dates and timestamps.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// fnvBytes is the binary representation of v that FNV_HASH hashes.
func fnvBytes(in duckdb.Type, v driver.Value) ([]byte, error) {
	var b [8]byte
	switch x := v.(type) {
	case int16:
		binary.LittleEndian.PutUint16(b[:], uint16(x))
		return b[:2], nil
	case int32:
		binary.LittleEndian.PutUint32(b[:], uint32(x))
		return b[:4], nil
	case int64:
		binary.LittleEndian.PutUint64(b[:], uint64(x))
		return b[:8], nil
	case string:
		return []byte(x), nil
	case []byte:
		return x, nil
	case bool:
		if x {
			b[0] = 1
		}
		return b[:1], nil
	case float32:
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(x))
		return b[:4], nil
	case float64:
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
		return b[:8], nil
	case time.Time:
		if in == duckdb.TYPE_DATE {
			days := x.UTC().Sub(pgEpoch).Hours() / 24
			binary.LittleEndian.PutUint32(b[:], uint32(int32(math.Floor(days))))
			return b[:4], nil
		}
		binary.LittleEndian.PutUint64(b[:], uint64(x.UTC().Sub(pgEpoch).Microseconds()))
		return b[:8], nil
	}
	return nil, fmt.Errorf("fnv_hash: unexpected %T", v)
}

// fnvHash is one overload of fnv_hash: an argument type, with or without
// the seed.
type fnvHash struct {
	in   duckdb.Type
	seed bool
}

func (f fnvHash) Config() duckdb.ScalarFuncConfig {
	in, _ := duckdb.NewTypeInfo(f.in)
	big, _ := duckdb.NewTypeInfo(duckdb.TYPE_BIGINT)
	args := []duckdb.TypeInfo{in}
	if f.seed {
		args = append(args, big)
	}
	return duckdb.ScalarFuncConfig{InputTypeInfos: args, ResultTypeInfo: big}
}

func (f fnvHash) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		b, err := fnvBytes(f.in, v[0])
		if err != nil {
			return nil, err
		}
		h := fnvOffset
		if f.seed {
			seed, _ := v[1].(int64)
			h = uint64(seed)
		}
		return int64(fnv1a(h, b)), nil
	}}
}

// fnvHashFuncs are fnv_hash's overloads.
func fnvHashFuncs() []duckdb.ScalarFunc {
	var out []duckdb.ScalarFunc
	for _, t := range []duckdb.Type{duckdb.TYPE_SMALLINT, duckdb.TYPE_INTEGER, duckdb.TYPE_BIGINT, duckdb.TYPE_VARCHAR,
		duckdb.TYPE_BLOB, duckdb.TYPE_BOOLEAN, duckdb.TYPE_FLOAT, duckdb.TYPE_DOUBLE, duckdb.TYPE_DATE,
		duckdb.TYPE_TIMESTAMP, duckdb.TYPE_TIMESTAMP_TZ} {
		out = append(out, fnvHash{in: t}, fnvHash{in: t, seed: true})
	}
	return out
}

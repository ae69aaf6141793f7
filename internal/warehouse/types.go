package warehouse

import (
	"bytes"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Kind is the family of a column's or parameter's type, in terms a client
// protocol can encode. Values of each kind have one Go representation (see
// Result.Values).
type Kind uint8

// The kinds. Comments give the Go type of a non-NULL value.
const (
	KindUnknown     Kind = iota // string (parameters of unknown type)
	KindBool                    // bool
	KindInt16                   // int64
	KindInt32                   // int64
	KindInt64                   // int64
	KindFloat32                 // float64
	KindFloat64                 // float64
	KindNumeric                 // string, the decimal's digits ("50.00")
	KindText                    // string
	KindBytes                   // []byte
	KindDate                    // time.Time (UTC midnight)
	KindTime                    // time.Time (time of day on 0000-01-01 UTC)
	KindTimeTZ                  // time.Time (with its offset)
	KindTimestamp               // time.Time (wall clock, in UTC)
	KindTimestampTZ             // time.Time (an instant)
	KindInterval                // Interval
	KindUUID                    // string
	KindJSON                    // string, JSON text
	KindSuper                   // string, JSON text (Redshift SUPER, DuckDB VARIANT)
)

var kindNames = [...]string{"unknown", "bool", "int2", "int4", "int8", "float4", "float8",
	"numeric", "text", "bytea", "date", "time", "timetz", "timestamp", "timestamptz",
	"interval", "uuid", "json", "super"}

// String returns the kind's Postgres-style name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Type is a column's or parameter's type.
type Type struct {
	Kind Kind
	// Precision and Scale are a numeric's; zero otherwise.
	Precision, Scale int
	// DuckDB is DuckDB's name for the type (for example "DECIMAL(5,2)").
	DuckDB string
}

// Column describes one column of a result set.
type Column struct {
	Name string
	Type Type
}

// typeOf maps a DuckDB type to blueshift's.
func typeOf(ti duckdb.TypeInfo) Type {
	if ti == nil {
		return Type{Kind: KindUnknown}
	}
	t := Type{DuckDB: duckdbTypeName(ti)}
	if ti.Alias() == "JSON" {
		t.Kind = KindJSON
		return t
	}
	t.Kind = kindOf(ti.InternalType())
	if d, ok := ti.Details().(*duckdb.DecimalDetails); ok {
		t.Precision, t.Scale = int(d.Width), int(d.Scale)
	}
	return t
}

// kinds maps DuckDB's types to kinds. Types not listed (lists, structs,
// maps, unions, enums, bit strings) are sent as text.
var kinds = map[duckdb.Type]Kind{
	duckdb.TYPE_BOOLEAN: KindBool,
	duckdb.TYPE_TINYINT: KindInt16, duckdb.TYPE_SMALLINT: KindInt16, duckdb.TYPE_UTINYINT: KindInt16,
	duckdb.TYPE_INTEGER: KindInt32, duckdb.TYPE_USMALLINT: KindInt32,
	duckdb.TYPE_BIGINT: KindInt64, duckdb.TYPE_UINTEGER: KindInt64,
	duckdb.TYPE_UBIGINT: KindNumeric, duckdb.TYPE_HUGEINT: KindNumeric, duckdb.TYPE_UHUGEINT: KindNumeric,
	duckdb.TYPE_BIGNUM: KindNumeric, duckdb.TYPE_DECIMAL: KindNumeric,
	duckdb.TYPE_FLOAT: KindFloat32, duckdb.TYPE_DOUBLE: KindFloat64,
	duckdb.TYPE_BLOB: KindBytes, duckdb.TYPE_GEOMETRY: KindBytes,
	duckdb.TYPE_DATE: KindDate, duckdb.TYPE_TIME: KindTime, duckdb.TYPE_TIME_TZ: KindTimeTZ,
	duckdb.TYPE_TIMESTAMP: KindTimestamp, duckdb.TYPE_TIMESTAMP_S: KindTimestamp,
	duckdb.TYPE_TIMESTAMP_MS: KindTimestamp, duckdb.TYPE_TIMESTAMP_NS: KindTimestamp,
	duckdb.TYPE_TIMESTAMP_TZ: KindTimestampTZ, duckdb.TYPE_INTERVAL: KindInterval,
	duckdb.TYPE_UUID: KindUUID, duckdb.TYPE_VARIANT: KindSuper,
}

func kindOf(t duckdb.Type) Kind {
	if k, ok := kinds[t]; ok {
		return k
	}
	return KindText
}

// typesByName maps the type names the driver reports for result columns
// back to DuckDB's types: typeNames read backwards, and the short names.
var typesByName = func() map[string]duckdb.Type {
	m := map[string]duckdb.Type{"TIMETZ": duckdb.TYPE_TIME_TZ, "TIMESTAMPTZ": duckdb.TYPE_TIMESTAMP_TZ,
		"VARIANT": duckdb.TYPE_VARIANT}
	for t, name := range typeNames {
		m[name] = t
	}
	return m
}()

func duckdbTypeName(ti duckdb.TypeInfo) string {
	if ti.Alias() != "" {
		return ti.Alias()
	}
	switch d := ti.Details().(type) {
	case *duckdb.DecimalDetails:
		return fmt.Sprintf("DECIMAL(%d,%d)", d.Width, d.Scale)
	case *duckdb.ListDetails:
		return duckdbTypeName(d.Child) + "[]"
	}
	switch ti.InternalType() {
	case duckdb.TYPE_VARIANT:
		return "VARIANT"
	case duckdb.TYPE_STRUCT:
		return "STRUCT"
	case duckdb.TYPE_MAP:
		return "MAP"
	case duckdb.TYPE_UNION:
		return "UNION"
	case duckdb.TYPE_ARRAY:
		return "ARRAY"
	}
	if n, ok := typeNames[ti.InternalType()]; ok {
		return n
	}
	return "UNKNOWN"
}

var typeNames = map[duckdb.Type]string{
	duckdb.TYPE_BOOLEAN: "BOOLEAN", duckdb.TYPE_TINYINT: "TINYINT", duckdb.TYPE_SMALLINT: "SMALLINT",
	duckdb.TYPE_INTEGER: "INTEGER", duckdb.TYPE_BIGINT: "BIGINT", duckdb.TYPE_UTINYINT: "UTINYINT",
	duckdb.TYPE_USMALLINT: "USMALLINT", duckdb.TYPE_UINTEGER: "UINTEGER", duckdb.TYPE_UBIGINT: "UBIGINT",
	duckdb.TYPE_HUGEINT: "HUGEINT", duckdb.TYPE_UHUGEINT: "UHUGEINT", duckdb.TYPE_FLOAT: "FLOAT",
	duckdb.TYPE_DOUBLE: "DOUBLE", duckdb.TYPE_VARCHAR: "VARCHAR", duckdb.TYPE_BLOB: "BLOB",
	duckdb.TYPE_DATE: "DATE", duckdb.TYPE_TIME: "TIME", duckdb.TYPE_TIME_TZ: "TIME WITH TIME ZONE",
	duckdb.TYPE_TIMESTAMP: "TIMESTAMP", duckdb.TYPE_TIMESTAMP_S: "TIMESTAMP_S",
	duckdb.TYPE_TIMESTAMP_MS: "TIMESTAMP_MS", duckdb.TYPE_TIMESTAMP_NS: "TIMESTAMP_NS",
	duckdb.TYPE_TIMESTAMP_TZ: "TIMESTAMP WITH TIME ZONE", duckdb.TYPE_INTERVAL: "INTERVAL",
	duckdb.TYPE_UUID: "UUID", duckdb.TYPE_ENUM: "ENUM", duckdb.TYPE_BIT: "BIT",
	duckdb.TYPE_BIGNUM: "BIGNUM", duckdb.TYPE_GEOMETRY: "GEOMETRY",
}

// needsTextCast reports whether the driver cannot scan the type as is and the
// column must be cast to JSON text in SQL: VARIANT anywhere in it, or JSON
// (which the driver would decode instead of passing through).
func needsTextCast(ti duckdb.TypeInfo) bool {
	if ti == nil {
		return false
	}
	if ti.Alias() == "JSON" || ti.InternalType() == duckdb.TYPE_VARIANT {
		return true
	}
	switch d := ti.Details().(type) {
	case *duckdb.ListDetails:
		return needsTextCast(d.Child)
	case *duckdb.ArrayDetails:
		return needsTextCast(d.Child)
	case *duckdb.MapDetails:
		return needsTextCast(d.Key) || needsTextCast(d.Value)
	case *duckdb.StructDetails:
		for _, e := range d.Entries {
			if needsTextCast(e.Info()) {
				return true
			}
		}
	case *duckdb.UnionDetails:
		for _, m := range d.Members {
			if needsTextCast(m.Type) {
				return true
			}
		}
	}
	return false
}

// normalize turns a driver value into the Go representation of its kind.
func normalize(v driver.Value, k Kind) any {
	switch x := v.(type) {
	case nil:
		return nil
	case bool, string, float64, time.Time:
		return x
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float32:
		return float64(x)
	case *big.Int:
		return x.String()
	case duckdb.Decimal:
		return formatDecimal(x)
	case duckdb.Interval:
		return Interval{Months: x.Months, Days: x.Days, Micros: x.Micros}
	case []byte:
		if k == KindUUID && len(x) == 16 {
			return formatUUID(x)
		}
		return x
	case duckdb.UUID:
		return formatUUID(x[:])
	case *duckdb.UUID:
		return formatUUID(x[:])
	}
	if k == KindText || k == KindJSON || k == KindSuper {
		return formatComposite(v)
	}
	return fmt.Sprint(v)
}

func formatDecimal(d duckdb.Decimal) string {
	if d.Value == nil {
		return "0"
	}
	s := new(big.Int).Abs(d.Value).String()
	scale := int(d.Scale)
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if d.Value.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// Interval is a span of months, days and microseconds, as Postgres keeps it.
type Interval struct {
	Months int32
	Days   int32
	Micros int64
}

// String prints the interval as Postgres does with IntervalStyle postgres:
// "1 year 2 mons 3 days 04:05:06.7".
func (iv Interval) String() string {
	var parts []string
	years, months := iv.Months/12, iv.Months%12
	plural := func(n int64, unit string) string {
		if n == 1 || n == -1 {
			return fmt.Sprintf("%d %s", n, unit)
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	if years != 0 {
		parts = append(parts, plural(int64(years), "year"))
	}
	if months != 0 {
		parts = append(parts, plural(int64(months), "mon"))
	}
	if iv.Days != 0 {
		parts = append(parts, plural(int64(iv.Days), "day"))
	}
	if iv.Micros != 0 || len(parts) == 0 {
		us := iv.Micros
		sign := ""
		if us < 0 {
			sign, us = "-", -us
		}
		h, m, sec, frac := us/3600e6, us/60e6%60, us/1e6%60, us%1e6
		t := fmt.Sprintf("%s%02d:%02d:%02d", sign, h, m, sec)
		if frac != 0 {
			t += strings.TrimRight(fmt.Sprintf(".%06d", frac), "0")
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}

func formatUUID(b []byte) string {
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// formatComposite prints lists as Postgres array literals and structs, maps
// and unions as JSON.
func formatComposite(v any) string {
	switch x := v.(type) {
	case []any:
		var b strings.Builder
		b.WriteByte('{')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if e == nil {
				b.WriteString("NULL")
				continue
			}
			s := formatScalar(e)
			if needsArrayQuote(s) {
				b.WriteString(strconv.Quote(s))
			} else {
				b.WriteString(s)
			}
		}
		b.WriteByte('}')
		return b.String()
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(jsonable(v)); err != nil {
			return fmt.Sprint(v)
		}
		return strings.TrimRight(buf.String(), "\n")
	}
}

func formatScalar(v any) string {
	switch x := normalize(v, KindText).(type) {
	case string:
		return x
	case time.Time:
		return x.Format("2006-01-02 15:04:05.999999")
	case Interval:
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}

func needsArrayQuote(s string) bool {
	if s == "" || strings.EqualFold(s, "null") {
		return true
	}
	return strings.ContainsAny(s, "{},\"\\ \t\n")
}

// jsonable converts driver composites into values encoding/json prints
// deterministically.
func jsonable(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonable(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonable(e)
		}
		return out
	case duckdb.Map:
		keys := make([]string, 0, len(x))
		out := make(map[string]any, len(x))
		for k, e := range x {
			ks := fmt.Sprint(jsonable(k))
			keys = append(keys, ks)
			out[ks] = jsonable(e)
		}
		sort.Strings(keys)
		return out
	case duckdb.Union:
		return jsonable(x.Value)
	case duckdb.Decimal:
		return json.Number(formatDecimal(x))
	case duckdb.Interval:
		return Interval{Months: x.Months, Days: x.Days, Micros: x.Micros}.String()
	case *big.Int:
		return json.Number(x.String())
	case time.Time:
		return x.Format("2006-01-02 15:04:05.999999")
	}
	return v
}

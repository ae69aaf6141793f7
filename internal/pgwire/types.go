package pgwire

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/blueshift-dev/blueshift/internal/warehouse"
)

// Type OIDs, as Postgres and Redshift number them.
const (
	oidUnknown     uint32 = 0
	oidBool        uint32 = 16
	oidBytea       uint32 = 17
	oidName        uint32 = 19
	oidInt8        uint32 = 20
	oidInt2        uint32 = 21
	oidInt4        uint32 = 23
	oidText        uint32 = 25
	oidOID         uint32 = 26
	oidJSON        uint32 = 114
	oidFloat4      uint32 = 700
	oidFloat8      uint32 = 701
	oidUnknownLit  uint32 = 705
	oidBPChar      uint32 = 1042
	oidVarchar     uint32 = 1043
	oidDate        uint32 = 1082
	oidTime        uint32 = 1083
	oidTimestamp   uint32 = 1114
	oidTimestampTZ uint32 = 1184
	oidInterval    uint32 = 1186
	oidTimeTZ      uint32 = 1266
	oidNumeric     uint32 = 1700
	oidUUID        uint32 = 2950
	oidJSONB       uint32 = 3802
	// oidSuper is Redshift's SUPER type.
	oidSuper uint32 = 4000
	// oidVarbyte is Redshift's VARBYTE type (its JDBC driver's
	// Oid.VARBYTE); its text form is the bytes in hex, without
	// bytea's \x prefix.
	oidVarbyte uint32 = 6551
)

// typeInfo returns a type's OID, size and type modifier for RowDescription.
func typeInfo(t warehouse.Type) (oid uint32, size int16, mod int32) {
	switch t.Kind {
	case warehouse.KindBool:
		return oidBool, 1, -1
	case warehouse.KindInt16:
		return oidInt2, 2, -1
	case warehouse.KindInt32:
		return oidInt4, 4, -1
	case warehouse.KindInt64:
		return oidInt8, 8, -1
	case warehouse.KindFloat32:
		return oidFloat4, 4, -1
	case warehouse.KindFloat64:
		return oidFloat8, 8, -1
	case warehouse.KindNumeric:
		if t.Precision > 0 {
			return oidNumeric, -1, int32(t.Precision<<16|t.Scale) + 4
		}
		return oidNumeric, -1, -1
	case warehouse.KindText:
		return oidVarchar, -1, -1
	case warehouse.KindBytes:
		return oidVarbyte, -1, -1
	case warehouse.KindDate:
		return oidDate, 4, -1
	case warehouse.KindTime:
		return oidTime, 8, -1
	case warehouse.KindTimeTZ:
		return oidTimeTZ, 12, -1
	case warehouse.KindTimestamp:
		return oidTimestamp, 8, -1
	case warehouse.KindTimestampTZ:
		return oidTimestampTZ, 8, -1
	case warehouse.KindInterval:
		return oidInterval, 16, -1
	case warehouse.KindUUID:
		return oidUUID, 16, -1
	case warehouse.KindJSON:
		return oidJSON, -1, -1
	case warehouse.KindSuper:
		return oidSuper, -1, -1
	}
	return oidText, -1, -1
}

// paramOID is the OID announced for a parameter: 0 (unspecified) when DuckDB
// cannot tell, so that clients send the value's text form and DuckDB casts it.
func paramOID(t warehouse.Type) uint32 {
	switch t.Kind {
	case warehouse.KindUnknown:
		return oidUnknown
	case warehouse.KindBytes:
		// Postgres drivers know how to send bytea, not VARBYTE.
		return oidBytea
	}
	oid, _, _ := typeInfo(t)
	return oid
}

var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// appendText appends v's Postgres text form.
func appendText(dst []byte, v any, k warehouse.Kind, loc *time.Location) []byte {
	switch x := v.(type) {
	case bool:
		if x {
			return append(dst, 't')
		}
		return append(dst, 'f')
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case float64:
		return appendFloat(dst, x, k)
	case string:
		return append(dst, x...)
	case []byte:
		// VARBYTE's text form, as Redshift prints it: hex, no prefix.
		return hex.AppendEncode(dst, x)
	case time.Time:
		return appendTime(dst, x, k, loc)
	case warehouse.Interval:
		return append(dst, x.String()...)
	}
	return fmt.Append(dst, v)
}

func appendFloat(dst []byte, f float64, k warehouse.Kind) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	}
	// Postgres (extra_float_digits >= 1, the default since 12) prints the
	// shortest digits that read back as the same value, in fixed notation
	// when the decimal exponent is in [-4, 15) for float8 and [-4, 6) for
	// float4 (printf's %g thresholds), otherwise as d.ddde+XX.
	bits, fixedBelow := 64, 15
	if k == warehouse.KindFloat32 {
		bits, fixedBelow = 32, 6
	}
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0"...)
		}
		return append(dst, '0')
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'e', -1, bits)
	e := bytes.LastIndexByte(dst[start:], 'e')
	exp, err := strconv.Atoi(string(dst[start+e+1:]))
	if err != nil || exp < -4 || exp >= fixedBelow {
		return dst
	}
	return strconv.AppendFloat(dst[:start], f, 'f', -1, bits)
}

func appendTime(dst []byte, t time.Time, k warehouse.Kind, loc *time.Location) []byte {
	switch k {
	case warehouse.KindDate:
		return appendYear(dst, t, "2006-01-02")
	case warehouse.KindTime:
		return t.AppendFormat(dst, "15:04:05.999999")
	case warehouse.KindTimeTZ:
		return appendZone(t.AppendFormat(dst, "15:04:05.999999"), t)
	case warehouse.KindTimestampTZ:
		if loc != nil {
			t = t.In(loc)
		}
		return appendZone(appendYear(dst, t, "2006-01-02 15:04:05.999999"), t)
	}
	return appendYear(dst, t.UTC(), "2006-01-02 15:04:05.999999")
}

// appendYear formats t, with Postgres's " BC" for years before 1.
func appendYear(dst []byte, t time.Time, layout string) []byte {
	if t.Year() > 0 {
		return t.AppendFormat(dst, layout)
	}
	bc := t.AddDate(1-2*t.Year(), 0, 0)
	return append(bc.AppendFormat(dst, layout), " BC"...)
}

// appendZone appends the offset as Postgres prints it: +00, -05, +05:30.
func appendZone(dst []byte, t time.Time) []byte {
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	dst = append(dst, sign)
	dst = append(dst, byte('0'+off/36000), byte('0'+off/3600%10))
	if m := off / 60 % 60; m != 0 {
		dst = append(dst, ':', byte('0'+m/10), byte('0'+m%10))
	}
	return dst
}

// appendBinary appends v's binary form for its kind.
func appendBinary(dst []byte, v any, k warehouse.Kind) ([]byte, error) {
	switch k {
	case warehouse.KindBool:
		if b, ok := v.(bool); ok {
			if b {
				return append(dst, 1), nil
			}
			return append(dst, 0), nil
		}
	case warehouse.KindInt16:
		if n, ok := v.(int64); ok {
			return binary.BigEndian.AppendUint16(dst, uint16(int16(n))), nil
		}
	case warehouse.KindInt32:
		if n, ok := v.(int64); ok {
			return binary.BigEndian.AppendUint32(dst, uint32(int32(n))), nil
		}
	case warehouse.KindInt64:
		if n, ok := v.(int64); ok {
			return binary.BigEndian.AppendUint64(dst, uint64(n)), nil
		}
	case warehouse.KindFloat32:
		if f, ok := v.(float64); ok {
			return binary.BigEndian.AppendUint32(dst, math.Float32bits(float32(f))), nil
		}
	case warehouse.KindFloat64:
		if f, ok := v.(float64); ok {
			return binary.BigEndian.AppendUint64(dst, math.Float64bits(f)), nil
		}
	case warehouse.KindNumeric:
		if s, ok := v.(string); ok {
			return appendNumeric(dst, s)
		}
	case warehouse.KindBytes:
		if b, ok := v.([]byte); ok {
			return append(dst, b...), nil
		}
	case warehouse.KindDate:
		if t, ok := v.(time.Time); ok {
			days := t.UTC().Truncate(24*time.Hour).Sub(pgEpoch) / (24 * time.Hour)
			return binary.BigEndian.AppendUint32(dst, uint32(int32(days))), nil
		}
	case warehouse.KindTime:
		if t, ok := v.(time.Time); ok {
			us := int64(t.Hour())*3600e6 + int64(t.Minute())*60e6 + int64(t.Second())*1e6 + int64(t.Nanosecond()/1000)
			return binary.BigEndian.AppendUint64(dst, uint64(us)), nil
		}
	case warehouse.KindTimeTZ:
		if t, ok := v.(time.Time); ok {
			us := int64(t.Hour())*3600e6 + int64(t.Minute())*60e6 + int64(t.Second())*1e6 + int64(t.Nanosecond()/1000)
			_, off := t.Zone()
			dst = binary.BigEndian.AppendUint64(dst, uint64(us))
			return binary.BigEndian.AppendUint32(dst, uint32(int32(-off))), nil
		}
	case warehouse.KindTimestamp, warehouse.KindTimestampTZ:
		if t, ok := v.(time.Time); ok {
			us := t.Sub(pgEpoch).Microseconds()
			if k == warehouse.KindTimestamp {
				// Wall clock: the same fields, read as UTC.
				w := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
				us = w.Sub(pgEpoch).Microseconds()
			}
			return binary.BigEndian.AppendUint64(dst, uint64(us)), nil
		}
	case warehouse.KindInterval:
		if iv, ok := v.(warehouse.Interval); ok {
			dst = binary.BigEndian.AppendUint64(dst, uint64(iv.Micros))
			dst = binary.BigEndian.AppendUint32(dst, uint32(iv.Days))
			return binary.BigEndian.AppendUint32(dst, uint32(iv.Months)), nil
		}
	case warehouse.KindUUID:
		if s, ok := v.(string); ok {
			b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
			if err != nil || len(b) != 16 {
				return nil, fmt.Errorf("bad uuid %q", s)
			}
			return append(dst, b...), nil
		}
	default: // text, json, super, unknown: the text itself
		return appendText(dst, v, k, time.UTC), nil
	}
	return nil, fmt.Errorf("cannot send %T as binary %s", v, k)
}

// appendNumeric encodes a decimal string in Postgres's binary numeric form:
// base-10000 digits, a weight, a sign and the display scale.
func appendNumeric(dst []byte, s string) ([]byte, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	switch strings.ToLower(s) {
	case "nan":
		return append(dst, 0, 0, 0, 0, 0xC0, 0, 0, 0), nil
	}
	intPart, frac, _ := strings.Cut(s, ".")
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return nil, fmt.Errorf("bad numeric %q", s)
		}
	}
	dscale := len(frac)
	intPart = strings.TrimLeft(intPart, "0")
	// Pad to whole base-10000 groups on both sides of the point.
	if pad := (4 - len(intPart)%4) % 4; pad > 0 {
		intPart = strings.Repeat("0", pad) + intPart
	}
	if pad := (4 - len(frac)%4) % 4; pad > 0 {
		frac += strings.Repeat("0", pad)
	}
	all := intPart + frac
	digits := make([]int16, 0, len(all)/4)
	for i := 0; i < len(all); i += 4 {
		n, _ := strconv.Atoi(all[i : i+4])
		digits = append(digits, int16(n))
	}
	weight := len(intPart)/4 - 1
	// Strip leading and trailing zero groups.
	for len(digits) > 0 && digits[0] == 0 {
		digits = digits[1:]
		weight--
	}
	for len(digits) > 0 && digits[len(digits)-1] == 0 {
		digits = digits[:len(digits)-1]
	}
	sign := uint16(0)
	if neg && len(digits) > 0 {
		sign = 0x4000
	}
	if len(digits) == 0 {
		weight = 0
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(digits)))
	dst = binary.BigEndian.AppendUint16(dst, uint16(int16(weight)))
	dst = binary.BigEndian.AppendUint16(dst, sign)
	dst = binary.BigEndian.AppendUint16(dst, uint16(dscale))
	for _, d := range digits {
		dst = binary.BigEndian.AppendUint16(dst, uint16(d))
	}
	return dst, nil
}

// decodeNumeric reads Postgres's binary numeric into a decimal string.
func decodeNumeric(b []byte) (string, error) {
	if len(b) < 8 {
		return "", fmt.Errorf("numeric: %d bytes", len(b))
	}
	n := int(binary.BigEndian.Uint16(b))
	weight := int(int16(binary.BigEndian.Uint16(b[2:])))
	sign := binary.BigEndian.Uint16(b[4:])
	dscale := int(binary.BigEndian.Uint16(b[6:]))
	if sign == 0xC000 {
		return "NaN", nil
	}
	if len(b) != 8+2*n || dscale > 1000 || weight > 1000 || weight < -1000 {
		return "", fmt.Errorf("numeric: malformed")
	}
	v := new(big.Int)
	for i := 0; i < n; i++ {
		d := binary.BigEndian.Uint16(b[8+2*i:])
		if d > 9999 {
			return "", fmt.Errorf("numeric: digit %d", d)
		}
		v.Mul(v, big.NewInt(10000))
		v.Add(v, big.NewInt(int64(d)))
	}
	// v * 10000^(weight-n+1), printed with dscale decimals.
	exp := 4 * (weight - n + 1)
	digits := v.String()
	if exp >= 0 {
		digits += strings.Repeat("0", exp)
		exp = 0
	}
	scale := -exp
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	intPart, frac := digits[:len(digits)-scale], digits[len(digits)-scale:]
	if len(frac) > dscale {
		frac = frac[:dscale]
	} else {
		frac += strings.Repeat("0", dscale-len(frac))
	}
	out := intPart
	if dscale > 0 {
		out += "." + frac
	}
	if sign == 0x4000 {
		out = "-" + out
	}
	return out, nil
}

// decodeParam turns a Bind parameter into a value the warehouse binds: nil,
// a string for text format, or a Go value for binary format.
func decodeParam(b []byte, format int16, oid uint32) (any, error) {
	if b == nil {
		return nil, nil
	}
	if _, ok := arrayTypes[oid]; ok { // arrays.go
		if format == 0 {
			return warehouse.ListFromArray(string(b))
		}
		return decodeBinaryArray(b, oid)
	}
	if format == 0 {
		switch oid {
		case oidBytea:
			return warehouse.ParseBytea(string(b))
		case oidVarbyte:
			if strings.HasPrefix(string(b), `\x`) {
				return warehouse.ParseBytea(string(b))
			}
			v, err := hex.DecodeString(string(b))
			if err != nil {
				return nil, fmt.Errorf("VARBYTE parameter: %w", err)
			}
			return v, nil
		}
		return string(b), nil
	}
	need := func(n int) error {
		if len(b) != n {
			return fmt.Errorf("binary parameter of type %d: %d bytes, want %d", oid, len(b), n)
		}
		return nil
	}
	switch oid {
	case oidBool:
		if err := need(1); err != nil {
			return nil, err
		}
		return b[0] != 0, nil
	case oidInt2:
		if err := need(2); err != nil {
			return nil, err
		}
		return int64(int16(binary.BigEndian.Uint16(b))), nil
	case oidInt4:
		if err := need(4); err != nil {
			return nil, err
		}
		return int64(int32(binary.BigEndian.Uint32(b))), nil
	case oidInt8:
		if err := need(8); err != nil {
			return nil, err
		}
		return int64(binary.BigEndian.Uint64(b)), nil
	case oidFloat4:
		if err := need(4); err != nil {
			return nil, err
		}
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b))), nil
	case oidFloat8:
		if err := need(8); err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	case oidNumeric:
		return decodeNumeric(b)
	case oidBytea, oidVarbyte:
		return append([]byte(nil), b...), nil
	case oidDate:
		if err := need(4); err != nil {
			return nil, err
		}
		return pgEpoch.AddDate(0, 0, int(int32(binary.BigEndian.Uint32(b)))).Format("2006-01-02"), nil
	case oidTimestamp:
		if err := need(8); err != nil {
			return nil, err
		}
		t := pgEpoch.Add(time.Duration(int64(binary.BigEndian.Uint64(b))) * time.Microsecond)
		return t.Format("2006-01-02 15:04:05.999999"), nil
	case oidTimestampTZ:
		if err := need(8); err != nil {
			return nil, err
		}
		return pgEpoch.Add(time.Duration(int64(binary.BigEndian.Uint64(b))) * time.Microsecond), nil
	case oidInterval:
		if err := need(16); err != nil {
			return nil, err
		}
		return warehouse.Interval{Micros: int64(binary.BigEndian.Uint64(b)),
			Days: int32(binary.BigEndian.Uint32(b[8:])), Months: int32(binary.BigEndian.Uint32(b[12:]))}, nil
	case oidUUID:
		if err := need(16); err != nil {
			return nil, err
		}
		h := hex.EncodeToString(b)
		return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
	case oidText, oidVarchar, oidBPChar, oidName, oidJSON, oidSuper, oidUnknown, oidUnknownLit:
		return string(b), nil
	case oidJSONB:
		if len(b) == 0 || b[0] != 1 {
			return nil, fmt.Errorf("jsonb: unknown version")
		}
		return string(b[1:]), nil
	}
	return nil, fmt.Errorf("binary format for parameter type %d is not supported", oid)
}

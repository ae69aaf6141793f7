package pgwire

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/warehouse"
)

// Postgres's text output of float8 and float4 (PostgreSQL 12 and later,
// extra_float_digits = 1): shortest exact digits, fixed notation for decimal
// exponents in [-4, 15) (float8) or [-4, 6) (float4).
func TestFloatTextAsPostgres(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		k    warehouse.Kind
		want string
	}{
		{1715731200, warehouse.KindFloat64, "1715731200"},
		{0.1, warehouse.KindFloat64, "0.1"},
		{-2.5, warehouse.KindFloat64, "-2.5"},
		{1e14, warehouse.KindFloat64, "100000000000000"},
		{123456789012345.6, warehouse.KindFloat64, "123456789012345.6"},
		{1e15, warehouse.KindFloat64, "1e+15"},
		{1.5e15, warehouse.KindFloat64, "1.5e+15"},
		{1e100, warehouse.KindFloat64, "1e+100"},
		{0.0001, warehouse.KindFloat64, "0.0001"},
		{0.00001, warehouse.KindFloat64, "1e-05"},
		{1.234e-300, warehouse.KindFloat64, "1.234e-300"},
		{0, warehouse.KindFloat64, "0"},
		{math.Copysign(0, -1), warehouse.KindFloat64, "-0"},
		{math.Inf(1), warehouse.KindFloat64, "Infinity"},
		{math.Inf(-1), warehouse.KindFloat64, "-Infinity"},
		{math.NaN(), warehouse.KindFloat64, "NaN"},
		{float64(float32(1.5)), warehouse.KindFloat32, "1.5"},
		{float64(float32(0.1)), warehouse.KindFloat32, "0.1"},
		{float64(float32(123456)), warehouse.KindFloat32, "123456"},
		{float64(float32(1234567)), warehouse.KindFloat32, "1.234567e+06"},
		{float64(float32(123456789.123)), warehouse.KindFloat32, "1.2345679e+08"},
		{float64(float32(0.00012)), warehouse.KindFloat32, "0.00012"},
		{float64(float32(3.4e38)), warehouse.KindFloat32, "3.4e+38"},
	} {
		if got := string(appendFloat(nil, tc.f, tc.k)); got != tc.want {
			t.Errorf("appendFloat(%v, %v) = %q, want %q", tc.f, tc.k, got, tc.want)
		}
	}
}

// FuzzFloatText checks, for any float8 or float4, that the text reads back
// as the same value and uses fixed notation exactly where Postgres does.
func FuzzFloatText(f *testing.F) {
	for _, v := range []float64{0, 1, -1, 1715731200, 1e15, 1e-5, 0.1, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		f.Add(math.Float64bits(v), false)
		f.Add(math.Float64bits(v), true)
	}
	f.Fuzz(func(t *testing.T, bits uint64, single bool) {
		v, k, size, fixedBelow := math.Float64frombits(bits), warehouse.KindFloat64, 64, 15
		if single {
			v, k, size, fixedBelow = float64(math.Float32frombits(uint32(bits))), warehouse.KindFloat32, 32, 6
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		text := string(appendFloat(nil, v, k))
		back, err := strconv.ParseFloat(text, size)
		if err != nil || back != v || math.Signbit(back) != math.Signbit(v) {
			t.Fatalf("%v printed as %q, which reads back as %v (%v)", v, text, back, err)
		}
		if v == 0 {
			return
		}
		sci := strconv.FormatFloat(v, 'e', -1, size)
		exp, _ := strconv.Atoi(sci[strings.LastIndexByte(sci, 'e')+1:])
		if fixed := !strings.Contains(text, "e"); fixed != (exp >= -4 && exp < fixedBelow) {
			t.Fatalf("%v printed as %q: decimal exponent %d, fixed notation %v", v, text, exp, fixed)
		}
	})
}

package sql

import "testing"

// TestDecimalResultTypes: the precision and scale of a DECIMAL result, from
// Redshift's "Computations with numeric values" (its example: DECIMAL(8,2)
// / DECIMAL(8,2) is a DECIMAL(17,9)) and the cases its rules give past a
// precision of 38 (BIGINTs cast to DECIMAL(19,0): their quotient is a
// DECIMAL(38,19), and a DECIMAL(19,2) over that a DECIMAL(38,4)).
func TestDecimalResultTypes(t *testing.T) {
	d := func(p, s int) numType { return numType{'d', p, s} }
	for _, c := range []struct {
		op   string
		l, r numType
		want numType
	}{
		{"/", d(8, 2), d(8, 2), d(17, 9)},
		{"/", d(8, 2), numType{'i', 5, 0}, d(14, 8)}, // PRICEPAID / QTYSOLD: 8 decimals
		{"/", d(19, 0), d(19, 0), d(38, 19)},
		{"/", d(19, 2), d(38, 19), d(38, 4)},
		{"/", d(38, 2), numType{'i', 19, 0}, d(38, 4)}, // SUM / COUNT
		{"+", d(7, 2), d(15, 3), d(16, 3)},
		{"-", d(8, 2), numType{'i', 10, 0}, d(13, 2)},
		{"*", d(8, 2), numType{'i', 5, 0}, d(14, 2)}, // COMMISSION * QTYSOLD: DECIMAL(8,2) * DECIMAL(5,0)
		{"*", d(20, 4), d(20, 4), d(38, 8)},
		{"/", numType{'i', 10, 0}, numType{'i', 5, 0}, numType{'i', 10, 0}},
		{"/", d(8, 2), numType{kind: 'f'}, numType{kind: 'f'}},
	} {
		got, ok := arithmeticType(c.op, c.l, c.r)
		if !ok || got != c.want {
			t.Errorf("%v %s %v = %v (%v), want %v", c.l, c.op, c.r, got, ok, c.want)
		}
	}
}

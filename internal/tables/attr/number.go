package attr

import (
	"errors"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// DynamoDB's number limits ("Data types" in the DynamoDB developer guide):
// up to 38 digits of precision, positive magnitudes from 1E-130 to
// 9.9999999999999999999999999999999999999E+125, and the same for negatives.
const (
	maxDigits   = 38
	maxExponent = 125  // the largest adjusted exponent (power of ten of the first digit)
	minExponent = -130 // the smallest adjusted exponent
)

// Number errors, with DynamoDB's texts.
var (
	ErrNotANumber = errors.New("A value provided cannot be converted into a number")
	ErrOverflow   = errors.New("Number overflow. Attempting to store a number with magnitude larger than supported range")
	ErrUnderflow  = errors.New("Number underflow. Attempting to store a number with magnitude smaller than supported range")
	ErrPrecision  = errors.New("Attempting to store more than 38 significant digits in a Number")
)

// numCtx does number arithmetic: one more digit than DynamoDB keeps, so a
// result that needs 39 digits is detected rather than rounded silently.
var numCtx = apd.Context{Precision: maxDigits + 1, MaxExponent: apd.MaxExponent, MinExponent: apd.MinExponent, Rounding: apd.RoundHalfEven}

// ParseNumber checks s as a DynamoDB number and returns its canonical text:
// no exponent, no leading or trailing zeros, no "+", "-0" as "0". It returns
// one of the Err* errors for text DynamoDB refuses.
func ParseNumber(s string) (string, error) {
	if digits, _, ok := plainDecimal(s); ok && digits <= maxDigits {
		// Already canonical (no exponent, no zeros to drop) and within
		// every limit: 38 digits at most, so between 1E-38 and 1E38.
		if s == "-0" {
			return "0", nil
		}
		return s, nil
	}
	return parseNumberSlow(s)
}

// plainDecimal reports whether s is -?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?, a
// decimal that is its own canonical text (but for "-0"), with how many
// digits it has and how many of them are significant (without leading or
// trailing zeros).
func plainDecimal(s string) (digits, significant int, ok bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i == len(s) || (s[i] == '0' && i+1 < len(s) && s[i+1] != '.') {
		return 0, 0, false
	}
	first, last := -1, -1 // digit indexes of the first and last nonzero digits
	point := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			if c != '0' {
				if first < 0 {
					first = digits
				}
				last = digits
			}
			digits++
		case c == '.' && !point && digits > 0 && i+1 < len(s):
			point = true
		default:
			return 0, 0, false
		}
	}
	if point && s[len(s)-1] == '0' {
		return 0, 0, false
	}
	if first >= 0 {
		significant = last - first + 1
	}
	return digits, significant, true
}

// parseNumberSlow is ParseNumber for any text, through apd.
func parseNumberSlow(s string) (string, error) {
	d, err := parseDecimal(s)
	if err != nil {
		return "", err
	}
	return canonical(d)
}

func parseDecimal(s string) (*apd.Decimal, error) {
	if s == "" || strings.ContainsAny(s, " \t\n\r_") {
		return nil, ErrNotANumber
	}
	d, _, err := apd.NewFromString(s)
	if err != nil || d.Form != apd.Finite {
		return nil, ErrNotANumber
	}
	return d, nil
}

// canonical checks d against DynamoDB's limits and prints it.
func canonical(d *apd.Decimal) (string, error) {
	var r apd.Decimal
	r.Reduce(d)
	if r.IsZero() {
		return "0", nil
	}
	digits := int(r.NumDigits())
	adj := int(r.Exponent) + digits - 1
	switch {
	case adj > maxExponent:
		return "", ErrOverflow
	case adj < minExponent:
		return "", ErrUnderflow
	case digits > maxDigits:
		return "", ErrPrecision
	}
	return r.Text('f'), nil
}

// MustNumber is ParseNumber for constants known to be valid; it panics
// otherwise.
func MustNumber(s string) string {
	c, err := ParseNumber(s)
	if err != nil {
		panic("attr: " + s + ": " + err.Error())
	}
	return c
}

// CompareNumbers orders two numbers by value. Both must be valid number
// text (canonical or not); an invalid one orders as zero.
func CompareNumbers(a, b string) int {
	if a == b {
		return 0
	}
	da, err := parseDecimal(a)
	if err != nil {
		da = apd.New(0, 0)
	}
	db, err := parseDecimal(b)
	if err != nil {
		db = apd.New(0, 0)
	}
	return da.Cmp(db)
}

// AddNumbers returns a+b in canonical form, exact in decimal, or the error
// DynamoDB gives when the result leaves its range or precision.
func AddNumbers(a, b string) (string, error) { return arith(a, b, false) }

// SubNumbers returns a-b in canonical form, as AddNumbers.
func SubNumbers(a, b string) (string, error) { return arith(a, b, true) }

func arith(a, b string, sub bool) (string, error) {
	da, err := parseDecimal(a)
	if err != nil {
		return "", err
	}
	db, err := parseDecimal(b)
	if err != nil {
		return "", err
	}
	var r apd.Decimal
	if sub {
		_, err = numCtx.Sub(&r, da, db)
	} else {
		_, err = numCtx.Add(&r, da, db)
	}
	if err != nil {
		return "", ErrOverflow
	}
	return canonical(&r)
}

// NumberSize is DynamoDB's size of a number: about one byte per two
// significant digits, plus one ("Item sizes and formats").
func NumberSize(s string) int {
	if _, sig, ok := plainDecimal(s); ok {
		// Reduce drops leading and trailing zeros; zero keeps one digit.
		return (max(sig, 1)+1)/2 + 1
	}
	return numberSizeSlow(s)
}

// numberSizeSlow is NumberSize for any text, through apd.
func numberSizeSlow(s string) int {
	d, err := parseDecimal(s)
	if err != nil {
		return len(s)
	}
	var r apd.Decimal
	r.Reduce(d)
	return (int(r.NumDigits())+1)/2 + 1
}

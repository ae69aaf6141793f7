package sql

import (
	"math/big"
	"strings"
)

// FormatNumber is TO_CHAR(number, format) for Redshift's numeric format
// strings (SQL reference, "Numeric format strings"), as Postgres prints
// them: 9 a digit or a blank, 0 a digit or a zero, . or D the decimal
// point, , or G a group separator (a blank before the first digit), S a
// sign anchored to the number, MI a minus, PL a plus, SG either, PR angle
// brackets around a negative number, L or $ the currency symbol, FM no
// padding blanks and no trailing zeros; other characters are copied. With
// no sign in the format, a blank or a minus sign goes before the number. A
// number with more integer digits than the format has is all '#'. text is
// the number's decimal text; ok is false when it is not a number.
func FormatNumber(text, format string) (string, bool) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(text))
	if !ok {
		return "", false
	}
	upper := asciiUpper(format) // byte for byte with format
	fm := strings.Contains(upper, "FM")
	intDigits, fracDigits, point := 0, 0, false
	hasSign := false
	for i := 0; i < len(upper); i++ {
		switch c := upper[i]; {
		case c == '9' || c == '0':
			if point {
				fracDigits++
			} else {
				intDigits++
			}
		case c == '.' || c == 'D':
			point = true
		case strings.HasPrefix(upper[i:], "MI"), strings.HasPrefix(upper[i:], "PL"), strings.HasPrefix(upper[i:], "SG"), strings.HasPrefix(upper[i:], "PR"):
			hasSign = true
			i++
		case c == 'S':
			hasSign = true
		}
	}
	neg := r.Sign() < 0
	abs := new(big.Rat).Abs(r)
	digits := abs.FloatString(fracDigits) // rounded half away from zero
	intPart, fracPart, _ := strings.Cut(digits, ".")
	if intPart == "0" {
		intPart = ""
	}
	overflow := len(intPart) > intDigits
	var out strings.Builder
	signChar := func() string {
		if neg {
			return "-"
		}
		return "+"
	}
	pending := "" // an anchored sign, written before the number's first character
	if !hasSign {
		if neg {
			pending = "-"
		} else if overflow && !fm {
			out.WriteByte('#')
		} else if !fm {
			out.WriteByte(' ')
		}
	}
	started := false // a digit or the decimal point has been written
	startNumber := func() {
		if !started {
			out.WriteString(pending)
			pending = ""
			started = true
		}
	}
	zeroFrom := strings.IndexAny(strings.SplitN(upper, ".", 2)[0], "0")
	intPos, fracPos := 0, 0
	for i := 0; i < len(upper); i++ {
		c := upper[i]
		switch {
		case c == '9' || c == '0':
			if point && intPos >= intDigits {
				// a fraction digit
				d := byte('0')
				if fracPos < len(fracPart) {
					d = fracPart[fracPos]
				}
				fracPos++
				if overflow {
					d = '#'
				}
				out.WriteByte(d)
				continue
			}
			lead := intDigits - len(intPart)
			if overflow {
				startNumber()
				out.WriteByte('#')
			} else if intPos >= lead {
				startNumber()
				out.WriteByte(intPart[intPos-lead])
			} else if c == '0' || (zeroFrom >= 0 && i >= zeroFrom) {
				startNumber()
				out.WriteByte('0')
			} else if !fm {
				out.WriteByte(' ')
			}
			intPos++
		case c == '.' || c == 'D':
			startNumber()
			out.WriteByte('.')
			intPos = intDigits
		case c == ',' || c == 'G':
			if started {
				out.WriteByte(',')
			} else if !fm {
				out.WriteByte(' ')
			}
		case strings.HasPrefix(upper[i:], "MI"):
			i++
			if neg {
				out.WriteByte('-')
			} else if !fm {
				out.WriteByte(' ')
			}
		case strings.HasPrefix(upper[i:], "PL"):
			i++
			if !neg {
				out.WriteByte('+')
			} else if !fm {
				out.WriteByte(' ')
			}
		case strings.HasPrefix(upper[i:], "SG"):
			i++
			out.WriteString(signChar())
		case strings.HasPrefix(upper[i:], "PR"):
			i++
			if neg {
				out.WriteByte('>')
			} else if !fm {
				out.WriteByte(' ')
			}
		case strings.HasPrefix(upper[i:], "FM"):
			i++
		case c == 'S':
			if started {
				out.WriteString(signChar())
			} else {
				pending = signChar()
			}
		case c == 'L' || c == '$':
			out.WriteByte('$')
		default:
			out.WriteByte(format[i])
		}
	}
	s := out.String()
	if strings.Contains(upper, "PR") {
		if neg {
			s = "<" + strings.TrimLeft(s, " ")
			s = strings.Repeat(" ", max(0, len(out.String())-len(s))) + s
		} else if !fm {
			s = " " + s
		}
	}
	if fm && point && fracDigits > 0 {
		// FM drops the trailing zeros of 9 positions in the fraction.
		if i := strings.LastIndexByte(upper, '9'); i > strings.IndexAny(upper, ".D") {
			s = strings.TrimRight(s, "0")
		}
	}
	return s, true
}

// asciiUpper upper-cases ASCII letters only, so that the result has
// format's bytes at the same offsets.
func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

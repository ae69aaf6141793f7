package warehouse

// SOUNDEX(string) and DIFFERENCE(string1, string2), Redshift's (SQL
// reference, "SOUNDEX function", "DIFFERENCE function"): the American
// Soundex code of the string's ASCII letters (other characters ignored, all
// words read as one: 'AWS Amazon' is A252), empty when it has none; and the
// number of the four places where two strings' codes agree, 0 when one of
// them has no letter and 1 when neither has.

import (
	"database/sql/driver"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// soundexCodes are the American Soundex digits by letter; 0 marks the
// letters that take none (vowels, Y, H, W).
var soundexCodes = [26]byte{
	'0', '1', '2', '3', '0', '1', '2', '0', '0', '2', '2', '4', '5', // A-M
	'5', '0', '1', '2', '6', '2', '3', '0', '1', '0', '2', '0', '2', // N-Z
}

// soundex is s's American Soundex code, "" when s has no ASCII letter.
func soundex(s string) string {
	out := make([]byte, 0, 4)
	var last byte // the code of the letter before, as the rules compare them
	for i := 0; i < len(s) && len(out) < 4; i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 'A' && c <= 'Z':
		default:
			continue
		}
		code := soundexCodes[c-'A']
		if len(out) == 0 {
			out = append(out, c)
			last = code
			continue
		}
		switch {
		case c == 'H' || c == 'W':
			// They do not separate two letters of the same code.
		case code == '0':
			last = 0 // a vowel does
		case code != last:
			out = append(out, code)
			last = code
		}
	}
	if len(out) == 0 {
		return ""
	}
	for len(out) < 4 {
		out = append(out, '0')
	}
	return string(out)
}

// difference is DIFFERENCE(a, b).
func difference(a, b string) int32 {
	sa, sb := soundex(a), soundex(b)
	switch {
	case sa == "" && sb == "":
		return 1
	case sa == "" || sb == "":
		return 0
	}
	var n int32
	for i := range 4 {
		if sa[i] == sb[i] {
			n++
		}
	}
	return n
}

type soundexFunc struct{}

func (soundexFunc) Config() duckdb.ScalarFuncConfig {
	v, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{v}, ResultTypeInfo: v}
}

func (soundexFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		s, _ := v[0].(string)
		return soundex(s), nil
	}}
}

type differenceFunc struct{}

func (differenceFunc) Config() duckdb.ScalarFuncConfig {
	v, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	i, _ := duckdb.NewTypeInfo(duckdb.TYPE_INTEGER)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{v, v}, ResultTypeInfo: i}
}

func (differenceFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		a, _ := v[0].(string)
		b, _ := v[1].(string)
		return difference(a, b), nil
	}}
}

package dynamoapi

import (
	"strings"
	"testing"
)

func TestJSONDepthOver(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want bool
	}{
		{`{}`, 1, false},
		{`{"a":[{}]}`, 2, true},
		{`{"a":[{}]}`, 3, false},
		{`{"s":"[[[[[[[["}`, 1, false},      // brackets in a string do not count
		{`{"s":"\"[[[[","t":{}}`, 2, false}, // nor after an escaped quote
		{strings.Repeat("[", 100) + strings.Repeat("]", 100), 99, true},
	} {
		if got := jsonDepthOver([]byte(tc.in), tc.max); got != tc.want {
			t.Errorf("jsonDepthOver(%q, %d) = %v, want %v", tc.in, tc.max, got, tc.want)
		}
	}
}

package expr

import (
	"fmt"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// The list of "Reserved words in DynamoDB" has 573 words; it is not
// case-sensitive.
func TestReservedWords(t *testing.T) {
	if len(reservedWords) != 573 {
		t.Errorf("%d reserved words", len(reservedWords))
	}
	for _, w := range []string{"ABORT", "NAME", "STATUS", "COUNT", "YEAR", "ZONE", "DATA", "VALUE", "SIZE"} {
		if _, ok := reservedWords[w]; !ok {
			t.Errorf("%s is not reserved", w)
		}
	}
	for _, expr := range []string{"Status = :v", "#s = :v AND count = :v"} {
		_, err := ParseCondition(expr, &Params{Names: map[string]string{"#s": "status"}, Values: map[string]attr.Value{":v": n("1")}})
		if err == nil || !strings.Contains(err.Error(), "Attribute name is a reserved keyword; reserved keyword: ") {
			t.Errorf("%s: %v", expr, err)
		}
	}
}

// The limits of "Expression parameters" in the developer guide's quotas:
// expressions of at most 4 KB, IN with at most 100 operands, at most 300
// operators and functions, paths at most 32 levels deep.
func TestExpressionLimits(t *testing.T) {
	vals := map[string]attr.Value{":v": n("1")}
	pad := func(total int) string {
		e := "a = :v"
		return e + strings.Repeat(" ", total-len(e))
	}
	if _, err := ParseCondition(pad(4096), &Params{Values: vals}); err != nil {
		t.Errorf("4096 bytes: %v", err)
	}
	// The text of a real DynamoDB response ("... expression size: 5872")
	// quoted in a client project's code.
	_, err := ParseFilter(pad(4097), &Params{Values: vals})
	if err == nil || err.Error() != "Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: 4097" {
		t.Errorf("4097 bytes: %v", err)
	}

	in := func(n int) (string, map[string]attr.Value) {
		vs := map[string]attr.Value{}
		var refs []string
		for i := 0; i < n; i++ {
			r := fmt.Sprintf(":v%d", i)
			vs[r] = attr.Num(fmt.Sprint(i))
			refs = append(refs, r)
		}
		return "a IN (" + strings.Join(refs, ", ") + ")", vs
	}
	e, vs := in(100)
	if _, err := ParseCondition(e, &Params{Values: vs}); err != nil {
		t.Errorf("IN of 100: %v", err)
	}
	e, vs = in(101)
	// Text quoted by an emulator's tests as DynamoDB's.
	if _, err := ParseCondition(e, &Params{Values: vs}); err == nil || err.Error() != "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101" {
		t.Errorf("IN of 101: %v", err)
	}

	ops := func(n int) string { // n comparisons joined by n-1 ANDs: 2n-1 operators
		return strings.TrimSuffix(strings.Repeat("a = :v AND ", n), " AND ")
	}
	if _, err := ParseCondition(ops(150), &Params{Values: vals}); err != nil {
		t.Errorf("299 operators: %v", err)
	}
	if _, err := ParseCondition(ops(151), &Params{Values: vals}); err == nil || !strings.Contains(err.Error(), "too many operators") {
		t.Errorf("301 operators: %v", err)
	}

	// "Invalid ProjectionExpression: The document path has too many nesting
	// levels; nesting levels: 33" is DynamoDB's answer recorded in
	// Alternator's test_projection_expression_path_nesting_levels.
	_, err = ParseProjection("a"+strings.Repeat(".b", 32), &Params{})
	if err == nil || err.Error() != "Invalid ProjectionExpression: The document path has too many nesting levels; nesting levels: 33" {
		t.Errorf("projection of 33 levels: %v", err)
	}
	deep := func(n int) string { return "a" + strings.Repeat(".b", n-1) + " = :v" }
	if _, err := ParseCondition(deep(32), &Params{Values: vals}); err != nil {
		t.Errorf("32 levels: %v", err)
	}
	if _, err := ParseCondition(deep(33), &Params{Values: vals}); err == nil || !strings.Contains(err.Error(), "nesting levels: 33") {
		t.Errorf("33 levels: %v", err)
	}
}

// Deeply nested expressions under 4 KB, with DynamoDB's answers recorded in
// Alternator's test_limits.py (test_deeply_nested_expression_*): they are
// refused cleanly, with the error DynamoDB gives where it is known.
func TestDeeplyNested(t *testing.T) {
	vals := map[string]attr.Value{":v": n("1")}
	cases := []struct{ expr, want string }{
		// 149 levels of "a<b or (...)" have 299 operators and are fine.
		{"a<b " + strings.Repeat("or (a<b ", 149) + strings.Repeat(")", 149), ""},
		{"a<b " + strings.Repeat("or (a<b ", 454) + strings.Repeat(")", 454), "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"},
		{strings.Repeat("(", 2046) + "a<b" + strings.Repeat(")", 2046), "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{strings.Repeat("not ", 1000) + "a<b", "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"},
		{"a < " + strings.Repeat("f(", 1355) + "b" + strings.Repeat(")", 1355), "Invalid ConditionExpression: Invalid function name; function: f"},
		{"a < " + strings.Repeat("size(", 680) + "b" + strings.Repeat(")", 680), "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"},
		{strings.Repeat("(", 4096), "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"(\""},
		{strings.Repeat("(", 15000), "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 15000"},
	}
	for _, c := range cases {
		_, err := ParseCondition(c.expr, &Params{Values: vals})
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%.30q...: got %q, want %q", c.expr, got, c.want)
		}
	}
}

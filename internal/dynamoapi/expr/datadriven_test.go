package expr

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestDataDriven reads expressions from testdata/parse and prints their
// canonical Format and a fully parenthesized tree (or the error), so that
// parser changes show as diffs; "eval" and "apply" print results against
// fuzzItem. Regenerate with: go test ./internal/dynamoapi/expr -run DataDriven -rewrite
func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata/parse", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			in := strings.TrimSpace(d.Input)
			switch d.Cmd {
			case "condition", "eval":
				c, err := ParseCondition(in, fuzzParams())
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				if d.Cmd == "eval" {
					ok, err := c.Eval(fuzzItem())
					if err != nil {
						return "error: " + err.Error() + "\n"
					}
					return strconv.FormatBool(ok) + "\n"
				}
				return c.Format() + "\n" + condTree(c) + "\n"
			case "update", "apply":
				u, err := ParseUpdate(in, fuzzParams())
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				if d.Cmd == "apply" {
					it, paths, err := u.Apply(fuzzItem())
					if err != nil {
						return "error: " + err.Error() + "\n"
					}
					b, _ := json.Marshal(it)
					var ps []string
					for _, p := range paths {
						ps = append(ps, p.String())
					}
					return string(b) + "\nupdated: " + strings.Join(ps, " ") + "\n"
				}
				var sb strings.Builder
				sb.WriteString(u.Format() + "\n")
				for _, a := range u.Actions() {
					sb.WriteString(a.Kind.String() + " " + a.Path.String())
					if a.Value != nil {
						sb.WriteString(" " + operandTree(a.Value))
					}
					sb.WriteString("\n")
				}
				return sb.String()
			case "projection":
				p, err := ParseProjection(in, fuzzParams())
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				var ps []string
				for _, path := range p.Paths {
					ps = append(ps, path.String())
				}
				return p.Format() + "\n" + strings.Join(ps, " ") + "\n"
			case "keycondition":
				k, err := ParseKeyCondition(in, fuzzParams())
				if err == nil {
					err = k.Check("a", "b")
				}
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				out := k.Format() + "\nhash " + k.HashName + " = " + showValue(k.HashValue) + "\n"
				if k.Range != nil {
					var vs []string
					for _, v := range k.Range.Values {
						vs = append(vs, showValue(v))
					}
					out += "range " + k.Range.Name + " " + k.Range.Op + " " + strings.Join(vs, " ") + "\n"
				}
				return out
			}
			t.Fatalf("unknown command %s", d.Cmd)
			return ""
		})
	})
}

// condTree prints a condition fully parenthesized, to show its grouping.
func condTree(c *Condition) string {
	switch c.Kind {
	case CondAnd:
		return "(AND " + condTree(c.Left) + " " + condTree(c.Right) + ")"
	case CondOr:
		return "(OR " + condTree(c.Left) + " " + condTree(c.Right) + ")"
	case CondNot:
		return "(NOT " + condTree(c.Left) + ")"
	}
	var args []string
	for _, a := range c.Args {
		args = append(args, operandTree(a))
	}
	name := c.Op
	switch c.Kind {
	case CondBetween:
		name = "BETWEEN"
	case CondIn:
		name = "IN"
	case CondFunc:
		name = c.Func
	}
	return "(" + name + " " + strings.Join(args, " ") + ")"
}

func operandTree(o *Operand) string {
	switch o.Kind {
	case OperandPath:
		return o.Path.String()
	case OperandValue:
		return "{" + showValue(o.Value) + "}"
	}
	var args []string
	for _, a := range o.Args {
		args = append(args, operandTree(a))
	}
	name := o.Func
	switch o.Kind {
	case OperandPlus:
		name = "+"
	case OperandMinus:
		name = "-"
	}
	return "(" + name + " " + strings.Join(args, " ") + ")"
}

package partiql

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// TestDataDriven reads statements from testdata/plan and prints their
// canonical Format and their plan for a table keyed pk (HASH) and sk
// (RANGE), or the error. Arguments: params=<JSON list of attribute
// values>. Regenerate with: go test ./internal/dynamoapi/partiql -run DataDriven -rewrite
func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata/plan", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			if d.Cmd != "plan" {
				t.Fatalf("unknown command %s", d.Cmd)
			}
			var params []attr.Value
			if d.HasArg("params") {
				var raw string
				d.ScanArgs(t, "params", &raw)
				if err := json.Unmarshal([]byte(raw), &params); err != nil {
					t.Fatalf("params: %v", err)
				}
			}
			st, err := Parse(strings.TrimSpace(d.Input))
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			out := st.Format() + "\n"
			p, err := st.Plan(params, "pk", "sk")
			if err != nil {
				return out + "error: " + err.Error() + "\n"
			}
			return out + describe(p)
		})
	})
}

func describe(p *Plan) string {
	var b strings.Builder
	js := func(v any) string {
		out, _ := json.Marshal(v)
		return string(out)
	}
	switch {
	case p.Kind == Select && p.Keys != nil:
		b.WriteString("get " + js(p.Keys) + "\n")
	case p.Kind == Select && p.Query != nil:
		b.WriteString("query " + p.Query.HashName + " = " + js(p.Query.HashValue))
		if r := p.Query.Range; r != nil {
			b.WriteString(" and " + r.Name + " " + r.Op + " " + js(r.Values))
		}
		b.WriteString("\n")
	case p.Kind == Select && p.Queries != nil:
		for _, q := range p.Queries {
			b.WriteString("query " + q.HashName + " = " + js(q.HashValue))
			if r := q.Range; r != nil {
				b.WriteString(" and " + r.Name + " " + r.Op + " " + js(r.Values))
			}
			b.WriteString("\n")
		}
	case p.Kind == Select:
		b.WriteString("scan\n")
	case p.Kind == Insert:
		b.WriteString("put " + js(p.Item) + "\n")
	default:
		b.WriteString("key " + js(p.Key) + "\n")
	}
	if p.Index != "" {
		b.WriteString("index " + p.Index + "\n")
	}
	if p.Descending {
		b.WriteString("descending\n")
	}
	if p.Filter != nil {
		b.WriteString("filter " + p.Filter.Format() + "\n")
	}
	if p.Projection != nil {
		b.WriteString("projection " + p.Projection.Format() + "\n")
	}
	if p.Condition != nil {
		b.WriteString("condition " + p.Condition.Format() + "\n")
	}
	if p.Update != nil {
		b.WriteString("update " + p.Update.Format() + "\n")
	}
	if p.ReturnValues != "NONE" {
		b.WriteString("return " + p.ReturnValues + "\n")
	}
	return b.String()
}

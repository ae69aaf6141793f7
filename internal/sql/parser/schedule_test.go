package parser

import (
	"testing"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// FuzzSchedule round-trips the schedule statements: whatever the parser
// accepts must format to text that parses to the same tree.
func FuzzSchedule(f *testing.F) {
	for _, s := range []string{
		"create schedule s every 30 seconds as call p()",
		"CREATE OR REPLACE SCHEDULE \"S\" CRON '*/5 * * * *' PAUSED AS refresh materialized view v",
		"create schedule if not exists s every 1 day as $$ call p(); select 1; $$",
		"create schedule s every 1 minute as select '$$' -- trailing\n",
		"alter schedule s pause",
		"create schedule load on change of public.\"demo_stream_vw\" as call sp_load()",
		"create schedule load on change of v paused as $$ call p() $$",
		"drop schedule if exists s",
		"show schedules",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		stmt, err := Parse(text)
		if err != nil {
			return
		}
		switch stmt.(type) {
		case *ast.CreateSchedule, *ast.AlterSchedule, *ast.DropSchedule, *ast.ShowSchedules:
		default:
			return
		}
		out := ast.Format(stmt)
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Format output does not parse: %v\ninput: %q\nformat: %q", err, text, out)
		}
		if g := ast.Format(again); g != out {
			t.Fatalf("round trip differs\ninput: %q\nfirst:  %q\nsecond: %q", text, out, g)
		}
	})
}

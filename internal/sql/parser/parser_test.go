package parser

import (
	"fmt"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// show renders a parse result: the statement's Go type and its Format, or
// the error with its SQLSTATE and position.
func show(text string) string {
	stmt, err := Parse(text)
	if err != nil {
		e, ok := sqlerr.As(err)
		if !ok {
			return "error: " + err.Error()
		}
		return fmt.Sprintf("error %s at %d: %s", e.Code, e.Position, e.Message)
	}
	return fmt.Sprintf("%T\n%s", stmt, ast.Format(stmt))
}

// TestParse runs testdata/parse: each case is Redshift SQL and, after ----,
// the tree's type and its canonical Format (or the error). Regenerate with
// go test -rewrite and review the diff.
func TestParse(t *testing.T) {
	datadriven.Walk(t, "testdata/parse", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "parse":
				out := show(d.Input)
				// Every successful parse must survive a round trip.
				if stmt, err := Parse(d.Input); err == nil {
					f := ast.Format(stmt)
					again, err := Parse(f)
					if err != nil {
						t.Fatalf("%s: Format output does not parse: %v\n%s", d.Pos, err, f)
					}
					if g := ast.Format(again); g != f {
						t.Fatalf("%s: round trip differs:\n%s\n%s", d.Pos, f, g)
					}
				}
				return out + "\n"
			}
			t.Fatalf("unknown command %s", d.Cmd)
			return ""
		})
	})
}

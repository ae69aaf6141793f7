package sql

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// TestTranslateGolden runs testdata/translate: Redshift SQL in, DuckDB SQL
// out (or the error, with SQLSTATE and position). Arguments set session
// options: case-sensitive (enable_case_sensitive_identifier), super-case
// (enable_case_sensitive_super_attribute), at=<RFC 3339 statement time>,
// json-text=(table.column, ...) (SUPER columns stored as JSON text).
// Regenerate with go test -rewrite and review the diff.
func TestTranslateGolden(t *testing.T) {
	datadriven.Walk(t, "testdata/translate", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			if d.Cmd != "translate" {
				t.Fatalf("%s: unknown command %s", d.Pos, d.Cmd)
			}
			var opts Options
			for _, a := range d.CmdArgs {
				switch a.Key {
				case "case-sensitive":
					opts.CaseSensitive = true
				case "super-case":
					opts.CaseSensitiveSuper = true
				case "json-text":
					// table.column, ...: SUPER columns stored as JSON
					// text, as the warehouse's catalog reports them.
					cols := map[string][]string{}
					for _, v := range a.Vals {
						table, col, _ := strings.Cut(v, ".")
						cols[table] = append(cols[table], col)
					}
					opts.JSONColumns = func(n ast.Name) []string { return cols[n.Last().Name] }
					opts.CharLimits = func(n ast.Name) []ColumnLimit {
						var out []ColumnLimit
						for _, c := range cols[n.Last().Name] {
							out = append(out, ColumnLimit{Name: c, Super: true})
						}
						return out
					}
				case "at":
					ts, err := time.Parse(time.RFC3339Nano, a.Vals[0])
					if err != nil {
						t.Fatalf("%s: %v", d.Pos, err)
					}
					opts.StatementTime = ts
				default:
					t.Fatalf("%s: unknown argument %s", d.Pos, a.Key)
				}
			}
			return translateOutput(d.Input, opts) + "\n"
		})
	})
}

func translateOutput(text string, opts Options) string {
	tr, err := Translate(text, opts)
	if err != nil {
		e, ok := sqlerr.As(err)
		if !ok {
			return "error: " + err.Error()
		}
		return fmt.Sprintf("error %s at %d: %s", e.Code, e.Position, e.Message)
	}
	if tr.SQL == "" {
		return fmt.Sprintf("engine: %T", tr.Stmt)
	}
	out := ""
	for _, b := range tr.Before {
		out += "before: " + b + "\n"
	}
	return out + tr.SQL
}

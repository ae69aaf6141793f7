package plpgsql

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// params reads "name mode type, ..." from a test's args line.
func testParams(t *testing.T, d *datadriven.TestData) []Param {
	var ps []Param
	for _, a := range d.CmdArgs {
		if a.Key != "param" {
			continue
		}
		for _, v := range a.Vals {
			f := strings.Fields(strings.ReplaceAll(v, ":", " "))
			if len(f) != 3 {
				t.Fatalf("param %q: want name:mode:type", v)
			}
			m := map[string]Mode{"in": In, "out": Out, "inout": InOut}[f[1]]
			ps = append(ps, Param{Name: f[0], Mode: m, Type: f[2]})
		}
	}
	return ps
}

// TestParse reads bodies and prints either the formatted tree with the SQL
// each statement runs, or the error.
func TestParse(t *testing.T) {
	datadriven.Walk(t, "testdata/parse", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			b, err := Parse(d.Input, testParams(t, d))
			switch d.Cmd {
			case "parse":
				if err != nil {
					return errString(err)
				}
				out := b.Format()
				// The formatted body parses to the same tree.
				b2, err := Parse(out, b.Params)
				if err != nil {
					t.Fatalf("formatted body does not parse: %v\n%s", err, out)
				}
				if out2 := b2.Format(); out2 != out {
					t.Fatalf("format is not stable:\n%s\n---\n%s", out, out2)
				}
				return out
			case "sql":
				if err != nil {
					return errString(err)
				}
				return sqlOf(b)
			}
			t.Fatalf("unknown command %s", d.Cmd)
			return ""
		})
	})
}

func errString(err error) string {
	e, ok := sqlerr.As(err)
	if !ok {
		return "error: " + err.Error() + "\n"
	}
	return fmt.Sprintf("error %s at %d: %s\n", e.Code, e.Position, e.Message)
}

// sqlOf lists every Frag's SQL with its references, in statement order.
func sqlOf(b *Body) string {
	var sb strings.Builder
	var walk func(ss []Stmt)
	frag := func(f *Frag) {
		if f == nil {
			return
		}
		var refs []string
		for _, r := range f.Refs {
			n := b.Slots[r.Slot].Name
			if r.Field != "" {
				n += "." + r.Field
			}
			refs = append(refs, n)
		}
		fmt.Fprintf(&sb, "%s", f.SQL)
		if len(refs) > 0 {
			fmt.Fprintf(&sb, "  -- %s", strings.Join(refs, ", "))
		}
		sb.WriteByte('\n')
	}
	var block func(bl *Block)
	block = func(bl *Block) {
		for _, d := range bl.Decls {
			frag(d.Default)
		}
		walk(bl.Body)
		for _, h := range bl.Handlers {
			walk(h.Body)
		}
	}
	walk = func(ss []Stmt) {
		for _, s := range ss {
			switch s := s.(type) {
			case *Block:
				block(s)
			case *Assign:
				frag(s.Expr)
			case *SQL:
				frag(s.Frag)
			case *Perform:
				frag(s.Frag)
			case *If:
				for i, c := range s.Conds {
					frag(c)
					walk(s.Thens[i])
				}
				walk(s.Else)
			case *Case:
				frag(s.Subject)
				for i, c := range s.Whens {
					frag(c)
					walk(s.Thens[i])
				}
				walk(s.Else)
			case *Loop:
				walk(s.Body)
			case *While:
				frag(s.Cond)
				walk(s.Body)
			case *ForInt:
				frag(s.Lo)
				frag(s.Hi)
				frag(s.By)
				walk(s.Body)
			case *ForQuery:
				frag(s.Query)
				for _, u := range s.Using {
					frag(u)
				}
				walk(s.Body)
			case *Exit:
				frag(s.When)
			case *Raise:
				for _, a := range s.Args {
					frag(a)
				}
			case *Execute:
				frag(s.Query)
				for _, u := range s.Using {
					frag(u)
				}
			case *Call:
				for _, a := range s.Args {
					frag(a)
				}
			}
		}
	}
	block(b.Block)
	return sb.String()
}

// TestParseReference parses the reference scenario's procedure verbatim.
func TestParseReference(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "demo", "scenario.sql"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	i := strings.Index(s, "AS $$")
	j := strings.LastIndex(s, "$$ LANGUAGE plpgsql")
	if i < 0 || j < i {
		t.Fatal("procedure body not found in scenario.sql")
	}
	b, err := Parse(s[i+len("AS $$"):j], nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, st := range b.Block.Body {
		kinds = append(kinds, st.(*SQL).Kind)
	}
	want := "set update refresh drop create delete insert update"
	if got := strings.Join(kinds, " "); got != want {
		t.Fatalf("statements: got %q want %q", got, want)
	}
}

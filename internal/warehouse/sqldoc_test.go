package warehouse

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestSQLDoc runs every `example` block of docs/sql.md on one session of a
// real warehouse and checks the rows the page prints, so the page stays
// true.
func TestSQLDoc(t *testing.T) {
	b, err := os.ReadFile("../../docs/sql.md")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	w, err := Open(ctx, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s, err := w.NewSession(ctx, "dev", "dev")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	blocks := strings.Split(string(b), "```example\n")
	if len(blocks) < 2 {
		t.Fatal("docs/sql.md has no example blocks")
	}
	for i, blk := range blocks[1:] {
		body, _, ok := strings.Cut(blk, "```")
		if !ok {
			t.Fatalf("example %d is not closed", i+1)
		}
		script, want, ok := strings.Cut(body, "----\n")
		if !ok {
			t.Fatalf("example %d has no ---- line", i+1)
		}
		if got := dialectRun(ctx, s, script); got != want {
			t.Errorf("docs/sql.md example %d:\n%s\nwant:\n%sgot:\n%s", i+1, script, want, got)
		}
	}
}

package sql

import (
	"os"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	script := "select 1; -- one\n select ';' ; $$a;b$$;;\n(select (1;2));select \"x;\" /* ; */"
	got, err := Split(script)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"select 1", "select ';'", "$$a;b$$", "(select (1;2))", "select \"x;\""}
	if len(got) != len(want) {
		t.Fatalf("got %d pieces %+v", len(got), got)
	}
	for i, p := range got {
		if p.Text != want[i] {
			t.Errorf("piece %d: %q want %q", i, p.Text, want[i])
		}
		if script[p.Offset:p.Offset+len(p.Text)] != p.Text {
			t.Errorf("piece %d: offset %d does not point at its text", i, p.Offset)
		}
	}
}

func TestSplitUnterminated(t *testing.T) {
	_, err := Split("select 1; select 'abc")
	if err == nil || !strings.Contains(err.Error(), "unterminated quoted string") {
		t.Fatalf("got %v", err)
	}
}

// TestSplitScenario splits the reference scenario: the procedure body holds
// semicolons inside its dollar quotes and must stay one statement.
func TestSplitScenario(t *testing.T) {
	b, err := os.ReadFile("../demo/scenario.sql")
	if err != nil {
		t.Fatal(err)
	}
	pieces, err := Split(string(b))
	if err != nil {
		t.Fatal(err)
	}
	var firsts []string
	for _, p := range pieces {
		firsts = append(firsts, strings.ToLower(strings.Fields(p.Text)[0]+" "+strings.Fields(p.Text)[1]))
	}
	want := "create external|set enable_case_sensitive_identifier|create materialized|refresh materialized|create materialized|create table|insert into|create table|create or|call sp_customer_transaction_fact()"
	if strings.Join(firsts, "|") != want {
		t.Fatalf("got %s", strings.Join(firsts, "|"))
	}
	proc := pieces[8].Text
	if !strings.HasSuffix(proc, "$$ LANGUAGE plpgsql") || strings.Count(proc, ";") < 8 {
		t.Fatalf("procedure piece cut wrongly: ...%s", proc[len(proc)-40:])
	}
}

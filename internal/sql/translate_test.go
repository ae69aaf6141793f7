package sql

import (
	"testing"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

func TestTranslateControl(t *testing.T) {
	cases := []struct {
		in   string
		want ast.Stmt
	}{
		{"BEGIN", &ast.Begin{}},
		{"begin transaction;", &ast.Begin{}},
		{"START TRANSACTION ISOLATION LEVEL SERIALIZABLE", &ast.Begin{}},
		{"COMMIT", &ast.Commit{}},
		{"end transaction", &ast.Commit{}},
		{"ROLLBACK work", &ast.Rollback{}},
		{"ABORT", &ast.Rollback{}},
		{"set enable_case_sensitive_identifier to true", &ast.Set{Name: "enable_case_sensitive_identifier", Values: []string{"true"}}},
		{"SET search_path = '$user', public", &ast.Set{Name: "search_path", Values: []string{"$user", "public"}}},
		{"SET LOCAL statement_timeout TO -1", &ast.Set{Name: "statement_timeout", Values: []string{"-1"}, Local: true}},
		{"set datestyle to default", &ast.Set{Name: "datestyle", Default: true}},
		{"SET TIME ZONE 'UTC'", &ast.Set{Name: "timezone", Values: []string{"UTC"}}},
		{"RESET ALL", &ast.Reset{All: true}},
		{"reset Search_Path", &ast.Reset{Name: "search_path"}},
		{"SHOW timezone", &ast.Show{Name: "timezone"}},
		{"show all", &ast.Show{All: true}},
	}
	for _, c := range cases {
		tr, err := Translate(c.in, Options{})
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if tr.SQL != "" {
			t.Errorf("%s: SQL %q, want empty", c.in, tr.SQL)
		}
		if ast.Format(tr.Stmt) != ast.Format(c.want) {
			t.Errorf("%s: got %s want %s", c.in, ast.Format(tr.Stmt), ast.Format(c.want))
		}
	}
}

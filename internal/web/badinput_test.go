package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestBadInputAPI sends every endpoint that takes input something wrong
// (a malformed body, an unknown field, a parameter out of range, a name
// that does not exist): each answers a 4xx with a JSON error saying what is
// wrong, and nothing is written. (The dashboard, schedule, login and query
// bodies' own rules are tested with their endpoints; this covers the rest,
// and that a refused write body leaves nothing behind.)
func TestBadInputAPI(t *testing.T) {
	srv := testserver.Start(t)
	st := startQuery(t, srv, "select 1 as n")
	id := st["id"].(string)
	if code, out := call(t, srv, "POST", "/api/dashboards", `{"id": "d", "title": "D", "panels": []}`); code != http.StatusCreated {
		t.Fatalf("create a dashboard: %d %v", code, out)
	}
	if code, out := call(t, srv, "POST", "/api/schedules", `{"name": "s", "every": "1 hour", "sql": "select 1", "paused": true}`); code != http.StatusCreated {
		t.Fatalf("create a schedule: %d %v", code, out)
	}
	for _, c := range []struct {
		method, path, body string
		status             int
	}{
		// Bodies that would write, refused whole.
		{"POST", "/api/query", `{"sql": "create table bad1 (a int)", "extra": 1}`, 400},
		{"POST", "/api/query", `{"sql": "create table bad1 (a int)"`, 400},
		{"POST", "/api/query", `{"sql": "   "}`, 400},
		{"POST", "/api/queries", `{"sql": "create table bad2 (a int)", "extra": 1}`, 400},
		{"POST", "/api/queries", `["create table bad2 (a int)"]`, 400},
		{"POST", "/api/dashboards", `{"id": "bad3", "title": "x", "panels": [{"sql": "select 1", "chart": {"type": "bar"}, "height": 0.5}]}`, 400},
		{"POST", "/api/dashboards", `{"id": "bad3", "title": "x", "panels": [{"sql": "select 1", "chart": {"type": "bar", "y": "n"}}]}`, 400},
		{"PUT", "/api/dashboards/d", `not json`, 400},
		{"PUT", "/api/dashboards/d", `{"title": "Changed", "panels": [], "colour": "red"}`, 400},
		{"POST", "/api/query", `{"sql": "create table bad1 (a int)"} {"sql": "select 1"}`, 400},
		{"POST", "/api/schedules", `{"name": "bad4", "every": "1 hour"}`, 400},
		{"POST", "/api/schedules", `{"name": "", "every": "1 hour", "sql": "select 1"}`, 400},
		{"POST", "/api/login", `not json`, 400},
		// Parameters out of range or not numbers.
		{"GET", "/api/queries/" + id + "?wait=soon", "", 400},
		{"GET", "/api/queries/" + id + "?wait=-1", "", 400},
		{"GET", "/api/queries/" + id + "?wait=10001", "", 400},
		{"GET", "/api/queries/" + id + "/rows?limit=x", "", 400},
		{"GET", "/api/history?limit=many", "", 400},
		{"GET", "/api/history?limit=1001", "", 400},
		{"GET", "/api/refreshes?limit=0", "", 400},
		{"GET", "/api/refreshes?limit=x", "", 400},
		{"GET", "/api/schedules/s/history?limit=-5", "", 400},
		// Names that do not exist.
		{"DELETE", "/api/queries/nope", "", 404},
		{"GET", "/api/dashboards/nope", "", 404},
		{"DELETE", "/api/dashboards/nope", "", 404},
		{"GET", "/api/schedules/nope/history", "", 404},
		{"POST", "/api/schedules/nope/pause", "", 404},
		{"POST", "/api/schedules/s/stop", "", 404},
		{"DELETE", "/api/schedules/nope", "", 404},
		// Methods an endpoint does not answer.
		{"PUT", "/api/pipeline", "", 405},
		{"POST", "/api/schema", "{}", 405},
	} {
		code, out := call(t, srv, c.method, c.path, c.body)
		if code != c.status || errMessage(out) == "" {
			t.Errorf("%s %s %s: %d %v, want %d and a message", c.method, c.path, c.body, code, out, c.status)
		}
	}
	// Nothing was written: no table, dashboard or schedule beyond the two
	// made above, and those unchanged.
	code, out := call(t, srv, "POST", "/api/query", sqlBody(`select count(*) as n from information_schema.tables where table_name like 'bad%'`))
	if code != 200 || compact(out["results"]) != `[{"columns":[{"name":"n","type":"int8"}],"rows":[[0]],"tag":"SELECT 1"}]` {
		t.Errorf("tables after bad input: %d %v", code, out)
	}
	_, out = call(t, srv, "GET", "/api/dashboards", "")
	if ds := out["dashboards"].([]any); len(ds) != 1 || ds[0].(map[string]any)["title"] != "D" {
		t.Errorf("dashboards after bad input: %v", out)
	}
	_, out = call(t, srv, "GET", "/api/schedules", "")
	if ss := out["schedules"].([]any); len(ss) != 1 || ss[0].(map[string]any)["state"] != "paused" {
		t.Errorf("schedules after bad input: %v", out)
	}
	// The schedule exists but has not run: its history is empty, not 404.
	if code, out := call(t, srv, "GET", "/api/schedules/s/history", ""); code != 200 || compact(out) != `{"history":[]}` {
		t.Errorf("history of a schedule not run yet: %d %v", code, out)
	}
	// Errors are JSON, with a message that says what was wrong.
	if _, out := call(t, srv, "GET", "/api/queries/"+id+"?wait=soon", ""); !strings.Contains(errMessage(out), "wait") {
		t.Errorf("wait=soon: %v", out)
	}
}

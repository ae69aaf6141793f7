package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// call sends a request to the server's HTTP API and decodes the JSON answer.
func call(t *testing.T, srv *testserver.Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	return callAs(t, srv, "", "", method, path, body)
}

// callAs is call with HTTP basic credentials (none when user is empty).
func callAs(t *testing.T, srv *testserver.Server, user, password, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+srv.HTTP+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s %s: not JSON: %v\n%s", method, path, err, b)
	}
	return res.StatusCode, out
}

func sqlBody(sql string) string {
	b, _ := json.Marshal(map[string]string{"sql": sql})
	return string(b)
}

// compact renders v as JSON, for comparing whole answers.
func compact(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestQueryAPI(t *testing.T) {
	srv := testserver.Start(t)
	code, out := call(t, srv, "POST", "/api/query", sqlBody(`
		create table public.Customer_Transaction_Fact (Transaction_ID varchar(500), OutofPocket_Percent numeric(5,2),
			OutofPock_Amount integer, completion_datetime timestamp, doc varchar);
		insert into Customer_Transaction_Fact values
			('T#1', 50.00, 1000, '2022-07-08 23:59:59', '{"a": [1, "x"]}'),
			('T#2', null, null, null, null);
		select Transaction_ID, OutofPocket_Percent, OutofPock_Amount, completion_datetime, json_parse(doc) as payload
		from customer_transaction_fact order by 1`))
	if code != http.StatusOK {
		t.Fatalf("query: %d %v", code, out)
	}
	want := `{"results":[{"tag":"CREATE TABLE"},{"tag":"INSERT 0 2"},` +
		`{"columns":[{"name":"transaction_id","type":"text"},{"name":"outofpocket_percent","type":"numeric"},` +
		`{"name":"outofpock_amount","type":"int4"},{"name":"completion_datetime","type":"timestamp"},{"name":"payload","type":"super"}],` +
		`"rows":[["T#1","50.00",1000,"2022-07-08T23:59:59",{"a":[1,"x"]}],["T#2",null,null,null,null]],"tag":"SELECT 2"}]}`
	if got := compact(out); got != want {
		t.Errorf("query result\n got %s\nwant %s", got, want)
	}

	// Errors carry the SQLSTATE; a missing relation is 404, bad SQL 400.
	code, out = call(t, srv, "POST", "/api/query", sqlBody("select * from no_such_table"))
	if code != http.StatusNotFound || compact(out["error"].(map[string]any)["code"]) != `"42P01"` {
		t.Errorf("missing table: %d %v", code, out)
	}
	code, out = call(t, srv, "POST", "/api/query", sqlBody("select from where"))
	if code != http.StatusBadRequest || compact(out["error"].(map[string]any)["code"]) != `"42601"` {
		t.Errorf("syntax error: %d %v", code, out)
	}
	code, out = call(t, srv, "POST", "/api/query", `{"sql": 1}`)
	if code != http.StatusBadRequest {
		t.Errorf("malformed body: %d %v", code, out)
	}
	// A text/plain body is the SQL itself.
	res, err := http.Post("http://"+srv.HTTP+"/api/query", "text/plain", strings.NewReader("select 41 + 1 as answer"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if got := strings.TrimSpace(string(b)); got != `{"results":[{"columns":[{"name":"answer","type":"int4"}],"rows":[[42]],"tag":"SELECT 1"}]}` {
		t.Errorf("text/plain query: %s", got)
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestScheduleAPI(t *testing.T) {
	srv := testserver.Start(t)
	if code, out := call(t, srv, "POST", "/api/query", sqlBody("create table ticks (n int)")); code != 200 {
		t.Fatalf("%d %v", code, out)
	}
	code, out := call(t, srv, "POST", "/api/schedules", `{"name": "Tick", "every": "1 second", "sql": "insert into ticks values (1);"}`)
	if code != http.StatusCreated || out["statement"] != `CREATE SCHEDULE "Tick" EVERY 1 SECOND AS insert into ticks values (1)` {
		t.Fatalf("create: %d %v", code, out)
	}
	// The same name again is a conflict in SQL terms (42710), a bad request here.
	code, out = call(t, srv, "POST", "/api/schedules", `{"name": "tick", "every": "1 second", "sql": "select 1"}`)
	if code != http.StatusBadRequest || compact(out["error"].(map[string]any)["code"]) != `"42710"` {
		t.Errorf("duplicate: %d %v", code, out)
	}
	for _, bad := range []string{
		`{"name": "x", "sql": "select 1"}`,
		`{"name": "x", "every": "soon", "sql": "select 1"}`,
		`{"name": "x", "every": "5 fortnights", "sql": "select 1"}`,
		`{"name": "x", "every": "5 seconds", "cron": "* * * * *", "sql": "select 1"}`,
		`{"name": "x", "cron": "not cron", "sql": "select 1"}`,
		`{"name": "x", "every": "1 second", "sql": "select from where"}`,
		`{"name": "x", "every": "1 second", "sql": "select 1", "unknown": true}`,
	} {
		if code, out := call(t, srv, "POST", "/api/schedules", bad); code != http.StatusBadRequest {
			t.Errorf("%s: %d %v", bad, code, out)
		}
	}
	history := func() []any {
		_, out := call(t, srv, "GET", "/api/schedules/tick/history", "")
		return out["history"].([]any)
	}
	waitFor(t, "two runs", func() bool { return len(history()) >= 2 })
	run := history()[0].(map[string]any)
	if run["status"] != "succeeded" && run["status"] != "running" {
		t.Errorf("run: %v", run)
	}

	if code, out := call(t, srv, "POST", "/api/schedules/tick/pause", ""); code != 200 {
		t.Fatalf("pause: %d %v", code, out)
	}
	_, out = call(t, srv, "GET", "/api/schedules", "")
	list := out["schedules"].([]any)
	if len(list) != 1 {
		t.Fatalf("schedules: %v", out)
	}
	s := list[0].(map[string]any)
	if s["schedule_name"] != "tick" || s["state"] != "paused" || s["schedule"] != "every 1 second" || s["query_text"] != "insert into ticks values (1)" {
		t.Errorf("listed: %v", s)
	}
	if code, out := call(t, srv, "POST", "/api/schedules/tick/resume", ""); code != 200 {
		t.Errorf("resume: %d %v", code, out)
	}
	if code, out := call(t, srv, "POST", "/api/schedules/tick/explode", ""); code != http.StatusNotFound {
		t.Errorf("unknown action: %d %v", code, out)
	}
	if code, out := call(t, srv, "DELETE", "/api/schedules/tick", ""); code != 200 {
		t.Errorf("drop: %d %v", code, out)
	}
	if code, out := call(t, srv, "DELETE", "/api/schedules/tick", ""); code != http.StatusNotFound {
		t.Errorf("drop again: %d %v", code, out)
	}
}

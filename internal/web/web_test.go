package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// call sends a request to the server's HTTP API and decodes the JSON answer.
func call(t *testing.T, srv *testserver.Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+srv.HTTP+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
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

// chromium returns the path of a headless-capable Chromium. CI installs one
// (.ci/run); without it the dashboard test cannot run.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium in PATH; .ci/run installs it")
	}
	t.Skip("no chromium in PATH (apt-get install chromium)")
	return ""
}

// dumpDOM loads url in headless Chromium and returns the DOM once the page's
// scripts and their requests have settled.
func dumpDOM(t *testing.T, browser, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+t.TempDir(), "--virtual-time-budget=10000", "--dump-dom", url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return string(out)
}

func TestDashboard(t *testing.T) {
	browser := chromium(t)
	srv := testserver.Start(t)
	if code, out := call(t, srv, "POST", "/api/query", sqlBody(`
		create table public.customer_transaction_fact (transaction_id varchar(500), customer_id varchar(500),
			outofpocket_percent numeric(5,2), provider varchar(500), completion_datetime timestamp);
		insert into customer_transaction_fact values
			('TRANSACTION#2022-07-08T23:59:59Z#CUST_345', 'CUST_123', 50.00, 'PV-123', '2022-07-08 23:59:59'),
			('TRANSACTION#2022-07-09T10:00:00Z#CUST_346', 'CUST_124', 12.50, 'PV-456', '2022-07-09 10:00:00')`)); code != 200 {
		t.Fatalf("%d %v", code, out)
	}
	if code, out := call(t, srv, "POST", "/api/query", sqlBody(`
		create materialized view fact_by_provider as select provider, count(*) as n from customer_transaction_fact group by provider;
		refresh materialized view fact_by_provider`)); code != 200 {
		t.Fatalf("%d %v", code, out)
	}
	if code, out := call(t, srv, "POST", "/api/schedules", `{"name": "nightly", "cron": "0 3 * * *", "sql": "select 1"}`); code != 201 {
		t.Fatalf("%d %v", code, out)
	}
	dom := dumpDOM(t, browser, "http://"+srv.HTTP+"/")
	if !strings.Contains(dom, `<body data-ready="1">`) {
		t.Fatalf("the dashboard did not finish rendering:\n%s", dom)
	}
	// The live query (the fact table, newest first) renders both rows.
	rows := regexp.MustCompile(`<tr class="liverow">(.*?)</tr>`).FindAllStringSubmatch(dom, -1)
	var got []string
	for _, r := range rows {
		got = append(got, regexp.MustCompile(`</?td>`).ReplaceAllString(strings.ReplaceAll(r[1], "</td><td>", "|"), ""))
	}
	want := []string{
		"TRANSACTION#2022-07-09T10:00:00Z#CUST_346|CUST_124|12.50|PV-456|2022-07-09 10:00:00",
		"TRANSACTION#2022-07-08T23:59:59Z#CUST_345|CUST_123|50.00|PV-123|2022-07-08 23:59:59",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("live query rows\n got %q\nwant %q", got, want)
	}
	if !strings.Contains(dom, `<tr data-schedule="nightly"><td>nightly</td><td>cron 0 3 * * *</td><td class="ok">active</td>`) {
		t.Errorf("schedule row missing:\n%s", dom)
	}
	// The view's last refresh shows to the second (the time of day alone when
	// it is today in UTC), the whole timestamp in its title; its status in brief.
	view := regexp.MustCompile(`<tr data-view="public.fact_by_provider">.*?</tr>`).FindString(dom)
	if !regexp.MustCompile(`<td class="time" title="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]*">(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d</td>`).MatchString(view) ||
		!strings.Contains(view, `<td class="ok" title="Refresh successfully recomputed MV from scratch">recomputed</td>`) {
		t.Errorf("materialized view row: %s", view)
	}
	// An edited live query comes from ?q=.
	dom = dumpDOM(t, browser, "http://"+srv.HTTP+"/?q=select+count(*)+as+n+from+customer_transaction_fact")
	if !strings.Contains(dom, `<tr class="liverow"><td>2</td></tr>`) {
		t.Errorf("?q= live query:\n%s", dom)
	}
}

package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/jackc/pgx/v5"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// errCode is the SQLSTATE (or "") of an error answer.
func errCode(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// errMessage is the message of an error answer.
func errMessage(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

// raw sends a request and returns the status and the body as text.
func raw(t *testing.T, c *http.Client, req *http.Request) (int, string) {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// startQuery starts a query and waits for it to end.
func startQuery(t *testing.T, srv *testserver.Server, sql string) map[string]any {
	t.Helper()
	code, out := call(t, srv, "POST", "/api/queries", sqlBody(sql))
	if code != http.StatusAccepted {
		t.Fatalf("start %q: %d %v", sql, code, out)
	}
	id := out["id"].(string)
	for out["state"] == "running" {
		_, out = call(t, srv, "GET", "/api/queries/"+id+"?wait=5000", "")
	}
	return out
}

func TestQueriesAPI(t *testing.T) {
	srv := testserver.Start(t)
	st := startQuery(t, srv, `create table n (i int, s varchar, ts timestamp);
		insert into n select i, 'row, "' || i || '"', timestamp '2024-01-01' + i * interval '1 second' from generate_series(1, 250) g(i);
		select i, s, ts from n order by i`)
	if st["state"] != "succeeded" || st["rowCount"] != 250.0 || compact(st["statements"]) != `["CREATE TABLE","INSERT 0 250","SELECT 250"]` ||
		compact(st["columns"]) != `[{"name":"i","type":"int4"},{"name":"s","type":"text"},{"name":"ts","type":"timestamp"}]` {
		t.Fatalf("status: %v", st)
	}
	id := st["id"].(string)

	// Pages: any window of the spooled rows.
	code, out := call(t, srv, "GET", "/api/queries/"+id+"/rows?offset=248&limit=10", "")
	if code != 200 || compact(out) != `{"offset":248,"rowCount":250,"rows":[[249,"row, \"249\"","2024-01-01T00:04:09"],[250,"row, \"250\"","2024-01-01T00:04:10"]],"state":"succeeded"}` {
		t.Errorf("last page: %d %s", code, compact(out))
	}
	code, out = call(t, srv, "GET", "/api/queries/"+id+"/rows?offset=300", "")
	if code != 200 || compact(out["rows"]) != `[]` {
		t.Errorf("past the end: %d %v", code, out)
	}
	for _, bad := range []string{"offset=-1", "offset=x", "limit=0", "limit=10001"} {
		if code, out := call(t, srv, "GET", "/api/queries/"+id+"/rows?"+bad, ""); code != http.StatusBadRequest || errMessage(out) == "" {
			t.Errorf("rows?%s: %d %v", bad, code, out)
		}
	}

	// CSV (RFC 4180): a header line, quotes doubled inside quoted fields.
	code, body := raw(t, http.DefaultClient, mustRequest(t, "GET", "http://"+srv.HTTP+"/api/queries/"+id+"/csv", ""))
	lines := strings.Split(body, "\n")
	if code != 200 || len(lines) != 252 || lines[0] != "i,s,ts" || lines[1] != `1,"row, ""1""",2024-01-01T00:00:01` {
		t.Errorf("csv: %d %q", code, lines[:min(3, len(lines))])
	}

	// Errors keep their SQLSTATE and position in the status (Postgres
	// points at the missing relation's name: position 15).
	st = startQuery(t, srv, "select * from nosuch")
	if st["state"] != "failed" || compact(st["error"]) != `{"code":"42P01","message":"relation \"nosuch\" does not exist","position":15}` {
		t.Errorf("bad query: %v", st)
	}
	// The status of a statement that returned no rows has no columns, and
	// no CSV.
	st = startQuery(t, srv, "create table m (a int)")
	if code, out := call(t, srv, "GET", "/api/queries/"+st["id"].(string)+"/csv", ""); code != http.StatusBadRequest {
		t.Errorf("csv of no rows: %d %v", code, out)
	}

	// Cancel: the statement stops (57014, as Postgres says for a cancel
	// request) and the query says so.
	code, out = call(t, srv, "POST", "/api/queries", sqlBody("select count(*) from range(100000000000) a"))
	if code != http.StatusAccepted {
		t.Fatalf("start: %d %v", code, out)
	}
	long := out["id"].(string)
	code, out = call(t, srv, "DELETE", "/api/queries/"+long, "")
	if code != 200 || out["state"] != "canceled" || errCode(out) != "57014" {
		t.Errorf("cancel: %d %v", code, out)
	}
	// ?discard=1 forgets it too.
	if code, out := call(t, srv, "DELETE", "/api/queries/"+long+"?discard=1", ""); code != 200 {
		t.Errorf("discard: %d %v", code, out)
	}
	if code, out := call(t, srv, "GET", "/api/queries/"+long, ""); code != http.StatusNotFound {
		t.Errorf("discarded query: %d %v", code, out)
	}

	// Bad requests: 400 with a message, no query started.
	for _, bad := range []string{`{"sql": ""}`, `{"sql": 1}`, `{"sql": "select 1", "extra": 1}`, `not json`} {
		if code, out := call(t, srv, "POST", "/api/queries", bad); code != http.StatusBadRequest || errMessage(out) == "" {
			t.Errorf("POST /api/queries %s: %d %v", bad, code, out)
		}
	}
	for _, path := range []string{"/api/queries/nope", "/api/queries/nope/rows", "/api/queries/nope/csv"} {
		if code, out := call(t, srv, "GET", path, ""); code != http.StatusNotFound {
			t.Errorf("GET %s: %d %v", path, code, out)
		}
	}

	// The history: newest first, each query once with how it ended.
	code, out = call(t, srv, "GET", "/api/history?limit=3", "")
	if code != 200 {
		t.Fatalf("history: %d %v", code, out)
	}
	var got []string
	for _, e := range out["history"].([]any) {
		m := e.(map[string]any)
		got = append(got, fmt.Sprintf("%s|%v|%v", m["status"], m["rowCount"], m["sql"]))
	}
	want := []string{"canceled|0|select count(*) from range(100000000000) a", "succeeded|0|create table m (a int)", "failed|0|select * from nosuch"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("history\n got %q\nwant %q", got, want)
	}
	if code, out := call(t, srv, "GET", "/api/history?limit=0", ""); code != http.StatusBadRequest {
		t.Errorf("history?limit=0: %d %v", code, out)
	}

	// Unknown endpoints and methods: a JSON error.
	if code, out := call(t, srv, "GET", "/api/nothing", ""); code != http.StatusNotFound || errMessage(out) == "" {
		t.Errorf("unknown endpoint: %d %v", code, out)
	}
	if code, out := call(t, srv, "PUT", "/query", ""); code != http.StatusMethodNotAllowed {
		t.Errorf("PUT on a page: %d %v", code, out)
	}
}

func mustRequest(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestSchemaAPI(t *testing.T) {
	srv := testserver.Start(t)
	if code, out := call(t, srv, "POST", "/api/query", sqlBody("create schema sales; create table sales.orders (id int, amount numeric(10,2), note varchar(20)); create view sales.big as select id, amount from sales.orders where amount > 100")); code != 200 {
		t.Fatalf("%d %v", code, out)
	}
	code, out := call(t, srv, "GET", "/api/schema", "")
	if code != 200 {
		t.Fatalf("%d %v", code, out)
	}
	var sales []string
	for _, x := range out["tables"].([]any) {
		m := x.(map[string]any)
		if strings.HasPrefix(fmt.Sprint(m["schema"]), "blueshift_catalog") {
			t.Errorf("the catalog is listed: %v", m)
		}
		if m["schema"] == "sales" {
			sales = append(sales, compact(m))
		}
	}
	// Types as Postgres's format_type names them.
	want := []string{
		`{"columns":[{"name":"id","type":"integer"},{"name":"amount","type":"numeric(10,2)"}],"kind":"view","name":"big","schema":"sales"}`,
		`{"columns":[{"name":"id","type":"integer"},{"name":"amount","type":"numeric(10,2)"},{"name":"note","type":"character varying(20)"}],"kind":"table","name":"orders","schema":"sales"}`,
	}
	if fmt.Sprint(sales) != fmt.Sprint(want) {
		t.Errorf("schema sales\n got %v\nwant %v", sales, want)
	}
}

// TestPipelineAPI reads the pipeline of a stream, a streaming view on it
// and a view over that, once and as server-sent events.
func TestPipelineAPI(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	kc := testserver.KinesisClient(srv.AWS)
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("clicks"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := kc.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("clicks"), PartitionKey: aws.String(fmt.Sprint(i)),
			Data: []byte(fmt.Sprintf(`{"n": %d}`, i))}); err != nil {
			t.Fatal(err)
		}
	}
	if code, out := call(t, srv, "POST", "/api/query", sqlBody(`create external schema k from kinesis iam_role default;
		create materialized view clicks_vw as select json_parse(kinesis_data) as payload from k.clicks;
		refresh materialized view clicks_vw;
		create materialized view click_count as select count(*) as n from clicks_vw;
		refresh materialized view click_count`)); code != 200 {
		t.Fatalf("%d %v", code, out)
	}
	if code, out := call(t, srv, "POST", "/api/schedules", `{"name": "hourly", "every": "1 hour", "sql": "refresh materialized view click_count", "paused": true}`); code != 201 {
		t.Fatalf("%d %v", code, out)
	}
	code, out := call(t, srv, "GET", "/api/pipeline", "")
	if code != 200 {
		t.Fatalf("%d %v", code, out)
	}
	if got := compact(out["schedules"]); got != `[{"name":"hourly","schedule":"every 1 hour","sql":"refresh materialized view click_count","state":"paused"}]` {
		t.Errorf("schedules: %s", got)
	}
	nodes := map[string]map[string]any{}
	for _, n := range out["nodes"].([]any) {
		m := n.(map[string]any)
		nodes[m["id"].(string)] = m
	}
	stream, sv, mv := nodes["stream:clicks"], nodes["view:public.clicks_vw"], nodes["view:public.click_count"]
	if stream == nil || sv == nil || mv == nil {
		t.Fatalf("nodes: %v", compact(out["nodes"]))
	}
	if stream["status"] != "ACTIVE" || len(stream["shards"].([]any)) != 2 {
		t.Errorf("stream: %v", stream)
	}
	if sv["kind"] != "streaming_view" || sv["rows"] != 10.0 || sv["pendingShards"] != 0.0 || sv["lagRecords"] != 0.0 ||
		!strings.HasPrefix(fmt.Sprint(sv["refreshStatus"]), "Refresh successfully") {
		t.Errorf("streaming view: %v", sv)
	}
	if mv["kind"] != "materialized_view" || mv["rows"] != 1.0 {
		t.Errorf("view: %v", mv)
	}
	if got := compact(out["edges"]); got != `[{"from":"stream:clicks","to":"view:public.clicks_vw"},{"from":"view:public.clicks_vw","to":"view:public.click_count"}]` {
		t.Errorf("edges: %s", got)
	}
	// Records the view has not read yet show as lag.
	if _, err := kc.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("clicks"), PartitionKey: aws.String("x"), Data: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	_, out = call(t, srv, "GET", "/api/pipeline", "")
	for _, n := range out["nodes"].([]any) {
		if m := n.(map[string]any); m["id"] == "view:public.clicks_vw" && (m["pendingShards"] != 1.0 || m["lagRecords"].(float64) < 1) {
			t.Errorf("after a put, the streaming view: %v", m)
		}
	}

	// A record json_parse refuses: the view skips it and keeps it as a scan
	// error, which the pipeline shows with the record's text.
	if _, err := kc.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("clicks"), PartitionKey: aws.String("bad"), Data: []byte(`not json {`)}); err != nil {
		t.Fatal(err)
	}
	if code, out := call(t, srv, "POST", "/api/query", sqlBody(`refresh materialized view clicks_vw`)); code != 200 {
		t.Fatalf("%d %v", code, out)
	}
	_, out = call(t, srv, "GET", "/api/pipeline", "")
	if errs, _ := out["scanErrors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["record"] != "not json {" ||
		errs[0].(map[string]any)["view"] != "clicks_vw" || errs[0].(map[string]any)["stream"] != "clicks" {
		t.Errorf("scan errors: %s", compact(out["scanErrors"]))
	}

	// Server-sent events: the first event is the pipeline.
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(rctx, "GET", "http://"+srv.HTTP+"/api/pipeline/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Type") != "text/event-stream" {
		t.Errorf("content type %q", res.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<20)
	var event, data string
	for sc.Scan() && data == "" {
		if v, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
			event = v
		}
		if v, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			data = v
		}
	}
	var p map[string]any
	if event != "pipeline" || json.Unmarshal([]byte(data), &p) != nil || len(p["nodes"].([]any)) != 3 {
		t.Errorf("event %q: %s", event, data)
	}
}

func TestDashboardsAPI(t *testing.T) {
	srv := testserver.Start(t)
	list := func() string {
		_, out := call(t, srv, "GET", "/api/dashboards", "")
		return compact(out)
	}
	panel := `{"title": "n", "sql": "select 1 as n", "chart": {"type": "number", "y": ["n"]}, "refreshSeconds": 30}`
	for _, bad := range []string{
		`{"panels": []}`,
		`{"title": "   ", "panels": []}`,
		`{"title": "x", "panels": [{"sql": "", "chart": {"type": "bar"}}]}`,
		`{"title": "x", "panels": [{"sql": "select 1", "chart": {"type": "radar"}}]}`,
		`{"title": "x", "panels": [{"sql": "select 1", "chart": {"type": "bar"}, "refreshSeconds": 1}]}`,
		`{"title": "x", "panels": [{"sql": "select 1", "chart": {"type": "bar"}, "width": 13}]}`,
		`{"title": "x", "id": "Not An Id", "panels": []}`,
		`{"title": "x", "panels": [], "colour": "red"}`,
		`[1, 2]`,
	} {
		code, out := call(t, srv, "POST", "/api/dashboards", bad)
		if code != http.StatusBadRequest || errMessage(out) == "" {
			t.Errorf("POST %s: %d %v", bad, code, out)
		}
	}
	if got := list(); got != `{"dashboards":[]}` {
		t.Fatalf("after bad input: %s", got)
	}

	code, out := call(t, srv, "POST", "/api/dashboards", `{"id": "ops", "title": "Ops", "panels": [`+panel+`]}`)
	if code != http.StatusCreated || out["id"] != "ops" || out["owner"] != "blueshift" ||
		compact(out["panels"]) != `[{"chart":{"type":"number","y":["n"]},"height":4,"refreshSeconds":30,"sql":"select 1 as n","title":"n","width":6}]` {
		t.Fatalf("create: %d %v", code, out)
	}
	if code, out := call(t, srv, "POST", "/api/dashboards", `{"id": "ops", "title": "Other", "panels": []}`); code != http.StatusConflict {
		t.Errorf("same id again: %d %v", code, out)
	}
	// Without an id, one is made from the title.
	code, out = call(t, srv, "POST", "/api/dashboards", `{"title": "Sales & Revenue!", "panels": []}`)
	if code != http.StatusCreated || !strings.HasPrefix(out["id"].(string), "sales-revenue-") {
		t.Errorf("create without id: %d %v", code, out)
	}
	sales := out["id"].(string)

	// PUT replaces title and panels; bad input changes nothing.
	before := list()
	for _, bad := range []string{`{"title": "", "panels": []}`, `{"id": "other", "title": "Ops", "panels": []}`} {
		if code, out := call(t, srv, "PUT", "/api/dashboards/ops", bad); code != http.StatusBadRequest {
			t.Errorf("PUT %s: %d %v", bad, code, out)
		}
	}
	if got := list(); got != before {
		t.Errorf("bad PUT changed the dashboards:\n%s\n%s", before, got)
	}
	code, out = call(t, srv, "PUT", "/api/dashboards/ops", `{"title": "Operations", "panels": [`+panel+`, `+panel+`]}`)
	if code != 200 || out["title"] != "Operations" || len(out["panels"].([]any)) != 2 {
		t.Errorf("put: %d %v", code, out)
	}
	if code, out := call(t, srv, "PUT", "/api/dashboards/nope", `{"title": "x", "panels": []}`); code != http.StatusNotFound {
		t.Errorf("put missing: %d %v", code, out)
	}

	// Dashboards live in the catalog: they survive a restart.
	srv.Restart()
	code, out = call(t, srv, "GET", "/api/dashboards/ops", "")
	if code != 200 || out["title"] != "Operations" || len(out["panels"].([]any)) != 2 {
		t.Errorf("after restart: %d %v", code, out)
	}
	if code, out := call(t, srv, "DELETE", "/api/dashboards/"+sales, ""); code != 200 {
		t.Errorf("delete: %d %v", code, out)
	}
	if code, out := call(t, srv, "DELETE", "/api/dashboards/"+sales, ""); code != http.StatusNotFound {
		t.Errorf("delete again: %d %v", code, out)
	}
	if code, out := call(t, srv, "GET", "/api/dashboards/"+sales, ""); code != http.StatusNotFound {
		t.Errorf("get deleted: %d %v", code, out)
	}
	// The page's path for a dashboard serves the page.
	code, body := raw(t, http.DefaultClient, mustRequest(t, "GET", "http://"+srv.HTTP+"/dashboards/ops", ""))
	if code != 200 || !strings.Contains(body, `<script type="module" crossorigin src="/assets/app.js">`) {
		t.Errorf("/dashboards/ops: %d %s", code, body)
	}
}

// TestAuthAPI: with users configured, requests log in (cookie plus CSRF
// header on writes) or send basic credentials; read-only users change
// nothing, over HTTP and over the SQL endpoint.
func TestAuthAPI(t *testing.T) {
	srv := testserver.Start(t, "--user", "admin:s3cret", "--user", "viewer:look:readonly", "--sql-auth", "password")
	base := "http://" + srv.HTTP
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	do := func(method, path, body string, header ...string) (int, map[string]any) {
		t.Helper()
		req := mustRequest(t, method, base+path, body)
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		code, text := raw(t, c, req)
		var out map[string]any
		if err := json.Unmarshal([]byte(text), &out); err != nil {
			t.Fatalf("%s %s: not JSON: %s", method, path, text)
		}
		return code, out
	}
	if code, out := do("GET", "/api/me", ""); code != 200 || compact(out) != `{"authRequired":true,"loggedIn":false,"readOnly":false,"user":""}` {
		t.Errorf("me before login: %d %v", code, out)
	}
	if code, out := do("GET", "/api/pipeline", ""); code != http.StatusUnauthorized {
		t.Errorf("no login: %d %v", code, out)
	}
	for body, want := range map[string]int{
		`{"user": "admin", "password": "wrong"}`: http.StatusUnauthorized,
		`{"user": "nobody", "password": ""}`:     http.StatusUnauthorized,
		`{"user": "admin"`:                       http.StatusBadRequest,
	} {
		if code, out := do("POST", "/api/login", body); code != want {
			t.Errorf("login %s: %d %v", body, code, out)
		}
	}
	code, out := do("POST", "/api/login", `{"user": "admin", "password": "s3cret"}`)
	if code != 200 || out["user"] != "admin" || out["readOnly"] != false || out["csrf"] == "" {
		t.Fatalf("login: %d %v", code, out)
	}
	csrf := out["csrf"].(string)
	// A write with the cookie needs the CSRF header.
	if code, out := do("POST", "/api/dashboards", `{"title": "a", "panels": []}`); code != http.StatusForbidden {
		t.Errorf("write without CSRF: %d %v", code, out)
	}
	if code, out := do("POST", "/api/dashboards", `{"title": "a", "panels": []}`, "X-CSRF-Token", "forged"); code != http.StatusForbidden {
		t.Errorf("write with a wrong CSRF token: %d %v", code, out)
	}
	if code, out := do("POST", "/api/dashboards", `{"id": "a", "title": "a", "panels": []}`, "X-CSRF-Token", csrf); code != http.StatusCreated || out["owner"] != "admin" {
		t.Errorf("write with CSRF: %d %v", code, out)
	}
	if code, out := do("POST", "/api/query", sqlBody("create table notes (n int); insert into notes values (1)"), "X-CSRF-Token", csrf); code != 200 {
		t.Fatalf("admin's create: %d %v", code, out)
	}
	// The admin's query is the admin's: another user cannot read it.
	code, out = do("POST", "/api/queries", sqlBody("select n from notes"), "X-CSRF-Token", csrf)
	if code != http.StatusAccepted {
		t.Fatalf("admin's query: %d %v", code, out)
	}
	adminQuery := out["id"].(string)
	if code, out := callAs(t, srv, "viewer", "look", "GET", "/api/queries/"+adminQuery, ""); code != http.StatusNotFound {
		t.Errorf("viewer reads the admin's query: %d %v", code, out)
	}
	// Query history is per user: the viewer's is empty so far.
	if code, out := callAs(t, srv, "viewer", "look", "GET", "/api/history", ""); code != 200 || compact(out) != `{"history":[]}` {
		t.Errorf("viewer's history: %d %v", code, out)
	}
	waitFor(t, "the admin's query in the admin's history", func() bool {
		_, out := do("GET", "/api/history", "")
		h, _ := out["history"].([]any)
		return len(h) > 0 && h[0].(map[string]any)["sql"] == "select n from notes"
	})
	// Basic credentials, without cookie or CSRF, for API clients.
	if code, out := callAs(t, srv, "admin", "wrong", "GET", "/api/dashboards", ""); code != http.StatusUnauthorized {
		t.Errorf("basic, wrong password: %d %v", code, out)
	}
	// The read-only user: reads, and is refused every change.
	if code, out := callAs(t, srv, "viewer", "look", "POST", "/api/query", sqlBody("select count(*) as n from notes")); code != 200 {
		t.Errorf("viewer's select: %d %v", code, out)
	}
	for _, sql := range []string{"insert into notes values (2)", "drop table notes", "create table x (a int)",
		"create materialized view v as select 1", "create schedule s every 1 hour as select 1", "copy notes from '/tmp/x'"} {
		code, out := callAs(t, srv, "viewer", "look", "POST", "/api/query", sqlBody(sql))
		if code != http.StatusForbidden || errCode(out) != "25006" {
			t.Errorf("viewer runs %q: %d %v", sql, code, out)
		}
	}
	for _, r := range []struct{ method, path, body string }{
		{"POST", "/api/dashboards", `{"title": "b", "panels": []}`},
		{"PUT", "/api/dashboards/a", `{"title": "b", "panels": []}`},
		{"DELETE", "/api/dashboards/a", ""},
		{"POST", "/api/schedules", `{"name": "s", "every": "1 hour", "sql": "select 1"}`},
	} {
		if code, out := callAs(t, srv, "viewer", "look", r.method, r.path, r.body); code != http.StatusForbidden {
			t.Errorf("viewer %s %s: %d %v", r.method, r.path, code, out)
		}
	}
	// Over the SQL endpoint too.
	conn, err := pgx.Connect(context.Background(), fmt.Sprintf("postgres://viewer:look@%s/dev?sslmode=disable", srv.SQL))
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(context.Background(), "insert into notes values (3)")
	if err == nil || !strings.Contains(err.Error(), "SQLSTATE 25006") {
		t.Errorf("viewer's insert over pgwire: %v", err)
	}
	conn.Close(context.Background())
	// Nothing was written.
	code, out = callAs(t, srv, "admin", "s3cret", "POST", "/api/query", sqlBody("select count(*) as n from notes"))
	if code != 200 || compact(out["results"]) != `[{"columns":[{"name":"n","type":"int8"}],"rows":[[1]],"tag":"SELECT 1"}]` {
		t.Errorf("notes: %d %v", code, out)
	}
	_, out = callAs(t, srv, "admin", "s3cret", "GET", "/api/dashboards", "")
	if n := len(out["dashboards"].([]any)); n != 1 {
		t.Errorf("%d dashboards, want the admin's one", n)
	}
	_, out = callAs(t, srv, "admin", "s3cret", "GET", "/api/schedules", "")
	if n := len(out["schedules"].([]any)); n != 0 {
		t.Errorf("%d schedules, want none", n)
	}
	// Logging out ends the cookie's session.
	if code, _ := do("POST", "/api/logout", ""); code != 200 {
		t.Errorf("logout: %d", code)
	}
	if code, out := do("GET", "/api/dashboards", ""); code != http.StatusUnauthorized {
		t.Errorf("after logout: %d %v", code, out)
	}
}

// TestNoUsersAPI: without users, loopback clients run as the default user
// and there is nothing to log in to.
func TestNoUsersAPI(t *testing.T) {
	srv := testserver.Start(t)
	if code, out := call(t, srv, "GET", "/api/me", ""); code != 200 || compact(out) != `{"authRequired":false,"loggedIn":true,"readOnly":false,"user":"blueshift"}` {
		t.Errorf("me: %d %v", code, out)
	}
	if code, out := call(t, srv, "POST", "/api/login", `{"user": "a", "password": "b"}`); code != http.StatusBadRequest {
		t.Errorf("login: %d %v", code, out)
	}
}

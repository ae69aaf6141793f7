package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// login fills the login form.
func login(t *testing.T, ctx context.Context, base, user, password string) {
	t.Helper()
	run(t, ctx, "log in as "+user, chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.SendKeys(`#loginuser`, user, chromedp.ByQuery),
		chromedp.SendKeys(`#loginpassword`, password, chromedp.ByQuery),
		chromedp.Click(`#login button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`body[data-ready="pipeline"]`, chromedp.ByQuery))
}

// TestBrowserUsers logs in with configured users: a wrong password is
// refused; a read-only user can query but the page and the server refuse
// its writes.
func TestBrowserUsers(t *testing.T) {
	srv := testserver.Start(t, "--user", "admin:s3cret", "--user", "viewer:look:readonly")
	base := "http://" + srv.HTTP
	ctx := browser(t, desktop)
	run(t, ctx, "wrong password", chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.SendKeys(`#loginuser`, "viewer", chromedp.ByQuery),
		chromedp.SendKeys(`#loginpassword`, "nope", chromedp.ByQuery),
		chromedp.Click(`#login button[type=submit]`, chromedp.ByQuery))
	eventually(t, "the login error", func() bool { return text(t, ctx, "#loginerror") == "wrong user name or password" })
	screenshot(t, ctx, "login-desktop")

	// The admin makes a table the viewer may read.
	admin := browser(t, desktop)
	login(t, admin, base, "admin", "s3cret")
	var ok bool
	run(t, admin, "create a table", chromedp.Navigate(base+"/query"),
		chromedp.WaitVisible(`#editor .cm-content`, chromedp.ByQuery),
		chromedp.Evaluate(editorJS("create table notes (n int); insert into notes values (1), (2)", 0, 0), &ok),
		chromedp.Click(`#runall`, chromedp.ByQuery),
		chromedp.WaitVisible(`body[data-query="succeeded"]`, chromedp.ByQuery))

	viewer := browser(t, phone)
	run(t, viewer, "the login page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(`#login`, chromedp.ByQuery))
	screenshot(t, viewer, "login-phone")
	login(t, viewer, base, "viewer", "look")
	if got := text(t, viewer, "#who .badge"); got != "read-only" {
		t.Errorf("badge %q", got)
	}
	run(t, viewer, "select", chromedp.Navigate(base+"/query"),
		chromedp.WaitVisible(`#editor .cm-content`, chromedp.ByQuery),
		chromedp.Evaluate(editorJS("select n from notes order by n", 0, 0), &ok),
		chromedp.Click(`#runall`, chromedp.ByQuery),
		chromedp.WaitVisible(`body[data-query="succeeded"]`, chromedp.ByQuery))
	if got := text(t, viewer, "#pageinfo"); got != "rows 1–2 of 2" {
		t.Errorf("viewer's select: %q", got)
	}
	// Saving a chart to a dashboard is off for a read-only user.
	var disabled bool
	run(t, viewer, "save button", chromedp.Evaluate(`document.querySelector('#savepanel').disabled`, &disabled))
	if !disabled {
		t.Error("the read-only user's Save to dashboard button is enabled")
	}
	// A write is refused by the server: 25006, as Postgres says in a
	// read-only transaction.
	run(t, viewer, "insert", chromedp.Evaluate(editorJS("insert into notes values (3)", 0, 0), &ok),
		chromedp.Click(`#runall`, chromedp.ByQuery),
		chromedp.WaitVisible(`body[data-query="failed"]`, chromedp.ByQuery))
	if got := text(t, viewer, "#queryerror"); !strings.HasPrefix(got, "25006: cannot execute INSERT in a read-only transaction") {
		t.Errorf("viewer's insert: %q", got)
	}
	screenshot(t, viewer, "readonly-refused-phone")

	// The dashboards: the viewer sees the admin's, but cannot make one,
	// remove a panel or delete a dashboard.
	if code, out := callAs(t, srv, "admin", "s3cret", "POST", "/api/dashboards", `{"id": "notes", "title": "Notes", "panels": [
		{"title": "how many", "sql": "select count(*) as n from notes", "chart": {"type": "number", "y": ["n"]}}]}`); code != http.StatusCreated {
		t.Fatalf("admin's dashboard: %d %v", code, out)
	}
	run(t, admin, "the dashboards", chromedp.Navigate(base+"/dashboards"),
		chromedp.WaitVisible(`body[data-ready="dashboards"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[data-dashboard="notes"]`, chromedp.ByQuery))
	if got := text(t, admin, `#dashboards li .meta`); got != "1 panel · by admin" {
		t.Errorf("the dashboard's line reads %q", got)
	}
	screenshot(t, admin, "dashboards-desktop")
	run(t, viewer, "the dashboards", chromedp.Navigate(base+"/dashboards"),
		chromedp.WaitVisible(`body[data-ready="dashboards"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[data-dashboard="notes"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#createdashboard button[type=submit]').disabled`, &disabled))
	if !disabled {
		t.Error("the read-only user's New dashboard button is enabled")
	}
	screenshot(t, viewer, "dashboards-readonly-phone")
	run(t, viewer, "a dashboard", chromedp.Click(`a[data-dashboard="notes"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`body[data-ready="dashboard"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.panel[data-loaded]`, chromedp.ByQuery))
	var controls int
	run(t, viewer, "its controls", chromedp.Evaluate(`document.querySelectorAll('#deletedashboard, .panel .remove').length`, &controls))
	if controls != 0 {
		t.Errorf("the read-only user sees %d delete or remove buttons", controls)
	}
	if got := text(t, viewer, ".pagehead"); got != "Notes\nall dashboards" {
		t.Errorf("the dashboard's heading reads %q", got)
	}
	if got := text(t, viewer, ".panel .bignumber"); !strings.Contains(got, "2") {
		t.Errorf("the viewer's panel reads %q", got)
	}
	screenshot(t, viewer, "dashboard-readonly-phone")
	// The page's own requests carry the CSRF token; a write sent with the
	// cookie but without it is refused before anything else is checked.
	var status int
	run(t, viewer, "write without the CSRF header", chromedp.Evaluate(`fetch('/api/dashboards', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({title: 'x', panels: []})}).then(r => r.status)`, &status, awaitPromise))
	if status != http.StatusForbidden {
		t.Errorf("POST without CSRF: %d", status)
	}
	run(t, viewer, "write with it", chromedp.Evaluate(`fetch('/api/me').then(r => r.json()).then(me => fetch('/api/dashboards', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf}, body: JSON.stringify({title: 'x', panels: []})})).then(r => r.status)`, &status, awaitPromise))
	if status != http.StatusForbidden {
		t.Errorf("read-only POST /api/dashboards: %d, want 403", status)
	}
	code, out := call(t, srv, "GET", "/api/dashboards", "")
	if code != http.StatusUnauthorized {
		t.Errorf("GET /api/dashboards without a login: %d %v", code, out)
	}
	// Nothing was written: the admin sees two notes and no dashboard.
	code, out = callAs(t, srv, "admin", "s3cret", "POST", "/api/query", sqlBody("select count(*) as n from notes"))
	if code != 200 || compact(out["results"]) != `[{"columns":[{"name":"n","type":"int8"}],"rows":[[2]],"tag":"SELECT 1"}]` {
		t.Errorf("notes after the refused insert: %d %v", code, out)
	}
	code, out = callAs(t, srv, "admin", "s3cret", "GET", "/api/dashboards", "")
	if ds, _ := out["dashboards"].([]any); code != 200 || len(ds) != 1 || ds[0].(map[string]any)["id"] != "notes" {
		t.Errorf("dashboards after the refused create: %d %v, want the admin's one", code, out)
	}
}

// awaitPromise makes Evaluate wait for the promise the expression returns.
func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

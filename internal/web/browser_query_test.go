package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// editorJS replaces the editor's text and optionally selects from..to.
func editorJS(sql string, from, to int) string {
	q := strconv.Quote(sql)
	return `(() => { const v = window.blueshiftEditor; v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: ` + q + `}});` +
		` v.dispatch({selection: {anchor: ` + strconv.Itoa(from) + `, head: ` + strconv.Itoa(to) + `}}); v.focus(); return true })()`
}

// seedFacts makes a small fact table: two providers over three days.
func seedFacts(t *testing.T, srv *testserver.Server) {
	t.Helper()
	if code, out := call(t, srv, "POST", "/api/query", sqlBody(`
		create table public.customer_transaction_fact (transaction_id varchar(500), provider varchar(500),
			outofpock_amount integer, completion_datetime timestamp);
		insert into customer_transaction_fact
			select 'T#' || i, case when i % 2 = 0 then 'PV-123' else 'PV-456' end, i % 100,
			       timestamp '2022-07-08 00:00:00' + (i % 3) * interval '1 day'
			from generate_series(1, 1000) g(i)`)); code != http.StatusOK {
		t.Fatalf("seed: %d %v", code, out)
	}
}

// TestBrowserQuery runs queries on the query page: rows a page at a time, a
// bad query's error marked where it is, a long query cancelled, and a chart
// made from a result, saved to a dashboard that is still there after a
// reload and a server restart.
func TestBrowserQuery(t *testing.T) {
	srv := testserver.Start(t)
	seedFacts(t, srv)
	base := "http://" + srv.HTTP
	for _, vp := range []viewport{desktop, phone} {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t, vp)
			var ok bool
			run(t, ctx, "open the query page", chromedp.Navigate(base+"/query"),
				chromedp.WaitVisible(`#editor .cm-content`, chromedp.ByQuery))

			// Completion offers the tables and columns GET /api/schema lists.
			run(t, ctx, "complete a table name",
				chromedp.Evaluate(editorJS("", 0, 0), &ok),
				chromedp.SendKeys(`#editor .cm-content`, "select * from public.customer_tr", chromedp.ByQuery),
				chromedp.WaitVisible(`.cm-tooltip-autocomplete`, chromedp.ByQuery))
			// The tooltip opens as the first letters are typed (offering
			// schemas) and follows the text: wait for it to catch up.
			eventually(t, "completion of the table name", func() bool {
				var got string
				run(t, ctx, "selected completion", chromedp.Evaluate(
					`(document.querySelector('.cm-tooltip-autocomplete li[aria-selected]') || {}).textContent || ""`, &got))
				return strings.HasPrefix(got, "customer_transaction_fact")
			})

			// Run all: 1,000 rows, shown 100 at a time with their types.
			run(t, ctx, "run a query",
				chromedp.Evaluate(editorJS("select transaction_id, provider, outofpock_amount from customer_transaction_fact order by outofpock_amount, transaction_id", 0, 0), &ok),
				chromedp.Click(`#runall`, chromedp.ByQuery),
				chromedp.WaitVisible(`body[data-query="succeeded"]`, chromedp.ByQuery))
			if got := text(t, ctx, "#pageinfo"); got != "rows 1–100 of 1,000" {
				t.Errorf("page info %q", got)
			}
			var n int
			run(t, ctx, "count rows", chromedp.Evaluate(`document.querySelectorAll('#results tr.resultrow').length`, &n))
			if n != 100 {
				t.Errorf("%d rows on the page, want 100", n)
			}
			if got := text(t, ctx, "#results th:nth-child(3)"); got != "outofpock_amount\nint4" {
				t.Errorf("third column header %q, want its name and type", got)
			}
			run(t, ctx, "next page", chromedp.Click(`#nextpage`, chromedp.ByQuery),
				chromedp.WaitVisible(`#pageinfo`, chromedp.ByQuery))
			eventually(t, "the second page", func() bool { return text(t, ctx, "#pageinfo") == "rows 101–200 of 1,000" })
			var href string
			run(t, ctx, "csv link", chromedp.Evaluate(`document.querySelector('#csv').getAttribute('href')`, &href))
			if !strings.HasPrefix(href, "/api/queries/") || !strings.HasSuffix(href, "/csv") {
				t.Errorf("CSV link %q", href)
			}
			screenshot(t, ctx, "query-"+vp.name)

			// A bad query: the error's position is marked in the editor. Run
			// the selection (the second statement alone), so the mark must
			// account for where the selection starts.
			doc := "select 1;\nselect * from no_such_table"
			from := strings.Index(doc, "select *")
			run(t, ctx, "run a bad selection",
				chromedp.Evaluate(editorJS(doc, from, len(doc)), &ok),
				chromedp.Click(`#runselection`, chromedp.ByQuery),
				chromedp.WaitVisible(`body[data-query="failed"]`, chromedp.ByQuery),
				chromedp.WaitVisible(`.cm-error-mark`, chromedp.ByQuery))
			if got := text(t, ctx, ".cm-error-mark"); got != "no_such_table" {
				t.Errorf("marked %q, want the missing table's name", got)
			}
			if got := text(t, ctx, "#queryerror"); !strings.Contains(got, "42P01") || !strings.Contains(got, "line 2, column 15") {
				t.Errorf("error text %q", got)
			}
			screenshot(t, ctx, "query-error-"+vp.name)

			// A long query, cancelled from the page: the server stops it.
			run(t, ctx, "run a long query",
				chromedp.Evaluate(editorJS("select count(*) from range(100000000000) a", 0, 0), &ok),
				chromedp.Click(`#runall`, chromedp.ByQuery),
				chromedp.WaitVisible(`body[data-query="running"]`, chromedp.ByQuery),
				chromedp.WaitEnabled(`#cancel`, chromedp.ByQuery),
				chromedp.Click(`#cancel`, chromedp.ByQuery),
				chromedp.WaitVisible(`body[data-query="canceled"]`, chromedp.ByQuery))
			if got := text(t, ctx, "#queryerror"); !strings.Contains(got, "57014") {
				t.Errorf("cancelled query says %q, want SQLSTATE 57014", got)
			}
			eventually(t, "the cancelled query first in the history", func() bool {
				var got string
				run(t, ctx, "history", chromedp.Evaluate(`(document.querySelector('#history li .meta') || {}).textContent || ""`, &got))
				return strings.HasPrefix(got, "canceled")
			})
		})
	}

	// A chart from a result, saved to a new dashboard.
	ctx := browser(t, desktop)
	var ok bool
	run(t, ctx, "chart a result", chromedp.Navigate(base+"/query"),
		chromedp.WaitVisible(`#editor .cm-content`, chromedp.ByQuery),
		chromedp.Evaluate(editorJS("select completion_datetime as day, provider, count(*) as transactions, sum(outofpock_amount) as amount from customer_transaction_fact group by 1, 2 order by 1, 2", 0, 0), &ok),
		chromedp.Click(`#runall`, chromedp.ByQuery),
		chromedp.WaitVisible(`body[data-query="succeeded"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#chart svg`, chromedp.ByQuery))
	// The suggested chart: a line over time, one series per provider.
	var chartType, x, series string
	run(t, ctx, "read the chart form", chromedp.Value(`#charttype`, &chartType, chromedp.ByQuery),
		chromedp.Value(`#chartx`, &x, chromedp.ByQuery), chromedp.Value(`#chartseries`, &series, chromedp.ByQuery))
	if chartType != "line" || x != "day" || series != "provider" {
		t.Errorf("suggested chart %s x=%s series=%s, want line x=day series=provider", chartType, x, series)
	}
	run(t, ctx, "make it bars and save it",
		chromedp.SetValue(`#charttype`, "bar", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#charttype').dispatchEvent(new Event('change')), true`, &ok),
		chromedp.SendKeys(`#paneltitle`, "Transactions by provider", chromedp.ByQuery),
		chromedp.SendKeys(`#newdashboard`, "Providers", chromedp.ByQuery),
		chromedp.Click(`#savepanel`, chromedp.ByQuery),
		chromedp.WaitVisible(`#savedlink`, chromedp.ByQuery))
	screenshot(t, ctx, "chart-desktop")
	run(t, ctx, "open the dashboard", chromedp.Click(`#savedlink`, chromedp.ByQuery),
		chromedp.WaitVisible(`body[data-ready="dashboard"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.panel[data-loaded] svg`, chromedp.ByQuery))
	var url string
	run(t, ctx, "url", chromedp.Location(&url))
	if !strings.HasPrefix(url, base+"/dashboards/providers-") {
		t.Errorf("dashboard URL %s", url)
	}
	// Its bars: two providers on three days.
	var bars int
	run(t, ctx, "count bars", chromedp.Evaluate(`document.querySelectorAll('.panel svg path[d]').length`, &bars))
	if bars < 6 {
		t.Errorf("%d paths in the chart, want at least 6 bars", bars)
	}
	// After a server restart and a reload, the dashboard is still there.
	srv.Restart()
	base = "http://" + srv.HTTP
	url = base + url[strings.Index(url, "/dashboards/"):]
	for _, vp := range []viewport{desktop, phone} {
		ctx := browser(t, vp)
		run(t, ctx, "reopen the dashboard", chromedp.Navigate(url),
			chromedp.WaitVisible(`.panel[data-loaded] svg`, chromedp.ByQuery))
		if got := text(t, ctx, ".panel h3"); got != "Transactions by provider" {
			t.Errorf("panel title %q", got)
		}
		if got := text(t, ctx, "#dashtitle"); got != "Providers" {
			t.Errorf("dashboard title %q", got)
		}
		screenshot(t, ctx, "dashboard-"+vp.name)
	}
}

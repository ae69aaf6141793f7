// The query page: a CodeMirror editor with SQL highlighting and completion
// of schema, table and column names; run all or the selection; cancel;
// results a page at a time; CSV export; the error's position marked; the
// user's history; a chart from the result, saved to a dashboard.
import { EditorView, basicSetup } from "codemirror";
import { keymap, Decoration } from "@codemirror/view";
import { StateEffect, StateField, Compartment } from "@codemirror/state";
import { sql, PostgreSQL } from "@codemirror/lang-sql";
import { api } from "./api.js";
import { el, state, navigate } from "./main.js";
import { completionSchema, errorRange, lineCol, pageLabel, suggestChart, CHART_TYPES } from "./logic.js";
import { drawChart, resultTable } from "./chart.js";

const PAGE = 100;

// The error mark: one decoration set by an effect, cleared on any edit.
const setError = StateEffect.define();
const errorField = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    if (tr.docChanged) return Decoration.none;
    for (const e of tr.effects) {
      if (e.is(setError)) {
        marks = e.value ? Decoration.set([Decoration.mark({ class: "cm-error-mark", attributes: { "data-error": "1" } }).range(e.value.from, e.value.to)]) : Decoration.none;
      }
    }
    return marks;
  },
  provide: (f) => EditorView.decorations.from(f),
});

function lastSQL() {
  return localStorage.getItem("blueshift.sql") || "SELECT * FROM public.customer_transaction_fact\nORDER BY completion_datetime DESC\nLIMIT 100;";
}

export function queryPage(root) {
  let current = null; // the running or shown query: {id, offset, columns, rowCount, state}
  let stopped = false;
  let disposeChart = () => {};
  let pageRows = [];

  const runAll = el("button", { id: "runall", class: "primary", title: "Ctrl-Enter" }, "Run all");
  const runSel = el("button", { id: "runselection", title: "Ctrl-Shift-Enter" }, "Run selection");
  const cancel = el("button", { id: "cancel", disabled: true }, "Cancel");
  const csv = el("a", { id: "csv", class: "button disabled", download: "" }, "Export CSV");
  const meta = el("span", { id: "querymeta", class: "meta" });
  const errBox = el("div", { id: "queryerror", class: "error", hidden: true });
  const results = el("div", { id: "results", class: "scroll" });
  const prev = el("button", { id: "prevpage", disabled: true }, "‹ Prev");
  const next = el("button", { id: "nextpage", disabled: true }, "Next ›");
  const pageInfo = el("span", { id: "pageinfo", class: "meta" });
  const pager = el("div", { class: "pager" }, prev, pageInfo, next);
  const historyList = el("ol", { id: "history", class: "history" });
  const chartBox = el("div", { id: "chart", class: "chartbox" });
  const chartForm = el("div", { id: "chartform", class: "chartform" });
  const editorBox = el("div", { id: "editor", class: "editor" });

  const lang = new Compartment();
  const view = new EditorView({
    doc: lastSQL(),
    parent: editorBox,
    extensions: [
      basicSetup,
      lang.of(sql({ dialect: PostgreSQL, upperCaseKeywords: false })),
      errorField,
      keymap.of([
        { key: "Mod-Enter", run: () => (start(false), true) },
        { key: "Mod-Shift-Enter", run: () => (start(true), true) },
      ]),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) localStorage.setItem("blueshift.sql", u.state.doc.toString());
      }),
    ],
  });
  window.blueshiftEditor = view; // tests and the console reach the editor here

  api("/api/schema")
    .then((s) => view.dispatch({ effects: lang.reconfigure(sql({ dialect: PostgreSQL, schema: completionSchema(s.tables), defaultSchema: "public" })) }))
    .catch(() => {});

  root.append(
    el("div", { class: "querypage" },
      el("div", { class: "qmain" },
        editorBox,
        el("div", { class: "toolbar" }, runAll, runSel, cancel, csv, meta),
        errBox,
        pager,
        results,
        el("h3", {}, "Chart"),
        chartForm,
        chartBox),
      el("aside", { class: "qside" }, el("h3", {}, "History"), historyList)),
  );

  async function loadHistory() {
    try {
      const h = await api("/api/history?limit=30");
      historyList.replaceChildren(
        ...h.history.map((e) =>
          el("li", { class: "h-" + e.status },
            el("a", { href: "#", onclick: (ev) => { ev.preventDefault(); view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: e.sql } }); } },
              el("code", {}, e.sql.length > 160 ? e.sql.slice(0, 160) + "…" : e.sql)),
            el("span", { class: "meta" }, `${e.status} · ${e.rowCount} rows · ${e.durationMs} ms`))),
      );
    } catch {
      /* history is a convenience */
    }
  }
  loadHistory();

  function showError(e, offset) {
    errBox.hidden = false;
    const doc = view.state.doc.toString();
    const r = errorRange(doc, e.position, offset);
    let where = "";
    if (r) {
      const lc = lineCol(doc, r.from);
      where = ` (line ${lc.line}, column ${lc.col})`;
      view.dispatch({ effects: setError.of(r), selection: { anchor: r.from }, scrollIntoView: true });
    }
    errBox.textContent = (e.code ? e.code + ": " : "") + e.message + where;
  }

  async function start(selectionOnly) {
    if (current && current.state === "running") return;
    const sel = view.state.selection.main;
    let text = view.state.doc.toString();
    let offset = 0;
    if (selectionOnly) {
      if (sel.empty) {
        showError({ message: "select the SQL to run first" }, 0);
        return;
      }
      text = view.state.sliceDoc(sel.from, sel.to);
      offset = sel.from;
    }
    view.dispatch({ effects: setError.of(null) });
    errBox.hidden = true;
    results.replaceChildren();
    disposeChart();
    chartBox.replaceChildren();
    chartForm.replaceChildren();
    pageInfo.textContent = "";
    csv.classList.add("disabled");
    csv.removeAttribute("href");
    let st;
    try {
      st = await api("/api/queries", { method: "POST", body: { sql: text } });
    } catch (e) {
      showError(e, offset);
      return;
    }
    current = { ...st, offset: 0, sqlOffset: offset };
    cancel.disabled = false;
    runAll.disabled = runSel.disabled = true;
    meta.textContent = "running…";
    document.body.dataset.query = "running";
    await poll();
  }

  async function poll() {
    const q = current;
    while (!stopped && q === current) {
      let st;
      try {
        st = await api(`/api/queries/${q.id}?wait=${q.state === "running" && q.rowCount === 0 ? 1000 : 250}`);
      } catch (e) {
        showError(e, 0);
        break;
      }
      const grew = st.rowCount !== q.rowCount || st.columns.length !== (q.columns || []).length;
      Object.assign(q, st);
      if (grew || st.state !== "running") await showPage(q.offset);
      meta.textContent = `${st.state} · ${st.elapsedMs} ms · ${st.statements.join(", ")}${st.truncated ? " · result capped" : ""}`;
      if (st.state !== "running") {
        cancel.disabled = true;
        runAll.disabled = runSel.disabled = false;
        document.body.dataset.query = st.state;
        if (st.error) showError(st.error, q.sqlOffset);
        if (st.columns.length) {
          csv.href = `/api/queries/${q.id}/csv`;
          csv.classList.remove("disabled");
          chartBuilder(q);
        }
        loadHistory();
        break;
      }
    }
  }

  async function showPage(offset) {
    const q = current;
    if (!q.columns.length) {
      results.replaceChildren(el("p", { class: "meta" }, q.statements.join(", ") || ""));
      pager.hidden = true;
      return;
    }
    const page = await api(`/api/queries/${q.id}/rows?offset=${offset}&limit=${PAGE}`);
    q.offset = offset;
    pageRows = page.rows;
    results.replaceChildren(resultTable(q.columns, page.rows, "resultrow"));
    pager.hidden = false;
    pageInfo.textContent = pageLabel(offset, page.rows.length, page.rowCount, page.state === "running");
    prev.disabled = offset === 0;
    next.disabled = offset + page.rows.length >= page.rowCount;
  }

  prev.addEventListener("click", () => showPage(Math.max(0, current.offset - PAGE)));
  next.addEventListener("click", () => showPage(current.offset + PAGE));
  runAll.addEventListener("click", () => start(false));
  runSel.addEventListener("click", () => start(true));
  cancel.addEventListener("click", async () => {
    if (!current) return;
    cancel.disabled = true;
    try {
      await api(`/api/queries/${current.id}`, { method: "DELETE" });
    } catch (e) {
      showError(e, 0);
    }
  });

  // CHART_ROWS is how many rows of a result a chart draws (the first ones).
  const CHART_ROWS = 5000;

  async function chartBuilder(q) {
    let chartRows = pageRows;
    try {
      chartRows = (await api(`/api/queries/${q.id}/rows?offset=0&limit=${CHART_ROWS}`)).rows;
    } catch {
      /* the page's rows will do */
    }
    const chart = suggestChart(q.columns);
    if (chart.type === "table" && q.columns.length >= 2) chart.x = q.columns[0].name;
    const colOpts = (sel, allowNone) => [allowNone ? el("option", { value: "" }, "(none)") : null, ...q.columns.map((c) => el("option", { value: c.name, selected: c.name === sel }, `${c.name} (${c.type})`))];
    const type = el("select", { id: "charttype" }, CHART_TYPES.map((t) => el("option", { value: t, selected: t === chart.type }, t)));
    const x = el("select", { id: "chartx" }, colOpts(chart.x, true));
    const series = el("select", { id: "chartseries" }, colOpts(chart.series, true));
    const ys = el("div", { class: "ys", id: "charty" }, q.columns.map((c) => el("label", {}, el("input", { type: "checkbox", value: c.name, checked: (chart.y || []).includes(c.name) }), c.name)));
    const redraw = () => {
      chart.type = type.value;
      chart.x = x.value || undefined;
      chart.series = series.value || undefined;
      chart.y = [...ys.querySelectorAll("input:checked")].map((i) => i.value);
      disposeChart();
      disposeChart = drawChart(chartBox, chart, q.columns, chartRows);
    };
    for (const i of [type, x, series, ys]) i.addEventListener("change", redraw);
    const save = el("button", { id: "savepanel", disabled: state.me.readOnly, title: state.me.readOnly ? "read-only users cannot change dashboards" : "" }, "Save to dashboard");
    const dashSel = el("select", { id: "savedashboard" }, el("option", { value: "" }, "New dashboard…"));
    const newTitle = el("input", { id: "newdashboard", placeholder: "dashboard title" });
    const panelTitle = el("input", { id: "paneltitle", placeholder: "panel title", value: "" });
    const refresh = el("select", { id: "panelrefresh" }, [["0", "no refresh"], ["10", "every 10 s"], ["30", "every 30 s"], ["60", "every minute"], ["300", "every 5 minutes"]].map(([v, t]) => el("option", { value: v }, t)));
    const saved = el("span", { id: "savedmsg", class: "meta" });
    dashSel.addEventListener("change", () => (newTitle.hidden = dashSel.value !== ""));
    api("/api/dashboards").then((d) => dashSel.append(...d.dashboards.map((x) => el("option", { value: x.id }, x.title)))).catch(() => {});
    save.addEventListener("click", async () => {
      redraw();
      const panel = { title: panelTitle.value || "Untitled", sql: q.sql, chart: { ...chart }, refreshSeconds: Number(refresh.value), width: 6, height: 4 };
      try {
        let d;
        if (dashSel.value) {
          d = await api(`/api/dashboards/${encodeURIComponent(dashSel.value)}`);
          d.panels.push(panel);
          d = await api(`/api/dashboards/${encodeURIComponent(d.id)}`, { method: "PUT", body: { title: d.title, panels: d.panels } });
        } else {
          d = await api("/api/dashboards", { method: "POST", body: { title: newTitle.value || "My dashboard", panels: [panel] } });
        }
        saved.replaceChildren("Saved to ", el("a", { href: `/dashboards/${d.id}`, id: "savedlink" }, d.title));
      } catch (e) {
        saved.replaceChildren(el("span", { class: "error" }, e.message));
      }
    });
    chartForm.replaceChildren(
      el("label", {}, "Chart ", type), el("label", {}, "x ", x), el("label", {}, "series ", series), el("div", { class: "ylabel" }, "y ", ys),
      el("div", { class: "saverow" }, panelTitle, refresh, dashSel, newTitle, save, saved),
    );
    redraw();
  }

  return () => {
    stopped = true;
    disposeChart();
    if (current && current.state === "running") api(`/api/queries/${current.id}`, { method: "DELETE" }).catch(() => {});
    view.destroy();
  };
}

export { navigate };

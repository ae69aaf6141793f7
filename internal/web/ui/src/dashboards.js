// Dashboards: the list, and one dashboard's grid of panels, each running its
// query again on its own interval.
import { api } from "./api.js";
import { el, state, navigate } from "./main.js";
import { drawChart } from "./chart.js";

export function dashboardsPage(root) {
  const list = el("ul", { id: "dashboards", class: "dashlist" });
  const title = el("input", { id: "newtitle", placeholder: "title" });
  const err = el("span", { class: "error", id: "dasherror" });
  const create = el("form", { class: "inline", id: "createdashboard" }, title, el("button", { type: "submit", disabled: state.me.readOnly }, "New dashboard"), err);
  create.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const d = await api("/api/dashboards", { method: "POST", body: { title: title.value, panels: [] } });
      navigate(`/dashboards/${d.id}`);
    } catch (e) {
      err.textContent = e.message;
    }
  });
  root.append(el("div", { class: "pagehead" }, el("h2", {}, "Dashboards")), create, list);
  api("/api/dashboards").then((d) => {
    if (!d.dashboards.length) list.append(el("li", { class: "empty" }, "No dashboards yet: run a query, make a chart, and save it to one."));
    for (const x of d.dashboards) {
      list.append(el("li", {}, el("a", { href: `/dashboards/${x.id}`, "data-dashboard": x.id }, x.title), el("span", { class: "meta" }, ` ${x.panels.length} ${x.panels.length === 1 ? "panel" : "panels"} · by ${x.owner}`)));
    }
    document.body.dataset.ready = "dashboards";
  }).catch((e) => {
    err.textContent = e.message;
  });
  return () => {};
}

function panelView(d, i, onChange) {
  const p = d.panels[i];
  const body = el("div", { class: "panelbody" });
  const meta = el("span", { class: "meta" });
  const box = el("div", { class: "panel", "data-panel": String(i), style: `grid-column: span ${p.width}; grid-row: span ${p.height}` },
    el("div", { class: "panelhead" }, el("h3", {}, p.title), meta,
      state.me.readOnly ? null : el("button", { class: "link remove", title: "remove the panel", onclick: () => onChange(i) }, "✕")),
    body);
  let dispose = () => {};
  let timer = null;
  let stopped = false;
  const run = async () => {
    try {
      const res = await api("/api/query", { method: "POST", body: { sql: p.sql } });
      const last = [...res.results].reverse().find((r) => r.columns) || { columns: [], rows: [] };
      dispose();
      dispose = drawChart(body, p.chart, last.columns, last.rows);
      meta.textContent = (p.refreshSeconds ? `every ${p.refreshSeconds} s · ` : "") + new Date().toLocaleTimeString();
      box.dataset.loaded = String(Number(box.dataset.loaded || 0) + 1);
    } catch (e) {
      body.replaceChildren(el("p", { class: "error" }, e.message));
    }
    if (!stopped && p.refreshSeconds) timer = setTimeout(run, p.refreshSeconds * 1000);
  };
  run();
  return { box, stop: () => { stopped = true; clearTimeout(timer); dispose(); } };
}

export function dashboardPage(root, id) {
  let panels = [];
  const grid = el("div", { class: "dashgrid", id: "dashgrid" });
  const head = el("div", { class: "pagehead" });
  const err = el("p", { class: "error", id: "dasherror" });
  root.append(head, err, grid);
  let d;
  const stopAll = () => {
    for (const p of panels) p.stop();
    panels = [];
  };
  const render = () => {
    stopAll();
    grid.replaceChildren();
    head.replaceChildren(el("h2", { id: "dashtitle" }, d.title), el("a", { href: "/dashboards", class: "meta" }, "all dashboards"));
    if (!state.me.readOnly) head.append(el("button", { class: "link danger", id: "deletedashboard", onclick: async () => {
        if (!confirm(`Delete the dashboard "${d.title}"?`)) return;
        try {
          await api(`/api/dashboards/${encodeURIComponent(d.id)}`, { method: "DELETE" });
          navigate("/dashboards");
        } catch (e) {
          err.textContent = e.message;
        }
      } }, "delete"));
    if (!d.panels.length) grid.append(el("p", { class: "empty" }, "No panels yet: on the Query page, chart a result and save it here."));
    d.panels.forEach((_, i) => {
      const pv = panelView(d, i, async (k) => {
        const rest = d.panels.filter((_, j) => j !== k);
        try {
          d = await api(`/api/dashboards/${encodeURIComponent(d.id)}`, { method: "PUT", body: { title: d.title, panels: rest } });
          render();
        } catch (e) {
          err.textContent = e.message;
        }
      });
      panels.push(pv);
      grid.append(pv.box);
    });
    document.body.dataset.ready = "dashboard";
  };
  api(`/api/dashboards/${encodeURIComponent(id)}`).then((x) => {
    d = x;
    render();
  }).catch((e) => {
    err.textContent = e.message;
    document.body.dataset.ready = "dashboard";
  });
  return stopAll;
}

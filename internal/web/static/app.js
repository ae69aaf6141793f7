// The blueshift dashboard: polls the HTTP API and renders its tables.
// When every panel has rendered once, <body data-ready="1"> is set (tests wait for it).
"use strict";

const POLL_MS = 2000;

async function api(path, opts) {
  const res = await fetch(path, opts);
  const body = await res.json();
  if (!res.ok) {
    const e = body.error || {};
    throw new Error((e.code ? e.code + ": " : "") + (e.message || res.statusText));
  }
  return body;
}

function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

function fill(id, rows, render, empty) {
  const tbody = document.querySelector("#" + id + " tbody");
  tbody.replaceChildren();
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    const td = cell(tr, empty, "empty");
    td.colSpan = document.querySelectorAll("#" + id + " thead th").length || 1;
    tbody.appendChild(tr);
    return;
  }
  for (const r of rows) {
    const tr = document.createElement("tr");
    render(tr, r);
    tbody.appendChild(tr);
  }
}

// when shows an API timestamp ("2026-11-26T06:32:33.835777") to the
// second: the time alone when it is today (UTC), else the date and time. The full
// value stays in the cell's title.
function when(ts) {
  if (!ts) return "";
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)/.exec(String(ts));
  if (!m) return String(ts);
  const d = new Date(), pad = n => String(n).padStart(2, "0");
  const today = d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()); // the API's times are UTC
  return m[1] === today ? m[2] : m[1] + " " + m[2];
}

function timeCell(tr, ts, fallback) {
  const td = cell(tr, ts ? when(ts) : fallback || "", "time");
  if (ts) td.title = String(ts).replace("T", " ");
  return td;
}

// shortStatus words Redshift's refresh statuses briefly; the cell's title
// keeps the whole status.
function statusCell(tr, s) {
  const short = {
    "refresh successfully updated mv incrementally": "updated incrementally",
    "refresh successfully recomputed mv from scratch": "recomputed",
  }[String(s || "").toLowerCase()];
  const td = cell(tr, short || s || "", statusClass(s));
  if (short) td.title = s;
  return td;
}

// liveValue renders one value of the live query: timestamps as psql shows
// them (a space, not ISO's T), SUPER objects and arrays as JSON.
function liveValue(v, type) {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  if (typeof v === "string" && /^timestamp/.test(type || "")) return v.replace("T", " ");
  return v;
}

function age(ms) {
  if (ms === null || ms === undefined) return "never";
  const s = Math.round(ms / 1000);
  if (s < 60) return s + " s ago";
  if (s < 3600) return Math.round(s / 60) + " min ago";
  return Math.round(s / 3600) + " h ago";
}

function statusClass(s) {
  if (!s) return "";
  s = String(s).toLowerCase();
  if (s.startsWith("success") || s.startsWith("refresh successfully") || s === "succeeded" || s === "active") return "ok";
  if (s === "running" || s === "paused") return "warn";
  return "bad";
}

async function renderStreams() {
  const { streams } = await api("/api/streams");
  fill("streams", streams, (tr, s) => {
    tr.dataset.stream = s.name;
    cell(tr, s.name);
    cell(tr, s.status, statusClass(s.status));
    cell(tr, s.openShards);
    const views = s.views.map(v => v.name + (v.caughtUp ? " (caught up)" : " (" + v.pendingShards + " shard(s) behind)"));
    cell(tr, views.join(", ") || "none");
  }, "no streams");
}

async function renderViews() {
  const { views } = await api("/api/views");
  fill("views", views, (tr, v) => {
    tr.dataset.view = v.schema + "." + v.name;
    cell(tr, v.schema + "." + v.name);
    cell(tr, v.rows, "rows");
    cell(tr, v.is_stale === "t" ? "yes" : "no");
    cell(tr, v.autorefresh === "t" ? "yes" : "no");
    timeCell(tr, v.last_refresh, "never");
    cell(tr, age(v.age_ms));
    statusCell(tr, v.last_status);
  }, "no materialized views");
}

async function renderRefreshes() {
  const { refreshes } = await api("/api/refreshes?limit=15");
  fill("refreshes", refreshes, (tr, r) => {
    cell(tr, r.schema_name + "." + r.mv_name);
    cell(tr, r.refresh_type);
    statusCell(tr, r.status);
    timeCell(tr, r.end_time);
    cell(tr, r.duration === null ? "" : (r.duration / 1000).toFixed(1) + " ms");
  }, "no refreshes yet");
}

async function renderSchedules() {
  const { schedules } = await api("/api/schedules");
  fill("schedules", schedules, (tr, s) => {
    tr.dataset.schedule = s.schedule_name;
    cell(tr, s.schedule_name);
    cell(tr, s.schedule);
    cell(tr, s.state, statusClass(s.state));
    cell(tr, s.runs);
    timeCell(tr, s.last_run_start, "never");
    cell(tr, s.last_run_status || "", statusClass(s.last_run_status));
    timeCell(tr, s.next_run_time);
    cell(tr, s.query_text, "sql");
    const td = cell(tr, "");
    const b = document.createElement("button");
    const action = s.state === "paused" ? "resume" : "pause";
    b.textContent = action;
    b.onclick = async () => {
      await api("/api/schedules/" + encodeURIComponent(s.schedule_name) + "/" + action, { method: "POST" });
      renderSchedules().catch(showError);
    };
    td.appendChild(b);
  }, "no schedules");
  const runs = [];
  for (const s of schedules) {
    const { history } = await api("/api/schedules/" + encodeURIComponent(s.schedule_name) + "/history?limit=5");
    for (const h of history) runs.push(Object.assign({ schedule_name: s.schedule_name }, h));
  }
  runs.sort((a, b) => String(b.start_time).localeCompare(String(a.start_time)));
  fill("runs", runs.slice(0, 15), (tr, h) => {
    cell(tr, h.schedule_name);
    cell(tr, h.run_id);
    timeCell(tr, h.start_time);
    timeCell(tr, h.end_time);
    cell(tr, h.status, statusClass(h.status));
    cell(tr, h.rows);
    cell(tr, h.error_message || "", "err");
  }, "no runs yet");
}

async function renderLive() {
  const q = document.getElementById("livequery").value;
  const meta = document.getElementById("livemeta");
  const table = document.getElementById("live");
  try {
    const { results } = await api("/api/query", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ sql: q }) });
    const r = results[results.length - 1] || { columns: [], rows: [], tag: "" };
    const head = document.createElement("tr");
    const types = (r.columns || []).map(c => c.type);
    for (const c of r.columns || []) {
      const th = document.createElement("th");
      th.textContent = c.name;
      head.appendChild(th);
    }
    table.tHead.replaceChildren(head);
    fill("live", r.rows || [], (tr, row) => {
      tr.className = "liverow";
      row.forEach((v, i) => cell(tr, liveValue(v, types[i])));
    }, "no rows");
    meta.textContent = r.tag + (r.truncated ? " (truncated)" : "") + " at " + new Date().toLocaleTimeString();
    meta.className = "";
  } catch (e) {
    table.tHead.replaceChildren();
    table.tBodies[0].replaceChildren();
    meta.textContent = e.message;
    meta.className = "bad";
  }
}

function showError(e) {
  const st = document.getElementById("status");
  st.textContent = "error: " + e.message;
  st.className = "bad";
}

async function tick() {
  const results = await Promise.allSettled([renderStreams(), renderViews(), renderRefreshes(), renderSchedules(), renderLive()]);
  const failed = results.filter(r => r.status === "rejected");
  if (failed.length) {
    showError(failed[0].reason);
  } else {
    const st = document.getElementById("status");
    st.textContent = "updated " + new Date().toLocaleTimeString();
    st.className = "";
  }
  document.body.dataset.ready = "1";
}

async function main() {
  try {
    const cfg = await api("/api/config");
    const params = new URLSearchParams(location.search);
    document.getElementById("livequery").value = params.get("q") || cfg.liveQuery;
  } catch (e) {
    showError(e);
  }
  document.getElementById("liveform").onsubmit = ev => { ev.preventDefault(); renderLive(); };
  await tick();
  setInterval(tick, POLL_MS);
}

main();

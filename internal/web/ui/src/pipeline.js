// The pipeline page: DynamoDB tables -> streams -> streaming views ->
// materialized views -> procedures -> tables, with live figures from
// server-sent events.
import { el } from "./main.js";
import { layoutPipeline, rate, ago, bytes } from "./logic.js";

const KIND_LABEL = {
  dynamodb_table: "DynamoDB table",
  stream: "stream",
  kafka_topic: "topic",
  streaming_view: "streaming view",
  materialized_view: "materialized view",
  procedure: "procedure",
  table: "table",
};

function fig(label, value, cls) {
  return el("div", { class: "fig" + (cls ? " " + cls : "") }, el("span", { class: "k" }, label), el("span", { class: "v" }, value));
}

function statusClass(s) {
  if (!s) return "";
  const l = s.toLowerCase();
  if (l.includes("fail") || l.includes("error") || l === "missing") return "bad";
  if (l.includes("success") || l.includes("succeeded") || l === "active") return "ok";
  return "";
}

function card(n) {
  const c = el("div", { class: "node " + n.kind, "data-node": n.id },
    el("div", { class: "kind" }, KIND_LABEL[n.kind] || n.kind),
    el("div", { class: "name", title: n.name }, n.name));
  const figs = el("div", { class: "figs" });
  if (n.kind === "dynamodb_table") {
    figs.append(fig("writes", rate(n.writesPerSec), "rate"));
    figs.append(fig("items", (n.items ?? 0).toLocaleString("en-US"), "items"));
    figs.append(fig("size", bytes(n.sizeBytes), "size"));
    figs.append(fig("status", n.status || "", statusClass(n.status)));
    if (n.dynamodbStream) figs.append(fig("DynamoDB stream", n.dynamodbStream.toLowerCase().replaceAll("_", " "), "ddbstream"));
    const dests = n.destinations || [];
    if (!dests.length) figs.append(el("div", { class: "fig dest none" }, "no streaming destination"));
    for (const d of dests) {
      figs.append(el("div", { class: "fig dest", "data-stream": d.stream },
        el("span", { class: "k" }, "→ " + d.stream), el("span", { class: "v " + statusClass(d.status) }, d.status)));
    }
  }
  if (n.kind === "stream") {
    figs.append(fig("in", rate(n.recordsPerSec), "rate"));
    figs.append(fig("status", n.status || "", statusClass(n.status)));
    const open = (n.shards || []).filter((s) => !s.closed).length;
    figs.append(fig("shards", `${open} open / ${(n.shards || []).length}`));
  }
  if (n.rows !== undefined) figs.append(fig("rows", n.rows.toLocaleString("en-US"), "rows"));
  if (n.kind !== "stream" && n.recordsPerSec !== undefined) figs.append(fig("rows/s", rate(n.recordsPerSec), "rate"));
  if (n.kind === "streaming_view") {
    const caught = n.pendingShards === 0;
    figs.append(fig("lag", caught ? "caught up" : `≤ ${n.lagRecords} rec, ${(n.lagMs / 1000).toFixed(1)} s`, caught ? "ok" : "warn"));
  }
  if (n.kind === "streaming_view" || n.kind === "materialized_view") {
    figs.append(fig("refreshed", ago(n.lastRefresh), "time"));
    if (n.refreshStatus) figs.append(fig("status", n.refreshStatus, statusClass(n.refreshStatus)));
  }
  if (n.kind === "procedure") {
    figs.append(fig("last call", ago(n.lastCall), "time"));
    for (const s of n.schedules || []) {
      figs.append(el("div", { class: "sched", "data-schedule": s.name },
        el("div", { class: "sname" }, "schedule " + s.name),
        fig(s.schedule, s.state, statusClass(s.state)),
        fig("last run", s.lastRun ? `${ago(s.lastRun)}: ${s.lastStatus}` : "not yet", "lastrun " + statusClass(s.lastStatus)),
        s.error ? el("div", { class: "fig bad err" }, s.error) : null));
    }
  }
  if (n.kind === "stream" && n.shards && n.shards.length) {
    const sh = el("details", { class: "shards" }, el("summary", {}, "shards"));
    for (const s of n.shards) sh.append(el("div", { class: "shard" + (s.closed ? " closed" : "") }, s.id.replace("shardId-", "#"), " ", el("code", {}, s.lastSequenceNumber || "empty")));
    figs.append(sh);
  }
  c.append(figs);
  return c;
}

function drawEdges(svg, board, edges) {
  const box = board.getBoundingClientRect();
  svg.setAttribute("width", board.scrollWidth);
  svg.setAttribute("height", board.scrollHeight);
  svg.replaceChildren();
  const ns = "http://www.w3.org/2000/svg";
  for (const e of edges) {
    const a = board.querySelector(`[data-node="${CSS.escape(e.from)}"]`);
    const b = board.querySelector(`[data-node="${CSS.escape(e.to)}"]`);
    if (!a || !b) continue;
    const ra = a.getBoundingClientRect();
    const rb = b.getBoundingClientRect();
    let d;
    if (rb.left >= ra.right - 1) {
      const x1 = ra.right - box.left, y1 = ra.top + ra.height / 2 - box.top;
      const x2 = rb.left - box.left, y2 = rb.top + rb.height / 2 - box.top;
      const mx = (x1 + x2) / 2;
      d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
    } else {
      // Stacked (narrow screens): from the bottom of one to the top of the next.
      const x1 = ra.left + 24 - box.left, y1 = ra.bottom - box.top;
      const x2 = rb.left + 24 - box.left, y2 = rb.top - box.top;
      d = `M${x1},${y1} L${x2},${y2}`;
    }
    const p = document.createElementNS(ns, "path");
    p.setAttribute("d", d);
    p.setAttribute("class", "edge");
    p.dataset.from = e.from;
    p.dataset.to = e.to;
    svg.append(p);
  }
}

export function pipelinePage(root) {
  const status = el("span", { id: "live", class: "live" }, "connecting…");
  const board = el("div", { class: "board", id: "pipeline" });
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.classList.add("edges");
  const errors = el("section", { id: "scanerrors" });
  const schedules = el("section", { id: "schedules" });
  root.append(el("div", { class: "pagehead" }, el("h2", {}, "Pipeline"), status), el("div", { class: "boardwrap" }, svg, board), schedules, errors);
  let last = null;
  const render = (p) => {
    last = p;
    const cols = layoutPipeline(p);
    board.replaceChildren();
    if (!cols.length) board.append(el("p", { class: "empty" }, "Nothing yet: create a DynamoDB table with a Kinesis streaming destination, or a stream, then an external schema and a materialized view (see the README)."));
    for (const c of cols) board.append(el("div", { class: "col" }, el("h3", {}, c.title), c.nodes.map(card)));
    drawEdges(svg, board, p.edges);
    schedules.replaceChildren(el("h3", {}, "Schedules"));
    if (!p.schedules.length) schedules.append(el("p", { class: "empty" }, "No schedules (CREATE SCHEDULE name EVERY 30 SECONDS AS CALL sp())."));
    else {
      const tb = el("tbody");
      for (const s of p.schedules) {
        tb.append(el("tr", { "data-schedule": s.name },
          el("td", {}, s.name), el("td", {}, s.schedule), el("td", { class: statusClass(s.state === "active" ? "active" : "") }, s.state),
          el("td", {}, s.lastRun ? ago(s.lastRun) : "not yet"), el("td", { class: statusClass(s.lastStatus) }, s.lastStatus || ""),
          el("td", { class: "bad" }, s.error || ""), el("td", {}, el("code", {}, s.sql || ""))));
      }
      schedules.append(el("div", { class: "scroll" }, el("table", { class: "grid" },
        el("thead", {}, el("tr", {}, ["schedule", "when", "state", "last run", "status", "error", "sql"].map((h) => el("th", {}, h)))), tb)));
    }
    errors.replaceChildren(el("h3", {}, "Scan errors"));
    if (!p.scanErrors.length) errors.append(el("p", { class: "empty" }, "No records failed to ingest."));
    else {
      const t = el("table", { class: "grid" }, el("thead", {}, el("tr", {}, ["view", "stream", "shard", "position", "time", "reason", "record"].map((h) => el("th", {}, h)))));
      const tb = el("tbody");
      for (const e of p.scanErrors) {
        tb.append(el("tr", { class: "scanerror" }, [e.view, e.stream, e.shard, e.position, e.time, e.reason].map((v) => el("td", {}, String(v ?? ""))), el("td", {}, el("code", { class: "record" }, e.record || "(no longer in the stream)"))));
      }
      t.append(tb);
      errors.append(el("div", { class: "scroll" }, t));
    }
    status.textContent = "live · " + new Date(p.at).toLocaleTimeString();
    status.className = "live ok";
    document.body.dataset.ready = "pipeline";
  };
  const es = new EventSource("/api/pipeline/events");
  es.addEventListener("pipeline", (ev) => render(JSON.parse(ev.data)));
  es.addEventListener("error", (ev) => {
    if (ev.data) {
      status.textContent = "error: " + JSON.parse(ev.data).message;
    } else {
      status.textContent = "reconnecting…";
    }
    status.className = "live bad";
  });
  const onResize = () => last && drawEdges(svg, board, last.edges);
  window.addEventListener("resize", onResize);
  return () => {
    es.close();
    window.removeEventListener("resize", onResize);
  };
}

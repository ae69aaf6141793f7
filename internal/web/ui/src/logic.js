// Page logic that is not rendering: kept free of the DOM so Vitest can test it.

/** Column types the server reports (warehouse kinds) that hold numbers. */
const NUMERIC = new Set(["int2", "int4", "int8", "float4", "float8", "numeric", "bigint", "integer", "smallint", "real", "double", "decimal"]);
/** Column types that are points in time (a time axis). */
const TEMPORAL = new Set(["timestamp", "timestamptz", "date"]);

export function isNumeric(type) {
  return NUMERIC.has(String(type).toLowerCase());
}

export function isTemporal(type) {
  return TEMPORAL.has(String(type).toLowerCase());
}

/** CHART_TYPES are the chart types a panel can have. */
export const CHART_TYPES = ["line", "bar", "area", "pie", "number", "table"];

/**
 * suggestChart picks a chart for a result: a time column on x and the
 * numbers as y gives a line; a text column and numbers gives a bar; one
 * number alone gives a single number; anything else a table. A second
 * text column, with a time x, splits the rows into series.
 */
export function suggestChart(columns) {
  const time = columns.find((c) => isTemporal(c.type));
  const nums = columns.filter((c) => isNumeric(c.type)).map((c) => c.name);
  const texts = columns.filter((c) => !isNumeric(c.type) && !isTemporal(c.type)).map((c) => c.name);
  if (columns.length === 1 && nums.length === 1) return { type: "number", y: nums };
  if (time && nums.length) {
    const chart = { type: "line", x: time.name, y: nums };
    if (texts.length) {
      chart.series = texts[0];
      chart.y = nums.slice(0, 1);
    }
    return chart;
  }
  if (texts.length && nums.length) return { type: "bar", x: texts[0], y: nums };
  return { type: "table" };
}

/** toNumber reads a JSON cell as a number (numerics arrive as strings). */
export function toNumber(v) {
  if (v === null || v === undefined || v === "") return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** toTime reads a timestamp cell ("2026-01-02T03:04:05", UTC) as epoch ms. */
export function toTime(v) {
  if (v === null || v === undefined) return null;
  let s = String(v);
  if (/^\d{4}-\d\d-\d\d$/.test(s)) s += "T00:00:00";
  if (!/[zZ]|[+-]\d\d:?\d\d$/.test(s)) s += "Z";
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

/**
 * chartOption turns a result and a chart into an ECharts option. Rows are
 * arrays in the order of columns. It throws an Error naming what is missing
 * when the chart's columns are not in the result.
 */
export function chartOption(chart, columns, rows) {
  const index = Object.fromEntries(columns.map((c, i) => [c.name, i]));
  const col = (name, what) => {
    if (!(name in index)) throw new Error(`${what}: the result has no column "${name}"`);
    return index[name];
  };
  const ys = (chart.y || []).map((y) => col(y, "y"));
  if (chart.type === "number") {
    if (!ys.length) throw new Error("y: pick the column to show");
    const v = rows.length ? rows[0][ys[0]] : null;
    return { kind: "number", value: v, label: chart.y[0] };
  }
  if (chart.type === "table") return { kind: "table" };
  if (!chart.x) throw new Error("x: pick a column");
  const xi = col(chart.x, "x");
  if (!ys.length) throw new Error("y: pick at least one column");
  const tooltip = { trigger: chart.type === "pie" ? "item" : "axis" };
  if (chart.type === "pie") {
    const data = rows.map((r) => ({ name: r[xi] === null ? "(null)" : String(r[xi]), value: toNumber(r[ys[0]]) }));
    return { tooltip, legend: { type: "scroll", bottom: 0 }, series: [{ type: "pie", radius: ["30%", "65%"], data }] };
  }
  const temporal = isTemporal(columns[xi].type);
  const xv = (r) => (temporal ? toTime(r[xi]) : r[xi] === null ? "(null)" : String(r[xi]));
  const base = chart.type === "area" ? "line" : chart.type;
  const mk = (name, data) => {
    const s = { name, type: base, data, showSymbol: data.length < 60 };
    if (chart.type === "area") s.areaStyle = {};
    if (chart.type === "area" || (chart.type === "bar" && chart.series)) s.stack = "total";
    return s;
  };
  let series = [];
  let categories;
  if (chart.series) {
    const si = col(chart.series, "series");
    const groups = new Map();
    for (const r of rows) {
      const key = r[si] === null ? "(null)" : String(r[si]);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(r);
    }
    // Every series gets a value (or null) at every x, in one order: ECharts
    // stacks series by position, so they must line up.
    const xs = [...new Set(rows.map(xv))];
    if (temporal) xs.sort((a, b) => a - b);
    else categories = xs;
    for (const [key, rs] of groups) {
      const byX = new Map(rs.map((r) => [xv(r), toNumber(r[ys[0]])]));
      const vals = xs.map((c) => (byX.has(c) ? byX.get(c) : null));
      series.push(mk(key, temporal ? xs.map((c, i) => [c, vals[i]]) : vals));
    }
  } else {
    if (!temporal) categories = rows.map(xv);
    series = ys.map((i, k) => mk(chart.y[k], temporal ? rows.map((r) => [xv(r), toNumber(r[i])]) : rows.map((r) => toNumber(r[i]))));
  }
  return {
    tooltip,
    legend: { type: "scroll", top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: temporal ? { type: "time" } : { type: "category", data: categories },
    yAxis: { type: "value" },
    series,
  };
}

/**
 * errorRange is where to mark a query error in the editor: position is the
 * server's 1-based character position in the text it ran, which began at
 * offset in the editor (a selection). The mark covers the word there. It
 * returns null when there is no position.
 */
export function errorRange(doc, position, offset = 0) {
  if (!position || position < 1) return null;
  const from = Math.min(doc.length, offset + position - 1);
  let to = from;
  while (to < doc.length && /[\w$."]/.test(doc[to])) to++;
  if (to === from) to = Math.min(doc.length, from + 1);
  return { from, to };
}

/** lineCol turns a character offset into 1-based line and column. */
export function lineCol(doc, offset) {
  const before = doc.slice(0, offset);
  const line = before.split("\n").length;
  return { line, col: offset - before.lastIndexOf("\n") };
}

/** pageLabel says which rows a page shows: "rows 101–200 of 1,234". */
export function pageLabel(offset, shown, total, running) {
  const fmt = (n) => n.toLocaleString("en-US");
  if (total === 0) return running ? "no rows yet" : "no rows";
  return `rows ${fmt(offset + 1)}–${fmt(offset + shown)} of ${fmt(total)}${running ? "+" : ""}`;
}

/** completionSchema turns GET /api/schema into lang-sql's schema option. */
export function completionSchema(tables) {
  const out = {};
  for (const t of tables) {
    out[t.schema] = out[t.schema] || {};
    out[t.schema][t.name] = t.columns.map((c) => ({ label: c.name, type: "property", detail: c.type }));
  }
  return out;
}

/**
 * PIPELINE_COLUMNS of the drawing, left to right, by node kind: the
 * application's DynamoDB tables first, then the streams their changes go
 * to (and other sources), the views, the procedures and the tables they
 * load.
 */
export const PIPELINE_COLUMNS = [
  { kinds: ["dynamodb_table"], title: "DynamoDB tables" },
  { kinds: ["stream", "kafka_topic"], title: "Streams", sources: true },
  { kinds: ["streaming_view"], title: "Streaming views" },
  { kinds: ["materialized_view"], title: "Materialized views" },
  { kinds: ["procedure"], title: "Procedures" },
  { kinds: ["table"], title: "Tables" },
];

/**
 * layoutPipeline places nodes in the drawing's columns. A warehouse table
 * that only feeds views (not loaded by a procedure), and a kind the page
 * does not know, go with the streams, whose column is then titled
 * "Sources". Within a column, a node fed from an earlier column comes in
 * the order of what feeds it (a stream level with its table), so edges
 * cross less; the rest keep the server's order, after them.
 */
export function layoutPipeline(p) {
  const loaded = new Set(p.edges.filter((e) => e.from.startsWith("procedure:")).map((e) => e.to));
  const sources = PIPELINE_COLUMNS.findIndex((c) => c.sources);
  const cols = PIPELINE_COLUMNS.map((c) => ({ title: c.title, nodes: [] }));
  for (const n of p.nodes) {
    let i = PIPELINE_COLUMNS.findIndex((c) => c.kinds.includes(n.kind));
    if (i < 0 || (n.kind === "table" && !loaded.has(n.id))) i = sources;
    cols[i].nodes.push(n);
  }
  if (cols[sources].nodes.some((n) => !PIPELINE_COLUMNS[sources].kinds.includes(n.kind))) cols[sources].title = "Sources";
  const feeds = new Map();
  for (const e of p.edges) {
    if (!feeds.has(e.to)) feeds.set(e.to, []);
    feeds.get(e.to).push(e.from);
  }
  const placed = new Map(); // node id -> its place among the columns drawn so far
  for (const c of cols) {
    const rank = (n) => {
      const r = (feeds.get(n.id) || []).filter((f) => placed.has(f)).map((f) => placed.get(f));
      return r.length ? Math.min(...r) : Infinity;
    };
    const ranked = c.nodes.map((n, i) => ({ n, i, r: rank(n) }));
    ranked.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r < b.r ? -1 : 1));
    c.nodes = ranked.map((x) => x.n);
    for (const n of c.nodes) placed.set(n.id, placed.size);
  }
  return cols.filter((c) => c.nodes.length);
}

/** bytes formats a size in bytes: "512 B", "1.5 KiB", "12 MiB". */
export function bytes(n) {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${v} B`;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** rate formats records per second. */
export function rate(v) {
  if (v === null || v === undefined) return "–";
  if (v === 0) return "0/s";
  if (v < 10) return v.toFixed(1) + "/s";
  return Math.round(v).toLocaleString("en-US") + "/s";
}

/** ago says how long ago an API time (UTC, no zone) was, from now (ms). */
export function ago(ts, now = Date.now()) {
  const t = toTime(ts);
  if (t === null) return "never";
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return s + " s ago";
  if (s < 3600) return Math.floor(s / 60) + " min ago";
  if (s < 86400) return Math.floor(s / 3600) + " h ago";
  return Math.floor(s / 86400) + " d ago";
}

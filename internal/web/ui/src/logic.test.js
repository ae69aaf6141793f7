import { describe, expect, test } from "vitest";
import { chartOption, errorRange, suggestChart, toTime, layoutPipeline, pageLabel, completionSchema, lineCol, ago, bytes } from "./logic.js";

const cols = [
  { name: "day", type: "timestamp" },
  { name: "provider", type: "text" },
  { name: "n", type: "int8" },
  { name: "amount", type: "numeric" },
];
const rows = [
  ["2022-07-08T00:00:00", "PV-123", 2, "100.50"],
  ["2022-07-08T00:00:00", "PV-456", 1, "20.00"],
  ["2022-07-09T00:00:00", "PV-123", 3, "7.25"],
];

describe("suggestChart", () => {
  test("time and numbers with a text column: a line per text value", () => {
    expect(suggestChart(cols)).toEqual({ type: "line", x: "day", y: ["n"], series: "provider" });
  });
  test("text and numbers: bars", () => {
    expect(suggestChart([cols[1], cols[2]])).toEqual({ type: "bar", x: "provider", y: ["n"] });
  });
  test("one number: a single number", () => {
    expect(suggestChart([cols[2]])).toEqual({ type: "number", y: ["n"] });
  });
  test("text only: a table", () => {
    expect(suggestChart([cols[1]])).toEqual({ type: "table" });
  });
});

describe("chartOption", () => {
  test("a time axis, one series per provider, numerics read as numbers", () => {
    const o = chartOption({ type: "line", x: "day", y: ["amount"], series: "provider" }, cols, rows);
    expect(o.xAxis).toEqual({ type: "time" });
    expect(o.series.map((s) => s.name)).toEqual(["PV-123", "PV-456"]);
    expect(o.series[0].data).toEqual([
      [Date.UTC(2022, 6, 8), 100.5],
      [Date.UTC(2022, 6, 9), 7.25],
    ]);
    // PV-456 has no row on the 9th: a null there keeps stacked series aligned.
    expect(o.series[1].data).toEqual([
      [Date.UTC(2022, 6, 8), 20],
      [Date.UTC(2022, 6, 9), null],
    ]);
  });
  test("bars over categories, series aligned on the categories", () => {
    const o = chartOption({ type: "bar", x: "provider", y: ["n"] }, cols, rows);
    expect(o.xAxis).toEqual({ type: "category", data: ["PV-123", "PV-456", "PV-123"] });
    expect(o.series).toHaveLength(1);
    expect(o.series[0].data).toEqual([2, 1, 3]);
  });
  test("area is a stacked line with an area", () => {
    const o = chartOption({ type: "area", x: "day", y: ["n", "amount"] }, cols, rows);
    expect(o.series.every((s) => s.type === "line" && s.areaStyle && s.stack === "total")).toBe(true);
  });
  test("pie slices", () => {
    const o = chartOption({ type: "pie", x: "provider", y: ["n"] }, cols, rows.slice(0, 2));
    expect(o.series[0].data).toEqual([
      { name: "PV-123", value: 2 },
      { name: "PV-456", value: 1 },
    ]);
  });
  test("a single number is the first row's value", () => {
    expect(chartOption({ type: "number", y: ["n"] }, cols, rows)).toEqual({ kind: "number", value: 2, label: "n" });
  });
  test("a missing column is a clear error", () => {
    expect(() => chartOption({ type: "line", x: "nope", y: ["n"] }, cols, rows)).toThrow('x: the result has no column "nope"');
    expect(() => chartOption({ type: "bar", x: "provider", y: [] }, cols, rows)).toThrow("y: pick at least one column");
  });
});

describe("errorRange", () => {
  test("the 1-based position marks the word there", () => {
    const doc = "select * from no_such_table";
    expect(errorRange(doc, 15)).toEqual({ from: 14, to: 27 });
  });
  test("a selection's offset shifts the mark", () => {
    const doc = "select 1;\nselect * frm t";
    // The server saw only the second line; its position 10 is "frm".
    expect(errorRange(doc, 10, 10)).toEqual({ from: 19, to: 22 });
  });
  test("no position, no mark", () => {
    expect(errorRange("x", 0)).toBeNull();
  });
  test("lineCol", () => {
    expect(lineCol("ab\ncd", 4)).toEqual({ line: 2, col: 2 });
  });
});

test("toTime reads the API's UTC timestamps and dates", () => {
  expect(toTime("2022-07-08T23:59:59")).toBe(Date.UTC(2022, 6, 8, 23, 59, 59));
  expect(toTime("2022-07-08")).toBe(Date.UTC(2022, 6, 8));
  expect(toTime("2022-07-08T23:59:59+02:00")).toBe(Date.UTC(2022, 6, 8, 21, 59, 59));
  expect(toTime(null)).toBeNull();
});

test("ago", () => {
  expect(ago("2022-07-08T00:00:30", Date.UTC(2022, 6, 8, 0, 1, 0))).toBe("30 s ago");
  expect(ago(null)).toBe("never");
});

test("pageLabel", () => {
  expect(pageLabel(100, 100, 1234, false)).toBe("rows 101–200 of 1,234");
  expect(pageLabel(0, 0, 0, true)).toBe("no rows yet");
});

test("completionSchema nests schema, table and columns", () => {
  const s = completionSchema([{ schema: "public", name: "t", columns: [{ name: "a", type: "integer" }] }]);
  expect(s).toEqual({ public: { t: [{ label: "a", type: "property", detail: "integer" }] } });
});

test("layoutPipeline: streams to tables, a table read by views only sits with the streams, in a column then titled Sources", () => {
  const p = {
    nodes: [
      { id: "stream:s", kind: "stream" },
      { id: "view:public.sv", kind: "streaming_view" },
      { id: "view:public.mv", kind: "materialized_view" },
      { id: "procedure:public.p", kind: "procedure" },
      { id: "table:public.fact", kind: "table" },
      { id: "table:public.dim", kind: "table" },
    ],
    edges: [
      { from: "stream:s", to: "view:public.sv" },
      { from: "procedure:public.p", to: "table:public.fact" },
      { from: "table:public.dim", to: "view:public.mv" },
    ],
  };
  const cols = layoutPipeline(p);
  expect(cols.map((c) => [c.title, c.nodes.map((n) => n.id)])).toEqual([
    ["Sources", ["stream:s", "table:public.dim"]],
    ["Streaming views", ["view:public.sv"]],
    ["Materialized views", ["view:public.mv"]],
    ["Procedures", ["procedure:public.p"]],
    ["Tables", ["table:public.fact"]],
  ]);
});

test("layoutPipeline: DynamoDB tables come first, each stream level with the table that feeds it", () => {
  const p = {
    nodes: [
      { id: "stream:clicks", kind: "stream" },
      { id: "stream:audit", kind: "stream" },
      { id: "stream:orders", kind: "stream" },
      { id: "dynamodb_table:orders", kind: "dynamodb_table" },
      { id: "dynamodb_table:users", kind: "dynamodb_table" },
      { id: "dynamodb_table:audit", kind: "dynamodb_table" },
      { id: "view:public.orders_vw", kind: "streaming_view" },
      { id: "view:public.clicks_vw", kind: "streaming_view" },
    ],
    edges: [
      { from: "dynamodb_table:orders", to: "stream:orders" },
      { from: "dynamodb_table:audit", to: "stream:audit" },
      { from: "stream:clicks", to: "view:public.clicks_vw" },
      { from: "stream:orders", to: "view:public.orders_vw" },
    ],
  };
  expect(layoutPipeline(p).map((c) => [c.title, c.nodes.map((n) => n.id)])).toEqual([
    ["DynamoDB tables", ["dynamodb_table:orders", "dynamodb_table:users", "dynamodb_table:audit"]],
    // Fed streams in their tables' order; a stream no table feeds after them.
    ["Streams", ["stream:orders", "stream:audit", "stream:clicks"]],
    ["Streaming views", ["view:public.orders_vw", "view:public.clicks_vw"]],
  ]);
});

test("layoutPipeline: a kind the page does not know is drawn with the sources", () => {
  const p = { nodes: [{ id: "kafka_topic:t", kind: "kafka_topic" }, { id: "x:y", kind: "something_new" }], edges: [] };
  expect(layoutPipeline(p).map((c) => [c.title, c.nodes.map((n) => n.id)])).toEqual([["Sources", ["kafka_topic:t", "x:y"]]]);
});

test("bytes", () => {
  expect(bytes(0)).toBe("0 B");
  expect(bytes(1023)).toBe("1023 B");
  expect(bytes(1536)).toBe("1.5 KiB");
  expect(bytes(50 * 1024 * 1024)).toBe("50 MiB");
  expect(bytes(undefined)).toBe("–");
});

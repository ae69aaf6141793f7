// Drawing a chart (logic.chartOption) with Apache ECharts, or a single
// number, or a table, into an element.
import * as echarts from "echarts/core";
import { LineChart, BarChart, PieChart } from "echarts/charts";
import { GridComponent, TooltipComponent, LegendComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import { chartOption, isNumeric } from "./logic.js";
import { el } from "./main.js";

echarts.use([LineChart, BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);

/** resultTable renders rows (arrays) under typed column headers. */
export function resultTable(columns, rows, rowClass = "row") {
  const head = el("tr", {}, columns.map((c) => el("th", {}, el("span", { class: "cname" }, c.name), el("span", { class: "ctype" }, c.type))));
  const body = el("tbody");
  for (const r of rows) {
    body.append(el("tr", { class: rowClass }, r.map((v, i) => el("td", { class: v === null ? "null" : isNumeric(columns[i].type) ? "num" : "" }, v === null ? "NULL" : typeof v === "object" ? JSON.stringify(v) : String(v)))));
  }
  return el("table", { class: "grid result" }, el("thead", {}, head), body);
}

/**
 * drawChart draws chart for the result into box and returns a function
 * that disposes of it. A chart that cannot be drawn shows why.
 */
export function drawChart(box, chart, columns, rows) {
  box.replaceChildren();
  let opt;
  try {
    opt = chartOption(chart, columns, rows);
  } catch (e) {
    box.append(el("p", { class: "error chart-error" }, e.message));
    return () => {};
  }
  if (opt.kind === "number") {
    const v = opt.value;
    box.append(el("div", { class: "bignumber" }, el("div", { class: "value" }, v === null ? "–" : typeof v === "number" ? v.toLocaleString("en-US") : String(v)), el("div", { class: "label" }, opt.label)));
    return () => {};
  }
  if (opt.kind === "table") {
    box.append(el("div", { class: "scroll" }, resultTable(columns, rows.slice(0, 500))));
    return () => {};
  }
  const div = el("div", { class: "echart" });
  box.append(div);
  const c = echarts.init(div, null, { renderer: "svg" });
  c.setOption(opt);
  const ro = new ResizeObserver(() => c.resize());
  ro.observe(div);
  return () => {
    ro.disconnect();
    c.dispose();
  };
}

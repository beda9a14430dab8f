// Indicator charts: Apache ECharts (SVG renderer) over /api/indicators/{id}/series. Reported values are
// filled circles, targets hollow diamonds with a dashed line at their value, international values triangles;
// every point opens its evidence sentence, and the points are listed under the chart with their sources.
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;         // the page shows why (libraries not installed)
  const FONT = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
  const STYLE = {
    "reported/-": { colour: "#1d5fa8", symbol: "circle" },
    "reported/domestic": { colour: "#c0392b", symbol: "circle" },
    "reported/international": { colour: "#2a9d8f", symbol: "triangle" },
    "target/-": { colour: "#f28e2b", symbol: "diamond" },
    "target/domestic": { colour: "#d35400", symbol: "diamond" },
    "target/international": { colour: "#8e6bb0", symbol: "diamond" },
  };

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function describe(p) {
    const who = p.subject ? p.subject.label + " · " : "";
    const by = p.policy ? " · " + p.policy.label : "";
    return `${who}${p.value_text || p.value}${p.year !== null ? " (" + p.year + ")" : ""}${by}`;
  }

  async function draw(root) {
    root.dataset.state = "loading";
    let data;
    try {
      const resp = await fetch(root.dataset.seriesUrl, { headers: { Accept: "application/json" } });
      data = await resp.json();
      if (!resp.ok) throw new Error((data.error || resp.status) + ": " + data.detail);
    } catch (e) {
      root.append(el("p", { class: "error" }, "错误 error: " + e.message));
      root.dataset.state = "error";
      return;
    }
    const points = data.series.flatMap((s) => s.points);
    root.dataset.pointCount = String(points.length);
    root.dataset.targetCount = String(points.filter((p) => p.kind === "target").length);
    if (!points.length) {
      root.append(el("p", { class: "muted" }, "没有数值观测 no numeric observations"));
      root.dataset.state = "ready";
      return;
    }
    const canvas = root.querySelector(".chart-canvas");
    const chart = echarts.init(canvas, null, { renderer: "svg" });
    root.chart = chart;
    const n = data.series.length;
    const series = data.series.map((s, i) => {
      const style = STYLE[s.key] || STYLE["reported/-"];
      const target = s.kind === "target";
      return {
        name: s.label + (s.label_en ? " " + s.label_en : ""), type: "scatter", symbol: style.symbol,
        symbolSize: target ? 16 : 13, symbolOffset: [(i - (n - 1) / 2) * 14, 0], cursor: "pointer",
        itemStyle: target ? { color: "#fff", borderColor: style.colour, borderWidth: 2.5 } : { color: style.colour },
        label: { show: true, position: "right", fontFamily: FONT, fontSize: 11, color: "#3e4c59",
                 formatter: (d) => d.data.point.value_text || String(d.data.value[1]) },
        data: s.points.map((p) => ({ value: [p.x, p.value], point: p, series: s })),
        markLine: target ? { symbol: "none", silent: true, lineStyle: { type: "dashed", color: style.colour },
                             label: { formatter: "目标 {c}", fontFamily: FONT, color: style.colour },
                             data: [...new Set(s.points.map((p) => p.value))].map((v) => ({ yAxis: v })) } : undefined,
      };
    });
    chart.setOption({
      animation: false, textStyle: { fontFamily: FONT },
      legend: { top: 0, textStyle: { fontFamily: FONT } },
      grid: { left: 60, right: 90, top: 40, bottom: 50 },
      // ECharts renders a tooltip string as HTML: every piece of it comes from documents, so it is escaped
      tooltip: { trigger: "item", formatter: (d) => {
        const p = d.data.point, esc = echarts.format.encodeHTML;
        return `${esc(d.data.series.label)}<br>${esc(describe(p))}<br>` +
               (p.evidence ? esc(`${p.evidence.document_title || p.evidence.document_id} · s${p.evidence.index}`) : "");
      } },
      xAxis: { type: "category", data: data.categories, name: "年份 / 对象", nameLocation: "middle", nameGap: 30,
               axisLabel: { fontFamily: FONT, interval: 0 } },
      // values near each other (an index against its targets) get a fitted axis; a domestic-international
      // comparison starts at zero, so the distance between the values reads true
      yAxis: { type: "value", scale: !data.series.some((s) => s.scope === "international"),
               name: data.units.join(", "), axisLabel: { fontFamily: FONT } },
      series: series,
    });
    chart.on("click", (d) => {
      const ev = d.data && d.data.point && d.data.point.evidence;
      if (ev && ev.url) window.location.href = ev.url;
    });
    const list = root.querySelector(".chart-points");
    for (const s of data.series) {
      for (const p of s.points) {
        const li = el("li", { class: "chart-point", "data-kind": p.kind, "data-scope": p.scope || "",
                              "data-x": p.x, "data-value": String(p.value) });
        li.append(el("span", { class: "point-kind k-" + p.kind }, s.label), " ", describe(p), " — ");
        if (p.evidence) {
          li.append(el("a", { href: p.evidence.url, class: "point-evidence" },
                       `${p.evidence.document_title || p.evidence.document_id} · 句 s${p.evidence.index}`),
                    ` · 原文偏移 offsets ${p.evidence.source_start}–${p.evidence.source_end}`);
        }
        list.append(li);
      }
    }
    if (data.skipped) list.append(el("li", { class: "muted" }, `${data.skipped} 条非数值观测未绘出 non-numeric observations not drawn`));
    window.addEventListener("resize", () => chart.resize());
    root.dataset.state = "ready";
  }

  document.querySelectorAll(".indicator-chart").forEach(draw);
})();

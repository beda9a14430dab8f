// The SPARQL page: YASGUI (@zazuko/yasgui) on this server's /sparql, with the project's prefixes, completion of
// the ontology's classes and properties, and the canned queries of queries/*.rq as tabs. Nothing is fetched
// from prefix.cc or LOV: completion comes from the page.
(function () {
  "use strict";
  if (typeof Yasgui === "undefined") return;          // the page shows why (libraries not installed)
  const app = document.getElementById("sparql-app");
  const base = app.dataset.base;
  const prefixes = JSON.parse(app.dataset.prefixes);
  const canned = JSON.parse(app.dataset.queries);
  const terms = JSON.parse(app.dataset.terms);
  const status = document.getElementById("status");
  const format = document.getElementById("result-format");
  const endpoint = window.location.origin + "/sparql";
  const prologue = Object.entries(prefixes).map(([p, ns]) => `PREFIX ${p}: <${ns}>`).join("\n");
  const example = prologue + "\n\nSELECT ?product ?label (COUNT(?claim) AS ?claims) WHERE {\n" +
    "  ?product a nqi:BottleneckProduct ; rdfs:label ?label ; nqi:bottleneckEvidence ?claim .\n" +
    "} GROUP BY ?product ?label ORDER BY DESC(?claims) LIMIT 20\n";

  // prefix completion reads prefix.cc's JSON format; here it is the project's prefixes, from the page
  const prefixJson = URL.createObjectURL(new Blob([JSON.stringify(prefixes)], { type: "application/json" }));
  Yasgui.Yasqe.forkAutocompleter("class", { name: "nqiClass", bulk: true, persistenceId: null,
                                            get: () => terms.classes }, false);
  Yasgui.Yasqe.forkAutocompleter("property", { name: "nqiProperty", bulk: true, persistenceId: null,
                                               get: () => terms.properties }, false);

  // a YASR plugin drawing SELECT results with ECharts: a bar per row, one series per numeric column, labelled
  // by the first other column (ECharts is served from this server too; Google Charts would need the network)
  class ChartPlugin {
    constructor(yasr) { this.yasr = yasr; this.priority = 5; this.label = "Chart"; this.chart = null; }
    columns() {
      const r = this.yasr.results;
      const rows = (r && r.getBindings && r.getBindings()) || [];
      const vars = (r && r.getVariables && r.getVariables()) || [];
      const numeric = vars.filter((v) => rows.some((b) => b[v]) &&
        rows.every((b) => !b[v] || (b[v].type !== "uri" && b[v].value !== "" && isFinite(Number(b[v].value)))));
      const other = vars.filter((v) => !numeric.includes(v));     // a label column: literals first, else IRIs
      return { rows: rows, numeric: numeric,
               label: other.find((v) => rows.some((b) => b[v] && b[v].type === "literal")) || other[0] };
    }
    canHandleResults() { return typeof echarts !== "undefined" && this.columns().numeric.length > 0; }
    getIcon() { const i = document.createElement("span"); i.className = "yasr-chart-icon"; i.textContent = "▮▮"; return i; }
    draw() {
      const { rows, numeric, label } = this.columns();
      const shown = rows.slice(0, 200);
      const name = (b) => { const t = label && b[label]; return t ? (t.type === "uri" && t.value.startsWith(base) ? t.value.slice(base.length) : t.value) : ""; };
      const box = document.createElement("div");
      box.className = "yasr-chart";
      this.yasr.resultsEl.appendChild(box);
      this.chart = echarts.init(box, null, { renderer: "svg" });
      this.chart.setOption({
        animation: false, tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 60, right: 20, top: 36, bottom: 110 },
        xAxis: { type: "category", data: shown.map(name), axisLabel: { rotate: 40, interval: 0 } },
        yAxis: { type: "value" },
        series: numeric.slice(0, 6).map((v) => ({ name: "?" + v, type: "bar",
                                                   data: shown.map((b) => (b[v] ? Number(b[v].value) : null)) })),
      });
    }
    destroy() { if (this.chart) this.chart.dispose(); this.chart = null; }
  }
  Yasgui.Yasr.registerPlugin("chart", ChartPlugin);

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST", acceptHeaderSelect: format.value,
                     acceptHeaderGraph: "text/turtle,*/*;q=0.9" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    persistenceId: "nqikg-yasgui",                    // tabs and their queries stay in the browser
    yasqe: { value: example, prefixCcApi: prefixJson,
             autocompleters: ["prefixes", "variables", "nqiClass", "nqiProperty"] },
    yasr: { prefixes: prefixes, pluginOrder: ["table", "chart", "response"], defaultPlugin: "table" },
  });
  app.yasgui = yasgui;

  // one tab per canned query, added once (tabs persist)
  const open = new Set(yasgui.persistentConfig.getTabs().map((id) => yasgui.persistentConfig.getTab(id).name));
  for (const q of canned) {
    if (!open.has(q.name)) yasgui.addTab(false, { name: q.name, yasqe: { value: q.query } });
  }
  const wanted = window.location.hash.slice(1);
  if (wanted) {
    const id = yasgui.persistentConfig.getTabs().find((t) => yasgui.persistentConfig.getTab(t).name === wanted);
    if (id) yasgui.selectTabId(id);
  }

  // the result format (Accept) of the current tab: JSON, CSV, TSV or XML
  const syncFormat = () => { format.value = yasgui.getTab().getRequestConfig().acceptHeaderSelect || format.value; };
  format.addEventListener("change", () => yasgui.getTab().setRequestConfig({ acceptHeaderSelect: format.value }));
  yasgui.on("tabSelect", () => setTimeout(syncFormat, 0));
  syncFormat();

  yasgui.on("queryBefore", () => { status.textContent = "运行中 running…"; app.dataset.state = "running"; });
  // YASGUI announces the response before YASR reads it: report once the results are drawn
  yasgui.on("queryResponse", (_y, tab) => tab.getYasr().once("drawn", (yasr) => {
    const results = yasr.results;
    const error = results && results.getError();
    if (error) {
      status.textContent = `错误 error ${error.status || ""} ${error.text || error.statusText || ""}`.slice(0, 300);
    } else if (results) {
      const rows = (results.getBindings() || []).length;
      status.textContent = `${rows} 行 rows · ${results.getType()} · ${results.getResponseTime()} ms`;
    }
    app.dataset.state = error ? "error" : "done";
  }));

  // instance IRIs open their page on this server, whatever host the IRI base names
  document.getElementById("yasgui").addEventListener("click", (evt) => {
    const a = evt.target.closest("a[href]");
    if (!a || !a.closest(".yasr") || !a.href.startsWith(base)) return;
    evt.preventDefault();
    window.location.href = "/page/" + a.href.slice(base.length);
  });
})();

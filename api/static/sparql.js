// SPARQL editor: examples from /api/queries, runs the query on /sparql, shows a results table.
(function () {
  "use strict";
  const app = document.getElementById("sparql-app");
  const base = app.dataset.base;
  const editor = document.getElementById("query");
  const examples = document.getElementById("examples");
  const desc = document.getElementById("example-desc");
  const status = document.getElementById("status");
  const box = document.getElementById("results-box");
  let canned = [];

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  async function loadExamples() {
    try {
      const resp = await fetch("/api/queries", { headers: { Accept: "application/json" } });
      canned = await resp.json();
    } catch (e) { canned = []; }
    for (const q of canned) examples.append(el("option", { value: q.name }, q.name + " — " + q.title));
    const wanted = window.location.hash.slice(1);
    if (wanted && canned.some((q) => q.name === wanted)) { examples.value = wanted; choose(); }
  }

  function choose() {
    const q = canned.find((x) => x.name === examples.value);
    if (!q) return;
    editor.value = q.query;
    desc.textContent = q.description;
  }

  function cell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      if (term.value.startsWith(base)) {
        const path = term.value.slice(base.length).split("/").map(encodeURIComponent).join("/");
        td.append(el("a", { href: "/page/" + path }, decodeURIComponent(term.value.slice(base.length))));
      } else {
        td.append(el("code", {}, term.value));
      }
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.append(el("sub", {}, "@" + term["xml:lang"]));
    }
    return td;
  }

  async function run() {
    const text = editor.value;
    status.textContent = "运行中 running…";
    const started = performance.now();
    let resp;
    try {
      resp = await fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded",
                   Accept: "application/sparql-results+json, application/json;q=0.9, application/n-triples;q=0.5, text/turtle;q=0.4" },
        body: new URLSearchParams({ query: text }),
      });
    } catch (e) {
      status.textContent = "错误 error: " + e; return;
    }
    const ms = Math.round(performance.now() - started);
    const type = resp.headers.get("content-type") || "";
    box.replaceChildren();
    if (!resp.ok) {
      let msg = await resp.text();
      try { const j = JSON.parse(msg); msg = (j.error || "") + ": " + (typeof j.detail === "string" ? j.detail : JSON.stringify(j.detail)); } catch (e) { /* text */ }
      status.textContent = "错误 error " + resp.status;
      box.append(el("pre", { class: "error" }, msg));
      return;
    }
    if (type.includes("json")) {
      const data = await resp.json();
      if (typeof data.boolean === "boolean") {
        box.append(el("p", { class: "big" }, "ASK → " + data.boolean));
        status.textContent = `${ms} ms`;
        return;
      }
      const vars = (data.head && data.head.vars) || [];
      const rows = (data.results && data.results.bindings) || [];
      const table = el("table", { class: "data", id: "sparql-results" });
      const tr = el("tr");
      for (const v of vars) tr.append(el("th", {}, "?" + v));
      table.append(el("thead"));
      table.tHead.append(tr);
      const body = el("tbody");
      for (const row of rows) {
        const r = el("tr");
        for (const v of vars) r.append(cell(row[v]));
        body.append(r);
      }
      table.append(body);
      box.append(table);
      status.textContent = `${rows.length} 行 rows · ${ms} ms` + (data.truncated ? " · 已截断 truncated" : "");
    } else {
      box.append(el("pre", { class: "rdf" }, await resp.text()));
      status.textContent = `${ms} ms`;
    }
  }

  examples.addEventListener("change", choose);
  document.getElementById("run").addEventListener("click", run);
  editor.addEventListener("keydown", (ev) => { if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); run(); } });
  loadExamples();
})();

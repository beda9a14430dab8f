// Live search on the home page: queries /api/entities as you type (the form still works without JS).
(function () {
  "use strict";
  const form = document.getElementById("search-form");
  const q = document.getElementById("q");
  const type = document.getElementById("type");
  const box = document.getElementById("results");
  const list = document.getElementById("result-list");
  const count = document.getElementById("result-count");
  const error = document.getElementById("search-error");
  if (!form || !q) return;
  let timer = null, seq = 0;

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  async function run() {
    const query = q.value.trim();
    if (!query && !type.value) { return; }
    const mine = ++seq;
    const params = new URLSearchParams({ q: query, limit: "30" });
    if (type.value) params.set("type", type.value);
    let data;
    try {
      const resp = await fetch("/api/entities?" + params, { headers: { Accept: "application/json" } });
      data = await resp.json();
      if (mine !== seq) return;
      if (!resp.ok) {
        error.hidden = false;
        error.textContent = typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail);
        return;
      }
    } catch (e) {
      error.hidden = false; error.textContent = String(e); return;
    }
    error.hidden = true;
    box.hidden = false;
    count.textContent = data.total;
    list.replaceChildren();
    for (const item of data.items) {
      const li = el("li", { class: "result" });
      const a = el("a", { class: "result-link", href: item.url });
      const dot = el("i", { class: "dot" });
      dot.style.background = window.getComputedStyle(document.documentElement).getPropertyValue("--c-" + item.type) || "#95a5a6";
      a.append(dot, document.createTextNode(item.label));
      li.append(a);
      if (item.label_en) li.append(" ", el("span", { class: "en" }, item.label_en));
      li.append(" ", el("span", { class: "badge" }, (item.type_label || "") + " · " + (item.type || "")));
      if (item.codes.length) li.append(" ", el("span", { class: "code" }, item.codes.join(", ")));
      li.append(" ", el("span", { class: "muted" }, item.match + " · " + item.mentions + " 次提及 mentions"));
      if (item.aliases.length) li.append(el("div", { class: "aliases" }, "别名 aliases: " + item.aliases.slice(0, 6).join("、")));
      list.append(li);
    }
    if (!data.items.length) list.append(el("li", { class: "muted" }, "没有结果 no results"));
    const url = new URL(window.location);
    url.searchParams.set("q", query);
    if (type.value) url.searchParams.set("type", type.value); else url.searchParams.delete("type");
    url.searchParams.delete("offset");
    history.replaceState(null, "", url);
  }

  q.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 200); });
  type.addEventListener("change", run);
  form.addEventListener("submit", (ev) => { ev.preventDefault(); clearTimeout(timer); run(); });
})();

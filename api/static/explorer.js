// Graph explorer: Cytoscape.js (fcose layout) over /api/graph/neighbourhood. A click on a node expands its
// neighbours; a click on an edge shows its evidence sentences; checkboxes filter by relation and entity type.
(function () {
  "use strict";
  if (typeof cytoscape === "undefined") return;      // the page shows why (libraries not installed)
  cytoscape.use(cytoscapeFcose);
  const MAX_NODES = 600;                              // the explorer stops expanding beyond this
  const FONT = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
  const PROVENANCE = { extracted: "抽取自句子 extracted from sentences", inferred: "模型推断 inferred by the classifier",
                       reference: "参考数据 reference data", "co-mention": "同句共现 named in the same sentence" };

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function pageUrl(id) { return "/page/" + id.split("/").map(encodeURIComponent).join("/"); }

  // a sentence with the mentions of the edge's two ends marked and the statement's span underlined
  function sentence(ev) {
    const q = el("blockquote", { class: "sentence" });
    const chars = Array.from(ev.text || "");   // offsets count code points, as the server's do
    const cut = (a, b) => chars.slice(a, b).join("");
    const span = ev.span_start !== null && ev.span_end !== null ? [ev.span_start, ev.span_end] : null;
    const marks = ev.mentions.filter((m) => m.focus && m.start !== null && m.end !== null)
      .sort((a, b) => a.start - b.start);
    let pos = 0;
    const plain = (a, b) => {
      if (a >= b) return;
      const cuts = [a, b];
      if (span) for (const x of span) if (x > a && x < b) cuts.push(x);
      cuts.sort((x, y) => x - y);
      for (let i = 0; i + 1 < cuts.length; i++) {
        const piece = cut(cuts[i], cuts[i + 1]);
        if (span && cuts[i] >= span[0] && cuts[i] < span[1]) q.append(el("span", { class: "clause" }, piece));
        else q.append(piece);
      }
    };
    for (const m of marks) {
      if (m.start < pos) continue;
      plain(pos, m.start);
      q.append(el("mark", { class: "focus", "data-start": m.start, "data-end": m.end }, cut(m.start, m.end)));
      pos = m.end;
    }
    plain(pos, chars.length);
    return q;
  }

  function Explorer(root) {
    this.root = root;
    this.colours = JSON.parse(root.dataset.colours || "{}");
    this.centre = root.dataset.centre;
    this.count = root.querySelector(".node-count");
    this.panel = root.querySelector(".explorer-panel");
    this.note = root.querySelector(".explorer-note");
    this.filters = { relation: root.querySelector(".filter-relation"), type: root.querySelector(".filter-type") };
    this.hidden = { relation: new Set(), type: new Set() };
    this.expanded = new Set();
    this.cy = cytoscape({
      container: root.querySelector(".explorer-canvas"),
      minZoom: 0.15, maxZoom: 3,
      style: [
        { selector: "node", style: {
          // hubs get larger labels, so a zoomed-out picture names them and hides the rest until zoomed in
          "background-color": "data(colour)", label: "data(short)", "font-family": FONT,
          "font-size": "mapData(degree, 0, 40, 10, 16)", color: "#1f2933", "text-valign": "bottom",
          "text-margin-y": 3, "min-zoomed-font-size": 12,
          width: "mapData(degree, 0, 40, 14, 34)", height: "mapData(degree, 0, 40, 14, 34)",
          "text-background-color": "#fff", "text-background-opacity": 0.75, "text-background-padding": 1 } },
        { selector: "node.centre", style: { "border-width": 4, "border-color": "#12355b", "font-size": 14,
                                             "font-weight": 700, "min-zoomed-font-size": 0 } },
        { selector: "node.expanded", style: { "border-width": 2, "border-color": "#52606d" } },
        { selector: "node.centre.expanded", style: { "border-width": 4, "border-color": "#12355b" } },
        { selector: "node:selected", style: { "overlay-color": "#1d5fa8", "overlay-opacity": 0.25,
                                              "min-zoomed-font-size": 0 } },
        { selector: "edge", style: {
          width: 1.6, "line-color": "#7b8794", "target-arrow-color": "#7b8794", "target-arrow-shape": "triangle",
          "arrow-scale": 0.8, "curve-style": "bezier", label: "data(label)", "font-family": FONT, "font-size": 9,
          color: "#52606d", "min-zoomed-font-size": 11, "text-rotation": "autorotate",
          "text-background-color": "#fff", "text-background-opacity": 0.8 } },
        { selector: "edge[provenance = 'co-mention']", style: {
          "line-style": "dashed", "line-color": "#c3ccd5", "target-arrow-shape": "none", width: 1.1, "text-opacity": 0 } },
        { selector: "edge[provenance = 'inferred']", style: { "line-style": "dotted" } },
        { selector: "edge[provenance = 'reference']", style: { "line-color": "#a9b4bf", width: 1.1 } },
        { selector: "edge:selected", style: { width: 3.5, "line-color": "#1d5fa8", "target-arrow-color": "#1d5fa8",
                                              "min-zoomed-font-size": 0, "text-opacity": 1 } },
        { selector: ".filtered", style: { display: "none" } },
      ],
    });
    this.cy.on("tap", "node", (evt) => this.nodeClicked(evt.target));
    this.cy.on("tap", "edge", (evt) => this.showEdge(evt.target));
    root.querySelector(".explorer-fit").addEventListener("click", () => this.cy.fit(undefined, 30));
    root.querySelector(".explorer-relayout").addEventListener("click", () => this.layout(true));
    root.explorer = this;
    this.expand(this.centre, Number(root.dataset.depth || 1));
  }

  Explorer.prototype.setState = function (state) { this.root.dataset.state = state; };

  Explorer.prototype.expand = async function (id, depth) {
    if (this.expanded.has(id) && depth === 1) return;
    const size = this.cy.nodes().length;
    if (size >= MAX_NODES) { this.say(`已达 ${MAX_NODES} 个节点上限 the explorer holds at most ${MAX_NODES} nodes`); return; }
    this.setState("loading");
    const params = new URLSearchParams({ id: id, depth: String(depth), limit: String(Math.min(200, MAX_NODES - size + 1)) });
    let data;
    try {
      const resp = await fetch("/api/graph/neighbourhood?" + params, { headers: { Accept: "application/json" } });
      data = await resp.json();
      if (!resp.ok) throw new Error((data.error || resp.status) + ": " + JSON.stringify(data.detail));
    } catch (e) {
      this.say("错误 error: " + e.message); this.setState("error"); return;
    }
    const origin = this.cy.getElementById(id);
    const at = origin.nonempty() ? origin.position() : { x: 0, y: 0 };
    const added = [];
    for (const n of data.nodes) {
      if (n.distance < depth) this.expanded.add(n.id);
      if (this.cy.getElementById(n.id).nonempty()) continue;
      added.push({ group: "nodes", position: { x: at.x + (Math.random() - 0.5) * 80, y: at.y + (Math.random() - 0.5) * 80 },
                   data: { id: n.id, label: n.label, short: n.label.length > 12 ? n.label.slice(0, 11) + "…" : n.label,
                           type: n.type || "Resource", type_label: n.type_label, degree: n.degree, url: n.url,
                           colour: this.colours[n.type] || "#95a5a6", mentions: n.mentions } });
    }
    for (const e of data.edges) {
      if (this.cy.getElementById(e.id).nonempty()) continue;
      added.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, property: e.property,
                                           label: e.label, label_en: e.label_en, provenance: e.provenance, edge: e } });
    }
    this.cy.add(added);
    this.cy.nodes().forEach((n) => n.toggleClass("expanded", this.expanded.has(n.id())));
    this.cy.getElementById(this.centre).addClass("centre");
    if (data.truncated) this.say("邻域已截断 the neighbourhood was cut at the node limit");
    this.refreshFilters();
    this.applyFilters();
    this.layout(size === 0);
  };

  Explorer.prototype.layout = function (fresh) {
    const visible = this.cy.elements().not(".filtered");
    const done = () => {
      if (this.cy.zoom() > 1.3) { this.cy.zoom(1.3); this.cy.center(visible); }   // a few nodes: not oversized
      this.updateCount();
      this.setState("ready");
    };
    if (visible.nodes().length < 2) { this.cy.fit(undefined, 40); done(); return; }
    const layout = visible.layout({
      name: "fcose", quality: "proof", randomize: !!fresh, animate: false, fit: true, padding: 30,
      nodeRepulsion: () => 12000, idealEdgeLength: () => 90, edgeElasticity: () => 0.3, nodeSeparation: 80,
      packComponents: true,
    });
    layout.one("layoutstop", done);
    layout.run();
  };

  Explorer.prototype.updateCount = function () {
    const nodes = this.cy.nodes().length, shown = this.cy.nodes().not(".filtered").length;
    const edges = this.cy.edges().not(".filtered").length;
    this.count.dataset.nodeCount = String(nodes);
    this.count.dataset.visibleCount = String(shown);
    this.count.textContent = `${shown}${shown !== nodes ? " / " + nodes : ""} 节点 nodes · ${edges} 边 edges`;
  };

  Explorer.prototype.say = function (text) { if (this.note) this.note.textContent = text; };

  Explorer.prototype.nodeClicked = function (node) {
    this.showNode(node);
    if (!this.expanded.has(node.id())) this.expand(node.id(), 1);
  };

  Explorer.prototype.showNode = function (node) {
    const d = node.data();
    const box = this.panel;
    box.replaceChildren();
    box.append(el("h3", { class: "panel-title" }, d.label));
    box.append(el("p", { class: "muted" }, `${d.type_label || d.type} · ${d.mentions} 次提及 mentions · ` +
                                            `${d.degree} 个关联实体 linked entities`));
    const links = el("p");
    links.append(el("a", { href: d.url }, "打开页面 open page"), " · ",
                 el("a", { href: "/explore?id=" + encodeURIComponent(d.id) }, "以其为中心 centre here"));
    box.append(links);
  };

  Explorer.prototype.showEdge = function (edge) {
    const e = edge.data("edge");
    const box = this.panel;
    box.replaceChildren();
    const source = this.cy.getElementById(e.source).data("label"), target = this.cy.getElementById(e.target).data("label");
    const title = el("h3", { class: "panel-title edge-title" });
    title.append(el("a", { href: pageUrl(e.source) }, source), ` —${e.label}→ `, el("a", { href: pageUrl(e.target) }, target));
    box.append(title);
    const facts = [e.property, PROVENANCE[e.provenance] || e.provenance];
    if (e.cue) facts.push("线索词 cue " + e.cue);
    if (e.confidence !== null) facts.push("置信度 confidence " + e.confidence.toFixed(2));
    box.append(el("p", { class: "muted" }, facts.join(" · ")));
    if (!e.evidence.length) {
      box.append(el("p", { class: "muted no-evidence" }, e.provenance === "reference"
        ? "来自参考分类数据，无原文句子 from reference data: no source sentence"
        : "分类器推断，无原文句子 inferred by the classifier: no source sentence"));
      return;
    }
    const list = el("ul", { class: "evidence-list edge-evidence" });
    for (const ev of e.evidence) {
      const li = el("li", { class: "evidence" });
      li.append(sentence(ev));
      const meta = el("div", { class: "meta" });
      meta.append(el("a", { href: ev.document_url }, ev.document_title || ev.document_id), " · ",
                  el("a", { href: ev.url }, "句 s" + ev.index),
                  ` · 原文偏移 source offsets ${ev.source_start}–${ev.source_end}`);
      if (ev.span_start !== null) meta.append(` · 陈述范围 span ${ev.span_start}–${ev.span_end}`);
      li.append(meta);
      list.append(li);
    }
    box.append(list);
    if (e.evidence_total > e.evidence.length) box.append(el("p", { class: "muted" }, `… ${e.evidence_total} 句 sentences`));
  };

  // one checkbox per relation type and per entity type present; unchecking hides those edges / nodes
  Explorer.prototype.refreshFilters = function () {
    const facets = {
      relation: new Map(this.cy.edges().map((e) => [e.data("property"), e.data("label") + " · " + e.data("property")])),
      type: new Map(this.cy.nodes().map((n) => [n.data("type"), n.data("type_label") || n.data("type")])),
    };
    for (const [kind, values] of Object.entries(facets)) {
      const box = this.filters[kind];
      const present = new Set([...box.querySelectorAll("input")].map((i) => i.value));
      for (const [value, label] of [...values.entries()].sort()) {
        if (present.has(value)) continue;
        const input = el("input", { type: "checkbox", value: value, name: kind });
        input.checked = !this.hidden[kind].has(value);
        input.addEventListener("change", () => {
          if (input.checked) this.hidden[kind].delete(value); else this.hidden[kind].add(value);
          this.applyFilters();
          this.updateCount();
        });
        const lab = el("label", { class: "facet" });
        if (kind === "type") lab.append(el("i", { class: "dot", style: `background: ${this.colours[value] || "#95a5a6"}` }));
        lab.prepend(input);
        lab.append(label);
        box.append(lab);
      }
    }
  };

  Explorer.prototype.applyFilters = function () {
    const cy = this.cy, hidden = this.hidden;
    cy.batch(() => {
      cy.nodes().forEach((n) => n.toggleClass("filtered", hidden.type.has(n.data("type")) && n.id() !== this.centre));
      cy.edges().forEach((e) => e.toggleClass("filtered", hidden.relation.has(e.data("property")) ||
        e.source().hasClass("filtered") || e.target().hasClass("filtered")));
      // a node whose every edge is hidden leaves the picture too
      cy.nodes().forEach((n) => {
        if (n.id() !== this.centre && !n.hasClass("filtered") && n.connectedEdges().not(".filtered").empty()) {
          n.addClass("filtered");
        }
      });
    });
  };

  document.querySelectorAll(".explorer").forEach((root) => new Explorer(root));
})();

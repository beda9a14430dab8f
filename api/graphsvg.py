"""A picture of an entity's neighbourhood: a radial layout drawn as SVG on the server (no library).

The entity sits in the centre; its neighbours (up to ``MAX_NODES``) sit on one
or two rings around it, each joined by a labelled edge whose arrow shows the
direction of the relation. Nodes link to their pages.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

MAX_NODES = 24

# colour by kind of entity (the nearest of these classes among the node's classes)
COLOURS = {
    "BottleneckProduct": "#c0392b", "Product": "#e15759", "Organization": "#4e79a7", "Policy": "#f28e2b",
    "Law": "#f28e2b", "Plan": "#f28e2b", "Programme": "#f28e2b", "Industry": "#59a14f",
    "MetrologyElement": "#2a9d8f", "StandardsElement": "#c9a227", "Standard": "#c9a227",
    "TestingElement": "#8e6bb0", "CertificationElement": "#d16ba5", "NQIElement": "#6c8ebf",
    "QualityInfrastructure": "#6c8ebf", "Indicator": "#9c755f", "Method": "#7f8c8d", "Location": "#76b7b2",
    "Document": "#95a5a6", "Concept": "#59a14f", "ConceptScheme": "#95a5a6",
}


def colour(kind: str | None) -> str:
    if not kind:
        return "#95a5a6"
    if kind in COLOURS:
        return COLOURS[kind]
    try:
        from ..ontology import vocab
        from ..ontology.iri import NQI
        for cls in vocab.superclasses(NQI + kind):
            name = cls.rsplit("#", 1)[-1]
            if name in COLOURS:
                return COLOURS[name]
    except Exception:
        pass
    return "#95a5a6"


@dataclass(frozen=True)
class Edge:
    label: str           # relation label
    direction: str       # "out": centre → node, "in": node → centre, "both": named together (no arrow)
    node_label: str
    node_type: str | None
    url: str | None


def _short(text: str, n: int = 12) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def render(centre_label: str, centre_type: str | None, edges: list[Edge], *, width: int = 760,
           height: int = 540) -> str:
    """SVG markup of the neighbourhood (a class ``neighbourhood`` svg element)."""
    # one node per neighbour; several relations to the same neighbour share one edge label
    nodes: dict[tuple[str, str | None], dict] = {}
    for e in edges:
        key = (e.node_label, e.url)
        item = nodes.setdefault(key, {"edge": e, "labels": []})
        mark = ({"out": "→", "in": "←"}.get(e.direction, "·"), e.label)
        if mark not in item["labels"]:
            item["labels"].append(mark)
        if item["edge"].direction == "both" and e.direction != "both":
            item["edge"] = e   # a typed relation wins over a co-mention
    items = list(nodes.values())[:MAX_NODES]
    n = len(items)
    if n <= 4:
        height = min(height, 360)
    cx, cy = width / 2, height / 2
    rings = [items] if n <= 14 else [items[::2], items[1::2]]
    # ellipses that use the width of the picture (labels are wider than tall)
    radii = [0.36] if len(rings) == 1 else [0.24, 0.41]
    out = [f'<svg class="neighbourhood" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'role="img" aria-label="{escape(centre_label)} 的关系图 neighbourhood graph">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#7b8794"/></marker></defs>']
    placed = []
    label_at = [0.58] if len(rings) == 1 else [0.66, 0.8]
    for r, (ring, radius) in enumerate(zip(rings, radii)):
        offset = 0 if ring is rings[0] else math.pi / max(len(ring), 1)
        for k, item in enumerate(ring):
            angle = -math.pi / 2 + offset + 2 * math.pi * k / max(len(ring), 1)
            item["at"] = label_at[r]
            placed.append((item, cx + radius * (width - 120) * math.cos(angle),
                           cy + radius * (height - 40) * math.sin(angle)))
    node_r, centre_r = 9, 16
    # edges first, then labels, then nodes on top
    for item, x, y in placed:
        e = item["edge"]
        dx, dy = x - cx, y - cy
        d = math.hypot(dx, dy) or 1
        ux, uy = dx / d, dy / d
        x1, y1 = cx + ux * (centre_r + 2), cy + uy * (centre_r + 2)
        x2, y2 = x - ux * (node_r + 3), y - uy * (node_r + 3)
        if e.direction == "both":
            out.append(f'<line class="edge co" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>')
        elif e.direction == "out":
            out.append(f'<line class="edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                       f'marker-end="url(#arrow)"/>')
        else:
            out.append(f'<line class="edge" x1="{x2:.1f}" y1="{y2:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
                       f'marker-end="url(#arrow)"/>')
    for item, x, y in placed:
        marks = [m for m in item["labels"] if m[0] != "·"] or item["labels"]
        arrow = marks[0][0]
        label = " · ".join(_short(lbl, 10) for _, lbl in marks[:2])
        text = label if arrow == "·" else f"{arrow} {label}"
        mx, my = cx + (x - cx) * item["at"], cy + (y - cy) * item["at"]
        w = 7 + 12.5 * sum(1 if ord(c) > 255 else 0.55 for c in text)
        out.append(f'<g class="edge-label"><rect x="{mx - w / 2:.1f}" y="{my - 9:.1f}" width="{w:.1f}" height="17" rx="4"/>'
                   f'<text x="{mx:.1f}" y="{my + 4:.1f}" text-anchor="middle">{escape(text)}</text>'
                   f'<title>{escape("; ".join(a + " " + b for a, b in item["labels"]))}</title></g>')
    for item, x, y in placed:
        e = item["edge"]
        below = y >= cy - 1
        ty = y + (node_r + 15) if below else y - (node_r + 7)
        node = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{node_r}" fill="{colour(e.node_type)}"/>'
                f'<text x="{x:.1f}" y="{ty:.1f}" text-anchor="middle">{escape(_short(e.node_label))}</text>'
                f'<title>{escape(e.node_label)} ({escape(e.node_type or "")})</title>')
        if e.url:
            out.append(f'<a class="node" href="{escape(e.url)}">{node}</a>')
        else:
            out.append(f'<g class="node">{node}</g>')
    out.append(f'<g class="centre"><circle cx="{cx:.1f}" cy="{cy:.1f}" r="{centre_r}" fill="{colour(centre_type)}"/>'
               f'<text x="{cx:.1f}" y="{cy + centre_r + 18:.1f}" text-anchor="middle">{escape(_short(centre_label, 18))}</text></g>')
    if not placed:
        out.append(f'<text class="empty" x="{cx:.1f}" y="{cy - 30:.1f}" text-anchor="middle">'
                   '没有关联实体 · no linked entities</text>')
    out.append("</svg>")
    return "".join(out)

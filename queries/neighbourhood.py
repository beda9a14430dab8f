"""A bounded neighbourhood of an entity for the graph explorer: entities as nodes, and as edges the typed
links between them and their co-mentions, each edge with its evidence.

Edges join two entities of the label index (documents and concept schemes are
left out, as are bookkeeping links such as ``rdf:type``, ``nqi:mentionedIn`` and
``skos:inScheme``). An edge says where it comes from (``provenance``):

* ``extracted`` -- a reified statement read from a sentence (relation classifier or a stated
  GB/T 4754 placement): the sentences, with document, offsets and the supporting span;
* ``inferred`` -- a GB/T 4754 placement ranked by the industry classifier (its confidence);
* ``reference`` -- reference data (the GB/T 4754 hierarchy, ``skos:broader``), no sentence;
* ``co-mention`` -- the two entities are named in the same sentences (those sentences); only for
  pairs no typed edge joins.
"""
from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..ontology.iri import NQI
from ..ontology.namespaces import RDF, SKOS
from .evidence import evidence, order_evidence
from .identifiers import NotFound, curie, follow_merge, id_of, iri_of, local
from .label_index import LabelIndex, summary
from .store_helpers import int_of, iri_values, select, value_of
from .terms import relation_label, resolve_type

MAX_NODES = 500
MAX_DEPTH = 3
MAX_EDGE_EVIDENCE = 5
CO_MENTION = "co-mention"
CO_MENTION_LABELS = ("同句共现", "named in the same sentence")

_SKIP_PREDICATES = {RDF + "type", NQI + "mentionedIn", SKOS + "inScheme", SKOS + "hasTopConcept",
                    SKOS + "narrower"}
_NOT_NODES = {NQI + "Document", SKOS + "ConceptScheme"}
# what ties mentions and reified statements to an entity: never an edge, and the bulk of a hub's triples
_BOOKKEEPING = {NQI + "denotes", RDF + "subject", RDF + "object"}
_NOT_EDGES = ", ".join(f"<{p}>" for p in sorted(_SKIP_PREDICATES | _BOOKKEEPING))


def _is_node(index: LabelIndex, value: str) -> bool:
    e = index.get(value)
    return e is not None and not set(e.types) & _NOT_NODES


def neighbourhood(store: ox.Store, index: LabelIndex, path: str, *, depth: int = 1, limit: int = 150,
                  co_mentions: int = 12, relations: list[str] | None = None,
                  types: list[str] | None = None) -> dict:
    """The entities within ``depth`` links of the entity at ``path`` (at most ``limit`` nodes, nearest first),
    and the edges among them. ``co_mentions`` bounds the co-mention edges per expanded node (0: none);
    ``relations`` keeps only these edge kinds (property CURIEs such as ``nqi:supports``, or ``co-mention``);
    ``types`` keeps only neighbours of these entity types (subclasses included). Raises NotFound, Moved,
    or ValueError for an unknown filter value."""
    follow_merge(store, path)
    centre = iri_of(path)
    if not _is_node(index, centre):
        raise NotFound(f"no entity {path!r} in the graph")
    classes = [resolve_type(t) for t in types or []]
    wanted = set(relations or [])
    nodes: dict[str, int] = {centre: 0}
    edges: dict[tuple[str, str, str], dict] = {}
    truncated = False
    frontier = [centre]
    for distance in range(1, depth + 1):
        found: list[tuple[str, str, str, str]] = []     # (source, predicate, target, the node reached)
        for s, p, o, f in _typed_links(store, frontier):
            if p not in _SKIP_PREDICATES and _is_node(index, s) and _is_node(index, o):
                found.append((s, p, o, o if f == s else s))
        for f, o in _co_mentioned(store, frontier, co_mentions):
            if _is_node(index, o):
                found.append((min(f, o), CO_MENTION, max(f, o), o))
        # when the limit cuts a ring, typed links win over co-mentions, then the most mentioned entities
        found.sort(key=lambda x: (x[1] == CO_MENTION, -index.get(x[3]).mentions, x[3], x[1]))
        reached: list[str] = []
        for s, p, o, other in found:
            if wanted and (curie(p) if p != CO_MENTION else CO_MENTION) not in wanted:
                continue
            if other not in nodes:
                if classes and not any(c in index.get(other).ancestors for c in classes):
                    continue
                if len(nodes) >= limit:
                    truncated = True
                    continue
                nodes[other] = distance
                reached.append(other)
            edges.setdefault((s, p, o), {"sentences": {}})
        frontier = reached
        if not frontier:
            break
    # links among the nodes found last (a ring's own edges), so the picture shows every edge between its nodes
    _add_edges_among(store, nodes, edges, wanted)
    typed_pairs = {frozenset((s, o)) for s, p, o in edges if p != CO_MENTION}
    edges = {k: v for k, v in edges.items() if k[1] != CO_MENTION or frozenset((k[0], k[2])) not in typed_pairs}
    _attach_evidence(store, index, edges)
    degree = _degrees(store, index, list(nodes))
    node_items = [{**summary(index, n), "distance": d, "degree": degree.get(n, 0)}
                  for n, d in sorted(nodes.items(), key=lambda x: (x[1], x[0]))]
    edge_items = [_edge_item(key, data) for key, data in edges.items()]
    edge_items.sort(key=lambda e: (e["property"], e["source"], e["target"]))
    return {"centre": id_of(centre), "depth": depth, "limit": limit, "truncated": truncated,
            "nodes": node_items, "edges": edge_items,
            "relation_types": _facet(edge_items, "property", ("label", "label_en")),
            "entity_types": _facet(node_items, "type", ("type_label",))}


def _typed_links(store: ox.Store, frontier: list[str]) -> list[tuple[str, str, str, str]]:
    """(subject, predicate, object, frontier node) of every IRI-to-IRI triple touching the frontier."""
    out = []
    for chunk in range(0, len(frontier), 200):
        rows = select(store, f"""SELECT DISTINCT ?s ?p ?o ?f WHERE {{ VALUES ?f {{ {iri_values(frontier[chunk:chunk + 200])} }}
                      {{ ?f ?p ?o . BIND(?f AS ?s) }} UNION {{ ?s ?p ?f . BIND(?f AS ?o) }}
                      FILTER(isIRI(?s) && isIRI(?o) && ?s != ?o && ?p NOT IN ({_NOT_EDGES})) }}
                      LIMIT 50000""")
        out.extend((r["s"].value, r["p"].value, r["o"].value, r["f"].value) for r in rows)
    return out


def _co_mentioned(store: ox.Store, frontier: list[str], per_node: int) -> list[tuple[str, str]]:
    """(frontier node, entity) for the ``per_node`` entities most often named in a sentence with each node."""
    if per_node <= 0:
        return []
    counts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for chunk in range(0, len(frontier), 200):
        for r in select(store, f"""SELECT ?f ?o (COUNT(DISTINCT ?sent) AS ?n) WHERE {{
                         VALUES ?f {{ {iri_values(frontier[chunk:chunk + 200])} }}
                         ?m nqi:denotes ?f ; nqi:inSentence ?sent . ?m2 nqi:inSentence ?sent ; nqi:denotes ?o .
                         FILTER(?o != ?f) }} GROUP BY ?f ?o"""):
            counts[r["f"].value].append((int(r["n"].value), r["o"].value))
    return [(f, o) for f, ranked in counts.items()
            for _, o in sorted(ranked, key=lambda x: (-x[0], x[1]))[:per_node]]


def _add_edges_among(store: ox.Store, nodes: dict[str, int], edges: dict, wanted: set[str]) -> None:
    """Typed edges between two nodes already in the picture that the walk did not follow."""
    members = set(nodes)
    for s, p, o, _ in _typed_links(store, [n for n, d in nodes.items() if d == max(nodes.values())]):
        if s in members and o in members and p not in _SKIP_PREDICATES and (not wanted or curie(p) in wanted):
            edges.setdefault((s, p, o), {"sentences": {}})


def _attach_evidence(store: ox.Store, index: LabelIndex, edges: dict) -> None:
    """Sentences, spans, cues and confidences of the edges (statements for typed edges, shared sentences
    for co-mentions), then the evidence records of those sentences."""
    ends = sorted({x for s, _, o in edges for x in (s, o)})
    typed = {k for k in edges if k[1] != CO_MENTION}
    for chunk in range(0, len(ends), 200):
        part = iri_values(ends[chunk:chunk + 200])
        for r in select(store, f"""SELECT ?s ?p ?o ?sent ?start ?end ?cue ?conf ?how WHERE {{ VALUES ?s {{ {part} }}
                 ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
                 OPTIONAL {{ ?st prov:wasDerivedFrom ?sent }} OPTIONAL {{ ?st nqi:start ?start }}
                 OPTIONAL {{ ?st nqi:end ?end }} OPTIONAL {{ ?st nqi:cue ?cue }}
                 OPTIONAL {{ ?st nqi:confidence ?conf }} OPTIONAL {{ ?st nqi:placement ?how }} }}"""):
            key = (r["s"].value, r["p"].value, r["o"].value)
            if key not in typed:
                continue
            data = edges[key]
            if r["sent"] is not None:
                data["sentences"].setdefault(r["sent"].value, (int_of(r["start"]), int_of(r["end"])))
            if r["cue"] is not None:
                data["cue"] = r["cue"].value
            if r["conf"] is not None:
                data["confidence"] = max(float(r["conf"].value), data.get("confidence") or 0.0)
            if value_of(r["how"]) == "inferred":
                data["inferred"] = True
        if len(typed) == len(edges):
            continue
        for r in select(store, f"""SELECT DISTINCT ?a ?b ?sent WHERE {{ VALUES ?a {{ {part} }}
                 ?m nqi:denotes ?a ; nqi:inSentence ?sent . ?m2 nqi:inSentence ?sent ; nqi:denotes ?b .
                 FILTER(?a != ?b) }}"""):
            a, b = r["a"].value, r["b"].value
            key = (min(a, b), CO_MENTION, max(a, b))
            if key in edges:
                edges[key]["sentences"].setdefault(r["sent"].value, (None, None))
    shown = {s for data in edges.values() for s in _first_sentences(data["sentences"])}
    ev = evidence(store, index, shown)
    for (s, _, o), data in edges.items():
        ends_ids = {id_of(s), id_of(o)}
        items = []
        for sent in _first_sentences(data["sentences"]):
            if sent in ev:
                a, b = data["sentences"][sent]
                items.append({**ev[sent], "span_start": a, "span_end": b,
                              "mentions": [{**m, "focus": m["entity"] in ends_ids} for m in ev[sent]["mentions"]]})
        data["evidence"] = order_evidence(items)


def _first_sentences(sentences: dict) -> list[str]:
    return sorted(sentences)[:MAX_EDGE_EVIDENCE]


def _degrees(store: ox.Store, index: LabelIndex, values: list[str]) -> dict[str, int]:
    """How many entities each node is linked to or named with (what expanding it can reach)."""
    linked: dict[str, set[str]] = defaultdict(set)
    for s, p, o, f in _typed_links(store, values):
        if p not in _SKIP_PREDICATES and _is_node(index, s) and _is_node(index, o):
            linked[f].add(o if f == s else s)
    for chunk in range(0, len(values), 200):
        for r in select(store, f"""SELECT DISTINCT ?f ?o WHERE {{ VALUES ?f {{ {iri_values(values[chunk:chunk + 200])} }}
                         ?m nqi:denotes ?f ; nqi:inSentence ?sent . ?m2 nqi:inSentence ?sent ; nqi:denotes ?o .
                         FILTER(?o != ?f) }}"""):
            if _is_node(index, r["o"].value):
                linked[r["f"].value].add(r["o"].value)
    return {k: len(v) for k, v in linked.items()}


def _edge_item(key: tuple[str, str, str], data: dict) -> dict:
    s, p, o = key
    if p == CO_MENTION:
        zh, en = CO_MENTION_LABELS
        prop, provenance = CO_MENTION, CO_MENTION
    else:
        zh, en = relation_label(p, "out")
        prop = curie(p)
        provenance = "extracted" if data["sentences"] else "inferred" if data.get("inferred") else "reference"
    return {"id": f"{id_of(s)}|{prop}|{id_of(o)}", "source": id_of(s), "target": id_of(o),
            "predicate": p if p != CO_MENTION else None, "property": prop, "label": zh, "label_en": en,
            "provenance": provenance, "cue": data.get("cue"), "confidence": data.get("confidence"),
            "evidence_total": len(data["sentences"]), "evidence": data.get("evidence", [])}


def _facet(items: list[dict], key: str, labels: tuple[str, ...]) -> list[dict]:
    """The values of ``key`` among ``items`` with their labels and counts, most frequent first."""
    counts: dict[str, dict] = {}
    for item in items:
        value = item[key] or "Resource"
        entry = counts.setdefault(value, {"value": value, "label": item.get(labels[0]) or local(value),
                                          "label_en": item.get(labels[-1]) if len(labels) > 1 else value,
                                          "count": 0})
        entry["count"] += 1
    return sorted(counts.values(), key=lambda x: (-x["count"], x["value"]))

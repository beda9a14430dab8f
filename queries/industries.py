"""GB/T 4754-2017 industry classes: sub-classes, products placed in them and the NQI elements supporting them."""
from __future__ import annotations

import re

import pyoxigraph as ox

from .entities import entity_detail
from .evidence import evidence, order_evidence
from .identifiers import NotFound, id_base, local
from .label_index import LabelIndex, labels_of, summary
from .store_helpers import exists, int_of, select, value_of
from .terms import PILLARS


def industry(store: ox.Store, index: LabelIndex, code: str) -> dict:
    """A GB/T 4754-2017 class with its sub-classes, the products placed in it or them (stated or inferred) or
    belonging to their industries, and the NQI elements supporting any of these."""
    code = code.strip().upper()
    if re.fullmatch(r"[A-T]\d{2,4}", code):
        code = code[1:]
    if not re.fullmatch(r"[A-T]|\d{2,4}", code):
        raise NotFound(f"{code!r} is not a GB/T 4754-2017 code (a letter A–T or 2–4 digits)")
    value = id_base() + "gbt4754/" + code
    if index.get(value) is None and not exists(store, value):
        raise NotFound(f"no GB/T 4754-2017 class {code!r}")
    node = ox.NamedNode(value)
    detail = entity_detail(store, index, value, max_sentences=20)
    broader = [r["b"].value for r in select(store, "SELECT DISTINCT ?b WHERE { ?c skos:broader+ ?b }", c=node)]
    sub = select(store, """SELECT DISTINCT ?sub ?parent WHERE { ?sub skos:broader+ ?c ; skos:broader ?parent .
                       ?sub skos:inScheme ?scheme . ?c skos:inScheme ?scheme }""", c=node)
    subs = sorted({r["sub"].value for r in sub}, key=lambda v: (index.get(v).codes if index.get(v) else [], v))
    parents = {r["sub"].value: r["parent"].value for r in sub}
    depth = {}
    for s in subs:
        d, p = 1, parents.get(s)
        while p and p != value and d < 6:
            d, p = d + 1, parents.get(p)
        depth[s] = d
    support = select(store, """
        SELECT DISTINCT ?el ?pillar ?target ?sent ?start ?end WHERE {
          ?target (nqi:relatedIndustry|nqi:industryClass)?/skos:broader* ?c .
          ?el nqi:supports ?target .
          OPTIONAL { ?el nqi:pillar ?pillar }
          OPTIONAL { ?st rdf:subject ?el ; rdf:predicate nqi:supports ; rdf:object ?target ; prov:wasDerivedFrom ?sent .
                     OPTIONAL { ?st nqi:start ?start } OPTIONAL { ?st nqi:end ?end } }
        } LIMIT 5000""", c=node)
    products = select(store, """
        SELECT DISTINCT ?p ?target WHERE { ?target nqi:relatedIndustry?/skos:broader* ?c .
          ?p nqi:belongsToIndustry|nqi:industryClass ?target }
        LIMIT 2000""", c=node)
    ev = evidence(store, index, {r["sent"].value for r in support if r["sent"] is not None},
                  focus={r["el"].value for r in support} | {r["target"].value for r in support})
    other = labels_of(store, [r["target"].value for r in support] + [r["el"].value for r in support])
    elements: dict[str, dict] = {}
    for r in support:
        el = r["el"].value
        item = elements.get(el)
        if item is None:
            item = elements[el] = {**summary(index, el, other),
                                   "pillar": local(r["pillar"].value) if r["pillar"] is not None else None,
                                   "via": [], "evidence": []}
        t = r["target"].value
        if not any(v["iri"] == t for v in item["via"]):
            item["via"].append(summary(index, t, other))
        s = value_of(r["sent"])
        if s in ev and not any(x["sentence_iri"] == s for x in item["evidence"]):
            item["evidence"].append({**ev[s], "span_start": int_of(r["start"]), "span_end": int_of(r["end"])})
    support_list = sorted(elements.values(), key=lambda x: (PILLARS.index(x["pillar"]) if x["pillar"] in PILLARS else 9,
                                                           -len(x["evidence"]), x["label"]))
    for item in support_list:
        item["evidence"] = order_evidence(item["evidence"])
    detail.update({
        "code": code,
        "broader": [summary(index, b) for b in broader],
        "subclasses": [{**summary(index, s), "depth": depth[s]} for s in subs],
        "supporting_elements": support_list,
        "products": [{**summary(index, r["p"].value), "via": summary(index, r["target"].value)} for r in products],
    })
    return detail

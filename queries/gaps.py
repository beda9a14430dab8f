"""The NQI coverage matrix: for every bottleneck product, the evidence per pillar (``queries/gaps.rq``)."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..ontology.iri import NQI
from .evidence import evidence
from .identifiers import id_of, local
from .label_index import LabelIndex, summary
from .store_helpers import select, value_of
from .terms import PILLARS, term_label

QUERIES_DIR = Path(__file__).resolve().parent


_KIND_RANK = {"supports": 0, "industry": 1, "broader": 2}


def gaps_query() -> str:
    return (QUERIES_DIR / "gaps.rq").read_text(encoding="utf-8")


def gaps(store: ox.Store, index: LabelIndex) -> dict:
    """For every bottleneck product, the evidence per pillar that NQI elements cover it (queries/gaps.rq)."""
    rows = list(store.query(gaps_query(), use_default_graph_as_union=True))
    claims = select(store, """
        SELECT DISTINCT ?p ?c ?cue ?src ?srcLabel WHERE { ?p a nqi:BottleneckProduct ; nqi:bottleneckEvidence ?c .
          OPTIONAL { ?c nqi:cue ?cue } OPTIONAL { ?c prov:wasDerivedFrom ?src . OPTIONAL { ?src rdfs:label ?srcLabel } } }""")
    sentences = {r["sentence"].value for r in rows if r["sentence"] is not None}
    sentences |= {r["src"].value for r in claims if r["src"] is not None and "/s/" in r["src"].value}
    ev = evidence(store, index, sentences, focus={r["element"].value for r in rows if r["element"] is not None})
    products: dict[str, dict] = {}

    def row_for(p: str) -> dict:
        if p not in products:
            s = summary(index, p)
            products[p] = {"id": s["id"], "iri": p, "product": s["label"], "product_en": s["label_en"],
                           "mentions": s["mentions"], "bottleneck": [], "coverage": {k: [] for k in PILLARS}}
        return products[p]

    for r in claims:
        item = row_for(r["p"].value)
        src = value_of(r["src"])
        e = ev.get(src)
        item["bottleneck"].append({"claim": id_of(r["c"].value), "cue": value_of(r["cue"]), "source": id_of(src),
                                   "source_label": value_of(r["srcLabel"]) or (e["document_title"] if e else None),
                                   "document": e["document_id"] if e else None, "text": e["text"] if e else None})
    for r in rows:
        item = row_for(r["product"].value)
        if r["pillar"] is None:
            continue
        pillar = local(r["pillar"].value)
        if pillar not in item["coverage"]:
            continue
        el, s = r["element"].value, value_of(r["sentence"])
        target = r["target"].value
        e = ev.get(s)
        entry = {"element": id_of(el), "element_iri": el, "element_label": summary(index, el)["label"],
                 "kind": r["kind"].value, "via": id_of(target) if target != r["product"].value else None,
                 "via_label": summary(index, target)["label"] if target != r["product"].value else None,
                 "sentence": id_of(s), "document": e["document_id"] if e else None,
                 "document_title": e["document_title"] if e else None, "text": e["text"] if e else None,
                 "mentions": [{**m, "focus": m["entity"] in (id_of(el), id_of(r["product"].value))}
                              for m in e["mentions"]] if e else []}
        # one piece of evidence per (element, sentence): the most direct support wins
        cell = item["coverage"][pillar]
        same = next((x for x in cell if x["element_iri"] == el and x["sentence"] == entry["sentence"]), None)
        if same is None:
            cell.append(entry)
        elif _KIND_RANK[entry["kind"]] < _KIND_RANK[same["kind"]]:
            cell[cell.index(same)] = entry
    out_rows = sorted(products.values(),
                      key=lambda x: (-sum(len(v) for v in x["coverage"].values()), -len(x["bottleneck"]), x["product"]))
    for row in out_rows:
        row["bottleneck"].sort(key=lambda b: (b["document"] or "~", b["claim"] or ""))
        for cell in row["coverage"].values():
            cell.sort(key=lambda x: (_KIND_RANK[x["kind"]], x["document"] or "~", x["sentence"] or "", x["element"] or ""))
        row["covered"] = [p for p in PILLARS if row["coverage"][p]]
        row["missing"] = [p for p in PILLARS if not row["coverage"][p]]
    pillars = [{"id": p, "iri": NQI + p, "label": term_label(NQI + p)[0], "label_en": term_label(NQI + p)[1]}
               for p in PILLARS]
    return {"pillars": pillars, "rows": out_rows}

"""Entity detail: everything the graph says about one resource -- labels, codes and placements,
relations in both directions with the evidence of their reified statements, observations, bottleneck
claims, co-mentions and the sentences that mention it."""
from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..ontology.iri import NQI
from ..ontology.namespaces import DCT, PROV, RDF, RDFS, SKOS
from .evidence import evidence, order_evidence
from .identifiers import NotFound, curie, follow_merge, id_of, iri_of, local
from .label_index import LabelIndex, labels_of, summary
from .store_helpers import exists, int_of, select, value_of
from .terms import most_specific, relation_label, term_label

# properties handled elsewhere than in the relation groups of an entity
_HIDDEN_OUT = {RDF + "type", NQI + "mentionedIn", NQI + "bottleneckEvidence", NQI + "gapEvidence",
               NQI + "setsTarget", NQI + "pillar"}
_HIDDEN_IN = {NQI + "denotes", RDF + "subject", RDF + "object", NQI + "aboutProduct", NQI + "subject",
              NQI + "indicator", NQI + "inSentence", PROV + "wasDerivedFrom", NQI + "mentionedIn",
              SKOS + "hasTopConcept", DCT + "isPartOf", NQI + "kept"}


MAX_GROUP = 60
MAX_MENTION_SENTENCES = 40


def entity(store: ox.Store, index: LabelIndex, path: str, *, max_sentences: int = MAX_MENTION_SENTENCES) -> dict:
    """Everything the graph says about one resource (raises NotFound, or Moved for a merged one)."""
    follow_merge(store, path)
    value = iri_of(path)
    if not exists(store, value):
        raise NotFound(f"no resource {path!r} in the graph")
    return entity_detail(store, index, value, max_sentences=max_sentences)


def entity_detail(store: ox.Store, index: LabelIndex, value: str, *, max_sentences: int = MAX_MENTION_SENTENCES) -> dict:
    node = ox.NamedNode(value)
    out_rows = select(store, "SELECT DISTINCT ?p ?o WHERE { ?s ?p ?o }", s=node)
    in_rows = select(store, "SELECT DISTINCT ?x ?p WHERE { ?x ?p ?s } LIMIT 5000", s=node)

    types = sorted({r["o"].value for r in out_rows if r["p"].value == RDF + "type"})
    labels, aliases, codes, literals = [], [], [], []
    pillar = None
    for r in out_rows:
        p, o = r["p"].value, r["o"]
        if isinstance(o, ox.Literal):
            lang = o.language
            if p in (RDFS + "label", SKOS + "prefLabel"):
                labels.append({"value": o.value, "lang": lang, "kind": local(p)})
            elif p == SKOS + "altLabel":
                aliases.append({"value": o.value, "lang": lang})
            elif p in (SKOS + "notation", NQI + "code"):
                codes.append({"scheme": _code_scheme(value, p), "value": o.value, "property": curie(p)})
            else:
                zh, en = term_label(p)
                literals.append({"property": curie(p), "label": zh, "label_en": en, "value": o.value, "lang": lang,
                                 "datatype": curie(o.datatype.value) if o.datatype else None})
        elif p == NQI + "pillar":
            pillar = {"id": local(o.value), "iri": o.value, "label": term_label(o.value)[0],
                      "label_en": term_label(o.value)[1]}
    literals.sort(key=lambda x: (x["property"], x["value"]))
    codes.extend(_placements(store, node))

    # reified statements: evidence of relations in both directions
    statements = select(store, """
        SELECT DISTINCT ?st ?p ?other ?dir ?sent ?start ?end WHERE {
          { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?other . BIND("out" AS ?dir) }
          UNION
          { ?st rdf:object ?s ; rdf:predicate ?p ; rdf:subject ?other . BIND("in" AS ?dir) }
          ?st prov:wasDerivedFrom ?sent .
          OPTIONAL { ?st nqi:start ?start } OPTIONAL { ?st nqi:end ?end }
        }""", s=node)
    stmt_sentences: dict[tuple[str, str, str], list[tuple[str, int | None, int | None]]] = defaultdict(list)
    for r in statements:
        stmt_sentences[(r["p"].value, r["dir"].value, r["other"].value)].append(
            (r["sent"].value, int_of(r["start"]), int_of(r["end"])))

    links: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in out_rows:
        p, o = r["p"].value, r["o"]
        if isinstance(o, ox.NamedNode) and p not in _HIDDEN_OUT:
            links[(p, "out")].append(o.value)
    for r in in_rows:
        x, p = r["x"], r["p"].value
        if isinstance(x, ox.NamedNode) and p not in _HIDDEN_IN and p != RDF + "type":
            xe = index.get(x.value)
            if xe is None and not _is_entity_like(x.value):
                continue
            links[(p, "in")].append(x.value)

    # mentions of the entity and the sentences they are in
    mention_rows = select(store, """
        SELECT DISTINCT ?sent ?doc ?idx WHERE { ?m nqi:denotes ?s ; nqi:inSentence ?sent .
          OPTIONAL { ?sent dcterms:isPartOf ?doc } OPTIONAL { ?sent nqi:sentenceIndex ?idx } }""", s=node)
    mention_rows.sort(key=lambda r: (value_of(r["doc"]) or "", int_of(r["idx"]) or 0))
    mention_sentences = [r["sent"].value for r in mention_rows]
    mention_count = len(select(store, "SELECT DISTINCT ?m WHERE { ?m nqi:denotes ?s }", s=node))

    co_rows = select(store, """
        SELECT ?o (COUNT(DISTINCT ?sent) AS ?n) WHERE { ?m nqi:denotes ?s ; nqi:inSentence ?sent .
          ?m2 nqi:inSentence ?sent ; nqi:denotes ?o . FILTER(?o != ?s) }
        GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 16""", s=node)

    observations = observations_of(store, node)
    claims = select(store, """
        SELECT DISTINCT ?c ?cue ?src ?srcLabel ?start ?end WHERE { ?s nqi:bottleneckEvidence ?c .
          OPTIONAL { ?c nqi:cue ?cue } OPTIONAL { ?c prov:wasDerivedFrom ?src . OPTIONAL { ?src rdfs:label ?srcLabel } }
          OPTIONAL { ?c nqi:start ?start } OPTIONAL { ?c nqi:end ?end } }""", s=node)
    documents = sorted({r["o"].value for r in out_rows if r["p"].value == NQI + "mentionedIn"})

    # one batch of evidence for everything on the page
    wanted = set(mention_sentences[:max_sentences])
    spans = {}
    for lst in stmt_sentences.values():
        for sent, a, b in lst:
            wanted.add(sent)
            if a is not None:
                spans[sent] = (a, b)
    for o in observations:
        if o["_sentence"]:
            wanted.add(o["_sentence"])
    for r in claims:
        if r["src"] is not None:
            wanted.add(r["src"].value)
    ev = evidence(store, index, wanted, focus={value})

    linked = {v for vs in links.values() for v in vs} | set(documents) | {r["o"].value for r in co_rows}
    other_labels = labels_of(store, [v for v in linked if index.get(v) is None])

    groups = []
    for (p, direction), targets in links.items():
        zh, en = relation_label(p, direction)
        items = []
        for t in sorted(set(targets), key=lambda t: (-(index.get(t).mentions if index.get(t) else 0), t)):
            item = summary(index, t, other_labels)
            sents = stmt_sentences.get((p, direction, t), [])
            item["evidence"] = order_evidence(
                {**ev[s], "span_start": a, "span_end": b} for s, a, b in sents if s in ev)
            items.append(item)
        groups.append({"predicate": p, "property": curie(p), "direction": direction, "label": zh, "label_en": en,
                       "total": len(items), "items": items[:MAX_GROUP]})
    groups.sort(key=lambda g: (0 if g["predicate"].startswith(NQI) else 1, g["direction"] != "out", g["label_en"]))

    for o in observations:
        s = o.pop("_sentence")
        o["evidence"] = [ev[s]] if s in ev else []
    bottleneck = []
    for r in claims:
        src = value_of(r["src"])
        item = {"claim": id_of(r["c"].value), "cue": value_of(r["cue"]), "source": id_of(src), "source_iri": src,
                "source_label": value_of(r["srcLabel"]), "evidence": []}
        if src in ev:
            item["evidence"] = [{**ev[src], "span_start": int_of(r["start"]), "span_end": int_of(r["end"])}]
        bottleneck.append(item)
    bottleneck.sort(key=lambda b: (b["source"] or "", b["claim"] or ""))

    e = index.get(value)
    main = e.label if e else (next((l["value"] for l in labels if l["lang"] == "zh"), None)
                              or next((l["value"] for l in labels), None) or local(value))
    zh_types = [{"iri": t, "name": local(t), "curie": curie(t), "label": term_label(t)[0], "label_en": term_label(t)[1]}
                for t in types]
    return {
        "id": id_of(value), "iri": value, "label": main, "label_en": e.label_en if e else None,
        "type": local(e.type) if e else (local(most_specific(types)) if types else None),
        "types": zh_types, "labels": sorted(labels, key=lambda l: (l["kind"], l["lang"] or "", l["value"])),
        "aliases": sorted(aliases, key=lambda a: (a["lang"] or "", a["value"])), "codes": codes,
        "pillar": pillar, "properties": literals, "relations": groups,
        "observations": observations, "bottleneck": bottleneck,
        "documents": [summary(index, d, other_labels) for d in documents],
        "co_mentions": [{**summary(index, r["o"].value, other_labels), "sentences": int(r["n"].value)}
                        for r in co_rows],
        "mention_count": mention_count, "sentence_count": len(mention_sentences),
        "evidence": order_evidence(ev[s] for s in mention_sentences[:max_sentences] if s in ev),
        "is_entity": e is not None,
    }


def _is_entity_like(value: str) -> bool:
    """Incoming links worth listing from nodes outside the index: instance IRIs that are not provenance."""
    path = id_of(value)
    return bool(path) and "/s/" not in path and not path.startswith("doc/")


def _code_scheme(value: str, prop: str) -> str:
    path = id_of(value) or ""
    segment = path.split("/", 1)[0]
    if segment == "gbt4754":
        return "GB/T 4754-2017"
    if segment == "ics":
        return "ICS"
    if segment == "sei":
        return "战略性新兴产业分类 2018"
    if segment == "spec":
        return "JJF/JJG"
    if prop == NQI + "code":
        return "standard code"
    return "notation"


def _placements(store: ox.Store, node: ox.NamedNode) -> list[dict]:
    """The GB/T 4754 classes a product is placed in, with how: stated (the sentence) before inferred (the score)."""
    rows = select(store, """
        SELECT DISTINCT ?c ?code ?how ?conf ?low ?sent WHERE {
          ?s nqi:industryClass ?c . ?c skos:notation ?code .
          ?st rdf:subject ?s ; rdf:predicate nqi:industryClass ; rdf:object ?c ; nqi:placement ?how .
          OPTIONAL { ?st nqi:confidence ?conf } OPTIONAL { ?st nqi:lowConfidence ?low }
          OPTIONAL { ?st prov:wasDerivedFrom ?sent } }""", s=node)
    best: dict[str, dict] = {}
    for r in rows:
        code = r["code"].value
        item = {"scheme": "GB/T 4754-2017", "value": code, "property": "nqi:industryClass", "id": id_of(r["c"].value),
                "placement": r["how"].value, "confidence": float(r["conf"].value) if r["conf"] is not None else None,
                "low_confidence": r["low"] is not None and r["low"].value == "true", "sentence": id_of(value_of(r["sent"]))}
        seen = best.get(code)
        if seen is None or (item["placement"], -(item["confidence"] or 0)) < (seen["placement"], -(seen["confidence"] or 0)):
            best[code] = item
    return sorted(best.values(), key=lambda x: (x["placement"] != "stated", x["low_confidence"], -(x["confidence"] or 0),
                                                x["value"]))


def observations_of(store: ox.Store, node: ox.NamedNode) -> list[dict]:
    rows = select(store, """
        SELECT DISTINCT ?obs ?role ?ind ?subj ?value ?num ?upper ?unit ?year ?scope ?target ?sent ?policy WHERE {
          { ?obs nqi:subject ?s . BIND("subject" AS ?role) }
          UNION { ?obs nqi:indicator ?s . BIND("indicator" AS ?role) }
          UNION { ?s nqi:setsTarget ?obs . BIND("target" AS ?role) }
          ?obs a nqi:Observation .
          OPTIONAL { ?obs nqi:indicator ?ind } OPTIONAL { ?obs nqi:subject ?subj }
          OPTIONAL { ?obs nqi:value ?value } OPTIONAL { ?obs nqi:numericValue ?num }
          OPTIONAL { ?obs nqi:upperValue ?upper } OPTIONAL { ?obs nqi:unit ?unit }
          OPTIONAL { ?obs nqi:year ?year } OPTIONAL { ?obs nqi:scope ?scope }
          OPTIONAL { ?obs nqi:isTarget ?target } OPTIONAL { ?obs prov:wasDerivedFrom ?sent }
          OPTIONAL { ?policy nqi:setsTarget ?obs }
        } LIMIT 2000""", s=node)
    out: dict[str, dict] = {}
    refs = set()
    for r in rows:
        o = r["obs"].value
        if o in out:
            continue
        refs.update(v for v in (value_of(r["ind"]), value_of(r["subj"]), value_of(r["policy"])) if v)
        num = value_of(r["num"])
        upper = value_of(r["upper"])
        out[o] = {"id": id_of(o), "iri": o, "role": r["role"].value, "indicator": value_of(r["ind"]), "subject": value_of(r["subj"]),
                  "policy": value_of(r["policy"]), "value": value_of(r["value"]),
                  "numeric_value": float(num) if num is not None else None,
                  "upper_value": float(upper) if upper is not None else None, "unit": value_of(r["unit"]),
                  "year": value_of(r["year"]), "scope": local(r["scope"].value) if r["scope"] is not None else None,
                  "is_target": (value_of(r["target"]) == "true") if r["target"] is not None else None,
                  "_sentence": value_of(r["sent"])}
    labels = labels_of(store, refs)
    for o in out.values():
        for k in ("indicator", "subject", "policy"):
            v = o[k]
            o[k] = {"id": id_of(v), "iri": v, "label": labels.get(v, local(v))} if v else None
    return sorted(out.values(), key=lambda o: (o["indicator"]["label"] if o["indicator"] else "", o["year"] or "",
                                               o["id"] or ""))

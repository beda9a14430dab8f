"""Source documents: the list with counts and what each states of itself (title, authors, journal …), and one
document with its entities, bottleneck claims and sentences."""
from __future__ import annotations

import pyoxigraph as ox

from ..ontology.namespaces import BIBO, DCT, FABIO

from .evidence import evidence
from .identifiers import NotFound, id_of, iri_of, local
from .label_index import LabelIndex, summary
from .store_helpers import iri_values, select, value_of


def _only(doc: str | None) -> str:
    """A ``VALUES`` clause that restricts ``?doc`` to one document IRI (none for all documents)."""
    return f"VALUES ?doc {{ {iri_values([doc])} }}" if doc else ""


def documents(store: ox.Store, only: str | None = None) -> list[dict]:
    """Every document (or just the one whose IRI is ``only``) with its metadata and counts."""
    rows = select(store, f"""
        SELECT ?doc ?id ?title ?source ?sha ?enc (COUNT(DISTINCT ?s) AS ?sentences) WHERE {{ {_only(only)}
          ?doc a nqi:Document .
          OPTIONAL {{ ?doc dcterms:identifier ?id }} OPTIONAL {{ ?doc dcterms:title ?title }}
          OPTIONAL {{ ?doc dcterms:source ?source }} OPTIONAL {{ ?doc nqi:sha256 ?sha }} OPTIONAL {{ ?doc nqi:encoding ?enc }}
          OPTIONAL {{ ?s dcterms:isPartOf ?doc }}
        }} GROUP BY ?doc ?id ?title ?source ?sha ?enc ORDER BY ?id""")
    counts = {r["doc"].value: (int(r["m"].value), int(r["e"].value)) for r in select(store, f"""
        SELECT ?doc (COUNT(DISTINCT ?m) AS ?m) (COUNT(DISTINCT ?e) AS ?e) WHERE {{ {_only(only)}
          ?doc a nqi:Document . ?s dcterms:isPartOf ?doc . ?m nqi:inSentence ?s . OPTIONAL {{ ?m nqi:denotes ?e }} }}
        GROUP BY ?doc""")}
    stated = stated_metadata(store, only)
    out = []
    seen = set()
    for r in rows:
        d = r["doc"].value
        if d in seen:
            continue
        seen.add(d)
        m, e = counts.get(d, (0, 0))
        out.append({"id": id_of(d), "iri": d, "doc_id": value_of(r["id"]) or local(d), "title": value_of(r["title"]),
                    "source": value_of(r["source"]), "sha256": value_of(r["sha"]), "encoding": value_of(r["enc"]),
                    "sentence_count": int(r["sentences"].value), "mention_count": m, "entity_count": e,
                    **stated.get(d, {})})
    return out


_STATED = {DCT + "format": "format", FABIO + "hasSubtitle": "subtitle", DCT + "issued": "issued",
           DCT + "dateSubmitted": "received", BIBO + "number": "number", BIBO + "volume": "volume",
           BIBO + "issue": "issue", BIBO + "pageStart": "page_start", BIBO + "pageEnd": "page_end",
           BIBO + "numPages": "page_count", BIBO + "uri": "source_url", DCT + "language": "language"}


def stated_metadata(store: ox.Store, only: str | None = None) -> dict[str, dict]:
    """What each document (or the one ``only``) states of itself (ingest/metadata.py): document IRI -> fields;
    absent ones absent."""
    out: dict[str, dict] = {}
    for r in select(store, f"""SELECT ?doc ?p ?o WHERE {{ {_only(only)} ?doc a nqi:Document ; ?p ?o .
                               VALUES ?p {{ {iri_values(_STATED)} dcterms:subject }} }}"""):
        item = out.setdefault(r["doc"].value, {})
        if r["p"].value == DCT + "subject":
            item.setdefault("keywords", []).append(r["o"].value)
        else:
            item[_STATED[r["p"].value]] = int(r["o"].value) if r["p"].value == BIBO + "numPages" else r["o"].value
    for r in select(store, f"""SELECT ?doc ?journal ?issuer WHERE {{ {_only(only)} ?doc a nqi:Document .
                              {{ ?doc dcterms:isPartOf ?j . ?j a bibo:Journal ; dcterms:title ?journal }}
                              UNION {{ ?doc dcterms:publisher ?o . ?o foaf:name ?issuer }} }}"""):
        item = out.setdefault(r["doc"].value, {})
        for key in ("journal", "issuer"):
            if r[key] is not None:
                item[key] = r[key].value
    authors: dict[str, dict[str, dict]] = {}
    for r in select(store, f"""SELECT ?doc ?a ?name ?aff WHERE {{ {_only(only)} ?doc a nqi:Document ;
                              dcterms:creator ?a . ?a foaf:name ?name
                              OPTIONAL {{ ?a org:memberOf ?o . ?o foaf:name ?aff }} }}"""):
        person = authors.setdefault(r["doc"].value, {}).setdefault(
            r["a"].value, {"name": r["name"].value, "affiliations": []})
        if r["aff"] is not None and r["aff"].value not in person["affiliations"]:
            person["affiliations"].append(r["aff"].value)
    for d, people in authors.items():
        ordered = [people[a] for a in sorted(people, key=lambda a: int(a.rsplit("/", 1)[1]))]
        out.setdefault(d, {})["authors"] = ordered
        out[d]["affiliations"] = list(dict.fromkeys(x for p in ordered for x in p["affiliations"]))
    for item in out.values():
        item.get("keywords", []).sort()
    return out


def document(store: ox.Store, index: LabelIndex, doc_id: str, *, limit: int = 50, offset: int = 0) -> dict:
    """A source document: metadata, the entities it mentions (most mentioned first), bottleneck claims, sentences."""
    value = iri_of("doc/" + doc_id.strip("/"))
    if "/" in doc_id.strip("/"):
        raise NotFound(f"{doc_id!r} is not a document id")
    meta = documents(store, only=value)
    if not meta:
        raise NotFound(f"no document {doc_id!r} in the graph")
    doc = meta[0]
    node = ox.NamedNode(value)
    ents = select(store, """SELECT ?e (COUNT(DISTINCT ?m) AS ?n) WHERE { ?s dcterms:isPartOf ?d . ?m nqi:inSentence ?s ;
                        nqi:denotes ?e } GROUP BY ?e ORDER BY DESC(?n) ?e""", d=node)
    sents = select(store, """SELECT ?s ?idx WHERE { ?s dcterms:isPartOf ?d ; nqi:sentenceIndex ?idx } ORDER BY ?idx""", d=node)
    page = [r["s"].value for r in sents[offset:offset + limit]]
    ev = evidence(store, index, page)
    claims = select(store, """SELECT DISTINCT ?p ?cue ?s WHERE { ?c a nqi:BottleneckClaim ; nqi:aboutProduct ?p ;
                          prov:wasDerivedFrom ?s . ?s dcterms:isPartOf ?d OPTIONAL { ?c nqi:cue ?cue } }""", d=node)
    by_product: dict[str, dict] = {}
    for r in claims:
        p = r["p"].value
        item = by_product.setdefault(p, {**summary(index, p), "cues": [], "sentences": []})
        if r["cue"] is not None and r["cue"].value not in item["cues"]:
            item["cues"].append(r["cue"].value)
        if id_of(r["s"].value) not in item["sentences"]:
            item["sentences"].append(id_of(r["s"].value))
    doc.update({
        "entities": [{**summary(index, r["e"].value), "mentions_here": int(r["n"].value)} for r in ents],
        "bottlenecks": sorted(by_product.values(), key=lambda x: x["label"]),
        "limit": limit, "offset": offset,
        "sentences": [ev[s] for s in page if s in ev],
    })
    return doc


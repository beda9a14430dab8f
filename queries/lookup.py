"""Entity lookup over the live graph: search, entity detail, standards, industries, documents, NQI gaps.

All graph logic of the REST lookup and the web pages lives here; the routes in
``nqikg.api`` only validate parameters and shape responses. Everything is read
with SPARQL (or quad patterns) over a read-only pyoxigraph store, with the union
of all named graphs as default graph, so an entity described by several
document graphs is seen once.

Identifiers: an instance IRI ``{base}id/{path}`` is addressed by ``path``
(e.g. ``org/国家市场监督管理总局``, ``gbt4754/36``, ``doc/000_x/s/12``); in a URL
the path is percent-encoded UTF-8 with ``/`` kept (``org/%E5%9B%BD…``).

Search uses an in-memory label index built once per store generation
(:func:`index_for`): every label, preferred label, alternative label, title and
code of every entity, normalised like the extraction lexicon (NFKC, case-folded).
"""
from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from ..ontology import iri as iris
from ..ontology import lexicon, vocab
from ..ontology.iri import NQI
from ..ontology.namespaces import DCT, OWL, PREFIXES, PROV, RDF, RDFS, SKOS
from ..ontology.namespaces import SPARQL_PREFIXES as _PROLOGUE

log = logging.getLogger("nqikg.lookup")

QUERIES_DIR = Path(__file__).resolve().parent
PILLARS = ("metrology", "standardization", "testing", "certification")

# match tiers, best first
EXACT, ALIAS, PREFIX, CONTAINS, TOKENS, FUZZY = range(6)
MATCH_NAMES = ("exact", "alias", "prefix", "contains", "tokens", "fuzzy")

# node types that are provenance, not entities (never listed by search)
_NOT_ENTITIES = {NQI + "Sentence", NQI + "Mention", NQI + "Observation", NQI + "BottleneckClaim",
                 NQI + "GapClaim", RDF + "Statement"}
_EXTRA_ENTITY_TYPES = {SKOS + "Concept": "Concept", SKOS + "ConceptScheme": "ConceptScheme",
                       NQI + "Document": "Document"}

# properties handled elsewhere than in the relation groups of an entity
_HIDDEN_OUT = {RDF + "type", NQI + "mentionedIn", NQI + "bottleneckEvidence", NQI + "gapEvidence",
               NQI + "setsTarget", NQI + "pillar"}
_HIDDEN_IN = {NQI + "denotes", RDF + "subject", RDF + "object", NQI + "aboutProduct", NQI + "subject",
              NQI + "indicator", NQI + "inSentence", PROV + "wasDerivedFrom", NQI + "mentionedIn",
              SKOS + "hasTopConcept", DCT + "isPartOf", NQI + "kept"}

_EXTERNAL_LABELS = {
    SKOS + "broader": ("上位类", "broader"),
    SKOS + "narrower": ("下位类", "narrower"),
    SKOS + "inScheme": ("所属分类体系", "in scheme"),
    SKOS + "hasTopConcept": ("顶层类", "top concept"),
    SKOS + "closeMatch": ("近似对应", "close match"),
    DCT + "replaces": ("代替", "replaces"),
    DCT + "isPartOf": ("所属文档", "part of"),
    PROV + "wasDerivedFrom": ("来源", "derived from"),
    RDF + "type": ("类型", "type"),
    SKOS + "Concept": ("分类概念", "SKOS concept"),
    SKOS + "ConceptScheme": ("分类体系", "concept scheme"),
    PROV + "Entity": ("来源实体", "provenance entity"),
    RDF + "Statement": ("陈述（具体化）", "reified statement"),
}
_INVERSE_LABELS = {
    SKOS + "broader": ("下位类", "narrower"),
    NQI + "supports": ("受其支撑", "supported by"),
    NQI + "issuedBy": ("发布", "issued"),
    NQI + "developedBy": ("研制", "developed"),
    NQI + "belongsToIndustry": ("所含产品", "has product"),
    NQI + "relatedIndustry": ("相近的项目产业", "related project industry"),
    DCT + "replaces": ("被代替", "replaced by"),
    SKOS + "inScheme": ("包含概念", "has concept"),
}


class NotFound(LookupError):
    """No such resource in the graph (the message says what was asked for)."""


class Moved(LookupError):
    """The resource was merged into another one (``nqi:mergedFrom``): ``path`` is where it lives now."""

    def __init__(self, old: str, path: str):
        super().__init__(f"{old!r} was merged into {path!r}")
        self.old, self.path = old, path


def _follow_merge(store: ox.Store, path: str) -> None:
    """Raise :class:`Moved` when the resource at ``path`` was merged into another."""
    rows = _q(store, "SELECT ?k WHERE { ?k nqi:mergedFrom ?old } LIMIT 1", old=ox.NamedNode(iri_of(path)))
    if rows:
        raise Moved(path.strip("/"), id_of(rows[0]["k"].value))


# ---------------------------------------------------------------- identifiers

def id_base() -> str:
    return iris.base() + "id/"


def iri_of(path: str) -> str:
    """The instance IRI of an id path; raises NotFound when the path cannot be part of an IRI."""
    path = path.strip().strip("/")
    if not path or any(c in path for c in '<>"{}|\\^` \t\r\n') or "//" in path:
        raise NotFound(f"no resource {path!r}")
    value = id_base() + path
    try:
        ox.NamedNode(value)
    except ValueError:
        raise NotFound(f"no resource {path!r}") from None
    return value


def id_of(value: str | None) -> str | None:
    """The id path of an instance IRI (None for IRIs outside the instance base)."""
    if value and value.startswith(id_base()):
        return value[len(id_base()):]
    return None


def local(value: str) -> str:
    for ns in (NQI, SKOS, RDFS, RDF, DCT, PROV, OWL):
        if value.startswith(ns):
            return value[len(ns):]
    return value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def curie(value: str) -> str:
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns):
            return f"{prefix}:{value[len(ns):]}"
    return value


# ---------------------------------------------------------------- store helpers

def _q(store: ox.Store, text: str, **bindings) -> list:
    """Solutions of a SELECT over the union graph; ``bindings`` replace ``?name`` by RDF terms
    (pyoxigraph terms print as valid, escaped SPARQL terms)."""
    for name, term in bindings.items():
        text = re.sub(rf"\?{name}\b", lambda _m, t=str(term): t, text)
    return list(store.query(_PROLOGUE + text, use_default_graph_as_union=True))


def _v(term) -> str | None:
    return None if term is None else term.value


def _values(iri_list: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in iri_list)


def _lit_int(term) -> int | None:
    try:
        return int(term.value) if term is not None else None
    except ValueError:
        return None


def _exists(store: ox.Store, value: str) -> bool:
    node = ox.NamedNode(value)
    for _ in store.quads_for_pattern(node, None, None):
        return True
    for _ in store.quads_for_pattern(None, None, node):
        return True
    return False


# ---------------------------------------------------------------- ontology labels

@lru_cache(maxsize=None)
def term_label(value: str) -> tuple[str, str]:
    """(zh, en) label of an ontology term or well-known property/class."""
    if value in _EXTERNAL_LABELS:
        return _EXTERNAL_LABELS[value]
    zh, en = vocab.label(value, "zh"), vocab.label(value, "en")
    name = local(value)
    return zh or en or name, en or name


def relation_label(predicate: str, direction: str) -> tuple[str, str]:
    if direction == "in":
        if predicate in _INVERSE_LABELS:
            return _INVERSE_LABELS[predicate]
        zh, en = term_label(predicate)
        return f"{zh}（反向）", f"{en} (inverse)"
    return term_label(predicate)


@lru_cache(maxsize=None)
def _ancestors(cls: str) -> tuple[str, ...]:
    try:
        return tuple(vocab.superclasses(cls))
    except Exception:  # pragma: no cover - a class the ontology does not know
        return (cls,)


@lru_cache(maxsize=1)
def entity_types() -> dict[str, str]:
    """Type names accepted by the search filter (lower-cased local name or extraction label) → class IRI."""
    g = vocab.ontology()
    out: dict[str, str] = {}
    import rdflib
    for cls in g.subjects(rdflib.RDF.type, rdflib.OWL.Class):
        c = str(cls)
        if not c.startswith(NQI) or c in _NOT_ENTITIES:
            continue
        if NQI + "Entity" not in _ancestors(c) and c != NQI + "Document":
            continue
        out[local(c).lower()] = c
        lab = vocab.entity_label(c)
        if lab and lab.lower() not in out:
            out[lab.lower()] = vocab.class_for_label(lab)
    for c, name in _EXTRA_ENTITY_TYPES.items():
        out.setdefault(name.lower(), c)
    return out


def resolve_type(name: str) -> str:
    """The class IRI for a type filter value; raises ValueError listing the accepted values."""
    types = entity_types()
    key = name.strip()
    if key.startswith(NQI):
        key = local(key)
    if key.lower().startswith("nqi:"):
        key = key[4:]
    cls = types.get(key.lower())
    if cls is None:
        names = sorted({local(c) for c in types.values()})
        raise ValueError(f"unknown type {name!r}; use one of: {', '.join(names)} (or an extraction label such as ORG)")
    return cls


# ---------------------------------------------------------------- the label index

def _key(text: str) -> str:
    return lexicon.key(text)


_CJK = re.compile(r"[\u3400-\u9fff]")


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    if len(text) < 2:
        return {text} if text else set()
    return {text[i:i + 2] for i in range(len(text) - 1)}


@dataclass
class IndexedEntity:
    iri: str
    id: str
    types: tuple[str, ...]
    type: str                       # most specific class IRI
    label: str
    label_en: str | None
    aliases: list[str]
    codes: list[str]
    mentions: int
    ancestors: frozenset[str]
    keys: list[tuple[str, bool]] = field(default_factory=list)  # (normalised label, is primary)


def _most_specific(types: Iterable[str]) -> str:
    """The type a resource is shown as: its deepest ontology class; a product that is also a sector is a product."""
    types = list(types)
    nqi = [t for t in types if t.startswith(NQI)]
    if nqi:
        return max(nqi, key=lambda t: (t != NQI + "Industry", len(_ancestors(t)), t))
    for t in (SKOS + "Concept", SKOS + "ConceptScheme"):
        if t in types:
            return t
    return types[0] if types else RDFS + "Resource"


class LabelIndex:
    """Every entity of one store generation with its labels, aliases, codes and mention count."""

    def __init__(self, store: ox.Store):
        base = id_base()
        labels: dict[str, dict[str, list[tuple[str, str | None]]]] = defaultdict(lambda: defaultdict(list))
        for row in _q(store, """
            SELECT DISTINCT ?s ?p ?o WHERE {
              VALUES ?p { rdfs:label skos:prefLabel skos:altLabel skos:notation nqi:code dcterms:title }
              ?s ?p ?o . FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?base))
            }""", base=ox.Literal(base)):
            labels[row["s"].value][local(row["p"].value)].append((row["o"].value, getattr(row["o"], "language", None)))
        types: dict[str, set[str]] = defaultdict(set)
        for row in _q(store, """
            SELECT DISTINCT ?s ?t WHERE { ?s a ?t . FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?base)) }""",
                      base=ox.Literal(base)):
            types[row["s"].value].add(row["t"].value)
        mentions: dict[str, int] = {}
        for row in _q(store, "SELECT ?e (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m nqi:denotes ?e } GROUP BY ?e"):
            mentions[row["e"].value] = int(row["n"].value)
        self.entities: dict[str, IndexedEntity] = {}
        for s, kinds in labels.items():
            ts = types.get(s, set())
            if not ts or ts & _NOT_ENTITIES:
                continue
            ancestors = frozenset(a for t in ts for a in _ancestors(t)) | ts
            if NQI + "Entity" not in ancestors and not ts & set(_EXTRA_ENTITY_TYPES):
                continue
            pref = kinds.get("prefLabel", []) + kinds.get("label", [])
            zh = next((v for v, lang in pref if lang == "zh"), None)
            en = next((v for v, lang in pref if lang == "en"), None)
            main = zh or en or next((v for v, _ in pref), None) or next(
                (v for v, _ in kinds.get("title", [])), None) or local(s)
            names = {v for v, _ in pref}
            aliases = sorted({v for v, _ in kinds.get("altLabel", []) + kinds.get("title", [])} - names - {main})
            codes = sorted({v for v, _ in kinds.get("notation", []) + kinds.get("code", [])})
            entity = IndexedEntity(s, s[len(base):], tuple(sorted(ts)), _most_specific(ts), main,
                                   en if en != main else None, aliases, codes, mentions.get(s, 0), ancestors)
            seen = set()
            for text in [main, *sorted(names)]:
                k = _key(text)
                if k and k not in seen:
                    seen.add(k)
                    entity.keys.append((k, True))
            for text in [*aliases, *codes]:
                k = _key(text)
                if k and k not in seen:
                    seen.add(k)
                    entity.keys.append((k, False))
            self.entities[s] = entity
        self.bigrams = {e.iri: [(_bigrams(k), k) for k, _ in e.keys] for e in self.entities.values()}
        _jieba_cut("质量基础设施")  # load jieba's dictionary now, not on the first search
        self.by_code: dict[str, list[str]] = defaultdict(list)
        for e in self.entities.values():
            for c in e.codes:
                self.by_code[_key(c)].append(e.iri)

    def get(self, value: str) -> IndexedEntity | None:
        return self.entities.get(value)

    # -------------------------------------------------------- search

    def search(self, q: str = "", cls: str | None = None) -> list[tuple[IndexedEntity, int]]:
        """Entities matching ``q`` (all of them when empty), best first, with their match tier."""
        candidates = [e for e in self.entities.values() if cls is None or cls in e.ancestors]
        query = _key(q or "")
        if not query:
            return sorted(((e, EXACT) for e in candidates), key=lambda x: (-x[0].mentions, x[0].label))
        alt_queries = {query}
        try:
            from ..ingest.link import normalise_code
            code = normalise_code(q)
            if code:
                alt_queries.add(_key(code))
        except Exception:  # pragma: no cover - ingest not importable
            pass
        tokens = _tokens(query)
        qgrams = _bigrams(query)
        results = []
        for e in candidates:
            tier = None
            for k, primary in e.keys:
                if k in alt_queries:
                    t = EXACT if primary or k in (_key(c) for c in e.codes) else ALIAS
                elif k.startswith(query):
                    t = PREFIX
                elif query in k:
                    t = CONTAINS
                elif len(tokens) > 1 and all(tok in k for tok in tokens):
                    t = TOKENS
                else:
                    continue
                tier = t if tier is None else min(tier, t)
                if tier == EXACT:
                    break
            if tier is None and len(query) >= 2:
                best = 0.0
                for grams, k in self.bigrams[e.iri]:
                    if not grams or not qgrams:
                        continue
                    score = 2 * len(grams & qgrams) / (len(grams) + len(qgrams))
                    best = max(best, score)
                if best >= 0.5:
                    tier = FUZZY
            if tier is not None:
                results.append((e, tier))
        results.sort(key=lambda x: (x[1], -x[0].mentions, len(x[0].label), x[0].label))
        return results


def _tokens(query: str) -> list[str]:
    """Search tokens of a query: whitespace-separated words, Chinese runs split by jieba."""
    out: list[str] = []
    for word in query.split():
        if _CJK.search(word) and len(word) >= 3:
            out.extend(t for t in _jieba_cut(word) if t.strip() and not re.fullmatch(r"\W+", t))
        else:
            out.append(word)
    return out


@lru_cache(maxsize=4096)
def _jieba_cut(text: str) -> tuple[str, ...]:
    import jieba
    jieba.setLogLevel(logging.WARNING)
    return tuple(jieba.lcut(text))


_index_lock = threading.Lock()
_index_cache: dict[str, object] = {}


def index_for(store: ox.Store, generation: object = None) -> LabelIndex:
    """The label index of a store generation, built once (rebuilt when ``generation`` changes)."""
    key = str(generation) if generation is not None else f"id:{id(store)}"
    with _index_lock:
        if _index_cache.get("key") == key:
            return _index_cache["index"]
        index = LabelIndex(store)
        _index_cache.update(key=key, index=index)
        return index


# ---------------------------------------------------------------- summaries

def summary(index: LabelIndex, value: str, labels: dict[str, str] | None = None) -> dict:
    """A short description of a node: id, iri, label, type (for links and lists)."""
    e = index.get(value)
    if e is not None:
        return {"id": e.id, "iri": e.iri, "label": e.label, "label_en": e.label_en, "type": local(e.type),
                "type_label": term_label(e.type)[0], "aliases": e.aliases, "codes": e.codes, "mentions": e.mentions}
    label = (labels or {}).get(value)
    if label is None and not value.startswith(id_base()):
        label = term_label(value)[0]
    return {"id": id_of(value), "iri": value, "label": label or local(value), "label_en": None, "type": None,
            "type_label": None, "aliases": [], "codes": [], "mentions": 0}


def _labels(store: ox.Store, values: Iterable[str]) -> dict[str, str]:
    values = sorted({v for v in values if v})
    out: dict[str, str] = {}
    for chunk in range(0, len(values), 400):
        part = values[chunk:chunk + 400]
        rows = _q(store, f"""SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {_values(part)} }}
                 VALUES ?p {{ skos:prefLabel rdfs:label dcterms:title }} ?s ?p ?l }}""")
        best: dict[str, tuple[int, str]] = {}
        for r in rows:
            lang = getattr(r["l"], "language", None)
            rank = (0 if lang == "zh" else 1 if lang is None else 2) + (0 if local(r["p"].value) == "prefLabel" else 3)
            if r["s"].value not in best or rank < best[r["s"].value][0]:
                best[r["s"].value] = (rank, r["l"].value)
        out.update({k: v for k, (_, v) in best.items()})
    return out


def search(index: LabelIndex, q: str = "", type_: str | None = None, limit: int = 20, offset: int = 0) -> dict:
    cls = resolve_type(type_) if type_ else None
    hits = index.search(q, cls)
    items = []
    for e, tier in hits[offset:offset + limit]:
        item = summary(index, e.iri)
        item["match"] = MATCH_NAMES[tier]
        items.append(item)
    return {"query": q, "type": local(cls) if cls else None, "total": len(hits), "limit": limit, "offset": offset,
            "items": items}


# ---------------------------------------------------------------- evidence

def evidence(store: ox.Store, index: LabelIndex, sentences: Iterable[str],
             focus: Iterable[str] = (), spans: dict[str, tuple[int, int]] | None = None) -> dict[str, dict]:
    """Evidence records of sentences: document, text, offsets in the source file, mentions in the sentence.

    ``focus`` entities have their mentions flagged (to highlight them); ``spans`` gives a supporting
    span per sentence (a statement's clause)."""
    sentences = sorted(set(s for s in sentences if s))
    focus = set(focus)
    out: dict[str, dict] = {}
    for chunk in range(0, len(sentences), 300):
        part = sentences[chunk:chunk + 300]
        vals = _values(part)
        for r in _q(store, f"""SELECT ?s ?text ?start ?end ?idx ?doc ?docid ?title WHERE {{
                 VALUES ?s {{ {vals} }}
                 ?s nqi:text ?text ; dcterms:isPartOf ?doc .
                 OPTIONAL {{ ?s nqi:start ?start }} OPTIONAL {{ ?s nqi:end ?end }}
                 OPTIONAL {{ ?s nqi:sentenceIndex ?idx }}
                 OPTIONAL {{ ?doc dcterms:identifier ?docid }} OPTIONAL {{ ?doc dcterms:title ?title }} }}"""):
            s = r["s"].value
            if s in out:
                continue
            out[s] = {"sentence": id_of(s), "sentence_iri": s, "index": _lit_int(r["idx"]),
                      "document": id_of(r["doc"].value), "document_id": _v(r["docid"]), "document_title": _v(r["title"]),
                      "text": r["text"].value, "source_start": _lit_int(r["start"]), "source_end": _lit_int(r["end"]),
                      "span_start": None, "span_end": None, "mentions": []}
        seen = set()
        for r in _q(store, f"""SELECT ?s ?m ?surface ?label ?start ?end ?sstart ?send ?e WHERE {{
                 VALUES ?s {{ {vals} }}
                 ?m nqi:inSentence ?s ; nqi:start ?start ; nqi:end ?end .
                 OPTIONAL {{ ?m nqi:surface ?surface }} OPTIONAL {{ ?m nqi:mentionLabel ?label }}
                 OPTIONAL {{ ?m nqi:sourceStart ?sstart }} OPTIONAL {{ ?m nqi:sourceEnd ?send }}
                 OPTIONAL {{ ?m nqi:denotes ?e }} }}"""):
            s, m = r["s"].value, r["m"].value
            if s not in out or m in seen:
                continue
            seen.add(m)
            e = _v(r["e"])
            out[s]["mentions"].append({
                "start": _lit_int(r["start"]), "end": _lit_int(r["end"]), "surface": _v(r["surface"]),
                "label": _v(r["label"]), "source_start": _lit_int(r["sstart"]), "source_end": _lit_int(r["send"]),
                "entity": id_of(e), "entity_label": index.get(e).label if e and index.get(e) else None,
                "focus": e in focus})
    for s, ev in out.items():
        ev["mentions"].sort(key=lambda m: (m["start"] or 0, -(m["end"] or 0)))
        if spans and s in spans:
            ev["span_start"], ev["span_end"] = spans[s]
    return out


def _order_evidence(items: Iterable[dict]) -> list[dict]:
    return sorted(items, key=lambda e: (e.get("document_id") or "", e.get("index") or 0))


# ---------------------------------------------------------------- entity detail

MAX_GROUP = 60
MAX_MENTION_SENTENCES = 40


def entity(store: ox.Store, index: LabelIndex, path: str, *, max_sentences: int = MAX_MENTION_SENTENCES) -> dict:
    """Everything the graph says about one resource (raises NotFound, or Moved for a merged one)."""
    _follow_merge(store, path)
    value = iri_of(path)
    if not _exists(store, value):
        raise NotFound(f"no resource {path!r} in the graph")
    return _detail(store, index, value, max_sentences=max_sentences)


def _detail(store: ox.Store, index: LabelIndex, value: str, *, max_sentences: int = MAX_MENTION_SENTENCES) -> dict:
    node = ox.NamedNode(value)
    out_rows = _q(store, "SELECT DISTINCT ?p ?o WHERE { ?s ?p ?o }", s=node)
    in_rows = _q(store, "SELECT DISTINCT ?x ?p WHERE { ?x ?p ?s } LIMIT 5000", s=node)

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
    statements = _q(store, """
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
            (r["sent"].value, _lit_int(r["start"]), _lit_int(r["end"])))

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
    mention_rows = _q(store, """
        SELECT DISTINCT ?sent ?doc ?idx WHERE { ?m nqi:denotes ?s ; nqi:inSentence ?sent .
          OPTIONAL { ?sent dcterms:isPartOf ?doc } OPTIONAL { ?sent nqi:sentenceIndex ?idx } }""", s=node)
    mention_rows.sort(key=lambda r: (_v(r["doc"]) or "", _lit_int(r["idx"]) or 0))
    mention_sentences = [r["sent"].value for r in mention_rows]
    mention_count = len(_q(store, "SELECT DISTINCT ?m WHERE { ?m nqi:denotes ?s }", s=node))

    co_rows = _q(store, """
        SELECT ?o (COUNT(DISTINCT ?sent) AS ?n) WHERE { ?m nqi:denotes ?s ; nqi:inSentence ?sent .
          ?m2 nqi:inSentence ?sent ; nqi:denotes ?o . FILTER(?o != ?s) }
        GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 16""", s=node)

    observations = _observations(store, node)
    claims = _q(store, """
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
    other_labels = _labels(store, [v for v in linked if index.get(v) is None])

    groups = []
    for (p, direction), targets in links.items():
        zh, en = relation_label(p, direction)
        items = []
        for t in sorted(set(targets), key=lambda t: (-(index.get(t).mentions if index.get(t) else 0), t)):
            item = summary(index, t, other_labels)
            sents = stmt_sentences.get((p, direction, t), [])
            item["evidence"] = _order_evidence(
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
        src = _v(r["src"])
        item = {"claim": id_of(r["c"].value), "cue": _v(r["cue"]), "source": id_of(src), "source_iri": src,
                "source_label": _v(r["srcLabel"]), "evidence": []}
        if src in ev:
            item["evidence"] = [{**ev[src], "span_start": _lit_int(r["start"]), "span_end": _lit_int(r["end"])}]
        bottleneck.append(item)
    bottleneck.sort(key=lambda b: (b["source"] or "", b["claim"] or ""))

    e = index.get(value)
    main = e.label if e else (next((l["value"] for l in labels if l["lang"] == "zh"), None)
                              or next((l["value"] for l in labels), None) or local(value))
    zh_types = [{"iri": t, "name": local(t), "curie": curie(t), "label": term_label(t)[0], "label_en": term_label(t)[1]}
                for t in types]
    return {
        "id": id_of(value), "iri": value, "label": main, "label_en": e.label_en if e else None,
        "type": local(e.type) if e else (local(_most_specific(types)) if types else None),
        "types": zh_types, "labels": sorted(labels, key=lambda l: (l["kind"], l["lang"] or "", l["value"])),
        "aliases": sorted(aliases, key=lambda a: (a["lang"] or "", a["value"])), "codes": codes,
        "pillar": pillar, "properties": literals, "relations": groups,
        "observations": observations, "bottleneck": bottleneck,
        "documents": [summary(index, d, other_labels) for d in documents],
        "co_mentions": [{**summary(index, r["o"].value, other_labels), "sentences": int(r["n"].value)}
                        for r in co_rows],
        "mention_count": mention_count, "sentence_count": len(mention_sentences),
        "evidence": _order_evidence(ev[s] for s in mention_sentences[:max_sentences] if s in ev),
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
    rows = _q(store, """
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
                "low_confidence": r["low"] is not None and r["low"].value == "true", "sentence": id_of(_v(r["sent"]))}
        seen = best.get(code)
        if seen is None or (item["placement"], -(item["confidence"] or 0)) < (seen["placement"], -(seen["confidence"] or 0)):
            best[code] = item
    return sorted(best.values(), key=lambda x: (x["placement"] != "stated", x["low_confidence"], -(x["confidence"] or 0),
                                                x["value"]))


def _observations(store: ox.Store, node: ox.NamedNode) -> list[dict]:
    rows = _q(store, """
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
        refs.update(v for v in (_v(r["ind"]), _v(r["subj"]), _v(r["policy"])) if v)
        num = _v(r["num"])
        upper = _v(r["upper"])
        out[o] = {"id": id_of(o), "iri": o, "role": r["role"].value, "indicator": _v(r["ind"]), "subject": _v(r["subj"]),
                  "policy": _v(r["policy"]), "value": _v(r["value"]),
                  "numeric_value": float(num) if num is not None else None,
                  "upper_value": float(upper) if upper is not None else None, "unit": _v(r["unit"]),
                  "year": _v(r["year"]), "scope": local(r["scope"].value) if r["scope"] is not None else None,
                  "is_target": (_v(r["target"]) == "true") if r["target"] is not None else None,
                  "_sentence": _v(r["sent"])}
    labels = _labels(store, refs)
    for o in out.values():
        for k in ("indicator", "subject", "policy"):
            v = o[k]
            o[k] = {"id": id_of(v), "iri": v, "label": labels.get(v, local(v))} if v else None
    return sorted(out.values(), key=lambda o: (o["indicator"]["label"] if o["indicator"] else "", o["year"] or "",
                                               o["id"] or ""))


# ---------------------------------------------------------------- standards

def standard(store: ox.Store, index: LabelIndex, code: str) -> dict:
    """A standard or metrology specification by its code (normalised: ``GB/T4754—2017`` → ``GB/T 4754-2017``)."""
    from ..ingest.link import normalise_code
    normalised = normalise_code(code)
    if not normalised:
        raise NotFound(f"{code!r} is not a standard code (expected e.g. GB/T 4754-2017, JJF 1001-2011)")
    hits = index.by_code.get(_key(normalised), [])
    hits = [h for h in hits if NQI + "StandardsElement" in index.get(h).ancestors
            or NQI + "MetrologySpecification" in index.get(h).ancestors] or hits
    if not hits and "-" not in normalised.split(" ", 1)[-1]:
        # a code without its year: the editions of that standard
        prefix = _key(normalised) + "-"
        hits = sorted({i for k, v in index.by_code.items() if k.startswith(prefix) for i in v})
    if not hits:
        raise NotFound(f"no standard {normalised!r} in the graph")
    detail = _detail(store, index, sorted(hits)[-1])
    detail["code"] = normalised
    detail["editions"] = [summary(index, h) for h in sorted(hits)]
    return detail


# ---------------------------------------------------------------- industries

def industry(store: ox.Store, index: LabelIndex, code: str) -> dict:
    """A GB/T 4754-2017 class with its sub-classes, the products placed in it or them (stated or inferred) or
    belonging to their industries, and the NQI elements supporting any of these."""
    code = code.strip().upper()
    if re.fullmatch(r"[A-T]\d{2,4}", code):
        code = code[1:]
    if not re.fullmatch(r"[A-T]|\d{2,4}", code):
        raise NotFound(f"{code!r} is not a GB/T 4754-2017 code (a letter A–T or 2–4 digits)")
    value = id_base() + "gbt4754/" + code
    if index.get(value) is None and not _exists(store, value):
        raise NotFound(f"no GB/T 4754-2017 class {code!r}")
    node = ox.NamedNode(value)
    detail = _detail(store, index, value, max_sentences=20)
    broader = [r["b"].value for r in _q(store, "SELECT DISTINCT ?b WHERE { ?c skos:broader+ ?b }", c=node)]
    sub = _q(store, """SELECT DISTINCT ?sub ?parent WHERE { ?sub skos:broader+ ?c ; skos:broader ?parent .
                       ?sub skos:inScheme ?scheme . ?c skos:inScheme ?scheme }""", c=node)
    subs = sorted({r["sub"].value for r in sub}, key=lambda v: (index.get(v).codes if index.get(v) else [], v))
    parents = {r["sub"].value: r["parent"].value for r in sub}
    depth = {}
    for s in subs:
        d, p = 1, parents.get(s)
        while p and p != value and d < 6:
            d, p = d + 1, parents.get(p)
        depth[s] = d
    support = _q(store, """
        SELECT DISTINCT ?el ?pillar ?target ?sent ?start ?end WHERE {
          ?target (nqi:relatedIndustry|nqi:industryClass)?/skos:broader* ?c .
          ?el nqi:supports ?target .
          OPTIONAL { ?el nqi:pillar ?pillar }
          OPTIONAL { ?st rdf:subject ?el ; rdf:predicate nqi:supports ; rdf:object ?target ; prov:wasDerivedFrom ?sent .
                     OPTIONAL { ?st nqi:start ?start } OPTIONAL { ?st nqi:end ?end } }
        } LIMIT 5000""", c=node)
    products = _q(store, """
        SELECT DISTINCT ?p ?target WHERE { ?target nqi:relatedIndustry?/skos:broader* ?c .
          ?p nqi:belongsToIndustry|nqi:industryClass ?target }
        LIMIT 2000""", c=node)
    ev = evidence(store, index, {r["sent"].value for r in support if r["sent"] is not None},
                  focus={r["el"].value for r in support} | {r["target"].value for r in support})
    other = _labels(store, [r["target"].value for r in support] + [r["el"].value for r in support])
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
        s = _v(r["sent"])
        if s in ev and not any(x["sentence_iri"] == s for x in item["evidence"]):
            item["evidence"].append({**ev[s], "span_start": _lit_int(r["start"]), "span_end": _lit_int(r["end"])})
    support_list = sorted(elements.values(), key=lambda x: (PILLARS.index(x["pillar"]) if x["pillar"] in PILLARS else 9,
                                                           -len(x["evidence"]), x["label"]))
    for item in support_list:
        item["evidence"] = _order_evidence(item["evidence"])
    detail.update({
        "code": code,
        "broader": [summary(index, b) for b in broader],
        "subclasses": [{**summary(index, s), "depth": depth[s]} for s in subs],
        "supporting_elements": support_list,
        "products": [{**summary(index, r["p"].value), "via": summary(index, r["target"].value)} for r in products],
    })
    return detail


# ---------------------------------------------------------------- documents

def documents(store: ox.Store) -> list[dict]:
    rows = _q(store, """
        SELECT ?doc ?id ?title ?source ?sha ?enc (COUNT(DISTINCT ?s) AS ?sentences) WHERE {
          ?doc a nqi:Document .
          OPTIONAL { ?doc dcterms:identifier ?id } OPTIONAL { ?doc dcterms:title ?title }
          OPTIONAL { ?doc dcterms:source ?source } OPTIONAL { ?doc nqi:sha256 ?sha } OPTIONAL { ?doc nqi:encoding ?enc }
          OPTIONAL { ?s dcterms:isPartOf ?doc }
        } GROUP BY ?doc ?id ?title ?source ?sha ?enc ORDER BY ?id""")
    counts = {r["doc"].value: (int(r["m"].value), int(r["e"].value)) for r in _q(store, """
        SELECT ?doc (COUNT(DISTINCT ?m) AS ?m) (COUNT(DISTINCT ?e) AS ?e) WHERE {
          ?doc a nqi:Document . ?s dcterms:isPartOf ?doc . ?m nqi:inSentence ?s . OPTIONAL { ?m nqi:denotes ?e } }
        GROUP BY ?doc""")}
    out = []
    seen = set()
    for r in rows:
        d = r["doc"].value
        if d in seen:
            continue
        seen.add(d)
        m, e = counts.get(d, (0, 0))
        out.append({"id": id_of(d), "iri": d, "doc_id": _v(r["id"]) or local(d), "title": _v(r["title"]),
                    "source": _v(r["source"]), "sha256": _v(r["sha"]), "encoding": _v(r["enc"]),
                    "sentence_count": int(r["sentences"].value), "mention_count": m, "entity_count": e})
    return out


def document(store: ox.Store, index: LabelIndex, doc_id: str, *, limit: int = 50, offset: int = 0) -> dict:
    """A source document: metadata, the entities it mentions (most mentioned first), bottleneck claims, sentences."""
    value = iri_of("doc/" + doc_id.strip("/"))
    if "/" in doc_id.strip("/"):
        raise NotFound(f"{doc_id!r} is not a document id")
    meta = [d for d in documents_meta(store, value)]
    if not meta:
        raise NotFound(f"no document {doc_id!r} in the graph")
    doc = meta[0]
    node = ox.NamedNode(value)
    ents = _q(store, """SELECT ?e (COUNT(DISTINCT ?m) AS ?n) WHERE { ?s dcterms:isPartOf ?d . ?m nqi:inSentence ?s ;
                        nqi:denotes ?e } GROUP BY ?e ORDER BY DESC(?n) ?e""", d=node)
    sents = _q(store, """SELECT ?s ?idx WHERE { ?s dcterms:isPartOf ?d ; nqi:sentenceIndex ?idx } ORDER BY ?idx""", d=node)
    page = [r["s"].value for r in sents[offset:offset + limit]]
    ev = evidence(store, index, page)
    claims = _q(store, """SELECT DISTINCT ?p ?cue ?s WHERE { ?c a nqi:BottleneckClaim ; nqi:aboutProduct ?p ;
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


def documents_meta(store: ox.Store, value: str) -> list[dict]:
    return [d for d in documents(store) if d["iri"] == value]


# ---------------------------------------------------------------- the NQI coverage matrix

_KIND_RANK = {"supports": 0, "industry": 1, "broader": 2}


def gaps_query() -> str:
    return (QUERIES_DIR / "gaps.rq").read_text(encoding="utf-8")


def gaps(store: ox.Store, index: LabelIndex) -> dict:
    """For every bottleneck product, the evidence per pillar that NQI elements cover it (queries/gaps.rq)."""
    rows = list(store.query(gaps_query(), use_default_graph_as_union=True))
    claims = _q(store, """
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
        src = _v(r["src"])
        e = ev.get(src)
        item["bottleneck"].append({"claim": id_of(r["c"].value), "cue": _v(r["cue"]), "source": id_of(src),
                                   "source_label": _v(r["srcLabel"]) or (e["document_title"] if e else None),
                                   "document": e["document_id"] if e else None, "text": e["text"] if e else None})
    for r in rows:
        item = row_for(r["product"].value)
        if r["pillar"] is None:
            continue
        pillar = local(r["pillar"].value)
        if pillar not in item["coverage"]:
            continue
        el, s = r["element"].value, _v(r["sentence"])
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


# ---------------------------------------------------------------- canned queries

def canned_queries() -> list[dict]:
    """The canned SPARQL queries (``queries/*.rq``, read by :mod:`nqikg.queries.canned`)."""
    from . import canned
    out = []
    for name in canned.names():
        try:
            q = canned.load(name)
        except Exception as exc:  # a file whose header does not parse is still listed
            log.warning("canned query %s: %s", name, exc)
            text = (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
            out.append({"name": name, "title": name, "description": "", "parameters": [], "query": text})
            continue
        out.append({"name": q.name, "title": q.title, "description": q.description, "query": q.text,
                    "parameters": [{"name": p.name, "kind": p.kind, "required": p.required,
                                    "description": p.description} for p in q.parameters]})
    return out


# ---------------------------------------------------------------- linked data

def describe(store: ox.Store, path: str, *, max_incoming: int = 2000) -> list[ox.Triple]:
    """Triples describing a resource: its own (all graphs, blank nodes expanded), incoming links, and
    the labels and types of the nodes it links to. Raises NotFound, or Moved for a merged resource."""
    _follow_merge(store, path)
    value = iri_of(path)
    node = ox.NamedNode(value)
    triples: set[ox.Triple] = set()
    linked: set = set()
    stack = [node]
    seen_bnodes = set()
    while stack:
        s = stack.pop()
        for q in store.quads_for_pattern(s, None, None):
            triples.add(ox.Triple(q.subject, q.predicate, q.object))
            if isinstance(q.object, ox.BlankNode) and q.object not in seen_bnodes:
                seen_bnodes.add(q.object)
                stack.append(q.object)
            elif isinstance(q.object, ox.NamedNode):
                linked.add(q.object)
    n_in = 0
    for q in store.quads_for_pattern(None, None, node):
        if n_in >= max_incoming:
            break
        t = ox.Triple(q.subject, q.predicate, q.object)
        if t not in triples:
            triples.add(t)
            n_in += 1
            if isinstance(q.subject, ox.NamedNode):
                linked.add(q.subject)
    if not triples:
        raise NotFound(f"no resource {path!r} in the graph")
    label_props = [ox.NamedNode(RDFS + "label"), ox.NamedNode(SKOS + "prefLabel")]
    for other in linked:
        if other == node:
            continue
        for prop in label_props:
            for q in store.quads_for_pattern(other, prop, None):
                triples.add(ox.Triple(q.subject, q.predicate, q.object))
    return sorted(triples, key=lambda t: (t.subject != node, str(t.subject), str(t.predicate), str(t.object)))


def resource_kind(store: ox.Store, path: str) -> str:
    """What a resource is, for picking its page: entity, document, sentence or resource (raises NotFound,
    or Moved for a merged one)."""
    _follow_merge(store, path)
    value = iri_of(path)
    if not _exists(store, value):
        raise NotFound(f"no resource {path!r} in the graph")
    types = {q.object.value for q in store.quads_for_pattern(ox.NamedNode(value), ox.NamedNode(RDF + "type"), None)}
    if NQI + "Document" in types:
        return "document"
    if NQI + "Sentence" in types:
        return "sentence"
    if types & _NOT_ENTITIES or not types:
        return "resource"
    return "entity"


def sentence(store: ox.Store, index: LabelIndex, path: str) -> dict:
    value = iri_of(path)
    ev = evidence(store, index, [value])
    if value not in ev:
        raise NotFound(f"no sentence {path!r} in the graph")
    return ev[value]

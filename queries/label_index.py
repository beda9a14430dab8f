"""The label index and search: every entity of a store generation with its labels, aliases, codes and
mention count, built once per generation (:func:`index_for`), normalised like the extraction lexicon
(NFKC, case-folded); :func:`search` ranks matches exact > alias > prefix > contains > tokens > fuzzy.
:func:`summary` is the short description of a node used in every list and link."""
from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

import pyoxigraph as ox

from ..ontology import lexicon
from ..ontology.iri import NQI
from .identifiers import id_base, id_of, local
from .store_helpers import iri_values, select
from .terms import EXTRA_ENTITY_TYPES, NOT_ENTITIES, class_ancestors, most_specific, resolve_type, term_label

# match tiers, best first
EXACT, ALIAS, PREFIX, CONTAINS, TOKENS, FUZZY = range(6)
MATCH_NAMES = ("exact", "alias", "prefix", "contains", "tokens", "fuzzy")


def label_key(text: str) -> str:
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


class LabelIndex:
    """Every entity of one store generation with its labels, aliases, codes and mention count."""

    def __init__(self, store: ox.Store):
        base = id_base()
        labels: dict[str, dict[str, list[tuple[str, str | None]]]] = defaultdict(lambda: defaultdict(list))
        for row in select(store, """
            SELECT DISTINCT ?s ?p ?o WHERE {
              VALUES ?p { rdfs:label skos:prefLabel skos:altLabel skos:notation nqi:code dcterms:title }
              ?s ?p ?o . FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?base))
            }""", base=ox.Literal(base)):
            labels[row["s"].value][local(row["p"].value)].append((row["o"].value, getattr(row["o"], "language", None)))
        types: dict[str, set[str]] = defaultdict(set)
        for row in select(store, """
            SELECT DISTINCT ?s ?t WHERE { ?s a ?t . FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?base)) }""",
                      base=ox.Literal(base)):
            types[row["s"].value].add(row["t"].value)
        mentions: dict[str, int] = {}
        for row in select(store, "SELECT ?e (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m nqi:denotes ?e } GROUP BY ?e"):
            mentions[row["e"].value] = int(row["n"].value)
        self.entities: dict[str, IndexedEntity] = {}
        for s, kinds in labels.items():
            ts = types.get(s, set())
            if not ts or ts & NOT_ENTITIES:
                continue
            ancestors = frozenset(a for t in ts for a in class_ancestors(t)) | ts
            if NQI + "Entity" not in ancestors and not ts & set(EXTRA_ENTITY_TYPES):
                continue
            pref = kinds.get("prefLabel", []) + kinds.get("label", [])
            zh = next((v for v, lang in pref if lang == "zh"), None)
            en = next((v for v, lang in pref if lang == "en"), None)
            main = zh or en or next((v for v, _ in pref), None) or next(
                (v for v, _ in kinds.get("title", [])), None) or local(s)
            names = {v for v, _ in pref}
            aliases = sorted({v for v, _ in kinds.get("altLabel", []) + kinds.get("title", [])} - names - {main})
            codes = sorted({v for v, _ in kinds.get("notation", []) + kinds.get("code", [])})
            entity = IndexedEntity(s, s[len(base):], tuple(sorted(ts)), most_specific(ts), main,
                                   en if en != main else None, aliases, codes, mentions.get(s, 0), ancestors)
            seen = set()
            for text in [main, *sorted(names)]:
                k = label_key(text)
                if k and k not in seen:
                    seen.add(k)
                    entity.keys.append((k, True))
            for text in [*aliases, *codes]:
                k = label_key(text)
                if k and k not in seen:
                    seen.add(k)
                    entity.keys.append((k, False))
            self.entities[s] = entity
        self.bigrams = {e.iri: [(_bigrams(k), k) for k, _ in e.keys] for e in self.entities.values()}
        _jieba_cut("质量基础设施")  # load jieba's dictionary now, not on the first search
        self.by_code: dict[str, list[str]] = defaultdict(list)
        for e in self.entities.values():
            for c in e.codes:
                self.by_code[label_key(c)].append(e.iri)

    def get(self, value: str) -> IndexedEntity | None:
        return self.entities.get(value)

    # -------------------------------------------------------- search

    def search(self, q: str = "", cls: str | None = None) -> list[tuple[IndexedEntity, int]]:
        """Entities matching ``q`` (all of them when empty), best first, with their match tier."""
        candidates = [e for e in self.entities.values() if cls is None or cls in e.ancestors]
        query = label_key(q or "")
        if not query:
            return sorted(((e, EXACT) for e in candidates), key=lambda x: (-x[0].mentions, x[0].label))
        alt_queries = {query}
        try:
            from ..ingest.link import normalise_code
            code = normalise_code(q)
            if code:
                alt_queries.add(label_key(code))
        except Exception:  # pragma: no cover - ingest not importable
            pass
        tokens = _tokens(query)
        qgrams = _bigrams(query)
        results = []
        for e in candidates:
            tier = None
            for k, primary in e.keys:
                if k in alt_queries:
                    t = EXACT if primary or k in (label_key(c) for c in e.codes) else ALIAS
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


def labels_of(store: ox.Store, values: Iterable[str]) -> dict[str, str]:
    values = sorted({v for v in values if v})
    out: dict[str, str] = {}
    for chunk in range(0, len(values), 400):
        part = values[chunk:chunk + 400]
        rows = select(store, f"""SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {iri_values(part)} }}
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

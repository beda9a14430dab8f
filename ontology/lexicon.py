"""The label/alias index: every surface form the ontology knows, with its extraction label.

Built from the controlled vocabulary (``terms.ttl`` via :func:`vocab.vocabulary`),
from the reference schemes of ``shared/reference`` (GB/T 4754 industry
classes, strategic emerging industries, the 卡脖子 technologies, the JJF/JJG
sample), from the product gazetteer of GB/T 4754 (``gbt4754_products.tsv``)
and from the administrative divisions of China (:mod:`.places`, the least
authoritative sources).  The extractor feeds it to a phrase matcher; the linker reuses
:func:`lookup` to map a mention to its canonical (preferred) label.

A surface that two entries claim with different labels keeps both entries: the
caller decides by context (the trained NER, a pattern rule).  Within one label
the vocabulary wins over a reference scheme, so the canonical name is the
vocabulary's preferred label.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import places, vocab

# sources in order of authority
SOURCE_VOCAB = "vocab"
SOURCE_GBT4754 = "gbt4754"
SOURCE_SEI = "strategic_emerging"
SOURCE_BOTTLENECK = "bottleneck"
SOURCE_METROLOGY_SPEC = "metrology_spec"
SOURCE_GAZETTEER = "gbt4754_products"
SOURCE_PLACES = "places"
_RANK = {SOURCE_VOCAB: 0, SOURCE_GBT4754: 1, SOURCE_SEI: 2, SOURCE_BOTTLENECK: 3, SOURCE_METROLOGY_SPEC: 4,
         SOURCE_GAZETTEER: 5, SOURCE_PLACES: 6}


@dataclass(frozen=True)
class LexEntry:
    """One surface form of one concept."""
    surface: str
    label: str          # extraction label of ANNOTATION.md (ORG, PRODUCT …)
    cls: str            # ontology class IRI
    canonical: str      # preferred Chinese label (or the reference name)
    source: str         # vocab | gbt4754 | strategic_emerging | bottleneck | metrology_spec | gbt4754_products | places


def key(surface: str) -> str:
    """Lookup key: NFKC (full-width to half-width), case-folded Latin, no inner spaces around ASCII."""
    s = unicodedata.normalize("NFKC", surface).strip()
    s = re.sub(r"\s+", " ", s)
    return s.casefold()


# GB/T 4754 names that denote institutions or activities, not industries, are left out;
# an industry name ends like one.
_INDUSTRY_HEAD = re.compile(r"(业|制造|加工|冶炼|种植|养殖|开采|采选|生产和供应|服务)$")
# Latin abbreviations shorter than this are too ambiguous to match as bare tokens
_MIN_LATIN = 2


def _ok_surface(s: str) -> bool:
    if not s or len(s) > 60:
        return False
    if re.fullmatch(r"[A-Za-z]+", s) and len(s) < _MIN_LATIN:
        return False
    return True


SOURCE_ONTOLOGY = "ontology"
_RANK[SOURCE_ONTOLOGY] = 0


def _ontology_individuals() -> list[LexEntry]:
    """Named individuals of nqi.ttl with labels (the four pillars 计量, 标准/标准化, 检验检测, 认证认可)."""
    import rdflib
    from rdflib.namespace import RDF, SKOS
    g = vocab.ontology()
    out = []
    for node in set(g.subjects(SKOS.prefLabel, None)):
        if not isinstance(node, rdflib.URIRef):
            continue
        label, cls = None, None
        for typ in g.objects(node, RDF.type):
            lab = vocab.entity_label(str(typ)) if str(typ).startswith(vocab.NQI) else None
            if lab:
                label, cls = lab, str(typ)
                break
        if not label:
            continue
        prefs = {getattr(v, "language", None): str(v) for v in g.objects(node, SKOS.prefLabel)}
        pref = prefs.get("zh")
        if not pref:
            continue
        names = [pref] + [str(v) for v in g.objects(node, SKOS.altLabel) if getattr(v, "language", None) == "zh"]
        out.extend(LexEntry(n, label, cls, pref, SOURCE_ONTOLOGY) for n in names if _ok_surface(n))
    return out


@lru_cache(maxsize=1)
def entries() -> tuple[LexEntry, ...]:
    """All lexicon entries, vocabulary first, then reference schemes."""
    out: list[LexEntry] = []
    for e in vocab.vocabulary():
        label = e.label
        if not label:
            continue
        for s in e.surfaces():
            s = s.strip()
            # English preferred names ("State Council") are descriptions, not surfaces of Chinese text;
            # keep Latin abbreviations and aliases (SAMR, ISO, SPC)
            if s == e.pref_en and s != e.pref_zh and " " in s:
                continue
            if _ok_surface(s):
                out.append(LexEntry(s, label, e.cls, e.pref_zh, SOURCE_VOCAB))
    out.extend(_ontology_individuals())
    loc = vocab.class_for_label("LOC")
    out.extend(LexEntry(s, "LOC", loc, canon, SOURCE_PLACES) for s, canon in places.names())
    try:
        from . import reference
        industry = vocab.class_for_label("INDUSTRY")
        product = vocab.class_for_label("PRODUCT")
        metrology = vocab.class_for_label("METROLOGY")
        for row in reference.gbt4754():
            name = row.name
            if "其他" in name or "未列明" in name or len(name) < 3 or not _INDUSTRY_HEAD.search(name):
                continue
            out.append(LexEntry(name, "INDUSTRY", industry, name, SOURCE_GBT4754))
        for row in reference.strategic_emerging():
            name = row.name
            if "其他" in name or "相关" in name or len(name) < 3:
                continue
            out.append(LexEntry(name, "INDUSTRY", industry, name, SOURCE_SEI))
        for row in reference.bottleneck_technologies():
            name = row.name
            # 适航标准, 核心算法, 超精密抛光工艺 and the like are not products
            if re.search(r"(标准|算法|工艺|技术)$", name):
                continue
            out.append(LexEntry(name, "PRODUCT", product, name, SOURCE_BOTTLENECK))
        for row in reference.metrology_specs():
            code = re.sub(r"\s+", " ", row.code)
            out.append(LexEntry(code, "METROLOGY", metrology, code, SOURCE_METROLOGY_SPEC))
        from .industry_classifier import product_names
        for name in sorted(product_names()):
            if len(name) >= 2 and not name.isascii():
                out.append(LexEntry(name, "PRODUCT", product, name, SOURCE_GAZETTEER))
    except (FileNotFoundError, OSError, KeyError):
        pass  # no shared reference folder: the vocabulary alone
    return tuple(out)


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[LexEntry, ...]]:
    idx: dict[str, list[LexEntry]] = {}
    for e in entries():
        bucket = idx.setdefault(key(e.surface), [])
        if any(b.label == e.label and b.cls == e.cls for b in bucket):
            continue
        bucket.append(e)
    for bucket in idx.values():
        bucket.sort(key=lambda e: _RANK.get(e.source, 9))
    return {k: tuple(v) for k, v in idx.items()}


def lookup(surface: str) -> list[LexEntry]:
    """Entries whose surface equals ``surface`` (after NFKC/case folding); best source first.

    More than one label means the surface is ambiguous (e.g. 人工智能 INDUSTRY/METHOD)."""
    return list(_index().get(key(surface), ()))


def labels_of(surface: str) -> set[str]:
    return {e.label for e in lookup(surface)}


def canonical(surface: str, label: str | None = None) -> str | None:
    """The canonical pref label of ``surface`` (restricted to ``label`` when given)."""
    for e in lookup(surface):
        if label is None or e.label == label:
            return e.canonical
    return None


def surfaces() -> dict[str, tuple[LexEntry, ...]]:
    """Distinct surfaces (as written in the sources) with their entries, for a phrase matcher."""
    out: dict[str, list[LexEntry]] = {}
    for e in entries():
        out.setdefault(e.surface, []).append(e)
    return {s: tuple(v) for s, v in out.items()}

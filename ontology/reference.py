"""Reference classifications from ``shared/reference/`` as plain rows and as SKOS quads.

GB/T 4754-2017 industries and ICS become SKOS concept schemes (codes as
``skos:notation``, hierarchy as ``skos:broader``), the strategic emerging
industries a third scheme, the JJF/JJG sample metrology specifications, and the
35 卡脖子 technologies bottleneck products whose evidence is the reference list.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import iri, shared_dir, vocab
from .namespaces import DCT, PROV, RDF, RDFS, SKOS, XSD

RDF_TYPE = RDF + "type"


@dataclass(frozen=True)
class Row:
    """One concept of a reference scheme."""
    code: str
    name: str
    parent: str | None
    level: int
    note: str = ""
    name_en: str = ""


def reference_dir() -> Path:
    return shared_dir() / "reference"


def _read(name: str) -> list[dict]:
    path = reference_dir() / name
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def gbt4754() -> tuple[Row, ...]:
    """GB/T 4754-2017 classes: 门类 letter, 大类 2 digits, 中类 3, 小类 4; parent by code prefix."""
    rows = []
    for r in _read("gbt4754_2017_industry_classification.csv"):
        level = int(r["level"])
        parent = {1: None, 2: r["menlei"], 3: r["dalei"], 4: r["zhonglei"]}[level]
        rows.append(Row(r["code"], r["name"].strip(), parent or None, level, r.get("remark", "")))
    # derived 中类 rows share code and name with their only 小类; keep codes unique
    seen, unique = set(), []
    for row in rows:
        if row.code not in seen:
            seen.add(row.code)
            unique.append(row)
    return tuple(unique)


@lru_cache(maxsize=1)
def ics() -> tuple[Row, ...]:
    rows = []
    for r in _read("ics_ed7_iso_en.csv"):
        level = int(r["level"])
        parent = {1: None, 2: r["field"], 3: f"{r['field']}.{r['group']}"}[level]
        rows.append(Row(r["code"], r["description"].strip(), parent, level, name_en=r["description"].strip()))
    return tuple(rows)


@lru_cache(maxsize=1)
def strategic_emerging() -> tuple[Row, ...]:
    return tuple(Row(r["code_derived"], r["name"].strip(), r["parent_code_derived"] or None, int(r["level"]))
                 for r in _read("strategic_emerging_industries_2018_top2levels.csv"))


@lru_cache(maxsize=1)
def metrology_specs() -> tuple[Row, ...]:
    """The JJF/JJG sample: code, Chinese and English names; ``note`` holds replaced codes."""
    return tuple(Row(r["number"].strip(), r["chinese_name"].strip(), None, 0, r.get("replaces", ""),
                     r.get("english_name", "").strip())
                 for r in _read("jjg_jjf_medical_metrology_xh3140.csv"))


@lru_cache(maxsize=1)
def bottleneck_technologies() -> tuple[Row, ...]:
    """The 35 卡脖子 technologies (Science and Technology Daily, 2018)."""
    return tuple(Row(r["seq"], r["technology"].strip(), None, 0, r.get("corroborated_in_pages_excerpts", ""))
                 for r in _read("kabozi_35_technologies_stdaily2018.csv"))


# ---------------------------------------------------------------- as RDF

def _schemes():
    """(graph name, scheme IRI segment, zh label, en label, rows, concept segment)."""
    return (
        ("gbt4754", "国民经济行业分类（GB/T 4754-2017）", "Industrial classification for national economic activities (GB/T 4754-2017)", gbt4754()),
        ("ics", "国际标准分类法（ICS，第7版）", "International Classification for Standards (ICS, 7th edition)", ics()),
        ("sei", "战略性新兴产业分类（2018）", "Strategic emerging industries classification (2018)", strategic_emerging()),
    )


def scheme_iri(name: str) -> str:
    return f"{iri.base()}id/scheme/{name}"


def concept_iri(scheme: str, code: str) -> str:
    return f"{iri.base()}id/{scheme}/{iri.slug(code)}"


def quads():
    """Every reference quad, one named graph per scheme (``graph/reference/{name}``)."""
    import pyoxigraph as ox

    N, L = ox.NamedNode, ox.Literal
    rdf_type = N(RDF_TYPE)
    skos = lambda local: N(SKOS + local)  # noqa: E731
    rdfs_label = N(RDFS + "label")
    industry = N(vocab.term("Industry"))
    for name, zh, en, rows in _schemes():
        g = N(iri.graph("reference", name))
        scheme = N(scheme_iri(name))
        yield ox.Quad(scheme, rdf_type, skos("ConceptScheme"), g)
        yield ox.Quad(scheme, rdfs_label, L(zh, language="zh"), g)
        yield ox.Quad(scheme, rdfs_label, L(en, language="en"), g)
        for row in rows:
            c = N(concept_iri(name, row.code))
            yield ox.Quad(c, rdf_type, skos("Concept"), g)
            if name != "ics":
                yield ox.Quad(c, rdf_type, industry, g)
            yield ox.Quad(c, skos("inScheme"), scheme, g)
            yield ox.Quad(c, skos("notation"), L(row.code), g)
            lang = "en" if name == "ics" else "zh"
            yield ox.Quad(c, skos("prefLabel"), L(row.name, language=lang), g)
            yield ox.Quad(c, rdfs_label, L(row.name, language=lang), g)
            if row.note and name == "gbt4754":
                yield ox.Quad(c, skos("scopeNote"), L(row.note, language="zh"), g)
            if row.parent:
                yield ox.Quad(c, skos("broader"), N(concept_iri(name, row.parent)), g)
            else:
                yield ox.Quad(scheme, skos("hasTopConcept"), c, g)
    yield from _metrology_spec_quads()
    yield from _bottleneck_quads()


def _metrology_spec_quads():
    import pyoxigraph as ox

    N, L = ox.NamedNode, ox.Literal
    g = N(iri.graph("reference", "jjf-jjg"))
    cls = vocab.term("MetrologySpecification")
    for row in metrology_specs():
        s = N(iri.entity(vocab.iri_segment(cls), row.code))
        yield ox.Quad(s, N(RDF_TYPE), N(cls), g)
        yield ox.Quad(s, N(vocab.term("code")), L(row.code), g)
        yield ox.Quad(s, N(vocab.term("pillar")), N(vocab.term("metrology")), g)
        yield ox.Quad(s, N(RDFS + "label"), L(row.code, language="zh"), g)
        yield ox.Quad(s, N(SKOS + "prefLabel"), L(row.code, language="zh"), g)
        yield ox.Quad(s, N(DCT + "title"), L(row.name, language="zh"), g)
        if row.name_en:
            yield ox.Quad(s, N(DCT + "title"), L(row.name_en, language="en"), g)
        for old in filter(None, (c.strip() for c in row.note.split(";"))):
            yield ox.Quad(s, N(DCT + "replaces"),
                          N(iri.entity(vocab.iri_segment(cls), old)), g)


BOTTLENECK_SOURCE = "科技日报2018年“亟待攻克的核心技术”系列（35项卡脖子技术）"


def _bottleneck_quads():
    """The 35 technologies as bottleneck products whose evidence is the reference list itself, each
    placed in GB/T 4754 by the classifier."""
    import pyoxigraph as ox

    from .industry_classifier import IndustryClassifier

    N, L = ox.NamedNode, ox.Literal
    g = N(iri.graph("reference", "kabozi"))
    product, bottleneck = vocab.term("Product"), vocab.term("BottleneckProduct")
    source = N(f"{iri.base()}id/source/kabozi-2018")
    yield ox.Quad(source, N(RDF_TYPE), N(PROV + "Entity"), g)
    yield ox.Quad(source, N(RDFS + "label"), L(BOTTLENECK_SOURCE, language="zh"), g)
    for row in bottleneck_technologies():
        p = N(iri.entity(vocab.iri_segment(product), row.name))
        claim = N(f"{iri.base()}id/source/kabozi-2018/{row.code}")
        yield ox.Quad(p, N(RDF_TYPE), N(bottleneck), g)
        yield ox.Quad(p, N(RDFS + "label"), L(row.name, language="zh"), g)
        yield ox.Quad(p, N(SKOS + "prefLabel"), L(row.name, language="zh"), g)
        yield ox.Quad(p, N(vocab.term("bottleneckEvidence")), claim, g)
        yield ox.Quad(claim, N(RDF_TYPE), N(vocab.term("BottleneckClaim")), g)
        yield ox.Quad(claim, N(vocab.term("aboutProduct")), p, g)
        yield ox.Quad(claim, N(vocab.term("cue")), L("卡脖子", language="zh"), g)
        yield ox.Quad(claim, N(PROV + "wasDerivedFrom"), source, g)
        placed = IndustryClassifier.shared().place(row.name)
        if placed is not None:
            best, confidence, low = placed
            node = N(f"{iri.base()}id/source/kabozi-2018/{row.code}/placement")
            yield from placement_quads(p, best.code, g, node, "inferred", confidence=confidence, low=low)


def placement_quads(product, code: str, g, node, method: str, *, confidence: float | None = None,
                    low: bool = False, sentence=None, start: int | None = None, end: int | None = None):
    """``product nqi:industryClass`` the GB/T 4754 class ``code``, reified as ``node`` with how it was
    placed: "stated" (the sentence and span) or "inferred" (the classifier's confidence, low or not)."""
    import pyoxigraph as ox

    N, L = ox.NamedNode, ox.Literal
    pred, obj = N(vocab.term("industryClass")), N(concept_iri("gbt4754", code))
    yield ox.Quad(product, pred, obj, g)
    yield ox.Quad(node, N(RDF_TYPE), N(RDF + "Statement"), g)
    yield ox.Quad(node, N(RDF + "subject"), product, g)
    yield ox.Quad(node, N(RDF + "predicate"), pred, g)
    yield ox.Quad(node, N(RDF + "object"), obj, g)
    yield ox.Quad(node, N(vocab.term("placement")), L(method), g)
    if sentence is not None:
        yield ox.Quad(node, N(PROV + "wasDerivedFrom"), sentence, g)
        yield ox.Quad(node, N(vocab.term("start")), L(str(start), datatype=N(XSD + "integer")), g)
        yield ox.Quad(node, N(vocab.term("end")), L(str(end), datatype=N(XSD + "integer")), g)
    if confidence is not None:
        yield ox.Quad(node, N(vocab.term("confidence")), L(f"{confidence:.4f}", datatype=N(XSD + "decimal")), g)
        yield ox.Quad(node, N(vocab.term("lowConfidence")), L("true" if low else "false", datatype=N(XSD + "boolean")), g)
        yield ox.Quad(node, N(PROV + "wasAttributedTo"), N(vocab.term("industryClassifier")), g)

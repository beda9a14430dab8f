"""Ontology terms as the pages and the API show them: (zh, en) labels of classes and properties,
the relation labels of both directions, the NQI pillars, and the entity types of the search filter."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from ..ontology import vocab
from ..ontology.iri import NQI
from ..ontology.namespaces import DCT, PROV, RDF, RDFS, SKOS
from .identifiers import local

PILLARS = ("metrology", "standardization", "testing", "certification")


# node types that are provenance, not entities (never listed by search)
NOT_ENTITIES = {NQI + "Sentence", NQI + "Mention", NQI + "Observation", NQI + "BottleneckClaim",
                NQI + "GapClaim", RDF + "Statement"}
EXTRA_ENTITY_TYPES = {SKOS + "Concept": "Concept", SKOS + "ConceptScheme": "ConceptScheme",
                      NQI + "Document": "Document"}

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
def class_ancestors(cls: str) -> tuple[str, ...]:
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
        if not c.startswith(NQI) or c in NOT_ENTITIES:
            continue
        if NQI + "Entity" not in class_ancestors(c) and c != NQI + "Document":
            continue
        out[local(c).lower()] = c
        lab = vocab.entity_label(c)
        if lab and lab.lower() not in out:
            out[lab.lower()] = vocab.class_for_label(lab)
    for c, name in EXTRA_ENTITY_TYPES.items():
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


def most_specific(types: Iterable[str]) -> str:
    """The type a resource is shown as: its deepest ontology class; a product that is also a sector is a product."""
    types = list(types)
    nqi = [t for t in types if t.startswith(NQI)]
    if nqi:
        return max(nqi, key=lambda t: (t != NQI + "Industry", len(class_ancestors(t)), t))
    for t in (SKOS + "Concept", SKOS + "ConceptScheme"):
        if t in types:
            return t
    return types[0] if types else RDFS + "Resource"


@lru_cache(maxsize=1)
def ontology_terms() -> dict[str, list[str]]:
    """IRIs of the ontology's classes and properties (for completion in the SPARQL editor)."""
    import rdflib
    g = vocab.ontology()
    kinds = {"classes": (rdflib.OWL.Class,),
             "properties": (rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty, rdflib.OWL.AnnotationProperty)}
    return {name: sorted({str(s) for k in types for s in g.subjects(rdflib.RDF.type, k)
                          if isinstance(s, rdflib.URIRef)}) for name, types in kinds.items()}

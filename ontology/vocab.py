"""Read access to the ontology: classes, their extraction labels, IRI segments and the vocabulary.

Nothing outside ``ontology/`` names a class or property by string without going
through :func:`term`, which refuses a name the ontology does not define.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from . import ONTOLOGY_DIR
from .iri import NQI

NQI_NS = rdflib.Namespace(NQI)
ONTOLOGY_FILE = ONTOLOGY_DIR / "nqi.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "nqi-shapes.ttl"
TERMS_FILE = ONTOLOGY_DIR / "terms.ttl"


@lru_cache(maxsize=1)
def ontology() -> rdflib.Graph:
    """The ontology as an rdflib graph (parsed once)."""
    g = rdflib.Graph()
    g.parse(ONTOLOGY_FILE, format="turtle")
    return g


@lru_cache(maxsize=None)
def _defined() -> frozenset[str]:
    g = ontology()
    return frozenset(str(s) for s in g.subjects(RDF.type, None) if str(s).startswith(NQI))


def term(local: str) -> str:
    """Full IRI of an ontology term; raises KeyError when the ontology does not define it."""
    iri = NQI + local
    if iri not in _defined():
        raise KeyError(f"nqi:{local} is not defined in {ONTOLOGY_FILE.name}")
    return iri


def superclasses(cls: str) -> list[str]:
    """``cls`` and all its superclasses in the ontology, nearest first."""
    g, seen, queue = ontology(), [], [rdflib.URIRef(cls)]
    while queue:
        c = queue.pop(0)
        if str(c) in seen:
            continue
        seen.append(str(c))
        queue.extend(g.objects(c, RDFS.subClassOf))
    return seen


def _annotation(cls: str, prop: str) -> str | None:
    g = ontology()
    for c in superclasses(cls):
        value = g.value(rdflib.URIRef(c), NQI_NS[prop])
        if value is not None:
            return str(value)
    return None


@lru_cache(maxsize=None)
def entity_label(cls: str) -> str | None:
    """The ANNOTATION.md label (ORG, METROLOGY …) of a class, inherited from superclasses."""
    return _annotation(cls, "entityLabel")


@lru_cache(maxsize=None)
def iri_segment(cls: str) -> str:
    """The IRI path segment for instances of ``cls``."""
    segment = _annotation(cls, "iriSegment")
    if segment is None:
        raise KeyError(f"{cls} has no nqi:iriSegment in the ontology")
    return segment


@lru_cache(maxsize=None)
def class_for_label(label: str) -> str:
    """The most general class whose extraction label is ``label``."""
    g = ontology()
    for cls in g.subjects(NQI_NS.entityLabel, rdflib.Literal(label)):
        if isinstance(cls, rdflib.URIRef) and (cls, RDF.type, OWL.Class) in g:
            return str(cls)
    raise KeyError(f"no ontology class carries nqi:entityLabel {label!r}")


@lru_cache(maxsize=1)
def entity_labels() -> tuple[str, ...]:
    """All extraction labels the ontology defines."""
    g = ontology()
    return tuple(sorted({str(o) for o in g.objects(None, NQI_NS.entityLabel)}))


@dataclass(frozen=True)
class Signature:
    """The type signature of an extraction predicate: the labels each end may have (no object: one-place)."""
    predicate: str
    term: str                       # the property (or, for a one-place predicate, the claim class) recording it
    subject_labels: frozenset[str]
    object_labels: frozenset[str]

    @property
    def one_place(self) -> bool:
        return not self.object_labels


@lru_cache(maxsize=1)
def relation_signatures() -> dict[str, Signature]:
    """Extraction predicate → its type signature, read from nqi:extractionPredicate, nqi:subjectLabel
    and nqi:objectLabel of the ontology (ANNOTATION.md, Relations)."""
    g = ontology()
    out = {}
    for node, name in g.subject_objects(NQI_NS.extractionPredicate):
        out[str(name)] = Signature(str(name), str(node),
                                   frozenset(str(x) for x in g.objects(node, NQI_NS.subjectLabel)),
                                   frozenset(str(x) for x in g.objects(node, NQI_NS.objectLabel)))
    return dict(sorted(out.items()))


@lru_cache(maxsize=None)
def pillar_of(cls: str) -> str | None:
    """The pillar individual (nqi:metrology …) whose element class ``cls`` falls under."""
    g = ontology()
    chain = set(superclasses(cls))
    for pillar in g.subjects(RDF.type, NQI_NS.Pillar):
        for typ in g.objects(pillar, RDF.type):
            if typ != NQI_NS.Pillar and str(typ) in chain:
                return str(pillar)
    return None


@lru_cache(maxsize=None)
def label(iri: str, lang: str = "zh") -> str | None:
    g = ontology()
    for value in g.objects(rdflib.URIRef(iri), RDFS.label):
        if getattr(value, "language", None) == lang:
            return str(value)
    return None


@dataclass(frozen=True)
class VocabularyEntry:
    """One entry of the controlled vocabulary (ontology/terms.ttl)."""
    cls: str
    pref_zh: str
    pref_en: str | None = None
    alt_labels: tuple[tuple[str, str], ...] = field(default=())  # (text, lang)

    @property
    def label(self) -> str:
        return entity_label(self.cls)

    def surfaces(self) -> Iterator[str]:
        yield self.pref_zh
        if self.pref_en:
            yield self.pref_en
        for text, _ in self.alt_labels:
            yield text


@lru_cache(maxsize=1)
def vocabulary() -> tuple[VocabularyEntry, ...]:
    """The controlled vocabulary: named entities and NQI terms known before reading any text."""
    g = rdflib.Graph()
    g.parse(TERMS_FILE, format="turtle")
    entries = []
    for node, cls in g.subject_objects(RDF.type):
        pref = {getattr(v, "language", None): str(v) for v in g.objects(node, SKOS.prefLabel)}
        if "zh" not in pref:
            raise ValueError(f"{TERMS_FILE.name}: an entry of {cls} has no Chinese skos:prefLabel")
        alts = tuple(sorted((str(v), getattr(v, "language", None) or "") for v in g.objects(node, SKOS.altLabel)))
        entries.append(VocabularyEntry(str(cls), pref["zh"], pref.get("en"), alts))
    entries.sort(key=lambda e: (e.cls, e.pref_zh))
    return tuple(entries)

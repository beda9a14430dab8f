"""Quads of one document: its sentences, mentions, entities, relations, observations and claims.

Everything lands in the document's named graph, so the graph is the provenance
unit: removing it removes exactly what the document supported.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterator

import pyoxigraph as ox

from ..ontology import iri, reference, vocab
from .link import Entity
from .metadata import Metadata
from .place import ProductPlacement, StatedIndustry
from .relate import Mention, SentenceGraph

from ..ontology.namespaces import BIBO, DCT, FABIO, FOAF, ORG, PROV, RDF, RDFS, SKOS, XSD

N = ox.NamedNode
PRODUCT = vocab.term("Product")
MERGE_REASON = "以产品之名称呼的行业即该产品：一个事物一个节点 (a sector named by a product's name is that product: one node per thing)"


def _nqi(local: str) -> ox.NamedNode:
    return N(vocab.term(local))


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=N(XSD + "integer"))


def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def _tagged(text: str) -> ox.Literal:
    """``text`` tagged zh when it holds Chinese characters, else en."""
    return _zh(text) if any("\u4e00" <= ch <= "\u9fff" for ch in text) else ox.Literal(text, language="en")


def _date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=N(XSD + ("date" if len(value) == 10 else "gYear")))


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    source: str                  # the file name
    sha256: str
    media_type: str
    metadata: Metadata
    encoding: str | None = None  # of text and HTML input
    extractor_version: str | None = None


@dataclass(frozen=True)
class SentenceRecord:
    """One sentence with what was read from it."""
    index: int
    text: str
    source_start: int
    source_end: int
    page: int | None                      # 1-based page of paged input
    mentions: list[Mention]
    source_spans: list[tuple[int, int]]   # raw-file span of each mention
    graph: SentenceGraph


class DocumentWriter:
    """Accumulates the quads of one document graph, describing each entity once."""

    def __init__(self, info: DocumentInfo):
        self.info = info
        self.g = N(iri.graph("doc", info.doc_id))
        self.doc = N(iri.document(info.doc_id))
        self._described: dict[str, set[str]] = {}     # IRI -> the classes stated of it
        self.products: dict[str, Entity] = {}        # product entities of the document, for placement
        self.stated_industries: list[StatedIndustry] = []

    def _q(self, s, p, o) -> ox.Quad:
        return ox.Quad(s, p, o, self.g)

    def header(self) -> Iterator[ox.Quad]:
        i = self.info
        yield self._q(self.doc, N(RDF + "type"), _nqi("Document"))
        yield self._q(self.doc, N(DCT + "identifier"), ox.Literal(i.doc_id))
        yield self._q(self.doc, N(RDFS + "label"), _tagged(i.metadata.title or i.source))
        yield self._q(self.doc, N(DCT + "source"), ox.Literal(i.source))
        yield self._q(self.doc, N(DCT + "format"), ox.Literal(i.media_type))
        yield self._q(self.doc, _nqi("sha256"), ox.Literal(i.sha256))
        if i.encoding:
            yield self._q(self.doc, _nqi("encoding"), ox.Literal(i.encoding))
        if i.extractor_version:
            yield self._q(self.doc, _nqi("extractorVersion"), ox.Literal(i.extractor_version))
        yield from self._metadata(i.metadata)

    def _metadata(self, m: Metadata) -> Iterator[ox.Quad]:
        """What the document states of itself, in DCTERMS, BIBO, FaBiO and FOAF terms (absent fields: nothing)."""
        doc, lit = self.doc, ox.Literal
        if m.title:
            yield self._q(doc, N(DCT + "title"), _tagged(m.title))
        if m.subtitle:
            yield self._q(doc, N(FABIO + "hasSubtitle"), _tagged(m.subtitle))
        affiliations = [N(iri.document_part(self.info.doc_id, "affiliation", k + 1)) for k in range(len(m.affiliations))]
        for node, name in zip(affiliations, m.affiliations):
            yield self._q(node, N(RDF + "type"), N(FOAF + "Organization"))
            yield self._q(node, N(FOAF + "name"), _tagged(name))
        for k, name in enumerate(m.authors):
            person = N(iri.document_part(self.info.doc_id, "author", k + 1))
            yield self._q(doc, N(DCT + "creator"), person)
            yield self._q(person, N(RDF + "type"), N(FOAF + "Person"))
            yield self._q(person, N(FOAF + "name"), _tagged(name))
            for j in m.author_affiliations.get(k, []):
                yield self._q(person, N(ORG + "memberOf"), affiliations[j])
        if m.issuer:
            issuer = N(iri.document_part(self.info.doc_id, "issuer", 1))
            yield self._q(doc, N(DCT + "publisher"), issuer)
            yield self._q(issuer, N(RDF + "type"), N(FOAF + "Organization"))
            yield self._q(issuer, N(FOAF + "name"), _tagged(m.issuer))
        if m.number:
            yield self._q(doc, N(BIBO + "number"), lit(m.number))
        if m.issued:
            yield self._q(doc, N(DCT + "issued"), _date(m.issued))
        if m.received:
            yield self._q(doc, N(DCT + "dateSubmitted"), _date(m.received))
        if m.journal:
            journal = N(iri.entity("journal", m.journal))
            yield self._q(doc, N(RDF + "type"), N(BIBO + "AcademicArticle"))
            yield self._q(doc, N(DCT + "isPartOf"), journal)
            yield self._q(journal, N(RDF + "type"), N(BIBO + "Journal"))
            yield self._q(journal, N(DCT + "title"), _tagged(m.journal))
        for prop, value in (("volume", m.volume), ("issue", m.issue), ("pageStart", m.first_page),
                            ("pageEnd", m.last_page)):
            if value:
                yield self._q(doc, N(BIBO + prop), lit(value))
        if m.page_count:
            yield self._q(doc, N(BIBO + "numPages"), _int(m.page_count))
        if m.url:
            yield self._q(doc, N(BIBO + "uri"), lit(m.url, datatype=N(XSD + "anyURI")))
        if m.language:
            yield self._q(doc, N(DCT + "language"), lit(m.language))
        for word in m.keywords:
            yield self._q(doc, N(DCT + "subject"), _tagged(word))

    def sentence(self, rec: SentenceRecord) -> Iterator[ox.Quad]:
        s = N(iri.sentence(self.info.doc_id, rec.index))
        yield self._q(s, N(RDF + "type"), _nqi("Sentence"))
        yield self._q(s, N(DCT + "isPartOf"), self.doc)
        yield self._q(s, _nqi("sentenceIndex"), _int(rec.index))
        yield self._q(s, _nqi("text"), _zh(rec.text))
        yield self._q(s, _nqi("start"), _int(rec.source_start))
        yield self._q(s, _nqi("end"), _int(rec.source_end))
        if rec.page is not None:
            yield self._q(s, _nqi("page"), _int(rec.page))
        for m, (src_start, src_end) in zip(rec.mentions, rec.source_spans):
            yield from self._mention(s, rec.index, m, src_start, src_end)
        for r in rec.graph.relations:
            yield from self._entity(r.subject)
            yield from self._entity(r.object)
            yield from self._statement(s, rec.index, r)
            if r.predicate == "belongsToIndustry":
                self.stated_industries.append(StatedIndustry(r.subject, r.object, rec.index, r.start, r.end))
        for k, o in enumerate(rec.graph.observations):
            yield from self._observation(s, rec.index, k, o)
        for c in rec.graph.bottlenecks:
            yield from self._bottleneck(s, rec.index, c)

    def _mention(self, s, index: int, m: Mention, src_start: int, src_end: int) -> Iterator[ox.Quad]:
        node = N(iri.mention(self.info.doc_id, index, m.start, m.end))
        yield self._q(node, N(RDF + "type"), _nqi("Mention"))
        yield self._q(node, _nqi("inSentence"), s)
        yield self._q(node, _nqi("surface"), _zh(m.surface))
        yield self._q(node, _nqi("mentionLabel"), ox.Literal(m.label))
        yield self._q(node, _nqi("start"), _int(m.start))
        yield self._q(node, _nqi("end"), _int(m.end))
        yield self._q(node, _nqi("sourceStart"), _int(src_start))
        yield self._q(node, _nqi("sourceEnd"), _int(src_end))
        if m.entity is not None:
            yield self._q(node, _nqi("denotes"), N(m.entity.iri))
            yield from self._entity(m.entity)

    def _entity(self, e: Entity) -> Iterator[ox.Quad]:
        if e.iri in self._described:
            if not e.reference and e.also - self._described[e.iri]:
                yield from self._merged(e, e.also - self._described[e.iri])  # a sector named like this product
            return
        self._described[e.iri] = set()
        node = N(e.iri)
        yield self._q(node, _nqi("mentionedIn"), self.doc)
        if e.cls == PRODUCT:
            self.products[e.iri] = e
        if e.reference:
            return  # described by its reference graph
        yield from self._merged(e, {e.cls} | e.also)
        yield self._q(node, N(RDFS + "label"), _zh(e.name))
        yield self._q(node, N(SKOS + "prefLabel"), _zh(e.name))
        if e.name_en:
            yield self._q(node, N(SKOS + "prefLabel"), ox.Literal(e.name_en, language="en"))
            yield self._q(node, N(RDFS + "label"), ox.Literal(e.name_en, language="en"))
        for alias in sorted(e.aliases):
            lang = "en" if alias.isascii() else "zh"
            yield self._q(node, N(SKOS + "altLabel"), ox.Literal(alias, language=lang))
        if e.code:
            yield self._q(node, _nqi("code"), ox.Literal(e.code))
        if e.pillar:
            yield self._q(node, _nqi("pillar"), N(e.pillar))
        if e.related:
            yield self._q(node, _nqi("relatedIndustry"), N(e.related))

    def _merged(self, e: Entity, classes: set[str]) -> Iterator[ox.Quad]:
        """The classes of a node (one thing may be a product and a sector), and the record of a merge."""
        node = N(e.iri)
        for cls in sorted(classes):
            yield self._q(node, N(RDF + "type"), N(cls))
        self._described[e.iri] |= classes
        if e.merged_from:
            old = N(e.merged_from)
            record = N(iri.merge(e.iri, e.merged_from))
            yield self._q(node, _nqi("mergedFrom"), old)
            yield self._q(record, N(RDF + "type"), _nqi("Merge"))
            yield self._q(record, _nqi("kept"), node)
            yield self._q(record, _nqi("merged"), old)
            yield self._q(record, N(RDFS + "comment"), _zh(MERGE_REASON))

    def _statement(self, s, index: int, r) -> Iterator[ox.Quad]:
        subj, pred, obj = N(r.subject.iri), _nqi(r.predicate), N(r.object.iri)
        yield self._q(subj, pred, obj)
        st = N(iri.derived(self.info.doc_id, index, "stmt", subj.value, pred.value, obj.value))
        yield self._q(st, N(RDF + "type"), N(RDF + "Statement"))
        yield self._q(st, N(RDF + "subject"), subj)
        yield self._q(st, N(RDF + "predicate"), pred)
        yield self._q(st, N(RDF + "object"), obj)
        yield self._q(st, N(PROV + "wasDerivedFrom"), s)
        yield self._q(st, _nqi("start"), _int(r.start))
        yield self._q(st, _nqi("end"), _int(r.end))
        yield from self._how(st, r.cue, r.score)

    def _how(self, node, cue: str | None, score: float | None) -> Iterator[ox.Quad]:
        """How an extracted statement was made: the cue it rests on, the classifier and its confidence."""
        if cue:
            yield self._q(node, _nqi("cue"), _zh(cue))
        if score is not None:
            yield self._q(node, _nqi("confidence"), ox.Literal(f"{score:.4f}", datatype=N(XSD + "decimal")))
            yield self._q(node, N(PROV + "wasAttributedTo"), _nqi("relationClassifier"))

    def placements(self, placed: list[ProductPlacement]) -> Iterator[ox.Quad]:
        """Each product's GB/T 4754 class, reified with how it was placed (after the last sentence)."""
        for p in placed:
            subj = N(p.product.iri)
            if p.method == "stated":
                node = N(iri.derived(self.info.doc_id, p.sentence, "placement", subj.value, p.code))
                yield from reference.placement_quads(subj, p.code, self.g, node, p.method,
                                                     sentence=N(iri.sentence(self.info.doc_id, p.sentence)),
                                                     start=p.start, end=p.end)
            else:
                node = N(iri.document_node(self.info.doc_id, "placement", subj.value, p.code))
                yield from reference.placement_quads(subj, p.code, self.g, node, p.method,
                                                     confidence=p.confidence, low=p.low_confidence)

    def _observation(self, s, index: int, k: int, o) -> Iterator[ox.Quad]:
        node = N(iri.derived(self.info.doc_id, index, "obs", str(k), o.indicator.iri, o.value,
                             o.subject.iri if o.subject else ""))
        yield from self._entity(o.indicator)
        yield self._q(node, N(RDF + "type"), _nqi("Observation"))
        yield self._q(node, N(RDFS + "label"), _zh(f"{o.indicator.name} {o.value}"))
        yield self._q(node, _nqi("indicator"), N(o.indicator.iri))
        yield self._q(node, _nqi("value"), _zh(o.value))
        yield self._q(node, _nqi("isTarget"), ox.Literal("true" if o.target else "false", datatype=N(XSD + "boolean")))
        yield self._q(node, N(PROV + "wasDerivedFrom"), s)
        if o.subject:
            yield from self._entity(o.subject)
            yield self._q(node, _nqi("subject"), N(o.subject.iri))
        if o.numeric is not None:
            yield self._q(node, _nqi("numericValue"), ox.Literal(_decimal(o.numeric), datatype=N(XSD + "decimal")))
        if o.upper is not None:
            yield self._q(node, _nqi("upperValue"), ox.Literal(_decimal(o.upper), datatype=N(XSD + "decimal")))
        if o.unit:
            yield self._q(node, _nqi("unit"), ox.Literal(o.unit))
        if o.year:
            yield self._q(node, _nqi("year"), ox.Literal(o.year, datatype=N(XSD + "gYear")))
        if o.scope:
            yield self._q(node, _nqi("scope"), _nqi(o.scope))
        if o.policy:
            yield from self._entity(o.policy)
            yield self._q(N(o.policy.iri), _nqi("setsTarget"), node)

    def _bottleneck(self, s, index: int, c) -> Iterator[ox.Quad]:
        node = N(iri.derived(self.info.doc_id, index, "claim", c.product.iri, c.cue))
        product = N(c.product.iri)
        yield from self._entity(c.product)
        yield self._q(product, N(RDF + "type"), _nqi("BottleneckProduct"))
        yield self._q(product, _nqi("bottleneckEvidence"), node)
        yield self._q(node, N(RDF + "type"), _nqi("BottleneckClaim"))
        yield self._q(node, _nqi("aboutProduct"), product)
        yield self._q(node, _nqi("cue"), _zh(c.cue))
        yield self._q(node, N(PROV + "wasDerivedFrom"), s)
        yield self._q(node, _nqi("start"), _int(c.start))
        yield self._q(node, _nqi("end"), _int(c.end))
        yield from self._how(node, None, c.score)


def _decimal(value) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

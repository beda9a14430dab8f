"""Response models of the lookup API (entities, standards, industries, documents, gaps, canned queries).

Identifiers: ``id`` is the path of an instance IRI after ``{base}id/`` (e.g.
``org/国家市场监督管理总局``); ``url`` is the resource's HTML page on this server,
root-relative and percent-encoded (``/page/org/%E5%9B%BD…``); ``iri`` is the
IRI itself, which also resolves on this server (``/id/…``, content-negotiated).
"""
from __future__ import annotations

from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, computed_field


def page_url(id_: str | None) -> str | None:
    """Root-relative URL of the HTML page of the resource with this id (None outside the instance base)."""
    return f"/page/{quote(id_, safe='/')}" if id_ else None


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Ref(_Model):
    id: str | None = Field(None, description="IRI path after {base}id/ (None outside the instance base)")
    iri: str
    label: str | None = None

    @computed_field(description="HTML page of the resource on this server")
    @property
    def url(self) -> str | None:
        return page_url(self.id)


class Link(Ref):
    label_en: str | None = None
    type: str | None = Field(None, description="most specific ontology class (local name)")
    type_label: str | None = None
    aliases: list[str] = []
    codes: list[str] = Field([], description="skos:notation / nqi:code values")
    mentions: int = Field(0, description="number of mentions in the corpus")


class SearchItem(Link):
    match: str = Field(description="how the query matched: exact, alias, prefix, contains, tokens or fuzzy")


class SearchResult(_Model):
    query: str
    type: str | None
    total: int
    limit: int
    offset: int
    items: list[SearchItem]


class MentionSpan(_Model):
    start: int | None = Field(None, description="offset in the sentence text (code points)")
    end: int | None = None
    surface: str | None = None
    label: str | None = Field(None, description="extraction label (ORG, PRODUCT …)")
    source_start: int | None = Field(None, description="offset in the original file")
    source_end: int | None = None
    entity: str | None = Field(None, description="id of the entity the mention denotes")
    entity_label: str | None = None
    focus: bool = Field(False, description="the mention denotes the entity being described")

    @computed_field
    @property
    def entity_url(self) -> str | None:
        return page_url(self.entity)


class Evidence(_Model):
    sentence: str | None = Field(description="sentence id (doc/{doc_id}/s/{index})")
    sentence_iri: str
    index: int | None = None
    document: str | None = None
    document_id: str | None = None
    document_title: str | None = None
    text: str
    source_start: int | None = Field(None, description="offset of the sentence in the text read from the file")
    source_end: int | None = None
    page: int | None = Field(None, description="the page of a paged source (PDF) the sentence starts on")
    span_start: int | None = Field(None, description="start of the supporting clause in the sentence")
    span_end: int | None = None
    mentions: list[MentionSpan] = []

    @computed_field
    @property
    def url(self) -> str | None:
        return page_url(self.sentence)

    @computed_field
    @property
    def document_url(self) -> str | None:
        return page_url(self.document)


class LinkedEntity(Link):
    evidence: list[Evidence] = Field([], description="sentences stating this link (reified statements)")


class RelationGroup(_Model):
    predicate: str
    property: str
    direction: str = Field(description="'out': this resource is the subject; 'in': it is the object")
    label: str
    label_en: str
    total: int
    items: list[LinkedEntity]


class Observation(_Model):
    id: str | None
    iri: str
    role: str = Field(description="how the resource takes part: subject, indicator or target (a policy sets it)")
    indicator: Ref | None = None
    subject: Ref | None = None
    policy: Ref | None = None
    value: str | None = None
    numeric_value: float | None = None
    upper_value: float | None = None
    unit: str | None = None
    year: str | None = None
    scope: str | None = Field(None, description="domestic or international")
    is_target: bool | None = None
    evidence: list[Evidence] = []


class BottleneckEvidence(_Model):
    claim: str | None
    cue: str | None = None
    source: str | None = None
    source_iri: str | None = None
    source_label: str | None = None
    evidence: list[Evidence] = []


class LabelValue(_Model):
    value: str
    lang: str | None = None
    kind: str


class Alias(_Model):
    value: str
    lang: str | None = None


class Code(_Model):
    scheme: str
    value: str
    property: str
    id: str | None = Field(None, description="entity id of the class, for a GB/T 4754 placement")
    placement: str | None = Field(None, description="for a product's GB/T 4754 class: stated (a sentence ties the "
                                                    "product to an industry of that class) or inferred (ranked by "
                                                    "the industry classifier)")
    confidence: float | None = Field(None, description="the classifier's confidence of an inferred placement")
    low_confidence: bool = Field(False, description="an inferred placement the classifier is unsure of")
    sentence: str | None = Field(None, description="the stating sentence of a stated placement")


class TypeInfo(_Model):
    iri: str
    name: str
    curie: str
    label: str
    label_en: str


class Pillar(_Model):
    id: str
    iri: str
    label: str
    label_en: str


class PropertyValue(_Model):
    property: str
    label: str
    label_en: str
    value: str
    lang: str | None = None
    datatype: str | None = None


class CoMention(Link):
    sentences: int = Field(description="number of sentences naming both")


class EntityDetail(_Model):
    id: str | None
    iri: str
    label: str
    label_en: str | None = None
    type: str | None = None
    types: list[TypeInfo]
    labels: list[LabelValue]
    aliases: list[Alias]
    codes: list[Code]
    pillar: Pillar | None = None
    properties: list[PropertyValue]
    relations: list[RelationGroup]
    observations: list[Observation]
    bottleneck: list[BottleneckEvidence]
    documents: list[Link]
    co_mentions: list[CoMention] = Field(description="entities most often named in the same sentences")
    mention_count: int
    sentence_count: int
    evidence: list[Evidence] = Field(description="sentences mentioning the resource (the first ones)")
    is_entity: bool

    @computed_field
    @property
    def url(self) -> str | None:
        return page_url(self.id)


class StandardDetail(EntityDetail):
    code: str = Field(description="the normalised code asked for")
    editions: list[Link]


class SubClass(Link):
    depth: int


class SupportingElement(Link):
    pillar: str | None = None
    via: list[Link] = Field(description="the industry (or sub-class, or related project industry) it supports")
    evidence: list[Evidence] = []


class ProductLink(Link):
    via: Link


class IndustryDetail(EntityDetail):
    code: str
    broader: list[Link]
    subclasses: list[SubClass]
    supporting_elements: list[SupportingElement]
    products: list[ProductLink]


class Author(_Model):
    name: str
    affiliations: list[str] = []


class DocumentSummary(_Model):
    """A source document with what it states of itself; a field the document does not state is absent (null)."""
    id: str | None
    iri: str
    doc_id: str
    title: str | None = Field(None, description="the document's own title (dcterms:title), never body text")
    subtitle: str | None = None
    authors: list[Author] = []
    affiliations: list[str] = []
    issuer: str | None = Field(None, description="issuing body (dcterms:publisher)")
    number: str | None = Field(None, description="document number, e.g. 国发〔2023〕5号 (bibo:number)")
    issued: str | None = Field(None, description="date or year of issue (dcterms:issued)")
    received: str | None = Field(None, description="收稿日期 (dcterms:dateSubmitted)")
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    page_start: str | None = None
    page_end: str | None = None
    page_count: int | None = None
    source_url: str | None = Field(None, description="where the document is published: an HTML page's canonical link (bibo:uri)")
    language: str | None = None
    keywords: list[str] = []
    format: str | None = Field(None, description="media type of the file read (dcterms:format)")
    source: str | None = None
    sha256: str | None = None
    encoding: str | None = None
    sentence_count: int
    mention_count: int
    entity_count: int

    @computed_field
    @property
    def url(self) -> str | None:
        return page_url(self.id)


class DocumentList(_Model):
    total: int
    items: list[DocumentSummary]


class DocEntity(Link):
    mentions_here: int


class DocBottleneck(Link):
    cues: list[str]
    sentences: list[str]


class DocumentDetail(DocumentSummary):
    entities: list[DocEntity]
    bottlenecks: list[DocBottleneck]
    limit: int
    offset: int
    sentences: list[Evidence]


class GapEvidence(_Model):
    element: str | None
    element_iri: str
    element_label: str | None = None
    kind: str = Field(description="supports (the element supports the product), industry (an industry of the "
                                  "product, or the GB/T 4754 class it is close to) or broader (a broader GB/T 4754 "
                                  "class of that industry)")
    via: str | None = None
    via_label: str | None = None
    sentence: str | None = None
    document: str | None = None
    document_title: str | None = None
    text: str | None = None
    mentions: list[MentionSpan] = []

    @computed_field
    @property
    def element_url(self) -> str | None:
        return page_url(self.element)

    @computed_field
    @property
    def sentence_url(self) -> str | None:
        return page_url(self.sentence)


class BottleneckSource(_Model):
    claim: str | None = None
    cue: str | None = None
    source: str | None = None
    source_label: str | None = None
    document: str | None = None
    text: str | None = None


class GapRow(_Model):
    id: str | None
    iri: str
    product: str
    product_en: str | None = None
    mentions: int = 0
    bottleneck: list[BottleneckSource]
    coverage: dict[str, list[GapEvidence]] = Field(description="pillar id → evidence that NQI elements of "
                                                                "that pillar cover the product")
    covered: list[str]
    missing: list[str]

    @computed_field
    @property
    def url(self) -> str | None:
        return page_url(self.id)


class GapMatrix(_Model):
    pillars: list[Pillar]
    rows: list[GapRow]


class QueryParameter(_Model):
    name: str
    kind: str
    required: bool
    description: str


class CannedQuery(_Model):
    name: str = Field(description="file stem of queries/{name}.rq")
    title: str
    description: str
    parameters: list[QueryParameter] = Field([], description="optional ones may be left free")
    query: str = Field(description="the SPARQL text")


class Error(_Model):
    error: str
    detail: str | list | dict | None = None


class IndustryPlacement(_Model):
    code: str = Field(description="GB/T 4754-2017 code: 小类 (4 digits)")
    name: str
    level: int = Field(description="4 for a 小类, 3 for a 中类")
    score: float = Field(description="the ranking score (higher is better; comparable within one answer)")
    matched: list[str] = Field(description="the words of the name found in the class name or scope note")
    parent: str | None = Field(None, description="the 中类 (3-digit class) of a 小类")
    id: str = Field(description="entity id of the class (/api/entities/{id}, /api/industries/{code})")


class IndustryPlacements(_Model):
    name: str
    scheme: str
    classes: list[IndustryPlacement]


class GraphNode(Link):
    distance: int = Field(description="links from the centre entity")
    degree: int = Field(description="entities it is linked to or named with in the whole graph; more than it "
                                    "shows means expanding it adds nodes")


class GraphEdge(_Model):
    id: str = Field(description="source|property|target")
    source: str = Field(description="id of the subject entity (of the first entity for a co-mention)")
    target: str
    predicate: str | None = Field(None, description="the property IRI (None for a co-mention)")
    property: str = Field(description="CURIE of the property (nqi:supports …) or 'co-mention'")
    label: str
    label_en: str
    provenance: str = Field(description="extracted (a reified statement with its sentences), inferred (a GB/T 4754 "
                                        "placement by the industry classifier), reference (reference data such "
                                        "as the GB/T 4754 hierarchy) or co-mention (named in the same sentences)")
    cue: str | None = Field(None, description="the cue word of an extracted statement")
    confidence: float | None = Field(None, description="the classifier's confidence")
    evidence_total: int = Field(description="number of sentences behind the edge")
    evidence: list[Evidence] = Field(description="the first sentences, with document, offsets and the supporting "
                                                 "span of the statement")


class Facet(_Model):
    value: str
    label: str
    label_en: str | None = None
    count: int


class GraphNeighbourhood(_Model):
    centre: str = Field(description="id of the entity the neighbourhood is around")
    depth: int
    limit: int
    truncated: bool = Field(description="more entities were in reach than the node limit")
    nodes: list[GraphNode] = Field(description="nearest first; the centre has distance 0")
    edges: list[GraphEdge]
    relation_types: list[Facet] = Field(description="edge properties present, with counts (for filters)")
    entity_types: list[Facet] = Field(description="node types present, with counts (for filters)")


class SeriesPoint(_Model):
    observation: str | None = Field(description="id of the nqi:Observation")
    x: str = Field(description="the category the chart puts the point at: its year, else its subject, else 未注明年份")
    year: int | None = None
    value: float
    upper_value: float | None = Field(None, description="upper end of a range (1000~3000 h)")
    value_text: str | None = Field(None, description="the value as written")
    unit: str | None = None
    kind: str = Field(description="reported or target")
    scope: str | None = Field(None, description="domestic, international or None (unstated)")
    subject: Ref | None = None
    policy: Ref | None = Field(None, description="the policy that sets a target")
    evidence: Evidence | None = Field(None, description="the sentence stating the value")


class Series(_Model):
    key: str = Field(description="kind/scope, e.g. target/domestic")
    kind: str
    scope: str | None = None
    label: str
    label_en: str
    points: list[SeriesPoint]


class IndicatorSeries(_Model):
    indicator: Link
    subject: Link | None = Field(None, description="the entity the series is restricted to, when asked")
    categories: list[str] = Field(description="the x axis in order: years, then subjects of undated points")
    units: list[str]
    series: list[Series]
    skipped: int = Field(description="observations without a numeric value (not drawn)")

"""The ontology, the shapes and identifier minting."""
from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from nqikg.ontology import iri, vocab
from nqikg.ontology.namespaces import BIBO
from nqikg.queries.validate import validate_graph

NQI = rdflib.Namespace(iri.NQI)


def test_ontology_parses_and_every_term_has_chinese_and_english_labels():
    g = vocab.ontology()
    terms = [s for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for s in g.subjects(RDF.type, t) if str(s).startswith(iri.NQI)]
    assert len(terms) > 60
    for term in terms:
        langs = {getattr(label, "language", None) for label in g.objects(term, RDFS.label)}
        assert {"zh", "en"} <= langs, f"{term} lacks a zh or en label"


def test_every_extraction_label_has_a_home_in_the_ontology():
    assert set(vocab.entity_labels()) == {"ORG", "LOC", "POLICY", "METROLOGY", "STANDARD", "TESTING",
                                          "CERTIFICATION", "NQI", "INDUSTRY", "PRODUCT", "INDICATOR",
                                          "VALUE", "METHOD"}
    assert vocab.entity_label(vocab.term("MeasurementStandard")) == "METROLOGY"
    assert vocab.pillar_of(vocab.term("CertificationScheme")) == vocab.term("certification")
    assert vocab.iri_segment(vocab.term("BottleneckProduct")) == "product"


def test_term_refuses_names_the_ontology_does_not_define():
    try:
        vocab.term("NoSuchClass")
    except KeyError as exc:
        assert "NoSuchClass" in str(exc)
    else:
        raise AssertionError("term() accepted an undefined name")


def test_vocabulary_entries_are_typed_by_labelled_classes():
    entries = vocab.vocabulary()
    assert len(entries) > 400
    for entry in entries:
        assert entry.label, f"{entry.pref_zh}: class {entry.cls} has no extraction label"
    names = {e.pref_zh for e in entries}
    assert {"国家市场监督管理总局", "计量基准", "强制性产品认证", "质量基础设施"} <= names


def test_identifiers_are_stable_readable_and_safe(monkeypatch):
    monkeypatch.setenv("NQIKG_BASE", "https://kg.example.org/nqi")
    a = iri.entity("org", "国家市场监督管理总局")
    assert a == "https://kg.example.org/nqi/id/org/国家市场监督管理总局"
    assert iri.entity("org", "国家市场监督管理总局 ") == a           # canonical form
    assert iri.entity("standard", "GB/T 4754-2017") == "https://kg.example.org/nqi/id/standard/GB-T-4754-2017"
    assert iri.entity("product", "ＡＢＣ１") == iri.entity("product", "ABC1")  # full width folded
    assert iri.derived("d", 1, "obs", "x", "y") == iri.derived("d", 1, "obs", "x", "y")
    assert iri.derived("d", 1, "obs", "x", "y") != iri.derived("d", 1, "obs", "x", "z")
    for bad in ("", "   ", "///"):
        try:
            iri.slug(bad)
        except ValueError:
            continue
        raise AssertionError(f"slug accepted {bad!r}")


def _valid_instance_graph() -> rdflib.Graph:
    g = rdflib.Graph()
    doc = rdflib.URIRef("http://x/id/doc/d1")
    s = rdflib.URIRef("http://x/id/doc/d1/s/0")
    m = rdflib.URIRef("http://x/id/doc/d1/s/0/m/0-4")
    e = rdflib.URIRef("http://x/id/product/数控机床")
    ind = rdflib.URIRef("http://x/id/indicator/平均故障间隔时间")
    obs = rdflib.URIRef("http://x/id/doc/d1/s/0/obs/1")
    XSD = rdflib.XSD
    g.add((doc, RDF.type, NQI.Document))
    g.add((doc, rdflib.DCTERMS.identifier, rdflib.Literal("d1")))
    g.add((doc, rdflib.DCTERMS.title, rdflib.Literal("标题", lang="zh")))
    g.add((doc, RDFS.label, rdflib.Literal("标题", lang="zh")))
    g.add((doc, rdflib.DCTERMS.format, rdflib.Literal("application/pdf")))
    g.add((doc, NQI.sha256, rdflib.Literal("0" * 64)))
    author, journal = rdflib.URIRef("http://x/id/doc/d1/author/1"), rdflib.URIRef("http://x/id/journal/刊")
    g.add((doc, rdflib.DCTERMS.creator, author))
    g.add((author, RDF.type, rdflib.FOAF.Person))
    g.add((author, rdflib.FOAF.name, rdflib.Literal("林忠钦", lang="zh")))
    g.add((doc, rdflib.DCTERMS.isPartOf, journal))
    g.add((journal, RDF.type, rdflib.URIRef(BIBO + "Journal")))
    g.add((journal, rdflib.DCTERMS.title, rdflib.Literal("中国工程科学", lang="zh")))
    g.add((doc, rdflib.URIRef(BIBO + "volume"), rdflib.Literal("24")))
    g.add((doc, rdflib.DCTERMS.issued, rdflib.Literal("2022", datatype=rdflib.XSD.gYear)))
    g.add((s, RDF.type, NQI.Sentence))
    g.add((s, rdflib.DCTERMS.isPartOf, doc))
    g.add((s, NQI.text, rdflib.Literal("数控机床平均故障间隔时间900 h", lang="zh")))
    for p, v in ((NQI.sentenceIndex, 0), (NQI.start, 0), (NQI.end, 20), (NQI.page, 3)):
        g.add((s, p, rdflib.Literal(v, datatype=XSD.integer)))
    g.add((m, RDF.type, NQI.Mention))
    g.add((m, NQI.inSentence, s))
    g.add((m, NQI.surface, rdflib.Literal("数控机床", lang="zh")))
    g.add((m, NQI.mentionLabel, rdflib.Literal("PRODUCT")))
    for p, v in ((NQI.start, 0), (NQI.end, 4), (NQI.sourceStart, 0), (NQI.sourceEnd, 4)):
        g.add((m, p, rdflib.Literal(v, datatype=XSD.integer)))
    g.add((m, NQI.denotes, e))
    for node, cls, name in ((e, NQI.Product, "数控机床"), (ind, NQI.Indicator, "平均故障间隔时间")):
        g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, rdflib.Literal(name, lang="zh")))
    g.add((obs, RDF.type, NQI.Observation))
    g.add((obs, NQI.indicator, ind))
    g.add((obs, NQI.subject, e))
    g.add((obs, NQI.value, rdflib.Literal("900 h", lang="zh")))
    g.add((obs, rdflib.PROV.wasDerivedFrom, s))
    return g


def test_shapes_accept_a_valid_graph_and_catch_broken_ones():
    g = _valid_instance_graph()
    conforms, report = validate_graph(g)
    assert conforms, report

    no_indicator = _valid_instance_graph()
    no_indicator.remove((None, NQI.indicator, None))
    conforms, report = validate_graph(no_indicator)
    assert not conforms and "indicator" in report

    bad_label = _valid_instance_graph()
    bad_label.set((rdflib.URIRef("http://x/id/doc/d1/s/0/m/0-4"), NQI.mentionLabel, rdflib.Literal("FOO")))
    assert not validate_graph(bad_label)[0]

    unsupported_bottleneck = _valid_instance_graph()
    unsupported_bottleneck.add((rdflib.URIRef("http://x/id/product/数控机床"), RDF.type, NQI.BottleneckProduct))
    assert not validate_graph(unsupported_bottleneck)[0]

    orphan_sentence = _valid_instance_graph()
    orphan_sentence.remove((rdflib.URIRef("http://x/id/doc/d1/s/0"), rdflib.DCTERMS.isPartOf, None))
    assert not validate_graph(orphan_sentence)[0]

    doc = rdflib.URIRef("http://x/id/doc/d1")
    two_titles = _valid_instance_graph()
    two_titles.add((doc, rdflib.DCTERMS.title, rdflib.Literal("摘要：本文……", lang="zh")))
    assert not validate_graph(two_titles)[0]

    nameless_author = _valid_instance_graph()
    nameless_author.remove((None, rdflib.FOAF.name, None))
    assert not validate_graph(nameless_author)[0]

    page_zero = _valid_instance_graph()
    page_zero.set((rdflib.URIRef("http://x/id/doc/d1/s/0"), NQI.page, rdflib.Literal(0, datatype=rdflib.XSD.integer)))
    assert not validate_graph(page_zero)[0]

    volume_as_text = _valid_instance_graph()
    volume_as_text.set((doc, rdflib.URIRef(BIBO + "volume"), rdflib.Literal("第二十四卷")))
    assert not validate_graph(volume_as_text)[0]

"""Entity linking, relations and observations in the graph built from the corpus, checked through SPARQL."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nqikg.ingest.link import Linker, normalise_code
from nqikg.ingest.normalize import normalize
from nqikg.ingest.relate import parse_value
from nqikg.ontology import iri
from nqikg.ontology.namespaces import SPARQL_PREFIXES
from nqikg.queries.store import open_read_only

from conftest import CORPUS

GOLD = Path(__file__).with_name("linking_gold.jsonl")
PREFIXES = SPARQL_PREFIXES


def select(store_dir, query: str) -> list[tuple]:
    result = open_read_only(store_dir).query(PREFIXES + query, use_default_graph_as_union=True)
    return [tuple(v.value if v is not None else None for v in row) for row in result]


def _doc(prefix: str) -> Path:
    return next(CORPUS.glob(f"{prefix}_*.txt"))


def test_linking_accuracy_on_the_gold_decisions(corpus_store):
    """Each gold mention is looked up in the built graph (its nqi:denotes); a mention the extractor
    missed is linked directly with the document's linker, so this scores linking, not recall."""
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(gold) >= 100 and len({g["doc"] for g in gold}) == 5
    denotes = {}
    for doc, label, surface, entity in select(corpus_store, """
            SELECT DISTINCT ?doc ?label ?surface ?e WHERE {
              ?m nqi:mentionLabel ?label ; nqi:surface ?surface ; nqi:denotes ?e ; nqi:inSentence/dcterms:isPartOf ?d .
              ?d dcterms:identifier ?doc }"""):
        denotes.setdefault((doc[:3], label, surface), set()).add(entity)
    linkers = {}
    wrong = []
    for g in gold:
        expected = f"{iri.base()}id/{g['expected']}"
        found = denotes.get((g["doc"], g["label"], g["surface"]))
        if found is None:
            if g["doc"] not in linkers:
                linkers[g["doc"]] = Linker(normalize(_doc(g["doc"]).read_text(encoding="utf-8")).text)
            entity = linkers[g["doc"]].link(g["label"], g["surface"])
            found = {entity.iri} if entity else set()
        if found != {expected}:
            wrong.append((g["doc"], g["surface"], sorted(found), expected))
    accuracy = 1 - len(wrong) / len(gold)
    print(f"linking accuracy {accuracy:.3f} on {len(gold)} mentions; wrong: {wrong}")
    assert accuracy >= 0.9, wrong


def test_aliases_resolve_to_one_entity(corpus_store):
    rows = select(corpus_store, """
        SELECT DISTINCT ?surface ?e WHERE { ?m nqi:surface ?surface ; nqi:denotes ?e .
          FILTER(?surface IN ("市场监管总局"@zh, "国家市场监督管理总局"@zh)) }""")
    assert {s for s, _ in rows} == {"市场监管总局", "国家市场监督管理总局"}
    assert {e for _, e in rows} == {iri.entity("org", "国家市场监督管理总局")}


def test_industries_link_to_gbt4754(corpus_store):
    rows = select(corpus_store, """
        SELECT DISTINCT ?code ?name WHERE { ?m nqi:denotes ?c . ?c skos:notation ?code ; skos:prefLabel ?name .
          ?c skos:inScheme ?scheme . FILTER(STRENDS(STR(?scheme), "gbt4754")) }""")
    codes = dict(rows)
    assert codes.get("36") == "汽车制造业"
    assert codes.get("3973") == "集成电路制造"
    assert codes.get("C") == "制造业"


@pytest.mark.parametrize("product", ["工业母机", "高端芯片", "基础元器件", "基础材料", "高端铝合金焊丝"])
def test_bottleneck_products_have_evidence_sentences(corpus_store, product):
    rows = select(corpus_store, f"""
        SELECT DISTINCT ?cue ?text ?doc WHERE {{
          ?p a nqi:BottleneckProduct ; skos:prefLabel "{product}"@zh ; nqi:bottleneckEvidence ?c .
          ?c nqi:cue ?cue ; prov:wasDerivedFrom ?s . ?s nqi:text ?text ; dcterms:isPartOf/dcterms:identifier ?doc }}""")
    assert rows, f"{product} is not a bottleneck product with evidence"
    assert all(product in text and cue in text for cue, text, _ in rows)


def test_cnc_machine_tool_reliability_observations(corpus_store):
    rows = select(corpus_store, """
        SELECT DISTINCT ?value ?num ?unit ?scope ?text WHERE {
          ?o a nqi:Observation ; nqi:subject ?p ; nqi:indicator ?i ; nqi:value ?value ; nqi:numericValue ?num ;
             nqi:unit ?unit ; nqi:scope ?scope ; prov:wasDerivedFrom ?s .
          ?p skos:prefLabel "数控机床"@zh . ?i skos:prefLabel "平均故障间隔时间"@zh . ?s nqi:text ?text }""")
    by_value = {(v, float(n), u, s.rsplit("#", 1)[1]) for v, n, u, s, _ in rows}
    assert ("900 h", 900.0, "h", "domestic") in by_value
    assert ("5000 h", 5000.0, "h", "international") in by_value
    assert all("900 h" in text and "5000 h" in text for *_, text in rows)


def test_nqi_elements_support_industries_and_products_with_provenance(corpus_store):
    rows = select(corpus_store, """
        SELECT DISTINCT ?pillar ?st WHERE {
          ?st rdf:subject ?e ; rdf:predicate nqi:supports ; rdf:object ?t ; prov:wasDerivedFrom ?s .
          ?e nqi:supports ?t ; nqi:pillar ?pillar . ?s a nqi:Sentence }""")
    pillars = {p.rsplit("#", 1)[1] for p, _ in rows}
    assert {"metrology", "standardization", "testing", "certification"} <= pillars
    unsupported = select(corpus_store, """
        SELECT ?st WHERE {
          ?st rdf:subject ?e ; rdf:object ?t ; prov:wasDerivedFrom ?s .
          FILTER NOT EXISTS { ?m1 nqi:inSentence ?s ; nqi:denotes ?e . ?m2 nqi:inSentence ?s ; nqi:denotes ?t } }""")
    assert unsupported == [], "statements whose sentence does not mention both ends"


def test_mentions_trace_back_to_the_source_file(corpus_store):
    rows = select(corpus_store, """
        SELECT ?surface ?start ?end ?doc WHERE {
          ?m nqi:surface ?surface ; nqi:sourceStart ?start ; nqi:sourceEnd ?end ; nqi:inSentence/dcterms:isPartOf ?d .
          ?d dcterms:source ?doc } LIMIT 400""")
    assert len(rows) == 400
    for surface, start, end, doc in rows:
        raw = (CORPUS / doc).read_text(encoding="utf-8")
        written = "".join(raw[int(start):int(end)].split())
        assert written == "".join(surface.split()), (doc, start, end, surface)


def test_codes_and_values_are_normalised():
    assert normalise_code("GB/T4754—2017") == normalise_code("GB/T 4754-2017") == "GB/T 4754-2017"
    assert normalise_code("JJF 1059.1-2012") == "JJF 1059.1-2012"
    assert normalise_code("计量基准") is None
    assert parse_value("900 h") == (900, None, "h")
    assert parse_value("5%~10%")[:3] == (5, 10, "%")
    assert parse_value("0.15 mL/100 g Al")[2] == "mL/100 g Al"
    assert parse_value("6.2万余项")[0] == 62000 and parse_value("6.2万余项")[2] == "项"
    assert float(parse_value("2×10^{-18}")[0]) == 2e-18
    assert parse_value("13.44 美元/kg")[2] == "美元/kg"

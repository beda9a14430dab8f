"""SPARQL endpoint, time limit, exports and canned queries, against the real app under uvicorn.

The store is built in a temporary folder: the ontology, the GB/T 4754 and 卡脖子
reference graphs (about 15 000 quads, enough for a three-way cross join to run
for hours) and a few generated document graphs in the shape the ontology README
describes (sentences, mentions, reified statements, observations, claims).
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, XML, SPARQLWrapper

from nqikg.api.launcher import ServerProcess
from nqikg.ontology import iri, reference, vocab
from nqikg.queries import canned, export as exports
from nqikg.queries import store as stores
from nqikg.queries.sparql import QueryRefused, QueryTimeout, SparqlService, check_read_only

TIME_LIMIT = 2.5
MAX_RESULTS = 1000
CROSS_JOIN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CROSS_JOIN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

N, L = ox.NamedNode, ox.Literal
from nqikg.ontology.namespaces import DCT, PROV, RDF, RDFS, SKOS, XSD  # noqa: E402


def nqi(local: str) -> ox.NamedNode:
    return N(vocab.term(local))


# ---------------------------------------------------------------- the test graph

ENTITIES = {
    # key: (segment, name, class, pillar, extra)
    "cnc": ("product", "数控机床", "BottleneckProduct", None, {"belongsToIndustry": "gbt:342"}),
    "litho": ("product", "光刻机", "BottleneckProduct", None, {"belongsToIndustry": "ic"}),
    "robot": ("product", "工业机器人", "Product", None, {"belongsToIndustry": "gbt:34"}),
    "ic": ("industry", "集成电路产业", "Industry", None, {"relatedIndustry": "gbt:397"}),
    "primary": ("metrology", "计量基准", "MeasurementStandard", "metrology", {}),
    "natstd": ("standards", "国家标准", "StandardKind", "standardization", {}),
    "lab": ("testing", "检验检测机构", "InspectionBodyKind", "testing", {}),
    "ccc": ("certification", "强制性产品认证", "CertificationScheme", "certification", {}),
    "samr": ("org", "国家市场监督管理总局", "Organization", None, {}),
    "sac": ("org", "国家标准化管理委员会", "Organization", None, {}),
    "mtbf": ("indicator", "平均故障间隔时间", "Indicator", None, {}),
}
# (doc, sentence text, [(subject, predicate, object)], observation (indicator, subject, value, number, unit, year)?, bottleneck product?)
SENTENCES = [
    (0, "加强计量基准建设，支撑数控机床产业发展。", [("primary", "supports", "cnc")], None, None),
    (0, "高档数控机床依赖进口，核心部件受制于人。", [], None, "cnc"),
    (0, "国产数控机床平均故障间隔时间达到900小时（2020年）。", [], ("mtbf", "cnc", "900小时", "900", "h", "2020"), None),
    (1, "国家标准覆盖通用设备制造业。", [("natstd", "supports", "gbt:34")], None, None),
    (1, "检验检测机构服务集成电路产业。", [("lab", "supports", "ic")], None, None),
    (1, "光刻机是典型的卡脖子产品。", [], None, "litho"),
    (1, "到2025年数控机床平均故障间隔时间达到2000小时。", [], ("mtbf", "cnc", "2000小时", "2000", "h", "2025"), None),
    (2, "国家市场监督管理总局发布强制性产品认证目录。", [("ccc", "issuedBy", "samr")], None, None),
    (2, "国家标准化管理委员会组织制定国家标准。", [("natstd", "developedBy", "sac")], None, None),
    (2, "强制性产品认证支撑工业机器人质量提升。", [("ccc", "supports", "robot")], None, None),
]
N_FILLER_DOCS = 3            # extra documents of generated sentences, for volume
FILLER_SENTENCES = 20


def _ref(key: str) -> ox.NamedNode:
    if key.startswith("gbt:"):
        return N(reference.concept_iri("gbt4754", key[4:]))
    segment, name, *_ = ENTITIES[key]
    return N(iri.entity(segment, name))


def _entity_quads(key: str, doc: ox.NamedNode, g: ox.NamedNode):
    segment, name, cls, pillar, extra = ENTITIES[key]
    node = _ref(key)
    yield ox.Quad(node, N(RDF + "type"), nqi(cls), g)
    yield ox.Quad(node, N(RDFS + "label"), L(name, language="zh"), g)
    yield ox.Quad(node, N(SKOS + "prefLabel"), L(name, language="zh"), g)
    yield ox.Quad(node, nqi("mentionedIn"), doc, g)
    if pillar:
        yield ox.Quad(node, nqi("pillar"), nqi(pillar), g)
    for prop, target in extra.items():
        yield ox.Quad(node, nqi(prop), _ref(target), g)
        if not target.startswith("gbt:"):
            yield from _entity_quads(target, doc, g)


def document_quads() -> list[ox.Quad]:
    quads: list[ox.Quad] = []
    docs: dict[int, list] = {}
    for n, item in enumerate(SENTENCES):
        docs.setdefault(item[0], []).append(item)
    for d in range(N_FILLER_DOCS):
        docs.setdefault(10 + d, [])
    for d, items in sorted(docs.items()):
        doc_id = f"{d:03d}_test{d}"
        g, doc = N(iri.graph("doc", doc_id)), N(iri.document(doc_id))
        q = lambda s, p, o: quads.append(ox.Quad(s, p, o, g))  # noqa: E731
        q(doc, N(RDF + "type"), nqi("Document"))
        q(doc, N(DCT + "identifier"), L(doc_id))
        q(doc, N(DCT + "title"), L(f"测试文件{d}", language="zh"))
        q(doc, nqi("sha256"), L(f"{d:064x}"))
        described: set[str] = set()

        def entity(key):
            if key not in described and not key.startswith("gbt:"):
                described.add(key)
                quads.extend(_entity_quads(key, doc, g))

        texts = [(t, rels, obs, bn) for _, t, rels, obs, bn in items]
        texts += [(f"第{k}条：提升质量基础设施水平，推动高质量发展。", [], None, None) for k in range(FILLER_SENTENCES)]
        offset = 0
        for index, (text, rels, obs, bottleneck) in enumerate(texts):
            s = N(iri.sentence(doc_id, index))
            q(s, N(RDF + "type"), nqi("Sentence"))
            q(s, N(DCT + "isPartOf"), doc)
            q(s, nqi("sentenceIndex"), L(str(index), datatype=N(XSD + "integer")))
            q(s, nqi("text"), L(text, language="zh"))
            q(s, nqi("start"), L(str(offset), datatype=N(XSD + "integer")))
            q(s, nqi("end"), L(str(offset + len(text)), datatype=N(XSD + "integer")))
            offset += len(text) + 1
            for key in {k for r in rels for k in (r[0], r[2])} | ({obs[1]} if obs else set()) | \
                    ({bottleneck} if bottleneck else set()):
                if key.startswith("gbt:"):
                    continue
                name = ENTITIES[key][1]
                if name in text:
                    start = text.index(name)
                    m = N(iri.mention(doc_id, index, start, start + len(name)))
                    q(m, N(RDF + "type"), nqi("Mention"))
                    q(m, nqi("inSentence"), s)
                    q(m, nqi("surface"), L(name, language="zh"))
                    q(m, nqi("mentionLabel"), L(ENTITIES[key][2].upper()))
                    q(m, nqi("denotes"), _ref(key))
                entity(key)
            for subj, pred, obj in rels:
                sn, on = _ref(subj), _ref(obj)
                q(sn, nqi(pred), on)
                st = N(iri.derived(doc_id, index, "stmt", sn.value, nqi(pred).value, on.value))
                q(st, N(RDF + "type"), N(RDF + "Statement"))
                q(st, N(RDF + "subject"), sn)
                q(st, N(RDF + "predicate"), nqi(pred))
                q(st, N(RDF + "object"), on)
                q(st, N(PROV + "wasDerivedFrom"), s)
                q(st, nqi("start"), L("0", datatype=N(XSD + "integer")))
                q(st, nqi("end"), L(str(len(text)), datatype=N(XSD + "integer")))
            if obs:
                ind, subj, value, number, unit, year = obs
                entity(ind)
                o = N(iri.derived(doc_id, index, "obs", "0", _ref(ind).value, value))
                q(o, N(RDF + "type"), nqi("Observation"))
                q(o, nqi("indicator"), _ref(ind))
                q(o, nqi("subject"), _ref(subj))
                q(o, nqi("value"), L(value, language="zh"))
                q(o, nqi("numericValue"), L(number + ".0", datatype=N(XSD + "decimal")))
                q(o, nqi("unit"), L(unit))
                q(o, nqi("year"), L(year, datatype=N(XSD + "gYear")))
                q(o, nqi("scope"), nqi("domestic"))
                q(o, nqi("isTarget"), L("true" if year > "2023" else "false", datatype=N(XSD + "boolean")))
                q(o, N(PROV + "wasDerivedFrom"), s)
            if bottleneck:
                p = _ref(bottleneck)
                c = N(iri.derived(doc_id, index, "claim", p.value, "依赖进口"))
                q(p, N(RDF + "type"), nqi("BottleneckProduct"))
                q(p, nqi("bottleneckEvidence"), c)
                q(c, N(RDF + "type"), nqi("BottleneckClaim"))
                q(c, nqi("aboutProduct"), p)
                q(c, nqi("cue"), L("依赖进口", language="zh"))
                q(c, N(PROV + "wasDerivedFrom"), s)
    return quads


def build_test_store(store_dir: Path) -> int:
    generation = stores.new_generation(store_dir)
    store = ox.Store(str(generation))
    g = N(iri.graph("ontology"))
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, g)
                      for t in ox.parse(path=str(vocab.ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE))
    wanted = {iri.graph("reference", "gbt4754"), iri.graph("reference", "kabozi")}
    store.bulk_extend(q for q in reference.quads() if q.graph_name.value in wanted)
    store.bulk_extend(document_quads())
    store.flush()
    size = len(store)
    del store
    stores.publish(store_dir, generation)
    return size


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sparql") / "store"
    build_test_store(path)
    return path


@pytest.fixture(scope="module")
def server(store_dir):
    env = {"NQIKG_QUERY_TIMEOUT": str(TIME_LIMIT), "NQIKG_MAX_RESULTS": str(MAX_RESULTS), "NQIKG_QUERY_WORKERS": "2"}
    with ServerProcess.nqikg(store_dir, env=env, timeout=60) as running:
        yield running.url


def _wrapper(server: str, fmt) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server + "/sparql")
    sparql.setReturnFormat(fmt)
    return sparql


PRODUCTS = """PREFIX nqi: <https://w3id.org/nqikg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?product ?label WHERE {
  GRAPH ?g { ?product a nqi:BottleneckProduct ; skos:prefLabel ?label }
  FILTER(STRSTARTS(STR(?g), STR(<%sgraph/doc/>)))
} ORDER BY ?label""" % iri.base()


# ---------------------------------------------------------------- protocol and formats

def test_select_json_xml_csv_with_sparqlwrapper(server):
    sparql = _wrapper(server, JSON)
    sparql.setQuery(PRODUCTS)
    result = sparql.query().convert()
    labels = [b["label"]["value"] for b in result["results"]["bindings"]]
    assert labels == ["光刻机", "数控机床"]
    assert result["results"]["bindings"][1]["label"].get("xml:lang") == "zh"

    sparql = _wrapper(server, XML)
    sparql.setQuery(PRODUCTS)
    doc = sparql.query().convert()
    literals = [n.firstChild.data for n in doc.getElementsByTagName("literal")]
    assert literals == ["光刻机", "数控机床"]

    sparql = _wrapper(server, CSV)
    sparql.setQuery(PRODUCTS)
    text = sparql.query().convert().decode("utf-8")
    assert text.splitlines()[0] == "product,label"
    assert "数控机床" in text and len(text.splitlines()) == 3

    sparql = _wrapper(server, JSON)             # POST as well
    sparql.setMethod("POST")
    sparql.setQuery("ASK { ?s a <https://w3id.org/nqikg/ontology#BottleneckClaim> }")
    assert sparql.query().convert()["boolean"] is True


def test_protocol_forms_and_negotiation(server):
    q = "SELECT ?l WHERE { <https://w3id.org/nqikg/ontology#metrology> skos:prefLabel ?l } ORDER BY ?l"
    r = httpx.get(server + "/sparql", params={"query": q}, headers={"Accept": "text/tab-separated-values"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/tab-separated-values")
    assert r.text.splitlines() == ["?l", '"metrology"@en', '"计量"@zh']
    r = httpx.post(server + "/sparql", content=q.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/sparql-results+json"
    r = httpx.post(server + "/sparql", data={"query": q}, headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and "<literal xml:lang=\"zh\">计量</literal>" in r.text
    # CONSTRUCT: Turtle by default, JSON-LD and N-Triples on request
    c = "CONSTRUCT WHERE { ?p a nqi:BottleneckProduct ; skos:prefLabel ?l } "
    r = httpx.get(server + "/sparql", params={"query": c})
    assert r.headers["content-type"].startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=r.text, format="turtle")) > 0
    r = httpx.get(server + "/sparql", params={"query": c}, headers={"Accept": "application/ld+json"})
    g = rdflib.Graph().parse(data=r.text, format="json-ld")
    r2 = httpx.get(server + "/sparql", params={"query": c}, headers={"Accept": "application/n-triples"})
    assert len(g) == len(rdflib.Graph().parse(data=r2.text, format="nt")) > 0
    r = httpx.get(server + "/sparql", params={"query": q}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    # the row limit: the cross join is answered at once, cut at max_results and flagged
    started = time.monotonic()
    r = httpx.get(server + "/sparql", params={"query": CROSS_JOIN}, headers={"Accept": "text/csv"}, timeout=30)
    assert r.status_code == 200 and r.headers["x-nqikg-truncated"] == "true"
    assert len(r.text.strip().splitlines()) == MAX_RESULTS + 1
    assert time.monotonic() - started < TIME_LIMIT
    # OpenAPI documents the endpoint
    spec = httpx.get(server + "/openapi.json").json()
    assert {"get", "post"} <= set(spec["paths"]["/sparql"])
    assert "application/sparql-query" in spec["paths"]["/sparql"]["post"]["requestBody"]["content"]
    assert "/api/export/{format}" in spec["paths"]


def test_updates_are_refused(server):
    insert = "PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }"
    sparql = _wrapper(server, JSON)
    sparql.setMethod("POST")
    sparql.setQuery(insert)                       # SPARQLWrapper sends it as update=
    with pytest.raises(Exception) as info:
        sparql.query()
    assert "403" in str(info.value) or "read-only" in str(info.value)
    r = httpx.get(server + "/sparql", params={"query": insert})
    assert r.status_code == 403 and "read-only" in r.json()["detail"]
    r = httpx.post(server + "/sparql", content=insert.encode(), headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403
    r = httpx.post(server + "/sparql", data={"update": insert})
    assert r.status_code == 403
    r = httpx.get(server + "/sparql", params={"query": "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"})
    assert r.status_code == 403
    ask = httpx.get(server + "/sparql", params={"query": "ASK { <http://example.org/a> ?p ?o }"}).json()
    assert ask["boolean"] is False
    # words inside strings, IRIs and comments are not updates
    check_read_only('SELECT ?x WHERE { BIND("DELETE" AS ?x) } # INSERT')
    check_read_only("SELECT ?add WHERE { ?add <http://example.org/load> ?drop }")
    with pytest.raises(QueryRefused):
        check_read_only("PREFIX ex: <http://e/> DELETE WHERE { ?s ?p ?o }")


def test_syntax_error_is_400_with_parser_message(server):
    r = httpx.get(server + "/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert r.status_code == 400
    assert "syntax error" in r.json()["detail"] and "1:" in r.json()["detail"]
    assert httpx.get(server + "/sparql").status_code == 400


def test_cross_join_is_cut_off_while_health_answers(server):
    latencies, stop = [], threading.Event()

    def poll_health():
        with httpx.Client(timeout=5) as client:
            while not stop.is_set():
                t = time.monotonic()
                assert client.get(server + "/health").status_code == 200
                latencies.append(time.monotonic() - t)
                time.sleep(0.1)

    poller = threading.Thread(target=poll_health)
    poller.start()
    try:
        started = time.monotonic()
        with httpx.Client(timeout=30) as client:
            long_query = threading.Thread(target=lambda: results.append(
                client.get(server + "/sparql", params={"query": CROSS_JOIN_COUNT})))
            results: list = []
            long_query.start()
            time.sleep(0.5)
            # the second worker keeps answering other queries meanwhile
            t = time.monotonic()
            other = client.get(server + "/sparql", params={"query": "ASK { ?s a nqi:Document }"})
            other_latency = time.monotonic() - t
            long_query.join()
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        poller.join()
    r = results[0]
    assert r.status_code == 503
    assert f"{TIME_LIMIT:g} s" in r.json()["detail"]
    assert elapsed < TIME_LIMIT + 1.5, elapsed
    assert other.status_code == 200 and other.json()["boolean"] is True and other_latency < 2
    assert latencies and max(latencies) < 2, latencies
    print(f"\ncross join cut off after {elapsed:.2f} s (limit {TIME_LIMIT} s); other query {other_latency:.3f} s; "
          f"/health max {max(latencies) * 1000:.0f} ms over {len(latencies)} calls")
    # a fresh worker took the killed one's place
    t = time.monotonic()
    again = httpx.get(server + "/sparql", params={"query": "ASK { ?s a nqi:Sentence }"}, timeout=10)
    assert again.status_code == 200 and time.monotonic() - t < 2


# ---------------------------------------------------------------- exports

def _distinct_triples(ds: rdflib.Dataset) -> int:
    return len({(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))})


def test_export_round_trips(server, store_dir):
    size = len(stores.open_read_only(store_dir))
    got = {}
    for fmt in ("ttl", "nq", "jsonld", "nt"):
        r = httpx.get(f"{server}/api/export/{fmt}", timeout=60)
        assert r.status_code == 200, r.text
        assert r.headers["content-disposition"].startswith("attachment;") and f".{fmt}" in r.headers["content-disposition"]
        got[fmt] = r.content
    ttl = rdflib.Graph().parse(data=got["ttl"], format="turtle")
    nt = rdflib.Graph().parse(data=got["nt"], format="nt")
    nq = rdflib.Dataset().parse(data=got["nq"], format="nquads")
    jsonld = rdflib.Dataset().parse(data=got["jsonld"], format="json-ld")
    quads_nq = sum(1 for _ in nq.quads((None, None, None, None)))
    quads_jsonld = sum(1 for _ in jsonld.quads((None, None, None, None)))
    assert quads_nq == quads_jsonld == size
    assert len(ttl) == len(nt) == _distinct_triples(nq) == _distinct_triples(jsonld)
    print(f"\nexport: {size} quads, {len(ttl)} distinct triples in ttl, nt, nq and jsonld")
    # the named graphs (provenance) survive in N-Quads and JSON-LD
    doc_graph = rdflib.URIRef(iri.graph("doc", "000_test0"))
    assert len(nq.graph(doc_graph)) == len(jsonld.graph(doc_graph)) > 0
    # the context is published and embedded
    ctx = httpx.get(server + "/context.jsonld").json()
    assert ctx["@context"]["nqi"] == "https://w3id.org/nqikg/ontology#"
    assert json.loads(got["jsonld"])["@context"] == ctx["@context"]
    r = httpx.get(server + "/api/export/xlsx")
    assert r.status_code == 404 and "nq" in r.json()["detail"]["formats"]


def test_export_to_file(store_dir, tmp_path):
    out = exports.export(store_dir, "nq", tmp_path / "graph.nq")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(stores.open_read_only(store_dir))
    assert out.read_bytes() == exports.export(store_dir, "nq", tmp_path / "again.nq").read_bytes()  # deterministic
    with pytest.raises(exports.UnknownFormat):
        exports.export(store_dir, "xlsx", tmp_path / "x")


# ---------------------------------------------------------------- canned queries

def _rows(answer) -> list[dict]:
    data = json.loads(answer.body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def test_canned_queries(store_dir):
    names = canned.names()
    for name in ("bottleneck_coverage", "industry_support", "indicator_observations", "policy_product",
                 "organisation_outputs"):
        assert name in names
        q = canned.load(name)
        assert q.title and q.description and q.columns, name
    store = stores.open_read_only(store_dir)
    for q in canned.list_queries():              # every canned query parses and runs unparameterised
        if not any(p.required for p in q.parameters):
            canned.run(store, q.name)

    rows = _rows(canned.run(store, "bottleneck_coverage", {"product": "数控机床"}))
    covered = {r["pillar"].rsplit("#", 1)[1]: r for r in rows if r["covered"] == "true"}
    assert set(covered) == {"metrology", "standardization"}
    assert covered["metrology"]["via"] == "product" and "计量基准" in covered["metrology"]["evidence"]
    assert covered["standardization"]["via"] == "industry"      # 国家标准 supports 34, broader than 342
    assert len([r for r in rows if r["covered"] == "false"]) == 2

    rows = _rows(canned.run(store, "industry_support", {"code": "39"}))    # 397 via 集成电路产业
    assert {r["elementLabel"] for r in rows} == {"检验检测机构"}
    rows = _rows(canned.run(store, "industry_support", {"code": "C"}))
    assert {r["elementLabel"] for r in rows} >= {"国家标准", "检验检测机构", "强制性产品认证"}
    with pytest.raises(canned.ParameterError):
        canned.bind(canned.load("industry_support"), {})

    rows = _rows(canned.run(store, "indicator_observations", {"indicator": "平均故障间隔时间"}))
    assert [(r["year"], r["numericValue"]) for r in rows] == [("2020", "900"), ("2025", "2000")]
    assert rows[1]["isTarget"] == "true" and rows[0]["subjectLabel"] == "数控机床"

    rows = _rows(canned.run(store, "policy_product", {"document": "000_test0", "product": "数控机床"}))
    assert {r["kind"] for r in rows} == {"mention", "relation", "observation", "bottleneck"}

    rows = _rows(canned.run(store, "organisation_outputs"))
    assert {(r["organisationLabel"], r["relation"], r["outputLabel"]) for r in rows} == {
        ("国家市场监督管理总局", "issues", "强制性产品认证"), ("国家标准化管理委员会", "develops", "国家标准")}

    # the rendered text (values inlined as VALUES) gives the same answer as pre-binding
    text = canned.render(canned.load("industry_support"), {"code": "39"})
    assert 'VALUES (?code) { ("39") }' in text
    from nqikg.queries.sparql import execute
    assert _rows(execute(store, text)) == _rows(canned.run(store, "industry_support", {"code": "39"}))
    # a value is a term, not text: quotes cannot break out of the literal
    evil = canned.render(canned.load("industry_support"), {"code": '39") } } DROP ALL #'})
    assert _rows(execute(store, evil)) == []


def test_service_in_process(store_dir):
    with SparqlService(store_dir, timeout=1.5, workers=1, max_results=5) as service:
        media_type, body = service.query("SELECT ?s WHERE { ?s a nqi:Sentence }", "text/csv")
        assert media_type.startswith("text/csv") and len(body.decode().splitlines()) == 6
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            service.query(CROSS_JOIN_COUNT)
        assert time.monotonic() - started < 3
        assert service.query("ASK { ?s ?p ?o }")[1] == b'{"head":{},"boolean":true}'

"""Cypher over Bolt: the projection, the embedded ArcadeDB Bolt server, the loader, POST /cypher, exports.

Real components only: a small store written with pyoxigraph and the ontology,
the embedded server started once for the module, the official neo4j driver,
the FastAPI app through TestClient (which starts its own server in its lifespan).
"""
from __future__ import annotations

import csv
import socket
import time
from pathlib import Path

import networkx as nx
import neo4j
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from nqikg.ontology import iri, vocab
from nqikg.queries import bolt, pg_export
from nqikg.queries import property_graph as pg
from nqikg.queries import store as stores

from nqikg.ontology.namespaces import DCT, PROV, RDF, RDFS, SKOS, XSD  # noqa: E402
N, L = ox.NamedNode, ox.Literal

DOC_ID = "t01_cypher"
PRODUCT = iri.entity("product", "数控机床")
BOTTLENECK = iri.entity("product", "工业母机")
STANDARD = iri.entity("metrology", "计量基准")
INDUSTRY = f"{iri.base()}id/gbt4754/36"
SECTION = f"{iri.base()}id/gbt4754/C"


def _t(local: str) -> ox.NamedNode:
    return N(vocab.term(local))


def fixture_quads(extra_product: str | None = None) -> list[ox.Quad]:
    """One document graph in the shape of ontology/README.md, the ontology graph and two GB/T 4754 concepts."""
    g = N(iri.graph("doc", DOC_ID))
    doc = N(iri.document(DOC_ID))
    s12 = N(iri.sentence(DOC_ID, 12))
    s5 = N(iri.sentence(DOC_ID, 5))
    typ = N(RDF + "type")
    integer = lambda v: L(str(v), datatype=N(XSD + "integer"))  # noqa: E731
    q = []

    def add(s, p, o, graph=g):
        q.append(ox.Quad(s, p if isinstance(p, ox.NamedNode) else N(p), o, graph))

    add(doc, typ, _t("Document"))
    add(doc, DCT + "identifier", L(DOC_ID))
    add(doc, DCT + "title", L("测试文档：制造业质量"))
    for sent, index, text, start in ((s12, 12, "计量基准支撑数控机床产业发展", 3012), (s5, 5, "工业母机依赖进口", 1200)):
        add(sent, typ, _t("Sentence"))
        add(sent, DCT + "isPartOf", doc)
        add(sent, _t("sentenceIndex"), integer(index))
        add(sent, _t("text"), L(text))
        add(sent, _t("start"), integer(start))
        add(sent, _t("end"), integer(start + len(text)))
    mention = N(iri.mention(DOC_ID, 12, 6, 10))
    add(mention, typ, _t("Mention"))
    add(mention, _t("inSentence"), s12)
    add(mention, _t("surface"), L("数控机床"))
    add(mention, _t("mentionLabel"), L("PRODUCT"))
    add(mention, _t("start"), integer(6))
    add(mention, _t("end"), integer(10))
    add(mention, _t("denotes"), N(PRODUCT))
    add(N(PRODUCT), typ, _t("Product"))
    add(N(PRODUCT), N(RDFS + "label"), L("数控机床", language="zh"))
    add(N(PRODUCT), N(SKOS + "prefLabel"), L("数控机床", language="zh"))
    add(N(PRODUCT), N(SKOS + "altLabel"), L("CNC machine tool", language="en"))
    add(N(PRODUCT), N(SKOS + "altLabel"), L("数控机床设备", language="zh"))
    add(N(PRODUCT), N(SKOS + "altLabel"), L("数控装备", language="zh"))
    add(N(PRODUCT), _t("mentionedIn"), doc)
    add(N(STANDARD), typ, _t("MeasurementStandard"))
    add(N(STANDARD), N(RDFS + "label"), L("计量基准", language="zh"))
    add(N(STANDARD), N(RDFS + "label"), L("primary measurement standard", language="en"))
    add(N(STANDARD), _t("pillar"), _t("metrology"))
    add(N(STANDARD), _t("supports"), N(PRODUCT))
    stmt = N(iri.derived(DOC_ID, 12, "stmt", STANDARD, "supports", PRODUCT))
    add(stmt, typ, N(RDF + "Statement"))
    add(stmt, N(RDF + "subject"), N(STANDARD))
    add(stmt, N(RDF + "predicate"), _t("supports"))
    add(stmt, N(RDF + "object"), N(PRODUCT))
    add(stmt, N(PROV + "wasDerivedFrom"), s12)
    add(stmt, _t("start"), integer(0))
    add(stmt, _t("end"), integer(14))
    add(N(PRODUCT), _t("belongsToIndustry"), N(INDUSTRY))
    obs = N(iri.derived(DOC_ID, 12, "obs", "mtbf"))
    add(obs, typ, _t("Observation"))
    add(obs, _t("subject"), N(PRODUCT))
    add(obs, _t("value"), L("900 h"))
    add(obs, _t("numericValue"), L("900.0", datatype=N(XSD + "decimal")))
    add(obs, _t("unit"), L("h"))
    add(obs, _t("year"), L("2020", datatype=N(XSD + "gYear")))
    add(obs, _t("scope"), _t("domestic"))
    add(obs, _t("isTarget"), L("false", datatype=N(XSD + "boolean")))
    add(obs, N(PROV + "wasDerivedFrom"), s12)
    claim = N(iri.derived(DOC_ID, 5, "claim", "工业母机"))
    add(N(BOTTLENECK), typ, _t("BottleneckProduct"))
    add(N(BOTTLENECK), N(RDFS + "label"), L("工业母机", language="zh"))
    add(N(BOTTLENECK), _t("bottleneckEvidence"), claim)
    add(claim, typ, _t("BottleneckClaim"))
    add(claim, _t("aboutProduct"), N(BOTTLENECK))
    add(claim, _t("cue"), L("依赖进口", language="zh"))
    add(claim, N(PROV + "wasDerivedFrom"), s5)
    if extra_product:
        extra = N(iri.entity("product", extra_product))
        add(extra, typ, _t("Product"))
        add(extra, N(RDFS + "label"), L(extra_product, language="zh"))
    ref = N(iri.graph("reference", "gbt4754"))
    for code, name, broader in (("C", "制造业", None), ("36", "汽车制造业", SECTION)):
        c = N(f"{iri.base()}id/gbt4754/{code}")
        add(c, typ, N(SKOS + "Concept"), ref)
        add(c, typ, _t("Industry"), ref)
        add(c, N(SKOS + "notation"), L(code), ref)
        add(c, N(SKOS + "prefLabel"), L(name, language="zh"), ref)
        add(c, N(SKOS + "inScheme"), N(f"{iri.base()}id/scheme/gbt4754"), ref)
        if broader:
            add(c, N(SKOS + "broader"), N(broader), ref)
    onto = N(iri.graph("ontology"))
    for triple in ox.parse(path=str(vocab.ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE):
        q.append(ox.Quad(triple.subject, triple.predicate, triple.object, onto))
    return q


def write_generation(store_dir: Path, quads: list[ox.Quad]) -> Path:
    generation = stores.new_generation(store_dir)
    st = ox.Store(str(generation))
    st.bulk_extend(quads)
    st.flush()
    del st
    time.sleep(1.1)  # generation names carry the second: keep the next one distinct
    stores.publish(store_dir, generation)
    return generation


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cypher") / "store"
    write_generation(folder, fixture_quads())
    return folder


@pytest.fixture(scope="module")
def graph(store_dir) -> pg.PropertyGraph:
    return pg.project(stores.open_read_only(store_dir))


@pytest.fixture(scope="module")
def server(graph, tmp_path_factory, embedded_bolt):
    """The embedded Bolt server on a free port with the projection loaded; stopped at the end."""
    with embedded_bolt(graph, tmp_path_factory.mktemp("bolt"), query_timeout=2.0) as server:
        yield server
    assert server.root_dir is None


# ---------------------------------------------------------------- projection

def test_projection_labels_properties_and_provenance(graph):
    nodes = {n.id: n for n in graph.nodes}
    product, bottleneck, standard = nodes[PRODUCT], nodes[BOTTLENECK], nodes[STANDARD]
    assert set(product.labels) == {"Product", "Entity", "Resource"}
    assert {"BottleneckProduct", "Product", "Entity", "Resource"} <= set(bottleneck.labels)
    assert {"MeasurementStandard", "MetrologyElement", "NQIElement", "Entity"} <= set(standard.labels)
    assert {"Industry", "Concept", "Entity"} <= set(nodes[INDUSTRY].labels)
    assert product.properties["id"] == PRODUCT and product.properties["name"] == "数控机床"
    assert product.properties["altLabel"] == ["数控机床设备", "数控装备"] and product.properties["altLabel_en"] == "CNC machine tool"
    assert standard.properties["label_en"] == "primary measurement standard"
    obs = next(n for n in graph.nodes if "Observation" in n.labels)
    assert obs.properties["numericValue"] == 900.0 and obs.properties["year"] == 2020
    assert obs.properties["isTarget"] is False
    assert nodes[INDUSTRY].properties["inScheme"].endswith("/id/scheme/gbt4754")  # IRI of a non-node
    assert not any(n.id.split("/")[-2] == "stmt" for n in graph.nodes)  # statements are not nodes

    rels = {(r.type, r.start, r.end): r for r in graph.relationships}
    supports = rels[("SUPPORTS", STANDARD, PRODUCT)]
    assert supports.properties["document"] == DOC_ID and supports.properties["documents"] == [DOC_ID]
    assert supports.properties["sentence"] == iri.sentence(DOC_ID, 12)
    assert (supports.properties["start"], supports.properties["end"]) == (0, 14)
    assert supports.properties["predicate"] == vocab.term("supports")
    assert ("BELONGS_TO_INDUSTRY", PRODUCT, INDUSTRY) in rels
    assert ("BROADER", INDUSTRY, SECTION) in rels
    assert ("PILLAR", STANDARD, vocab.term("metrology")) in rels
    assert "documents" not in rels[("BROADER", INDUSTRY, SECTION)].properties
    assert pg.relationship_type("http://x/ns#belongsToIndustry") == "BELONGS_TO_INDUSTRY"
    assert pg.relationship_type(SKOS + "broader") == "BROADER"


def test_projection_of_the_real_builder(tmp_path):
    build = pytest.importorskip("nqikg.ingest.build")
    corpus = sorted((Path(__file__).resolve().parents[1].parent / "shared" / "corpus").glob("*.txt"))
    if not corpus:
        pytest.skip("no corpus")
    smallest = min(corpus, key=lambda p: p.stat().st_size)
    build.build([smallest], tmp_path / "store", progress=lambda m: None)
    graph = pg.project(stores.open_read_only(tmp_path / "store"))
    counts, types = graph.label_counts(), graph.type_counts()
    assert counts["Document"] == 1 and counts["Sentence"] > 10 and counts["Concept"] > 1000
    assert {"BROADER", "IN_SENTENCE", "DENOTES", "IS_PART_OF"} <= set(types)
    ids = {n.id for n in graph.nodes}
    assert all(r.start in ids and r.end in ids for r in graph.relationships)


# ---------------------------------------------------------------- the read-only guard

@pytest.mark.parametrize("query", [
    "MATCH (n) RETURN n",
    "MATCH (n) WHERE n.name = 'CREATE (x)' RETURN n // DELETE everything",
    "MATCH (n) /* SET n.x = 1 */ RETURN n.set, n.`merge` AS `delete`",
    "RETURN {create: 1, remove: 2} AS m",
    "MATCH (n:Resource) RETURN n.id AS id;",
    "CALL db.labels()",
    "MATCH (n) WHERE n.text CONTAINS \"it's \\\"DROP\\\"\" RETURN count(n)",
])
def test_read_only_guard_accepts(query):
    bolt.check_read_only(query)


@pytest.mark.parametrize("query", [
    "CREATE (n:X)",
    "match (n) detach delete n",
    "MATCH (n) SET n.x = 1",
    "MATCH (n) REMOVE n.x",
    "MERGE (n:X {id: 1})",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "MATCH (n) FOREACH (x IN [1] | SET n.y = x)",
    "CALL dbms.security.createUser('a', 'b')",
    "CALL apoc.create.node(['X'], {})",
    "DROP CONSTRAINT nqikg_resource_id",
    "MATCH (n) RETURN n; MATCH (m) RETURN m",
    "MATCH (n) CALL { WITH n CREATE (m:Copy) } RETURN n",
])
def test_read_only_guard_refuses(query):
    with pytest.raises(bolt.WriteQueryRefused):
        bolt.check_read_only(query)


# ---------------------------------------------------------------- through the official driver

def test_official_driver_reads_the_projection(server, graph):
    assert server.uri.startswith("bolt://127.0.0.1:")
    with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
        driver.verify_connectivity()
        assert "5.26" in driver.get_server_info().agent
        with driver.session(database=server.database, default_access_mode=neo4j.READ_ACCESS) as session:
            products = session.run("MATCH (p:Product) RETURN p.name AS name ORDER BY name").value()
            assert products == ["工业母机", "数控机床"]
            record = session.run(
                "MATCH (s:NQIElement)-[r:SUPPORTS]->(p:Product {id: $id}) "
                "RETURN s.label AS s, r.document AS doc, r.sentence AS sentence, r.start AS start, r.end AS end",
                id=PRODUCT).single()
            assert record.data() == {"s": "计量基准", "doc": DOC_ID, "sentence": iri.sentence(DOC_ID, 12),
                                     "start": 0, "end": 14}
            chain = session.run("MATCH (:Industry {notation: '36'})-[:BROADER]->(c:Concept) RETURN c.name").value()
            assert chain == ["制造业"]
            total = session.run("MATCH (n:Resource) RETURN count(n) AS c").single()["c"]
            assert total == len(graph.nodes)
        # the Bolt account is read-only inside ArcadeDB too
        with driver.session(database=server.database) as session, pytest.raises(neo4j.exceptions.Neo4jError):
            session.run("MATCH (p:Product) SET p.hacked = true").consume()


def test_run_read_values_limits_and_errors(server):
    driver = server.driver()
    result = bolt.run_read(driver, "MATCH p = (b:BottleneckProduct)-[:BOTTLENECK_EVIDENCE]->(c) RETURN p, b",
                           database=server.database)
    columns, rows = result
    assert columns == ["p", "b"] and len(rows) == 1
    path, node = rows[0]
    assert node["id"] == BOTTLENECK and "BottleneckProduct" in node["labels"]
    assert path["relationships"][0]["type"] == "BOTTLENECK_EVIDENCE"
    assert path["relationships"][0]["start"] == BOTTLENECK
    limited = bolt.run_read(driver, "MATCH (n:Resource) RETURN n.id", max_rows=3, database=server.database)
    assert len(limited.rows) == 3 and limited.truncated
    with pytest.raises(bolt.CypherSyntaxError):
        bolt.run_read(driver, "MATCH (n RETURN n", database=server.database)
    with pytest.raises(bolt.WriteQueryRefused):
        bolt.run_read(driver, "CREATE (n:Resource {id: 'x'})", database=server.database)
    started = time.perf_counter()
    with pytest.raises(bolt.QueryTimeout):
        bolt.run_read(driver, "UNWIND range(1, 5000) AS x UNWIND range(1, 5000) AS y "
                      "WITH x, y WHERE (x * y) % 7 = 3 RETURN count(*)",
                      timeout=2.0, database=server.database)
    assert time.perf_counter() - started < 30  # 2 s on an idle machine


def test_reload_replaces_the_projection(server, graph):
    before = server.database
    smaller = pg.PropertyGraph(graph.nodes[:5], [])
    report = server.load_graph(smaller)
    assert report.nodes == 5 and server.database != before
    assert bolt.run_read(server.driver(), "MATCH (n) RETURN count(n)", database=server.database).rows == [[5]]
    server.load_graph(graph)
    assert bolt.count(server.driver(), server.database) == (len(graph.nodes), len(graph.relationships))
    deadline = time.monotonic() + 15  # superseded projections are dropped after query_timeout + 1 s
    while server._server._java_server.existsDatabase(before) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not server._server._java_server.existsDatabase(before)


# ---------------------------------------------------------------- POST /cypher

def test_post_cypher(store_dir, monkeypatch):
    from nqikg.api.app import create_app
    from nqikg.api.settings import Settings

    monkeypatch.setenv("NQIKG_BOLT_PORT", str(free_port()))
    monkeypatch.setenv("NQIKG_BOLT_RELOAD_INTERVAL", "0.5")
    monkeypatch.delenv("NQIKG_NEO4J_URI", raising=False)
    app = create_app(Settings(store=store_dir, bolt=True, query_timeout=5, max_results=100))
    with TestClient(app) as client:
        deadline = time.monotonic() + 120
        while True:  # the server starts in the background; 503 until the projection is loaded
            r = client.post("/cypher", json={"query": "MATCH (p:Product {id: $id}) RETURN p.name AS name, p",
                                             "parameters": {"id": PRODUCT}})
            if r.status_code != 503 or time.monotonic() > deadline:
                break
            assert "starting" in r.json()["detail"]
            time.sleep(0.3)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["columns"] == ["name", "p"] and body["rows"][0][0] == "数控机床"
        assert body["rows"][0][1]["labels"] == ["Entity", "Product", "Resource"]

        r = client.post("/cypher", json={"query": "CREATE (n:Resource {id: 'x'}) RETURN n"})
        assert r.status_code == 400 and "CREATE" in r.json()["detail"]
        r = client.post("/cypher", json={"query": "MATCH (n) RETRUN n"})
        assert r.status_code == 400 and "syntax" in r.json()["detail"].lower()
        r = client.post("/cypher", json={"query": "MATCH (n) RETURN n", "parameters": "x"})
        assert r.status_code == 422
        assert "/cypher" in client.get("/openapi.json").json()["paths"]

        # a new generation is picked up by the reload watcher
        write_generation(store_dir, fixture_quads(extra_product="测试新产品"))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            r = client.post("/cypher", json={"query": "MATCH (p:Product) WHERE p.name = '测试新产品' RETURN count(p)"})
            if r.status_code == 200 and r.json()["rows"] == [[1]]:
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"the new generation was not loaded: {r.text}")

    app = create_app(Settings(store=store_dir, bolt=False))
    with TestClient(app) as client:
        r = client.post("/cypher", json={"query": "RETURN 1"})
        assert r.status_code == 503


# ---------------------------------------------------------------- exports

def test_graphml_parses_back(graph, tmp_path):
    path = pg_export.write_graphml(graph, tmp_path / "g.graphml")
    g = nx.read_graphml(path, force_multigraph=True)
    assert g.number_of_nodes() == len(graph.nodes) and g.number_of_edges() == len(graph.relationships)
    attrs = g.nodes[PRODUCT]
    assert attrs["label"] == "数控机床" and ":Product" in attrs["labels"]
    assert all(isinstance(v, (str, int, float, bool)) for _, d in g.nodes(data=True) for v in d.values())
    assert {d["label"] for _, _, d in g.edges(data=True)} >= {"SUPPORTS", "BROADER"}
    mg = pg_export.to_networkx(graph)
    assert isinstance(mg, nx.MultiDiGraph) and mg.nodes[PRODUCT]["labels"] == ("Entity", "Product", "Resource")


def test_neo4j_csv_headers(graph, tmp_path):
    files = pg_export.write_neo4j_csv(graph, tmp_path / "csv")
    with files["nodes"].open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert header[:2] == ["id:ID", ":LABEL"]
    assert "numericValue:double" in header and "isTarget:boolean" in header and "altLabel:string[]" in header
    by_id = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    assert set(by_id[BOTTLENECK][":LABEL"].split(";")) >= {"BottleneckProduct", "Product", "Resource"}
    with files["relationships"].open(encoding="utf-8") as fh:
        rel_rows = list(csv.reader(fh))
    assert rel_rows[0][:3] == [":START_ID", ":END_ID", ":TYPE"] and "start:long" in rel_rows[0]
    assert len(rel_rows) - 1 == len(graph.relationships) and len(rows) - 1 == len(graph.nodes)


def test_cypher_script_runs_on_the_server(server, graph, tmp_path):
    path = pg_export.write_cypher(graph, tmp_path / "g.cypher")
    statements = pg_export.read_cypher_script(path)
    assert statements[0].startswith("CREATE CONSTRAINT") and all("UNWIND [" in s for s in statements[1:])
    name = server._new_database()
    try:
        with server.driver(admin=True).session(database=name) as session:
            for _ in range(2):  # idempotent
                for statement in statements:
                    session.run(statement).consume()
        assert bolt.count(server.driver(admin=True), name) == (len(graph.nodes), len(graph.relationships))
    finally:
        server._drop_database(name)


# ---------------------------------------------------------------- nqikg neo4j push

def test_push_to_configured_neo4j(server, store_dir, monkeypatch):
    """NQIKG_NEO4J_URI pointed at the embedded server: the external path (MERGE, replace) end to end."""
    graph = pg.project(stores.open_read_only(store_dir))  # the live generation (test_post_cypher adds one)
    name = server._new_database()
    monkeypatch.setenv("NQIKG_NEO4J_URI", server.uri)
    monkeypatch.setenv("NQIKG_NEO4J_USER", "root")
    monkeypatch.setenv("NQIKG_NEO4J_PASSWORD", server._root_password)
    monkeypatch.setenv("NQIKG_NEO4J_DATABASE", name)
    try:
        for _ in range(2):  # the second push replaces the first
            report = bolt.push_to_configured(store_dir, say=lambda m: None)
            assert (report.nodes, report.relationships) == (len(graph.nodes), len(graph.relationships))
            assert bolt.count(server.driver(admin=True), name) == (len(graph.nodes), len(graph.relationships))
        monkeypatch.setenv("NQIKG_NEO4J_URI", "bolt://127.0.0.1:1")
        with pytest.raises(bolt.BoltUnavailable):
            bolt.push_to_configured(store_dir, say=lambda m: None)
    finally:
        server._drop_database(name)

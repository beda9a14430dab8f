"""Each canned SPARQL query (queries/NAME.rq) and its Cypher twin (queries/NAME.cypher) give the same answer.

The corpus graph (``corpus_store``) is queried in-process with SPARQL and, projected to a property graph,
through ONE embedded ArcadeDB Bolt server loaded for the module. Rows are compared as sorted lists of
normalised tuples: IRIs and node ids are the same strings, numbers compare as floats (a gYear is an
int in the graph), booleans as booleans, unbound = null = None.
"""
from __future__ import annotations

import time

import pytest

from nqikg.queries import canned
from nqikg.queries import cypher_canned as cc
from nqikg.queries import property_graph as pg
from nqikg.queries import store as stores

CORPUS_DOC = "002_a8b266a481b354b1"     # 我国优质制造建设十年成效与未来发展展望

# (name, parameters): every answer is non-empty on the corpus graph
CASES = [
    ("bottleneck_coverage", {}),
    ("bottleneck_coverage", {"product": "高端船型"}),          # covered via 船舶 -> GB/T 373 -> ... -> C
    ("bottleneck_coverage", {"product": "工业母机"}),
    ("industry_support", {"code": "C"}),                       # 制造业 and its sub-classes
    ("industry_support", {"code": "34"}),                      # 通用设备制造业: machine tools and bearings, placed in its 小类
    ("indicator_observations", {"indicator": "平均故障间隔时间"}),
    ("indicator_observations", {}),
    ("policy_product", {"document": CORPUS_DOC, "product": "高端船型"}),
    ("policy_product", {"product": "高端铝合金焊丝"}),
    ("policy_product", {}),
    ("organisation_outputs", {}),
    ("organisation_outputs", {"organisation": "国务院"}),
    ("gaps", {}),
]


@pytest.fixture(scope="module")
def corpus_sparql(corpus_store):
    return stores.open_read_only(corpus_store)


@pytest.fixture(scope="module")
def corpus_bolt(corpus_sparql, embedded_bolt, tmp_path_factory):
    graph = pg.project(corpus_sparql)
    started = time.perf_counter()
    with embedded_bolt(graph, tmp_path_factory.mktemp("bolt-parity"), query_timeout=30.0) as server:
        print(f"\nloaded {graph} into the embedded Bolt server in {time.perf_counter() - started:.1f} s")
        yield server


def normalise(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return repr(value)      # a list or map: a multi-valued property, never equal to a SPARQL term


def _key(row: tuple) -> tuple:
    return tuple((v is None, type(v).__name__, v if v is not None else 0) for v in row)


def answer(result) -> list[tuple]:
    return sorted((tuple(normalise(v) for v in row) for row in result.rows), key=_key)


def test_every_rq_has_a_cypher_twin_with_the_same_header():
    sparql, cypher = canned.names(), canned.names(language="cypher")
    assert sparql == cypher and {name for name, _ in CASES} == set(sparql)
    for name in sparql:
        rq, cy = canned.load(name), canned.load(name, language="cypher")
        assert cy.language == "cypher" and cy.path.suffix == ".cypher" and cy.title == rq.title
        assert cy.columns == rq.columns, name
        assert [(p.name, p.kind, p.segment, p.required) for p in cy.parameters] == \
               [(p.name, p.kind, p.segment, p.required) for p in rq.parameters], name
        for p in cy.parameters:
            assert f"${p.name}" in cy.text.split("\n\n", 1)[1], (name, p.name)


@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}-{'-'.join(map(str, p.values())) or 'all'}"
                                                   for n, p in CASES])
def test_sparql_and_cypher_agree(name, params, corpus_sparql, corpus_bolt):
    rq, cy = canned.load(name), canned.load(name, language="cypher")
    started = time.perf_counter()
    sparql = cc.run_sparql(corpus_sparql, rq, params)
    sparql_seconds = time.perf_counter() - started
    started = time.perf_counter()
    cypher = cc.run_cypher(corpus_bolt.driver(), cy, params, database=corpus_bolt.database, timeout=30.0)
    cypher_seconds = time.perf_counter() - started
    print(f"\n{name} {params}: SPARQL {len(sparql.rows)} rows in {sparql_seconds:.2f} s, "
          f"Cypher {len(cypher.rows)} rows in {cypher_seconds:.2f} s")
    assert sparql.columns == cypher.columns == list(rq.columns)
    assert not sparql.truncated and not cypher.truncated
    expected, got = answer(sparql), answer(cypher)
    assert expected, f"{name} {params}: no answer in the corpus graph; pick other parameters"
    assert len(set(got)) == len(got), "the Cypher answer has duplicate rows (DISTINCT)"
    missing = [r for r in expected if r not in set(got)]
    extra = [r for r in got if r not in set(expected)]
    assert got == expected, f"{name} {params}: only in SPARQL {missing[:3]}; only in Cypher {extra[:3]}"


def test_run_entry_point(corpus_store, corpus_bolt, monkeypatch):
    """``run(language, file_or_text, store_dir, params)``: names, files and texts; Cypher through
    NQIKG_NEO4J_URI (here: the module's server), so no second server is started."""
    columns, rows = cc.run("sparql", "industry_support", corpus_store, {"code": "C"})
    assert columns[0] == "code" and rows and all(r[0] == "C" for r in rows)
    path = canned.load("industry_support").path
    assert cc.run("sparql", str(path), corpus_store, {"code": "C"}).rows == rows
    assert cc.run("sparql", "ASK { ?p a nqi:BottleneckProduct }", corpus_store, {}) == (["boolean"], [[True]])

    monkeypatch.setenv("NQIKG_NEO4J_URI", corpus_bolt.uri)
    monkeypatch.setenv("NQIKG_NEO4J_USER", corpus_bolt.user)
    monkeypatch.setenv("NQIKG_NEO4J_PASSWORD", corpus_bolt.password)
    monkeypatch.setenv("NQIKG_NEO4J_DATABASE", corpus_bolt.database)
    result = cc.run("cypher", "industry_support", corpus_store, {"code": "C"})
    assert answer(result) == answer(cc.run_sparql(stores.open_read_only(corpus_store), canned.load("industry_support"),
                                                  {"code": "C"}))
    # ArcadeDB sends no column names with an empty result: the header's columns stand in
    empty = cc.run("cypher", "industry_support", corpus_store, {"code": "no-such-code"})
    assert empty.columns == list(canned.load("industry_support").columns) and empty.rows == []
    text = "MATCH (p:BottleneckProduct {id: $id}) RETURN p.name AS name"
    iri = canned.to_term(canned.load("bottleneck_coverage").parameter("product"), "工业母机").value
    assert cc.run("cypher", text, None, {"id": iri}).rows == [["工业母机"]]

    with pytest.raises(canned.ParameterError):
        cc.run("cypher", "industry_support", corpus_store, {})           # $code is required
    with pytest.raises(canned.ParameterError):
        cc.run("cypher", "gaps", corpus_store, {"product": "x"})          # gaps has no parameter
    with pytest.raises(canned.UnknownQuery):
        cc.run("cypher", "bottleneck_covrage", corpus_store, {})
    with pytest.raises(ValueError):
        cc.run("gremlin", "gaps", corpus_store, {})

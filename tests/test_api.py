"""REST lookup, linked-data IRIs and the HTML pages, through FastAPI's TestClient.

The graph is the one built from the five corpus documents (``corpus_store`` of
conftest.py, built once per session); one test builds two tiny generations of
its own to check that the label index follows a newly published build.
"""
from __future__ import annotations

import json
import re
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from nqikg.api.app import create_app
from nqikg.api.settings import Settings
from nqikg.ingest.link import normalise_code
from nqikg.ontology import iri as iris
from nqikg.ontology import shared_dir
from nqikg.queries import lookup
from nqikg.queries import store as stores

NQI = iris.NQI
PILLARS = ["metrology", "standardization", "testing", "certification"]
SAMR = "国家市场监督管理总局"


@pytest.fixture(scope="module")
def client(corpus_store):
    app = create_app(Settings().with_(store=corpus_store, bolt=False))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def graph_store(corpus_store):
    return stores.open_read_only(corpus_store)


def path_of(iri: str) -> str:
    """The server path of an instance IRI (the part after the base), percent-encoded."""
    assert iri.startswith(iris.base()), iri
    return "/" + quote(iri[len(iris.base()):], safe="/")


def parse(content: bytes, fmt) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(content, format=fmt)}


def ok_json(client, url: str, status: int = 200):
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def assert_error(r, status: int):
    assert r.status_code == status, r.text[:300]
    body = r.json()
    assert set(body) >= {"error", "detail"}, body
    assert "Traceback" not in r.text and 'File "' not in r.text


# ---------------------------------------------------------------- search

def test_search_by_alias_finds_samr(client):
    data = ok_json(client, "/api/entities?q=" + quote("市场监管总局"))
    assert data["total"] >= 1
    first = data["items"][0]
    assert first["label"] == SAMR
    assert first["type"] == "Organization"
    assert first["match"] in ("exact", "alias")
    assert first["url"] == "/page/org/" + quote(SAMR)
    assert first["id"] == f"org/{SAMR}"
    assert "市场监管总局" in first["aliases"]


@pytest.mark.parametrize("q", [SAMR, "SAMR", "samr", "State Administration for Market Regulation",
                               "国家市场监管总局", "国家市场监督"])
def test_search_variants_find_samr(client, q):
    data = ok_json(client, "/api/entities?limit=5&q=" + quote(q))
    assert SAMR in [i["label"] for i in data["items"]], (q, data["items"])


def test_search_ranks_exact_first_then_by_mentions(client):
    data = ok_json(client, "/api/entities?limit=50&q=" + quote("计量"))
    tiers = ["exact", "alias", "prefix", "contains", "tokens", "fuzzy"]
    order = [tiers.index(i["match"]) for i in data["items"]]
    assert order == sorted(order)
    for a, b in zip(data["items"], data["items"][1:]):
        if a["match"] == b["match"]:
            assert a["mentions"] >= b["mentions"]
    assert all("计量" in i["label"] or any("计量" in x for x in i["aliases"]) for i in data["items"]
               if i["match"] in ("exact", "prefix", "contains"))


def test_search_fuzzy_and_jieba(client, graph_store):
    # a misspelt name still finds the organisation (character-bigram overlap)
    data = ok_json(client, "/api/entities?limit=10&q=" + quote("国家市场监管局"))
    assert SAMR in [i["label"] for i in data["items"]]
    # a multi-word Chinese query matches labels containing every jieba token, in any order
    index = lookup.LabelIndex(graph_store)
    label = next(e.label for e in sorted(index.entities.values(), key=lambda e: -e.mentions)
                 if len(lookup._jieba_cut(e.label)) == 2 and all(len(t) >= 2 for t in lookup._jieba_cut(e.label)))
    a, b = lookup._jieba_cut(label)
    data = ok_json(client, "/api/entities?limit=50&q=" + quote(f"{b} {a}"))
    hit = next(i for i in data["items"] if i["label"] == label)
    assert hit["match"] == "tokens"


def test_search_by_code(client):
    data = ok_json(client, "/api/entities?limit=5&q=36&type=Industry")
    assert data["items"][0]["label"] == "汽车制造业"
    assert data["items"][0]["codes"] == ["36"]


def test_search_type_filter(client):
    data = ok_json(client, "/api/entities?type=Organization&limit=200")
    assert data["total"] > 3 and all(i["type"] == "Organization" for i in data["items"])
    same = ok_json(client, "/api/entities?type=ORG&limit=200")
    assert same["total"] == data["total"]
    products = ok_json(client, "/api/entities?type=Product&limit=200")
    assert {"Product", "BottleneckProduct"} >= {i["type"] for i in products["items"]}
    assert "BottleneckProduct" in {i["type"] for i in products["items"]}


def test_search_paging(client):
    whole = ok_json(client, "/api/entities?q=" + quote("质量") + "&limit=20")
    assert whole["total"] > 10
    first = ok_json(client, "/api/entities?q=" + quote("质量") + "&limit=10&offset=0")
    second = ok_json(client, "/api/entities?q=" + quote("质量") + "&limit=10&offset=10")
    assert [i["iri"] for i in first["items"] + second["items"]] == [i["iri"] for i in whole["items"]]
    beyond = ok_json(client, f"/api/entities?q={quote('质量')}&offset={whole['total'] + 5}")
    assert beyond["items"] == [] and beyond["total"] == whole["total"]


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=-3", "limit=abc", "offset=-1", "offset=x",
                                   "type=NoSuchClass", "q=" + "x" * 201])
def test_search_rejects_nonsense(client, query):
    r = client.get("/api/entities?" + query)
    assert_error(r, 422)


# ---------------------------------------------------------------- entity detail

def test_entity_detail_samr(client):
    d = ok_json(client, "/api/entities/" + quote(f"org/{SAMR}"))
    assert d["iri"] == iris.base() + f"id/org/{SAMR}"
    assert d["label"] == SAMR and d["label_en"] == "State Administration for Market Regulation"
    assert {"市场监管总局", "SAMR"} <= {a["value"] for a in d["aliases"]}
    assert [t["name"] for t in d["types"]] == ["Organization"]
    assert d["mention_count"] >= 3 and len(d["evidence"]) >= 3
    assert d["documents"] and all(x["url"].startswith("/page/doc/") for x in d["documents"])
    check_evidence(d["evidence"], focus_id=d["id"])


CORPUS_TITLES = {"000": None, "001": "供给侧结构性改革中的制造业质量升级", "002": "我国优质制造建设十年成效与未来发展展望",
                 "003": None, "004": None}


def check_evidence(evidence: list[dict], focus_id: str | None = None) -> None:
    """Each evidence sentence: its document, its offsets in the source file, the mention offsets in it."""
    corpus = shared_dir() / "corpus"
    for ev in evidence:
        assert ev["document_id"] and ev["url"] and ev["document_url"]
        assert ev["document_title"] == CORPUS_TITLES[ev["document_id"][:3]]     # the document's own title, or none
        raw = (corpus / f"{ev['document_id']}.txt").read_text(encoding="utf-8")
        assert 0 <= ev["source_start"] < ev["source_end"] <= len(raw)
        text = ev["text"]
        focus = [m for m in ev["mentions"] if m["focus"]]
        if focus_id:
            assert focus and all(m["entity"] == focus_id for m in focus)
        for m in ev["mentions"]:
            assert text[m["start"]:m["end"]] == m["surface"], (text, m)
            assert ev["source_start"] <= m["source_start"] < m["source_end"] <= ev["source_end"]
            original = unicodedata.normalize("NFKC", raw[m["source_start"]:m["source_end"]])
            assert "".join(original.split()) == "".join(unicodedata.normalize("NFKC", m["surface"]).split())


def test_entity_relations_have_labels_and_evidence(client, graph_store):
    # an element that supports something: its relation group is labelled from the ontology, with evidence
    row = next(iter(graph_store.query(
        f"SELECT ?e WHERE {{ ?st <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?e ; "
        f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <{NQI}supports> . ?e <{NQI}pillar> ?p }} LIMIT 1",
        use_default_graph_as_union=True)))
    d = ok_json(client, "/api/entities/" + quote(lookup.id_of(row["e"].value)))
    group = next(g for g in d["relations"] if g["property"] == "nqi:supports" and g["direction"] == "out")
    assert (group["label"], group["label_en"]) == ("支撑", "supports")
    with_evidence = [i for i in group["items"] if i["evidence"]]
    assert with_evidence
    check_evidence(with_evidence[0]["evidence"])
    assert d["pillar"]["id"] in PILLARS
    # and the other end lists it as an incoming relation
    target = with_evidence[0]
    other = ok_json(client, "/api/entities/" + quote(target["id"]))
    back = next(g for g in other["relations"] if g["property"] == "nqi:supports" and g["direction"] == "in")
    assert d["iri"] in [i["iri"] for i in back["items"]]


def test_entity_observations(client, graph_store):
    rows = list(graph_store.query(f"SELECT ?s WHERE {{ ?o a <{NQI}Observation> ; <{NQI}subject> ?s }} LIMIT 1",
                                  use_default_graph_as_union=True))
    if not rows:
        pytest.skip("the extractor produced no observation with a subject")
    d = ok_json(client, "/api/entities/" + quote(lookup.id_of(rows[0]["s"].value)))
    assert d["observations"]
    o = d["observations"][0]
    assert o["indicator"]["label"] and o["value"] and o["evidence"]
    assert o["subject"]["iri"] == d["iri"]


def test_entity_unknown_is_404(client):
    for path in ["org/没有这个机构", "nope", "org/%3Cscript%3E", "doc/000_aebc9cceb4f1775c/s/999999"]:
        r = client.get("/api/entities/" + path)
        assert_error(r, 404)
        assert "no resource" in r.json()["detail"]


# ---------------------------------------------------------------- standards, industries, documents

def test_standard_by_code(client):
    data = ok_json(client, "/api/entities?type=MetrologySpecification&limit=200")
    data2 = ok_json(client, "/api/entities?type=Standard&limit=200")
    coded = [i for i in data2["items"] + data["items"] if i["codes"]]
    assert coded
    code = coded[0]["codes"][0]
    messy = code.replace(" ", "").replace("-", "—")
    assert normalise_code(messy) == code
    d = ok_json(client, "/api/standards/" + quote(messy, safe="/"))
    assert d["code"] == code and d["iri"] == coded[0]["iri"]
    assert code in [c["value"] for c in d["codes"]]
    assert_error(client.get("/api/standards/GB/T%209999999-2099"), 404)
    assert_error(client.get("/api/standards/hello"), 404)


def test_industry_by_gbt4754_code(client):
    d = ok_json(client, "/api/industries/36")
    assert d["label"] == "汽车制造业" and d["code"] == "36"
    assert d["iri"] == iris.base() + "id/gbt4754/36"
    codes = {c for s in d["subclasses"] for c in s["codes"]}
    assert "361" in codes and any(len(c) == 4 for c in codes)
    assert all(s["depth"] in (1, 2) for s in d["subclasses"])
    assert [b["codes"] for b in d["broader"]] == [["C"]]
    top = ok_json(client, "/api/industries/C")
    assert len(top["subclasses"]) > 100
    assert "36" in {c for s in top["subclasses"] for c in s["codes"]}
    # elements supporting the class or any sub-class, each with its pillar and the industry it supports
    supported = [r for r in top["supporting_elements"]]
    for el in supported:
        assert el["pillar"] in PILLARS + [None] and el["via"]
    assert ok_json(client, "/api/industries/C36")["iri"] == d["iri"]
    for bad in ["99", "ZZ", "123456"]:
        assert_error(client.get(f"/api/industries/{bad}"), 404)


def test_documents(client):
    data = ok_json(client, "/api/documents")
    assert data["total"] == 5
    ids = sorted(d["doc_id"] for d in data["items"])
    assert ids == sorted(p.stem for p in (shared_dir() / "corpus").glob("*.txt"))
    for d in data["items"]:
        assert d["sentence_count"] > 10 and d["mention_count"] > 10 and d["sha256"] and d["url"]
        assert d["format"] == "text/plain" and d["language"] == "zh"
    docs = {d["doc_id"][:3]: d for d in data["items"]}
    assert {k: d["title"] for k, d in docs.items()} == CORPUS_TITLES
    assert (docs["000"]["journal"], docs["000"]["issued"], docs["000"]["volume"], docs["000"]["issue"]) == (
        "中国工程科学", "2022", "24", "2")
    assert [a["name"] for a in docs["002"]["authors"]][:2] == ["林忠钦", "张纲"]
    assert docs["002"]["authors"][1]["affiliations"] == ["国家市场监督管理总局"] and docs["002"]["received"] == "2025-12-28"
    assert all(d["journal"] is None and d["authors"] == [] for k, d in docs.items() if k in ("001", "003", "004"))
    for d in data["items"]:  # a document's own page reads its metadata for it alone: the same as in the list
        single = ok_json(client, f"/api/documents/{d['doc_id']}?limit=1")
        assert {k: single[k] for k in d if k in single} == {k: v for k, v in d.items() if k in single}
        assert {"title", "authors", "sentence_count", "mention_count", "entity_count", "journal"} <= single.keys()
    one = ok_json(client, f"/api/documents/{ids[0]}?limit=5&offset=5")
    assert one["doc_id"] == ids[0] and len(one["sentences"]) == 5
    assert [s["index"] for s in one["sentences"]] == sorted(s["index"] for s in one["sentences"])
    assert one["entities"] and one["entities"][0]["mentions_here"] >= one["entities"][-1]["mentions_here"]
    check_evidence([s for s in one["sentences"] if s["mentions"]])
    assert_error(client.get("/api/documents/no_such_doc"), 404)
    assert_error(client.get(f"/api/documents/{ids[0]}?limit=500"), 422)


# ---------------------------------------------------------------- gaps

def test_gaps_lists_industrial_machine_tools(client, graph_store):
    data = ok_json(client, "/api/gaps")
    assert [p["id"] for p in data["pillars"]] == PILLARS
    assert data["pillars"][0]["label"] == "计量"
    rows = {r["product"]: r for r in data["rows"]}
    assert "工业母机" in rows
    row = rows["工业母机"]
    assert set(row["coverage"]) == set(PILLARS)
    assert row["bottleneck"] and all(b["cue"] for b in row["bottleneck"])
    assert set(row["covered"]) | set(row["missing"]) == set(PILLARS)
    # every bottleneck product of the graph has a row
    products = {r["p"].value for r in graph_store.query(
        f"SELECT DISTINCT ?p WHERE {{ ?p a <{NQI}BottleneckProduct> }}", use_default_graph_as_union=True)}
    assert {r["iri"] for r in data["rows"]} == products
    # some product is covered; each piece of evidence is an element of that pillar
    evidence = [(p, e) for r in data["rows"] for p, es in r["coverage"].items() for e in es]
    assert evidence
    for pillar, e in evidence[:200]:
        rows_ = bool(graph_store.query(f"ASK {{ <{e['element_iri']}> <{NQI}pillar> <{NQI}{pillar}> }}",
                                       use_default_graph_as_union=True))
        assert bool(rows_), e
        assert e["kind"] in ("supports", "industry", "broader")
        # the edge reaches the product, or an industry or class the product belongs to, and says where from
        assert (e["via"] is None) == (e["kind"] == "supports")
        assert e["text"] and e["sentence_url"]


def test_gaps_query_is_a_canned_query(client):
    queries = ok_json(client, "/api/queries")
    gaps = next(q for q in queries if q["name"] == "gaps")
    assert "BottleneckProduct" in gaps["query"] and gaps["title"]


# ---------------------------------------------------------------- linked data and pages

def test_every_entity_iri_and_url_resolves(client):
    """Every entity the search lists resolves as Turtle at its IRI, and as HTML at its url (a sample
    of each type for the HTML pages, which are slower)."""
    items, offset = [], 0
    while True:
        page = ok_json(client, f"/api/entities?limit=200&offset={offset}")
        items += page["items"]
        offset += 200
        if offset >= page["total"]:
            break
    assert len(items) == page["total"] > 100
    started = time.perf_counter()
    for item in items:
        r = client.get(path_of(item["iri"]), headers={"Accept": "text/turtle"})
        assert r.status_code == 200, item
        assert r.headers["content-type"].startswith("text/turtle")
        triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
        assert any(t.subject == ox.NamedNode(item["iri"]) for t in triples), item
    turtle_seconds = time.perf_counter() - started
    by_type: dict[str, list] = {}
    for item in items:
        by_type.setdefault(item["type"], []).append(item)
    sample = [i for group in by_type.values() for i in group[:12]]
    for item in sample:
        r = client.get(item["url"])
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), item
        assert item["label"].replace("&", "&amp;").replace("<", "&lt;") in r.text
        r = client.get(path_of(item["iri"]), headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"},
                       follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == item["url"]
    print(f"\n{len(items)} IRIs as Turtle in {turtle_seconds:.1f} s; {len(sample)} HTML pages")


def test_linked_data_formats(client):
    path = "/id/" + quote(f"org/{SAMR}")
    subject = ox.NamedNode(iris.base() + f"id/org/{SAMR}")
    nt = client.get(path, headers={"Accept": "application/n-triples"})
    assert nt.headers["content-type"].startswith("application/n-triples")
    triples = parse(nt.content, ox.RdfFormat.N_TRIPLES)
    assert ox.Triple(subject, ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                     ox.Literal("市场监管总局", language="zh")) in triples
    # labels of linked nodes are included
    linked = {t.object for t in triples if t.subject == subject and isinstance(t.object, ox.NamedNode)}
    labelled = {t.subject for t in triples if t.predicate.value.endswith(("#label", "#prefLabel"))}
    assert linked - {ox.NamedNode(NQI + "Organization")} <= labelled | {subject}
    ld = client.get(path, headers={"Accept": "application/ld+json"})
    assert ld.headers["content-type"].startswith("application/ld+json")
    assert parse(ld.content, ox.RdfFormat.JSON_LD) == triples
    json.loads(ld.text)
    xml = client.get(path + "?format=rdf")
    assert xml.headers["content-type"].startswith("application/rdf+xml")
    assert parse(xml.content, ox.RdfFormat.RDF_XML) == triples
    default = client.get(path)
    assert default.headers["content-type"].startswith("text/turtle")
    assert "Vary" in default.headers
    q = client.get(path, headers={"Accept": "application/ld+json;q=0.5, text/turtle;q=0.9"})
    assert q.headers["content-type"].startswith("text/turtle")
    assert_error(client.get(path, headers={"Accept": "image/png"}), 406)
    assert_error(client.get("/id/org/" + quote("没有这个机构"), headers={"Accept": "text/turtle"}), 404)
    html404 = client.get("/id/org/" + quote("没有这个机构"), headers={"Accept": "text/html"})
    assert html404.status_code == 404 and html404.headers["content-type"].startswith("text/html")


def test_documents_and_sentences_resolve(client):
    docs = ok_json(client, "/api/documents")["items"]
    for d in docs:
        r = client.get(path_of(d["iri"]), headers={"Accept": "text/turtle"})
        assert r.status_code == 200
        assert client.get(d["url"]).status_code == 200
    one = ok_json(client, f"/api/documents/{docs[0]['doc_id']}?limit=3")
    for s in one["sentences"]:
        r = client.get(path_of(s["sentence_iri"]), headers={"Accept": "text/turtle"})
        assert r.status_code == 200
        triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
        assert ox.NamedNode(NQI + "Sentence") in {t.object for t in triples}
        page = client.get(s["url"])
        assert page.status_code == 200 and "class=\"sentence big\"" in page.text


def test_entity_page_shows_highlighted_evidence_and_graph(client):
    r = client.get("/page/org/" + quote(SAMR))
    assert r.status_code == 200
    html = r.text
    assert f"<h1 id=\"entity-label\">{SAMR}" in html
    marks = re.findall(r'<mark class="focus[^"]*" data-start="(\d+)" data-end="(\d+)"[^>]*>([^<]+)</mark>', html)
    assert len(marks) >= 3
    assert {m[2] for m in marks} <= {SAMR, "市场监管总局", "国家市场监管总局", "SAMR"}
    assert all(int(b) - int(a) == len(s) for a, b, s in marks)
    # the neighbourhood is the graph explorer, its libraries served from this server
    assert f'class="explorer" data-centre="org/{SAMR}"' in html
    assert '<script src="/vendor/cytoscape.min.js"></script>' in html and "/static/explorer.js" in html
    for page in ["/", "/?q=" + quote("计量"), "/gaps", "/query", "/documents", "/page/gbt4754/36",
                 "/page/product/" + quote("工业母机")]:
        r = client.get(page)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), page
    missing = client.get("/page/org/" + quote("没有这个机构"))
    assert missing.status_code == 404 and "未找到" in missing.text
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "heatmap" in css.text


def test_pages_load_nothing_from_the_network(client):
    for page in ["/", "/page/org/" + quote(SAMR), "/gaps", "/query", "/explore?id=" + quote("product/数控机床"),
                 "/page/indicator/" + quote("制造业质量竞争力指数")]:
        html = client.get(page).text
        for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not urlsplit(ref).netloc or ref.startswith(iris.base()), (page, ref)


def test_gap_page_cells_link_to_their_evidence(client):
    html = client.get("/gaps").text
    cells = re.findall(r'<a class="cell (h\d)" href="#(cell-\d+-\w+)" data-pillar="(\w+)" data-count="(\d+)"', html)
    assert cells and len(cells) % 4 == 0
    for heat, anchor, pillar, count in cells:
        assert f'id="{anchor}"' in html
        assert (heat == "h0") == (count == "0")
    assert "工业母机" in html


# ---------------------------------------------------------------- OpenAPI

ENDPOINTS = {
    "/api/entities": "SearchResult",
    "/api/entities/{id}": "EntityDetail",
    "/api/standards/{code}": "StandardDetail",
    "/api/industries/{gb4754_code}": "IndustryDetail",
    "/api/gaps": "GapMatrix",
    "/api/documents": "DocumentList",
    "/api/documents/{doc_id}": "DocumentDetail",
    "/api/queries": "CannedQuery",
    "/api/graph/neighbourhood": "GraphNeighbourhood",
    "/api/indicators/{id}/series": "IndicatorSeries",
}


def test_openapi_lists_every_endpoint_with_models(client):
    spec = ok_json(client, "/openapi.json")
    paths = spec["paths"]
    for path, model in ENDPOINTS.items():
        assert path in paths, (path, sorted(paths))
        op = paths[path]["get"]
        assert op.get("summary")
        schema = json.dumps(op["responses"]["200"]["content"]["application/json"]["schema"])
        assert f"#/components/schemas/{model}" in schema, (path, schema)
        assert model in spec["components"]["schemas"]
    for path in ["/api/entities/{id}", "/api/standards/{code}", "/api/industries/{gb4754_code}",
                 "/api/documents/{doc_id}"]:
        assert "#/components/schemas/Error" in json.dumps(paths[path]["get"]["responses"]["404"])
    assert "/id/{path}" in paths
    assert "text/turtle" in paths["/id/{path}"]["get"]["responses"]["200"]["content"]
    params = {p["name"]: p["schema"] for p in paths["/api/entities"]["get"]["parameters"]}
    assert params["limit"]["minimum"] == 1 and params["limit"]["maximum"] == 200
    assert params["offset"]["minimum"] == 0
    detail = spec["components"]["schemas"]["EntityDetail"]["properties"]
    assert {"evidence", "relations", "observations", "codes", "aliases", "url"} <= set(detail)


# ---------------------------------------------------------------- the index follows the live generation

def _tiny_generation(store_dir: Path, names: list[str]) -> None:
    gen = stores.new_generation(store_dir)
    s = ox.Store(str(gen))
    g = ox.NamedNode(iris.graph("doc", "tiny"))
    for name in names:
        e = ox.NamedNode(iris.entity("org", name))
        s.add(ox.Quad(e, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(NQI + "Organization"), g))
        s.add(ox.Quad(e, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(name, language="zh"), g))
    s.flush()
    del s
    stores.publish(store_dir, gen)


def test_label_index_follows_new_generation(tmp_path):
    store_dir = tmp_path / "store"
    _tiny_generation(store_dir, ["甲检测中心"])
    app = create_app(Settings().with_(store=store_dir, bolt=False))
    with TestClient(app) as c:
        assert [i["label"] for i in c.get("/api/entities?q=" + quote("检测中心")).json()["items"]] == ["甲检测中心"]
        _tiny_generation(store_dir, ["甲检测中心", "乙检测中心"])
        labels = {i["label"] for i in c.get("/api/entities?q=" + quote("检测中心")).json()["items"]}
        assert labels == {"甲检测中心", "乙检测中心"}
        assert c.get("/api/entities/" + quote("org/乙检测中心")).status_code == 200


# ---------------------------------------------------------------- the explorer's neighbourhood

def neighbourhood(client, entity: str, **params) -> dict:
    query = "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
    return ok_json(client, f"/api/graph/neighbourhood?id={quote(entity)}&{query}")


def test_neighbourhood_edges_carry_their_evidence(client):
    data = neighbourhood(client, "product/工业母机")
    ids = {n["id"] for n in data["nodes"]}
    assert data["centre"] == "product/工业母机" and data["nodes"][0]["id"] == "product/工业母机"
    assert data["nodes"][0]["distance"] == 0 and all(n["distance"] == 1 for n in data["nodes"][1:])
    assert len(ids) >= 4 and not data["truncated"]
    kinds = {e["provenance"] for e in data["edges"]}
    assert {"extracted", "co-mention"} <= kinds
    for e in data["edges"]:
        assert e["source"] in ids and e["target"] in ids, e["id"]
        assert e["id"] == f'{e["source"]}|{e["property"]}|{e["target"]}'
        if e["provenance"] in ("extracted", "co-mention"):
            assert e["evidence"] and e["evidence_total"] >= len(e["evidence"])
        if e["provenance"] == "inferred":
            assert e["evidence"] == [] and 0 < e["confidence"] <= 1
        for ev in e["evidence"]:
            # the sentence, its document and offsets, and a mention of each end of the edge
            assert ev["document_id"] and ev["url"].startswith("/page/doc/")
            assert 0 <= ev["source_start"] < ev["source_end"]
            focus = {m["entity"] for m in ev["mentions"] if m["focus"]}
            assert focus & {e["source"], e["target"]}, (e["id"], ev["text"])
            if e["provenance"] == "extracted":
                assert 0 <= ev["span_start"] < ev["span_end"] <= len(ev["text"])
            else:
                assert focus == {e["source"], e["target"]}, (e["id"], ev["text"])
    typed = {frozenset((e["source"], e["target"])) for e in data["edges"] if e["property"] != "co-mention"}
    assert not any(frozenset((e["source"], e["target"])) in typed for e in data["edges"]
                   if e["property"] == "co-mention")
    assert sum(f["count"] for f in data["relation_types"]) == len(data["edges"])
    assert sum(f["count"] for f in data["entity_types"]) == len(data["nodes"])


def test_neighbourhood_is_bounded_and_filtered(client):
    one, two = (neighbourhood(client, "product/工业母机", depth=d) for d in (1, 2))
    assert len(two["nodes"]) > len(one["nodes"]) and max(n["distance"] for n in two["nodes"]) == 2
    small = neighbourhood(client, "product/工业母机", depth=2, limit=4)
    assert len(small["nodes"]) == 4 and small["truncated"]
    typed = neighbourhood(client, "product/工业母机", depth=2, co_mentions=0)
    assert typed["edges"] and all(e["provenance"] != "co-mention" for e in typed["edges"])
    co = neighbourhood(client, "product/数控机床", relation="co-mention")
    assert co["edges"] and all(e["property"] == "co-mention" for e in co["edges"])
    products = neighbourhood(client, "product/工业母机", type="Product")
    assert {n["type"] for n in products["nodes"][1:]} <= {"Product", "BottleneckProduct"}
    # the degree says what expanding a node can add
    centre = one["nodes"][0]
    assert centre["degree"] >= len(one["nodes"]) - 1


@pytest.mark.parametrize("query,status", [
    ("id=" + quote("product/没有这个产品"), 404),
    ("id=" + quote("doc/000_aebc9cceb4f1775c"), 404),          # a document is not an explorer node
    ("id=" + quote("product/工业母机") + "&limit=100000", 422),
    ("id=" + quote("product/工业母机") + "&depth=9", 422),
    ("id=" + quote("product/工业母机") + "&relation=supports", 422),
    ("id=" + quote("product/工业母机") + "&type=Spaceship", 422),
    ("", 422),
])
def test_neighbourhood_rejects_bad_requests(client, query, status):
    assert_error(client.get("/api/graph/neighbourhood?" + query), status)


# ---------------------------------------------------------------- indicator series

def test_indicator_series_sets_targets_apart_with_evidence(client):
    data = ok_json(client, "/api/indicators/" + quote("indicator/制造业质量竞争力指数") + "/series")
    assert data["indicator"]["label"] == "制造业质量竞争力指数"
    points = [p for s in data["series"] for p in s["points"]]
    assert len(points) >= 2
    targets = [p for p in points if p["kind"] == "target"]
    assert targets and any(p["kind"] == "reported" for p in points)
    assert all(s["kind"] == "target" for s in data["series"] if any(p["kind"] == "target" for p in s["points"]))
    assert any(t["policy"] and t["policy"]["label"] == "中国制造2025" for t in targets)
    assert "2024" in data["categories"] and all(p["x"] in data["categories"] for p in points)
    for p in points:
        ev = p["evidence"]
        assert ev and ev["url"].startswith("/page/doc/") and ev["source_start"] < ev["source_end"]
        assert (p["value_text"] or "").split()[0] in ev["text"], (p["value_text"], ev["text"])
    by_year = [c for c in data["categories"] if c.isdigit()]
    assert by_year == sorted(by_year) and data["categories"][:len(by_year)] == by_year


def test_supervision_pass_rate_reported_beside_its_target(client):
    """2024年…合格率达93.93%，…设定的94%目标（2025年目标）: a report of 2024 and a target of 2025."""
    data = ok_json(client, "/api/indicators/" + quote("indicator/国家监督抽查质量合格率") + "/series")
    points = {(p["value_text"], p["x"], p["kind"]) for s in data["series"] for p in s["points"]}
    assert {("93.93%", "2024", "reported"), ("94%", "2025", "target")} <= points, points


def test_indicator_series_domestic_beside_international(client):
    data = ok_json(client, "/api/indicators/" + quote("indicator/平均故障间隔时间") + "/series?subject="
                   + quote("product/数控机床"))
    assert data["subject"]["id"] == "product/数控机床"
    by_scope = {s["scope"]: [p["value"] for p in s["points"]] for s in data["series"]}
    assert by_scope == {"domestic": [900.0], "international": [5000.0]}
    assert data["units"] == ["h"] and data["categories"] == ["数控机床"]


@pytest.mark.parametrize("path,status", [
    ("/api/indicators/" + quote("org/国家市场监督管理总局") + "/series", 404),     # not an indicator
    ("/api/indicators/" + quote("indicator/没有这个指标") + "/series", 404),
    ("/api/indicators/" + quote("indicator/平均故障间隔时间") + "/series?subject=" + quote("product/没有"), 404),
])
def test_indicator_series_rejects_unknown_ids(client, path, status):
    assert_error(client.get(path), status)


# ---------------------------------------------------------------- pages with the libraries

def test_explorer_and_chart_pages(client):
    r = client.get("/explore?q=" + quote("数控机床"), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/explore?id=" + quote("product/数控机床") + "&depth=1"
    html = client.get(r.headers["location"]).text
    assert 'class="explorer" data-centre="product/数控机床"' in html
    assert client.get("/explore?id=" + quote("product/没有这个产品")).status_code == 404
    html = client.get("/page/indicator/" + quote("制造业质量竞争力指数")).text
    assert 'data-series-url="/api/indicators/indicator/' in html and "/vendor/echarts.min.js" in html
    html = client.get("/page/product/" + quote("数控机床")).text     # charts of the indicators observed on it
    assert "indicator/平均故障间隔时间" in html and "?subject=product/" in html
    html = client.get("/query").text
    assert "/vendor/yasgui.min.js" in html and "/vendor/yasgui.min.css" in html
    assert '"name": "gaps"' in html and "https://w3id.org/nqikg/ontology#Product" in html


def test_vendor_files_come_from_node_modules(client, monkeypatch, tmp_path):
    from nqikg.api import assets
    for name, (package, inner) in assets.FILES.items():
        r = client.get(f"/vendor/{name}")
        assert r.status_code == 200, name
        assert r.content == (assets.REPO / "node_modules" / package / inner).read_bytes()
    assert client.get("/vendor/yasgui.min.js").headers["content-type"].startswith("text/javascript")
    assert_error(client.get("/vendor/package.json"), 404)
    assert_error(client.get("/vendor/..%2Fpackage.json"), 404)
    # without the npm packages the files answer 503 and the pages say what to run
    monkeypatch.setenv("NQIKG_NODE_MODULES", str(tmp_path))
    r = client.get("/vendor/cytoscape.min.js")
    assert_error(r, 503)
    assert "make setup" in r.json()["detail"]
    for page in ["/query", "/explore?id=" + quote("product/数控机床")]:
        html = client.get(page).text
        assert 'class="error assets-missing"' in html and "make setup" in html and "/vendor/" not in html, page

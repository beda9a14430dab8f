"""Write operations behind a token, and the analytics endpoints."""
from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from nqikg.api.app import create_app
from nqikg.api.settings import Settings
from nqikg.queries import analytics

from conftest import CORPUS

SMALL = sorted(CORPUS.glob("004_*.txt"))[0]


@pytest.fixture()
def store_copy(corpus_store, tmp_path):
    target = tmp_path / "store"
    shutil.copytree(corpus_store, target)
    return target


def _client(store, token=None):
    return TestClient(create_app(Settings(store=store, write_token=token, bolt=False)))


def test_writes_are_off_by_default(store_copy):
    with _client(store_copy) as client:
        r = client.put("/api/admin/documents/new_doc", content="国家市场监督管理总局发布新标准。".encode())
        assert r.status_code == 403 and "disabled" in r.json()["detail"]
        assert client.delete(f"/api/admin/documents/{SMALL.stem}").status_code == 403


def test_writes_need_the_token_and_then_ingest_and_remove(store_copy, extractor):
    with _client(store_copy, token="s3cret") as client:
        client.app.state.extractor = extractor
        text = "国家市场监督管理总局发布《计量发展规划》，到2025年，制造业产品质量合格率达到94%。"
        assert client.put("/api/admin/documents/new_doc", content=text.encode()).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert client.put("/api/admin/documents/new_doc", content=text.encode(), headers=wrong).status_code == 401
        auth = {"Authorization": "Bearer s3cret"}
        r = client.put("/api/admin/documents/new_doc", content=text.encode("gb18030"), headers=auth)
        assert r.status_code == 200, r.text
        docs = client.get("/api/documents").json()
        assert "new_doc" in str(docs)
        page = ("<!DOCTYPE html><html><head><title>计量通知</title></head><body><nav>首页 | 政策</nav><article>"
                "<h1>关于开展计量服务的通知</h1><p>" + text + "</p></article></body></html>")
        r = client.put("/api/admin/documents/web_doc", content=page.encode(), headers=auth)
        assert r.status_code == 200, r.text
        web = client.get("/api/documents/web_doc").json()
        assert (web["title"], web["format"], web["source"]) == ("关于开展计量服务的通知", "text/html", "web_doc.html")
        binary = client.put("/api/admin/documents/bin_doc", content=bytes(range(256)) * 8, headers=auth)
        assert binary.status_code == 422 and "binary" in binary.json()["detail"]
        assert client.put("/api/admin/documents/bad id!", content=b"x", headers=auth).status_code in (404, 422)
        r = client.delete("/api/admin/documents/new_doc", headers=auth)
        assert r.status_code == 200 and r.json()["quads_removed"] > 0
        assert client.delete("/api/admin/documents/new_doc", headers=auth).status_code == 404


def test_analytics_centrality_neighbourhood_and_path(corpus_store):
    g = analytics.load(corpus_store)
    top = analytics.centrality(g, top=10)
    assert top and top == sorted(top, key=lambda r: (-r.betweenness, -r.degree))
    assert {r.kind for r in top} <= set(analytics.NQI_KINDS) | {"INDUSTRY"}
    with _client(corpus_store) as client:
        r = client.get("/api/analytics/neighbourhood", params={"entity": "工业母机"})
        assert r.status_code == 200
        names = {n["name"] for n in r.json()["nodes"]}
        node = analytics.resolve(g, "工业母机")
        strongest = max(g[node], key=lambda n: g[node][n].get("weight", 1))
        assert {"工业母机", g.nodes[strongest]["name"]} <= names
        assert names <= {g.nodes[n]["name"] for n in (node, *g[node])}
        r = client.get("/api/analytics/path", params={"source": "工业母机", "target": "国家市场监督管理总局"})
        assert r.status_code == 200
        path = [n["name"] for n in r.json()["nodes"]]
        assert path[0] == "工业母机" and path[-1] == "国家市场监督管理总局"
        assert client.get("/api/analytics/path", params={"source": "工业母机", "target": "不存在的实体"}).status_code == 404
        assert client.get("/api/analytics/centrality", params={"top": 0}).status_code == 422

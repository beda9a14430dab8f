"""Many writers, one store: concurrent CLI builds and admin writes lose nothing; a writer that cannot get the
store's lock in time fails with a clear message and leaves the graph as it was. Real processes, real server."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

from nqikg.api.launcher import ServerProcess
from nqikg.ontology import iri
from nqikg.queries import store as stores

TEXTS = ["国家市场监督管理总局发布《计量发展规划》。", "工业和信息化部印发《关于制造业计量创新发展的意见》。",
         "加快研制新能源汽车标准，服务集成电路产业。", "高端光刻胶长期依赖进口。",
         "国家标准委批准发布一批推荐性国家标准。", "建设产业计量测试中心，服务航空航天产业。",
         "中国计量科学研究院研制的光钟达到国际先进水平。"]


def _docs(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / f"{name}.txt").write_text(TEXTS[int(name[-1])] + "\n", encoding="utf-8")
    return folder


def _documents(store_dir: Path) -> set[str]:
    prefix = iri.graph("doc") + "/"
    return {g.value[len(prefix):] for g in stores.open_read_only(store_dir).named_graphs()
            if isinstance(g, ox.NamedNode) and g.value.startswith(prefix)}


def _build(store: Path, folder: Path, **env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "nqikg", "build", str(folder), "--store", str(store)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env})


def _seeded(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    first = _build(store, _docs(tmp_path / "seed", ["doc0"]))
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert _documents(store) == {"doc0"}
    return store


def test_two_cli_builds_at_once_lose_nothing(tmp_path):
    store = _seeded(tmp_path)
    live = stores.current_generation(store)
    # both builds extract while this test holds the store's lock; neither may publish before it lets go
    with stores.write_lock(store, timeout=5):
        a = _build(store, _docs(tmp_path / "a", ["doc1", "doc2", "doc3"]))
        b = _build(store, _docs(tmp_path / "b", ["doc4", "doc5", "doc6"]))
        deadline = time.monotonic() + 120
        while len(list(store.glob("*" + stores.WRITING))) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(6)   # ample time to extract three short documents and reach the publish step
        assert a.poll() is None and b.poll() is None, "a build finished while another writer held the lock"
        assert stores.current_generation(store) == live
    for p in (a, b):
        assert p.wait(timeout=300) == 0, p.stderr.read()
    assert _documents(store) == {f"doc{k}" for k in range(7)}
    # nothing left being written, and the lock is free again
    assert not list(store.glob("*" + stores.WRITING))
    with stores.write_lock(store, timeout=1):
        pass


def test_cli_build_and_admin_put_at_once_lose_nothing(tmp_path):
    store = _seeded(tmp_path)
    env = {**os.environ, "NQIKG_WRITE_TOKEN": "s3cret"}
    with ServerProcess.nqikg(store, env=env) as server:
        build = _build(store, _docs(tmp_path / "a", ["doc1", "doc2"]))
        r = httpx.put(f"{server.url}/api/admin/documents/doc3", content=TEXTS[3].encode(),
                      headers={"Authorization": "Bearer s3cret"}, timeout=300)
        assert r.status_code == 200, r.text
        assert build.wait(timeout=300) == 0, build.stderr.read()
        assert _documents(store) == {"doc0", "doc1", "doc2", "doc3"}
        # the server follows the new generation
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            docs = {d["doc_id"] for d in httpx.get(server.url + "/api/documents", timeout=30).json()["items"]}
            if docs == {"doc0", "doc1", "doc2", "doc3"}:
                break
            time.sleep(0.5)
        assert docs == {"doc0", "doc1", "doc2", "doc3"}


def test_a_writer_that_cannot_get_the_lock_fails_clearly_and_changes_nothing(tmp_path):
    store = _seeded(tmp_path)
    live = stores.current_generation(store)
    with stores.write_lock(store, timeout=1):
        p = _build(store, _docs(tmp_path / "a", ["doc1"]), NQIKG_LOCK_TIMEOUT="2")
        assert p.wait(timeout=300) == 2
        err = p.stderr.read()
        assert "lock" in err and "NQIKG_LOCK_TIMEOUT" in err and f"pid {os.getpid()}" in err, err
    assert stores.current_generation(store) == live and _documents(store) == {"doc0"}
    assert not list(store.glob("*" + stores.WRITING)) and len(list(store.glob("gen-*"))) == 1


def _all_quads(store_dir: Path) -> set[str]:
    return {str(q) for q in stores.open_read_only(store_dir).quads_for_pattern(None, None, None)}


def test_worker_processes_and_a_dask_cluster_build_the_same_store(tmp_path, extractor):
    from distributed import LocalCluster

    from nqikg.ingest.build import build
    folder = _docs(tmp_path / "docs", [f"doc{k}" for k in range(7)])
    one = build([folder], tmp_path / "one", extractor=extractor, workers=1, progress=lambda m: None)
    two = build([folder], tmp_path / "two", extractor=extractor, workers=2, progress=lambda m: None)
    assert one.ingested == two.ingested and len(one.ingested) == 7
    assert _all_quads(tmp_path / "one") == _all_quads(tmp_path / "two")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = build([folder], tmp_path / "dask", extractor=extractor, cluster=cluster, progress=lambda m: None)
    assert dask.ingested == one.ingested
    assert _all_quads(tmp_path / "dask") == _all_quads(tmp_path / "one")

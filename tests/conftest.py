"""Shared fixtures: the corpus graph built once per session, the real server on a free port, and the
embedded Bolt server with a property graph loaded."""
from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from nqikg.api.launcher import ServerProcess

from nqikg.ontology import shared_dir

CORPUS = shared_dir() / "corpus"


@pytest.fixture(scope="session")
def extractor():
    from nqikg.ingest.extract import Extractor
    return Extractor.load()


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory, extractor) -> Path:
    """A store folder holding the graph built from the five corpus documents."""
    from nqikg.ingest.build import build
    store_dir = tmp_path_factory.mktemp("corpus") / "store"
    report = build([CORPUS], store_dir, extractor=extractor, progress=lambda msg: None)
    assert report.ok and len(report.ingested) == 5, report
    return store_dir


@pytest.fixture(scope="session")
def corpus_server(corpus_store):
    """``nqikg serve`` on the corpus graph (no Bolt), on a free loopback port; yields its base URL."""
    with ServerProcess.nqikg(corpus_store) as server:
        yield server.url


@contextlib.contextmanager
def _embedded_bolt(graph, root_dir: Path, query_timeout: float | None = 2.0):
    """The embedded Bolt server on a free port with ``graph`` (a PropertyGraph) loaded; stopped on exit."""
    from nqikg.queries import bolt

    messages: list[str] = []
    with bolt.EmbeddedBolt(port=0, query_timeout=query_timeout, say=messages.append, root_dir=root_dir) as server:
        server.load_graph(graph)
        assert any(f"bolt://127.0.0.1:{server.port}" in m for m in messages), messages
        yield server


@pytest.fixture(scope="session")
def embedded_bolt():
    """``with embedded_bolt(graph, root_dir, query_timeout=2.0) as server:`` -- for module-scoped servers."""
    return _embedded_bolt

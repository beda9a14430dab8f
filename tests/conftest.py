"""Shared fixtures: the corpus graph built once per session, the real server on a free port, and the
embedded Bolt server with a property graph loaded."""
from __future__ import annotations

import contextlib
import os
import sys
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


_exit_status = 0


def pytest_sessionfinish(session, exitstatus):
    global _exit_status
    _exit_status = int(exitstatus)


def pytest_unconfigure(config):
    """ArcadeDB's in-process JVM (the embedded Bolt server) can crash or hang CPython's interpreter
    teardown once every test has finished and reported; leave with pytest's own exit status instead."""
    jpype = sys.modules.get("jpype")
    if jpype is not None and jpype.isJVMStarted():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status)

"""Shared fixtures: the corpus graph built once per session, a real server on a free port, and the
embedded Bolt server with a property graph loaded."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``nqikg serve`` in a subprocess on 127.0.0.1:<free port>, stopped at teardown."""

    def __init__(self, store: Path, env: dict[str, str] | None = None, bolt: bool = False):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {**os.environ, **(env or {})}
        args = [sys.executable, "-m", "nqikg", "serve", "--store", str(store), "--port", str(self.port)]
        if not bolt:
            args.append("--no-bolt")
        self.proc = subprocess.Popen(args, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stdout.read()}")
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("server did not answer /health within 120 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

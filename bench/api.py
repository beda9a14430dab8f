"""Benchmark: requests per second of ``GET /api/entities/{id}`` against a no-op route of the same app.

    .venv/bin/python bench/api.py [--concurrency 8] [--rounds 5] [--seconds 4] [--entity org/国务院]

The corpus graph is built into a temporary store.  A child process serves
``create_app(Settings(store=…, bolt=False))`` with uvicorn on 127.0.0.1 (a
free port), after adding ``GET /bench/noop`` to that same app object (a
plain ``def`` returning a small JSON object, so it goes through the same
middleware, the same threadpool and the same JSON response path as the
entity route; it only skips the graph work).  This process runs
``--concurrency`` httpx clients (one ``AsyncClient``, keep-alive, bounded
connection pool) for ``--seconds`` per round; rounds alternate no-op and
entity so machine noise hits both alike.  Every response must be 200.

Reports the median requests/s over the rounds for each route and, as the
last line, ``ratio_vs_noop=<entity rps / noop rps>``.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import say
from urllib.parse import quote

from nqikg.api.launcher import ServerProcess, free_port


def serve(store: Path, port: int) -> None:
    """Child: the project's app plus a no-op route, on 127.0.0.1:port."""
    import uvicorn

    from nqikg.api.app import create_app
    from nqikg.api.settings import Settings
    app = create_app(Settings(store=store, host="127.0.0.1", port=port, bolt=False))

    def noop() -> dict:
        return {"ok": True}

    app.add_api_route("/bench/noop", noop, methods=["GET"], include_in_schema=False)
    # put it first, ahead of any catch-all route
    app.router.routes.insert(0, app.router.routes.pop())
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def hammer(url: str, concurrency: int, seconds: float) -> tuple[int, int, float]:
    """``concurrency`` clients GET ``url`` in a loop for ``seconds``; returns (ok, errors, elapsed)."""
    import httpx
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    ok = errors = 0
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        end = time.perf_counter() + seconds
        t0 = time.perf_counter()

        async def worker():
            nonlocal ok, errors
            n = 0
            while time.perf_counter() < end and n < 1_000_000:
                n += 1
                try:
                    r = await client.get(url)
                    if r.status_code == 200:
                        ok += 1
                    else:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return ok, errors, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--entity", default="org/国务院", help="entity id (IRI path after {base}id/)")
    ap.add_argument("--serve", nargs=2, metavar=("STORE", "PORT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve:
        serve(Path(a.serve[0]), int(a.serve[1]))
        return 0

    import httpx

    from nqikg.ingest.build import build
    from nqikg.ingest.extract import Extractor
    from nqikg.ontology import shared_dir

    workdir = Path(tempfile.mkdtemp(prefix="nqikg-bench-api-"))
    try:
        say(f"building the corpus store in {workdir}")
        store = workdir / "store"
        build([shared_dir() / "corpus"], store, extractor=Extractor.load(), progress=lambda m: None)
        port = free_port()
        with ServerProcess([sys.executable, os.path.abspath(__file__), "--serve", str(store), str(port)], port) as server:
            return measure(a, server.url, httpx)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def measure(a, base: str, httpx) -> int:
    """Warm up, alternate rounds of the two routes and print the figures."""
    entity_url = f"{base}/api/entities/{quote(a.entity, safe='/')}"
    noop_url = f"{base}/bench/noop"
    for url in (noop_url, entity_url):            # warm-up: label index, first query, connections
        r = httpx.get(url, timeout=120)
        if r.status_code != 200:
            say(f"GET {url} answered {r.status_code}: {r.text[:300]}")
            if r.status_code == 404 and url == entity_url:
                say("(is the entity id right, and are the REST routes in api/routes_entities.py mounted?)")
            return 1
    body = r.json()
    say(f"entity {a.entity}: {len(r.content)} bytes of JSON, keys {', '.join(list(body)[:8])}")
    asyncio.run(hammer(entity_url, a.concurrency, 1.0))
    asyncio.run(hammer(noop_url, a.concurrency, 1.0))

    rps: dict[str, list[float]] = {"noop": [], "entity": []}
    errors = 0
    for rnd in range(a.rounds):
        for name, url in (("noop", noop_url), ("entity", entity_url)):
            ok, err, dt = asyncio.run(hammer(url, a.concurrency, a.seconds))
            errors += err
            rps[name].append(ok / dt)
            say(f"round {rnd + 1}/{a.rounds} {name}: {ok} ok, {err} errors in {dt:.1f} s = {ok / dt:.0f} req/s")

    noop, ent = statistics.median(rps["noop"]), statistics.median(rps["entity"])
    print(f"GET /api/entities/{a.entity}: median {ent:.0f} req/s over {a.rounds} rounds of {a.seconds:.0f} s "
          f"(min {min(rps['entity']):.0f}, max {max(rps['entity']):.0f}); {1000 / ent * a.concurrency:.1f} ms "
          f"per request at concurrency {a.concurrency}")
    print(f"GET /bench/noop: median {noop:.0f} req/s (min {min(rps['noop']):.0f}, max {max(rps['noop']):.0f})")
    print(f"errors: {errors}; response of the entity route: {len(r.content)} bytes")
    print(f"ratio_vs_noop={ent / noop:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Load test: ``nqikg serve`` under a bounded mix of search, entity lookups and SPARQL.

    .venv/bin/python bench/load.py [--clients 8] [--seconds 30] [--weights 2,2,1] [--no-sparql-slow]

Builds the corpus graph into a temporary store, starts ``python -m nqikg
serve --store … --port <free> --no-bolt`` on 127.0.0.1 (the same command as
the tests' LiveServer) and runs ``--clients`` concurrent httpx clients for
``--seconds``.  Each client picks, with a seeded random generator, one of

* search: ``GET /api/entities?q=<Chinese query>`` (计量, 国务院, 工业母机 …),
* entity: ``GET /api/entities/{id}`` for ids found by those searches,
* sparql: ``POST /sparql`` (form ``query=``) with one of the canned queries,
  parameters inlined as the endpoint receives them (``canned.render``),

in the proportions ``--weights`` (search, entity, sparql).  A request counts
as an error when it fails or answers anything but 200.  Prints the total,
the errors, requests/s, latency percentiles overall and per kind, and as the
last line ``p99_over_p50=<p99 / p50 of all requests>``.  The server is
stopped at the end and the store removed.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import say

from nqikg.api.launcher import ServerProcess

SEARCHES = ["计量", "国务院", "标准化", "检验检测", "认证认可", "工业母机", "传感器", "质量基础设施",
            "国家市场监督管理总局", "芯片", "平均故障间隔时间", "合格评定", "汽车制造业", "数控机床"]

SPARQL_PARAMS = {
    "bottleneck_coverage": {"product": "工业母机"},
    "gaps": {},
    "indicator_observations": {"indicator": "平均故障间隔时间"},
    "industry_support": {"code": "36"},
    "organisation_outputs": {"organisation": "国务院"},
    "policy_product": {"document": "000_aebc9cceb4f1775c", "product": "工业母机"},
}


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


async def run_load(base: str, clients: int, seconds: float, weights: list[int], entity_ids: list[str],
                   sparql: dict[str, str], seed: int = 7):
    import httpx
    from urllib.parse import quote
    kinds = ["search", "entity", "sparql"]
    samples: list[tuple[str, str, float, int]] = []         # kind, detail, seconds, status (0 = exception)
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        end = time.perf_counter() + seconds

        async def worker(i: int):
            rng = random.Random(seed * 1000 + i)
            n = 0
            while time.perf_counter() < end and n < 100_000:
                n += 1
                kind = rng.choices(kinds, weights)[0]
                if kind == "search":
                    detail = rng.choice(SEARCHES)
                    req = client.get("/api/entities", params={"q": detail, "limit": 20})
                elif kind == "entity":
                    detail = rng.choice(entity_ids)
                    req = client.get("/api/entities/" + quote(detail, safe="/"))
                else:
                    detail = rng.choice(list(sparql))
                    req = client.post("/sparql", data={"query": sparql[detail]},
                                      headers={"Accept": "application/sparql-results+json"})
                t = time.perf_counter()
                try:
                    r = await req
                    status = r.status_code
                    await r.aclose()
                except httpx.HTTPError as exc:
                    status = 0
                    errors.append(f"{kind} {detail}: {type(exc).__name__} {exc}")
                dt = time.perf_counter() - t
                if status != 200 and status != 0:
                    errors.append(f"{kind} {detail}: HTTP {status} {r.text[:200]}")
                samples.append((kind, detail, dt, status))
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        return samples, errors, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--weights", default="2,2,1", help="search,entity,sparql")
    ap.add_argument("--no-sparql-slow", action="store_true",
                    help="leave out the canned queries that take seconds on their own (bottleneck_coverage, "
                         "policy_product)")
    a = ap.parse_args()
    weights = [int(w) for w in a.weights.split(",")]

    import httpx

    from nqikg.ingest.build import build
    from nqikg.ingest.extract import Extractor
    from nqikg.ontology import shared_dir
    from nqikg.queries import canned

    workdir = Path(tempfile.mkdtemp(prefix="nqikg-bench-load-"))
    try:
        say(f"building the corpus store in {workdir}")
        store = workdir / "store"
        build([shared_dir() / "corpus"], store, extractor=Extractor.load(), progress=lambda m: None)
        with ServerProcess.nqikg(store) as server:
            return measure(a, server.url, weights, httpx, canned)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def measure(a, base: str, weights: list[int], httpx, canned) -> int:
    """Warm up, run the load against the server at ``base`` and print the figures."""
    say(f"server up on {base}")

    # entity ids: the top hits of the searches (real ids of this graph); also warms the label index
    entity_ids: list[str] = []
    for q in SEARCHES:
        r = httpx.get(base + "/api/entities", params={"q": q, "limit": 3}, timeout=120)
        if r.status_code != 200:
            say(f"search {q!r} answered {r.status_code}: {r.text[:200]}")
            return 1
        for hit in r.json().get("results", r.json().get("items", []))[:3]:
            if hit.get("id") and hit["id"] not in entity_ids:
                entity_ids.append(hit["id"])
    if not entity_ids:
        entity_ids = ["org/国务院"]
    say(f"{len(entity_ids)} entity ids, e.g. {', '.join(entity_ids[:5])}")

    sparql = {}
    for q in canned.list_queries():
        if a.no_sparql_slow and q.name in ("bottleneck_coverage", "policy_product"):
            continue
        sparql[q.name] = canned.render(q, SPARQL_PARAMS.get(q.name, {}))
    for name, text in sparql.items():                 # warm-up and check
        t = time.perf_counter()
        r = httpx.post(base + "/sparql", data={"query": text}, timeout=120,
                       headers={"Accept": "application/sparql-results+json"})
        say(f"  sparql {name}: HTTP {r.status_code} in {time.perf_counter() - t:.2f} s (alone)")

    say(f"load: {a.clients} clients for {a.seconds:.0f} s, weights search/entity/sparql = {a.weights}")
    samples, errors, elapsed = asyncio.run(run_load(base, a.clients, a.seconds, weights, entity_ids, sparql))

    lat = [s[2] for s in samples]
    p50, p95, p99 = percentile(lat, 50), percentile(lat, 95), percentile(lat, 99)
    print(f"{len(samples)} requests in {elapsed:.1f} s ({len(samples) / elapsed:.1f} req/s) from {a.clients} "
          f"clients; errors: {len(errors)}")
    by_status = collections.Counter(s[3] for s in samples)
    print("status codes: " + ", ".join(f"{k or 'exception'}: {v}" for k, v in sorted(by_status.items())))
    for e in errors[:10]:
        print("  error: " + e)
    print(f"{'kind':24s} {'n':>6s} {'p50 ms':>9s} {'p95 ms':>9s} {'p99 ms':>9s} {'max ms':>9s}")
    groups = {"all": lat}
    for kind in ("search", "entity", "sparql"):
        groups[kind] = [s[2] for s in samples if s[0] == kind]
    for name in sparql:
        groups["  " + name] = [s[2] for s in samples if s[0] == "sparql" and s[1] == name]
    for name, v in groups.items():
        if v:
            print(f"{name:24s} {len(v):>6d} {percentile(v, 50) * 1000:>9.1f} {percentile(v, 95) * 1000:>9.1f} "
                  f"{percentile(v, 99) * 1000:>9.1f} {max(v) * 1000:>9.1f}")
    print(f"p50={p50 * 1000:.1f} ms p95={p95 * 1000:.1f} ms p99={p99 * 1000:.1f} ms (all requests)")
    print(f"p99_over_p50={p99 / p50:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the canned SPARQL queries on pyoxigraph (on-disk store) against rdflib (in memory).

    .venv/bin/python bench/sparql.py [--target-quads 1000000] [--repeats 5] [--rdflib-repeats 3]
                                     [--rdflib-budget 60] [--pyox-budget 90] [--memory-gb 8] [--only NAME ...]

Two data sets, both N-Quads files loaded by each engine in the same way:

(a) ``corpus``: the graph built from ``shared/corpus`` (five documents, the
    ontology and the reference schemes), dumped from the built store;
(b) ``scaled``: the corpus graph plus clones of the five document graphs
    until about ``--target-quads`` quads.  Clone ``k`` of document ``D`` is
    document ``D-x{k}``: every IRI under ``{base}id/doc/D`` (the document,
    its sentences, mentions, observations, claims and reified statements) and
    the named graph move under the new id, and about half of the entities the
    document describes get a perturbed name (``工业母机`` → ``工业母机-07``:
    new IRI ``{base}id/product/工业母机-07`` with matching ``rdfs:label`` /
    ``skos:prefLabel`` / ``skos:altLabel``), the other half stay shared, so
    hubs (国务院, GB/T 4754 classes) grow denser as in a larger corpus.
    Entities described by the reference graphs are never renamed.  The clones
    therefore have the shapes, predicates and IRI patterns of the ontology.

Each engine loads the file and runs the six canned queries in child
processes of its own, so load time and peak memory are its own.  Every child
is capped at ``--memory-gb`` of address space (``RLIMIT_AS``): a query that
would take the shared machine's memory fails instead (pyoxigraph then aborts
with "memory allocation failed"; the query is reported as ``failed``).  Peak memory is the
child's ``VmHWM`` (``/proc/self/status``), not ``ru_maxrss``: on Linux a
child's ``ru_maxrss`` starts at its parent's high-water mark (fork+exec keeps
it), so it would be only an upper bound.

* pyoxigraph: one child ``Store(dir).bulk_load(N-Quads)`` + ``optimize()``
  (the load time); then one child per query opens the store read-only (as the
  server does) and runs ``store.query(text, use_default_graph_as_union=True)``
  up to ``--repeats`` times, no new run once ``--pyox-budget`` seconds are
  spent; the child is stopped at 1.5x that budget (pyoxigraph cannot be
  interrupted from Python).  A query stopped or failed is left out of the
  median speed-up and listed.
* rdflib: ``Dataset(default_union=True).parse(N-Quads)`` then
  ``ds.query(text)``; at most ``--rdflib-repeats`` runs, each bounded by
  SIGALRM at ``--rdflib-budget`` seconds, no further run once the budget is
  spent.  A query that overruns counts as taking the budget, so its speed-up
  is a lower bound (marked ``>=``).

Both engines get the same query text: the ``.rq`` file with the parameters
inlined as a ``VALUES`` block (:func:`nqikg.queries.canned.render`, the form
the ``/sparql`` endpoint receives), and both iterate every row and every
term.  Row counts are printed side by side as a cross-check.

Last line: ``speedup_vs_rdflib=<median over queries of rdflib time / pyoxigraph time on the scaled graph>``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import resource
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import peak_memory, say

# sensible parameter values, taken from the corpus graph
PARAMS: dict[str, dict[str, str]] = {
    "bottleneck_coverage": {"product": "工业母机"},
    "gaps": {},
    "indicator_observations": {"indicator": "平均故障间隔时间"},
    "industry_support": {"code": "C"},
    "organisation_outputs": {"organisation": "国务院"},
    "policy_product": {"document": "000_aebc9cceb4f1775c", "product": "工业母机"},
}

# IRI path segments of reference / provenance nodes: never renamed in a clone
KEEP_SEGMENTS = {"doc", "gbt4754", "ics", "sei", "scheme", "source", "spec"}


_FROZEN: dict[str, str] | None = None


def query_texts() -> dict[str, str]:
    """The canned queries with parameters inlined; in a child, the texts the parent froze at its start
    (the ``.rq`` files may be edited while the benchmark runs: every engine must get the same text)."""
    if _FROZEN is not None:
        return dict(_FROZEN)
    from nqikg.queries import canned
    out = {}
    for q in canned.list_queries():
        out[q.name] = canned.render(q, PARAMS.get(q.name, {}))
    return out


# ---------------------------------------------------------------- data preparation (child)

def prepare(workdir: Path, target_quads: int) -> dict:
    """Build the corpus store, dump it, and write the scaled graph; returns sizes."""
    import pyoxigraph as ox

    from nqikg.ingest.build import build
    from nqikg.ingest.extract import Extractor
    from nqikg.ontology import iri, shared_dir
    from nqikg.queries import store as stores

    corpus = shared_dir() / "corpus"
    store_dir = workdir / "corpus-store"
    t0 = time.perf_counter()
    report = build([corpus], store_dir, extractor=Extractor.load(), progress=say)
    build_s = time.perf_counter() - t0
    store = stores.open_read_only(store_dir)
    quads = list(store.quads_for_pattern(None, None, None, None))
    del store
    corpus_nq = workdir / "corpus.nq"
    ox.serialize(quads, output=str(corpus_nq), format=ox.RdfFormat.N_QUADS)

    base = iri.base()
    id_prefix = base + "id/"
    doc_graph_prefix = iri.graph("doc") + "/"
    doc_graphs: dict[str, list] = {}
    protected: set[str] = set()
    for q in quads:
        g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        if g.startswith(doc_graph_prefix):
            doc_graphs.setdefault(g[len(doc_graph_prefix):], []).append(q)
        elif isinstance(q.subject, ox.NamedNode):
            protected.add(q.subject.value)      # described by the ontology or a reference scheme
    doc_quads = sum(len(v) for v in doc_graphs.values())
    copies = max(0, math.ceil((target_quads - len(quads)) / max(1, doc_quads)))
    say(f"corpus graph: {len(quads)} quads ({doc_quads} in {len(doc_graphs)} document graphs); "
        f"writing {copies} clones of each document for about {target_quads} quads")

    label_props = {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
                   "http://www.w3.org/2004/02/skos/core#altLabel"}
    ident = "http://purl.org/dc/terms/identifier"
    source = "http://purl.org/dc/terms/source"

    def renamer(doc_id: str, k: int):
        new_id = f"{doc_id}-x{k:02d}"
        old_doc, new_doc = iri.document(doc_id), iri.document(new_id)
        suffix = f"-{k:02d}"
        cache: dict[str, str | None] = {}

        def renamed_entity(value: str) -> str | None:
            """New IRI of an entity renamed in this clone, or None."""
            if value in cache:
                return cache[value]
            out = None
            if value.startswith(id_prefix) and value not in protected:
                segment, _, name = value[len(id_prefix):].partition("/")
                if name and segment not in KEEP_SEGMENTS:
                    # about half of the entities get a perturbed name, chosen per (entity, clone)
                    if hashlib.blake2b(f"{value}|{k}".encode(), digest_size=2).digest()[0] & 1:
                        out = value + suffix
            cache[value] = out
            return out

        def node(term):
            if isinstance(term, ox.NamedNode):
                v = term.value
                if v == old_doc or v.startswith(old_doc + "/"):
                    return ox.NamedNode(new_doc + v[len(old_doc):])
                r = renamed_entity(v)
                if r is not None:
                    return ox.NamedNode(r)
            return term

        new_graph = ox.NamedNode(iri.graph("doc", new_id))

        def clone(q):
            s, p, o = q.subject, q.predicate, q.object
            s2 = node(s)
            if isinstance(o, ox.Literal):
                if p.value in label_props and s2 is not s and isinstance(s, ox.NamedNode) \
                        and renamed_entity(s.value) and o.language != "en":
                    o = ox.Literal(o.value + suffix, language=o.language) if o.language else \
                        ox.Literal(o.value + suffix, datatype=o.datatype)
                elif p.value == ident and o.value == doc_id:
                    o = ox.Literal(new_id)
                elif p.value == source:
                    o = ox.Literal(new_id + Path(o.value).suffix)
            else:
                o = node(o)
            return ox.Quad(s2, p, o, new_graph)

        return clone

    scaled_nq = workdir / "scaled.nq"
    t0 = time.perf_counter()
    written = len(quads)
    with open(scaled_nq, "wb") as out:
        ox.serialize(quads, output=out, format=ox.RdfFormat.N_QUADS)
        for k in range(1, copies + 1):
            batch = []
            for doc_id, dq in doc_graphs.items():
                clone = renamer(doc_id, k)
                batch.extend(clone(q) for q in dq)
            ox.serialize(batch, output=out, format=ox.RdfFormat.N_QUADS)
            written += len(batch)
            if k % 5 == 0 or k == copies:
                say(f"  clone {k}/{copies}: {written} quads")
    return {"build_s": build_s, "corpus_quads": len(quads), "doc_quads": doc_quads, "copies": copies,
            "scaled_quads": written, "generate_s": time.perf_counter() - t0,
            "corpus_nq_mb": corpus_nq.stat().st_size / 1e6, "scaled_nq_mb": scaled_nq.stat().st_size / 1e6,
            "documents": len(report.ingested)}


# ---------------------------------------------------------------- engines (child)

class Overrun(Exception):
    pass


def _alarm(signum, frame):
    raise Overrun()


def limit_memory(gb: float) -> None:
    """Cap this process's address space, so a runaway query fails instead of taking the shared machine."""
    if gb > 0:
        cap = int(gb * (1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def emit(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def pyox_load(data: Path, store_path: Path) -> None:
    import pyoxigraph as ox
    shutil.rmtree(store_path, ignore_errors=True)
    t0 = time.perf_counter()
    store = ox.Store(str(store_path))
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    store.flush()
    load_s = time.perf_counter() - t0
    emit({"event": "loaded", "load_s": load_s, "size": len(store), **peak_memory()})


def pyox_query(store_path: Path, name: str, repeats: int, budget: float) -> None:
    """Run one canned query ``repeats`` times (no new run once ``budget`` seconds are spent)."""
    import pyoxigraph as ox

    from nqikg.queries.sparql import PREFIXES
    text = query_texts()[name]
    store = ox.Store.read_only(str(store_path))
    times, rows, spent = [], None, 0.0
    for r in range(repeats):
        if r and spent + times[-1] > budget:
            break
        t = time.perf_counter()
        result = store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
        width = len(result.variables)
        rows = 0
        for sol in result:
            for i in range(width):
                sol[i]
            rows += 1
        dt = time.perf_counter() - t
        times.append(dt)
        spent += dt
        emit({"event": "run", "name": name, "seconds": dt, "rows": rows})
    emit({"event": "query", "name": name, "times": times, "rows": rows, "overrun": False, "spent_s": spent,
          **peak_memory()})


def rdflib_run(data: Path, repeats: int, budget: float) -> None:
    """Load ``data`` into an rdflib Dataset (union default graph) and run every canned query."""
    import rdflib

    from nqikg.queries.sparql import PREFIXES
    texts = query_texts()
    t0 = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(str(data), format="nquads")
    n = len(ds)                       # distinct triples of the union
    emit({"event": "loaded", "load_s": time.perf_counter() - t0, "size": n, **peak_memory()})
    ns = {k: rdflib.Namespace(v) for k, v in PREFIXES.items()}
    signal.signal(signal.SIGALRM, _alarm)
    for name, text in texts.items():
        times, rows, overrun, failed, spent = [], None, False, None, 0.0
        for r in range(repeats):
            if r and spent + times[-1] > budget:
                break                     # the next run would go past the budget
            t = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, budget - spent if r else budget)
            try:
                n_rows = 0
                for row in ds.query(text, initNs=ns):
                    tuple(row)
                    n_rows += 1
                rows = n_rows
            except Overrun:
                overrun = True
            except MemoryError:
                failed = "out of memory (address-space cap)"
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            dt = time.perf_counter() - t
            spent += dt
            if overrun or failed:
                break
            times.append(dt)
        emit({"event": "query", "name": name, "times": times, "rows": rows, "overrun": overrun,
              "failed": failed, "spent_s": spent})
    emit({"event": "done", **peak_memory()})


# ---------------------------------------------------------------- parent

def child(args: list[str], deadline_s: float, on_line=None) -> list[dict]:
    """Run this script as a child, read its JSON lines until it exits or ``deadline_s`` passes."""
    cmd = [sys.executable, os.path.abspath(__file__), *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    events = []
    end = time.monotonic() + deadline_s
    try:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                say(f"  child {args[:2]} overran {deadline_s:.0f} s: stopped")
                events.append({"event": "killed"})
                break
            ready, _, _ = select.select([proc.stdout], [], [], min(left, 5))
            if not ready:
                continue
            line = proc.stdout.readline()
            if not line:
                break
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            events.append(obj)
            if on_line:
                on_line(obj)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    if proc.returncode not in (0, None) and not any(e.get("event") == "killed" for e in events):
        say(f"  child {args[:2]} exited with status {proc.returncode}")
    return events


def fmt_t(t: float | None) -> str:
    if t is None:
        return "-"
    return f"{t * 1000:.1f} ms" if t < 1 else f"{t:.2f} s"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target-quads", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=5, help="runs per query on pyoxigraph")
    ap.add_argument("--rdflib-repeats", type=int, default=3, help="at most this many runs per query on rdflib")
    ap.add_argument("--rdflib-budget", type=float, default=60.0, help="seconds per query on rdflib (SIGALRM)")
    ap.add_argument("--pyox-budget", type=float, default=90.0,
                    help="seconds per query on pyoxigraph: no new run after it, and the query's child process "
                         "is stopped at 1.5x it")
    ap.add_argument("--memory-gb", type=float, default=8.0, help="address-space cap of each engine child")
    ap.add_argument("--only", action="append", metavar="NAME",
                    help="run only this canned query (repeatable; for quick iteration, default: all six)")
    ap.add_argument("--child", choices=["prepare", "pyox-load", "pyox-query", "rdflib"], help=argparse.SUPPRESS)
    ap.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--query", help=argparse.SUPPRESS)
    ap.add_argument("--queries", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.queries:
        global _FROZEN
        _FROZEN = json.loads(a.queries.read_text(encoding="utf-8"))

    if a.child == "prepare":
        print(json.dumps(prepare(a.workdir, a.target_quads)), flush=True)
        return 0
    if a.child:
        limit_memory(a.memory_gb)
        if a.child == "pyox-load":
            pyox_load(a.data, a.store)
        elif a.child == "pyox-query":
            pyox_query(a.store, a.query, a.repeats, a.pyox_budget)
        else:
            rdflib_run(a.data, a.rdflib_repeats, a.rdflib_budget)
        return 0

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="nqikg-bench-sparql-"))
    texts = query_texts()
    if a.only:
        unknown = sorted(set(a.only) - set(texts))
        if unknown:
            say(f"unknown query {', '.join(unknown)}; known: {', '.join(texts)}")
            shutil.rmtree(workdir, ignore_errors=True)
            return 2
        texts = {n: t for n, t in texts.items() if n in a.only}
    names = list(texts)
    frozen = workdir / "queries.json"
    frozen.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    digest = hashlib.sha256(frozen.read_bytes()).hexdigest()[:12]
    common = ["--queries", str(frozen), "--repeats", str(a.repeats), "--rdflib-repeats", str(a.rdflib_repeats),
              "--rdflib-budget", str(a.rdflib_budget), "--pyox-budget", str(a.pyox_budget),
              "--memory-gb", str(a.memory_gb)]
    try:
        say(f"[1/3] building the corpus store and the scaled graph in {workdir}")
        prep = child(["--child", "prepare", "--workdir", str(workdir), "--target-quads", str(a.target_quads)], 900)
        if not prep or "scaled_quads" not in prep[-1]:
            say("preparation failed")
            return 1
        info = prep[-1]

        def progress(obj):
            ev = obj.get("event")
            if ev == "loaded":
                say(f"    loaded {obj['size']} in {obj['load_s']:.1f} s (peak {obj['peak_mb']:.0f} MB)")
            elif ev == "query":
                med = statistics.median(obj["times"]) if obj["times"] else None
                note = " (over budget)" if obj.get("overrun") else (f" ({obj['failed']})" if obj.get("failed") else "")
                say(f"    {obj['name']}: median {fmt_t(med)} of {len(obj['times'])}, {obj['rows']} rows{note}")

        results: dict[tuple[str, str], dict] = {}
        for step, dataset in ((2, "corpus"), (3, "scaled")):
            data = workdir / f"{dataset}.nq"
            store_path = workdir / f"ox-{dataset}"
            # pyoxigraph: one child loads the on-disk store, one child per query opens it read-only
            say(f"[{step}/3] pyoxigraph on {dataset}: load")
            ev = child(["--child", "pyox-load", "--data", str(data), "--store", str(store_path), *common], 600,
                       progress)
            loaded = next((e for e in ev if e.get("event") == "loaded"), None)
            queries, peaks = {}, [loaded["peak_mb"]] if loaded else []
            if loaded:
                for name in names:
                    say(f"    pyoxigraph {name} …")
                    ev = child(["--child", "pyox-query", "--store", str(store_path), "--query", name, *common],
                               a.pyox_budget * 1.5, progress)
                    q = next((e for e in ev if e.get("event") == "query"), None)
                    if q is None:
                        runs = [e for e in ev if e.get("event") == "run"]
                        killed = any(e.get("event") == "killed" for e in ev)
                        q = {"name": name, "times": [e["seconds"] for e in runs],
                             "rows": runs[-1]["rows"] if runs else None, "overrun": killed,
                             "failed": None if killed else "child failed (out of memory under the cap?)"}
                        say(f"    {name}: " + ("stopped at the time limit" if killed else q["failed"]))
                    else:
                        peaks.append(q["peak_mb"])
                    queries[name] = q
            results[(dataset, "pyoxigraph")] = {"loaded": loaded, "queries": queries,
                                                "peak_mb": max(peaks) if peaks else None}
            shutil.rmtree(store_path, ignore_errors=True)

            say(f"      rdflib on {dataset}: load and queries")
            ev = child(["--child", "rdflib", "--data", str(data), *common],
                       600 + len(names) * a.rdflib_budget * 1.5, progress)
            loaded = next((e for e in ev if e.get("event") == "loaded"), None)
            done = next((e for e in ev if e.get("event") == "done"), None)
            results[(dataset, "rdflib")] = {
                "loaded": loaded, "queries": {e["name"]: e for e in ev if e.get("event") == "query"},
                "peak_mb": (done or loaded or {}).get("peak_mb")}
            if not done:
                say("    rdflib child did not finish (time limit or out of memory)")

        print(f"corpus: {info['documents']} documents built in {info['build_s']:.1f} s, {info['corpus_quads']} quads "
              f"({info['corpus_nq_mb']:.1f} MB N-Quads)")
        print(f"scaled: corpus + {info['copies']} clones of the {info['documents']} document graphs = "
              f"{info['scaled_quads']} quads ({info['scaled_nq_mb']:.0f} MB N-Quads), generated in "
              f"{info['generate_s']:.1f} s")
        speedups_scaled, excluded = [], []
        for dataset in ("corpus", "scaled"):
            ox_r, rd_r = results[(dataset, "pyoxigraph")], results[(dataset, "rdflib")]
            print()
            print(f"== {dataset} graph ==")
            for engine, r in (("pyoxigraph", ox_r), ("rdflib", rd_r)):
                ld = r["loaded"]
                if ld:
                    peak = f"{r['peak_mb']:.0f} MB" if r["peak_mb"] else "-"
                    print(f"{engine:10s} load {ld['load_s']:7.1f} s  size {ld['size']:>8}  peak memory {peak} "
                          f"(VmHWM of its child{'ren' if engine == 'pyoxigraph' else ''})")
                else:
                    print(f"{engine:10s} did not load")
            print(f"{'query':24s} {'pyoxigraph':>14s} {'rdflib':>14s} {'rows ox/rdflib':>15s} {'speed-up':>9s}")
            for name in names:
                qo, qr = ox_r["queries"].get(name), rd_r["queries"].get(name)

                def cell(q, budget):
                    if q and q["times"] and not q.get("overrun"):
                        return statistics.median(q["times"]), "", f"{fmt_t(statistics.median(q['times']))} x{len(q['times'])}"
                    if q and q.get("overrun"):
                        return budget, ">", f">{budget:.0f} s"
                    if q and q.get("failed"):
                        return None, "!", "failed"
                    return None, "", "-"
                to, ox_flag, ox_txt = cell(qo, a.pyox_budget * 1.5)
                tr, rd_flag, rd_txt = cell(qr, a.rdflib_budget)
                rows = f"{qo['rows'] if qo and qo['rows'] is not None else '-'}/" \
                       f"{qr['rows'] if qr and qr['rows'] is not None else '-'}"
                if to is None or tr is None or ox_flag == ">":
                    ratio, ratio_txt = None, "n/a"
                else:
                    ratio = tr / to
                    ratio_txt = (">=" if rd_flag == ">" else "") + f"{ratio:.1f}x"
                print(f"{name:24s} {ox_txt:>14s} {rd_txt:>14s} {rows:>15s} {ratio_txt:>9s}")
                if dataset == "scaled":
                    if ratio is None:
                        excluded.append(name)
                    else:
                        speedups_scaled.append((ratio, rd_flag == ">"))
        print()
        print(f"query texts frozen at the start (sha256 {digest}): " + ", ".join(
            f"{n} {hashlib.sha256(texts[n].encode()).hexdigest()[:8]}" for n in names))
        print("parameters: " + "; ".join(f"{k} {v}" for k, v in PARAMS.items() if v and k in texts))
        print(f"pyoxigraph: median of up to {a.repeats} runs (no new run after {a.pyox_budget:.0f} s; stopped at "
              f"{a.pyox_budget * 1.5:.0f} s); rdflib: median of up to {a.rdflib_repeats} runs within "
              f"{a.rdflib_budget:.0f} s per query (over budget counts as {a.rdflib_budget:.0f} s: a lower bound); "
              f"each child capped at {a.memory_gb:.0f} GB of address space")
        if excluded:
            print(f"left out of the median (pyoxigraph over its limit or failed): {', '.join(excluded)}")
        print(f"total run time {time.monotonic() - started:.0f} s")
        if not speedups_scaled:
            print("speedup_vs_rdflib=nan")
            return 0
        med = statistics.median(r for r, _ in speedups_scaled)
        lower = sum(1 for _, b in speedups_scaled if b)
        if lower:
            print(f"{lower} of {len(speedups_scaled)} scaled-graph ratios are lower bounds (rdflib over budget)")
        print(f"target >= 10x: {'met' if med >= 10 else 'MISSED'}")
        print(f"speedup_vs_rdflib={med:.1f}")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

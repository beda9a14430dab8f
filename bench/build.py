"""Benchmark: ``nqikg build`` time and peak memory for the corpus x1, x4 and x16.

    .venv/bin/python bench/build.py [--factors 1,4,16] [--repeats-small 3] [--max-seconds 900]

The five documents of ``shared/corpus`` are copied ``n`` times into a
temporary folder under new file names (``000_….txt`` → ``000_…-r07.txt``, so
the document ids differ) and built with :func:`nqikg.ingest.build.build` into
a fresh store.  Each build runs in its own child process: the extractor is
loaded and warmed up on one sentence first (not timed), then ``build()`` is
timed from the first file read to the published generation.  Peak memory is
the child's ``VmHWM`` (its own high-water mark; ``ru_maxrss`` is printed too,
but a child's ``ru_maxrss`` starts at its parent's peak on Linux).

The smallest factor is run ``--repeats-small`` times (median), the others once.
If the largest build is estimated (from the x4 rate) to take longer than
``--max-seconds`` it is skipped and the script says so.

Each child then builds the same input again, unchanged, into the same store
(every document reused): ``incremental_ratio=<rebuild time / build time>`` of
the largest factor. The largest factor is built once more with two worker
processes: ``parallel_speedup=<time with 1 / time with 2>``. Last line: ``growth_vs_linear=<time(x16) / time(x1) / 16>``
(1.0 = linear; target <= 1.3).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import peak_memory, say


def make_input(folder: Path, factor: int) -> tuple[list[Path], int]:
    """``factor`` copies of every corpus document under new names; returns (files, bytes)."""
    from nqikg.ontology import shared_dir
    sources = sorted(p for p in (shared_dir() / "corpus").iterdir() if p.is_file() and p.suffix == ".txt")
    folder.mkdir(parents=True, exist_ok=True)
    files, size = [], 0
    for k in range(factor):
        for src in sources:
            dst = folder / (src.name if k == 0 else f"{src.stem}-r{k:02d}{src.suffix}")
            shutil.copyfile(src, dst)
            files.append(dst)
            size += dst.stat().st_size
    return files, size


def run_child(folder: Path, store_dir: Path, workers: int = 1) -> dict:
    from nqikg.ingest.build import build, collect
    from nqikg.ingest.extract import Extractor
    t0 = time.perf_counter()
    extractor = Extractor.load()
    list(extractor.annotate(["国家市场监督管理总局发布GB/T 4754-2017，合格率达93.93%。"]))   # warm-up
    load_s = time.perf_counter() - t0
    files = collect([folder])
    size = sum(f.stat().st_size for f in files)
    per_doc = []

    def progress(msg: str) -> None:
        if msg.startswith("["):
            per_doc.append(msg)
        if len(per_doc) % 10 == 1 or not msg.startswith("["):
            say("    " + msg)

    t0 = time.perf_counter()
    report = build([folder], store_dir, extractor=extractor, fresh=True, workers=workers, progress=progress)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()   # the same input again, unchanged: every document reused
    again = build([folder], store_dir, extractor=extractor, workers=workers, progress=progress)
    rebuild_s = time.perf_counter() - t0
    return {"files": len(files), "bytes": size, "build_s": build_s, "extractor_load_s": load_s,
            "quads": report.quads, "ingested": len(report.ingested), "failed": len(report.failed),
            "rebuild_s": rebuild_s, "reused": len(again.reused), **peak_memory()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--factors", default="1,4,16")
    ap.add_argument("--repeats-small", type=int, default=3, help="runs of the smallest factor (median); the others run once")
    ap.add_argument("--max-seconds", type=float, default=900.0, help="skip the largest factor if estimated longer")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(run_child(a.child, a.store, a.workers)), flush=True)
        return 0

    factors = sorted({int(f) for f in a.factors.split(",")})
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="nqikg-bench-build-"))
    results: dict[int, list[dict]] = {}
    parallel: dict[int, dict] = {}
    skipped: dict[int, str] = {}
    try:
        for factor in factors:
            folder = workdir / f"in-x{factor}"
            files, size = make_input(folder, factor)
            runs = a.repeats_small if factor == factors[0] else 1
            if factor == factors[-1] and len(factors) > 1 and results:
                prev = max(results)
                rate = statistics.median(r["build_s"] for r in results[prev]) / prev
                estimate = rate * factor
                if estimate > a.max_seconds:
                    skipped[factor] = (f"estimated {estimate:.0f} s from the x{prev} rate, over --max-seconds "
                                       f"{a.max_seconds:.0f}")
                    say(f"x{factor}: skipped ({skipped[factor]})")
                    break
            # the largest input once more with two worker processes: parallel_speedup
            settings = [1] * runs + ([2] if factor == factors[-1] else [])
            for r, workers in enumerate(settings):
                say(f"x{factor}: {len(files)} files, {size / 1e6:.2f} MB, run {r + 1}/{len(settings)}, "
                    f"{workers} worker(s)")
                store_dir = workdir / f"store-x{factor}-{r}"
                cmd = [sys.executable, os.path.abspath(__file__), "--child", str(folder), "--store", str(store_dir),
                       "--workers", str(workers)]
                proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=a.max_seconds * 2 + 300)
                shutil.rmtree(store_dir, ignore_errors=True)
                if proc.returncode != 0:
                    say(f"x{factor}: build child failed with status {proc.returncode}")
                    break
                res = json.loads(proc.stdout.strip().splitlines()[-1])
                say(f"  {res['build_s']:.1f} s, {res['quads']} quads, peak {res['peak_mb']:.0f} MB")
                if workers == 1:
                    results.setdefault(factor, []).append(res)
                else:
                    parallel[factor] = res
            shutil.rmtree(folder, ignore_errors=True)

        print(f"{'input':>6s} {'files':>5s} {'MB':>6s} {'quads':>9s} {'build (median)':>15s} {'runs':>4s} "
              f"{'s per MB':>9s} {'peak MB':>8s} {'ru_maxrss':>9s}")
        for factor in factors:
            if factor not in results:
                print(f"{'x' + str(factor):>6s}  not measured: {skipped.get(factor, 'failed')}")
                continue
            rs = results[factor]
            t = statistics.median(r["build_s"] for r in rs)
            mb = rs[0]["bytes"] / 1e6
            print(f"{'x' + str(factor):>6s} {rs[0]['files']:>5d} {mb:>6.2f} {rs[0]['quads']:>9d} {t:>13.1f} s "
                  f"{len(rs):>4d} {t / mb:>9.1f} {max(r['peak_mb'] for r in rs):>8.0f} "
                  f"{max(r['ru_maxrss_mb'] for r in rs):>9.0f}")
        first = results.get(factors[0])
        if first:
            print(f"extractor load + warm-up (not in the build times): "
                  f"{statistics.median(r['extractor_load_s'] for r in first):.1f} s")
        print(f"total run time {time.monotonic() - started:.0f} s")
        lo, hi = factors[0], factors[-1]
        top = max(results) if results else None
        if top is not None:
            r = results[top][0]
            print(f"x{top} rebuilt unchanged: {r['reused']} of {r['files']} documents reused, {r['rebuild_s']:.1f} s "
                  f"against {r['build_s']:.1f} s")
            print(f"incremental_ratio={r['rebuild_s'] / r['build_s']:.3f}")
        if top in parallel:
            print(f"x{top} with 2 worker processes: {parallel[top]['build_s']:.1f} s against 1: "
                  f"{results[top][0]['build_s']:.1f} s")
            print(f"parallel_speedup={results[top][0]['build_s'] / parallel[top]['build_s']:.2f}")
        if lo in results and hi in results and hi != lo:
            t_lo = statistics.median(r["build_s"] for r in results[lo])
            t_hi = statistics.median(r["build_s"] for r in results[hi])
            growth = t_hi / t_lo / (hi / lo)
            print(f"time(x{hi}) / time(x{lo}) / {hi // lo} = {t_hi:.1f} / {t_lo:.1f} / {hi // lo}; "
                  f"target <= 1.3: {'met' if growth <= 1.3 else 'MISSED'}")
            print(f"growth_vs_linear={growth:.2f}")
        else:
            mid = [f for f in factors if f in results and f != lo]
            if lo in results and mid:
                f = max(mid)
                g = statistics.median(r["build_s"] for r in results[f]) / \
                    statistics.median(r["build_s"] for r in results[lo]) / (f / lo)
                print(f"x{hi} not measured; growth over x{f} instead: {g:.2f}")
                print(f"growth_vs_linear={g:.2f}")
            else:
                print("growth_vs_linear=nan")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

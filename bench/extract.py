"""Benchmark: the whole extraction pipeline against bare ``jieba.lcut`` on the same text.

    python bench/extract.py [--mb 2] [--small-mb 0.5] [--batch-size 256]

The shared corpus is repeated (document by document) to the requested size.
The pipeline is read → normalise → split sentences → Extractor.annotate
(lexicon, tagger, patterns, merge, facts, relations), streaming, results
counted and dropped.  Each run happens in a fresh child process, which first
times ``jieba.lcut`` on the same documents (median of three passes) and then
the pipeline, so both are measured side by side under the same machine load;
its peak memory is its own ``VmHWM``.  Two input sizes show that memory stays
flat when streaming.  The last line is
``ratio_vs_jieba=<pipeline chars/s ÷ jieba chars/s>`` of the larger run.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from common import peak_memory


def corpus_docs(target_chars: int) -> list[str]:
    from nqikg.ontology import shared_dir
    files = sorted((shared_dir() / "corpus").glob("*.txt"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    if not texts:
        raise SystemExit("no corpus files under shared/corpus")
    docs, total = [], 0
    while total < target_chars:
        for t in texts:
            docs.append(t)
            total += len(t)
            if total >= target_chars:
                break
    return docs


def time_jieba(docs: list[str], passes: int = 3) -> float:
    """Median seconds of ``jieba.lcut`` over ``docs``."""
    import jieba
    jieba.setLogLevel(60)
    jieba.initialize()
    times = []
    for _ in range(passes):
        t0 = time.perf_counter()
        for d in docs:
            jieba.lcut(d)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_pipeline(mb: float, batch_size: int) -> dict:
    from nqikg.ingest.extract import Extractor
    from nqikg.ingest.normalize import normalize
    from nqikg.ingest.sentences import split_sentences
    docs = corpus_docs(int(mb * 1_000_000))
    chars = sum(len(d) for d in docs)
    jieba_seconds = time_jieba(docs)
    ex = Extractor.load()
    ex.batch_size = batch_size
    # warm up (model, lexicon, jieba dictionary)
    list(ex.annotate(["国家市场监督管理总局发布GB/T 4754-2017，合格率达93.93%。"]))

    def sentences():
        for d in docs:
            for s in split_sentences(normalize(d)):
                yield s.text

    t0 = time.perf_counter()
    n_ent = n_fact = n_rel = 0
    for res in ex.annotate(sentences()):
        n_ent += len(res["entities"])
        n_fact += len(res["facts"])
        n_rel += len(res["relations"])
    dt = time.perf_counter() - t0
    return {"chars": chars, "seconds": dt, "chars_per_s": chars / dt, "entities": n_ent, "facts": n_fact, "relations": n_rel,
            "jieba_chars_per_s": chars / jieba_seconds, "peak_rss_mb": peak_memory()["peak_mb"]}


def child(mb: float, batch_size: int) -> dict:
    cmd = [sys.executable, __file__, "--child", "--mb", str(mb), "--batch-size", str(batch_size)]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=1.0, help="input size (million characters, ~3 MB of UTF-8) of the main run")
    ap.add_argument("--small-mb", type=float, default=0.25, help="smaller input to compare peak memory")
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(run_pipeline(a.mb, a.batch_size)))
        return 0

    small = child(a.small_mb, a.batch_size)
    big = child(a.mb, a.batch_size)
    for name, r in (("small", small), ("large", big)):
        print(f"jieba.lcut ({name}): {r['chars']} chars at {r['jieba_chars_per_s']:,.0f} chars/s (median of 3 passes)")
        print(f"pipeline ({name}): {r['chars']} chars in {r['seconds']:.2f} s = {r['chars_per_s']:,.0f} chars/s, "
              f"{r['entities']} entities, {r['facts']} facts, {r['relations']} relations, peak RSS {r['peak_rss_mb']:.0f} MB "
              f"(batch_size={a.batch_size})")
    growth = big["peak_rss_mb"] - small["peak_rss_mb"]
    print(f"peak memory: {small['peak_rss_mb']:.0f} MB at {small['chars']} chars, {big['peak_rss_mb']:.0f} MB at "
          f"{big['chars']} chars (difference {growth:+.0f} MB for {big['chars'] / max(1, small['chars']):.1f}x input)")
    print(f"ratio_vs_jieba={big['chars_per_s'] / big['jieba_chars_per_s']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

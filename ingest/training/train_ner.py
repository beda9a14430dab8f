"""Train the statistical NER of the extractor and ship it under ``ingest/model/``.

    python -m nqikg.ingest.training.train_ner [--epochs N] [--out DIR]

* data: every ``ingest/training/data/*.jsonl`` record, aligned by
  :mod:`nqikg.ingest.training.align` (stand-off records are rebuilt from the
  shared corpus);
* records that share any 12-character substring with a sentence of the dev
  set (``shared/gold/dev.jsonl``) are dropped, so the model never sees dev text;
* ~10 % of the records (chosen by a hash of the id, so the split is stable)
  are held out to pick the epoch (up to 40, patience 8); the shipped model is
  then retrained on all records for that many epochs;
* each training record also gets one mention-replacement copy (entities
  swapped for other surfaces of the same label from the lexicon and the
  annotations), so the NER learns contexts rather than names;
* character tokens (``spacy.blank("zh")`` with the char segmenter) carrying
  two features from ``ingest/features.py`` (lexicon tag, jieba word position),
  a small hash-embedding CNN (width 64, depth 3) and spaCy's transition-based
  ``ner``; fixed seed, one thread, so a rebuild gives the same model (~20 min
  on 2 busy CPU cores, ~2 MB on disk).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
MODEL_DIR = HERE.parent / "model"
SEED = 13
NGRAM = 12

# the network: small on purpose (speed of the whole extractor, model size)
# chosen on the validation split: 64/3/48 with features matched 96/4/64 (0.78 vs 0.77 strict F1 of
# the NER alone) at ~1.6x the speed; features added ~0.10; augmentation helped the whole pipeline
CONFIG = {
    "width": 64,
    "depth": 3,
    "window": 1,
    "embed_rows": [4000, 1000, 1000, 50],   # NORM, PREFIX, SUFFIX, SHAPE (without features)
    "hidden_width": 48,
    "maxout_pieces": 2,
    "augment": 1,                           # mention-replacement copies of each training record
    "features": True,                       # lexicon tags (TAG) and jieba word positions (LEMMA)
    "feature_rows": [200, 50],
}


def _shared_dir() -> Path | None:
    try:
        from nqikg.ontology import shared_dir
        return shared_dir()
    except FileNotFoundError:
        return None


def dev_ngrams(dev_path: Path | None) -> set[str]:
    grams: set[str] = set()
    if dev_path is None or not dev_path.exists():
        return grams
    with dev_path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                t = json.loads(line).get("text", "")
                grams.update(t[i:i + NGRAM] for i in range(max(0, len(t) - NGRAM + 1)))
    return grams


def overlaps(text: str, grams: set[str]) -> bool:
    return any(text[i:i + NGRAM] in grams for i in range(max(0, len(text) - NGRAM + 1)))


def load_records(data_dir: Path = DATA_DIR, dev_path: Path | None = None) -> tuple[list[dict], int]:
    """Aligned training records (exchange format), minus any overlapping the dev set."""
    from nqikg.ingest.training.align import AlignError, align_record
    shared = _shared_dir()
    corpus = shared / "corpus" if shared else None
    if dev_path is None and shared is not None:
        dev_path = shared / "gold" / "dev.jsonl"
    grams = dev_ngrams(dev_path)
    rows, dropped, seen = [], 0, set()
    for path in sorted(data_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                rec = json.loads(line)
                if "text" not in rec and corpus is None:
                    continue
                try:
                    row = align_record(rec, corpus)
                except (AlignError, OSError, KeyError) as exc:
                    print(f"skip {path.name}:{n}: {exc}", file=sys.stderr)
                    continue
                if overlaps(row["text"], grams):
                    dropped += 1
                    continue
                if row["text"] in seen:
                    continue
                seen.add(row["text"])
                rows.append(row)
    return rows, dropped


def split(rows: list[dict], frac: float = 0.1) -> tuple[list[dict], list[dict]]:
    train, val = [], []
    for r in rows:
        h = int(hashlib.md5(r["id"].encode()).hexdigest(), 16) % 1000
        (val if h < frac * 1000 else train).append(r)
    return train, val


def make_nlp():
    import spacy
    from thinc.api import Config
    import nqikg.ingest.features  # noqa: F401  (registers the nqi_features component)
    c = CONFIG
    if c["features"]:
        pipeline = '["nqi_features", "ner"]'
        attrs = '["NORM", "SHAPE", "TAG", "LEMMA"]'
        rows = [c["embed_rows"][0], c["embed_rows"][3], *c["feature_rows"]]
        feat_block = "[components.nqi_features]\nfactory = \"nqi_features\"\n"
    else:
        pipeline = '["ner"]'
        attrs = '["NORM", "PREFIX", "SUFFIX", "SHAPE"]'
        rows = c["embed_rows"]
        feat_block = ""
    cfg = Config().from_str(f"""
[nlp]
lang = "zh"
pipeline = {pipeline}

[nlp.tokenizer]
@tokenizers = "spacy.zh.ChineseTokenizer"
segmenter = "char"

[components]

{feat_block}
[components.ner]
factory = "ner"

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = {c['hidden_width']}
maxout_pieces = {c['maxout_pieces']}
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[components.ner.model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = {c['width']}
attrs = {attrs}
rows = {rows}
include_static_vectors = false

[components.ner.model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = {c['width']}
window_size = {c['window']}
maxout_pieces = 3
depth = {c['depth']}
""")
    return spacy.util.load_model_from_config(cfg, auto_fill=True, validate=True)


_AUG_LABELS = ("PRODUCT", "INDUSTRY", "ORG", "LOC", "METHOD", "INDICATOR", "POLICY", "TESTING",
               "CERTIFICATION", "METROLOGY", "STANDARD", "NQI")


def augment(rows: list[dict], copies: int, seed: int = SEED) -> list[dict]:
    """Mention replacement: copies of the records in which about half of the entities are
    swapped for another surface of the same label from the ontology lexicon, so the NER
    learns contexts and boundaries rather than the training set's names."""
    if copies <= 0:
        return []
    from nqikg.ontology import lexicon
    pool: dict[str, set[str]] = {}
    for e in lexicon.entries():  # the vocabulary, not the long tail of reference class names
        if e.source in ("vocab", "ontology") and len(e.surface) >= 2 and not e.surface.isascii() and e.label in _AUG_LABELS:
            pool.setdefault(e.label, set()).add(e.surface)
    for r in rows:  # and the names the annotators marked
        for e in r["entities"]:
            if e["label"] in _AUG_LABELS and len(e["text"]) >= 2:
                pool.setdefault(e["label"], set()).add(e["text"])
    pool = {k: sorted(v) for k, v in pool.items()}
    rng = random.Random(seed)
    out = []
    for k in range(copies):
        for r in rows:
            text, ents, pos, new_ents = r["text"], sorted(r["entities"], key=lambda e: e["start"]), 0, []
            parts = []
            changed = False
            for e in ents:
                parts.append(text[pos:e["start"]])
                surface = e["text"]
                if e["label"] in pool and rng.random() < 0.5:
                    surface = rng.choice(pool[e["label"]])
                    changed = True
                start = sum(len(p) for p in parts)
                parts.append(surface)
                new_ents.append({"start": start, "end": start + len(surface), "label": e["label"], "text": surface})
                pos = e["end"]
            parts.append(text[pos:])
            if changed:
                out.append({"id": f"{r['id']}#aug{k}", "text": "".join(parts), "entities": new_ents, "facts": []})
    return out


def to_examples(nlp, rows):
    from spacy.training import Example
    out = []
    feats = CONFIG["features"]
    if feats:
        from nqikg.ingest.features import set_features
    for r in rows:
        doc = nlp.make_doc(r["text"])
        if feats:
            set_features(doc)
        ents = []
        for e in r["entities"]:
            span = doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="expand")
            if span is not None:
                ents.append((span.start_char, span.end_char, e["label"]))
        out.append(Example.from_dict(doc, {"entities": ents}))
    return out


def strict_f1(nlp, rows) -> float:
    from collections import Counter
    tp = fp = fn = 0
    docs = nlp.pipe([r["text"] for r in rows], batch_size=64)
    for r, doc in zip(rows, docs):
        g = Counter((e["label"], e["text"]) for e in r["entities"])
        p = Counter((e.label_, e.text) for e in doc.ents)
        t = g & p
        tp += sum(t.values()); fp += sum((p - g).values()); fn += sum((g - p).values())
    pr = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    return 2 * pr * rc / (pr + rc) if pr + rc else 0.0


def train(epochs: int = 40, out: Path = MODEL_DIR, patience: int = 8, final_all: bool = True,
          verbose: bool = True, fixed_epochs: int | None = None) -> dict:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from spacy.util import fix_random_seed, minibatch
    from thinc.api import set_gpu_allocator  # noqa: F401  (CPU only)
    fix_random_seed(SEED)
    rows, dropped = load_records()
    train_rows, val_rows = split(rows)
    if verbose:
        print(f"{len(rows)} records ({dropped} dropped for dev overlap): {len(train_rows)} train, {len(val_rows)} validation")
    nlp = make_nlp()
    train_ex = to_examples(nlp, train_rows + augment(train_rows, CONFIG["augment"]))
    nlp.initialize(lambda: train_ex)
    best, best_epoch, best_bytes, history = -1.0, 0, None, []
    rng = random.Random(SEED)
    t0 = time.time()
    if fixed_epochs:  # the epoch count is already known (training.json): skip the selection run
        best_epoch, epochs, final_all = fixed_epochs, 0, True
    for epoch in range(1, epochs + 1):
        rng.shuffle(train_ex)
        losses: dict = {}
        for batch in minibatch(train_ex, size=16):
            nlp.update(batch, drop=0.25, losses=losses)
        f = strict_f1(nlp, val_rows)
        history.append((epoch, round(float(losses.get("ner", 0.0)), 1), round(float(f), 4)))
        if verbose:
            print(f"epoch {epoch:2d} loss {losses.get('ner', 0):8.1f} val strict F1 {f:.4f}  ({time.time() - t0:.0f}s)")
        if f > best:
            best, best_epoch, best_bytes = f, epoch, nlp.to_bytes()
        elif epoch - best_epoch >= patience:
            break
    if final_all:
        # retrain on train+validation for the chosen number of epochs
        fix_random_seed(SEED)
        nlp = make_nlp()
        all_rows = train_rows + val_rows
        all_ex = to_examples(nlp, all_rows + augment(all_rows, CONFIG["augment"]))
        nlp.initialize(lambda: all_ex)
        rng = random.Random(SEED)
        for epoch in range(1, best_epoch + 1):
            rng.shuffle(all_ex)
            for batch in minibatch(all_ex, size=16):
                nlp.update(batch, drop=0.25)
    else:
        nlp.from_bytes(best_bytes)
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    meta = {"records": len(rows), "dropped_dev_overlap": dropped, "train": len(train_rows),
            "validation": len(val_rows), "best_epoch": best_epoch, "validation_strict_f1": round(float(best), 4) if best >= 0 else None,
            "seed": SEED, "config": CONFIG, "history": history, "final_on_all": final_all}
    (out / "training.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    if verbose:
        print(f"best epoch {best_epoch} (validation strict F1 {best:.4f}); model -> {out}")
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--no-final-all", action="store_true", help="ship the best epoch instead of retraining on all")
    ap.add_argument("--reuse-epochs", action="store_true",
                    help="take the epoch count from the shipped model's training.json and train on all records only "
                         "(half the time; gives the same model when the data has not changed)")
    a = ap.parse_args(argv)
    fixed = None
    if a.reuse_epochs:
        meta = json.loads((MODEL_DIR / "training.json").read_text(encoding="utf-8"))
        fixed = int(meta["best_epoch"])
    train(a.epochs, a.out, final_all=not a.no_final_all, fixed_epochs=fixed)
    return 0


if __name__ == "__main__":
    sys.exit(main())

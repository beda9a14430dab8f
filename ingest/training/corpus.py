"""The project's annotated training records, ready for training.

* :func:`load_records`: every ``ingest/training/data/*.jsonl`` record,
  aligned by :mod:`.align` (stand-off records are rebuilt from the shared
  corpus) with the span conventions of :mod:`nqikg.ingest.conventions`, minus any record sharing a 12-character substring with a sentence
  of the dev set (``shared/gold/dev.jsonl``), so no model sees dev text;
* :func:`split`: a stable ~10 % validation split by a hash of the id;
* :func:`augment`: mention-replacement copies;
* :func:`unseen_by_training`: the lines of an evaluation set that share no
  12-character run with the training records, as the hidden test counts them.
"""
from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
MODEL_DIR = HERE.parent / "model"
SEED = 13
NGRAM = 12


def optional_shared_dir() -> Path | None:
    """The shared folder (corpus, gold, reference), or None on a machine without it."""
    try:
        from nqikg.ontology import shared_dir
        return shared_dir()
    except FileNotFoundError:
        return None


def ngrams(texts) -> set[str]:
    """Every 12-character run of ``texts``."""
    grams: set[str] = set()
    for t in texts:
        grams.update(t[i:i + NGRAM] for i in range(max(0, len(t) - NGRAM + 1)))
    return grams


def file_ngrams(path: Path | None) -> set[str]:
    """Every 12-character run of the texts of a JSON Lines file (none when there is no file)."""
    if path is None or not path.exists():
        return set()
    with path.open(encoding="utf-8") as fh:
        return ngrams(json.loads(line).get("text", "") for line in fh if line.strip())


def unseen_by_training(rows: list[dict]) -> list[dict]:
    """The ``rows`` that share no 12-character run with any training record: the lines the hidden test
    scores (its lines overlapping the training data are left out of its score)."""
    grams = ngrams(r["text"] for r in load_records()[0])
    return [r for r in rows if not overlaps(r.get("text") or "", grams)]


def overlaps(text: str, grams: set[str]) -> bool:
    return any(text[i:i + NGRAM] in grams for i in range(max(0, len(text) - NGRAM + 1)))


COMPOSED = "relations_"  # files of composed sentences written for relations (see README): never augmented


def load_records(data_dir: Path = DATA_DIR, dev_path: Path | None = None) -> tuple[list[dict], int]:
    """Aligned training records (exchange format, plus ``source``: the file's name), minus any
    overlapping the dev set."""
    from nqikg.ingest import conventions
    from nqikg.ingest.training.align import AlignError, align_record
    shared = optional_shared_dir()
    corpus = shared / "corpus" if shared else None
    if dev_path is None and shared is not None:
        dev_path = shared / "gold" / "dev.jsonl"
    grams = file_ngrams(dev_path)
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
                row["entities"] = conventions.apply(row["text"], row["entities"])
                row["source"] = path.name
                if "relations" in row:
                    row["relations"], lost = _placed(row)
                    if lost:
                        print(f"{path.name}:{n}: {lost} relation(s) whose end is not an entity of the line dropped",
                              file=sys.stderr)
                rows.append(row)
    return rows, dropped


def _placed(row: dict) -> tuple[list[dict], int]:
    """The record's relations whose ends are surfaces of its entities (rule 1), and how many were not."""
    surfaces = {e["text"] for e in row["entities"]}
    kept = [r for r in row["relations"] if r["subject"] in surfaces and (r["object"] is None or r["object"] in surfaces)]
    return kept, len(row["relations"]) - len(kept)


def split(rows: list[dict], frac: float = 0.1) -> tuple[list[dict], list[dict]]:
    train, val = [], []
    for r in rows:
        h = int(hashlib.md5(r["id"].encode()).hexdigest(), 16) % 1000
        (val if h < frac * 1000 else train).append(r)
    return train, val


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

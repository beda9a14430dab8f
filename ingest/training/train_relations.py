"""Train the relation classifier (:mod:`nqikg.ingest.relations`) and ship it as ``ingest/model/relations.json``.

    python -m nqikg.ingest.training.train_relations [--out FILE]

* data: the records of ``ingest/training/data/*.jsonl`` annotated for
  relations (those with a ``relations`` key), minus any that shares a
  12-character substring with the dev set (see :mod:`.corpus`);
* candidates and features exactly as at extraction time, on the gold entities;
* scikit-learn's ``LogisticRegression`` over binary features; the
  regularisation strength and one threshold per predicate are chosen by 5-fold
  cross-validation on the training part (~90 % of the records);
* the held-out ~10 % is then scored twice: with gold entities, and end to end
  (an entity extractor, then the relation model): by default the shipped one,
  which was trained on these sentences too; ``--tagger DIR`` takes the model
  ``train_tagger --holdout DIR`` kept, which never saw them. The shipped model
  is retrained on all records. Figures go into the model's ``meta``.

Deterministic; about two minutes on one core.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from nqikg.ingest.relation_features import SentenceView
from nqikg.ingest.relations import MODEL_FILE, RelationModel, candidates, features

from .corpus import COMPOSED, load_records, split

C_GRID = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.2, 0.81, 0.05))
FOLDS = 5


def examples(rows: list[dict]) -> tuple[list[list[str]], list[int], list[tuple[int, str, tuple]]]:
    """Feature lists, gold labels and (row, predicate, triple) keys of every candidate of ``rows``."""
    X, y, keys = [], [], []
    for k, r in enumerate(rows):
        gold = {(x["subject"], x["predicate"], x["object"]) for x in r["relations"]}
        view = SentenceView.of(r["text"], r["entities"])
        for c in candidates(view):
            s = view.entities[c.subject]["text"]
            o = view.entities[c.object]["text"] if c.object is not None else None
            X.append(features(view, c))
            y.append(int((s, c.predicate, o) in gold))
            keys.append((k, c.predicate, (s, c.predicate, o)))
    return X, y, keys


def fit(X: list[list[str]], y: list[int], C: float) -> dict[str, float]:
    """Sparse weights of a logistic regression on binary features (the intercept as feature ``bias``)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    vec = DictVectorizer()
    M = vec.fit_transform([dict.fromkeys(f, 1) for f in X])
    lr = LogisticRegression(C=C, solver="lbfgs", max_iter=3000)
    lr.fit(M, y)
    weights = dict(zip(vec.get_feature_names_out(), lr.coef_[0].tolist()))
    weights["bias"] = float(lr.intercept_[0])
    return weights


def _probabilities(weights: dict[str, float], X: list[list[str]]) -> np.ndarray:
    z = np.array([weights["bias"] + sum(weights.get(f, 0.0) for f in feats) for feats in X])
    return 1 / (1 + np.exp(-np.clip(z, -30, 30)))


def _counts(keys, y, p, thresholds: dict[str, float], rows: list[dict]) -> dict[str, Counter]:
    """tp/fp/fn per predicate of the predictions at ``thresholds`` (sets per line, as the referee counts)."""
    predicted: dict[int, set] = {}
    for (k, pred, triple), prob in zip(keys, p):
        if prob >= thresholds.get(pred, 0.5):
            predicted.setdefault(k, set()).add(triple)
    out: dict[str, Counter] = {}
    for k, r in enumerate(rows):
        gold = {(x["subject"], x["predicate"], x["object"]) for x in r["relations"]}
        got = predicted.get(k, set())
        for t in gold | got:
            c = out.setdefault(t[1], Counter())
            c["tp" if t in gold and t in got else "fp" if t in got else "fn"] += 1
    return out


def _f1(c: Counter) -> float:
    return 2 * c["tp"] / (2 * c["tp"] + c["fp"] + c["fn"]) if c["tp"] else 0.0


def _micro(per: dict[str, Counter]) -> dict:
    total = sum(per.values(), Counter())
    p = total["tp"] / (total["tp"] + total["fp"]) if total["tp"] else 0.0
    r = total["tp"] / (total["tp"] + total["fn"]) if total["tp"] else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(_f1(total), 4),
            "per_predicate": {k: {"f": round(_f1(c), 4), "support": c["tp"] + c["fn"]} for k, c in sorted(per.items())}}


def cross_validate(rows: list[dict]) -> tuple[float, dict[str, float], dict]:
    """The C and per-predicate thresholds with the best pooled out-of-fold F1."""
    folds = [[r for i, r in enumerate(rows) if i % FOLDS == f] for f in range(FOLDS)]
    data = [examples(f) for f in folds]
    best = None
    for C in C_GRID:
        pooled = []  # (fold index, out-of-fold probabilities)
        for f in range(FOLDS):
            X = [x for g in range(FOLDS) if g != f for x in data[g][0]]
            y = [v for g in range(FOLDS) if g != f for v in data[g][1]]
            w = fit(X, y, C)
            pooled.append((f, _probabilities(w, data[f][0])))
        thresholds = {}
        predicates = {k[1] for d in data for k in d[2]}
        for pred in sorted(predicates):
            scores = []
            for t in THRESHOLDS:
                total = Counter()
                for f, p in pooled:
                    total += _counts(data[f][2], data[f][1], p, {**{q: 2.0 for q in predicates}, pred: t},
                                     folds[f]).get(pred, Counter())
                scores.append((_f1(total), -abs(t - 0.5), t))
            thresholds[pred] = float(max(scores)[2])
        per: dict[str, Counter] = {}
        for f, p in pooled:
            for k, c in _counts(data[f][2], data[f][1], p, thresholds, folds[f]).items():
                per[k] = per.get(k, Counter()) + c
        micro = _micro(per)
        print(f"C={C}: cross-validated relation F1 {micro['f']:.4f} thresholds {thresholds}", file=sys.stderr)
        if best is None or micro["f"] > best[2]["f"]:
            best = (C, thresholds, micro)
    return best


def model_of(weights: dict[str, float], thresholds: dict[str, float], meta: dict) -> RelationModel:
    bias = weights.pop("bias")
    for pred in thresholds:  # the intercept is shared: fold it into each predicate's bias feature
        weights[f"{pred}|bias"] = weights.get(f"{pred}|bias", 0.0) + bias
    return RelationModel(weights, thresholds, meta)


def end_to_end(rows: list[dict], model: RelationModel, tagger: Path | None = None) -> dict:
    """Referee scores of the entity extractor (shipped, or the one in ``tagger``) followed by ``model``."""
    from nqikg.ingest.extract import Extractor, _referee
    ex = Extractor.load(tagger, relation_model=model)
    gold = {r["id"]: r for r in rows}
    pred = {rid: {"id": rid, "text": gold[rid]["text"], **res}
            for rid, res in zip(gold, ex.annotate(r["text"] for r in rows))}
    s = _referee().score(gold, pred)
    return {"entities_f": round(s["strict"]["f"], 4), "relations": {k: round(v, 4) for k, v in s["relations"].items()
                                                                     if k in "prf"},
            "per_predicate": {k: round(v["f"], 4) for k, v in s["per_predicate"].items()}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    ap.add_argument("--tagger", type=Path, help="the entity model for the held-out end-to-end figures "
                    "(default: the shipped one)")
    a = ap.parse_args(argv)
    started = time.perf_counter()
    rows, dropped = load_records()
    rows = [r for r in rows if "relations" in r]
    train, val = split(rows)
    n_rel = sum(len(r["relations"]) for r in rows)
    print(f"{len(rows)} records annotated for relations ({n_rel} relations; {dropped} records overlapping dev "
          f"dropped); {len(train)} train, {len(val)} held out", file=sys.stderr)
    C, thresholds, cv = cross_validate(train)
    X, y, keys = examples(train)
    held = model_of(fit(X, y, C), thresholds, {})
    Xv, yv, kv = examples(val)
    gold_entities = _micro(_counts(kv, yv, [held.score(f) for f in Xv], thresholds, val))
    e2e = end_to_end(val, held, a.tagger)
    e2e_composed = end_to_end([r for r in val if r["source"].startswith(COMPOSED)], held, a.tagger)
    print(f"held out, gold entities: {gold_entities}\nheld out, end to end: {e2e}\n"
          f"held out, end to end, composed genres only: {e2e_composed}", file=sys.stderr)
    X, y, _ = examples(rows)
    genres = Counter(r["id"].split("-")[0] for r in rows if r["relations"])
    meta = {"C": C, "records": len(rows), "relations": n_rel,
            "relations_per_predicate": dict(Counter(x["predicate"] for r in rows for x in r["relations"])),
            "records_with_relations_by_source": dict(sorted(genres.items())),
            "candidates": len(y), "positives": int(sum(y)),
            "cross_validated": cv, "held_out_gold_entities": gold_entities, "held_out_end_to_end": e2e, "held_out_end_to_end_composed_genres": e2e_composed,
            "held_out_end_to_end_tagger": "held-out model" if a.tagger else "shipped model"}
    model = model_of(fit(X, y, C), thresholds, meta)
    model.save(a.out)
    print(f"wrote {a.out} ({len(model.weights)} weights) in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Relations of one sentence: candidates from the ontology's type signatures, decided by a trained classifier.

    model = RelationModel.load()
    model.relations(text, entities)   # [{"subject", "predicate", "object", "score", "cue", ...}]

* **Candidates** come only from the type signatures the ontology declares
  (``vocab.relation_signatures()``: ANNOTATION.md, Relations): every pair of
  the sentence's entities whose labels a predicate allows (a text of several
  sentences pairs entities within each, since a relation is a claim of one
  sentence; 3 of the 12,309 annotated pairs cross a 。), and every entity a
  one-place predicate (``bottleneck``) allows. Rules of the guideline remove
  candidates before the model sees them: a short alias declared in the line
  (以下简称…, rule 7), a class word beside a named standard (rule 10), and two
  peers of one list (计量、检验检测、特种设备等机构: co-occurrence, rule 4).
* **The decision** is a logistic-regression model over the features of
  :mod:`.relation_features`, trained by ``python -m
  nqikg.ingest.training.train_relations`` on the project's own annotations and
  shipped as sparse weights (``ingest/model/relations.json``); each predicate
  has its own threshold, chosen on held-out records.
* **Output** is the exchange format of ANNOTATION.md (surfaces of the ends),
  listed once per line (rule 6), plus what the graph needs for provenance:
  the offsets of both ends, the span of the sentence that states the relation,
  the cue word it rests on and the model's score.
"""
from __future__ import annotations

import json
import math
import re
from itertools import repeat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..ontology import vocab
from .relation_features import SentenceView, pair_features, single_features

MODEL_FILE = Path(__file__).resolve().parent / "model" / "relations.json"

# rule 10: a class word beside a named standard (强制性国家标准 before 《…》 or a code) takes no relation
_STANDARD_CLASS = re.compile(r"^(?:强制性|推荐性)?(?:国家|行业|地方|团体|企业|国际)?标准$")
_NAMED_STANDARD = re.compile(r"^(?:[A-Z]{1,6}(?:/[A-Z])?\s*\d|.{4,}(?:规范|规程|标准|要求|方法|导则|指南)$)")
_ALIAS_DECL = re.compile(r"(?:以下|下文)?简称\s*[《“\"']?$")
# the cue classes a predicate's evidence rests on, strongest first
EVIDENCE_CUES = {
    "supports": ("support", "standardise", "build", "apply", "field"),
    "belongsToIndustry": ("field", "of"),
    "issuedBy": ("issue",),
    "developedBy": ("develop",),
    "bottleneck": ("bottleneck", "shortfall", "foreign"),
}


class ModelError(RuntimeError):
    """The shipped relation model is missing or unreadable; the message says how to rebuild it."""


@dataclass(frozen=True)
class Candidate:
    predicate: str
    subject: int            # entity indexes into SentenceView.entities
    object: int | None      # None for a one-place predicate


def _excluded_ends(view: SentenceView) -> set[int]:
    """Entities that may not be the end of a relation: declared short aliases and class words beside a named standard."""
    text, ents = view.text, view.entities
    out = set()
    for i, e in enumerate(ents):
        if _ALIAS_DECL.search(text, max(0, e["start"] - 6), e["start"]):
            out.add(i)
        if e["label"] == "STANDARD" and _STANDARD_CLASS.match(e["text"]):
            for j in (i - 1, i + 1):
                if 0 <= j < len(ents) and ents[j]["label"] == "STANDARD" and _NAMED_STANDARD.match(ents[j]["text"]):
                    lo, hi = sorted((e, ents[j]), key=lambda x: x["start"])
                    if re.fullmatch(r"[\s《》“”]*", text[lo["end"]:hi["start"]]):
                        out.add(i)
    return out


def candidates(view: SentenceView) -> list[Candidate]:
    """Every candidate the type signatures allow in this sentence."""
    ents = view.entities
    excluded = _excluded_ends(view)
    out = []
    for sig in vocab.relation_signatures().values():
        subjects = [i for i, e in enumerate(ents) if e["label"] in sig.subject_labels and i not in excluded]
        if sig.one_place:
            # rule 9: a bottleneck needs a marker of foreign dependence or of falling short
            if any(name in view.cues for name in EVIDENCE_CUES[sig.predicate]):
                out.extend(Candidate(sig.predicate, i, None) for i in subjects)
            continue
        objects = [i for i, e in enumerate(ents) if e["label"] in sig.object_labels and i not in excluded]
        out.extend(Candidate(sig.predicate, i, j) for i in subjects for j in objects
                   if view.sentence[i] == view.sentence[j] and i != j and ents[i]["text"] != ents[j]["text"]
                   and not view.coordinated(i, j))
    return out


def features(view: SentenceView, c: Candidate) -> list[str]:
    """The candidate's distinct features: the model is trained on binary features, so each counts once."""
    feats = (single_features(view, c.subject, c.predicate) if c.object is None
             else pair_features(view, c.subject, c.object, c.predicate))
    return list(dict.fromkeys(feats))


def _cue(view: SentenceView, c: Candidate) -> tuple[str | None, int, int]:
    """The cue word the relation rests on and the span of the sentence that states it: for a pair, the
    first cue between or on its ends (else the frame it stands in); for a one-place claim, the nearest
    cue, after the entity's group before one ahead of it."""
    text, s = view.text, view.entities[c.subject]
    if c.object is None:
        g0, g1 = view.groups[view.group[c.subject]]
        for name in EVIDENCE_CUES[c.predicate]:
            if name in view.cues:
                a, b = min(view.cues[name], key=lambda sp: sp[0] - g1 if sp[0] >= g1 else g0 - sp[1] + len(text))
                return text[a:b], min(s["start"], a), max(s["end"], b)
        return None, s["start"], s["end"]
    o = view.entities[c.object]
    lo, hi = min(s["start"], o["start"]), max(s["end"], o["end"])
    for name in EVIDENCE_CUES[c.predicate]:
        inside = [sp for sp in view.cues.get(name, ()) if lo <= sp[0] and sp[1] <= hi]
        if inside:
            return text[slice(*inside[0])], lo, hi
    if view.frame_end and min(s["end"], o["end"]) <= view.frame_end:
        frame = [sp for name in ("field", "frame") for sp in view.cues.get(name, ()) if sp[1] <= view.frame_end]
        if frame:
            a, b = min(frame)
            return text[a:b], min(lo, a), hi
    return None, lo, hi


class RelationModel:
    """Sparse logistic-regression weights with one threshold per predicate."""

    def __init__(self, weights: dict[str, float], thresholds: dict[str, float], meta: dict | None = None):
        self.weights = weights
        self.thresholds = thresholds
        self.meta = meta or {}

    @classmethod
    def load(cls, path: str | Path | None = None) -> "RelationModel":
        path = Path(path) if path else MODEL_FILE
        if path == MODEL_FILE:
            return _shipped()
        return cls._read(path)

    @classmethod
    def _read(cls, path: Path) -> "RelationModel":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(data["weights"], data["thresholds"], data.get("meta"))
        except FileNotFoundError:
            raise ModelError(f"{path}: no relation model; rebuild it with "
                             "python -m nqikg.ingest.training.train_relations") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{path}: not a relation model ({exc}); rebuild it with "
                             "python -m nqikg.ingest.training.train_relations") from None

    def save(self, path: str | Path) -> None:
        data = {"meta": self.meta, "thresholds": self.thresholds,
                "weights": {k: round(v, 5) for k, v in sorted(self.weights.items()) if abs(v) >= 1e-5}}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")

    def score(self, feats: list[str]) -> float:
        z = sum(map(self.weights.get, feats, repeat(0.0)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def scored(self, text: str, entities: list[dict]) -> list[tuple[SentenceView, Candidate, float]]:
        """Every candidate of the sentence with its probability."""
        if not any(e["label"] in _subject_labels() for e in entities):
            return []
        view = SentenceView.of(text, entities)
        return [(view, c, self.score(features(view, c))) for c in candidates(view)]

    def relations(self, text: str, entities: list[dict]) -> list[dict]:
        """The relations of one sentence in the exchange format, once per (subject, predicate, object)."""
        best: dict[tuple, dict] = {}
        for view, c, p in self.scored(text, entities):
            if p < self.thresholds.get(c.predicate, 0.5):
                continue
            s = view.entities[c.subject]
            o = view.entities[c.object] if c.object is not None else None
            key = (s["text"], c.predicate, o["text"] if o else None)
            if key in best and best[key]["score"] >= p:
                continue
            cue, start, end = _cue(view, c)
            best[key] = {"subject": s["text"], "predicate": c.predicate, "object": o["text"] if o else None,
                         "score": round(p, 4), "cue": cue, "evidence": [start, end],
                         "subject_span": [s["start"], s["end"]], "object_span": [o["start"], o["end"]] if o else None}
        return sorted(best.values(), key=lambda r: (r["evidence"][0], r["predicate"], r["subject"], r["object"] or ""))


@lru_cache(maxsize=1)
def _subject_labels() -> frozenset[str]:
    return frozenset().union(*(sig.subject_labels for sig in vocab.relation_signatures().values()))


@lru_cache(maxsize=1)
def _shipped() -> RelationModel:
    return RelationModel._read(MODEL_FILE)

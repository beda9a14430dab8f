"""Place a product in GB/T 4754-2017: rank the 小类 (4-digit classes) where it is made.

    ranker = IndustryClassifier.shared()
    ranker.rank("数控机床", limit=5)   # [Placement(code="3421", name="金属切削机床制造", score=…, matched=("数控机床",)), …]

Each class is described by its official name, its scope note (the ``remark``
column of the reference file: 指…的制造, 包括…) and the names of its parents.
A product name is matched against them in three ways, whose scores add up:

* **the name or its head** found verbatim in a class name or scope note (the
  head of a Chinese noun phrase is at its end: 高端铝合金焊丝 → 焊丝 → 丝), the
  longer the matched part the better; class names weigh more than notes;
* **character n-gram TF-IDF** similarity (scikit-learn) of the product name
  with the class name and with the scope note;
* **the product gazetteer** (``ontology/gbt4754_products.tsv``): common
  names of the products made in each class, as 统计用产品分类目录 lists them
  and policy texts write them (芯片, 晶圆 under 集成电路制造). A gazetteer name
  that is the product's name, or its head (车规级**芯片**), counts most;
* **the vocabulary**: the canonical names and aliases the ontology knows for
  the product (lexicon) are matched like the name itself, at a discount.

Manufacturing (门类 C) gets a small prior, since products are made there
unless the name says software, service or farming. The weights were chosen by
cross-validation on the project's gold mapping (``ontology/gbt4754_gold.jsonl``).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import lexicon, reference

# modifiers that say which kind, not what: left out when looking for the head
_MODIFIER = re.compile(r"^(?:国产|进口|高端|中高端|高档|高性能|高精度|高可靠|高纯|超高|超|高|大型|重型|小型|微型|精密|超精密|"
                       r"核心|关键|基础|先进|新型|新一代|智能|特种|专用|通用|民用|工业|工业用|车用|航空|航天|医用|家用)+")
_NON_MANUFACTURING = re.compile(r"软件|系统软件|数据库|操作系统|服务|平台|养殖|种植|饲养|开采|采矿|发电")
LOW = 0.55   # confidence below which an inferred placement is marked low-confidence
WEIGHTS = {"name_exact": 3.0, "remark_exact": 0.8, "name_tfidf": 1.0, "remark_tfidf": 0.8,
           "alias": 0.6, "manufacturing": 0.6, "product": 6.0}
GAZETTEER = Path(__file__).resolve().parent / "gbt4754_products.tsv"


@dataclass(frozen=True)
class Placement:
    """A ranked class: its code, name, level (4 小类 or 3 中类), score and the words that matched."""
    code: str
    name: str
    level: int
    score: float
    matched: tuple[str, ...]
    parent: str | None = None


def heads(name: str) -> list[str]:
    """The name, the name without its kind modifiers, and its heads, longest first (焊丝 before 丝)."""
    core = _MODIFIER.sub("", name) or name
    out = [name, core]
    for n in range(min(len(core) - 1, 6), 1, -1):
        out.append(core[-n:])
    seen, unique = set(), []
    for v in out:
        if v and v not in seen:
            seen.add(v)
            unique.append(v)
    return unique


class IndustryClassifier:
    """Ranks the 4-digit classes of GB/T 4754-2017 for a product name."""

    def __init__(self, rows: tuple[reference.Row, ...], weights: dict[str, float] | None = None):
        from sklearn.feature_extraction.text import TfidfVectorizer
        self.weights = dict(WEIGHTS, **(weights or {}))
        by_code = {r.code: r for r in rows}
        self.classes = [r for r in rows if r.level == 4]
        self.names = [r.name for r in self.classes]
        self.remarks = [self._remark(r, by_code) for r in self.classes]
        self.sections = [self._section(r, by_code) for r in self.classes]
        self.products = _gazetteer(self.classes)
        self._names, self._remarks = _Haystack(self.names), _Haystack(self.remarks)
        self._product_names = _Haystack([p for p, _ in self.products])
        self._product_index = {p: k for k, (p, _) in enumerate(self.products)}
        self.by_code = by_code
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
        self.vectorizer.fit(self.names + self.remarks)
        self.name_matrix = self.vectorizer.transform(self.names)
        self.remark_matrix = self.vectorizer.transform(self.remarks)

    @classmethod
    @lru_cache(maxsize=1)
    def shared(cls) -> "IndustryClassifier":
        return cls(reference.gbt4754())

    @staticmethod
    def _remark(row: reference.Row, by_code: dict) -> str:
        parent = by_code.get(row.parent) if row.parent else None
        return " ".join(x for x in (row.note, parent.name if parent else "") if x)

    @staticmethod
    def _section(row: reference.Row, by_code: dict) -> str:
        code = row.code
        while row is not None and row.level > 1:
            row = by_code.get(row.parent)
        return row.code if row is not None else code

    def scores(self, name: str) -> tuple[np.ndarray, list[list[str]]]:
        """The score of every 4-digit class for ``name`` and the words of the name each matched."""
        w = self.weights
        variants = heads(name)
        aliases = [a for a in _vocabulary_names(name) if a not in variants]
        n = len(self.classes)
        score = np.zeros(n)
        matched: list[list[str]] = [[] for _ in range(n)]
        for names, weight in ((variants, 1.0), (aliases, w["alias"])):
            for v in names:
                if len(v) < 2:
                    continue
                share = weight * len(v) / max(len(name), len(v))
                in_name, in_remark = self._names.containing(v), self._remarks.containing(v)
                for i in in_name:
                    score[i] += w["name_exact"] * share
                for i in in_remark:
                    score[i] += w["remark_exact"] * share
                for i in in_name | in_remark:
                    if v not in matched[i] and not any(v in m for m in matched[i]):
                        matched[i].append(v)
        quality: dict[int, float] = {}
        for v in variants[:2] + aliases:
            near = {self._product_index[sub] for sub in _substrings(v) if sub in self._product_index}
            near |= self._product_names.containing(v)
            for k in near:
                quality[k] = max(quality.get(k, 0.0), _product_match(v, self.products[k][0]))
        for k, q in quality.items():
            if q > 0:
                product, i = self.products[k]
                score[i] += w["product"] * q
                if product not in matched[i]:
                    matched[i].append(product)
        q = self.vectorizer.transform([name] + aliases[:3])
        qv = q[0] if not aliases else q.max(axis=0)
        score += w["name_tfidf"] * (self.name_matrix @ qv.T).toarray().ravel()
        score += w["remark_tfidf"] * (self.remark_matrix @ qv.T).toarray().ravel()
        if not _NON_MANUFACTURING.search(name):
            score += w["manufacturing"] * np.array([s == "C" for s in self.sections], dtype=float)
        return score, matched

    def rank(self, name: str, limit: int = 5, within: str | None = None) -> list[Placement]:
        """The ``limit`` best classes for a product name, best first; ``within`` keeps the classes
        under one code (a 门类 letter, 大类, 中类 or 小类)."""
        name = name.strip()
        if not name:
            return []
        score, matched = self.scores(name)
        keep = np.ones(len(self.classes), dtype=bool) if within is None else \
            np.array([within in (c.code[:len(within)], s) for c, s in zip(self.classes, self.sections)])
        order = [i for i in np.argsort(-score, kind="stable") if keep[i] and score[i] > 0][:limit]
        return [Placement(self.classes[i].code, self.classes[i].name, 4, round(float(score[i]), 4),
                          tuple(matched[i]), self.classes[i].parent) for i in order]

    @lru_cache(maxsize=65536)
    def place(self, name: str, within: str | None = None) -> tuple[Placement, float, bool] | None:
        """The best class with a confidence in [0.5, 1] (its score against the best class of another
        中类) and whether that is low (no word of the name matched, or confidence below LOW)."""
        ranked = self.rank(name, limit=20, within=within)
        if not ranked:
            return None
        best = ranked[0]
        rival = next((p.score for p in ranked[1:] if p.parent != best.parent), 0.0)
        confidence = best.score / (best.score + rival) if best.score + rival > 0 else 0.5
        return best, round(confidence, 4), not best.matched or confidence < LOW


class _Haystack:
    """Many short texts joined into one, to find every text containing a word with one C-level scan."""

    def __init__(self, texts: list[str]):
        self.joined = "\x00".join(texts)
        self.starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])

    def containing(self, word: str) -> set[int]:
        out, at = set(), self.joined.find(word)
        while at >= 0:
            out.add(int(np.searchsorted(self.starts, at, side="right")) - 1)
            at = self.joined.find(word, at + 1)
        return out


def _substrings(text: str) -> set[str]:
    """Every substring of two characters or more."""
    return {text[i:j] for i in range(len(text)) for j in range(i + 2, len(text) + 1)}


def _product_match(name: str, product: str) -> float:
    """How well a gazetteer product name fits a name: 1 for the same name, most for the name's head
    (车规级芯片 ends in 芯片), less for a part of it or a name it is part of."""
    if len(product) < 2 or len(name) < 2:
        return 0.0
    if name == product:
        return 1.0
    if name.endswith(product):
        return 0.55 + 0.4 * len(product) / len(name)
    if product in name:
        return 0.25 * len(product) / len(name)
    if name in product:
        return 0.4 * len(name) / len(product)
    return 0.0


@lru_cache(maxsize=1)
def product_names() -> frozenset[str]:
    """Every product name of the gazetteer."""
    if not GAZETTEER.exists():
        return frozenset()
    with GAZETTEER.open(encoding="utf-8", newline="") as fh:
        return frozenset(row["product"].strip() for row in csv.DictReader(fh, delimiter="\t"))


def _gazetteer(classes: list[reference.Row]) -> list[tuple[str, int]]:
    """(product name, index into ``classes``) pairs of the gazetteer."""
    if not GAZETTEER.exists():
        return []
    index = {r.code: i for i, r in enumerate(classes)}
    with GAZETTEER.open(encoding="utf-8", newline="") as fh:
        return [(row["product"].strip(), index[row["code"]]) for row in csv.DictReader(fh, delimiter="\t")
                if row["code"] in index and row["product"].strip()]


def _vocabulary_names(name: str) -> list[str]:
    """Other names the ontology's vocabulary gives the product (canonical name, aliases)."""
    out = []
    for e in lexicon.lookup(name):
        if e.label in ("PRODUCT", "INDUSTRY") and e.canonical != name and e.canonical not in out:
            out.append(e.canonical)
    return out

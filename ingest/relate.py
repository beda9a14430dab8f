"""The linked graph of one sentence: the extractor's relations on linked entities, observations, bottleneck claims.

Plain data in (a sentence, its linked mentions, the extractor's facts and
relations), plain data out. Nothing here decides whether a relation holds:
that is the relation classifier's job (:mod:`.relations`), so the graph holds
exactly the relations ``nqikg extract`` returns. This module only

* puts each relation on the entities its ends' mentions were linked to, with
  its evidence span, cue and score; ``bottleneck`` relations become bottleneck
  claims;
* turns facts into observations (numbers parsed, domestic or international
  scope, targets and the policy that sets them).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from .facts import stated_as_target
from .link import Entity

DOMESTIC_CUE = re.compile(r"我国|国内|国产|中国|自主")
INTERNATIONAL_CUE = re.compile(r"国际|国外|进口|发达国家|国际先进水平|世界先进|全球|美国|德国|日本|欧盟|欧洲|韩国|英国|法国|瑞士")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*(?:\.\d+)?")
_RANGE = re.compile(r"(?P<a>[-+]?\d+(?:\.\d+)?)\s*%?\s*[~～\-—–至到]\s*(?P<b>[-+]?\d+(?:\.\d+)?)")
_POWER = re.compile(r"(?P<m>\d+(?:\.\d+)?)\s*[×xX*]\s*10\s*\^?\s*\{?\s*(?P<e>[-−–]?\d+)\s*\}?")
_CN_MULT = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1000), "百": Decimal(100)}


@dataclass(frozen=True)
class Mention:
    """A linked mention: its span in the sentence, label, surface and entity (None for VALUE)."""
    start: int
    end: int
    label: str
    surface: str
    entity: Entity | None


@dataclass(frozen=True)
class Relation:
    subject: Entity
    predicate: str          # local name of an ontology object property
    object: Entity
    start: int              # span of the sentence that states it
    end: int
    cue: str | None = None  # the word it rests on
    score: float | None = None


@dataclass(frozen=True)
class Observation:
    indicator: Entity
    value: str
    subject: Entity | None
    year: str | None
    numeric: Decimal | None
    upper: Decimal | None
    unit: str | None
    scope: str | None       # "domestic" | "international" | None
    target: bool
    policy: Entity | None = None


@dataclass(frozen=True)
class BottleneckClaim:
    product: Entity
    cue: str
    start: int
    end: int
    score: float | None = None


@dataclass
class SentenceGraph:
    relations: list[Relation] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    bottlenecks: list[BottleneckClaim] = field(default_factory=list)


def parse_value(value: str) -> tuple[Decimal | None, Decimal | None, str | None]:
    """``'900 h'`` → (900, None, 'h'); ``'5%~10%'`` → (5, 10, '%'); ``'2×10^{-18}'`` → (2E-18, None, None);
    ``'6.2万余项'`` → (62000, None, '项')."""
    text = value.strip()
    power = _POWER.search(text)
    if power:
        exponent = int(power["e"].replace("−", "-").replace("–", "-"))
        unit = text[power.end():].strip(" }") or None
        return Decimal(power["m"]) * (Decimal(10) ** exponent), None, unit
    rng = _RANGE.search(text)
    number = _NUMBER.search(text)
    if not number:
        return None, None, text or None
    try:
        low = Decimal((rng["a"] if rng else number.group()).replace(",", ""))
        high = Decimal(rng["b"]) if rng else None
    except InvalidOperation:
        return None, None, None
    rest = text[(rng or number).end():].strip()
    if rest[:1] in _CN_MULT:
        low *= _CN_MULT[rest[0]]
        high = high * _CN_MULT[rest[0]] if high is not None else None
        rest = rest[1:]
    rest = re.sub(r"^(余|多|以上|左右)", "", rest).strip()
    rest = re.sub(r"(余|多|以上)$", "", rest).strip()
    return low, high, rest or None


def relate(text: str, mentions: list[Mention], facts: list[dict], relations: list[dict]) -> SentenceGraph:
    """The sentence's relations (as the extractor returned them) on linked entities, its observations and claims."""
    out = SentenceGraph()
    by_span = {(m.start, m.end): m for m in mentions if m.entity is not None}
    for r in relations:
        subject = by_span.get(tuple(r["subject_span"]))
        if subject is None:
            continue
        start, end = r["evidence"]
        if r["object"] is None:
            if r["predicate"] == "bottleneck":
                out.bottlenecks.append(BottleneckClaim(subject.entity, r.get("cue") or text[start:end], start, end,
                                                       r.get("score")))
            continue
        obj = by_span.get(tuple(r["object_span"]))
        if obj is not None and obj.entity.iri != subject.entity.iri:
            out.relations.append(Relation(subject.entity, r["predicate"], obj.entity, start, end,
                                          r.get("cue"), r.get("score")))
    out.observations.extend(_observations(text, mentions, facts))
    return out


def _observations(text: str, mentions: list[Mention], facts: list[dict]) -> list[Observation]:
    by_surface: dict[tuple[str, str], list[Mention]] = {}
    for m in mentions:
        by_surface.setdefault((m.label, m.surface), []).append(m)
    policies = [m for m in mentions if m.label == "POLICY" and m.entity]
    observations = []
    for fact in facts:
        indicator = _find(by_surface, ("INDICATOR",), fact.get("indicator"))
        value_mention = _find(by_surface, ("VALUE",), fact.get("value"))
        if indicator is None or indicator.entity is None or not fact.get("value"):
            continue
        subject = _find(by_surface, ("PRODUCT", "INDUSTRY", "LOC", "ORG", "METHOD", "POLICY",
                                     "METROLOGY", "STANDARD", "TESTING", "CERTIFICATION", "NQI"),
                        fact.get("subject"))
        numeric, upper, unit = parse_value(fact["value"])
        before = text[max(0, (value_mention.start if value_mention else indicator.end) - 25):
                      value_mention.start if value_mention else indicator.end]
        scope = _scope(before)
        if _TABLE_HEADER.search(text):
            scope = None  # columns of a flattened comparison table: assigned by position below
        year = fact.get("year")
        at = value_mention or indicator
        target = stated_as_target(text, {"start": at.start, "end": at.end})
        earlier = [p for p in policies if p.end <= at.start]   # the policy nearest before a target sets it
        setter = (earlier[-1] if earlier else policies[0]).entity if target and policies else None
        observations.append(Observation(
            indicator.entity, fact["value"], subject.entity if subject else None,
            str(year) if year else None, numeric, upper, unit, scope, target, setter))
    if _TABLE_HEADER.search(text):
        return _table_columns(observations)
    return _complete_comparisons(observations)


# the header of a flattened domestic-vs-international table: 国内现状 国际先进水平
_TABLE_HEADER = re.compile(r"国内(?:现状|水平)\s*国际(?:先进|领先)?水平")


def _table_columns(observations: list[Observation]) -> list[Observation]:
    """Values of one indicator in a flattened comparison table alternate domestic, international."""
    seen: dict[tuple[str, str | None], int] = {}
    out = []
    for o in observations:
        key = (o.indicator.iri, o.subject.iri if o.subject else None)
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(replace(o, scope="domestic" if n % 2 == 0 else "international"))
    return out


def _complete_comparisons(observations: list[Observation]) -> list[Observation]:
    """In a sentence comparing with international levels, an unscoped value of the same indicator is domestic."""
    compared = {o.indicator.iri for o in observations if o.scope == "international"}
    return [replace(o, scope="domestic") if o.scope is None and o.indicator.iri in compared else o
            for o in observations]


def _scope(before: str) -> str | None:
    """The comparison scope of a value from the words just before it (the nearest cue wins)."""
    last_domestic = max((m.end() for m in DOMESTIC_CUE.finditer(before)), default=-1)
    last_international = max((m.end() for m in INTERNATIONAL_CUE.finditer(before)), default=-1)
    if last_domestic < 0 and last_international < 0:
        return None
    return "international" if last_international > last_domestic else "domestic"


def _find(index: dict, labels: tuple[str, ...], surface: str | None) -> Mention | None:
    if not surface:
        return None
    for label in labels:
        if (label, surface) in index:
            return index[(label, surface)][0]
    return None

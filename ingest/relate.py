"""Relations and observations read from one sentence's linked mentions and facts.

Plain data in (a sentence, its linked mentions, its facts), plain data out
(relations with the character span that supports them, observations, bottleneck
claims). Rules are general cue patterns of Chinese policy prose:

* an NQI element *supports* an industry or product named in the same clause
  when the clause carries a support cue (支撑, 服务, 面向, 针对, 建设, 制定 …);
* a product is a *bottleneck* where its clause says so (依赖进口, 卡脖子, 断供,
  受制于人, 造得出、造不好 …);
* a product *belongs to* an industry when the sentence is framed by the
  industry (在集成电路领域，…) or names the product right after the industry;
* an organisation *issued* (发布, 印发, 颁布 …) or *developed* (研制, 制定 …)
  a policy, standard or specification in the same clause;
* a policy *sets a target* when a fact of its sentence is a target (到2025年).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from .link import NQI_LABELS, Entity

_CLAUSE = re.compile(r"[^；;。！？!?]+[；;。！？!?]?")
# a directed cue ties an NQI element to a target anywhere in the clause; a generic verb only within one segment
SUPPORT_CUE = re.compile(r"支撑|支持|服务于|面向|针对|围绕|聚焦|保障|助力|赋能|满足|适应|覆盖")
GENERIC_SUPPORT_CUE = re.compile(r"建设|建立|制定|制修订|研制|开展|提升|加强|完善|推动|推进|实施|引领")
BOTTLENECK_CUE = re.compile(
    r"依赖进口|进口依赖|依赖国外|依靠进口|大量进口|主要靠进口|卡脖子|“卡脖子”|断供|受制于人|造得出、造不好|造不好|对外依存度?高?"
    r"|被国外.{0,6}垄断|国外垄断|垄断|短板|瓶颈|受制于|无法自主|不能自主")
ISSUE_CUE = re.compile(r"发布|印发|颁布|出台|公布|批准|发起|签署|施行")
DEVELOP_CUE = re.compile(r"研制|研发|开发|制定|起草|编制|主导|牵头")
DOMESTIC_CUE = re.compile(r"我国|国内|国产|中国|自主")
INTERNATIONAL_CUE = re.compile(r"国际|国外|进口|发达国家|国际先进水平|世界先进|全球|美国|德国|日本|欧盟|欧洲|韩国|英国|法国|瑞士")
TARGET_CUE = re.compile(r"到\s*(?:19|20)\d{2}\s*年|目标|力争|达到|提高到|提升到|超过")
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
    start: int              # span of the sentence that supports it
    end: int


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


def _clauses(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _CLAUSE.finditer(text)] or [(0, len(text))]


def _in(span: tuple[int, int], m: Mention) -> bool:
    return span[0] <= m.start and m.end <= span[1]


def relate(text: str, mentions: list[Mention], facts: list[dict]) -> SentenceGraph:
    """Relations, observations and bottleneck claims of one sentence."""
    out = SentenceGraph()
    linked = [m for m in mentions if m.entity is not None]
    for span in _clauses(text):
        clause = text[span[0]:span[1]]
        inside = [m for m in linked if _in(span, m)]
        elements = [m for m in inside if m.label in NQI_LABELS]
        targets = [m for m in inside if m.label in ("INDUSTRY", "PRODUCT")]
        if elements and targets:
            out.relations.extend(_supports(text, span, elements, targets))
        out.bottlenecks.extend(_bottlenecks(text, span, inside))
        orgs = [m for m in inside if m.label == "ORG"]
        outputs = [m for m in inside if m.label in ("POLICY", "STANDARD", "METROLOGY") and m.entity.code or m.label == "POLICY"]
        for cue_re, predicate in ((ISSUE_CUE, "issuedBy"), (DEVELOP_CUE, "developedBy")):
            if orgs and outputs and cue_re.search(clause):
                for o in outputs:
                    for org in orgs:
                        out.relations.append(Relation(o.entity, predicate, org.entity, *span))
                break
    out.relations.extend(_membership(text, linked))
    out.observations.extend(_observations(text, mentions, facts))
    return out


def _supports(text: str, span: tuple[int, int], elements: list[Mention], targets: list[Mention]) -> list[Relation]:
    """NQI elements supporting industries or products of one clause."""
    clause = text[span[0]:span[1]]
    directed = SUPPORT_CUE.search(clause) is not None
    segments = [(span[0] + m.start(), span[0] + m.end()) for m in _SEGMENT.finditer(clause)]
    relations = []
    for e in elements:
        for t in targets:
            if e.entity.iri == t.entity.iri:
                continue
            same_segment = any(_in(seg, e) and _in(seg, t) for seg in segments)
            if directed or (same_segment and GENERIC_SUPPORT_CUE.search(clause)):
                relations.append(Relation(e.entity, "supports", t.entity, *span))
    return relations


_SEGMENT = re.compile(r"[^，,：:]+[，,：:]?")


def _bottlenecks(text: str, span: tuple[int, int], mentions: list[Mention]) -> list[BottleneckClaim]:
    """Products a bottleneck cue applies to: those of the comma-delimited segment holding the cue
    (a coordinated list such as 工业母机、高端芯片…等…依赖进口 stays inside one segment), else the
    products of the segment just before it."""
    claims = []
    segments = [(span[0] + m.start(), span[0] + m.end()) for m in _SEGMENT.finditer(text[span[0]:span[1]])]
    for cue in BOTTLENECK_CUE.finditer(text, span[0], span[1]):
        for k, seg in enumerate(segments):
            if seg[0] <= cue.start() < seg[1]:
                products = [m for m in mentions if m.label == "PRODUCT" and _in(seg, m) and m.start < cue.start()]
                if not products and k > 0:
                    products = [m for m in mentions if m.label == "PRODUCT" and _in(segments[k - 1], m)]
                claims.extend(BottleneckClaim(m.entity, cue.group(), *span) for m in products)
                break
    return claims


_FRAME = re.compile(r"^(?:在|对于|就|从)?(?P<ind>[^，,。；]{2,20}?)(?:领域|行业|产业|方面)[，,]?")


def _membership(text: str, mentions: list[Mention]) -> list[Relation]:
    industries = [m for m in mentions if m.label == "INDUSTRY"]
    products = [m for m in mentions if m.label == "PRODUCT"]
    if not industries or not products:
        return []
    frame = _FRAME.match(text)
    relations = []
    if frame:
        framing = [m for m in industries if m.end <= frame.end()]
        if framing:
            for p in products:
                if p.start >= frame.end() and p.entity.iri != framing[0].entity.iri:
                    relations.append(Relation(p.entity, "belongsToIndustry", framing[0].entity, 0, len(text)))
    for i in industries:
        for p in products:
            gap = text[i.end:p.start]
            if 0 <= p.start - i.end <= 3 and re.fullmatch(r"(的|中的|用|类)?", gap) and p.entity.iri != i.entity.iri:
                relations.append(Relation(p.entity, "belongsToIndustry", i.entity, i.start, p.end))
    return relations


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
        target = bool(year and re.search(rf"到\s*{year}|{year}\s*年.{{0,6}}(目标|力争)", text)) or \
            bool(TARGET_CUE.search(before) and year)
        observations.append(Observation(
            indicator.entity, fact["value"], subject.entity if subject else None,
            str(year) if year else None, numeric, upper, unit, scope, target,
            policies[0].entity if target and policies else None))
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

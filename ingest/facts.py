"""Quantitative facts: link each VALUE of a sentence to its INDICATOR, subject and year.

Rules (ANNOTATION.md, "Facts"), checked on the annotated training records
(with their gold entities the linker finds 94 % of the facts at 98 % precision):

* a VALUE belongs to the nearest INDICATOR before it in the same sentence part
  (parts end at 。！？；), within MAX_GAP characters; a value never takes an
  indicator written after it;
* it crosses a comma only to continue a list of values of that indicator whose
  clause names just a subject, a year or a comparison ("，美国34.30%",
  "，到2025年达到1.68%", "，国际先进水平5000 h");
* "A和B分别为x和y" pairs indicators and values in order; an alias in brackets
  (平均无故障时间（MTBF）) gives way to the name before it;
* a change right after the indicator is its value (产品不良率降低25%), a
  year-on-year change after a level is not (…3585.92亿元，同比增长11.19%), nor
  a share of it (占全行业营业收入的76.40%);
* subject: an entity written right before the value (not after 低于/比), one of
  a respectively-list (东部、中部…分别为 a、b), else the nearest in the
  indicator's own clause, else the topic of the sentence part (the head B
  of "A研制的B"); comparison
  targets (与国际标准…) are skipped; none when nothing fits;
* a value in a later clause stated as a target (设定的目标（86）) belongs to
  the indicator before it, up to MAX_TARGET_GAP characters away; so does the
  first value after a trend clause (指数持续提升，2024年达到85.6);
* coordinated indicators given one value (A和B均达到98%) each get it;
* year: a year mention (2019年, 到2025年) in the same part, nearest before the
  value, else the first one after it.
"""
from __future__ import annotations

import re

LIST_NAME_LABELS = ("PRODUCT", "INDUSTRY", "LOC", "ORG")
SUBJECT_LABELS = ("PRODUCT", "INDUSTRY", "LOC", "ORG", "METROLOGY", "TESTING", "CERTIFICATION", "STANDARD", "NQI", "METHOD")
_PART_END = re.compile(r"[。！？；!?;]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s?年(?!代)")
MAX_GAP = 40  # characters between an indicator and its value
MAX_TARGET_GAP = 80  # characters between an indicator and a later clause stating its target
LIST_SEGMENT = 10  # a comma clause continuing a list of values ("，美国34.30%") is at most this long before its value
# a value right after these words is a change or a share, not the level of the indicator
_CHANGE = re.compile(r"(同比|环比|比上年|较上年|比去年|较去年|增长了?|增加了?|下降了?|减少了?|提高了?|降低了?|上升了?|回落|增幅|降幅|增速)\s?(?:约|近|超过|达到?|为)?\s?$")
_LINK_WORDS = re.compile(r"(连续\d+年|持续|一直|始终|仍然|仍|均|已|都|保持|到|至|在|为|是|约|近|达|达到|分别为|分别|提高到|增至|降至|仅为|超过|而|则|和|与|及|\s)")
# the international/domestic comparison of a value ("，国际先进水平5000 h")
_COMPARE = re.compile(r"(国际|国外|世界|全球|发达国家|先进国家|同类产品|国内|行业)(先进|领先|平均|一流|最高|最好)?(水平|值)?")
# a trend clause between an indicator and the clause giving its level (持续提升，2024年达到85.6)
_TREND = re.compile(r"\s?(?:持续|稳步|不断|进一步|逐年|明显|显著|大幅|快速|稳定|继续)?(?:提升|提高|增长|上升|改善|扩大|增加|下降|降低|减少|缩小|回升)\s?")
_GROWTH_IND = re.compile(r"(增长|增速|增幅|增长率|降幅|提高|下降)")


def _parts(text: str) -> list[tuple[int, int]]:
    out, s = [], 0
    for m in _PART_END.finditer(text):
        out.append((s, m.end()))
        s = m.end()
    if s < len(text):
        out.append((s, len(text)))
    return out


_COMPARATIVE = re.compile(r"(低于|高于|远低于|远高于|不及|不到|超过|相当于|是|比|较|为|约为|仅为)\s?$")
_CLAUSE_SEP = re.compile(r"[，,；;：:]")
_RESPECTIVELY = re.compile(r"分别(?:为|是|达到?|占)?")


def _subject(text: str, part: list[dict], ind: dict, v: dict, vals: list[dict], linked: dict) -> str | None:
    """The thing measured by ``v``: a subject written just before the value, one of a
    respectively-list (东部、中部…分别为 a、b), else the nearest before the indicator."""
    subj = [e for e in part if e["label"] in SUBJECT_LABELS]
    # 1. adjacent to the value, not introduced by a comparison (…远低于德国 13.54 美元/kg)
    between = [e for e in subj if e["start"] >= ind["end"] and e["end"] <= v["start"]]
    if between:
        e = between[-1]
        gap = text[e["end"]:v["start"]]
        lead = text[max(ind["end"], e["start"] - 4):e["start"]]
        if len(gap.strip()) <= 4 and not _COMPARATIVE.search(lead):
            return e["text"]
    # 2. respectively: a list of subjects before the indicator, values after 分别为
    resp = _RESPECTIVELY.search(text, ind["end"], v["start"])
    pre = [e for e in subj if e["end"] <= ind["start"]]
    if resp and pre:
        group = [pre[-1]]
        for e in reversed(pre[:-1]):
            if re.fullmatch(r"\s*[、和与及]\s*", text[e["end"]:group[0]["start"]]):
                group.insert(0, e)
            else:
                break
        same = [w for w in vals if linked.get(w["start"]) is ind and w["start"] >= resp.end()] + [v]
        same = sorted({w["start"]: w for w in same}.values(), key=lambda w: w["start"])
        k = [w["start"] for w in same].index(v["start"])
        if len(group) > 1 and k < len(group):
            return group[k]["text"]
    # 3. before the indicator: the nearest one in the indicator's own clause, else the topic of the
    #    sentence part (its first place/body/product/sector); a comparison target (与国际标准) is skipped
    pre = [e for e in pre if not re.search(r"(比|较|于|与|同)\s?$", text[max(0, e["start"] - 2):e["start"]])]
    if not pre:
        return None
    cs = 0
    for m in _CLAUSE_SEP.finditer(text, 0, ind["start"]):
        cs = m.end()
    same = [e for e in pre if e["start"] >= cs]
    if same:
        primary = [e for e in same if e["label"] in LIST_NAME_LABELS]
        return (primary or same)[-1]["text"]
    primary = [e for e in pre if e["label"] in LIST_NAME_LABELS]
    first = (primary or pre)[0]
    # …研制的锶光晶格钟: in "A (made) 的 B" the head B is what is measured
    head = [e for e in pre if e["start"] > first["end"] and _OF_HEAD.fullmatch(text, first["end"], e["start"])]
    return (head[0] if head else first)["text"]


_OF_HEAD = re.compile(r"[\u4e00-\u9fff]{0,4}的")


def _names_a_target(text: str, ps: int, v: dict) -> bool:
    """目标 in the value's clause (设定的目标（86）, 设定的94%目标): the narrow cue that lets a value take an
    indicator of an earlier clause (wider cues, as in :func:`stated_as_target`, link more wrong facts)."""
    cs = ps
    for m in _CLAUSE_SEP.finditer(text, ps, v["start"]):
        cs = m.end()
    return "目标" in text[cs:v["end"] + 3]


def value_scope(text: str, v: dict) -> tuple[int, int]:
    """The span that states the value ``v``: the brackets around it (目标（86，2025年目标）), else its clause,
    with brackets after it that date a target (设定的94%目标（2025年目标）)."""
    opened = text.rfind("（", 0, v["start"]), text.rfind("(", 0, v["start"])
    start = max(opened)
    if start >= 0 and not _CLOSE.search(text, start, v["start"]):
        close = _CLOSE.search(text, v["end"])
        return start, close.end() if close else len(text)
    cs = max((m.end() for m in _CLAUSE_SEP.finditer(text, 0, v["start"])), default=0)
    after = _CLAUSE_REST.match(text, v["end"])
    note = after.group("note") or ""
    return cs, after.end() if "目标" in note else after.end() - len(note)


_CLOSE = re.compile(r"[）)]")
_CLAUSE_REST = re.compile(r"[^，,；;：:。！？（(]*(?P<note>[（(][^）)]*[）)])?")


_TARGET_WORD = re.compile(r"目标|力争|(?<![超高低好于])预期|预计")
# 到2025年, 2025年前, 2025年底前; not 2023年前三季度 or 2024年前10个月, which report a period
_PLAN_FRAME = re.compile(r"到\s*(?:19|20)\d{2}\s*年|(?:19|20)\d{2}\s*年(?:底)?前(?![一二三四五六七八九十两几半\d])")


def stated_as_target(text: str, v: dict) -> bool:
    """Whether the value ``v`` is a target, not a reported level: its clause says so (设定的目标（86）,
    力争…, 预计…), or a plan's horizon frames its sentence part (到2025年，…达到86)."""
    start, end = value_scope(text, v)
    if text.startswith(("（", "("), start):   # in brackets: the clause the brackets belong to speaks for it
        start = max((m.end() for m in _CLAUSE_SEP.finditer(text, 0, start)), default=0)
    part_start = max((m.end() for m in _PART_END.finditer(text, 0, v["start"])), default=0)
    return bool(_TARGET_WORD.search(text, start, end) or _PLAN_FRAME.search(text, part_start, v["start"]))


def _year(years: list[tuple[int, str]], ps: int, pe: int, v: dict, scope: tuple[int, int]) -> str | None:
    """A year mention of the value's own scope (:func:`value_scope`), else of its sentence part: the
    nearest before the value, else the first after it."""
    for lo, hi in (scope, (ps, pe)):
        around = [(p, y) for p, y in years if lo <= p < hi]
        prior = [y for p, y in around if p < v["start"]]
        if prior:
            return prior[-1]
        if around:
            return around[0][1]
    return None


def link_facts(text: str, entities: list[dict]) -> list[dict]:
    """Facts of one sentence from its (sorted, non-overlapping) entities."""
    ents = sorted(entities, key=lambda e: e["start"])
    facts = []
    years = [(m.start(), m.group(1)) for m in _YEAR.finditer(text)]
    for ps, pe in _parts(text):
        part = [e for e in ents if ps <= e["start"] < pe]
        inds = [e for e in part if e["label"] == "INDICATOR"]
        vals = [e for e in part if e["label"] == "VALUE"]
        if not inds or not vals:
            continue
        linked: dict[int, dict] = {}  # value start -> indicator
        for v in vals:
            before = [i for i in inds if i["end"] <= v["start"]]
            ind = None
            if before:
                cand = before[-1]
                gap = text[cand["end"]:v["start"]]
                lead = text[max(ps, v["start"] - 8):v["start"]]
                if _CHANGE.search(lead) and not _GROWTH_IND.search(cand["text"]) and any(
                        ind_ is cand for ind_ in linked.values()):
                    continue  # …3585.92亿元，同比增长11.19%: a change after the level, not the level
                # 4. an alias in brackets right after the indicator: 平均无故障时间（MTBF）
                if len(before) >= 2 and re.fullmatch(r"\s*[（(]\s*", text[before[-2]["end"]:cand["start"]]) \
                        and re.match(r"\s*[）)]", text[cand["end"]:]):
                    cand = before[-2]
                    gap = text[cand["end"]:v["start"]]
                # 3. respectively: 事故起数和死亡人数分别为62起和61人
                group = [cand]
                for e in reversed(before[:-1]):
                    if re.fullmatch(r"\s*[、和与及]\s*", text[e["end"]:group[0]["start"]]):
                        group.insert(0, e)
                    else:
                        break
                if len(group) > 1 and _RESPECTIVELY.search(text, cand["end"], v["start"]):
                    mine = [w for w in vals if cand["end"] <= w["start"] <= v["start"]]
                    k = len(mine) - 1
                    if k < len(group):
                        ind = group[k]
                        linked[v["start"]] = ind
                        facts.append({"indicator": ind["text"], "value": v["text"],
                                      "subject": _subject(text, part, ind, v, vals, linked), "year": _year(years, ps, pe, v, value_scope(text, v))})
                    continue
                if re.search(r"占\s?$", text[max(ps, cand["start"] - 2):cand["start"]]):
                    continue  # 占全行业营业收入的76.40%: a share of the indicator
                if v["start"] - cand["end"] <= MAX_GAP:
                    commas = [m.end() for m in re.finditer(r"[，,]", gap)]
                    if not commas:
                        ind = cand
                    else:
                        # crossing a comma: only to continue a list of values of the same indicator
                        seg = gap[commas[-1]:]
                        seg_start = v["start"] - len(seg)
                        prev_vals = [w for w in vals if cand["end"] <= w["start"] < v["start"]]
                        # the clause only names who/when: "，美国34.30%", "，到2025年达到1.68%"
                        names = any(e["label"] in LIST_NAME_LABELS and seg_start <= e["start"] and e["end"] <= v["start"]
                                    for e in part)
                        bare = not _LINK_WORDS.sub("", _YEAR.sub("", seg)).strip()
                        if len(seg) <= LIST_SEGMENT and prev_vals and linked.get(prev_vals[-1]["start"]) is cand \
                                and (names or bare or _YEAR.search(seg) or _COMPARE.search(seg)):
                            ind = cand
                        elif len(commas) == 1 and not prev_vals and bare and len(seg) <= LIST_SEGMENT \
                                and _TREND.fullmatch(gap[:commas[0] - 1]):
                            ind = cand  # 指数持续提升，2024年达到85.6: a trend, then the level
            if ind is None and before and v["start"] - before[-1]["end"] <= MAX_TARGET_GAP and _names_a_target(text, ps, v):
                ind = before[-1]  # …达到85.6，接近《纲要》设定的目标（86，2025年目标）: targets are facts too
            if ind is None:
                continue
            linked[v["start"]] = ind
            for i in _sharing(text, part, ind, v):
                facts.append({"indicator": i["text"], "value": v["text"], "subject": _subject(text, part, i, v, vals, linked),
                              "year": _year(years, ps, pe, v, value_scope(text, v))})
    return facts


_BOTH = re.compile(r"(均|都|皆|同样)")
_CONJ = re.compile(r"\s*(?:、|和|与|及|以及)\s*")


def _sharing(text: str, part: list[dict], ind: dict, v: dict) -> list[dict]:
    """``ind`` and the indicators coordinated with it when the sentence gives them one value
    (频率稳定度和系统不确定度均优于2×10⁻¹⁸; …合格率和食品抽检合格率均达到98%以上)."""
    if not _BOTH.search(text, ind["end"], v["start"]):
        return [ind]
    group, head = [ind], ind
    for e in reversed([e for e in part if e["end"] <= ind["start"]]):
        if e["label"] in SUBJECT_LABELS:
            continue  # 食品 in 和食品抽检合格率: a subject between conjuncts
        if e["label"] != "INDICATOR":
            break
        between = text[e["end"]:head["start"]]
        subjects = [s for s in part if e["end"] <= s["start"] and s["end"] <= head["start"]]
        for s in reversed(subjects):
            between = between[:s["start"] - e["end"]] + between[s["end"] - e["end"]:]
        if not _CONJ.fullmatch(between):
            break
        group.append(e)
        head = e
    return group[::-1]

"""Quantitative facts: link each VALUE of a sentence to its INDICATOR, subject and year.

Rules (ANNOTATION.md, "Facts"):

* a VALUE belongs to the nearest INDICATOR before it in the same sentence part
  (parts end at 。！？；), unless another INDICATOR or a clause with a new verb
  of measurement intervenes; a VALUE with no indicator before it may take the
  nearest INDICATOR right after it within the same comma clause
  ("93.93%的产品质量合格率");
* every VALUE of a list after one indicator is a fact of that indicator
  ("美国34.30%、德国42.40%"), also the international comparison
  ("国际先进水平5000 h");
* subject: the PRODUCT/INDUSTRY/LOC/ORG written between the indicator and the
  value (a list of countries), else the nearest one before the indicator in
  the same part; none when the sentence does not say;
* year: a year mention (2019年, 到2025年) in the same part, nearest before the
  value, else the first one after it in the part.
"""
from __future__ import annotations

import re

SUBJECT_LABELS = ("PRODUCT", "INDUSTRY", "LOC", "ORG")
_PART_END = re.compile(r"[。！？；!?;]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s?年(?!代)")
MAX_GAP = 40  # characters between an indicator and its value
LIST_SEGMENT = 10  # a comma clause continuing a list of values ("，美国34.30%") is at most this long before its value
# a value right after these words is a change or a share, not the level of the indicator
_CHANGE = re.compile(r"(同比|环比|比上年|较上年|比去年|较去年|增长了?|增加了?|下降了?|减少了?|提高了?|降低了?|上升了?|回落|增幅|降幅|增速)\s?(?:约|近|超过|达到?|为)?\s?$")
_GROWTH_IND = re.compile(r"(增长|增速|增幅|增长率|降幅|提高|下降)")


def _parts(text: str) -> list[tuple[int, int]]:
    out, s = [], 0
    for m in _PART_END.finditer(text):
        out.append((s, m.end()))
        s = m.end()
    if s < len(text):
        out.append((s, len(text)))
    return out


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
                if _CHANGE.search(lead) and not _GROWTH_IND.search(cand["text"]):
                    continue  # 同比增长11.19% is a change of the indicator, not its value
                if re.search(r"占\s?$", text[max(ps, cand["start"] - 2):cand["start"]]):
                    continue  # 占全行业营业收入的76.40%: a share of the indicator
                if v["start"] - cand["end"] <= MAX_GAP:
                    commas = [m.end() for m in re.finditer(r"[，,]", gap)]
                    if not commas:
                        ind = cand
                    else:
                        # crossing a comma: only to continue a list of values of the same indicator
                        seg = gap[commas[-1]:]
                        prev_vals = [w for w in vals if cand["end"] <= w["start"] < v["start"]]
                        if len(seg) <= LIST_SEGMENT and prev_vals and linked.get(prev_vals[-1]["start"]) is cand:
                            ind = cand
                        elif len(gap) <= 12 and len(seg) <= 6 and not prev_vals:
                            ind = cand
            if ind is None:
                after = [i for i in inds if i["start"] >= v["end"]]
                if after:
                    cand = after[0]
                    gap = text[v["end"]:cand["start"]]
                    if len(gap) <= 12 and not re.search(r"[，,、]", gap):
                        ind = cand
            if ind is None:
                continue
            linked[v["start"]] = ind
            # subject
            lo, hi = sorted((ind["end"], v["start"]))
            between = [e for e in part if e["label"] in SUBJECT_LABELS and e["start"] >= lo and e["end"] <= hi]
            subject = None
            if between and ind["end"] <= v["start"]:
                subject = between[-1]["text"]
            else:
                pre = [e for e in part if e["label"] in SUBJECT_LABELS and e["end"] <= min(ind["start"], v["start"])]
                if pre:
                    subject = pre[-1]["text"]
            # year
            year = None
            in_part = [(p, y) for p, y in years if ps <= p < pe]
            prior = [y for p, y in in_part if p < v["start"]]
            if prior:
                year = prior[-1]
            elif in_part:
                year = in_part[0][1]
            facts.append({"indicator": ind["text"], "value": v["text"], "subject": subject, "year": year})
    return facts

"""Features of a relation candidate: the words, cues and structure between and around its two ends.

Plain data in (a sentence, its entities, the candidate's two entity indexes),
a list of feature strings out. Built to carry over to texts never seen:

* **structure** over *groups*: coordinated entities of one role (计量、标准和
  认证认可; 工业母机、高端芯片等) are one group, so a relation reaches every
  conjunct at the same cost (rule 2); distance, commas, clause ends, the
  entities and competitors between the two groups; whether an end stands in
  a mixed list (计量、检验检测、特种设备等机构: kinds listed, not related);
* **cue classes** (support, build, issue, develop, organise, bottleneck,
  negation, contrast, hedging, speech …) where they occur: between the ends, just before
  or after them, in the clause;
* **the words themselves**, with entities masked by their label, as character
  unigrams and bigrams of the gap and of short windows around the ends;
* **frames** (在X领域，…) and the labels of the ends.

Every feature of a two-place candidate is prefixed with its predicate; a few
structural ones are also emitted bare so predicates share what they have in
common.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from ..ontology import lexicon

NQI_ROLE = frozenset({"METROLOGY", "STANDARD", "TESTING", "CERTIFICATION", "NQI"})
TARGET_ROLE = frozenset({"INDUSTRY", "PRODUCT"})

CUES: dict[str, re.Pattern] = {name: re.compile(pattern) for name, pattern in {
    "support": r"支撑|支持|服务|面向|针对|围绕|聚焦|保障|助力|赋能|满足|适应|覆盖|用于|应用于|适用于|提供|护航|促进|推动|引领",
    "build": r"建设|建立|筹建|建成|组建|设立|布局|打造|培育|构建|健全|完善",
    "standardise": r"制定|制修订|修订|研制|起草|编制|出台|发布|实施|宣贯|采标|对标",
    "apply": r"开展|推行|推广|实施|应用|运用|采用|加强|提升|强化",
    "issue": r"发布|印发|颁布|出台|公布|批准|签发|施行|下发|发出|公告|审议通过|通过",
    "develop": r"研制|研发|开发|制定|起草|编制|主导|牵头|攻克|自主可控|研究制定|建立|建成|突破",
    "organise": r"组织开展|组织实施|组织|承办|举办|主办|召开|参加|参与|协办",
    "agent": r"由|经|会同|联合|共同",
    "field": r"领域|行业|产业|方面|板块|环节",
    "frame": r"在|对于|围绕|聚焦|面向|针对|就",
    "bottleneck": r"依赖进口|进口依赖|依赖国外|依靠进口|大量进口|靠进口|进口|依赖|卡脖子|断供|垄断|受制于人|受制于|"
                  r"造得出|造不好|自给率|对外依存|国产化率|国产替代|国产化|替代进口|打破|填补.{0,8}空白|攻克|短板|瓶颈|"
                  r"被国外|国外企业|国外厂商|外资|封锁|禁运|制裁",
    "shortfall": r"落后于?|差距|不及|低于|相差|不如|弱于|差于|远低于|跟跑",
    "foreign": r"国外|进口|国际|发达国家|欧美|美国|日本|德国|欧盟|海外|外资|跨国",
    "domestic": r"国产|国内|自主|本土|我国",
    "negation": r"缺乏|缺少|尚未|未能|未|没有|无|不足|欠缺|空白|薄弱|滞后|不再|不能|难以|不够|匮乏",
    "contrast": r"但是|但|然而|却|不过",
    "hedge": r"可能|或将|有望|拟|预计|力争",
    "speech": r"表示|指出|认为|介绍|强调|称|说|谈到|提到",
    "person": r"主任|院长|局长|部长|司长|处长|所长|主席|书记|总经理|董事长|会长|秘书长|专家|教授|研究员|总工程师|负责人",
    "of": r"的",
    "quote": r"[《》“”]",
}.items()}

_COORD_GAP = re.compile(r"\s*(?:、|和|与|及|以及|或|或者|、以及|及其|和其他)?\s*")
_CLAUSE_END = re.compile(r"[。；;！？!?]")
_SENTENCE_END = re.compile(r"[。！？!?]")
_COMMA = re.compile(r"[，,]")
_COLON = re.compile(r"[：:]")
_FRAME = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*)?(?:在|对于|就|针对|围绕|面向|聚焦)(?P<body>[^，,。；]{1,30}?)(?:领域|行业|产业|方面|中|上)?[，,]")
_SEGMENT_END = re.compile(r"[，,。；;：:]")
WINDOW = 6   # characters of context on each side of a candidate
EDGE = 5     # characters at each end of the gap


def role(label: str) -> str:
    """Entities of one role may be coordinated into one group."""
    if label in NQI_ROLE:
        return "NQI"
    if label in TARGET_ROLE:
        return "TARGET"
    return label


def _bucket(n: int, edges: tuple[int, ...] = (0, 1, 2, 3, 5, 8, 12, 20, 40)) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


@dataclass
class SentenceView:
    """A sentence with its entities (sorted by start), their coordination groups and masked text."""
    text: str
    entities: list[dict]
    group: list[int]                 # group index of each entity
    groups: list[tuple[int, int]]    # (start, end) characters of each group
    frame_end: int                   # end of an opening frame 在X领域， (0 when none)
    sentence: list[int]              # sentence index of each entity (a line may hold several sentences)
    cues: dict[str, list[tuple[int, int]]]   # every match of each cue class, found once per sentence
    _seen: dict = field(default_factory=dict, repr=False)   # cue classes found per window

    @classmethod
    def of(cls, text: str, entities: list[dict]) -> "SentenceView":
        ents = sorted(entities, key=lambda e: e["start"])
        group, groups = [], []
        for i, e in enumerate(ents):
            prev = ents[i - 1] if i else None
            if (prev is not None and role(prev["label"]) == role(e["label"])
                    and _COORD_GAP.fullmatch(text, prev["end"], e["start"])
                    and (text[prev["end"]:e["start"]].strip() or role(e["label"]) == "NQI")):
                group.append(group[-1])
                groups[-1] = (groups[-1][0], e["end"])
            else:
                group.append(len(groups))
                groups.append((e["start"], e["end"]))
        m = _FRAME.match(text)
        cues = {name: [x.span() for x in rx.finditer(text)] for name, rx in CUES.items()}
        ends = [x.end() for x in _SENTENCE_END.finditer(text)]
        sentence = [bisect_right(ends, e["start"]) for e in ents]
        return cls(text, ents, group, groups, m.end() if m else 0, sentence, {k: v for k, v in cues.items() if v})

    def cue_hits(self, start: int, end: int, tag: str) -> list[str]:
        """``tag~class`` for every cue class with a match inside text[start:end]."""
        key = (max(0, start), min(len(self.text), end))
        names = self._seen.get(key)
        if names is None:
            names = self._seen[key] = []
            for name, spans in self.cues.items():
                for a, b in spans:
                    if key[0] <= a and b <= key[1]:
                        names.append(name)
                        break
        return [f"{tag}~{name}" for name in names]

    def coordinated(self, i: int, j: int) -> bool:
        """Entities ``i`` and ``j`` stand in one list of peers: one coordination group (高端装备及消费品),
        or adjacent groups joined by a coordinator only (检验检测、特种设备等机构)."""
        a, b = sorted((self.group[i], self.group[j]))
        if a == b:
            return True
        if b != a + 1:
            return False
        gap = self.text[self.groups[a][1]:self.groups[b][0]]
        return bool(gap.strip()) and _COORD_GAP.fullmatch(gap) is not None

    def in_mixed_list(self, i: int) -> bool:
        """Entity ``i``'s group is joined by a coordinator only to a neighbouring group, which is then of another
        role: a list of kinds (计量、检验检测、特种设备等机构), where co-occurrence is no relation (rule 4)."""
        g = self.group[i]
        return any(self.coordinated(i, k) for k, h in enumerate(self.group) if h in (g - 1, g + 1))

    def masked(self, start: int, end: int) -> list[str]:
        """Characters of text[start:end] with every entity inside replaced by one <LABEL> token."""
        out, pos = [], start
        for e in self.entities:
            if e["end"] <= start or e["start"] >= end:
                continue
            if e["start"] > pos:
                out.extend(self.text[pos:e["start"]])
            out.append(f"<{e['label']}>")
            pos = max(pos, e["end"])
        if pos < end:
            out.extend(self.text[pos:end])
        return [t for t in out if not t.isspace()]


def _ngrams(tokens: list[str], tag: str) -> list[str]:
    feats = [f"{tag}:{t}" for t in tokens]
    feats += [f"{tag}2:{a}{b}" for a, b in zip(tokens, tokens[1:])]
    return feats


def pair_features(view: SentenceView, si: int, oi: int, predicate: str) -> list[str]:
    """Features of the candidate (entity ``si``) ``predicate`` (entity ``oi``)."""
    text, ents = view.text, view.entities
    s, o = ents[si], ents[oi]
    (fi, first), (_, second) = sorted(((si, s), (oi, o)), key=lambda x: x[1]["start"])
    gf, gs = view.group[fi], view.group[oi if fi == si else si]
    order = "so" if fi == si else "os"
    f: list[str] = [f"labels={s['label']}>{o['label']}", f"order={order}"]
    if gf == gs:
        f.append("same-group")
        gap_start, gap_end = first["end"], second["start"]
    else:
        gap_start, gap_end = view.groups[gf][1], view.groups[gs][0]
    gap = text[gap_start:gap_end]
    tokens = view.masked(gap_start, gap_end)
    inside = [k for k, e in enumerate(ents) if gap_start <= e["start"] and e["end"] <= gap_end]
    between = [ents[k] for k in inside]
    f.append(f"gap-len={_bucket(len(tokens))}")
    f.append(f"order|gap-len={order}|{_bucket(len(tokens), (0, 2, 5, 10, 20))}")
    f.append(f"ents-between={_bucket(len(between), (0, 1, 2, 3, 5))}")
    f.append(f"commas={_bucket(len(_COMMA.findall(gap)), (0, 1, 2, 3))}")
    if _CLAUSE_END.search(gap):
        f.append("clause-end-between")
    if _COLON.search(gap):
        f.append("colon-between")
    for label in sorted({e["label"] for e in between}):
        f.append(f"between-label={label}")
    # a competitor: another entity of either end's role between them (the nearer one is likelier)
    for end, name in ((s, "subj"), (o, "obj")):
        if any(role(ents[k]["label"]) == role(end["label"]) and view.group[k] not in (gf, gs) for k in inside):
            f.append(f"competitor-of-{name}")
    if len(tokens) <= 24:
        f += _ngrams(tokens, "gap")
    else:
        f += _ngrams(tokens[:10], "gap-head") + _ngrams(tokens[-10:], "gap-tail")
    f += view.cue_hits(gap_start, gap_end, "gap")
    f += view.cue_hits(gap_end - EDGE, gap_end, "gap-end")
    f += view.cue_hits(gap_start, gap_start + EDGE, "gap-start")
    left_start = view.groups[gf][0]
    left = view.masked(max(0, left_start - WINDOW), left_start)
    right_end = view.groups[gs][1]
    right = view.masked(right_end, min(len(text), right_end + WINDOW))
    f += _ngrams(left[-3:], "left") + _ngrams(right[:3], "right")
    f += view.cue_hits(left_start - WINDOW, left_start, "left") + view.cue_hits(right_end, right_end + WINDOW, "right")
    f += view.cue_hits(*_clause_around(text, first["start"], second["end"]), "clause")
    if view.frame_end:
        for end, name in ((s, "subj"), (o, "obj")):
            if end["end"] <= view.frame_end:
                f.append(f"{name}-in-frame")
        if first["start"] >= view.frame_end:
            f.append("both-after-frame")
    for k, name in ((si, "subj"), (oi, "obj")):
        if view.in_mixed_list(k):
            f.append(f"{name}-in-mixed-list")
    for end, name in ((s, "subj"), (o, "obj")):
        f.append(f"{name}-len={_bucket(len(end['text']), (1, 2, 4, 8))}")
        if _known(end["text"]):
            f.append(f"{name}-known")
    out = [f"{predicate}|{x}" for x in f]
    out += [f"*|{x}" for x in f if x.startswith(("gap-len=", "commas=", "clause-end", "competitor", "same-group",
                                                 "ents-between"))]
    out.append(f"{predicate}|bias")
    return out


def single_features(view: SentenceView, i: int, predicate: str) -> list[str]:
    """Features of the one-place candidate ``predicate`` (entity ``i``), e.g. bottleneck."""
    text, ents = view.text, view.entities
    e = ents[i]
    g = view.group[i]
    gstart, gend = view.groups[g]
    size = sum(1 for x in view.group if x == g)
    f: list[str] = [f"label={e['label']}", f"group-size={_bucket(size, (1, 2, 3, 5))}"]
    seg_start = max((m.end() for m in _SEGMENT_END.finditer(text, 0, gstart)), default=0)
    nxt = _SEGMENT_END.search(text, gend)
    seg_end = nxt.start() if nxt else len(text)
    f += view.cue_hits(gend, seg_end, "seg-after") + view.cue_hits(seg_start, gstart, "seg-before")
    if nxt:
        after = _SEGMENT_END.search(text, nxt.end())
        f += view.cue_hits(nxt.end(), after.start() if after else len(text), "next-seg")
    f += view.cue_hits(seg_start - 30, seg_start, "prev-seg")
    f += view.cue_hits(*_clause_around(text, gstart, gend), "clause")
    f += view.cue_hits(0, len(text), "sentence")
    right = view.masked(gend, min(len(text), gend + 2 * WINDOW))
    left = view.masked(max(0, gstart - WINDOW), gstart)
    f += _ngrams(right[:8], "right") + _ngrams(left[-4:], "left")
    f += _ngrams(view.masked(e["start"], e["end"])[-2:], "head")  # the head characters of the name
    hits = view.cues.get("bottleneck", ())
    if hits:
        after = [a - gend for a, b in hits if a >= gend]
        before = [gstart - b for a, b in hits if b <= gstart]
        if after:
            f.append(f"cue-after-dist={_bucket(min(after), (0, 2, 5, 10, 20, 40))}")
            commas = len(_COMMA.findall(text[gend:gend + min(after)]))
            f.append(f"cue-after-commas={_bucket(commas, (0, 1, 2))}")
        if before:
            f.append(f"cue-before-dist={_bucket(min(before), (0, 2, 5, 10, 20, 40))}")
            commas = len(_COMMA.findall(text[gstart - min(before):gstart]))
            f.append(f"cue-before-commas={_bucket(commas, (0, 1, 2))}")
    others = [x for k, x in enumerate(ents) if x["label"] == e["label"] and view.group[k] != g]
    f.append(f"other-same-label={_bucket(len(others), (0, 1, 3))}")
    out = [f"{predicate}|{x}" for x in f]
    out.append(f"{predicate}|bias")
    return out


@lru_cache(maxsize=65536)
def _known(surface: str) -> bool:
    """Whether the ontology's vocabulary or reference schemes know the name."""
    return bool(lexicon.labels_of(surface))


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the clause (between 。；！？) holding text[start:end]."""
    a = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    m = _CLAUSE_END.search(text, end)
    return a, m.start() if m else len(text)

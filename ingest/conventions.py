"""Span conventions of ANNOTATION.md that hold for gold and predicted entities alike.

Applied to the project's training records when they are loaded (so the tagger
learns the convention the annotators may have missed) and to the extractor's
output (so a tagger miss is still put right). Entities are plain dicts with
``start``, ``end``, ``label`` and ``text``; the text is the sentence.

* **Pillar words in loose compounds** (rule 4: 计量能力, 标准化工作 → 计量,
  标准化): a pillar word followed by a generic head (能力, 服务, 工作, 数据 …)
  is the pillar word alone, whatever the vocabulary lists (检测能力,
  检验检测服务, 计量数据); the training annotations never take such a head.
* **Technique names** keep their 技术 (快检技术, 计量技术 in ANNOTATION.md):
  a method or pillar element directly followed by 技术 is named with it
  (数字孪生技术, 在线检测技术, 认证认可技术), unless 技术 starts a noun that the
  element only modifies (检验检测技术人员, 标准技术委员会, 计量技术规范 are
  about people, bodies and documents: the pillar word alone, rule 4).
* **A field applied as a technique** (rule 6): 人工智能, 大数据 … written as
  X技术 after a verb of applying (运用, 借助, 基于 …) or in a list of
  techniques (数字孪生技术、大数据技术) is METHOD X技术.
* **Products listed as sectors** (rules 6, 10): the items of a list closed by
  等领域 / 等行业 (交通车辆、国防装备等领域; 钢铁、家电等传统行业) are INDUSTRY.
* **A product and its part** are one PRODUCT, like 盾构机主轴承 in
  ANNOTATION.md (航空发动机单晶叶片, 高端医疗器械关键零部件); coordinated products
  written without a comma (农产品食品药品) stay apart.
* **A product is not a standard**: a name the vocabulary knows only as a
  product (数控机床) is a PRODUCT, unless it is a standard's title (《…》, or
  right after a code).
* **A named centre's qualifier** (rule 8): a named centre, laboratory or base
  followed by a bracketed place or field is named with it
  (国家机器人质量检验检测中心（广东）, 国家能源计量中心（电力）), as the training
  annotations name it 76 times; a bracketed alias (中国计量院) stays apart.
* **A bracketed abbreviation** (rule 2) takes the label of the name before it:
  生乳体细胞数（SCC） gives INDICATOR SCC, and so do its other mentions in the text.
"""
from __future__ import annotations

import re

from nqikg.ontology import lexicon

TECHNIQUE_LABELS = frozenset({"METHOD", "TESTING", "CERTIFICATION", "STANDARD", "METROLOGY"})
# nouns that 技术 modifies: the element before it is then a pillar word in a loose compound
_TECH_NOUN = re.compile(
    r"技术(?:人员|人才|专家|队伍|机构|组织|委员会|中心|平台|联盟|条件|要求|规范|规程|文件|法规|标准|指标|参数|"
    r"能力|水平|服务|体系|基础|支撑|保障|手段|路线|方案|壁垒|措施|资源|领域|优势|差距|装备)")
_APPLY = re.compile(r"(运用|应用|借助|基于|采用|利用|通过|引入|结合|依托|使用)")
APPLY_WINDOW = 12  # characters before the field in which a verb of applying is looked for
_CLAUSE = re.compile(r"[，。；：,;:]")
# an item of a list of techniques (数字孪生技术、大数据技术、AI技术)
_TECH_LIST_BEFORE = re.compile(r"技术\s?[、和与及]\s?$")
_TECH_LIST_AFTER = re.compile(r"\s?[、和与及]\s?[^，。；、]{1,10}?技术")
_LIST_SEP = re.compile(r"\s?[、和及与]\s?")
_ETC = re.compile(r"\s?等")
_SECTOR_AFTER_LIST = re.compile(r"\s?等?\s?[\u4e00-\u9fff]{0,2}?(?:领域|行业|产业)")
# heads of parts and equipment: 盾构机 + 主轴承, 航空发动机 + 单晶叶片, 高端医疗器械 + 关键零部件
_PART = re.compile(r"(零部件|部件|组件|元器件|器件|轴承|叶片|工件台|系统|装备|设备|机组|阵列|电池|模块|总成)$")
_CENTRE = re.compile(r"(?:中心|实验室|基地|研究院|研究所|平台)$")
_QUALIFIER = re.compile(r"[（(]([\u4e00-\u9fff、]{2,12})[）)]")
_ALIAS_HEAD = re.compile(r"(?:院|所|室|局|委|会|部|团|司|中心|筹)$")
_ABBREV = re.compile(r"[（(]\s*([A-Za-z][A-Za-z0-9\-/]{1,11})\s*[）)]")


# rule 4: pillar words (longest first) and the generic heads that make a loose compound of them
PILLAR_WORDS = {"检验检测": "TESTING", "认证认可": "CERTIFICATION", "合格评定": "CERTIFICATION", "标准化": "STANDARD",
                "计量": "METROLOGY", "校准": "METROLOGY", "标准": "STANDARD", "检测": "TESTING", "检验": "TESTING",
                "认证": "CERTIFICATION", "认可": "CERTIFICATION"}
LOOSE_HEADS = ("能力", "服务", "工作", "事业", "基础", "供给", "数据", "水平", "活动", "结果", "要求", "资源", "人才", "领域",
               "监督", "管理",
               # and what is done with it (标准制定, 标准实施, 计量科技): never one span in the annotations either
               "制定", "制修订", "修订", "实施", "研制", "宣贯", "科技", "国际化", "引领", "支撑", "保障", "评价", "评定",
               "监管", "建设", "发展", "创新", "提升", "验证")
_LOOSE = re.compile("(" + "|".join(PILLAR_WORDS) + ")(?:" + "|".join(LOOSE_HEADS) + ")")


def entity(text: str, start: int, end: int, label: str) -> dict:
    """An entity of the exchange format (ANNOTATION.md)."""
    return {"start": start, "end": end, "label": label, "text": text[start:end]}


def _applied_as_technique(text: str, start: int, end: int) -> bool:
    """The field text[start:end], followed by 技术, is applied (运用…) or listed among techniques."""
    lead = _CLAUSE.split(text[max(0, start - APPLY_WINDOW):start])[-1]
    return bool(_APPLY.search(lead) or _TECH_LIST_BEFORE.search(text, 0, start) or _TECH_LIST_AFTER.match(text, end + 2))


def _loose_compounds(text: str, ents: list[dict]) -> list[dict]:
    """A pillar word with a generic head (检测能力, 检验检测服务) is the pillar word alone (rule 4)."""
    out = []
    for e in ents:
        m = _LOOSE.fullmatch(e["text"])
        if m and e["label"] in TECHNIQUE_LABELS | {"INDUSTRY"}:
            e = entity(text, e["start"], e["start"] + len(m.group(1)), PILLAR_WORDS[m.group(1)])
        out.append(e)
    return out


def _technique(text: str, ents: list[dict]) -> list[dict]:
    starts = {e["start"] for e in ents}
    out = []
    for e in ents:
        end = e["end"]
        if text.startswith("技术", end) and end + 2 not in starts and end not in starts and not _TECH_NOUN.match(text, end):
            if e["label"] in TECHNIQUE_LABELS:
                e = entity(text, e["start"], end + 2, e["label"])
            elif e["label"] == "INDUSTRY" and _applied_as_technique(text, e["start"], end):
                e = entity(text, e["start"], end + 2, "METHOD")
        out.append(e)
    return out


def _centre_qualifiers(text: str, ents: list[dict]) -> list[dict]:
    out: list[dict] = []
    skip_to = -1
    for e in ents:
        if e["start"] < skip_to:
            continue  # a place or field inside the qualifier now part of the name
        m = _QUALIFIER.match(text, e["end"]) if e["label"] == "ORG" and _CENTRE.search(e["text"]) else None
        if m and not _ALIAS_HEAD.search(m.group(1)):
            e, skip_to = entity(text, e["start"], m.end(), "ORG"), m.end()
        out.append(e)
    return out


def _abbreviations(text: str, ents: list[dict]) -> list[dict]:
    ends = {e["end"]: e for e in ents}
    labels: dict[str, str] = {}
    for m in _ABBREV.finditer(text):
        name = ends.get(m.start())
        if name is not None and name["label"] != "VALUE" and name["text"] != m.group(1):
            labels[m.group(1)] = name["label"]
    if not labels:
        return ents
    out = [entity(text, e["start"], e["end"], labels[e["text"]]) if labels.get(e["text"], e["label"]) != e["label"]
           and e["label"] != "VALUE" else e for e in ents]
    taken = [(e["start"], e["end"]) for e in out]
    for abbr, label in labels.items():
        for m in re.finditer(rf"(?<![A-Za-z0-9]){re.escape(abbr)}(?![A-Za-z0-9])", text):
            s, t = m.span()
            if not any(a < t and s < b for a, b in taken):
                out.append(entity(text, s, t, label))
                taken.append((s, t))
    return sorted(out, key=lambda e: e["start"])


def _sector_lists(text: str, ents: list[dict]) -> list[dict]:
    out = list(ents)
    i = 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and _LIST_SEP.fullmatch(text, out[j]["end"], out[j + 1]["start"]):
            j += 1
        if _SECTOR_AFTER_LIST.match(text, out[j]["end"]) and (j > i or _ETC.match(text, out[j]["end"])):
            out[i:j + 1] = [entity(text, e["start"], e["end"], "INDUSTRY") if e["label"] == "PRODUCT" else e
                            for e in out[i:j + 1]]
        i = j + 1
    return out


def _whole_and_part(text: str, ents: list[dict]) -> list[dict]:
    out: list[dict] = []
    for e in ents:
        if (out and e["label"] == "PRODUCT" and out[-1]["label"] == "PRODUCT" and out[-1]["end"] == e["start"]
                and _PART.search(e["text"])):
            e = entity(text, out.pop()["start"], e["end"], "PRODUCT")
        out.append(e)
    return out


_TITLE_OR_CODE_BEFORE = re.compile(r"(?:《|[A-Z]{1,6}(?:/[A-Z])?\s*[\d.\-—]+\s*)$")


def _products_are_not_standards(text: str, ents: list[dict]) -> list[dict]:
    """A name the vocabulary knows only as a product (数控机床) is a PRODUCT, not a STANDARD, unless it is
    the title of a standard (in 《》 or after its code: 《膜式燃气表》, JJG 577 膜式燃气表)."""
    out = []
    for e in ents:
        if e["label"] == "STANDARD" and not _TITLE_OR_CODE_BEFORE.search(text, 0, e["start"]):
            labels = lexicon.labels_of(e["text"])
            if "PRODUCT" in labels and "STANDARD" not in labels:
                e = entity(text, e["start"], e["end"], "PRODUCT")
        out.append(e)
    return out


def apply(text: str, entities: list[dict]) -> list[dict]:
    """``entities`` (non-overlapping) with the conventions above applied."""
    ents = sorted(entities, key=lambda e: e["start"])
    ents = _products_are_not_standards(text, _technique(text, _loose_compounds(text, ents)))
    return _abbreviations(text, _centre_qualifiers(text, _whole_and_part(text, _sector_lists(text, ents))))

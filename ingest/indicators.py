"""Indicator names recovered from the shape of a quantitative claim.

A VALUE with no INDICATOR before it in its clause is usually preceded by the
indicator it measures: "…全国检验检测机构共实现营业收入3585.92亿元",
"…乘用车新车平均燃料消耗量降至4.0 L/100 km".  This rule takes the noun phrase
right before the value (after removing the copula/verb that links it: 为, 达到,
降至 …) when it ends in an indicator head (…率, …量, …度, …指数, …占比, …收入,
…价值 …), bounded on the left by punctuation, a function word, a verb of
reporting or an entity already found (a PRODUCT/LOC/ORG prefix stays outside,
ANNOTATION.md rule 11).
"""
from __future__ import annotations

import re

from .patterns import Cand

_CLAUSE_START = re.compile(r"[，,；;。！？!?：:（(）)\n]")
_LINK = re.compile(
    r"(?:\s|的|为|是|约|近|达|达到|达到了|已达|已达到|高达|仅为|仅|只有|分别为|分别|约为|均为|平均为|提高到|提高至|提升到|提升至|"
    r"增至|增加到|增长到|上升到|上升至|降至|降到|下降到|下降至|减少到|控制在|保持在|在|稳定在|超过|突破|低于|高于|优于|不低于|不超过|"
    r"小于|大于|≤|≥|<|>|=|＜|＞|：|:|覆盖|可达|已由|由|从|已从|缩短至|缩短到|压缩至|延长至|扩大到|扩大至|降低至|降低到|减少至|"
    r"提高|提升|降低|下降|减少|增长|增加|上升|"
    r"每[万千百]?[名个位台户家辆吨]?[\u4e00-\u9fff]{0,3})+$")
_HEAD = re.compile(
    r"(?:率|占比|比重|比例|比率|指数|收入|价值|总值|增加值|产值|单价|价格|总额|贸易额|出口额|进口额|金额|效益|含量|限量|总数|数量|"
    r"产量|销量|能耗|能效|效率|强度|密度|精度|准确度|稳定度|不确定度|误差|寿命|时间|周期|里程|容量|功率|电阻|厚度|GDP|GNP|"
    r"规模|利润|营收|增速|增幅|满意度|覆盖率|普及率|(?<!质)量|数|值|电流|电压|温升|时速|车速|程度|有效期|"
    r"依赖度|集中度|时限|时长|耗时)$")
_STOP_CHARS = set("的和与及在将使其了从对把被让于由以并而且或等各该此每个")
_STOP_WORDS = ("实现", "完成", "达到", "提高", "提升", "增长", "降低", "下降", "保持", "超过", "共有", "累计", "其中",
               "出具", "发布", "制定", "拥有", "具有", "占", "共", "全年", "今年", "去年", "当年", "同期", "目前",
               "全国", "全省", "全市", "我国", "使得", "推动", "促进", "确保", "力争", "显示", "表明", "规定",
               # generic holders of an indicator stay outside it (rule 11: 产品 + 抽查合格率)
               "产品", "机构", "企业", "整机", "取得", "标注", "全行业", "行业", "总体", "新车")
_BARE_HEADS = {"数量", "总数", "比例", "比率", "比重", "金额", "规模", "价格", "时间", "效率", "效益", "利润", "收入"}
MAX_LEN = 14
_RELABEL = {"METROLOGY", "TESTING", "CERTIFICATION", "STANDARD", "METHOD"}


def _is_name_char(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF) or (ch.isascii() and ch.isalnum())


def candidates(text: str, entities: list[dict]) -> list[Cand]:
    ents = sorted(entities, key=lambda e: e["start"])
    ends = {e["end"] for e in ents}
    covered = [(e["start"], e["end"]) for e in ents]
    out = []
    for v in ents:
        if v["label"] != "VALUE":
            continue
        cs = 0
        for m in _CLAUSE_START.finditer(text, 0, v["start"]):
            cs = m.end()
        if any(e["label"] == "INDICATOR" and cs <= e["start"] < v["start"] for e in ents):
            continue
        seg = text[cs:v["start"]]
        m = _LINK.search(seg)
        end = cs + (m.start() if m else len(seg))
        if end <= cs or not _HEAD.search(text[cs:end]):
            continue
        i = end
        while i > cs and end - i < MAX_LEN:
            ch = text[i - 1]
            if not _is_name_char(ch) or ch.isdigit() or ch in _STOP_CHARS or (i in ends and i < end):
                break
            if ch == "年" and i >= 2 and text[i - 2].isdigit():
                break  # 2023年营业收入: the year is not part of the name
            if any(text.startswith(w, i - len(w)) and i - len(w) >= cs for w in _STOP_WORDS):
                if not (text.startswith("产品质量", i - 2)):  # 产品质量合格率 is one established name
                    break
            i -= 1
        # ascii/digit prefix like a year is not part of the name
        while i < end and (text[i].isdigit() or text[i].isspace()):
            i += 1
        if end - i < 2 or text[i:end] in _BARE_HEADS:
            continue
        if any(s < end and i < e for s, e in covered):
            # an entity of another pillar label that names what is measured (测量不确定度达到2×10⁻⁹)
            for e in ents:
                if e["end"] == end and e["label"] in _RELABEL and _HEAD.search(e["text"]) and e["start"] >= cs:
                    out.append(Cand(e["start"], e["end"], "INDICATOR", "pattern", 20))
                    break
            continue
        out.append(Cand(i, end, "INDICATOR", "pattern", 20))
    return out

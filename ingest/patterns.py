"""Pattern rules for entities of regular shape (ANNOTATION.md).

Each finder takes a sentence and returns :class:`Cand` spans.  They are plain
regular expressions over the text (the spaCy doc has one token per character,
so every character span aligns).

* standard/spec codes: GB, GB/T, GB/Z, ISO, IEC, ISO/IEC, ANSI/…, YY/T … →
  STANDARD; JJF/JJG → METROLOGY; tolerant of "GB/T4754-2017", "GB/T 4754—2017";
* 《…》 titles → POLICY (marks outside); a title ending like a standard (…技术规范, …要求, …测试方法,
  …通则) → STANDARD, a metrology specification (JJF/JJG, …校准规范, …检定规程) → METROLOGY;
* (以下简称 X) aliases take the label of the entity just before;
* VALUE: a number with unit, percent sign or counting word (rule 12): keeps a
  trailing 余/多/以上, leaves out 左右 and leading 约/近/超过; never years,
  dates, ranks (第3), list numbers, citation marks ([17]) or durations (连续6年);
* organisation names ending in a distinctive head (…有限公司, …研究院, …大学 …)
  when the head is preceded by a proper-looking name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Cand:
    start: int
    end: int
    label: str
    source: str          # pattern | lexicon | ner
    priority: int = 0    # higher wins in the merge
    concept: str | None = None


# ---------------------------------------------------------------- codes
_CODE_PREFIX = (r"(?:GB/T|GB/Z|GB|JJF|JJG|ISO/IEC|ISO/TS|ISO/TR|ISO/PAS|IEC/TR|IEC/TS|ISO|IEC|EN|ASTM|ASME|SAE|IEEE|"
                r"ANSI/[A-Z]{2,6}|ANSI|DIN|JIS|BS|UL|GJB|YY/T|YY|HG/T|HG|JB/T|JB|QC/T|SJ/T|SJ|DL/T|NB/T|SN/T|"
                r"GA/T|GA|WS/T|WS|NY/T|MH/T|TB/T|CB/T|JT/T|JG/T|HJ|SH/T|T/[A-Z]{2,8}|DB\d{2}/T|Q/[A-Z]{1,8}|IATF|AS(?=\s?\d{4}))")
_CODE = re.compile(
    r"(?<![A-Za-z/])" + _CODE_PREFIX +
    r"\s?(?:\d[\d.]*(?:/\d+)?(?:\s?[-—–－]\s?\d[\d.]*)*(?:\s?[:：]\s?\d{4})?|\d{4}(?![\d]))"
)

# ---------------------------------------------------------------- titles
_TITLE = re.compile(r"《([^《》\n]{1,80})》")
# titles that name a standard or a metrology specification by their last words: of the titles so ending in the
# training annotations, 230 of 235 are STANDARD (《…技术规范》, 《…安全要求》, 《…测试方法》) and 57 of 59 METROLOGY
# (《计量标准考核规范》, 《…校准规范》)
_METROLOGY_TITLE = re.compile(r"(?:校准规范|检定规程|计量.*(?:规范|规程))$")
_STANDARD_TITLE = re.compile(r"(?:要求|方法|规范|规程|通则|导则)$")
_NOT_POLICY_TITLE = re.compile(r"(报|杂志|学报|日报|期刊|晚报|周刊|年鉴|新闻|研究|科学|Journal)$")
_ALIAS = re.compile(r"[（(]\s*(?:以下简称|下称|以下称为|以下称|简称)\s*[：:]?\s*[“\"《]?([^”\"》）)，,]{1,20})[”\"》]?\s*[）)]")

# ---------------------------------------------------------------- values
# thousands grouped by commas (1,048) or, as PDF text has them, by spaces (1 048 万辆, 7 462.5 亿元)
_NUM = r"(?:\d{1,3}(?:[ \u00a0\u2009]\d{3}(?!\d))+|\d+(?:,\d{3}(?!\d))*)(?:\.\d+)?"
_SCI = (r"(?:\d+(?:\.\d+)?\s?[×xX*]\s?10\s?(?:\^\s?\{?[-−–]?\d+\}?|[-−–]?\d+|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)"
        r"|\d+(?:\.\d+)?\s?[×xX*]\s?\d+(?:\.\d+)?|10\^\s?\{?[-−–]?\d+\}?)")
_FRAC = r"\d{1,3}/\d{1,4}(?![\d/])"  # 1/3, 1/20 (as written)
_MULT = r"(?:万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|百)"
_SI_BASE = r"(?:Hz|Wh|W|VA|V|A|J|N|Pa|Gal|Sa/s|bit|bps|B|s|g|m|L|l|t|Ω|cd|mol|lx|Bq|Gy|Sv|T|F|C)"
_ASCII_UNIT1 = (r"(?:kW·h|kWh|mAh|Ah|kgce|tce|CFU|ppm|ppb|dB|rpm|r/min|min|°C|℃|h|d|K(?=\s|$|[^\w])|"
                r"[YZEPTGMkhdcmμunpf]?" + _SI_BASE + r"(?:[23²³])?)")
# a unit may be compound: mL/100 g Al, Wh/kg, kW·h/24h, 美元/kg, 个 /mL
_ASCII_UNITS = (r"(?:" + _ASCII_UNIT1 + r"(?:\s?/\s?(?:\d+\s?)?" + _ASCII_UNIT1 + r")?(?:\s?Al(?![A-Za-z]))?)")
_CN_UNIT1 = (r"(?:个数量级|数量级|量级|个百分点|百分点|万亿元|亿美元|万美元|美元|亿元|万元|千元|元|欧元|日元|英镑|"
             r"亿人次|万人次|人次|家次|台次|台件|台套|件次|项次|批次|户次|架次|车次|班次|航次|"
             r"平方米|平方公里|万亩|亩|公顷|千米|公里|毫米|微米|纳米|米|千克|公斤|克|吨|千瓦时|千瓦|兆瓦|瓦|伏|安|"
             r"纳秒|微秒|毫秒|皮秒|小时|分钟|秒|摄氏度|℃|度|倍|分|大类|项|个|家|件|台|套|种|次|人|名|位|款|类|所|座|条|张|份|场|批|"
             r"个国家|个城市|个省|省份|地区|城市|国家|部|篇|本|册|辆|架|艘|颗|枚|片|块|根|株|头|只|户|起|例|"
             r"级|层|代|星|岗|万|亿)")
_CN_UNITS = (r"(?:" + _CN_UNIT1 + r"(?:\s?/\s?(?:\d+\s?)?(?:" + _ASCII_UNIT1 +
             r"|件|台|套|辆|只|片|张|个|人|年|月|天|小时|吨|千克|公斤|千米|公里|亩|次|百万|万))?)")
_UNIT = r"(?:[%‰％]|" + _CN_UNITS + r"|" + _ASCII_UNITS + r"(?![A-Za-z]))"
_VALUE = re.compile(
    r"(?<![\dA-Za-z.第])"
    r"(?:(?<![\dA-Za-z])[-−±](?=\d))?"
    r"(?:" + _SCI + r"|" + _FRAC + r"(?:\s?[~～\-—–至到]\s?" + _FRAC + r")?|" + _NUM + r"(?:\s?[~～\-—–至到]\s?" + _NUM + r")?)"
    r"(?:\s?" + _MULT + r")?"
    r"(?:\s?(?:余|多))?"
    r"(?:\s?" + _UNIT + r"(?:\s?[×xX]\s?" + _NUM + r"\s?" + _UNIT + r")?)?"
    r"(?:\s?[~～\-—–]\s?" + _NUM + r"(?:\s?" + _MULT + r")?(?:\s?" + _UNIT + r"))?"
    r"(?:\s?(?:以上|以下|以内|余|多))?"
)
# values written in Chinese numerals (laws): 一万元以上, 二十万元以下, 十倍以上, 百分之五十以上, 五分之一
_CN_NUMERAL = r"[零〇一二两三四五六七八九十百千万亿]"
_CN_VALUE = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千万亿第])"
    r"(?:(?:百分之|千分之)" + _CN_NUMERAL + r"+(?:点[零〇一二三四五六七八九]+)?"
    r"|" + _CN_NUMERAL + r"+分之" + _CN_NUMERAL + r"+"
    r"|" + _CN_NUMERAL + r"*[十百千万亿]" + _CN_NUMERAL + r"*(?:元|美元)"
    r"|" + _CN_NUMERAL + r"+倍)"
    r"(?:以上|以下|以内)?")
_DURATION = re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s?(?:个月|个工作日|工作日|天|周)(?:以内|以上)?")
# a number of years only as the measure of something (设计寿命为20年, 平均标龄为7.2年, 缩短了2.6年)
_YEARS = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s?年(?![代度前来后间内底初末中])")
_YEARS_CONTEXT = re.compile(r"(为|达到|达|约|缩短至|延长至|缩短了|延长了|不超过|超过)\s?$")
_DURATION_CONTEXT = re.compile(r"(为|至|到|由|从|缩短至|缩短到|压缩至|压缩到|延长至|不超过|超过|少于|多于|达到|达|约)\s?$")
_YEARLIKE = re.compile(r"^(19|20)\d{2}$")
_AFTER_NOT_VALUE = re.compile(r"^\s?(?:年|月|日|周岁|岁|号|届|世纪|期|卷|版|号文|个月|天|个工作日|工作日|周)")
_BEFORE_NOT_VALUE = re.compile(r"(?:第|连续|前|过去|未来|排名第|名列第|位列第|居第|Top|TOP)\s?$")
_BARE_OK_AFTER = re.compile(r"(?:的|和|与|及|或|至|到|左右|以上|以下|之间|分)")
_BARE_OK_BEFORE = re.compile(r"(?:目标值?\s?[（(]|为|是|达|达到|到|至|提高到|提升到|增至|降至|降到|上升到|下降到|超过|高于|低于|约|分别为|仅为|仅|只有|：|:|，|、|和|与|及)\s?$")
# the code and value expressions start with a lookbehind, so the regex engine tries them at every
# position; a text without the character each of their matches needs skips them
_CAPITAL = re.compile(r"[A-Z]")
_DIGIT = re.compile(r"\d")
_CN_NUMERAL_CHAR = re.compile(_CN_NUMERAL)


def standard_codes(text: str) -> list[Cand]:
    out = []
    if not _CAPITAL.search(text):  # every code prefix starts with one
        return out
    for m in _CODE.finditer(text):
        s, e = m.start(), m.end()
        code = m.group()
        if not re.search(r"\d", code):
            continue
        label = "METROLOGY" if code.startswith(("JJF", "JJG")) else "STANDARD"
        out.append(Cand(s, e, label, "pattern", 90))
    return out


def titles(text: str) -> list[Cand]:
    out = []
    for m in _TITLE.finditer(text):
        inner = m.group(1).strip()
        if not inner or _NOT_POLICY_TITLE.search(inner):
            continue
        s = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
        e = s + len(inner)
        before = text[max(0, m.start() - 30):m.start()].rstrip()
        code = None
        for cm in _CODE.finditer(before):
            code = cm
        if code is not None and code.end() == len(before):
            # GB 19578-2021《乘用车燃料消耗量限值》: a standard named by its title as well as its code
            label = "METROLOGY" if code.group().startswith(("JJF", "JJG")) else "STANDARD"
            out.append(Cand(s, e, label, "pattern", 80))
            continue
        if re.match(r"(JJF|JJG)", inner) or _METROLOGY_TITLE.search(inner):
            label = "METROLOGY"
        elif _CODE.match(inner) or _STANDARD_TITLE.search(inner):
            label = "STANDARD"
        else:
            label = "POLICY"
        out.append(Cand(s, e, label, "pattern", 80))
    return out


def aliases(text: str) -> list[tuple[int, int]]:
    """Spans of the alias in "(以下简称 X)"; the label is the preceding entity's."""
    out = []
    for m in _ALIAS.finditer(text):
        a = m.group(1).strip("“”\"《》 ")
        if a:
            s = text.find(a, m.start())
            out.append((s, s + len(a)))
    return out


def values(text: str) -> list[Cand]:
    if not _DIGIT.search(text):  # only values in Chinese numerals have none
        return _cn_values(text)
    out = []
    for m in _VALUE.finditer(text):
        s, e = m.start(), m.end()
        v = m.group()
        # strip trailing spaces
        while e > s and text[e - 1].isspace():
            e -= 1
        v = text[s:e]
        has_unit = bool(re.search(r"[^\d.,，\s~～\-—–至到]", v))
        after = text[e:e + 4]
        before = text[max(0, s - 4):s]
        if _AFTER_NOT_VALUE.match(after) or _BEFORE_NOT_VALUE.search(before):
            continue
        if (s > 0 and text[s - 1] in "[［") or (e < len(text) and text[e] in "]］"):
            continue  # citation mark [17]
        if not has_unit:
            digits = v.replace(",", "")
            if _YEARLIKE.match(digits):
                continue
            # a bare number: only decimals, or after a copula/list separator (…为86, 美国26.68)
            if "." not in digits and not _BARE_OK_BEFORE.search(before):
                continue
            if re.match(r"^\s?[、.．]\s?\D", text[e:e + 3]) and "." not in digits:
                continue  # list number 1、
            if not re.search(r"\d", v):
                continue
            if re.match(r"[A-Za-z]", text[e:e + 1]):
                continue  # 4K, 3D, 5G are names, not values
            if re.match(r"[\u4e00-\u9fff]", text[e:e + 1]) and not _BARE_OK_AFTER.match(text, e):
                continue  # 12英寸晶圆: a number with a unit the rules do not know modifies a name
        # "2~3 级" keeps the space; drop a unit that is really the next word (个人, 人才 …)
        if re.search(r"(人|个|家|种|项|次|件|名)$", v) and re.match(r"^(才|员|民|们|体|类|性|业|户|份|工|目|代|数)", after) \
                or (v.endswith("人") and after.startswith("大")):
            e2 = e - 1
            v2 = text[s:e2].rstrip()
            if not re.search(r"[%‰％]|\.\d", v2) and not _BARE_OK_BEFORE.search(before):
                continue
            e = s + len(v2)
        if re.search(r"(级|代|层|星|部|地区|城市|国家|万|亿)$", v) and "." not in v and not re.search(r"[~～\-—–至到]", v):
            # 5级 / 3代 / 二十国 … are usually ranks or names; keep only after a copula
            if not _BARE_OK_BEFORE.search(before) and not re.search(r"(万|亿)$", v):
                continue
        out.append(Cand(s, e, "VALUE", "pattern", 70))
    # a duration is a VALUE only as the measure of something (审批时限由30个工作日压缩至10个工作日,
    # 制定周期缩短至16个月), never as a temporal adverbial (连续6年, 10年前, 近5年来)
    for m in _DURATION.finditer(text):
        if _DURATION_CONTEXT.search(text, max(0, m.start() - 6), m.start()):
            out.append(Cand(m.start(), m.end(), "VALUE", "pattern", 69))
    for m in _YEARS.finditer(text):
        if not _YEARLIKE.match(m.group(1)) and _YEARS_CONTEXT.search(text, max(0, m.start() - 6), m.start()):
            out.append(Cand(m.start(), m.end(), "VALUE", "pattern", 69))
    return out + _cn_values(text)


def _cn_values(text: str) -> list[Cand]:
    if not _CN_NUMERAL_CHAR.search(text):
        return []
    # not the 亿元 of 7 462.5 亿元: a multiplier after Arabic digits belongs to their value
    return [Cand(m.start(), m.end(), "VALUE", "pattern", 69) for m in _CN_VALUE.finditer(text)
            if not re.search(r"[\d.]\s*$", text[max(0, m.start() - 3):m.start()])]


# ---------------------------------------------------------------- organisations
_ORG_STOP = set("的和与及或、，,。；;：:“”\"（）()《》 在由对为是将等了从向把被于以其并而也都就还各该本此每")


# a body acting with another (…管理局联合中国科学技术大学), or approving or testing something (国家认监委批准…,
# …通过…研究院): the name walked left ends at the verb
BODY_HEAD_CHARS = "局厅委部院所心司学会校"  # last characters of a body's name (…总局, …研究院, …学会)
_ORG_JOIN = re.compile(rf"(?:[{BODY_HEAD_CHARS}]\s*(?:联合|组织|会同|委托|牵头|指导|携手|支持|依托|协同)"
                       r"|通过|批准|授权|认定)$")  # …批准中国船级社质量认证有限公司, ZW3D通过中国电子技术标准化研究院
_GENERIC_NAME = {"技术", "科学", "研究", "质量", "工程", "计量", "标准", "检测", "国家", "地方", "高校", "重点"}


def organisations(text: str) -> list[Cand]:
    """Company/institute names with a distinctive head, preceded by a name of 2+ characters."""
    out = []
    for m in re.finditer(r"(股份有限公司|有限责任公司|有限公司|集团有限公司|株式会社|研究院|研究所|大学)", text):
        e = m.end()
        s = m.start()
        # walk left over name characters
        i = s
        while (i > 0 and s - i < 20 and text[i - 1] not in _ORG_STOP and not text[i - 1].isspace()
               and not _ORG_JOIN.search(text, max(0, i - 8), i)):
            i -= 1
        if s - i < 2 or text[i:s] in _GENERIC_NAME or re.search(r"(一流|高水平|新型|各类|有关|相关|知名)", text[i:s]):
            continue
        out.append(Cand(i, e, "ORG", "pattern", 40))
    return out


# rule 7: a definite description of exactly one body (国务院计量行政部门, 国务院卫生行政部门)
_STATE_COUNCIL_DEPT = re.compile(r"国务院[\u4e00-\u9fff]{2,12}?(?:行政主管部门|监督管理部门|主管部门|行政部门)")


def state_council_departments(text: str) -> list[Cand]:
    return [Cand(m.start(), m.end(), "ORG", "pattern", 75) for m in _STATE_COUNCIL_DEPT.finditer(text)]


def find_all(text: str) -> list[Cand]:
    return (standard_codes(text) + titles(text) + values(text) + organisations(text)
            + state_council_departments(text))

"""Tests of the Chinese extraction pipeline: normalisation, sentences, patterns, model, facts, I/O, dev score."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nqikg.ingest import conventions, patterns
from nqikg.ingest.extract import ExtractError, Extractor, evaluate, extract_jsonl, read_jsonl
from nqikg.ingest.facts import link_facts, stated_as_target
from nqikg.ingest.normalize import normalize
from nqikg.ingest.patterns import Cand
from nqikg.ingest.sentences import split_sentences
from nqikg.ontology import lexicon

PDF_LIKE = (
    "中国工程科学 2022 年 第 24 卷 第 2 期\n"
    " 一、前言\n\n"
    "制造业是立国之本、强国之基，也是国际产业\n\n"
    "竞争的核心关键所在。当前，全球贸易环境有所恶\n\n"
    "化，中国制造业发展面临诸多困难。\n"
    "045\n"
    "图 1  八大类产品不合格发现率（2014—2018 年）\n"
    " Abstract: Currently, the product quality of China’s manufacturing industry is uneven and has a notable gap.\n"
    "（一）发展目标\n"
    "到2025年，制造业质量竞争力指数达到86；\n"
    "- [1] 林忠钦, 奚立峰. 我国优质制造技术体系建设研究 [J]. 中国工程科学, 2022, 24(2): 1-9.\n"
)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.load()


def _ents(result):
    return {(e["label"], e["text"]) for e in result["entities"]}


# ------------------------------------------------------------ normalisation
def test_normalize_offsets_map_back_exactly():
    nz = normalize(PDF_LIKE)
    assert "中国工程科学 2022" not in nz.text and "第 24 卷" not in nz.text  # running head dropped
    assert "\n045" not in nz.text and "图 1" not in nz.text
    assert "国际产业竞争的核心" in nz.text          # hard break inside a sentence removed
    assert "有所恶化" in nz.text
    for i, ch in enumerate(nz.text):
        if ch not in " \n":
            assert PDF_LIKE[nz.source_offset(i)] == ch
    i = nz.text.index("制造业是立国之本")
    s, e = nz.source_span(i, i + 8)
    assert PDF_LIKE[s:e] == "制造业是立国之本"
    j = nz.text.index("国际产业竞争")
    s, e = nz.source_span(j, j + 6)
    assert PDF_LIKE[s:e].replace("\n", "") == "国际产业竞争"


def test_normalize_empty_and_huge_line():
    assert normalize("").text == ""
    assert normalize("\n\n  \n").text == ""
    huge = "质量" * 300_000  # one 600 000-character line
    nz = normalize(huge)
    assert len(nz.text) == len(huge) and nz.source_offset(599_999) == 599_999
    sents = split_sentences(nz)
    assert sum(len(s.text) for s in sents) == len(huge)


# ------------------------------------------------------------ sentences
def test_sentence_split_pdf_snippet():
    sents = split_sentences(normalize(PDF_LIKE))
    texts = [s.text for s in sents]
    assert texts[0] == "一、前言"
    assert "制造业是立国之本、强国之基，也是国际产业竞争的核心关键所在。" in texts
    assert "当前，全球贸易环境有所恶化，中国制造业发展面临诸多困难。" in texts
    assert "（一）发展目标" in texts
    assert not any("Abstract" in t for t in texts)          # English paragraph skipped
    assert not any("[J]" in t for t in texts)               # reference entry skipped
    for s in sents:
        raw = PDF_LIKE[s.source_start:s.source_end]
        assert "".join(raw.split()) == "".join(s.text.split())
        assert s.text == normalize(PDF_LIKE).text[s.start:s.end]


# ------------------------------------------------------------ patterns
@pytest.mark.parametrize("text,expected", [
    ("数控机床整机平均故障间隔时间在900 h左右，国际先进水平5000 h", {"900 h", "5000 h"}),
    ("合格率达93.93%，共发布1779项国家标准和6.2万余项团体标准", {"93.93%", "1779项", "6.2万余项"}),
    ("限量0.15 mL/100 g Al，频率稳定度2×10^{-18}，提升2~3 级，占98%以上", {"0.15 mL/100 g Al", "2×10^{-18}", "2~3 级", "98%以上"}),
    ("连续6年增长，位列第3位，文献[17]指出，2025年目标", set()),
    ("全年保障航班1.2万架次，开行货运列车350车次", {"1.2万架次", "350车次"}),
    ("寿命为国外的1/3至1/2，精度±0.05 mm，单价12美元/套，仅为进口的1/20左右", {"1/3至1/2", "±0.05 mm", "12美元/套", "1/20"}),
    ("设计寿命为20年，标龄缩短了2.6年；到2025年，用3至5年时间，10年前", {"20年", "2.6年"}),
    ("12英寸晶圆，划分为31个大类，目标（86，2025年目标）", {"31个", "86"}),
    ("产量达1 048 万辆，营业收入7 462.5 亿元，1,200家", {"1 048 万辆", "7 462.5 亿元", "1,200家"}),
])
def test_value_rules(text, expected):
    assert {text[c.start:c.end] for c in patterns.values(text)} == expected


def test_code_and_title_rules():
    text = "依据GB/T4754-2017、GB/T 4754—2017、ISO/IEC 17025:2017和JJF 1059.1-2012，落实《质量强国建设纲要》(以下简称《纲要》)"
    got = {(text[c.start:c.end], c.label) for c in patterns.standard_codes(text) + patterns.titles(text)}
    assert ("GB/T4754-2017", "STANDARD") in got and ("GB/T 4754—2017", "STANDARD") in got
    assert ("ISO/IEC 17025:2017", "STANDARD") in got and ("JJF 1059.1-2012", "METROLOGY") in got
    assert ("质量强国建设纲要", "POLICY") in got and ("纲要", "POLICY") in got


@pytest.mark.parametrize("title, label", [
    ("电动汽车用动力电池包安全技术规范", "STANDARD"), ("智能门锁质量安全要求", "STANDARD"),
    ("晶体硅光伏组件 衰减率测试方法", "STANDARD"), ("计量标准考核规范", "METROLOGY"), ("热电偶校准规范", "METROLOGY"),
    ("关于加快推进质量基础设施一站式服务的意见", "POLICY"), ("计量发展规划（2021—2035年）", "POLICY"),
])
def test_titles_take_the_label_their_last_words_give(title, label):
    """A title without a code is a policy unless it ends like a standard or a metrology specification."""
    text = f"发布《{title}》。"
    assert [(text[c.start:c.end], c.label) for c in patterns.titles(text)] == [(title, label)]


def test_lexicon_lookup():
    assert any(e.label == "ORG" and e.canonical == "国家市场监督管理总局" for e in lexicon.lookup("市场监管总局"))
    assert any(e.label == "INDUSTRY" for e in lexicon.lookup("汽车制造业"))
    assert any(e.label == "METROLOGY" for e in lexicon.lookup("计量"))
    assert lexicon.lookup("不是一个术语") == []


def test_places_come_from_the_administrative_divisions():
    assert lexicon.canonical("常州", "LOC") == "常州市" and lexicon.canonical("顺德区", "LOC") == "顺德区"
    assert lexicon.lookup("城区") == [] and lexicon.lookup("市辖区") == []  # too generic to name one place
    assert lexicon.lookup("河北区") == [] and lexicon.canonical("北京市", "LOC")  # 河北区域 is Hebei's region


def test_names_do_not_end_in_a_trailing_adverb():
    text = "两种晶格钟的系统不确定度均优于国外同类装置，成都也在建设"
    ner = [Cand(text.index("系统"), text.index("优于"), "INDICATOR", "ner"),
           Cand(text.index("成都"), text.index("成都") + 2, "LOC", "ner")]
    assert [(c.start, c.end) for c in Extractor._clean_ner(text, ner)] == [
        (text.index("系统"), text.index("均")), (text.index("成都"), text.index("成都") + 2)]


def _dict(text, word, label):
    start = text.index(word)
    return {"start": start, "end": start + len(word), "label": label, "text": word}


def test_technique_names_keep_their_suffix():
    text = "运用数字孪生技术和大数据技术，加强检验检测技术人员培训，创新在线检测技术，推动制造业技术迭代。"
    ents = [_dict(text, "数字孪生", "METHOD"), _dict(text, "大数据", "INDUSTRY"), _dict(text, "检验检测", "TESTING"),
            _dict(text, "在线检测", "TESTING"), _dict(text, "制造业", "INDUSTRY")]
    got = {(e["label"], e["text"]) for e in conventions.apply(text, ents)}
    assert got == {("METHOD", "数字孪生技术"), ("METHOD", "大数据技术"), ("TESTING", "检验检测"),
                   ("TESTING", "在线检测技术"), ("INDUSTRY", "制造业")}
    assert all(text[e["start"]:e["end"]] == e["text"] for e in conventions.apply(text, ents))


def test_pillar_words_in_loose_compounds_stand_alone(extractor):
    """Rule 4: 检测能力, 检验检测服务, 标准化工作 are the pillar word alone, though the vocabulary lists some of
    them; established terms (检验检测机构, 标准体系, 计量技术) and names around a pillar word keep their span."""
    text = "提升检测能力和检验检测服务水平，做好标准化工作，推动计量数据互认，健全标准体系，培育检验检测机构，发展计量技术。"
    ents = [_dict(text, w, lab) for w, lab in (("检测能力", "TESTING"), ("检验检测服务", "INDUSTRY"), ("标准化工作", "STANDARD"),
                                               ("计量数据", "METROLOGY"), ("标准体系", "STANDARD"),
                                               ("检验检测机构", "TESTING"), ("计量技术", "METROLOGY"))]
    got = [(e["label"], e["text"]) for e in conventions.apply(text, ents)]
    assert got == [("TESTING", "检测"), ("TESTING", "检验检测"), ("STANDARD", "标准化"), ("METROLOGY", "计量"),
                   ("STANDARD", "标准体系"), ("TESTING", "检验检测机构"), ("METROLOGY", "计量技术")]
    assert all(text[e["start"]:e["end"]] == e["text"] for e in conventions.apply(text, ents))
    found = {(e["label"], e["text"]) for e in next(extractor.annotate([text]))["entities"]}
    assert {("TESTING", "检测"), ("TESTING", "检验检测"), ("METROLOGY", "计量")} <= found
    assert not {"检测能力", "检验检测服务", "计量数据"} & {t for _, t in found}


def test_sector_lists_and_product_parts():
    text = "铝合金在交通车辆、国防装备等领域应用，盾构机主轴承和农产品食品药品，航空发动机单晶叶片。"
    ents = [_dict(text, w, "PRODUCT") for w in ("铝合金", "交通车辆", "国防装备", "盾构机", "主轴承", "农产品", "食品", "药品",
                                               "航空发动机", "单晶叶片")]
    got = [(e["label"], e["text"]) for e in conventions.apply(text, ents)]
    assert got == [("PRODUCT", "铝合金"), ("INDUSTRY", "交通车辆"), ("INDUSTRY", "国防装备"), ("PRODUCT", "盾构机主轴承"),
                   ("PRODUCT", "农产品"), ("PRODUCT", "食品"), ("PRODUCT", "药品"), ("PRODUCT", "航空发动机单晶叶片")]


def test_bracketed_abbreviation_takes_the_name_label():
    text = "生乳体细胞数（SCC）是关键指标，SCC越低越好，AISCC不是它。"
    ents = [_dict(text, "生乳", "PRODUCT"), _dict(text, "体细胞数", "INDICATOR"), _dict(text, "SCC", "ORG")]
    got = [(e["label"], e["text"], e["start"]) for e in conventions.apply(text, ents)]
    assert got == [("PRODUCT", "生乳", 0), ("INDICATOR", "体细胞数", 2), ("INDICATOR", "SCC", 7),
                   ("INDICATOR", "SCC", text.index("SCC越"))]


def test_ner_spans_snap_to_words_and_brackets():
    text = "国家质量基础设施（National Quality Infrastructure）设定的目标（2025年目标），日本JSR株式会社和信越化学工业株式会社"
    i = text.index("National")
    ner = [Cand(i, i + len("National Quality Infrastructur"), "NQI", "ner"),
           Cand(text.index("目标"), text.index("2025"), "POLICY", "ner"),
           Cand(text.index("JSR"), len(text), "ORG", "ner")]
    got = [text[c.start:c.end] for c in Extractor._clean_ner(text, ner)]
    assert got == ["National Quality Infrastructure", "目标", "JSR株式会社", "信越化学工业株式会社"]


def test_a_function_character_that_starts_or_ends_a_word_stays_in_the_name(extractor):
    """在, 对, 等 are trimmed off a span's edges, but not where they begin or end a dictionary word of the span."""
    text = "推进关键比对，研制在线校准装置和等效应力测试，在我国推广"
    ner = [Cand(text.index(w), text.index(w) + len(w), lab, "ner")
           for w, lab in (("关键比对", "METROLOGY"), ("在线校准装置", "METROLOGY"), ("等效应力", "INDICATOR"), ("在我国", "LOC"))]
    assert [text[c.start:c.end] for c in Extractor._clean_ner(text, ner, extractor.words)] == [
        "关键比对", "在线校准装置", "等效应力", "我国"]
    assert [text[c.start:c.end] for c in Extractor._clean_ner(text, ner)] == ["关键比", "线校准装置", "效应力", "我国"]


def test_ner_spans_stop_at_a_layout_break_outside_a_title():
    """A flattened table (国内现状 国际先进水平 / 数控机床 …) puts spaces between cells; only a title in 《》 keeps
    its inner spaces."""
    text = "领域 国内现状 国际先进水平 数控机床 整机；依据《工业机器人 谐波减速器 试验方法》"
    table = text.index("国际先进水平")
    title = text.index("工业机器人")
    ner = [Cand(table, text.index(" 整机"), "STANDARD", "ner"),
           Cand(title, text.index("》"), "STANDARD", "ner")]
    got = [text[c.start:c.end] for c in Extractor._clean_ner(text, ner)]
    assert got == ["数控机床", "工业机器人 谐波减速器 试验方法"]


def test_merge_keeps_values_in_product_names_and_the_taggers_values_where_patterns_find_none(extractor):
    """A value glued into a product name the tagger found (14nm刻蚀机) stays in the name; a measure with a spaced
    unit (0.015 mm) stays a value; a value the patterns miss (27 部) comes from the tagger."""
    text = "研制14nm刻蚀机和0.015 mm超薄不锈钢带，发布标准27 部。"
    ner = [Cand(text.index("14nm"), text.index("和"), "PRODUCT", "ner"),
           Cand(text.index("0.015"), text.index("，"), "PRODUCT", "ner"),
           Cand(text.index("27"), text.index("。"), "VALUE", "ner")]
    got = [(e["text"], e["label"]) for e in extractor._merge(text, ner)]
    assert ("14nm刻蚀机", "PRODUCT") in got and ("0.015 mm", "VALUE") in got and ("27 部", "VALUE") in got
    assert ("14nm", "VALUE") not in got and ("0.015 mm超薄不锈钢带", "PRODUCT") not in got


def test_a_named_centre_keeps_its_bracketed_qualifier():
    text = "国家机器人质量检验检测中心（广东）、中国计量科学研究院（中国计量院）和江苏省产业计量测试中心（纳米材料）"
    ents = [_dict(text, "国家机器人质量检验检测中心", "ORG"), _dict(text, "广东", "LOC"), _dict(text, "中国计量科学研究院", "ORG"),
            _dict(text, "中国计量院", "ORG"), _dict(text, "江苏省产业计量测试中心", "ORG"), _dict(text, "纳米材料", "INDUSTRY")]
    got = [(e["label"], e["text"]) for e in conventions.apply(text, ents)]
    assert got == [("ORG", "国家机器人质量检验检测中心（广东）"), ("ORG", "中国计量科学研究院"), ("ORG", "中国计量院"),
                   ("ORG", "江苏省产业计量测试中心（纳米材料）")]


def test_an_organisation_does_not_run_into_its_verb_but_keeps_a_noun_head():
    text = "市场监管总局组织开展抽查，中国机械工业联合会和国际航空航天质量组织发布报告"
    ner = [Cand(0, text.index("开展"), "ORG", "ner"),
           Cand(text.index("中国"), text.index("和"), "ORG", "ner"),
           Cand(text.index("国际"), text.index("发布"), "ORG", "ner")]
    assert [text[c.start:c.end] for c in Extractor._clean_ner(text, ner)] == [
        "市场监管总局", "中国机械工业联合会", "国际航空航天质量组织"]


def test_departments_that_describe_a_class_are_not_orgs():
    text = "国务院计量行政部门、国家商检部门、县级以上地方人民政府计量行政部门和国务院有关部门"
    ner = []
    for name in ("国务院计量行政部门", "国家商检部门", "县级以上地方人民政府计量行政部门", "国务院有关部门"):
        ner.append(Cand(text.index(name), text.index(name) + len(name), "ORG", "ner"))
    assert [text[c.start:c.end] for c in Extractor._clean_ner(text, ner)] == ["国务院计量行政部门", "国家商检部门"]


def test_an_organisation_name_stops_at_a_body_acting_with_it():
    from nqikg.ingest.patterns import organisations

    def names(text):
        return [text[c.start:c.end] for c in organisations(text)]
    assert names("合肥市市场监督管理局联合中国科学技术大学共建计量测试中心") == ["中国科学技术大学"]
    assert names("安徽省市场监督管理局组织安徽省计量科学研究院开展比对") == ["安徽省计量科学研究院"]
    assert names("中欧联合研究院成立") == ["中欧联合研究院"]  # 联合 inside a name, after no body's head
    assert names("国家认监委批准中国船级社质量认证有限公司开展认证") == ["中国船级社质量认证有限公司"]
    assert names("中望软件ZW3D通过中国电子技术标准化研究院测评") == ["中国电子技术标准化研究院"]


# ------------------------------------------------------------ model and extractor
def test_model_loads_and_finds_entities(extractor):
    assert extractor.nlp is not None and extractor.nlp.pipe_names == ["nqi_ner"]
    text = "国家市场监督管理总局和中国计量科学研究院推动我国计量、标准、认证认可、检验检测协同发展，依据GB/T 19001-2016。"
    res = next(extractor.annotate([text]))
    got = _ents(res)
    assert ("ORG", "国家市场监督管理总局") in got
    assert ("ORG", "中国计量科学研究院") in got
    assert ("LOC", "我国") in got
    assert ("METROLOGY", "计量") in got and ("CERTIFICATION", "认证认可") in got
    assert ("STANDARD", "GB/T 19001-2016") in got
    spans = sorted((e["start"], e["end"]) for e in res["entities"])
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert all(text[e["start"]:e["end"]] == e["text"] for e in res["entities"])
    org = [e for e in res["entities"] if e["text"] == "国家市场监督管理总局"][0]
    assert org.get("concept") == "国家市场监督管理总局"


def test_cities_of_a_provincial_notice_are_places(extractor):
    r = next(iter(extractor.annotate(["2024年，常州市、宁德市和赣州市新建3家产业计量测试中心。"])))
    assert {("常州市", "LOC"), ("宁德市", "LOC"), ("赣州市", "LOC")} <= {(e["text"], e["label"]) for e in r["entities"]}


def test_facts_constructed_sentence(extractor):
    text = "数控机床整机平均故障间隔时间在900 h左右，国际先进水平5000 h。"
    res = next(extractor.annotate([text]))
    facts = {(f["indicator"], f["value"], f["subject"]) for f in res["facts"]}
    assert ("平均故障间隔时间", "900 h", "数控机床") in facts
    assert ("平均故障间隔时间", "5000 h", "数控机床") in facts


def test_facts_year_and_list():
    text = "2020年，质量敏感型产业占比：中国26.93%，美国34.30%。"
    ents = [_dict(text, "质量敏感型产业占比", "INDICATOR"), _dict(text, "中国", "LOC"), _dict(text, "26.93%", "VALUE"),
            _dict(text, "美国", "LOC"), _dict(text, "34.30%", "VALUE")]
    facts = link_facts(text, ents)
    assert {"indicator": "质量敏感型产业占比", "value": "26.93%", "subject": "中国", "year": "2020"} in facts
    assert {"indicator": "质量敏感型产业占比", "value": "34.30%", "subject": "美国", "year": "2020"} in facts


def test_facts_shared_value_trend_and_target():
    text = "农产品例行监测合格率和食品抽检合格率均达到98%以上，综合指数持续提升，2024年达到85.6，接近设定的目标（86，2025年目标）。"
    ents = [_dict(text, "农产品", "PRODUCT"), _dict(text, "例行监测合格率", "INDICATOR"), _dict(text, "食品", "PRODUCT"),
            _dict(text, "抽检合格率", "INDICATOR"), _dict(text, "98%以上", "VALUE"), _dict(text, "综合指数", "INDICATOR"),
            _dict(text, "85.6", "VALUE"), _dict(text, "86", "VALUE")]
    facts = link_facts(text, ents)
    assert {(f["indicator"], f["value"]) for f in facts} == {
        ("例行监测合格率", "98%以上"), ("抽检合格率", "98%以上"), ("综合指数", "85.6"), ("综合指数", "86")}
    assert {(f["indicator"], f["subject"]) for f in facts if f["value"] == "98%以上"} == {
        ("例行监测合格率", "农产品"), ("抽检合格率", "食品")}
    # without 均 the value is only the nearest indicator's
    plain = text.replace("均达到", "达到")
    ents2 = [_dict(plain, e["text"], e["label"]) for e in ents[:5]]
    assert {f["indicator"] for f in link_facts(plain, ents2)} == {"抽检合格率"}


REPORT_AND_TARGET = "2024年，合格率达93.93%，相较2014年有了显著提升，接近设定的94%目标（2025年目标）。"
TREND_AND_TARGET = "指数持续提升，2024年达到85.6，接近《纲要》设定的目标（86，2025年目标）。"


@pytest.mark.parametrize("text, values, value, year, target", [
    (REPORT_AND_TARGET, ["93.93%", "94%"], "94%", "2025", True),
    (REPORT_AND_TARGET, ["93.93%", "94%"], "93.93%", "2024", False),
    (TREND_AND_TARGET, ["85.6", "86"], "86", "2025", True),
    (TREND_AND_TARGET, ["85.6", "86"], "85.6", "2024", False),
    ("合格率由2019年的38%提升至2024年的75%。", ["38%", "75%"], "75%", "2024", False),
    ("到2027年，合格率力争超过96%。", ["96%"], "96%", "2027", True),
    ("2024年，合格率为96%（2023年为95%）。", ["96%", "95%"], "96%", "2024", False),
    ("2023年前三季度，合格率同比提高到96%。", ["96%"], "96%", "2023", False),
    ("2024年合格率超预期达到96%。", ["96%"], "96%", "2024", False),
    ("2027年底前，合格率提高到96%。", ["96%"], "96%", "2027", True),
])
def test_fact_year_and_target_from_the_values_own_clause(text, values, value, year, target):
    """The year of a value's own clause or brackets wins over a nearer one elsewhere in the sentence, and a
    value is a target by what its clause says (目标, 力争, a plan's horizon), not by 达到."""
    indicator = "合格率" if "合格率" in text else "指数"
    ents = sorted([_dict(text, indicator, "INDICATOR")] + [_dict(text, v, "VALUE") for v in values],
                  key=lambda e: e["start"])
    fact = next(f for f in link_facts(text, ents) if f["value"] == value)
    assert fact["year"] == year
    assert stated_as_target(text, next(e for e in ents if e["text"] == value)) is target


def test_fact_subject_is_the_head_of_a_de_phrase():
    text = "国家授时中心研制的锶光晶格钟，频率稳定度优于2×10^{-18}。"
    ents = [_dict(text, "国家授时中心", "ORG"), _dict(text, "锶光晶格钟", "PRODUCT"), _dict(text, "频率稳定度", "INDICATOR"),
            _dict(text, "2×10^{-18}", "VALUE")]
    assert [f["subject"] for f in link_facts(text, ents)] == ["锶光晶格钟"]
    plain = "国家授时中心，锶光晶格钟，频率稳定度优于2×10^{-18}。"
    assert [f["subject"] for f in link_facts(plain, [_dict(plain, e["text"], e["label"]) for e in ents])] == ["国家授时中心"]


def test_values_in_brackets_versions_and_commas(extractor):
    text = "接近设定的目标（86，2025年目标），发布汽车芯片认证审查技术体系1.0。"
    assert [text[c.start:c.end] for c in patterns.values(text)] == ["86", "1.0"]
    assert ("CERTIFICATION", "汽车芯片认证审查技术体系1.0") in _ents(next(extractor.annotate([text])))


def test_annotate_empty_and_long(extractor):
    res = list(extractor.annotate(["", "质量" * 20_000, "。"]))
    assert res[0] == {"entities": [], "facts": [], "relations": []}
    assert len(res) == 3


# ------------------------------------------------------------ files
def test_extract_jsonl_gbk_input(tmp_path, extractor):
    src = tmp_path / "in.jsonl"
    line = json.dumps({"id": "a1", "text": "市场监管总局发布国家标准。"}, ensure_ascii=False)
    src.write_bytes((line + "\n").encode("gbk"))
    out = tmp_path / "out.jsonl"
    assert extract_jsonl(src, out, extractor) == 1
    row = json.loads(out.read_text(encoding="utf-8"))
    assert row["text"] == "市场监管总局发布国家标准。"
    assert ("ORG", "市场监管总局") in _ents(row)


def test_extract_jsonl_utf16_input(tmp_path, extractor):
    src = tmp_path / "in16.jsonl"
    src.write_text(json.dumps({"id": "b", "text": "我国计量事业"}, ensure_ascii=False) + "\n", encoding="utf-16")
    assert [r["id"] for r in read_jsonl(src)] == ["b"]


def test_binary_input_refused_with_filename(tmp_path, extractor):
    src = tmp_path / "blob.jsonl"
    src.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(ExtractError, match="blob.jsonl"):
        extract_jsonl(src, tmp_path / "o.jsonl", extractor)


def test_bad_json_names_file_and_line(tmp_path, extractor):
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "1", "text": "标准"}\n{"id": 2, "text": \n', encoding="utf-8")
    with pytest.raises(ExtractError, match=r"bad\.jsonl:2"):
        extract_jsonl(src, tmp_path / "o.jsonl", extractor)


# ------------------------------------------------------------ dev score
DEV = None
try:
    from nqikg.ontology import shared_dir
    DEV = shared_dir() / "gold" / "dev.jsonl"
except FileNotFoundError:
    pass


@pytest.mark.skipif(DEV is None or not Path(DEV).exists(), reason="shared/gold/dev.jsonl not present")
def test_dev_score_does_not_regress(extractor):
    """The issue's targets (strict 0.85, facts 0.70); the shipped model scores 0.861 and 0.743."""
    s = evaluate(DEV, extractor)
    assert s["strict"]["f"] >= 0.85, s["strict"]
    assert s["facts"]["f"] >= 0.70, s["facts"]


def test_a_known_product_is_not_a_standard_unless_it_is_a_title():
    text = "国际先进水平 数控机床 整机平均故障间隔时间，JJG 577 膜式燃气表与《数控机床》"
    s1, s2, s3 = text.index("数控机床"), text.index("膜式燃气表"), text.rindex("数控机床")
    ents = [conventions.entity(text, s1, s1 + 4, "STANDARD"), conventions.entity(text, s2, s2 + 5, "STANDARD"),
            conventions.entity(text, s3, s3 + 4, "STANDARD")]
    assert [e["label"] for e in conventions.apply(text, ents)] == ["PRODUCT", "STANDARD", "STANDARD"]


def test_a_whole_document_on_one_line_is_tagged_in_pieces(extractor):
    """A text longer than CHUNK characters goes to the tagger in pieces cut after sentence ends: every entity
    of every piece comes back at its place in the whole text."""
    from nqikg.ingest.extract import CHUNK, _chunk
    path = Path(__file__).resolve().parents[1] / "ingest" / "training" / "eval" / "unseen_genres.jsonl"
    text = "".join(json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()[:200])
    assert len(text) > 2 * CHUNK
    [whole] = extractor.annotate([text])
    assert all(text[e["start"]:e["end"]] == e["text"] for e in whole["entities"])
    got = {(e["start"], e["end"], e["label"]) for e in whole["entities"]}
    by_piece = set()
    for off, piece in _chunk(text, CHUNK):
        [part] = extractor.annotate([piece])
        by_piece |= {(off + e["start"], off + e["end"], e["label"]) for e in part["entities"]}
    assert len(got & by_piece) >= 0.97 * len(by_piece), len(got & by_piece) / len(by_piece)
    assert max(e["start"] for e in whole["entities"]) > len(text) - CHUNK // 2

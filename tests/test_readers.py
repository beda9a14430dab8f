"""Readers per format on real files made by real tools (Chromium's PDF printer, python-docx, a saved web page),
the metadata they yield, and the five corpus documents re-read."""
from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import docx
import pyoxigraph as ox
import pytest
import requests

from nqikg.api.launcher import ServerProcess
from nqikg.ingest.build import document_sentences, read_document
from nqikg.ingest.metadata import extract
from nqikg.ingest.reader import UnreadableInput
from nqikg.ingest.readers import read
from nqikg.ingest.sentences import split_sentences
from nqikg.ingest.normalize import normalize
from nqikg.queries import lookup
from nqikg.queries import store as stores

from conftest import CORPUS
from docmaker import CHROMIUM, article_html, pdf_from_html

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make browser)")

RUNNING_HEAD = "质量技术评论 2024 年 第 7 卷 第 3 期"
FOOTER = "专题研究 · 计量与标准"
TITLE = "计量基础设施支撑先进制造的路径研究"
_SUBJECTS = ["国家计量基准", "检验检测机构", "认证认可体系", "标准化工作", "质量基础设施"]
_PREDICATES = ["为数控机床产业提供量值溯源支撑", "服务新能源汽车零部件的质量提升", "推动集成电路装备的可靠性验证",
               "覆盖工业机器人整机的性能测试", "支持高端轴承的寿命评价"]


def _paragraphs(n: int) -> list[str]:
    """Made-up Chinese prose, each paragraph distinct (sentence k says which paragraph it is in)."""
    out = []
    for k in range(n):
        sentences = [f"第{k + 1}段指出，{_SUBJECTS[(k + j) % 5]}{_PREDICATES[(k + 2 * j) % 5]}，"
                     f"相关工作在{2015 + (k + j) % 9}年取得进展。" for j in range(4)]
        out.append("".join(sentences))
        if k % 6 == 5:
            out.append(f"## {['一', '二', '三', '四', '五'][(k // 6) % 5]}、阶段性成效")
    return out


@pytest.fixture(scope="module")
def article_pdf(tmp_path_factory) -> Path:
    """A 3+ page A5 article printed by headless Chromium with a running head, a footer and Chromium's own
    header (date, title) and footer (URL, page "n/N")."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make browser)")
    page = article_html(TITLE, _paragraphs(24), header=RUNNING_HEAD, footer=FOOTER)
    return pdf_from_html(page, tmp_path_factory.mktemp("pdf") / "article.pdf", display_header_footer=True)


@needs_chromium
def test_pdf_keeps_table_rows_and_a_title_that_is_also_the_running_head(tmp_path):
    """Rows of numbers repeat in shape on every page, and the title may be the running head: both are body."""
    rows = "".join(f"<p>{2000 + k} {80 + k / 10:.1f} {90 + k / 10:.1f}</p>" for k in range(60))
    page = article_html(TITLE, ["## 一、历年指标", "下表列出历年的质量竞争力指数与合格率。"], header=TITLE,
                        after=rows)
    doc = read(pdf_from_html(page, tmp_path / "table.pdf").read_bytes(), "table.pdf")
    assert len(doc.pages) >= 2
    assert all(f"{2000 + k} {80 + k / 10:.1f} {90 + k / 10:.1f}" in doc.text for k in range(60))
    assert (TITLE, 1) in [(doc.text[h.start:h.end].replace("\n", ""), h.level) for h in doc.headings]


@needs_chromium
def test_pdf_keeps_pages_and_drops_running_heads_footers_and_page_numbers(article_pdf):
    doc = read(article_pdf.read_bytes(), article_pdf.name)
    assert doc.kind == "pdf" and len(doc.pages) >= 3 and doc.pages[0] == 0
    assert doc.pages == sorted(doc.pages) and len(set(doc.pages)) == len(doc.pages)
    assert RUNNING_HEAD in doc.furniture and FOOTER in doc.furniture
    assert any(re.search(r"\b1/\d+$", f) for f in doc.furniture)           # Chromium's page number
    assert RUNNING_HEAD not in doc.text and FOOTER not in doc.text and "file://" not in doc.text
    sentences = split_sentences(normalize(doc.text, headings=[(h.start, h.end) for h in doc.headings]))
    assert len(sentences) > 80 and sentences[0].text == TITLE                # the wrapped title is one sentence
    assert sum(s.text == "一、阶段性成效" for s in sentences) == 1
    for s in sentences:
        assert re.sub(r"\s", "", doc.text[s.source_start:s.source_end]) == re.sub(r"\s", "", s.text)
        assert not re.search(r"质量技术评论|计量与标准|file:|\d+/\d+$", s.text), s.text
    pages = [doc.page_at(s.source_start) for s in sentences]
    assert pages[0] == 1 and pages[-1] == len(doc.pages) and pages == sorted(pages)
    # a sentence of paragraph 24 is on the last page, one of paragraph 1 on the first
    assert doc.page_at(doc.text.index("第24段指出")) == len(doc.pages)
    assert doc.page_at(doc.text.index("第1段指出")) == 1
    headings = [(doc.text[h.start:h.end].replace("\n", ""), h.level) for h in doc.headings]
    assert headings == [(TITLE, 1)] + [(f"{n}、阶段性成效", 2) for n in "一二三四"]


@needs_chromium
def test_pdf_metadata_from_the_running_head_and_the_title_line(article_pdf):
    meta = extract(read(article_pdf.read_bytes(), article_pdf.name))
    assert meta.title == TITLE
    assert (meta.journal, meta.issued, meta.volume, meta.issue) == ("质量技术评论", "2024", "7", "3")
    assert meta.page_count >= 3 and meta.language == "zh"
    assert meta.authors == [] and meta.number is None


@needs_chromium
def test_pdf_without_text_encrypted_or_damaged_is_refused_by_name(tmp_path, article_pdf):
    import pypdf
    scanned = pdf_from_html('<html><body><div style="width:300px;height:400px;background:#345"></div>'
                            '<svg width="200" height="100"><rect width="200" height="100" fill="#888"/></svg>'
                            '</body></html>', tmp_path / "scan.pdf")
    writer = pypdf.PdfWriter(clone_from=str(article_pdf))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as f:
        writer.write(f)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(article_pdf.read_bytes()[:2000])
    for path, reason in ((scanned, "without a text layer"), (locked, "encrypted"), (broken, "cannot open PDF")):
        with pytest.raises(UnreadableInput) as err:
            read_document(path)
        assert str(path) in str(err.value) and reason in str(err.value), err.value


NAV = ('<header><nav><ul><li><a href="/">首页</a></li><li><a href="/zc">政策文件</a></li>'
       '<li><a href="/hd">互动交流</a></li><li><a href="/fw">办事服务</a></li></ul></nav></header>')
SHARE = '<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a> 【打印本页】【关闭窗口】</div>'
FOOT = ('<footer><p>主办单位：某某省市场监督管理局 版权所有 网站标识码3300000012</p>'
        '<p>浙ICP备05000000号 浙公网安备33010002000001号</p></footer>'
        '<aside class="related"><h3>相关阅读</h3><ul><li><a href="/a">省政府常务会议研究质量工作</a></li></ul></aside>')
HEAD = ('<link rel="canonical" href="https://scjg.example.gov.cn/art/2023/3/6/art_1229_5861.html">'
        '<meta name="PubDate" content="2023-03-06 09:30"><meta name="ContentSource" content="某某省市场监督管理局">')
NOTICE = "某某省市场监督管理局关于开展计量服务中小企业行动的通知"


def _web_page() -> str:
    page = article_html(NOTICE, _paragraphs(8), head=HEAD, nav=NAV, before="<p>浙市监量〔2023〕7号</p>", after=SHARE)
    return page.replace("</body>", FOOT + "</body>")


def test_html_main_content_headings_and_metadata_without_boilerplate(tmp_path):
    path = tmp_path / "notice.html"
    path.write_text(_web_page(), encoding="utf-8")
    doc = read(path.read_bytes(), path.name)
    assert doc.kind == "html" and doc.pages == []
    for boilerplate in ("首页", "互动交流", "分享到", "微博", "打印本页", "版权所有", "ICP备", "相关阅读", "常务会议"):
        assert boilerplate not in doc.text, boilerplate
    assert "第8段指出" in doc.text
    headings = [(doc.text[h.start:h.end], h.level) for h in doc.headings]
    assert (NOTICE, 1) in headings and ("一、阶段性成效", 2) in headings
    meta = extract(doc)
    assert meta.title == NOTICE
    assert meta.url == "https://scjg.example.gov.cn/art/2023/3/6/art_1229_5861.html"
    assert meta.issued == "2023-03-06" and meta.number == "浙市监量〔2023〕7号"
    assert meta.issuer == "某某省市场监督管理局" and meta.journal is None and meta.authors == []


def _docx_bytes() -> bytes:
    d = docx.Document()
    d.core_properties.author = "王五"
    d.add_paragraph("关于加强检验检测认证服务的指导意见", style="Title")
    d.add_paragraph("——面向先进制造业集群", style="Subtitle")
    d.add_paragraph("市监认证发〔2024〕15号")
    d.add_paragraph("作者：张三，李四")
    d.add_heading("一、总体要求", level=1)
    for p in _paragraphs(3):
        d.add_paragraph(p)
    table = d.add_table(rows=2, cols=2)
    for row, (a, b) in zip(table.rows, (("指标", "目标值"), ("检验检测机构数量", "5万家"))):
        row.cells[0].text, row.cells[1].text = a, b
    d.add_heading("二、重点任务", level=1)
    d.add_paragraph(_paragraphs(4)[3])
    d.add_paragraph("国家市场监督管理总局")
    d.add_paragraph("2024年5月20日")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_docx_paragraphs_headings_tables_and_metadata(tmp_path):
    doc = read(_docx_bytes(), "guide.docx")
    assert doc.kind == "docx"
    headings = [(doc.text[h.start:h.end], h.level) for h in doc.headings]
    assert headings == [("关于加强检验检测认证服务的指导意见", 1), ("一、总体要求", 2), ("二、重点任务", 2)]
    assert "检验检测机构数量 5万家" in doc.text                   # a table row, cells kept apart
    meta = extract(doc)
    assert meta.title == "关于加强检验检测认证服务的指导意见" and meta.subtitle == "面向先进制造业集群"
    assert meta.number == "市监认证发〔2024〕15号" and meta.authors == ["张三", "李四"]
    assert meta.issuer == "国家市场监督管理总局" and meta.issued == "2024-05-20"


def test_docx_pages_where_the_file_marks_them():
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    d = docx.Document()
    first = d.add_paragraph("第一页说明计量基准的作用。")
    first.add_run().add_break(WD_BREAK.PAGE)                    # a hard break inside a paragraph
    first.add_run("第二页讨论标准体系。")
    d.add_page_break()
    rendered = d.add_paragraph("第三页开头。").add_run("第四页由 Word 排版时分页。")
    rendered._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))   # what Word records when it saves
    out = io.BytesIO()
    d.save(out)
    doc = read(out.getvalue(), "paged.docx")
    assert [doc.page_at(doc.text.index(t)) for t in ("第一页", "第二页", "第三页", "第四页")] == [1, 2, 3, 4]
    assert read(_docx_bytes(), "plain.docx").pages == []          # no marks: no pages, never guessed


def test_files_of_other_kinds_or_broken_are_refused_with_the_reason(tmp_path):
    good = _docx_bytes()
    cases = {"broken.docx": (good[: len(good) // 2], "broken zip"),
             "archive.zip": (_zip_of({"readme.txt": "hello"}), "not a Word document"),
             "legacy.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "legacy Office"),
             "table.csv": ("指标,目标\n合格率,94%\n".encode(), "unsupported kind (.csv"),
             "fake.pdf": ("这不是PDF".encode(), "not a PDF"),
             "picture.txt": (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
             "garbled.docx": (_zip_of({"word/document.xml": "<w:document>not xml", "[Content_Types].xml": "<"}),
                              "malformed docx file"),
             "menu.html": (b"<html><body><nav><a href='/'>\xe9\xa6\x96\xe9\xa1\xb5</a></nav></body></html>",
                           "without main content")}
    for name, (data, reason) in cases.items():
        with pytest.raises(UnreadableInput) as err:
            read(data, name)
        assert name in str(err.value) and reason in str(err.value), err.value


def _zip_of(files: dict[str, str]) -> bytes:
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


def test_kind_is_told_by_content_not_by_suffix(tmp_path):
    assert read(_docx_bytes(), "guide.txt").kind == "docx"
    assert read(_web_page().encode("utf-8"), "saved_page").kind == "html"
    assert read("计量是工业的基础。".encode("gb18030"), "plain").kind == "text"


def test_metadata_patterns_on_made_up_documents():
    notice = ("国务院关于加强质量认证体系建设促进全面质量管理的意见\n国发〔2018〕3号\n"
              "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
              "质量认证是市场经济条件下加强质量管理、提高市场效率的基础性制度。为此，提出以下意见。\n"
              "一、总体要求\n（一）指导思想。全面贯彻党的十九大精神。\n国务院\n2018年1月17日\n")
    meta = extract(read(notice.encode("utf-8"), "notice.txt"))
    assert meta.title == "国务院关于加强质量认证体系建设促进全面质量管理的意见"
    assert (meta.number, meta.issuer, meta.issued) == ("国发〔2018〕3号", "国务院", "2018-01-17")

    paper = ("标准化对产业升级的作用研究\n\n赵六1，钱七2*\n\n（1. 某某大学质量学院，杭州 310000；2. 某某研究院，北京 100000）\n\n"
             "摘要：本文分析了标准化对产业升级的作用。\n关键词：标准化；产业升级\n"
             "引用本文：赵六，钱七. 标准化对产业升级的作用研究[J]. 标准科学, 2021, 12(4): 33–41.\n"
             "收稿日期：2021-03-02\n一、引言\n标准是经济活动和社会发展的技术支撑。\n")
    meta = extract(read(paper.encode("utf-8"), "paper.txt"))
    assert meta.title == "标准化对产业升级的作用研究" and meta.authors == ["赵六", "钱七"]
    assert meta.affiliations == ["某某大学质量学院", "某某研究院"] and meta.author_affiliations == {0: [0], 1: [1]}
    assert (meta.journal, meta.issued, meta.volume, meta.issue, meta.first_page, meta.last_page) == (
        "标准科学", "2021", "12", "4", "33", "41")
    assert meta.received == "2021-03-02" and meta.keywords == ["标准化", "产业升级"]

    no_title = "摘要：本文研究了检验检测市场。\n一、引言\n检验检测是国家质量基础设施的重要组成部分。\n"
    assert extract(read(no_title.encode("utf-8"), "x.txt")).title is None
    body_first = ("在需求端，政府采购中的低价中标制度与优质优价理念相违背，消费者对优质产品及其价格的接受程度与购买意愿不高。\n"
                  "在供给端，企业质量投入不足。\n")
    assert extract(read(body_first.encode("utf-8"), "y.txt")).title is None
    contents = "目 录\n\n纲要速览\n\n一、总体要求\t1\n二、主要任务\t3\n\n纲要速览\n\n正文从这里开始，内容较长较长较长。\n"
    assert extract(read(contents.encode("utf-8"), "z.txt")).title is None


def test_the_five_corpus_documents_get_their_own_titles_and_metadata():
    meta = {p.name[:3]: extract(read(p.read_bytes(), p.name)) for p in sorted(CORPUS.glob("*.txt"))}
    assert {k: m.title for k, m in meta.items()} == {
        "000": None, "001": "供给侧结构性改革中的制造业质量升级", "002": "我国优质制造建设十年成效与未来发展展望",
        "003": None, "004": None}
    m = meta["000"]
    assert (m.journal, m.issued, m.volume, m.issue) == ("中国工程科学", "2022", "24", "2")
    m = meta["002"]
    assert m.authors == ["林忠钦", "张纲", "奚立峰", "潘尔顺", "赵亦希", "李艳婷", "朱颖", "万曙峰"]
    assert m.affiliations == ["上海交通大学中国质量发展研究院", "国家市场监督管理总局"]
    assert m.author_affiliations[1] == [1] and m.author_affiliations[3] == [0]
    assert m.received == "2025-12-28" and "优质制造" in m.keywords
    for m in meta.values():
        assert m.language == "zh" and m.number is None


def test_running_heads_that_repeat_the_title_leave_the_sentences():
    path = sorted(CORPUS.glob("001_*.txt"))[0]
    doc = read_document(path)
    assert re.search(r"\n专题研究\s+供给侧结构性改革中的制造业质量升级\n", doc.raw)   # 001's page head, in the file
    _, sentences = document_sentences(doc)
    assert sentences[0].text == "供给侧结构性改革中的制造业质量升级"           # the title line stays, on its own
    assert sentences[1].text.startswith("摘要：")
    assert not any("专题研究" in s.text for s in sentences)


def test_a_change_in_the_reading_code_changes_the_extractor_version(monkeypatch):
    from nqikg.ingest import readers
    from nqikg.ingest.extract import Extractor
    before = Extractor(None).version
    monkeypatch.setattr(readers, "version", lambda: "a-changed-reader")
    assert Extractor(None).version != before


@needs_chromium
def test_build_a_mixed_folder_reports_every_file_and_refuses_bad_ones(tmp_path, article_pdf):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "article.pdf").write_bytes(article_pdf.read_bytes())
    (inbox / "notice.html").write_text(_web_page(), encoding="utf-8")
    (inbox / "guide.docx").write_bytes(_docx_bytes())
    (inbox / "004.txt").write_bytes(sorted(CORPUS.glob("004_*.txt"))[0].read_bytes())
    (inbox / "broken.docx").write_bytes(_docx_bytes()[:3000])
    (inbox / "guide.html").write_text(_web_page(), encoding="utf-8")      # the id "guide" is taken by guide.docx
    (inbox / "figures.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    store_dir = tmp_path / "store"
    run = subprocess.run([sys.executable, "-m", "nqikg", "build", str(inbox), "--store", str(store_dir),
                          "--workers", "1"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stderr
    for name in ("article.pdf", "notice.html", "guide.docx", "004.txt", "broken.docx", "figures.csv", "guide.html"):
        assert name in run.stderr, name
    assert "4 documents ingested" in run.stderr and "3 refused" in run.stderr
    assert re.search(r"guide\.html: document id 'guide' is already taken by \S*guide\.docx", run.stderr)
    assert re.search(r"article\.pdf \(pdf, [3-9] pages\)", run.stderr) and "notice.html (html)" in run.stderr
    assert re.search(r"broken\.docx: broken zip", run.stderr) and re.search(r"figures\.csv: unsupported kind", run.stderr)

    store = stores.open_read_only(store_dir)
    docs = {d["doc_id"]: d for d in lookup.documents(store)}
    assert docs["article"]["title"] == TITLE and docs["article"]["format"] == "application/pdf"
    assert (docs["article"]["journal"], docs["article"]["volume"], docs["article"]["issue"]) == ("质量技术评论", "7", "3")
    assert docs["notice"]["source_url"].startswith("https://scjg.example.gov.cn/") and docs["notice"]["issued"] == "2023-03-06"
    assert docs["guide"]["number"] == "市监认证发〔2024〕15号" and [a["name"] for a in docs["guide"]["authors"]] == ["张三", "李四"]
    assert docs["004"]["title"] is None and docs["004"]["format"] == "text/plain"

    index = lookup.index_for(store)
    detail = lookup.document(store, index, "article", limit=500)
    pages = [ev["page"] for ev in detail["sentences"]]
    assert None not in pages and pages == sorted(pages) and pages[-1] >= 3
    assert all(ev["document_title"] == TITLE for ev in detail["sentences"])
    assert not any("质量技术评论" in ev["text"] for ev in detail["sentences"])
    assert all(ev["page"] is None for ev in lookup.document(store, index, "guide", limit=500)["sentences"])

    with ServerProcess.nqikg(store_dir) as server:
        listed = {d["doc_id"]: d for d in requests.get(f"{server.url}/api/documents", timeout=30).json()["items"]}
        assert listed["article"]["journal"] == "质量技术评论" and listed["guide"]["subtitle"] == "面向先进制造业集群"
        assert listed["notice"]["issuer"] == "某某省市场监督管理局" and listed["004"]["title"] is None
        page = requests.get(f"{server.url}/page/doc/article", timeout=30).text
        assert TITLE in page and "质量技术评论 2024, 第 7 卷 第 3 期" in page and "p. 1</span>" in page
        hit = next(e for e in detail["entities"] if e["id"] and e["mentions_here"] >= 2)
        entity_page = requests.get(f"{server.url}/page/{hit['id']}", timeout=30).text
        assert re.search(rf'{TITLE}</a> ·\s*<span class="page">第 \d+ 页 p\. \d+</span>', entity_page)
        evidence = requests.get(f"{server.url}/api/entities/{hit['id']}", timeout=30).json()["evidence"]
        assert {ev["page"] for ev in evidence if ev["document_id"] == "article"} - {None}

    from nqikg.queries.validate import validate_nquads
    out = tmp_path / "all.nq"
    store.dump(str(out), format=ox.RdfFormat.N_QUADS)
    conforms, report = validate_nquads(out)
    assert conforms, report


def _saved(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_merged_cells_are_read_once():
    document = docx.Document()
    document.add_paragraph("国内外数控机床的可靠性对比如下表所示，数据来自行业协会的年度统计。")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "国内外数控机床平均无故障时间对比"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "数控机床"
    for r, (where, hours) in enumerate((("国内", "900 h"), ("国际先进", "5000 h")), 1):
        table.cell(r, 1).text, table.cell(r, 2).text = where, hours
    text = read(_saved(document), "table.docx").text
    assert text.count("国内外数控机床平均无故障时间对比") == 1 and text.count("数控机床 ") == 1, text
    assert "国内 900 h" in text and "国际先进 5000 h" in text


def test_docx_that_unpacks_too_large_is_refused(monkeypatch):
    from nqikg.ingest import readers
    document = docx.Document()
    document.add_paragraph("计量" * 4000)
    monkeypatch.setattr(readers, "MAX_UNPACKED", 10_000)
    with pytest.raises(UnreadableInput, match="big.docx: zip container unpacks to"):
        read(_saved(document), "big.docx")


def test_xhtml_page_with_nested_lists():
    page = ('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml" '
            'lang="zh-CN"><head><title>关于开展计量工作的通知</title><meta name="author" content="张三"/></head>'
            "<body><article><h1>关于开展计量工作的通知</h1><p>为加强计量监督管理，现就有关事项通知如下，请各单位认真"
            "贯彻落实，确保工作取得实效。</p><ul><li>外层说明文字<ul><li>内层项目内容很重要</li></ul></li>"
            "<li>第二项内容同样需要落实</li></ul></article></body></html>")
    doc = read(page.encode("utf-8"), "notice.xhtml")
    assert doc.properties["authors"] == ["张三"] and doc.properties["language"] == "zh"
    assert doc.text.count("内层项目内容很重要") == 1

"""Document metadata from the structure of the text and what its container states.

Patterns, not per-file rules: a title is the first level-1 heading near the
start, else what the container calls the title, else the first short line
before the abstract, a table of contents or the body; authors are a line of
names (``作者：`` or names with affiliation marks) after the title, their
affiliations the parenthesised numbered list that follows; the journal, year,
volume and issue come from a running head (``中国工程科学 2022 年 第 24 卷 第 2 期``)
or a citation line (``引用本文：… [J]. 刊名, 2022, 24(2): 38–47``); a document
number (``国发〔2023〕5号``), issuing body and date from their lines or the
closing signature. A field that is not found is None, never body text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .normalize import is_furniture
from .readers import ReadText

HEAD_LINES = 40          # how far into the text the title block is looked for
MAX_TITLE = 60           # characters

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ABSTRACT = re.compile(r"^\s*(摘\s*要|提\s*要|内容提要|abstract|关\s*键\s*词|key\s*words?|目\s*录|contents)\s*[:：]?",
                       re.I)
_ITEM = re.compile(r"^\s*(第[一二三四五六七八九十百零〇\d]+[章节条部分篇]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]"
                   r"|\d{1,2}(\.\d+)*[、.．\s]|[①-⑳])")
_SENTENCE_PUNCT = re.compile(r"[。！？；!?;，,：:]")
_MARKS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_AUTHOR_LABEL = re.compile(r"^\s*(作\s*者|author[s]?)\s*[:：]\s*(?P<names>.+)$", re.I)
_NAME_MARKS = re.compile(rf"(\^\{{[^}}]*\}}|\^\S+|[{_MARKS}*∗]+|\d+(,\d+)*\*?|[（(]\d+[）)])")
_PERSON = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fff·]{1,5}$")
_AFFILIATION_BLOCK = re.compile(r"^\s*[（(](?P<body>.+)[）)]\s*$")
_AFFILIATION_ITEM = re.compile(r"^\s*(?P<n>\d+)\s*[.．、]?\s*(?P<name>.+)$")
_RUNNING_HEAD = re.compile(r"(?P<journal>[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z &]{1,30}?)\s*(?P<year>(19|20)\d{2})\s*年"
                           r"\s*(第\s*(?P<volume>\d+)\s*卷\s*)?第\s*(?P<issue>\d+)\s*期")
_CITATION = re.compile(r"\[J\]\s*[.．]\s*(?P<journal>[^,，\[\]]{2,40}?)\s*[,，]\s*(?P<year>(19|20)\d{2})\s*[,，]\s*"
                       r"(?P<volume>\d+)\s*[(（]\s*(?P<issue>\d+)\s*[)）]\s*[:：]\s*(?P<first>\d+)\s*[-–—~]\s*(?P<last>\d+)")
_DATE = r"(?P<y>(19|20)\d{2})\s*(年|[-./])\s*(?P<m>\d{1,2})\s*(月|[-./])\s*(?P<d>\d{1,2})\s*日?"
_DATE_LINE = re.compile(rf"^\s*(?P<label>收稿日期|成文日期|发布日期|印发日期|发文日期|公布日期|日期)\s*[:：]\s*{_DATE}")
_SIGNATURE_DATE = re.compile(rf"^\s*{_DATE}\s*$")
_NUMBER = r"[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*(19|20)\d{2}\s*[〕\]］】)）]\s*(第\s*)?\d{1,4}\s*号"
_NUMBER_LINE = re.compile(rf"^\s*((发文字号|文\s*号)\s*[:：]\s*)?(?P<number>{_NUMBER})\s*$")
_ISSUER_LINE = re.compile(r"^\s*(发文机关|发布机构|发布单位|印发机关|发文单位|来\s*源)\s*[:：]\s*(?P<issuer>\S.{1,40})$")
_ISSUER_IN_TITLE = re.compile(r"^(?P<issuer>[\u4e00-\u9fff、\s]{2,40}?)关于.{2,}的(通知|意见|决定|办法|规定|公告|通告|批复|方案|函|指导意见|实施意见)$")
_ORG = re.compile(r"(国务院|中共中央|委员会|办公厅|办公室|总局|政府|部|局|署|院|中心|协会|学会|公司)$")
_KEYWORDS = re.compile(r"^\s*关\s*键\s*词\s*[:：]\s*(?P<words>.+)$")
_FILENAME_TITLE = re.compile(r"^(microsoft\s+word\s*-|untitled|无标题)|\.(docx?|pdf|wps|tmp|indd|html?)$", re.I)


@dataclass
class Metadata:
    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    author_affiliations: dict[int, list[int]] = field(default_factory=dict)   # author index -> affiliation indexes
    issuer: str | None = None
    number: str | None = None            # 国发〔2023〕5号
    issued: str | None = None            # ISO date (YYYY-MM-DD) or year
    received: str | None = None          # 收稿日期
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    first_page: str | None = None
    last_page: str | None = None
    url: str | None = None
    language: str | None = None
    keywords: list[str] = field(default_factory=list)
    page_count: int | None = None


def _iso(m: re.Match) -> str | None:
    """The ISO date of a match of ``_DATE``, None when it is no calendar date."""
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
    except ValueError:
        return None


def _iso_text(value: str) -> str | None:
    m = re.search(_DATE, value)
    if m:
        return _iso(m)
    m = re.match(r"^\s*((19|20)\d{2})\s*$", value)
    return m.group(1) if m else None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _unwrapped(text: str) -> str:
    """A heading wrapped over lines as one line (a space only between two Latin words or numbers)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    out = lines[0] if lines else ""
    for line in lines[1:]:
        out += (" " if re.match(r"[A-Za-z0-9]", line) and re.search(r"[A-Za-z0-9,.;:]$", out) else "") + line
    return out


def _is_title(value: str) -> bool:
    """A heading or a container's title that can be the document's: no abstract, file name or sentence."""
    return (2 <= len(value) <= 2 * MAX_TITLE and not _ABSTRACT.match(value) and not _FILENAME_TITLE.search(value)
            and not value.endswith(("。", "．")) and bool(_CJK.search(value) or re.search(r"[A-Za-z]{3}", value)))


def _title_from_text(lines: list[str]) -> str | None:
    """The first line of the text when it is short, without sentence punctuation, and not an abstract,
    a table of contents, a numbered heading or page furniture (those before it are skipped)."""
    for line in lines[:HEAD_LINES]:
        if is_furniture(line) or _NUMBER_LINE.match(line):
            continue
        if len(line) > MAX_TITLE or _SENTENCE_PUNCT.search(line) or _ITEM.match(line) or _SIGNATURE_DATE.match(line):
            return None
        return line if _is_title(line) else None
    return None


def _names(line: str) -> list[tuple[str, list[int]]] | None:
    """``林忠钦¹, 张纲², 潘尔顺^{1*}`` -> [(name, affiliation numbers)], or None when the line is not names."""
    labelled = _AUTHOR_LABEL.match(line)
    body = labelled.group("names") if labelled else line
    if len(body) > 120:
        return None
    out = []
    for token in re.split(r"\s*[,，、;；]\s*|\s{2,}|\s(?=[\u4e00-\u9fff])", body):
        if not token:
            continue
        marks = [int(d) for d in re.findall(r"\d", token.translate(str.maketrans(_MARKS, "1234567890")))]
        name = _NAME_MARKS.sub("", token).strip()
        if not _PERSON.match(name):
            return None
        out.append((name, marks))
    if not out or (not labelled and len(out) < 2 and not any(m for _, m in out)):
        return None
    return out


def _affiliations(line: str) -> list[tuple[int, str]] | None:
    m = _AFFILIATION_BLOCK.match(line)
    if not m:
        return None
    out = []
    for k, part in enumerate(re.split(r"\s*[;；]\s*", m.group("body")), 1):
        item = _AFFILIATION_ITEM.match(part)
        n, name = (int(item["n"]), item["name"]) if item else (k, part)
        name = re.split(r"\s*[,，]\s*", name.strip())[0]
        if _CJK.search(name) or re.search(r"[A-Za-z]{3}", name):
            out.append((n, name))
    return out or None


def extract(doc: ReadText) -> Metadata:
    """The metadata of a read document (see the module docstring)."""
    props = doc.properties
    lines = _lines(doc.text)
    meta = Metadata(page_count=props.get("page_count"), url=props.get("url"),
                    language=props.get("language") or _language(doc.text))
    meta.title = _title(doc, lines)
    title_at = lines.index(meta.title) if meta.title in lines[:HEAD_LINES] else None
    subtitle = props.get("subtitle")
    if not subtitle and title_at is not None and title_at + 1 < len(lines) \
            and re.match(r"^[—–-]{1,2}\s*\S", lines[title_at + 1]):
        subtitle = lines[title_at + 1]
    meta.subtitle = subtitle.lstrip("—–- ").strip() if subtitle else None
    _authors(meta, lines, 0 if title_at is None else title_at + 1, props)
    _publication(meta, [*doc.furniture, *lines], props)
    _official(meta, lines, props)
    return meta


def _title(doc: ReadText, lines: list[str]) -> str | None:
    """A level-1 heading near the start, else the container's title, else the first line if it is one."""
    head_end = len("\n".join(lines[:HEAD_LINES]))
    for h in doc.headings:
        if h.level == 1 and h.start <= head_end and _is_title(_unwrapped(doc.text[h.start:h.end])):
            return _unwrapped(doc.text[h.start:h.end])
    for key in ("title", "html_title"):
        value = str(doc.properties.get(key) or "").strip()
        if key == "html_title":   # 国务院关于…的通知_国务院文件_中国政府网: the part before the site's name
            value = re.split(r"\s*(?:_|\||\s[–—-]\s)\s*", value)[0]
        if _is_title(value):
            return value
    return _title_from_text(lines)


def _authors(meta: Metadata, lines: list[str], start: int, props: dict) -> None:
    """Authors from the lines after the title (before the abstract), their affiliations from the line under them."""
    for i in range(start, min(len(lines), start + 6)):
        if _ABSTRACT.match(lines[i]):
            break
        names = _names(lines[i])
        if not names:
            continue
        meta.authors = [n for n, _ in names]
        affs = _affiliations(lines[i + 1]) if i + 1 < len(lines) else None
        if affs:
            meta.affiliations = [name for _, name in affs]
            number = {n: k for k, (n, _) in enumerate(affs)}
            for a, (_, marks) in enumerate(names):
                linked = [number[m] for m in marks if m in number]
                meta.author_affiliations[a] = linked or ([0] if len(affs) == 1 else [])
        return
    meta.authors = [a for a in props.get("authors", []) if a]


def _publication(meta: Metadata, lines: list[str], props: dict) -> None:
    """Journal, year, volume, issue and pages from a citation line, else a running head, else the page's tags."""
    for line in lines:
        m = _CITATION.search(line) if re.search(r"引用|引文格式|Cite", line) else None
        if m:
            meta.journal, meta.volume, meta.issue = m["journal"].strip(), m["volume"], m["issue"]
            meta.first_page, meta.last_page, meta.issued = m["first"], m["last"], m["year"]
            return
    for line in lines:
        m = _RUNNING_HEAD.search(line) if len(line) <= 60 else None
        if m:
            meta.journal, meta.volume, meta.issue = m["journal"].strip(), m["volume"], m["issue"]
            meta.issued = m["year"]
            return
    meta.journal = props.get("journal")
    for key in ("volume", "issue", "first_page", "last_page"):
        if props.get(key):
            setattr(meta, key, str(props[key]).strip())


def _official(meta: Metadata, lines: list[str], props: dict) -> None:
    """Document number, issuing body, dates and keywords from labelled lines of the head and the tail, the
    closing signature (a body over a date) and a title of the form ``X关于…的通知``."""
    meta.number = next((re.sub(r"\s+", "", m["number"]) for line in lines[:HEAD_LINES]
                        if (m := _NUMBER_LINE.match(line))), None)
    for line in [*lines[:HEAD_LINES], *lines[HEAD_LINES:][-6:]]:
        if (m := _ISSUER_LINE.match(line)) and not meta.issuer:
            meta.issuer = m["issuer"].strip()
        if m := _DATE_LINE.match(line):
            if m["label"] == "收稿日期":
                meta.received = meta.received or _iso(m)
            else:
                meta.issued = _iso(m) or meta.issued
        if (m := _KEYWORDS.match(line)) and not meta.keywords:
            meta.keywords = [w.strip() for w in re.split(r"[;；,，、]", m["words"]) if w.strip()]
    tail = lines[-6:]
    for i in range(len(tail) - 1, 0, -1):
        m = _SIGNATURE_DATE.match(tail[i])
        if m and _ORG.search(tail[i - 1]) and len(tail[i - 1]) <= 40:
            meta.issuer = meta.issuer or tail[i - 1]
            meta.issued = _iso(m) or meta.issued
            break
    if not meta.issuer and meta.title and (m := _ISSUER_IN_TITLE.match(meta.title)) and _ORG.search(m["issuer"]):
        meta.issuer = m["issuer"].strip()
    meta.issuer = meta.issuer or props.get("issuer")
    if not meta.issued and props.get("date"):
        meta.issued = _iso_text(str(props["date"]))
    if not meta.keywords and props.get("keywords"):
        meta.keywords = [w.strip() for w in re.split(r"[;；,，、]", str(props["keywords"])) if w.strip()]


def running_head(meta: Metadata) -> re.Pattern | None:
    """Lines that repeat the title beside a short column name or journal name (``专题研究    <title>``), as
    page heads do: never the title line itself."""
    if not meta.title:
        return None
    title = re.escape(meta.title)
    side = r"[^\s。，；！？]{1,16}"
    return re.compile(rf"{side}(\s{{2,}}|\s*[|·]\s*){title}|{title}(\s{{2,}}|\s*[|·]\s*){side}")


def _language(text: str) -> str | None:
    sample = text[:20000]
    cjk = len(_CJK.findall(sample))
    latin = len(re.findall(r"[A-Za-z]", sample))
    if cjk + latin == 0:
        return None
    return "zh" if cjk * 2 >= latin else "en"

"""Word (.docx): paragraphs and table rows in document order with python-docx; headings from the styles
(``Title``, ``Heading N``), metadata from the core properties; pages where the file marks them (hard page
breaks, and the page breaks Word records when it saves), else none."""
from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table

from ..reader import UnreadableInput
from . import Lines, ReadText, split_names

_HEADING = re.compile(r"^(heading|标题)\s*(\d)$", re.I)


def _level(style_name: str) -> int | None:
    name = (style_name or "").strip()
    if name.lower() == "title" or name == "标题":
        return 1
    m = _HEADING.match(name)
    return int(m.group(2)) + 1 if m else None   # Heading 1 sits under the Title


def read_docx(data: bytes, name: str) -> ReadText:
    """Read a .docx; a damaged package is refused by name."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableInput(f"{name}: damaged Word document ({exc})") from None
    out, props, breaks = Lines(), {}, []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            items = [(" ".join(c.text.strip() for c in row), None, []) for row in _distinct_cells(block)]
        else:
            style = block.style.name if block.style is not None else ""
            if style.lower() == "subtitle" and block.text.strip():
                props.setdefault("subtitle", block.text.strip())
            items = [(block.text, _level(style), _page_breaks(block._p, len(block.text)))]
        for raw, level, page_breaks in items:
            text = raw.strip()
            lead = len(raw) - len(raw.lstrip())
            breaks += [out.end + min(max(b - lead, 0), len(text)) for b in page_breaks]
            if text:
                out.add(text, level)
    core = document.core_properties
    if (core.title or "").strip():
        props["title"] = core.title.strip()
    if (core.author or "").strip():
        props["authors"] = split_names(core.author)
    if (core.keywords or "").strip():
        props["keywords"] = core.keywords.strip()
    if (core.language or "").strip():
        props["language"] = core.language.split("-")[0].lower()
    starts = sorted({0, *(b for b in breaks if 0 < b < out.end)}) if breaks else []
    return ReadText(out.text, "docx",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    None, starts, out.headings, [], props)


def _distinct_cells(table: Table) -> list[list]:
    """The cells of each row, a merged cell once: python-docx repeats it in every grid column and row it spans."""
    seen: set = set()   # the <w:tc> elements themselves: held, so lxml keeps one proxy per element
    rows = []
    for row in table.rows:
        cells = []
        for c in row.cells:
            if c._tc not in seen:
                seen.add(c._tc)
                cells.append(c)
        rows.append(cells)
    return rows


_TEXT_OF = {qn("w:tab"): 1, qn("w:ptab"): 1, qn("w:cr"): 1, qn("w:noBreakHyphen"): 1}


def _page_breaks(p, length: int) -> list[int]:
    """Offsets into the paragraph's text where a page starts: hard page breaks (``w:br w:type="page"``) and
    the breaks Word recorded when it last laid the document out (``w:lastRenderedPageBreak``)."""
    offsets, n = [], 0
    for el in p.iter(qn("w:t"), qn("w:br"), qn("w:lastRenderedPageBreak"), *_TEXT_OF):
        if el.tag == qn("w:t"):
            n += len(el.text or "")
        elif el.tag == qn("w:lastRenderedPageBreak") or (el.tag == qn("w:br") and el.get(qn("w:type")) == "page"):
            if not offsets or offsets[-1] != n:
                offsets.append(n)
        else:
            n += 1 if el.tag != qn("w:br") or el.get(qn("w:type")) in (None, "textWrapping") else 0
    if n != length:   # text python-docx counts otherwise: the page starts with the paragraph
        return [0] if offsets else []
    return offsets

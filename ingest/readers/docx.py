"""Word (.docx): paragraphs and table rows in document order with python-docx; headings from the styles
(``Title``, ``Heading N``), metadata from the core properties."""
from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table

from ..reader import UnreadableInput
from . import Heading, ReadText, split_names

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
    parts, headings, props, n = [], [], {}, 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = [" ".join(c.text.strip() for c in row.cells) for row in block.rows]
            items = [(r, None) for r in rows]
        else:
            style = block.style.name if block.style is not None else ""
            if style.lower() == "subtitle" and block.text.strip():
                props.setdefault("subtitle", block.text.strip())
            items = [(block.text, _level(style))]
        for text, level in items:
            text = text.strip()
            if not text:
                continue
            if level is not None:
                headings.append(Heading(n, n + len(text), level))
            parts.append(text + "\n")
            n += len(text) + 1
    core = document.core_properties
    if (core.title or "").strip():
        props["title"] = core.title.strip()
    if (core.author or "").strip():
        props["authors"] = split_names(core.author)
    if (core.keywords or "").strip():
        props["keywords"] = core.keywords.strip()
    if (core.language or "").strip():
        props["language"] = core.language.split("-")[0].lower()
    return ReadText("".join(parts), "docx",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    None, [], headings, [], props)

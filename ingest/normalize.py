"""Normalise raw PDF-extracted text while keeping a map back to the raw string.

* page furniture goes: running heads (journal name + year/volume/issue), lone
  page numbers, figure/table caption lines, "(下转第14页)" continuation notes,
  DOI/收稿日期/通讯作者 lines;
* a hard line break inside a Chinese sentence is removed: a whitespace run that
  contains a newline between two CJK characters/punctuation marks disappears
  (the convention of the annotators' ``drop`` ranges); between two Latin
  characters it becomes one space;
* a real break (after 。！？；：, after a short heading-like line, before a
  line that starts a list item such as 一、 （二） 1. 第三条, or 摘要： 关键词：) becomes one "\\n",
  which the sentence splitter treats as a boundary.

Characters are never rewritten (no width folding), so every character of the
normalised text comes from exactly one raw character and
:meth:`Normalized.source_offset` / :meth:`Normalized.source_span` map back exactly.
"""
from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Sequence

_FURNITURE = [
    re.compile(r"^\s*\d{1,4}\s*$"),                                        # page number
    re.compile(r"^\s*[-–—]?\s*\d{1,4}\s*[-–—]\s*$"),                          # - 12 -
    re.compile(r"\d{4}\s*年\s*第\s*\d+\s*卷\s*第\s*\d+\s*期"),                  # 中国工程科学 2022 年 第 24 卷 第 2 期
    re.compile(r"^\s*(Vol\.|No\.|DOI|doi|https?://)\S*.*$"),
    re.compile(r"^\s*(DOI|doi)\s*[:：]"),
    re.compile(r"^\s*(图|表)\s*\d+[-.．]?\d*\s+\S.{0,60}$"),                  # 图 1  xxx / 表 2  xxx
    re.compile(r"^\s*(图|表)\d+[-.．]?\d*\s*\S.{0,40}$"),                     # 图1 优质制造的内涵
    re.compile(r"^\s*(Fig\.|Figure|Table)\s*\d+.*$"),
    re.compile(r"^\s*[（(]\s*(下转|上接|接上|转下)第?\s*\d+\s*页\s*[）)]\s*$"),
    re.compile(r"^\s*(收稿日期|修回日期|通讯作者|作者简介|基金项目|引用本文|Cite this article)\s*[:：]"),
]

_TERMINAL = set("。！？；：!?;:…")
_CLOSERS = set("”’」』）)】》")
_ITEM_START = re.compile(  # used with .match(raw, pos): no "^"
    r"(第[一二三四五六七八九十百零〇\d]+[章节条款部分篇]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]"
    r"|\d{1,2}[、.．](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]|[-•●■◆▪]\s|\[\d+\]"
    r"|(摘\s*要|关\s*键\s*词|Abstract|Key\s*words)\s*[:：])")   # an abstract or keyword line starts a block


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x3000 <= o <= 0x303F
            or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x2FFFF or 0x2460 <= o <= 0x24FF)


def is_furniture(line: str) -> bool:
    """True for running heads, page numbers, caption lines and similar page furniture."""
    if len(line) > 200:
        return False
    return any(p.search(line) for p in _FURNITURE)


@dataclass
class Normalized:
    """Normalised text plus a piecewise-linear map to offsets in the raw string."""
    text: str
    raw_length: int
    _norm_starts: array = field(default_factory=lambda: array("q"), repr=False)
    _raw_starts: array = field(default_factory=lambda: array("q"), repr=False)

    def source_offset(self, i: int) -> int:
        """Raw offset of normalised offset ``i`` (``len(text)`` maps to the raw end)."""
        if i >= len(self.text):
            return self.raw_length if i == len(self.text) else self.raw_length
        if i < 0:
            raise IndexError(i)
        k = bisect_right(self._norm_starts, i) - 1
        return self._raw_starts[k] + (i - self._norm_starts[k])

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``(start, end)`` covering normalised ``[start, end)``."""
        if end <= start:
            s = self.source_offset(start) if start < len(self.text) else self.raw_length
            return s, s
        return self.source_offset(start), self.source_offset(end - 1) + 1


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0
        self.norm_starts = array("q")
        self.raw_starts = array("q")
        self._next_raw = -1  # raw offset that would continue the current piece

    def add(self, s: str, raw_start: int) -> None:
        if not s:
            return
        if raw_start != self._next_raw:
            self.norm_starts.append(self.n)
            self.raw_starts.append(raw_start)
        self.parts.append(s)
        self.n += len(s)
        self._next_raw = raw_start + len(s)

    def add_sep(self, sep: str, raw_pos: int) -> None:
        """A one-character separator standing for the raw whitespace run at ``raw_pos``."""
        self.norm_starts.append(self.n)
        self.raw_starts.append(raw_pos)
        self.parts.append(sep)
        self.n += 1
        self._next_raw = -1


_LINE = re.compile(r"[^\n]*\n|[^\n]+")
# a line whose Chinese words are separated by spaces is a row of table cells, not prose
_TABLE_ROW = re.compile(r"[\u4e00-\u9fff][ \t\u3000]+[\u4e00-\u9fff]")


def normalize(raw: str, running_head: re.Pattern | None = None,
              headings: Sequence[tuple[int, int]] = ()) -> Normalized:
    """Normalise ``raw`` (see the module docstring); never raises on odd input. Lines that
    ``running_head`` matches (the document's own running heads, see :func:`.metadata.running_head`)
    go with the page furniture; a heading a reader found (``(start, end)`` in ``raw``) is one line of
    its own, even when it wraps."""
    if not raw:
        return Normalized("", 0)
    lines = []  # (core_start, core_end) in raw, after stripping whitespace
    for m in _LINE.finditer(raw):
        seg = m.group()
        s, e = m.start(), m.end()
        body = seg.rstrip("\n\r")
        lead = len(body) - len(body.lstrip())
        core = body.strip()
        if not core:
            lines.append(None)  # blank line
            continue
        if is_furniture(core) or (running_head is not None and running_head.fullmatch(core)):
            continue
        lines.append((s + lead, s + lead + len(core)))
    widths = sorted(e - s for x in lines if x for s, e in [x] if e - s >= 8)
    median = widths[len(widths) // 2] if widths else 40
    short = max(6, int(median * 0.6))

    heading_starts = [h[0] for h in headings]

    def heading_of(pos: int) -> int | None:
        k = bisect_right(heading_starts, pos) - 1
        return k if k >= 0 and pos < headings[k][1] else None

    b = _Builder()
    prev = None  # (start, end) of previous kept line
    for item in lines:
        if item is None:
            continue
        s, e = item
        if prev is not None:
            ps, pe = prev
            a, c = raw[pe - 1], raw[s]
            plen = pe - ps
            last = raw[pe - 1]
            last2 = raw[pe - 2] if plen >= 2 else ""
            ends_terminal = last in _TERMINAL or (last in _CLOSERS and last2 in _TERMINAL)
            heading_like = plen < short and last not in "，、,（(“‘《-"
            starts_item = bool(_ITEM_START.match(raw, s, min(e, s + 12)))
            in_heading, prev_heading = heading_of(s), heading_of(pe - 1)
            if in_heading is not None and in_heading == prev_heading:
                if not (is_cjk(a) or is_cjk(c)):
                    b.add_sep(" ", pe)   # a wrapped heading: one line
            elif ends_terminal or heading_like or starts_item or in_heading is not None or prev_heading is not None:
                b.add_sep("\n", pe)
            elif _TABLE_ROW.search(raw, ps, pe) or _TABLE_ROW.search(raw, s, e):
                b.add_sep(" ", pe)  # rows of a flattened table: cells stay apart (国际先进水平 | 数控机床)
            elif is_cjk(a) or is_cjk(c):
                pass  # hard break inside a Chinese sentence: removed
            else:
                b.add_sep(" ", pe)
        b.add(raw[s:e], s)
        prev = item
    text = "".join(b.parts)
    return Normalized(text, len(raw), b.norm_starts, b.raw_starts)

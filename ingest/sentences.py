"""Split normalised text into sentences for extraction.

Boundaries: after 。！？； (with any closing quote/bracket that follows), and at
every "\\n" the normaliser kept (headings, list items, paragraph ends).
English-only paragraphs, reference-list entries and lines of bare numbers
(flattened tables) are left out of the result; they never raise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import Normalized, is_cjk, normalize

_BOUNDARY = re.compile(r"[。！？；!?;][”’」』）)】》]*|\n")
_REFERENCE = re.compile(r"^\s*[-•]?\s*\[\d+\]|\[(?:J|M|C|D|R|N|S|P|Z|A|EB/OL|DB/OL)\]|^\s*参考文献\s*$")
MAX_SENTENCE = 2000  # a run without any boundary is cut into pieces of this many characters


@dataclass(frozen=True)
class Sentence:
    index: int
    text: str
    start: int          # offsets in the normalised text
    end: int
    source_start: int   # offsets in the raw text
    source_end: int


def _char_class(pred) -> re.Pattern:
    """A regex class of the code points of the CJK blocks (see :func:`is_cjk`) for which ``pred`` holds."""
    ranges, start = [], None
    for o in range(0x2000, 0x30000):
        ok = is_cjk(chr(o)) and pred(chr(o))
        if ok and start is None:
            start = o
        elif not ok and start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(o - 1))}")
            start = None
    return re.compile("[" + "".join(ranges) + "]")


_CJK_LETTER = _char_class(str.isalpha)
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def is_extractable(text: str) -> bool:
    """False for English-only text, reference entries and number-only table debris."""
    cjk = len(_CJK_LETTER.findall(text))
    if cjk == 0:
        return False
    letters = len(_LATIN_LETTER.findall(text))
    if letters > 4 * cjk and cjk < 10:
        return False
    if _REFERENCE.search(text):
        return False
    return True


def split_sentences(normalized: Normalized | str, *, keep_all: bool = False) -> list[Sentence]:
    """Sentences of ``normalized`` (a :class:`Normalized` or a raw string, normalised first)."""
    if isinstance(normalized, str):
        normalized = normalize(normalized)
    text = normalized.text
    out: list[Sentence] = []
    pos = 0
    bounds = [m.end() for m in _BOUNDARY.finditer(text)]
    if not bounds or bounds[-1] != len(text):
        bounds.append(len(text))
    for end in bounds:
        while end - pos > MAX_SENTENCE:
            _emit(out, normalized, pos, pos + MAX_SENTENCE, keep_all)
            pos += MAX_SENTENCE
        _emit(out, normalized, pos, end, keep_all)
        pos = end
    return out


def _emit(out: list[Sentence], nz: Normalized, start: int, end: int, keep_all: bool) -> None:
    text = nz.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start:
        return
    s = text[start:end]
    if not keep_all and not is_extractable(s):
        return
    rs, re_ = nz.source_span(start, end)
    out.append(Sentence(len(out), s, start, end, rs, re_))

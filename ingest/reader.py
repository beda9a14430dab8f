"""Bytes to text: encoding detection and refusal of what is not text.

UTF-8 (with or without BOM), UTF-16 (BOM or NUL-pattern), GB18030 (a superset of
GBK and GB2312) are detected; binary and truncated input is refused with an
error that names the file.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass


class UnreadableInput(ValueError):
    """A file that is not text this project can decode; the message names the file and the reason."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4000]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if len(sample) >= 4 and max(even, odd) > len(sample) // 4 and min(even, odd) < len(sample) // 50:
        return "utf-16-le" if odd > even else "utf-16-be"
    return None


def decode(data: bytes, name: str = "<input>") -> Decoded:
    """Decode ``data`` or raise UnreadableInput naming ``name``."""
    if not data.strip():
        raise UnreadableInput(f"{name}: empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _strict(data, enc, name)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16, name)
    if b"\x00" in data[:65536]:
        raise UnreadableInput(f"{name}: binary file (NUL bytes), not text")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            raise UnreadableInput(f"{name}: truncated UTF-8 at byte {exc.start}") from None
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableInput(f"{name}: not UTF-8 (invalid byte at {utf8_error.start}) and not GB18030/GBK; "
                              "unknown encoding or binary") from None
    if _control_ratio(text) > 0.01:
        raise UnreadableInput(f"{name}: binary content (control characters), not text")
    return Decoded(text, "gb18030")


def _strict(data: bytes, encoding: str, name: str) -> Decoded:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"{name}: invalid {encoding} at byte {exc.start} ({exc.reason})") from None
    if _control_ratio(text) > 0.01:
        raise UnreadableInput(f"{name}: binary content (control characters), not text")
    return Decoded(text, "utf-16" if encoding.startswith("utf-16") else "utf-8")


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / max(1, len(sample))

"""The one place where IRIs are minted.

Instance IRIs live under a configurable base (``NQIKG_BASE``, default the
local server, so every IRI opens in a browser); the ontology namespace is fixed.
Every IRI is a pure function of canonical names, codes and positions, so
building twice gives the same graph.
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata

NQI = "https://w3id.org/nqikg/ontology#"
DEFAULT_BASE = "http://127.0.0.1:8000/"

_UNSAFE = re.compile(r'[\s<>"{}|\\^`/?#%\[\]]+')


def base() -> str:
    """The instance base IRI, always ending in a slash."""
    value = os.environ.get("NQIKG_BASE", DEFAULT_BASE)
    return value if value.endswith("/") else value + "/"


_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_SPACE_AT_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


def canonical(name: str) -> str:
    """Canonical form of a name: NFKC (full-width to half-width), trimmed, single spaces, and no
    spaces next to Chinese characters (PDF extraction inserts them: 2035 年 → 2035年)."""
    text = " ".join(unicodedata.normalize("NFKC", name).split())
    return _SPACE_AT_CJK.sub("", text)


def slug(name: str) -> str:
    """A readable IRI path segment for ``name`` (Chinese kept, unsafe characters folded to '-')."""
    text = _UNSAFE.sub("-", canonical(name)).strip("-")
    if not text:
        raise ValueError(f"cannot mint an identifier from {name!r}")
    return text


def entity(segment: str, key: str) -> str:
    """IRI of an entity of the kind ``segment`` (from the ontology's nqi:iriSegment) named ``key``."""
    return f"{base()}id/{segment}/{slug(key)}"


def document(doc_id: str) -> str:
    return f"{base()}id/doc/{slug(doc_id)}"


def sentence(doc_id: str, index: int) -> str:
    return f"{document(doc_id)}/s/{index}"


def document_part(doc_id: str, kind: str, n: int) -> str:
    """IRI of the ``n``-th part of a kind the document states of itself (an author, an affiliation)."""
    return f"{document(doc_id)}/{kind}/{n}"


def mention(doc_id: str, index: int, start: int, end: int) -> str:
    return f"{sentence(doc_id, index)}/m/{start}-{end}"


def derived(doc_id: str, index: int, kind: str, *parts: str) -> str:
    """IRI of a node derived from one sentence (observation, claim, statement), keyed by its content."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{sentence(doc_id, index)}/{kind}/{digest}"


def document_node(doc_id: str, kind: str, *parts: str) -> str:
    """IRI of a node derived from a whole document (a product's placement), keyed by its content."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{document(doc_id)}/{kind}/{digest}"


def merge(kept: str, merged: str) -> str:
    """IRI of the record of a merge of two resources into one."""
    digest = hashlib.sha1(f"{kept}\x1f{merged}".encode("utf-8")).hexdigest()[:12]
    return f"{base()}id/merge/{digest}"


def graph(kind: str, name: str | None = None) -> str:
    """IRI of a named graph: ``graph("doc", id)``, ``graph("ontology")``, ``graph("reference", "gbt4754")``."""
    return f"{base()}graph/{kind}" + (f"/{slug(name)}" if name else "")

"""HTML: the main content by trafilatura, with its headings; metadata from ``<title>``, ``<meta>`` and the canonical link.

Measured on a saved government-style page (navigation, share buttons, footer,
related links around the article): trafilatura kept all 2,475 content
characters and none of the boilerplate; readability-lxml kept the content and
the share buttons (分享到, 微博).
"""
from __future__ import annotations

import re

import lxml.etree
import lxml.html
import trafilatura

from ..reader import Decoded, UnreadableInput
from . import Lines, ReadText, split_names

_SPACE = re.compile(r"\s+")
# <meta name=...> of Chinese government sites and of Highwire (Google Scholar) citation tags
_META = {"articletitle": "title", "citation_title": "title", "dc.title": "title",
         "author": "authors", "citation_author": "authors", "dc.creator": "authors",
         "pubdate": "date", "citation_publication_date": "date", "citation_date": "date", "dc.date": "date",
         "article:published_time": "date", "firstpublishedtime": "date",
         "contentsource": "issuer", "citation_publisher": "issuer", "dc.publisher": "issuer",
         "citation_journal_title": "journal", "citation_volume": "volume", "citation_issue": "issue",
         "citation_firstpage": "first_page", "citation_lastpage": "last_page",
         "keywords": "keywords", "citation_keywords": "keywords", "citation_language": "language"}


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _level(rend: str | None) -> int:
    """The heading level of trafilatura's ``rend="h3"`` (2 when it does not say)."""
    return int(rend[1]) if rend and re.fullmatch(r"h[1-6]", rend) else 2


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _page_properties(markup: str) -> dict:
    """What the page's head says of itself."""
    try:
        # lxml refuses a decoded string that still declares an encoding (<?xml … encoding="utf-8"?>)
        root = lxml.html.fromstring(_XML_DECLARATION.sub("", markup, count=1))
    except (lxml.etree.ParserError, ValueError):
        return {}
    props: dict = {}
    for meta in root.iter("meta"):
        key = _META.get((meta.get("name") or meta.get("property") or "").strip().lower())
        value = _clean(meta.get("content") or "")
        if not key or not value:
            continue
        if key == "authors":
            props.setdefault(key, []).extend(split_names(value))
        else:
            props.setdefault(key, value)
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href", "").startswith("http"):
            props["url"] = link.get("href").strip()
    title = root.find(".//title")
    if title is not None and _clean(title.text_content()):
        props.setdefault("html_title", _clean(title.text_content()))
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        props.setdefault("language", lang.split("-")[0].lower())
    return props


def read_html(decoded: Decoded, name: str) -> ReadText:
    """The article of a web page as text, one block (heading, paragraph, list item, table row) a line."""
    markup = decoded.text
    xml = trafilatura.extract(markup, output_format="xml", include_tables=True, include_comments=False,
                              include_links=False, with_metadata=True)
    root = lxml.etree.fromstring(xml.encode("utf-8")) if xml else lxml.etree.Element("doc")
    out = Lines()

    def block(text: str, level: int | None = None) -> None:
        text = _clean(text)
        if text:
            out.add(text, level)

    main = root.find("main")
    for el in (main if main is not None else root).iter("head", "p", "item", "row", "quote"):
        if el.tag == "head":
            block("".join(el.itertext()), _level(el.get("rend")))
        elif el.tag == "row":
            block(" ".join(_clean("".join(c.itertext())) for c in el))
        elif not any(a.tag in ("item", "cell", "quote") for a in el.iterancestors()):   # nested: in its container
            block("".join(el.itertext()))
    if not out.parts:
        raise UnreadableInput(f"{name}: HTML without main content (navigation only, or empty)")
    props = _page_properties(markup)
    found = trafilatura.extract_metadata(markup)
    if found is not None:
        for key, value in (("title", found.title), ("date", found.date), ("url", found.url)):
            if value and key not in props:
                props[key] = value
        if found.author and "authors" not in props:
            props["authors"] = split_names(found.author)
        if found.sitename:
            props["site"] = found.sitename
    return ReadText(out.text, "html", "text/html", decoded.encoding, [], out.headings, [], props)

"""Evidence: the sentences behind statements, with their document, text, offsets in the source file
and the mentions they contain."""
from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox

from .identifiers import id_of
from .label_index import LabelIndex
from .store_helpers import int_of, iri_values, select, value_of


def evidence(store: ox.Store, index: LabelIndex, sentences: Iterable[str],
             focus: Iterable[str] = (), spans: dict[str, tuple[int, int]] | None = None) -> dict[str, dict]:
    """Evidence records of sentences: document, text, offsets in the text read from the file, the page of
    paged input, mentions in the sentence.

    ``focus`` entities have their mentions flagged (to highlight them); ``spans`` gives a supporting
    span per sentence (a statement's clause)."""
    sentences = sorted(set(s for s in sentences if s))
    focus = set(focus)
    out: dict[str, dict] = {}
    for chunk in range(0, len(sentences), 300):
        part = sentences[chunk:chunk + 300]
        vals = iri_values(part)
        for r in select(store, f"""SELECT ?s ?text ?start ?end ?idx ?page ?doc ?docid ?title WHERE {{
                 VALUES ?s {{ {vals} }}
                 ?s nqi:text ?text ; dcterms:isPartOf ?doc .
                 OPTIONAL {{ ?s nqi:start ?start }} OPTIONAL {{ ?s nqi:end ?end }} OPTIONAL {{ ?s nqi:page ?page }}
                 OPTIONAL {{ ?s nqi:sentenceIndex ?idx }}
                 OPTIONAL {{ ?doc dcterms:identifier ?docid }} OPTIONAL {{ ?doc dcterms:title ?title }} }}"""):
            s = r["s"].value
            if s in out:
                continue
            out[s] = {"sentence": id_of(s), "sentence_iri": s, "index": int_of(r["idx"]),
                      "document": id_of(r["doc"].value), "document_id": value_of(r["docid"]), "document_title": value_of(r["title"]),
                      "text": r["text"].value, "source_start": int_of(r["start"]), "source_end": int_of(r["end"]),
                      "page": int_of(r["page"]), "span_start": None, "span_end": None, "mentions": []}
        seen = set()
        for r in select(store, f"""SELECT ?s ?m ?surface ?label ?start ?end ?sstart ?send ?e WHERE {{
                 VALUES ?s {{ {vals} }}
                 ?m nqi:inSentence ?s ; nqi:start ?start ; nqi:end ?end .
                 OPTIONAL {{ ?m nqi:surface ?surface }} OPTIONAL {{ ?m nqi:mentionLabel ?label }}
                 OPTIONAL {{ ?m nqi:sourceStart ?sstart }} OPTIONAL {{ ?m nqi:sourceEnd ?send }}
                 OPTIONAL {{ ?m nqi:denotes ?e }} }}"""):
            s, m = r["s"].value, r["m"].value
            if s not in out or m in seen:
                continue
            seen.add(m)
            e = value_of(r["e"])
            out[s]["mentions"].append({
                "start": int_of(r["start"]), "end": int_of(r["end"]), "surface": value_of(r["surface"]),
                "label": value_of(r["label"]), "source_start": int_of(r["sstart"]), "source_end": int_of(r["send"]),
                "entity": id_of(e), "entity_label": index.get(e).label if e and index.get(e) else None,
                "focus": e in focus})
    for s, ev in out.items():
        ev["mentions"].sort(key=lambda m: (m["start"] or 0, -(m["end"] or 0)))
        if spans and s in spans:
            ev["span_start"], ev["span_end"] = spans[s]
    return out


def order_evidence(items: Iterable[dict]) -> list[dict]:
    return sorted(items, key=lambda e: (e.get("document_id") or "", e.get("index") or 0))

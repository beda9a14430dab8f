"""Standards and metrology specifications by code."""
from __future__ import annotations

import pyoxigraph as ox

from ..ontology.iri import NQI
from .entities import entity_detail
from .identifiers import NotFound
from .label_index import LabelIndex, label_key, summary


def standard(store: ox.Store, index: LabelIndex, code: str) -> dict:
    """A standard or metrology specification by its code (normalised: ``GB/T4754—2017`` → ``GB/T 4754-2017``)."""
    from ..ingest.link import normalise_code
    normalised = normalise_code(code)
    if not normalised:
        raise NotFound(f"{code!r} is not a standard code (expected e.g. GB/T 4754-2017, JJF 1001-2011)")
    hits = index.by_code.get(label_key(normalised), [])
    hits = [h for h in hits if NQI + "StandardsElement" in index.get(h).ancestors
            or NQI + "MetrologySpecification" in index.get(h).ancestors] or hits
    if not hits and "-" not in normalised.split(" ", 1)[-1]:
        # a code without its year: the editions of that standard
        prefix = label_key(normalised) + "-"
        hits = sorted({i for k, v in index.by_code.items() if k.startswith(prefix) for i in v})
    if not hits:
        raise NotFound(f"no standard {normalised!r} in the graph")
    detail = entity_detail(store, index, sorted(hits)[-1])
    detail["code"] = normalised
    detail["editions"] = [summary(index, h) for h in sorted(hits)]
    return detail

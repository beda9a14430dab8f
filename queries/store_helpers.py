"""Reading the graph: SELECT over the union of the named graphs, and small conversions of RDF terms.

The query modules (``label_index``, ``entities``, ``industries`` …) read the
read-only pyoxigraph store only through these helpers, with the union of all
named graphs as default graph, so an entity described by several document
graphs is seen once.
"""
from __future__ import annotations

import re
from typing import Iterable

import pyoxigraph as ox

from ..ontology.namespaces import SPARQL_PREFIXES as _PROLOGUE


def select(store: ox.Store, text: str, **bindings) -> list:
    """Solutions of a SELECT over the union graph; ``bindings`` replace ``?name`` by RDF terms
    (pyoxigraph terms print as valid, escaped SPARQL terms)."""
    for name, term in bindings.items():
        text = re.sub(rf"\?{name}\b", lambda _m, t=str(term): t, text)
    return list(store.query(_PROLOGUE + text, use_default_graph_as_union=True))


def value_of(term) -> str | None:
    """The lexical value of an optional term (None when unbound)."""
    return None if term is None else term.value


def iri_values(iri_list: Iterable[str]) -> str:
    """IRIs as the body of a ``VALUES`` block."""
    return " ".join(f"<{i}>" for i in iri_list)


def int_of(term) -> int | None:
    """An optional integer literal as an int (None when unbound or not an integer)."""
    try:
        return int(term.value) if term is not None else None
    except ValueError:
        return None


def exists(store: ox.Store, value: str) -> bool:
    """Whether the IRI ``value`` is the subject or object of any quad."""
    node = ox.NamedNode(value)
    for _ in store.quads_for_pattern(node, None, None):
        return True
    for _ in store.quads_for_pattern(None, None, node):
        return True
    return False

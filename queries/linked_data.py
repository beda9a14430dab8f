"""Linked data: the triples describing a resource, what kind of page it gets, and sentences."""
from __future__ import annotations

import pyoxigraph as ox

from ..ontology.iri import NQI
from ..ontology.namespaces import RDF, RDFS, SKOS
from .evidence import evidence
from .identifiers import NotFound, follow_merge, iri_of
from .label_index import LabelIndex
from .store_helpers import exists
from .terms import NOT_ENTITIES


def describe(store: ox.Store, path: str, *, max_incoming: int = 2000) -> list[ox.Triple]:
    """Triples describing a resource: its own (all graphs, blank nodes expanded), incoming links, and
    the labels and types of the nodes it links to. Raises NotFound, or Moved for a merged resource."""
    follow_merge(store, path)
    value = iri_of(path)
    node = ox.NamedNode(value)
    triples: set[ox.Triple] = set()
    linked: set = set()
    stack = [node]
    seen_bnodes = set()
    while stack:
        s = stack.pop()
        for q in store.quads_for_pattern(s, None, None):
            triples.add(ox.Triple(q.subject, q.predicate, q.object))
            if isinstance(q.object, ox.BlankNode) and q.object not in seen_bnodes:
                seen_bnodes.add(q.object)
                stack.append(q.object)
            elif isinstance(q.object, ox.NamedNode):
                linked.add(q.object)
    n_in = 0
    for q in store.quads_for_pattern(None, None, node):
        if n_in >= max_incoming:
            break
        t = ox.Triple(q.subject, q.predicate, q.object)
        if t not in triples:
            triples.add(t)
            n_in += 1
            if isinstance(q.subject, ox.NamedNode):
                linked.add(q.subject)
    if not triples:
        raise NotFound(f"no resource {path!r} in the graph")
    label_props = [ox.NamedNode(RDFS + "label"), ox.NamedNode(SKOS + "prefLabel")]
    for other in linked:
        if other == node:
            continue
        for prop in label_props:
            for q in store.quads_for_pattern(other, prop, None):
                triples.add(ox.Triple(q.subject, q.predicate, q.object))
    return sorted(triples, key=lambda t: (t.subject != node, str(t.subject), str(t.predicate), str(t.object)))


def resource_kind(store: ox.Store, path: str) -> str:
    """What a resource is, for picking its page: entity, document, sentence or resource (raises NotFound,
    or Moved for a merged one)."""
    follow_merge(store, path)
    value = iri_of(path)
    if not exists(store, value):
        raise NotFound(f"no resource {path!r} in the graph")
    types = {q.object.value for q in store.quads_for_pattern(ox.NamedNode(value), ox.NamedNode(RDF + "type"), None)}
    if NQI + "Document" in types:
        return "document"
    if NQI + "Sentence" in types:
        return "sentence"
    if types & NOT_ENTITIES or not types:
        return "resource"
    return "entity"


def sentence(store: ox.Store, index: LabelIndex, path: str) -> dict:
    value = iri_of(path)
    ev = evidence(store, index, [value])
    if value not in ev:
        raise NotFound(f"no sentence {path!r} in the graph")
    return ev[value]

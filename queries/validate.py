"""Validate a dataset against the SHACL shapes, with RDFS inference over the ontology."""
from __future__ import annotations

from pathlib import Path

import rdflib
from pyshacl import validate as shacl_validate

from ..ontology import vocab


def validate_graph(data: rdflib.Graph) -> tuple[bool, str]:
    """(conforms, report text) for ``data`` (a graph holding instance triples)."""
    shapes = rdflib.Graph().parse(vocab.SHAPES_FILE, format="turtle")
    conforms, _, text = shacl_validate(data, shacl_graph=shapes, ont_graph=vocab.ontology(),
                                       inference="rdfs", abort_on_first=False, allow_warnings=True)
    return bool(conforms), text


def validate_nquads(path: Path) -> tuple[bool, str]:
    """Validate an N-Quads export: the union of its graphs is checked."""
    dataset = rdflib.Dataset()
    dataset.parse(path, format="nquads")
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return validate_graph(union)

"""Instance identifiers: an instance IRI ``{base}id/{path}`` is addressed by ``path``.

``org/国家市场监督管理总局``, ``gbt4754/36``, ``doc/000_x/s/12``; in a URL the path
is percent-encoded UTF-8 with ``/`` kept (``org/%E5%9B%BD…``). Unknown or
malformed paths raise :class:`NotFound`; a resource merged into another one
raises :class:`Moved` with the path where it lives now.
"""
from __future__ import annotations

import pyoxigraph as ox

from ..ontology import iri as iris
from ..ontology.iri import NQI
from ..ontology.namespaces import DCT, OWL, PREFIXES, PROV, RDF, RDFS, SKOS
from .store_helpers import select


class NotFound(LookupError):
    """No such resource in the graph (the message says what was asked for)."""


class Moved(LookupError):
    """The resource was merged into another one (``nqi:mergedFrom``): ``path`` is where it lives now."""

    def __init__(self, old: str, path: str):
        super().__init__(f"{old!r} was merged into {path!r}")
        self.old, self.path = old, path


def follow_merge(store: ox.Store, path: str) -> None:
    """Raise :class:`Moved` when the resource at ``path`` was merged into another."""
    rows = select(store, "SELECT ?k WHERE { ?k nqi:mergedFrom ?old } LIMIT 1", old=ox.NamedNode(iri_of(path)))
    if rows:
        raise Moved(path.strip("/"), id_of(rows[0]["k"].value))


def id_base() -> str:
    return iris.base() + "id/"


def iri_of(path: str) -> str:
    """The instance IRI of an id path; raises NotFound when the path cannot be part of an IRI."""
    path = path.strip().strip("/")
    if not path or any(c in path for c in '<>"{}|\\^` \t\r\n') or "//" in path:
        raise NotFound(f"no resource {path!r}")
    value = id_base() + path
    try:
        ox.NamedNode(value)
    except ValueError:
        raise NotFound(f"no resource {path!r}") from None
    return value


def id_of(value: str | None) -> str | None:
    """The id path of an instance IRI (None for IRIs outside the instance base)."""
    if value and value.startswith(id_base()):
        return value[len(id_base()):]
    return None


def local(value: str) -> str:
    for ns in (NQI, SKOS, RDFS, RDF, DCT, PROV, OWL):
        if value.startswith(ns):
            return value[len(ns):]
    return value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def curie(value: str) -> str:
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns):
            return f"{prefix}:{value[len(ns):]}"
    return value

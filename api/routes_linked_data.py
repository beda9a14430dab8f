"""Linked data: every instance IRI ``{base}id/{path}`` resolves on this server.

``GET /id/{path}`` negotiates on ``Accept`` (or ``?format=``):

* ``text/html`` / ``application/xhtml+xml`` → 303 See Other to the resource's page ``/page/{path}``;
* ``text/turtle`` (also the default for ``*/*``), ``application/n-triples``, ``application/ld+json``,
  ``application/rdf+xml`` → a description of the resource: its triples in all graphs (blank nodes
  expanded), the triples linking to it, and the labels of the nodes it links to.

Unknown resources give 404 (an HTML page for browsers, JSON otherwise); an
unsupported ``Accept`` gives 406.
"""
from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from ..ontology.namespaces import PREFIXES
from ..queries.identifiers import NotFound, id_base
from ..queries.linked_data import describe, resource_kind
from ..queries.sparql import parse_accept
from .deps import ERRORS, Graph, graph

router = APIRouter(tags=["linked data"])

FORMATS = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
MEDIA = {
    "text/html": "html", "application/xhtml+xml": "html",
    "text/turtle": "ttl", "application/x-turtle": "ttl", "text/n3": "ttl",
    "application/n-triples": "nt", "text/plain": "nt",
    "application/ld+json": "jsonld", "application/json": "jsonld",
    "application/rdf+xml": "rdf", "application/xml": "rdf",
}
DEFAULT = "ttl"


def negotiate(accept: str | None) -> str | None:
    """The format to answer with for an Accept header (None when nothing acceptable is offered)."""
    if not accept or not accept.strip():
        return DEFAULT
    wildcards = {"*/*": DEFAULT, "text/*": "ttl", "application/*": "nt"}
    for media in parse_accept(accept):
        if media in MEDIA:
            return MEDIA[media]
        if media in wildcards:
            return wildcards[media]
    return None


def serialize(triples: list[ox.Triple], fmt: str) -> bytes:
    _, rdf_format = FORMATS[fmt]
    prefixes = dict(PREFIXES)
    prefixes["id"] = id_base()
    if rdf_format in (ox.RdfFormat.N_TRIPLES,):
        return ox.serialize(triples, format=rdf_format)
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes)


@router.get("/id/{path:path}", summary="Resolve an instance IRI (content negotiation)", responses={
    200: {"description": "A description of the resource", "content": {
        "text/turtle": {}, "application/n-triples": {}, "application/ld+json": {}, "application/rdf+xml": {}}},
    303: {"description": "Browsers (Accept: text/html) are sent to the resource's page /page/{path}"},
    404: ERRORS[404], 406: {"description": "No acceptable representation"}})
def resolve(request: Request,
            path: str = Path(description="IRI path after {base}id/, e.g. org/国家市场监督管理总局"),
            format: str | None = Query(None, pattern="^(html|ttl|nt|jsonld|rdf)$",
                                       description="override the Accept header"),
            g: Graph = Depends(graph)):
    accept = request.headers.get("accept")
    fmt = format or negotiate(accept)
    if fmt is None:
        raise HTTPException(status_code=406, detail="acceptable: text/html, text/turtle, application/n-triples, "
                                                    "application/ld+json, application/rdf+xml")
    try:
        if fmt == "html":
            resource_kind(g.store, path)
            return RedirectResponse(f"/page/{quote(path.strip('/'), safe='/')}", status_code=303,
                                    headers={"Vary": "Accept"})
        triples = describe(g.store, path)
    except NotFound as exc:
        if fmt == "html":
            from .routes_pages import not_found_page
            return not_found_page(request, str(exc))
        raise HTTPException(status_code=404, detail=str(exc)) from None
    media, _ = FORMATS[fmt]
    charset = "; charset=utf-8"
    return Response(serialize(triples, fmt), media_type=media + charset, headers={"Vary": "Accept"})

"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint with a time limit.

GET ``?query=``, POST ``application/sparql-query`` and POST form ``query=``;
the result format follows ``Accept`` (or a ``format=`` parameter). Updates are
refused with 403. Queries run in the worker pool of
:class:`nqikg.queries.sparql.SparqlService`, started and stopped with the app
(this router's lifespan, merged into the app's by ``include_router``).

This module also includes the export routes (:mod:`.routes_export`), so one
``include_router`` line in ``app.py`` mounts the whole "graph queries" group.
"""
from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..queries.sparql import ServiceBusy, SparqlError, SparqlService, accept_for_format
from . import routes_export


def sparql_service(app) -> SparqlService:
    """The app's query pool, created (and started on first use) from the app settings."""
    service = getattr(app.state, "sparql", None)
    if service is None:
        s = app.state.settings
        service = SparqlService(s.store, timeout=s.query_timeout, max_results=s.max_results,
                                workers=s.query_workers)
        app.state.sparql = service
    return service


@asynccontextmanager
async def lifespan(app):
    service = sparql_service(app)
    await run_in_threadpool(service.start)
    try:
        yield
    finally:
        await run_in_threadpool(service.close)
        app.state.sparql = None


router = APIRouter(tags=["sparql"], lifespan=lifespan)
router.include_router(routes_export.router)

_UPDATE_MESSAGE = ("SPARQL Update is not accepted: this endpoint is read-only; "
                   "the graph changes only through 'nqikg build'")


def _result_content() -> dict:
    examples = {
        "application/sparql-results+json": {"schema": {"type": "object"}},
        "application/sparql-results+xml": {"schema": {"type": "string"}},
        "text/csv": {"schema": {"type": "string"}},
        "text/tab-separated-values": {"schema": {"type": "string"}},
    }
    for media in ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"):
        examples[media] = {"schema": {"type": "string"}}
    return examples


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"type": "object", "properties": {
                "error": {"type": "string"}, "detail": {"type": "string"}}}}}}


RESPONSES = {
    200: {"description": "Query results. SELECT/ASK: SPARQL JSON (default), XML, CSV or TSV; "
                         "CONSTRUCT/DESCRIBE: Turtle (default), N-Triples, JSON-LD or RDF/XML. "
                         "`X-NQIKG-Truncated: true` when the result stopped at the row limit.",
          "content": _result_content()},
    400: _error("Syntax error (with the parser's message) or missing query"),
    403: _error("An update (INSERT, DELETE, LOAD, …) or a SERVICE call: the endpoint is read-only"),
    406: _error("No acceptable result format for this kind of query"),
    413: _error("The result is too large"),
    503: _error("The query exceeded the time limit (its worker was stopped), all workers are busy, "
                "or no graph is built yet"),
}

DESCRIPTION = (
    "Read-only [SPARQL 1.1 Protocol](https://www.w3.org/TR/sparql11-protocol/) endpoint over the union of "
    "all named graphs (one graph per source document; use `GRAPH ?g { … }` to see provenance). "
    "The prefixes nqi, rdf, rdfs, xsd, owl, skos, prov, dcterms, org and foaf are predeclared. "
    "Content negotiation by `Accept` (or `format=json|xml|csv|tsv|turtle|nt|jsonld`). "
    "Each query has a time limit (settings `query_timeout`, default 30 s) and a row limit "
    "(`max_results`); updates (`update=`, `application/sparql-update`) are refused with 403."
)


def _accept(request: Request, fmt: str | None) -> str | None:
    if fmt:
        try:
            return accept_for_format(fmt)
        except SparqlError as exc:
            raise HTTPException(exc.status, str(exc)) from None
    return request.headers.get("accept")


async def _answer(request: Request, text: str | None, fmt: str | None, default_graphs: list, named_graphs: list):
    if default_graphs or named_graphs:
        raise HTTPException(400, "default-graph-uri and named-graph-uri are not supported: the default graph "
                                 "is the union of all graphs; use FROM / FROM NAMED or GRAPH in the query")
    if text is None or not text.strip():
        raise HTTPException(400, "missing query: pass query= (GET or form POST) or POST an "
                                 "application/sparql-query body")
    accept = _accept(request, fmt)
    service = sparql_service(request.app)
    try:
        result = await run_in_threadpool(service.query, text, accept)
    except SparqlError as exc:
        headers = {"Retry-After": "5"} if isinstance(exc, ServiceBusy) else None
        raise HTTPException(exc.status, str(exc), headers=headers) from None
    headers = {"X-NQIKG-Rows": str(result.count), "X-NQIKG-Elapsed": f"{result.elapsed:.3f}",
               "Vary": "Accept"}
    if result.truncated:
        headers["X-NQIKG-Truncated"] = "true"
        headers["Warning"] = f'199 - "result truncated at {result.count} rows (max_results)"'
    return Response(content=result.body, media_type=result.media_type, headers=headers)


@router.get("/sparql", summary="SPARQL query (GET)", description=DESCRIPTION, responses=RESPONSES,
            response_class=Response)
async def sparql_get(
        request: Request,
        query: str | None = Query(None, description="The SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)"),
        update: str | None = Query(None, description="Refused: the endpoint is read-only", include_in_schema=False),
        format: str | None = Query(None, description="Result format instead of Accept: json, xml, csv, tsv, "
                                                     "turtle, nt, jsonld (or a media type)"),
        default_graph_uri: list[str] = Query([], alias="default-graph-uri", include_in_schema=False),
        named_graph_uri: list[str] = Query([], alias="named-graph-uri", include_in_schema=False),
):
    if update is not None:
        raise HTTPException(403, _UPDATE_MESSAGE)
    return await _answer(request, query, format, default_graph_uri, named_graph_uri)


@router.post("/sparql", summary="SPARQL query (POST)", description=DESCRIPTION, responses=RESPONSES,
             response_class=Response,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/sparql-query": {"schema": {"type": "string"}},
                 "application/x-www-form-urlencoded": {"schema": {
                     "type": "object", "required": ["query"],
                     "properties": {"query": {"type": "string"}, "format": {"type": "string"}}}},
             }}})
async def sparql_post(request: Request):
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    params = request.query_params
    fmt = params.get("format")
    if content_type == "application/sparql-update" or "update" in params:
        raise HTTPException(403, _UPDATE_MESSAGE)
    if content_type == "application/sparql-query":
        raw = await request.body()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(400, "the query body is not UTF-8") from None
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        if "update" in form:
            raise HTTPException(403, _UPDATE_MESSAGE)
        text = form.get("query")
        fmt = form.get("format") or fmt
        graphs = (form.getlist("default-graph-uri"), form.getlist("named-graph-uri"))
        return await _answer(request, text if isinstance(text, str) else None, fmt if isinstance(fmt, str) else None,
                             [*graphs[0], *params.getlist("default-graph-uri")],
                             [*graphs[1], *params.getlist("named-graph-uri")])
    else:
        raise HTTPException(415, f"unsupported content type {content_type or '(none)'!r}: POST an "
                                 "application/sparql-query body or an application/x-www-form-urlencoded query=")
    return await _answer(request, text, fmt, params.getlist("default-graph-uri"), params.getlist("named-graph-uri"))


__all__ = ["router", "lifespan", "sparql_service"]

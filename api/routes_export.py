"""Exports of the live graph (``GET /api/export/{format}``) and the published JSON-LD context.

Included by :mod:`.routes_sparql` (one router for the "graph queries" group).
"""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from ..queries import export as exports

router = APIRouter(tags=["export"])

_FORMAT_LIST = "; ".join(f"`{f.name}`: {f.description}" for f in exports.FORMATS.values())


@router.get("/api/export/{format}", summary="Download the whole graph",
            description="Streams the live graph as an attachment. Formats: " + _FORMAT_LIST + ".",
            response_class=StreamingResponse,
            responses={200: {"description": "The export, as an attachment",
                             "content": {f.media_type.split(";")[0]: {"schema": {"type": "string"}}
                                         for f in exports.FORMATS.values()}},
                       404: {"description": "Unknown format (the detail lists the formats)"},
                       501: {"description": "A property-graph format whose writer is not available"},
                       503: {"description": "No graph built yet"}})
async def export_graph(format: str, request: Request):
    try:
        fmt = exports.get_format(format)
    except exports.UnknownFormat as exc:
        raise HTTPException(404, {"message": str(exc), "formats": list(exports.FORMATS)}) from None
    store = request.app.state.store.get()        # the live generation (StoreNotFound -> 503)
    try:
        body = await run_in_threadpool(exports.stream, store, fmt.name)
    except exports.FormatUnavailable as exc:
        raise HTTPException(501, str(exc)) from None
    generation = request.app.state.store.generation.name
    headers = {"Content-Disposition": f'attachment; filename="{exports.filename(fmt.name, "nqikg-" + generation)}"'}
    return StreamingResponse(body, media_type=fmt.media_type, headers=headers)


@router.get("/context.jsonld", summary="The NQI-KG JSON-LD context",
            description="Prefixes (nqi, skos, prov, dcterms, rdfs, …) and terms for the main properties; "
                        "embedded in the JSON-LD export.",
            response_class=FileResponse, tags=["export"])
def context_jsonld():
    return FileResponse(exports.CONTEXT_FILE, media_type="application/ld+json",
                        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=3600"})

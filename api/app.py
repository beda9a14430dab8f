"""The FastAPI application factory: settings, the live store, error handling, routers.

Routes are thin: each router module in this package calls ``nqikg.queries``
and holds no graph logic of its own.
"""
from __future__ import annotations

import logging
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware

from .. import __version__
from ..queries.identifiers import Moved, NotFound
from ..queries.store import LiveStore, StoreNotFound
from . import (assets, routes_admin, routes_analytics, routes_cypher, routes_documents, routes_entities,
               routes_gaps, routes_graph, routes_health, routes_indicators, routes_linked_data, routes_pages,
               routes_sparql)
from .settings import Settings

DRAIN_BYTES = 64 * 1024 * 1024   # an over-large body is read and dropped up to this, then the connection closes
log = logging.getLogger("nqikg.api")
STATIC = Path(__file__).resolve().parent / "static"

# one router per group of routes; a router's own lifespan (the SPARQL worker pool, the Bolt server) is merged in
ROUTERS = (routes_health.router, routes_sparql.router, routes_entities.router, routes_documents.router,
           routes_gaps.router, routes_indicators.router, routes_graph.router, routes_linked_data.router,
           routes_pages.router, assets.router, routes_analytics.router, routes_admin.router, routes_cypher.router)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="NQI-KG",
        version=__version__,
        description="Knowledge graph of China's national quality infrastructure: REST lookup, SPARQL, Cypher, exports.",
    )
    app.state.settings = settings
    app.state.store = LiveStore(settings.store)

    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"])

    @app.middleware("http")
    async def limit_request_size(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > settings.max_request_bytes):
            # read and discard the body (up to a bound) before answering: a client that sends the whole
            # body before reading (Python's urllib, so SPARQLWrapper) would otherwise see a reset, not the 413
            drained = 0
            async for chunk in request.stream():
                drained += len(chunk)
                if drained > DRAIN_BYTES:
                    break
            return JSONResponse({"error": "request too large",
                                 "detail": f"the limit is {settings.max_request_bytes} bytes"}, status_code=413,
                                headers={"Connection": "close"})
        return await call_next(request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, (str, dict, list)) else str(exc.detail)
        return JSONResponse({"error": _reason(exc.status_code), "detail": detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        fields = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
                  for e in exc.errors()]
        return JSONResponse({"error": "invalid request", "detail": fields}, status_code=422)

    @app.exception_handler(NotFound)
    async def unknown_resource(request: Request, exc: NotFound):
        return JSONResponse({"error": "not found", "detail": str(exc)}, status_code=404)

    @app.exception_handler(Moved)
    async def merged_resource(request: Request, exc: Moved):
        """A merged resource answers 301 with the same URL on the resource it was merged into."""
        path = request.scope["path"]   # decoded
        target = path.replace(exc.old, exc.path, 1) if exc.old in path else f"/id/{exc.path}"
        target = quote(target, safe="/")
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(target + query, status_code=301)

    @app.exception_handler(StoreNotFound)
    async def no_store(request: Request, exc: StoreNotFound):
        return JSONResponse({"error": "no graph", "detail": str(exc)}, status_code=503)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "internal error", "detail": type(exc).__name__}, status_code=500)

    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "error"

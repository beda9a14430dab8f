"""``POST /cypher``: read-only Cypher over the property-graph projection (embedded Bolt server or Neo4j).

The router's lifespan starts the embedded Bolt server and loads the projection
of the live store when ``settings.bolt`` is true, reloads it when a build
publishes a new generation, and stops it on shutdown.
"""
from __future__ import annotations

import asyncio
import logging
import os
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from pydantic import BaseModel, Field

from ..queries import bolt

log = logging.getLogger("nqikg.api.cypher")


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = app.state.settings
    service = None
    if getattr(settings, "bolt", False):
        service = bolt.CypherService(settings.store, query_timeout=settings.query_timeout,
                                     max_rows=settings.max_results)
        # the server starts and loads in the background: the API answers at once, /cypher says 503 until ready
        service.start(wait=os.environ.get("NQIKG_BOLT_WAIT", "0") == "1")
    app.state.cypher = service
    try:
        yield
    finally:
        app.state.cypher = None
        if service is not None:
            await asyncio.to_thread(service.stop)


router = APIRouter(tags=["cypher"], lifespan=lifespan)


class CypherRequest(BaseModel):
    query: str = Field(..., min_length=1, max_length=100_000,
                       description="One read-only Cypher statement (MATCH … RETURN …). CREATE, MERGE, DELETE, "
                                   "DETACH, SET, REMOVE, DROP, FOREACH, LOAD CSV and writing procedures are "
                                   "refused with 400.",
                       examples=["MATCH (p:BottleneckProduct) RETURN p.name AS product LIMIT 10"])
    parameters: dict[str, Any] = Field(default_factory=dict, description="Query parameters ($name).",
                                       examples=[{"id": "http://127.0.0.1:8000/id/product/传感器"}])


class CypherResponse(BaseModel):
    columns: list[str] = Field(description="Column names, in RETURN order.")
    rows: list[list[Any]] = Field(description="One list per row, aligned with columns. Nodes are "
                                              "{id, element_id, labels, properties}, relationships "
                                              "{element_id, type, start, end, properties}, paths "
                                              "{nodes, relationships}.")
    truncated: bool = Field(False, description="True when the result had more rows than the server's limit.")
    elapsed_ms: float = Field(0.0, description="Time spent running the query.")


class CypherErrorBody(BaseModel):
    error: str
    detail: Any


@router.post(
    "/cypher", response_model=CypherResponse, summary="Run a read-only Cypher query",
    description="Runs one read-only Cypher statement over the property-graph projection of the live graph "
                "(labels = ontology classes and their superclasses plus `Resource`; `id` = the IRI; "
                "relationship types = predicates in UPPER_SNAKE with provenance properties). The time limit "
                "is NQIKG_QUERY_TIMEOUT, the row limit NQIKG_MAX_RESULTS.",
    responses={400: {"model": CypherErrorBody, "description": "A write clause, a syntax error or a failed query"},
               503: {"model": CypherErrorBody, "description": "The Bolt server is not running"},
               504: {"model": CypherErrorBody, "description": "The query ran past the time limit"}})
def cypher(body: CypherRequest, request: Request) -> CypherResponse:
    service: bolt.CypherService | None = getattr(request.app.state, "cypher", None)
    if service is None:
        raise HTTPException(503, "the Bolt server is disabled (NQIKG_BOLT=0) or not started")
    try:
        result = service.run(body.query, body.parameters)
    except bolt.CypherError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    return CypherResponse(columns=result.columns, rows=result.rows, truncated=result.truncated,
                          elapsed_ms=round(result.elapsed * 1000, 1))

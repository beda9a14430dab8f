"""Write operations: ingest a document, remove a document.

Off unless ``NQIKG_WRITE_TOKEN`` is set; then each call needs
``Authorization: Bearer <token>``. One build runs at a time, in a worker
thread, and publishes a new store generation atomically.
"""
from __future__ import annotations

import hmac
import tempfile
import threading
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Path as PathParam, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from ..ingest.build import build, remove
from ..ingest.reader import UnreadableInput
from ..ingest.readers import read
from ..queries.store import StoreBusy
from .deps import ERRORS

router = APIRouter(prefix="/api/admin", tags=["write operations"])
_build_lock = threading.Lock()
_DOC_ID = r"^[A-Za-z0-9_\-\u4e00-\u9fff]{1,80}$"


class Ingested(BaseModel):
    id: str
    generation: str
    quads: int


class Removed(BaseModel):
    id: str
    quads_removed: int


def require_token(request: Request) -> None:
    token = request.app.state.settings.write_token
    if not token:
        raise HTTPException(403, "write operations are disabled on this server (set NQIKG_WRITE_TOKEN to enable them)")
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise HTTPException(401, "a valid 'Authorization: Bearer <token>' header is required",
                            headers={"WWW-Authenticate": "Bearer"})


_SUFFIX = {"text": ".txt", "pdf": ".pdf", "html": ".html", "docx": ".docx"}   # the file name the graph records


def _extractor(request: Request):
    if getattr(request.app.state, "extractor", None) is None:
        from ..ingest.extract import Extractor
        request.app.state.extractor = Extractor.load()
    return request.app.state.extractor


@router.put("/documents/{doc_id}", response_model=Ingested, dependencies=[Depends(require_token)],
            responses={**ERRORS, 401: {"description": "missing or wrong token"}, 403: {"description": "writes disabled"},
                       413: {"description": "request too large"}},
            summary="Ingest (or replace) a document; the body is the file: text (UTF-8, UTF-16, GB18030), PDF, HTML "
                    "or Word (.docx), told apart by content")
async def ingest_document(request: Request, doc_id: str = PathParam(..., pattern=_DOC_ID)):
    data = await request.body()
    try:
        kind = read(data, f"{doc_id}.txt").kind   # told by content; .txt only names plain text
    except UnreadableInput as exc:
        raise HTTPException(422, str(exc)) from None
    settings = request.app.state.settings
    extractor = await run_in_threadpool(_extractor, request)

    def run():
        with _build_lock, tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{doc_id}{_SUFFIX[kind]}"
            path.write_bytes(data)
            return build([path], settings.store, extractor=extractor, progress=lambda msg: None)

    try:
        report = await run_in_threadpool(run)
    except StoreBusy as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": "30"}) from None
    return Ingested(id=doc_id, generation=report.generation, quads=report.quads)


@router.delete("/documents/{doc_id}", response_model=Removed, dependencies=[Depends(require_token)],
               responses={**ERRORS, 401: {"description": "missing or wrong token"}, 403: {"description": "writes disabled"}},
               summary="Remove a document and everything only it supported")
async def remove_document(request: Request, doc_id: str = PathParam(..., pattern=_DOC_ID)):
    store_dir = request.app.state.settings.store

    def run():
        with _build_lock:
            return remove(doc_id, store_dir, progress=lambda msg: None)

    try:
        removed = await run_in_threadpool(run)
    except KeyError as exc:
        raise HTTPException(404, exc.args[0]) from None
    except StoreBusy as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": "30"}) from None
    return Removed(id=doc_id, quads_removed=removed)

"""Source documents (``/api/documents``)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query

from ..queries import documents
from .deps import ERRORS, Graph, graph
from .models import DocumentDetail, DocumentList

router = APIRouter(prefix="/api", tags=["lookup"])


@router.get("/documents", response_model=DocumentList, summary="The source documents in the graph")
def list_documents(g: Graph = Depends(graph)) -> DocumentList:
    items = documents.documents(g.store)
    return DocumentList.model_validate({"total": len(items), "items": items})


@router.get("/documents/{doc_id}", response_model=DocumentDetail, responses=ERRORS,
            summary="One document: metadata, entities it mentions, bottleneck claims and a page of sentences")
def get_document(doc_id: str = Path(max_length=200, description="document id (file stem), e.g. 000_aebc9cceb4f1775c"),
                 limit: int = Query(50, ge=1, le=200, description="sentences per page"),
                 offset: int = Query(0, ge=0, le=1_000_000),
                 g: Graph = Depends(graph)) -> DocumentDetail:
    return DocumentDetail.model_validate(documents.document(g.store, g.index, doc_id, limit=limit, offset=offset))

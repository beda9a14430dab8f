"""The NQI coverage matrix of bottleneck products (``/api/gaps``) and the canned queries (``/api/queries``)."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from ..queries import canned
from ..queries.gaps import gaps
from .deps import Graph, graph
from .models import CannedQuery, GapMatrix

router = APIRouter(prefix="/api", tags=["lookup"])


@router.get("/gaps", response_model=GapMatrix,
            summary="For every bottleneck product, the evidence that each NQI pillar covers it",
            description="Computed by the SPARQL query queries/gaps.rq: NQI elements of a pillar that support the "
                        "product or an industry it belongs to, and pillar elements named in the sentences that "
                        "state the product is a bottleneck. Rows with most evidence first.")
def get_gaps(g: Graph = Depends(graph)) -> GapMatrix:
    return GapMatrix.model_validate(gaps(g.store, g.index))


@router.get("/queries", response_model=list[CannedQuery], summary="The canned SPARQL queries (queries/*.rq)")
def list_queries() -> list[CannedQuery]:
    return [CannedQuery.model_validate(q) for q in canned.catalogue()]

"""The graph explorer's data (``/api/graph/neighbourhood``): a bounded neighbourhood of an entity with the
evidence of every edge, read from the store (``nqikg.queries.neighbourhood``). The networkx analytics of
``/api/analytics`` work on a projection without evidence; this is what the explorer draws and expands."""
from __future__ import annotations

import re

from fastapi import APIRouter, Depends, HTTPException, Query

from ..ontology.namespaces import PREFIXES
from ..queries import neighbourhood as nb
from .deps import ERRORS, Graph, graph
from .models import GraphNeighbourhood

router = APIRouter(prefix="/api/graph", tags=["explorer"])
_CURIE = re.compile(r"^([a-z]+):[A-Za-z][\w-]*$")


@router.get("/neighbourhood", response_model=GraphNeighbourhood, responses=ERRORS,
            summary="A bounded neighbourhood of an entity, every edge with its evidence (the graph explorer's data)")
def get_neighbourhood(
        id: str = Query(..., min_length=1, max_length=300, description="entity id (IRI path after {base}id/), "
                        "e.g. product/工业母机"),
        depth: int = Query(1, ge=1, le=nb.MAX_DEPTH, description="links to follow from the entity"),
        limit: int = Query(150, ge=2, le=nb.MAX_NODES, description="most nodes returned (nearest first)"),
        co_mentions: int = Query(12, ge=0, le=50, description="co-mention edges per expanded node, strongest "
                                 "first (0: typed edges only)"),
        relation: list[str] = Query([], max_length=20, description="keep only these edge kinds: property CURIEs "
                                    "(nqi:supports, skos:broader …) or co-mention"),
        type: list[str] = Query([], max_length=20, description="keep only neighbours of these entity types "
                                "(ontology class or extraction label; subclasses included)"),
        g: Graph = Depends(graph)) -> GraphNeighbourhood:
    for value in relation:
        m = _CURIE.match(value)
        if value != nb.CO_MENTION and not (m and m.group(1) in PREFIXES):
            raise HTTPException(422, detail=[{"field": "query.relation", "message": f"{value!r} is not a property "
                                              f"CURIE with a known prefix ({', '.join(sorted(PREFIXES))}) or "
                                              f"{nb.CO_MENTION!r}"}])
    try:
        result = nb.neighbourhood(g.store, g.index, id, depth=depth, limit=limit, co_mentions=co_mentions,
                                  relations=relation, types=type)
    except ValueError as exc:
        raise HTTPException(422, detail=[{"field": "query.type", "message": str(exc)}]) from None
    return GraphNeighbourhood.model_validate(result)

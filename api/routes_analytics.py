"""Graph analytics over the entity projection: centrality, neighbourhoods, paths."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from ..queries import analytics
from .deps import ERRORS

router = APIRouter(prefix="/api/analytics", tags=["analytics"])


class RankedEntity(BaseModel):
    iri: str
    name: str
    kind: str = Field(description="extraction label of the entity's mentions (METROLOGY, INDUSTRY …)")
    betweenness: float
    degree: int


class Node(BaseModel):
    iri: str
    name: str
    kind: str


class Edge(BaseModel):
    source: str
    target: str
    weight: int = Field(description="how many sentences state or imply the link")
    relations: list[str]


class Neighbourhood(BaseModel):
    center: str
    nodes: list[Node]
    edges: list[Edge]


class Path(BaseModel):
    nodes: list[Node]


def _graph(request: Request):
    return analytics.graph_for(request.app.state.settings.store)


def _resolve(g, name: str) -> str:
    try:
        return analytics.resolve(g, name)
    except KeyError as exc:
        raise HTTPException(404, exc.args[0]) from None


def _node(g, n: str) -> Node:
    return Node(iri=n, name=g.nodes[n]["name"], kind=g.nodes[n]["kind"])


@router.get("/centrality", response_model=list[RankedEntity], responses=ERRORS,
            summary="NQI elements and industries ranked by betweenness centrality")
def centrality(request: Request, top: int = Query(20, ge=1, le=200),
               kind: list[str] | None = Query(None, description="restrict to these extraction labels")):
    g = _graph(request)
    kinds = tuple(kind) if kind else analytics.NQI_KINDS + ("INDUSTRY",)
    return [RankedEntity(**r.__dict__) for r in analytics.centrality(g, kinds, top)]


@router.get("/neighbourhood", response_model=Neighbourhood, responses=ERRORS,
            summary="The connected neighbourhood of an entity (by IRI or Chinese name)")
def neighbourhood(request: Request, entity: str = Query(..., min_length=1, max_length=500),
                  radius: int = Query(1, ge=1, le=3), limit: int = Query(40, ge=2, le=200)):
    g = _graph(request)
    center = _resolve(g, entity)
    sub = analytics.neighbourhood(g, center, radius, limit)
    return Neighbourhood(center=center, nodes=[_node(g, n) for n in sub],
                         edges=[Edge(source=a, target=b, weight=d["weight"], relations=d["relations"])
                                for a, b, d in sub.edges(data=True)])


@router.get("/path", response_model=Path, responses=ERRORS, summary="A short path between two entities")
def path(request: Request, source: str = Query(..., min_length=1, max_length=500),
         target: str = Query(..., min_length=1, max_length=500)):
    g = _graph(request)
    try:
        nodes = analytics.shortest_path(g, _resolve(g, source), _resolve(g, target))
    except KeyError as exc:
        raise HTTPException(404, exc.args[0]) from None
    return Path(nodes=[_node(g, n) for n in nodes])

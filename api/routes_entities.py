"""REST lookup of entities, standards and industries (``/api/entities``, ``/api/standards``, ``/api/industries``).

An entity is addressed by its id, the path of its IRI after ``{base}id/``
(``org/国家市场监督管理总局``, ``gbt4754/36``); in a URL it is percent-encoded
UTF-8 with the slashes kept: ``/api/entities/org/%E5%9B%BD%E5%AE%B6…``.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from ..queries.entities import entity
from ..queries.industries import industry
from ..queries.label_index import search
from ..queries.standards import standard
from .deps import ERRORS, Graph, graph
from ..ontology.industry_classifier import IndustryClassifier
from .models import EntityDetail, IndustryDetail, IndustryPlacement, IndustryPlacements, SearchResult, StandardDetail

router = APIRouter(prefix="/api", tags=["lookup"])


@router.get("/entities", response_model=SearchResult, responses={422: ERRORS[422]},
            summary="Search entities by Chinese or English label, alias or code")
def search_entities(
    q: str = Query("", max_length=200, description="label, alias or code; empty lists every entity "
                   "(most mentioned first). Matches rank exact > alias > prefix > contains > "
                   "all jieba tokens > fuzzy, then by number of mentions"),
    type: str | None = Query(None, max_length=60, description="ontology class (local name, e.g. Organization, "
                             "Product, BottleneckProduct, Industry, Standard, MetrologyElement) or extraction "
                             "label (ORG, PRODUCT …); subclasses included"),
    limit: int = Query(20, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
    g: Graph = Depends(graph),
) -> SearchResult:
    try:
        result = search(g.index, q, type, limit=limit, offset=offset)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=[{"field": "query.type", "message": str(exc)}]) from None
    return SearchResult.model_validate(result)


@router.get("/entities/{id:path}", response_model=EntityDetail, responses=ERRORS,
            summary="Everything the graph says about one entity, with evidence")
def get_entity(id: str = Path(description="IRI path after {base}id/, e.g. org/国家市场监督管理总局 "
                              "(percent-encoded, slashes kept)"),
               g: Graph = Depends(graph)) -> EntityDetail:
    return EntityDetail.model_validate(entity(g.store, g.index, id))


@router.get("/standards/{code:path}", response_model=StandardDetail, responses=ERRORS,
            summary="A standard or metrology specification by code")
def get_standard(code: str = Path(description="code as written, normalised before lookup: GB/T4754—2017 → "
                                  "GB/T 4754-2017; without a year the latest edition is returned"),
                 g: Graph = Depends(graph)) -> StandardDetail:
    return StandardDetail.model_validate(standard(g.store, g.index, code))


@router.get("/industries/classify", response_model=IndustryPlacements, responses={422: ERRORS[422]},
            summary="Rank the GB/T 4754-2017 classes where a product is made, for any product name")
def classify_product(name: str = Query(..., max_length=100, description="a product name, known to the graph or "
                                       "not, e.g. 数控机床, 车规级芯片"),
                     limit: int = Query(5, ge=1, le=50)) -> IndustryPlacements:
    name = name.strip()
    if not name:
        raise HTTPException(status_code=422, detail=[{"field": "query.name", "message": "name is empty"}])
    ranked = IndustryClassifier.shared().rank(name, limit=limit)
    if not ranked:
        raise HTTPException(status_code=422, detail=[{"field": "query.name",
                                                      "message": f"no GB/T 4754-2017 class shares a word with {name!r}"}])
    return IndustryPlacements(name=name, scheme="GB/T 4754-2017", classes=[
        IndustryPlacement(code=p.code, name=p.name, level=p.level, score=p.score, matched=list(p.matched),
                          parent=p.parent, id=f"gbt4754/{p.code}") for p in ranked])


@router.get("/industries/{gb4754_code}", response_model=IndustryDetail, responses=ERRORS,
            summary="A GB/T 4754-2017 industry class, its sub-classes and the NQI elements supporting it")
def get_industry(gb4754_code: str = Path(max_length=8, description="门类 letter (C), 大类 (36), 中类 (361) or 小类 (3612)"),
                 g: Graph = Depends(graph)) -> IndustryDetail:
    return IndustryDetail.model_validate(industry(g.store, g.index, gb4754_code))

"""Indicator series (``/api/indicators/{id}/series``): what the indicator charts draw."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query

from ..queries import indicators
from .deps import ERRORS, Graph, graph
from .models import IndicatorSeries

router = APIRouter(prefix="/api/indicators", tags=["lookup"])


@router.get("/{id:path}/series", response_model=IndicatorSeries, responses=ERRORS,
            summary="An indicator's numeric observations as chart series: by year, targets apart from reported "
                    "values, domestic beside international, each point with its evidence sentence")
def get_series(id: str = Path(description="indicator id, e.g. indicator/制造业质量竞争力指数"),
               subject: str | None = Query(None, max_length=300, description="only observations about this "
                                           "entity (id), e.g. product/数控机床"),
               g: Graph = Depends(graph)) -> IndicatorSeries:
    return IndicatorSeries.model_validate(indicators.series(g.store, g.index, id, subject=subject))

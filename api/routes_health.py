"""Liveness and a summary of the live graph."""
from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    generation: str | None
    named_graphs: int | None


@router.get("/health", response_model=Health, summary="Liveness and the live graph generation")
def health(request: Request) -> Health:
    live = request.app.state.store
    try:
        store = live.get()
    except FileNotFoundError:
        return Health(status="no graph", generation=None, named_graphs=None)
    return Health(status="ok", generation=live.generation.name, named_graphs=sum(1 for _ in store.named_graphs()))

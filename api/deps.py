"""Request dependencies shared by the lookup routes and pages: the live store and its label index."""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from fastapi import Request

from ..queries.label_index import LabelIndex, index_for
from .models import Error


@dataclass(frozen=True)
class Graph:
    store: ox.Store
    index: LabelIndex


def graph(request: Request) -> Graph:
    """The live store and its label index (rebuilt when a build publishes a new generation)."""
    live = request.app.state.store
    store = live.get()
    return Graph(store, index_for(store, live.generation))


ERRORS = {404: {"model": Error, "description": "Unknown resource (JSON error with a message)"},
          422: {"model": Error, "description": "Invalid parameters (JSON error listing the fields)"}}

"""The colour of each kind of entity on the pages (chips, the graph explorer's nodes)."""
from __future__ import annotations

# colour by kind of entity (the nearest of these classes among the node's classes)
COLOURS = {
    "BottleneckProduct": "#c0392b", "Product": "#e15759", "Organization": "#4e79a7", "Policy": "#f28e2b",
    "Law": "#f28e2b", "Plan": "#f28e2b", "Programme": "#f28e2b", "Industry": "#59a14f",
    "MetrologyElement": "#2a9d8f", "StandardsElement": "#c9a227", "Standard": "#c9a227",
    "TestingElement": "#8e6bb0", "CertificationElement": "#d16ba5", "NQIElement": "#6c8ebf",
    "QualityInfrastructure": "#6c8ebf", "Indicator": "#9c755f", "Method": "#7f8c8d", "Location": "#76b7b2",
    "Document": "#95a5a6", "Concept": "#59a14f", "ConceptScheme": "#95a5a6",
}


def colour(kind: str | None) -> str:
    if not kind:
        return "#95a5a6"
    if kind in COLOURS:
        return COLOURS[kind]
    try:
        from ..ontology import vocab
        from ..ontology.iri import NQI
        for cls in vocab.superclasses(NQI + kind):
            name = cls.rsplit("#", 1)[-1]
            if name in COLOURS:
                return COLOURS[name]
    except Exception:
        pass
    return "#95a5a6"

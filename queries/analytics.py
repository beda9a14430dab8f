"""networkx analytics over an entity-level projection of the graph.

Nodes are the entities (anything typed by an ontology class under nqi:Entity,
GB/T 4754 classes included); edges are the object properties between them
(supports, belongsToIndustry, issuedBy, developedBy, relatedIndustry) and
co-mention in one sentence, weighted by how many sentences say so. Results
name entities by IRI and Chinese label.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from ..ontology import vocab
from ..ontology.namespaces import SPARQL_PREFIXES
from .store import current_generation, open_read_only

PREFIXES = SPARQL_PREFIXES
RELATIONS = ("supports", "belongsToIndustry", "issuedBy", "developedBy", "relatedIndustry")

_NODES = PREFIXES + """
SELECT ?e (SAMPLE(?label) AS ?name) (SAMPLE(?mention_label) AS ?kind) (COUNT(DISTINCT ?m) AS ?mentions) WHERE {
  ?m nqi:denotes ?e ; nqi:mentionLabel ?mention_label .
  OPTIONAL { ?e skos:prefLabel ?label FILTER(lang(?label) = "zh") }
} GROUP BY ?e"""

_RELATIONS = PREFIXES + """
SELECT DISTINCT ?s ?p ?o WHERE { VALUES ?p { %s } ?s ?p ?o . ?m nqi:denotes ?s . }"""

_COMENTIONS = PREFIXES + """
SELECT ?a ?b (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?m1 nqi:inSentence ?s ; nqi:denotes ?a . ?m2 nqi:inSentence ?s ; nqi:denotes ?b . FILTER(STR(?a) < STR(?b))
} GROUP BY ?a ?b"""


@dataclass(frozen=True)
class Ranked:
    iri: str
    name: str
    kind: str
    betweenness: float   # share of shortest paths through the entity (distance = 1 / link strength)
    degree: int          # weighted degree: how often the sources link it to anything


def entity_graph(store: ox.Store) -> nx.Graph:
    """The entity-level projection: typed relation edges and weighted co-mention edges."""
    g = nx.Graph()
    for e, name, kind, mentions in store.query(_NODES, use_default_graph_as_union=True):
        g.add_node(e.value, name=name.value if name is not None else e.value, kind=kind.value,
                   mentions=int(mentions.value))
    values = " ".join(f"<{vocab.term(r)}>" for r in RELATIONS)
    for s, p, o in store.query(_RELATIONS % values, use_default_graph_as_union=True):
        if s.value in g and o.value in g:
            relation = p.value.rsplit("#", 1)[1]
            data = g.get_edge_data(s.value, o.value, {})
            g.add_edge(s.value, o.value, weight=data.get("weight", 0) + 3,
                       relations=sorted(set(data.get("relations", [])) | {relation}))
    for a, b, n in store.query(_COMENTIONS, use_default_graph_as_union=True):
        data = g.get_edge_data(a.value, b.value, {})
        g.add_edge(a.value, b.value, weight=data.get("weight", 0) + int(n.value),
                   relations=data.get("relations", ["co-mention"]))
    return g


@lru_cache(maxsize=2)
def _cached(generation: Path) -> nx.Graph:
    return entity_graph(ox.Store.read_only(str(generation)))


def graph_for(store_dir: Path) -> nx.Graph:
    """The projection of the live generation of ``store_dir`` (computed once per generation)."""
    return _cached(current_generation(store_dir))


NQI_KINDS = ("METROLOGY", "STANDARD", "TESTING", "CERTIFICATION", "NQI")


def centrality(g: nx.Graph, kinds: tuple[str, ...] = NQI_KINDS + ("INDUSTRY",), top: int = 20) -> list[Ranked]:
    """Entities of ``kinds`` ranked by betweenness centrality (ties by weighted degree)."""
    if g.number_of_nodes() == 0:
        return []
    between = nx.betweenness_centrality(g, weight=_distance)
    ranked = [Ranked(n, d["name"], d["kind"], between[n], int(g.degree(n, weight="weight")))
              for n, d in g.nodes(data=True) if d["kind"] in kinds]
    return sorted(ranked, key=lambda r: (-r.betweenness, -r.degree))[:top]


def _distance(u, v, data) -> float:
    return 1.0 / data.get("weight", 1)


def resolve(g: nx.Graph, name_or_iri: str) -> str:
    """The node named ``name_or_iri`` (an IRI, or a Chinese label; the most mentioned wins)."""
    if name_or_iri in g:
        return name_or_iri
    matches = [n for n, d in g.nodes(data=True) if d["name"] == name_or_iri]
    if not matches:
        raise KeyError(f"no entity named {name_or_iri!r} in the graph")
    return max(matches, key=lambda n: g.nodes[n]["mentions"])


def neighbourhood(g: nx.Graph, node: str, radius: int = 1, limit: int = 40) -> nx.Graph:
    """The connected neighbourhood of ``node``: nodes within ``radius`` hops, strongest edges first."""
    ego = nx.ego_graph(g, node, radius=radius)
    if ego.number_of_nodes() <= limit:
        return ego
    keep = {node} | {n for n, _ in sorted(((n, g[node].get(n, {}).get("weight", 0)) for n in ego if n != node),
                                          key=lambda x: -x[1])[:limit - 1]}
    return ego.subgraph(keep).copy()


def shortest_path(g: nx.Graph, source: str, target: str) -> list[str]:
    """A short path between two entities, preferring strong (frequently stated) links."""
    try:
        return nx.shortest_path(g, source, target, weight=_distance)
    except nx.NetworkXNoPath:
        raise KeyError(f"no path between {source} and {target}") from None


def load(store_dir: Path) -> nx.Graph:
    """The projection of the live store (uncached), for one-shot CLI use."""
    return entity_graph(open_read_only(store_dir))

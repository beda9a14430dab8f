"""Property-graph exports: networkx, GraphML (Gephi), neo4j-admin import CSV, a cypher-shell script.

Every writer takes a pyoxigraph store (or an already computed
:class:`~nqikg.queries.property_graph.PropertyGraph`) and writes the projection
described in :mod:`nqikg.queries.property_graph`.
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any, Iterable

import networkx as nx

from . import property_graph as pg

ARRAY_DELIMITER = ";"  # neo4j-admin's default --array-delimiter
CYPHER_BATCH = 500


def _graph(source) -> pg.PropertyGraph:
    """A PropertyGraph from a PropertyGraph, a pyoxigraph store or a store folder (its live generation)."""
    if isinstance(source, pg.PropertyGraph):
        return source
    if isinstance(source, (str, Path)):
        from .store import open_read_only
        source = open_read_only(Path(source))
    return pg.project(source)


# ---------------------------------------------------------------- networkx

def to_networkx(source) -> nx.MultiDiGraph:
    """The projection as a MultiDiGraph: node key = IRI, attributes = ``labels`` (tuple) + properties;
    edge key = the relationship key, attributes = ``type`` + properties."""
    graph = _graph(source)
    g = nx.MultiDiGraph()
    for node in graph.nodes:
        g.add_node(node.id, labels=node.labels, **{k: v for k, v in node.properties.items() if k != "labels"})
    for rel in graph.relationships:
        attrs = dict(rel.properties)
        attrs["type"] = rel.type
        g.add_edges_from([(rel.start, rel.end, rel.key, attrs)])
    return g


# ---------------------------------------------------------------- GraphML

def _flat(value: Any) -> str | int | float | bool | None:
    if isinstance(value, (list, tuple)):
        return ARRAY_DELIMITER.join(str(v) for v in value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _uniform(items: list[dict]) -> None:
    """Make each attribute one GraphML type across all elements (mixed → string; int+float → float)."""
    kinds: dict[str, set[type]] = {}
    for attrs in items:
        for k, v in attrs.items():
            kinds.setdefault(k, set()).add(type(v))
    for attrs in items:
        for k, v in list(attrs.items()):
            ks = kinds[k]
            if len(ks) > 1:
                attrs[k] = float(v) if ks <= {int, float} else str(v)


def write_graphml(source, path: str | Path) -> Path:
    """GraphML that Gephi opens: node ids are IRIs; attributes ``label`` (display name), ``labels``
    (``:A:B``), properties (lists joined by ';'); edges carry ``label`` = ``type`` = relationship type
    and their properties. Only str/int/float/bool attributes are written."""
    graph = _graph(source)
    g = nx.MultiDiGraph()
    node_attrs, edge_attrs = [], []
    for node in graph.nodes:
        attrs = {k: _flat(v) for k, v in node.properties.items() if k != "id" and v is not None}
        attrs["labels"] = "".join(f":{lab}" for lab in node.labels)
        attrs.setdefault("label", node.id)
        node_attrs.append(attrs)
    for rel in graph.relationships:
        attrs = {k: _flat(v) for k, v in rel.properties.items() if v is not None}
        attrs["type"] = rel.type
        attrs["label"] = rel.type
        edge_attrs.append(attrs)
    _uniform(node_attrs)
    _uniform(edge_attrs)
    for node, attrs in zip(graph.nodes, node_attrs):
        g.add_node(node.id, **attrs)
    for rel, attrs in zip(graph.relationships, edge_attrs):
        g.add_edges_from([(rel.start, rel.end, rel.key, attrs)])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml_xml(g, str(path), encoding="utf-8", named_key_ids=True)
    return path


# ---------------------------------------------------------------- neo4j-admin CSV

def _column_type(values: Iterable[Any]) -> str:
    kinds, is_array = set(), False
    for v in values:
        if isinstance(v, list):
            is_array = True
            kinds.update(type(x) for x in v)
        else:
            kinds.add(type(v))
    if kinds == {bool}:
        base = "boolean"
    elif kinds and kinds <= {int}:
        base = "long"
    elif kinds and kinds <= {int, float}:
        base = "double"
    else:
        base = "string"
    return base + ("[]" if is_array else "")


def _cell(value: Any, column_type: str) -> str:
    if value is None:
        return ""
    items = value if isinstance(value, list) else [value]
    if column_type.endswith("[]") or len(items) == 1:
        out = []
        for v in items:
            if isinstance(v, bool):
                out.append("true" if v else "false")
            elif column_type.startswith("double"):
                out.append(repr(float(v)))
            else:
                out.append(str(v))
        return ARRAY_DELIMITER.join(out)
    return ARRAY_DELIMITER.join(str(v) for v in items)


def _columns(rows: list[dict], skip: set[str]) -> list[tuple[str, str]]:
    keys: dict[str, list] = {}
    for props in rows:
        for k, v in props.items():
            if k not in skip:
                keys.setdefault(k, []).append(v)
    return [(k, _column_type(vs)) for k, vs in sorted(keys.items())]


def write_neo4j_csv(source, folder: str | Path) -> dict[str, Path]:
    """``nodes.csv`` (``id:ID``, ``:LABEL`` with ';'-separated labels, typed property columns) and
    ``relationships.csv`` (``:START_ID``, ``:END_ID``, ``:TYPE``, typed property columns), plus
    ``import.sh`` with the neo4j-admin command. Array properties use ';' (neo4j-admin's default)."""
    graph = _graph(source)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    node_cols = _columns([n.properties for n in graph.nodes], {"id"})
    rel_cols = _columns([r.properties for r in graph.relationships], set())
    nodes_path, rels_path = folder / "nodes.csv", folder / "relationships.csv"
    with nodes_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id:ID", ":LABEL"] + [f"{k}:{t}" for k, t in node_cols])
        for n in graph.nodes:
            w.writerow([n.id, ARRAY_DELIMITER.join(n.labels)]
                       + [_cell(n.properties.get(k), t) for k, t in node_cols])
    with rels_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([":START_ID", ":END_ID", ":TYPE"] + [f"{k}:{t}" for k, t in rel_cols])
        for r in graph.relationships:
            w.writerow([r.start, r.end, r.type] + [_cell(r.properties.get(k), t) for k, t in rel_cols])
    script = folder / "import.sh"
    script.write_text(
        "#!/bin/sh\n# Import into an empty, stopped Neo4j 5 database (default 'neo4j'):\n"
        "exec neo4j-admin database import full --overwrite-destination "
        "--nodes=nodes.csv --relationships=relationships.csv --multiline-fields=true \"${1:-neo4j}\"\n",
        encoding="utf-8")
    return {"nodes": nodes_path, "relationships": rels_path, "script": script}


# ---------------------------------------------------------------- cypher-shell script

def cypher_literal(value: Any) -> str:
    """A Cypher literal for a JSON-like value (strings single-quoted and escaped, maps with backticked keys)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "0.0/0.0"
        if math.isinf(value):
            return "1.0/0.0" if value > 0 else "-1.0/0.0"
        return repr(value)
    if isinstance(value, str):
        escaped = (value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
                   .replace("\r", "\\r").replace("\t", "\\t"))
        return f"'{escaped}'"
    if isinstance(value, dict):
        return "{" + ", ".join(f"`{str(k).replace('`', '``')}`: {cypher_literal(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    return cypher_literal(str(value))


def cypher_statements(source, batch: int = CYPHER_BATCH) -> Iterable[str]:
    """The statements of :func:`write_cypher`, each without its trailing ';'."""
    graph = _graph(source)
    yield pg.constraint_statement()
    for labels, rows in pg.node_batches(graph.nodes, batch):
        yield pg.node_merge_statement(labels, rows=cypher_literal(rows))
    for rel_type, rows in pg.relationship_batches(graph.relationships, batch):
        yield pg.relationship_merge_statement(rel_type, rows=cypher_literal(rows))


def write_cypher(source, path: str | Path, batch: int = CYPHER_BATCH) -> Path:
    """A script cypher-shell runs (``cypher-shell -f graph.cypher``): the uniqueness constraint on
    ``:Resource(id)``, then literal batches of ``UNWIND [...] AS r MERGE …``; idempotent, so running it
    twice gives the same graph."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("// NQI-KG property graph: run with  cypher-shell -f " + path.name + "\n")
        for statement in cypher_statements(source, batch):
            fh.write(statement + ";\n")
    return path


def read_cypher_script(path: str | Path) -> list[str]:
    """The statements of a script written by :func:`write_cypher` (one per line, comments skipped)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("//"):
            out.append(line[:-1] if line.endswith(";") else line)
    return out


def summary(source) -> str:
    graph = _graph(source)
    return json.dumps({"nodes": len(graph.nodes), "relationships": len(graph.relationships),
                       "labels": graph.label_counts(), "types": graph.type_counts()}, ensure_ascii=False)

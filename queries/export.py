"""Exports of the live graph: RDF serialisations and (via ``pg_export``) property-graph formats.

``ttl`` and ``nt`` hold the union of all graphs (each triple once); ``nq``
keeps every named graph, so the provenance unit (one graph per document) is
kept; ``jsonld`` keeps the named graphs too and embeds the published context
(``queries/context.jsonld``, served at ``GET /context.jsonld``). ``graphml``,
``neo4j-csv`` and ``cypher`` are written by :mod:`nqikg.queries.pg_export`.

:func:`export` writes a file (or a folder for ``neo4j-csv``); :func:`stream`
yields the bytes of a format, for HTTP responses. Output is deterministic
(sorted), so two exports of the same graph compare equal.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox

from .store import open_read_only

CONTEXT_FILE = Path(__file__).resolve().parent / "context.jsonld"
CHUNK = 5000
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str          # of the file (".zip" for the HTTP form of a folder format)
    description: str
    folder: bool = False    # written as a folder of files


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("ttl", "text/turtle; charset=utf-8", ".ttl", "Turtle, union of all graphs"),
    Format("nt", "application/n-triples", ".nt", "N-Triples, union of all graphs"),
    Format("nq", "application/n-quads", ".nq", "N-Quads, every named graph (provenance kept)"),
    Format("jsonld", "application/ld+json", ".jsonld", "JSON-LD with named graphs and the NQI-KG context embedded"),
    Format("graphml", "application/graphml+xml", ".graphml", "GraphML property graph"),
    Format("neo4j-csv", "application/zip", ".zip", "neo4j-admin import CSV files (a folder; a zip over HTTP)",
           folder=True),
    Format("cypher", "text/plain; charset=utf-8", ".cypher", "Cypher CREATE script"),
)}


class UnknownFormat(ValueError):
    def __init__(self, name: str):
        super().__init__(f"unknown export format {name!r}; available: {', '.join(FORMATS)}")
        self.name = name


class FormatUnavailable(RuntimeError):
    """The property-graph writers (queries/pg_export.py) are not installed in this checkout."""


def get_format(name: str) -> Format:
    try:
        return FORMATS[name.lower()]
    except KeyError:
        raise UnknownFormat(name) from None


@lru_cache(maxsize=1)
def context() -> dict:
    """The published JSON-LD context (the object under ``@context``)."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


def prefixes() -> dict[str, str]:
    return {k: v for k, v in context().items() if isinstance(v, str) and v.endswith(("#", "/"))}


# ---------------------------------------------------------------- reading the store

def _graphs(store: ox.Store) -> list:
    return sorted(store.named_graphs(), key=lambda g: str(g))


def _sorted_quads(store: ox.Store, graph) -> list[ox.Quad]:
    return sorted(store.quads_for_pattern(None, None, None, graph),
                  key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))


def _union_triples(store: ox.Store) -> Iterator[ox.Triple]:
    """Each triple of the union of all graphs once, grouped by subject."""
    result = store.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
                         use_default_graph_as_union=True)
    for solution in result:
        yield ox.Triple(solution[0], solution[1], solution[2])


def _chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _strip_prefixes(data: bytes) -> bytes:
    while data.startswith(b"@prefix "):
        data = data[data.index(b"\n") + 1:]
    return data


# ---------------------------------------------------------------- RDF writers (streaming)

def stream_turtle(store: ox.Store) -> Iterator[bytes]:
    pre = prefixes()
    yield "".join(f"@prefix {k}: <{v}> .\n" for k, v in pre.items()).encode("utf-8") + b"\n"
    for chunk in _chunks(_union_triples(store)):
        # each chunk is complete Turtle; the prefix lines are declared once, above
        yield _strip_prefixes(ox.serialize(chunk, format=ox.RdfFormat.TURTLE, prefixes=pre))


def stream_ntriples(store: ox.Store) -> Iterator[bytes]:
    for chunk in _chunks(_union_triples(store)):
        yield ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)


def _all_quads(store: ox.Store) -> Iterator[ox.Quad]:
    yield from _sorted_quads(store, ox.DefaultGraph())
    for graph in _graphs(store):
        yield from _sorted_quads(store, graph)


def stream_nquads(store: ox.Store) -> Iterator[bytes]:
    for chunk in _chunks(_all_quads(store)):
        yield ox.serialize(chunk, format=ox.RdfFormat.N_QUADS)


class _Compactor:
    """IRIs to compact IRIs with the context's prefixes, where that is unambiguous."""

    def __init__(self, prefix_map: dict[str, str]):
        self.prefixes = sorted(prefix_map.items(), key=lambda kv: -len(kv[1]))

    def __call__(self, iri: str) -> str:
        for name, ns in self.prefixes:
            if iri.startswith(ns):
                local = iri[len(ns):]
                if local and (local[0].isalpha() or local[0] == "_") and \
                        all(c.isalnum() or c in "_-." for c in local) and not local.startswith("//"):
                    return f"{name}:{local}"
        return iri


def _node_id(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _jsonld_value(term, compact: _Compactor):
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": compact(term.datatype.value)}
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return {"@id": _node_id(term)}
    raise ValueError(f"JSON-LD export cannot write the quoted triple {term}")


def _jsonld_nodes(quads: list[ox.Quad], compact: _Compactor) -> Iterator[dict]:
    nodes: dict[str, dict] = {}
    for q in quads:
        sid = _node_id(q.subject)
        node = nodes.setdefault(sid, {"@id": sid})
        if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact(q.object.value))
        else:
            node.setdefault(compact(q.predicate.value), []).append(_jsonld_value(q.object, compact))
    yield from nodes.values()


def stream_jsonld(store: ox.Store) -> Iterator[bytes]:
    """``{"@context": …, "@graph": [default-graph nodes…, {"@id": g, "@graph": [nodes…]}…]}``."""
    compact = _Compactor(prefixes())
    dump = lambda obj: json.dumps(obj, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    yield b'{"@context":' + dump(context()).encode("utf-8") + b',\n"@graph":['
    first = True
    for node in _jsonld_nodes(_sorted_quads(store, ox.DefaultGraph()), compact):
        yield (b"" if first else b",\n") + dump(node).encode("utf-8")
        first = False
    for graph in _graphs(store):
        yield (b"" if first else b",\n") + b'{"@id":' + dump(_node_id(graph)).encode("utf-8") + b',"@graph":['
        first = False
        inner_first = True
        for node in _jsonld_nodes(_sorted_quads(store, graph), compact):
            yield (b"" if inner_first else b",\n") + dump(node).encode("utf-8")
            inner_first = False
        yield b"]}"
    yield b"]}\n"


_RDF_STREAMS: dict[str, Callable[[ox.Store], Iterator[bytes]]] = {
    "ttl": stream_turtle, "nt": stream_ntriples, "nq": stream_nquads, "jsonld": stream_jsonld,
}


# ---------------------------------------------------------------- property-graph formats

def _pg_writer(fmt: str):
    try:
        from . import pg_export
    except ImportError as exc:
        raise FormatUnavailable(f"export format {fmt!r} needs nqikg.queries.pg_export, which is not available: {exc}") \
            from None
    name = {"graphml": "write_graphml", "neo4j-csv": "write_neo4j_csv", "cypher": "write_cypher"}[fmt]
    writer = getattr(pg_export, name, None)
    if writer is None:
        raise FormatUnavailable(f"nqikg.queries.pg_export has no {name}() yet")
    return writer


def _read_file(path: Path, remove: Path | None = None) -> Iterator[bytes]:
    try:
        with open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                yield block
    finally:
        if remove is not None:
            shutil.rmtree(remove, ignore_errors=True)


# ---------------------------------------------------------------- entry points

def _open(store) -> ox.Store:
    return store if isinstance(store, ox.Store) else open_read_only(Path(store))


def stream(store, fmt: str) -> Iterator[bytes]:
    """The bytes of ``fmt`` for a store folder (its live generation) or an open ``pyoxigraph.Store``.

    Property-graph formats are written to a temporary file first (a zip for
    ``neo4j-csv``), then streamed and removed.
    """
    f = get_format(fmt)
    if f.name in _RDF_STREAMS:
        return _RDF_STREAMS[f.name](_open(store))
    writer = _pg_writer(f.name)
    ox_store = _open(store)
    tmp = Path(tempfile.mkdtemp(prefix="nqikg-export-"))
    try:
        if f.folder:
            writer(ox_store, tmp / "csv")
            archive = shutil.make_archive(str(tmp / "neo4j-csv"), "zip", tmp / "csv")
            return _read_file(Path(archive), remove=tmp)
        target = tmp / f"export{f.extension}"
        writer(ox_store, target)
        return _read_file(target, remove=tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def export(store_dir, fmt: str, out) -> Path:
    """Write the live graph of ``store_dir`` as ``fmt`` to ``out`` (a folder for ``neo4j-csv``); returns ``out``."""
    f = get_format(fmt)
    out = Path(out)
    store = _open(store_dir)
    if f.name in _RDF_STREAMS:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.part")
        try:
            with open(tmp, "wb") as fh:
                for block in _RDF_STREAMS[f.name](store):
                    fh.write(block)
            tmp.replace(out)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return out
    writer = _pg_writer(f.name)
    if f.folder:
        out.mkdir(parents=True, exist_ok=True)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
    writer(store, out)
    return out


def filename(fmt: str, stem: str = "nqikg") -> str:
    """Attachment file name for an HTTP export."""
    return stem + get_format(fmt).extension

"""Run a query -- canned (``queries/NAME.rq`` / ``queries/NAME.cypher``), a file or a text -- in SPARQL or
Cypher against a store folder; what ``nqikg query sparql|cypher FILE_OR_TEXT [--param k=v] --store DIR``
calls (:func:`run`).

- ``sparql``: evaluated in-process on the live generation of the store
  (:func:`nqikg.queries.sparql.execute`, the union of all graphs as the default graph),
  parameters pre-bound as RDF terms (:func:`nqikg.queries.canned.bind`).
- ``cypher``: on the property-graph projection of the store, loaded into a throw-away embedded
  ArcadeDB Bolt server on a free port (about 20 s for the corpus graph), or -- when
  ``NQIKG_NEO4J_URI`` is set -- on that Neo4j as it is (fill it with ``nqikg neo4j push`` first;
  a read query never loads or replaces anything there). Parameters are plain values
  (:func:`nqikg.queries.canned.cypher_parameters`).

Both return ``(columns, rows)`` (a :class:`nqikg.queries.bolt.QueryResult`, ``.truncated`` when cut
at ``max_rows``) with plain values: an IRI as its string, a literal converted the way the property
graph stores it (integer/gYear -> int, decimal/double -> float, boolean -> bool, other literals ->
their text), so the answers of a ``.rq`` and its ``.cypher`` twin compare directly.
"""
from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Callable, Mapping

import pyoxigraph as ox

from . import canned
from .bolt import QueryResult

log = logging.getLogger("nqikg.query")

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_SPARQL_ACCEPT = "application/sparql-results+json, application/n-triples"


# ---------------------------------------------------------------- resolving FILE_OR_TEXT

def resolve(language: str, file_or_text: str) -> canned.CannedQuery:
    """The query meant by ``file_or_text``: a canned query name (``bottleneck_coverage``), a file, or the
    query text itself; its header (if any) declares the parameters and the columns."""
    language = canned._language(language)
    text = str(file_or_text)
    if canned.is_name(text.strip()):
        name = text.strip()
        if name in canned.names(language=language):
            return canned.load(name, language=language)
        if not Path(name).is_file():
            raise canned.UnknownQuery(f"no canned {language} query {name!r}; available: "
                                      f"{', '.join(canned.names(language=language))}")
    path = _as_file(text)
    if path is not None:
        return canned.parse(path.read_text(encoding="utf-8"), path.stem, language, path)
    return canned.parse(text, "query", language)


def _as_file(text: str) -> Path | None:
    if "\n" in text or len(text) > 4096:
        return None
    try:
        path = Path(text).expanduser()
        return path if path.is_file() else None
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------- parameters

def _declares(query: canned.CannedQuery) -> bool:
    """Whether the query has a header (canned queries do): then only its declared parameters are taken."""
    return bool(query.parameters or query.columns)


def sparql_substitutions(query: canned.CannedQuery, params: Mapping[str, object] | None) -> dict:
    """Pre-bindings for a SPARQL query: declared parameters checked and typed by the header; for a query
    without a header an absolute IRI becomes an IRI, anything else a plain literal."""
    if _declares(query):
        return canned.bind(query, params)
    out = {}
    for key, value in (params or {}).items():
        if value is None or value == "":
            continue
        if isinstance(value, (ox.NamedNode, ox.Literal)):
            out[key.lstrip("?$")] = value
        elif isinstance(value, str) and _ABSOLUTE_IRI.match(value.strip()):
            out[key.lstrip("?$")] = ox.NamedNode(value.strip())
        else:
            out[key.lstrip("?$")] = ox.Literal(str(value))
    return out


def cypher_parameters(query: canned.CannedQuery, params: Mapping[str, object] | None) -> dict:
    """Cypher parameters: declared ones checked and converted (:func:`canned.cypher_parameters`), undeclared
    ones (a query without a header) passed as given."""
    if _declares(query):
        return canned.cypher_parameters(query, params)
    return {k.lstrip("?$"): v for k, v in (params or {}).items()}


# ---------------------------------------------------------------- SPARQL

def _json_term(binding: dict | None):
    """A SPARQL JSON results term as a plain value (see the module docstring)."""
    if binding is None:
        return None
    kind, value = binding.get("type"), binding.get("value")
    if kind == "uri":
        return value
    if kind == "bnode":
        return f"_:{value}"
    if kind in ("literal", "typed-literal") and binding.get("datatype") and not binding.get("xml:lang"):
        return canned.term_value(ox.Literal(value, datatype=ox.NamedNode(binding["datatype"])))
    return value


def _rdf_term(term):
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return canned.term_value(term)
    return str(term)


def run_sparql(store: ox.Store, query: canned.CannedQuery | str, params: Mapping[str, object] | None = None, *,
               max_rows: int = 10_000) -> QueryResult:
    """Evaluate a SPARQL query in-process on an open store; ``(columns, rows)`` of plain values.
    SELECT: its variables; ASK: one column ``boolean``; CONSTRUCT/DESCRIBE: ``subject predicate object``."""
    import time

    from .sparql import execute

    if isinstance(query, str):
        query = canned.parse(query, "query", "sparql")
    started = time.perf_counter()
    try:
        answer = execute(store, query.text, _SPARQL_ACCEPT, max_results=max_rows,
                         substitutions=sparql_substitutions(query, params))
    except RuntimeError as exc:     # pyoxigraph: a pre-bound variable must be projected by the SELECT
        raise canned.ParameterError(f"cannot bind the parameters: {exc}") from None
    if answer.kind == "graph":
        rows = [[_rdf_term(t.subject), _rdf_term(t.predicate), _rdf_term(t.object)]
                for t in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)]
        return QueryResult(["subject", "predicate", "object"], rows, answer.truncated,
                           time.perf_counter() - started)
    data = json.loads(answer.body)
    if answer.kind == "boolean":
        return QueryResult(["boolean"], [[bool(data["boolean"])]], False, time.perf_counter() - started)
    columns = list(data["head"]["vars"])
    rows = [[_json_term(b.get(c)) for c in columns] for b in data["results"]["bindings"]]
    return QueryResult(columns, rows, answer.truncated, time.perf_counter() - started)


# ---------------------------------------------------------------- Cypher

def run_cypher(driver, query: canned.CannedQuery | str, params: Mapping[str, object] | None = None, *,
               database: str | None = None, timeout: float = 30.0, max_rows: int = 10_000) -> QueryResult:
    """Run a read-only Cypher query through a Bolt driver (:func:`nqikg.queries.bolt.run_read`).
    ArcadeDB sends no column names with an empty result: the header's ``columns`` fill them in."""
    from .bolt import run_read

    if isinstance(query, str):
        query = canned.parse(query, "query", "cypher")
    result = run_read(driver, query.text, cypher_parameters(query, params), timeout=timeout, max_rows=max_rows,
                      database=database)
    if not result.columns and not result.rows and query.columns:
        return QueryResult(list(query.columns), [], result.truncated, result.elapsed)
    return result


# ---------------------------------------------------------------- the CLI entry point

def run(language: str, file_or_text: str, store_dir: Path | str | None, params: Mapping[str, object] | None = None,
        *, timeout: float = 30.0, max_rows: int = 10_000,
        say: Callable[[str], None] | None = None) -> QueryResult:
    """``nqikg query sparql|cypher FILE_OR_TEXT [--param k=v] --store DIR``: ``(columns, rows)``.

    ``file_or_text`` is a canned query name (``bottleneck_coverage`` -> ``queries/bottleneck_coverage.rq``
    or ``.cypher``), a file or the query itself; ``params`` maps parameter names (without ``?``/``$``) to
    values as typed on the command line (an iri parameter also takes a name: ``product=工业母机``).
    ``store_dir`` is the store folder (its live generation is read; for Cypher it is projected and loaded
    into an embedded Bolt server, unless NQIKG_NEO4J_URI names a Neo4j to query instead). ``timeout``
    bounds a Cypher query (SPARQL runs in-process without a limit, like :func:`sparql.execute`);
    ``max_rows`` cuts the rows (``result.truncated``). ``say`` receives progress messages (default: the
    ``nqikg.query`` logger). Raises canned.UnknownQuery / canned.ParameterError, the SPARQL errors of
    :mod:`nqikg.queries.sparql`, the Cypher errors of :mod:`nqikg.queries.bolt`
    (``CypherError`` and subclasses), StoreNotFound when nothing is built.
    """
    language = canned._language(language)
    query = resolve(language, file_or_text)
    say = say or log.info
    if language == "sparql":
        from .store import open_read_only
        if store_dir is None:
            raise ValueError("a SPARQL query needs the store folder")
        return run_sparql(open_read_only(Path(store_dir)), query, params, max_rows=max_rows)

    from . import bolt

    cypher_parameters(query, params)            # bad parameters fail before anything starts
    target = bolt.configured_neo4j()
    if target is not None:
        import neo4j

        uri, auth = target
        say(f"running the query on the Neo4j at {uri}")
        with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
            return run_cypher(driver, query, params, database=os.environ.get("NQIKG_NEO4J_DATABASE") or None,
                              timeout=timeout, max_rows=max_rows)
    if store_dir is None:
        raise ValueError("a Cypher query needs the store folder (or NQIKG_NEO4J_URI)")
    from . import property_graph as pg
    from .store import open_read_only

    graph = pg.project(open_read_only(Path(store_dir)))
    with bolt.EmbeddedBolt(port=0, query_timeout=timeout, say=say) as server:
        server.load_graph(graph)
        return run_cypher(server.driver(), query, params, database=server.database, timeout=timeout,
                          max_rows=max_rows)

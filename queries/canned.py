"""Canned research queries: the ``queries/*.rq`` (SPARQL) and ``queries/*.cypher`` files, their headers
and their parameters.

Each ``.rq`` file opens with ``#`` comment lines::

    # title: NQI elements supporting an industry
    # answers: what the query answers (continuation lines are indented)
    # param: ?code literal (required) -- what the parameter means
    # param: ?product iri product (optional) -- ...
    # columns: code class classCode ...

A ``.cypher`` file (the same question over the property-graph projection,
:mod:`nqikg.queries.property_graph`) has the same header with ``//`` comments
and ``$name`` parameters; ``language="cypher"`` in :func:`names`, :func:`load`
and :func:`list_queries` reads those. Cypher parameters are plain values
(:func:`cypher_parameters`: an IRI as its string, a year as an integer, every
declared parameter present, ``None`` when left out); :mod:`nqikg.queries.cypher_canned`
runs them.

A parameter is a variable of the query. Values are bound as RDF terms by
SPARQL pre-binding (pyoxigraph ``substitutions``, SEP-0007) -- never spliced
into the text -- so a value cannot change the query. An ``iri`` parameter
takes an absolute IRI, or a name that is minted into one with the segment
given after ``iri`` (``iri product``: 数控机床 -> ``{base}id/product/数控机床``).
Kinds: ``iri``, ``literal`` (a plain string), ``integer``, ``decimal``,
``year`` (xsd:gYear), ``boolean``. An optional parameter left out stays a free
variable (the query then covers every value). :func:`render` gives the query
text with the values inlined as a ``VALUES`` block, for display or for the
``/sparql`` endpoint.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import pyoxigraph as ox

QUERY_DIR = Path(__file__).resolve().parent
log = logging.getLogger("nqikg.canned")
XSD = "http://www.w3.org/2001/XMLSchema#"
KINDS = ("iri", "literal", "integer", "decimal", "year", "boolean")
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
_PARAM = re.compile(r"^[?$](?P<var>\w+)\s+(?P<kind>\w+)(?:\s+(?P<segment>[\w-]+))?"
                    r"(?:\s+\((?P<need>required|optional)\))?\s*(?:--|—|-)?\s*(?P<doc>.*)$")
_KEYED = re.compile(r"^(?:#|//)\s*(title|answers|param|columns)\s*:\s*(.*)$", re.I)
_CONTINUATION = re.compile(r"^(?:#|//)\s{2,}")

#: query language -> (file suffix, comment prefix of the header)
LANGUAGES = {"sparql": (".rq", "#"), "cypher": (".cypher", "//")}


class UnknownQuery(KeyError):
    pass


class ParameterError(ValueError):
    pass


@dataclass(frozen=True)
class Parameter:
    name: str               # variable name, without '?'
    kind: str               # one of KINDS
    segment: str | None     # IRI path segment used to mint an IRI from a name (iri kind)
    required: bool
    description: str


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    text: str
    path: Path = field(compare=False)
    language: str = "sparql"    # "sparql" (.rq) or "cypher" (.cypher)

    def parameter(self, name: str) -> Parameter:
        key = name.lstrip("?$")
        for p in self.parameters:
            if p.name == key:
                return p
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ParameterError(f"query {self.name!r} has no parameter {name!r} (parameters: {known})")


def _language(language: str) -> str:
    key = (language or "").strip().lower()
    if key not in LANGUAGES:
        raise ValueError(f"unknown query language {language!r}; use one of {', '.join(LANGUAGES)}")
    return key


def _parse_header(name: str, text: str, path: Path, language: str = "sparql") -> CannedQuery:
    """Read the header comments (``#`` for SPARQL, ``//`` for Cypher) at the top of ``text``."""
    language = _language(language)
    comment = LANGUAGES[language][1]
    fields: dict[str, list[str]] = {"title": [], "answers": [], "param": [], "columns": []}
    loose: list[str] = []
    current: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            current = None
            continue
        if not stripped.startswith(comment):
            break
        body = stripped[len(comment):].strip()
        m = _KEYED.match(stripped)
        if m:
            key = m.group(1).lower()
            fields[key].append(m.group(2).strip())
            current = fields[key]
        elif current is not None and _CONTINUATION.match(line.lstrip()):
            current[-1] += " " + body      # continuation line
        else:
            loose.append(body)
            current = loose
    title = fields["title"][0] if fields["title"] else (loose.pop(0) if loose else name)
    description = " ".join(fields["answers"] + loose).strip()
    params = []
    for spec in fields["param"]:
        m = _PARAM.match(spec)
        if not m or m.group("kind") not in KINDS:
            raise ValueError(f"{path.name}: cannot read parameter line {spec!r} "
                             f"(expected '?name kind [segment] (required|optional) -- description', kinds {KINDS})")
        params.append(Parameter(m.group("var"), m.group("kind"), m.group("segment"),
                                m.group("need") == "required", m.group("doc").strip()))
    columns = tuple(" ".join(fields["columns"]).split())
    return CannedQuery(name, title, description, tuple(params), columns, text, path, language)


def parse(text: str, name: str = "query", language: str = "sparql", path: Path | None = None) -> CannedQuery:
    """A query given as text (or read from any file), with whatever header it has."""
    return _parse_header(name, text, path or Path(f"{name}{LANGUAGES[_language(language)][0]}"), language)


def is_name(text: str) -> bool:
    """Whether ``text`` has the shape of a canned query name (a file stem, not a query)."""
    return bool(_NAME.match(text or ""))


def names(folder: Path = QUERY_DIR, language: str = "sparql") -> list[str]:
    """Names of the canned queries of ``language`` (file stems of ``*.rq`` or ``*.cypher``), sorted."""
    suffix = LANGUAGES[_language(language)][0]
    return sorted(p.stem for p in Path(folder).glob(f"*{suffix}"))


def load(name: str, folder: Path = QUERY_DIR, language: str = "sparql") -> CannedQuery:
    language = _language(language)
    if not _NAME.match(name or ""):
        raise UnknownQuery(f"no canned query {name!r}")
    path = Path(folder) / f"{name}{LANGUAGES[language][0]}"
    if not path.is_file():
        raise UnknownQuery(f"no canned {language} query {name!r}; available: "
                           f"{', '.join(names(folder, language))}")
    return _parse_header(name, path.read_text(encoding="utf-8"), path, language)


def list_queries(folder: Path = QUERY_DIR, language: str = "sparql") -> list[CannedQuery]:
    return [load(n, folder, language) for n in names(folder, language)]


def catalogue() -> list[dict]:
    """The canned SPARQL queries as records for the API and the query page (``/api/queries``); a file
    whose header does not parse is still listed, with its name as title."""
    out = []
    for name in names():
        try:
            q = load(name)
        except Exception as exc:
            log.warning("canned query %s: %s", name, exc)
            text = (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
            out.append({"name": name, "title": name, "description": "", "parameters": [], "query": text})
            continue
        out.append({"name": q.name, "title": q.title, "description": q.description, "query": q.text,
                    "parameters": [{"name": p.name, "kind": p.kind, "required": p.required,
                                    "description": p.description} for p in q.parameters]})
    return out


# ---------------------------------------------------------------- parameters as RDF terms

def to_term(param: Parameter, value) -> ox.NamedNode | ox.Literal:
    """The RDF term for a parameter value (already-made pyoxigraph terms are kept)."""
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return value
    if param.kind == "iri":
        text = str(value).strip()
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$", text) or text.startswith("urn:"):
            try:
                return ox.NamedNode(text)
            except ValueError as exc:
                raise ParameterError(f"?{param.name}: {text!r} is not a valid IRI ({exc})") from None
        if not param.segment:
            raise ParameterError(f"?{param.name} needs an absolute IRI, got {text!r}")
        from ..ontology import iri
        try:
            return ox.NamedNode(iri.entity(param.segment, text))
        except ValueError as exc:
            raise ParameterError(f"?{param.name}: {exc}") from None
    if param.kind == "literal":
        return ox.Literal(str(value))
    if param.kind == "boolean":
        text = str(value).strip().lower()
        if text not in ("true", "false", "1", "0"):
            raise ParameterError(f"?{param.name} must be true or false, got {value!r}")
        return ox.Literal("true" if text in ("true", "1") else "false", datatype=ox.NamedNode(XSD + "boolean"))
    checks = {"integer": r"^[+-]?\d+$", "decimal": r"^[+-]?(\d+(\.\d*)?|\.\d+)$", "year": r"^-?\d{4,}$"}
    text = str(value).strip()
    if not re.match(checks[param.kind], text):
        raise ParameterError(f"?{param.name} must be {'a' if param.kind != 'integer' else 'an'} {param.kind}, "
                             f"got {value!r}")
    datatype = {"integer": "integer", "decimal": "decimal", "year": "gYear"}[param.kind]
    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))


def bind(query: CannedQuery, values: Mapping[str, object] | None = None) -> dict[str, ox.NamedNode | ox.Literal]:
    """Checked substitutions ``{variable name: term}`` for ``values`` (empty values are left out)."""
    values = {k.lstrip("?$"): v for k, v in (values or {}).items() if v is not None and v != ""}
    out = {}
    for key, value in values.items():
        out[key] = to_term(query.parameter(key), value)
    missing = [p.name for p in query.parameters if p.required and p.name not in out]
    if missing:
        raise ParameterError(f"query {query.name!r} needs " + ", ".join(f"?{m}" for m in missing))
    return out


def term_value(term: ox.NamedNode | ox.Literal):
    """A term as a plain value, the way the property graph stores it: an IRI as its string, a literal
    converted like :func:`nqikg.queries.property_graph.literal_value` (integer/gYear -> int,
    decimal -> float, boolean -> bool, anything else -> its lexical form)."""
    if isinstance(term, ox.NamedNode):
        return term.value
    from .property_graph import literal_value
    return literal_value(term)


def cypher_parameters(query: CannedQuery, values: Mapping[str, object] | None = None) -> dict[str, object]:
    """Checked Cypher parameters for ``values``: every declared parameter (``None`` when left out, so an
    optional ``$name IS NULL`` test works), an iri-kind value minted into its IRI string like for SPARQL."""
    terms = bind(query, values)
    out: dict[str, object] = {p.name: None for p in query.parameters}
    out.update({k: term_value(t) for k, t in terms.items()})
    return out


_TOKENS = re.compile(r'''"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
                     r'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n]*'''
                     r'''|(?P<where>\bWHERE\s*\{)''', re.I | re.S)


def render(query: CannedQuery, values: Mapping[str, object] | None = None) -> str:
    """The query text with the bound values inlined as ``VALUES`` at the start of its WHERE clause."""
    terms = bind(query, values)
    if not terms:
        return query.text
    for m in _TOKENS.finditer(query.text):
        if m.group("where"):
            names_ = " ".join(f"?{k}" for k in terms)
            row = " ".join(str(t) for t in terms.values())    # N-Triples syntax, escaped by pyoxigraph
            block = f"\n  VALUES ({names_}) {{ ({row}) }}"
            return query.text[:m.end()] + block + query.text[m.end():]
    raise ValueError(f"{query.path.name}: no WHERE {{ to attach parameters to")


def run(service, name: str, values: Mapping[str, object] | None = None, accept: str | None = None, **options):
    """Run a canned query with parameters bound.

    ``service`` is a :class:`nqikg.queries.sparql.SparqlService` (time-limited,
    returns ``QueryResult``) or an open ``pyoxigraph.Store`` (in-process,
    returns an :class:`nqikg.queries.sparql.Answer`).
    """
    from .sparql import execute
    query = load(name)      # the SPARQL one (.rq)
    substitutions = bind(query, values)
    if isinstance(service, ox.Store):
        return execute(service, query.text, accept, substitutions=substitutions, **options)
    return service.query(query.text, accept, substitutions=substitutions, **options)

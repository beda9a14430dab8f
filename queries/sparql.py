"""Read-only SPARQL over the live store, under a time limit and a result-size limit.

pyoxigraph has no query timeout and a Python thread cannot be killed, so queries
run in a small pool of worker *processes* (``python -m nqikg.queries.sparql
--worker``, talking over a socket with ``multiprocessing.connection``). Each worker opens the live store generation read-only (and reopens
it when a build publishes a new one), evaluates one query at a time and sends
back the serialised result. When a query overruns its time limit the worker is
killed and a fresh one takes its place; requests served by the other workers
carry on meanwhile.

>>> with SparqlService("nqikg-data/store", timeout=30, max_results=10_000) as sparql:
...     media_type, body = sparql.query("SELECT * WHERE { ?s ?p ?o } LIMIT 3", "text/csv")

Updates are refused (:class:`QueryRefused`), as are federated ``SERVICE``
calls (they would let a query make the server fetch arbitrary URLs). Results
stop after ``max_results`` rows (or triples); the result then says
``truncated``. :func:`execute` is the same evaluation in-process, without the
time limit, for the CLI and for tests.
"""
from __future__ import annotations

import json
import logging
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Mapping

import pyoxigraph as ox

from ..ontology.namespaces import PREFIXES as NAMESPACES
from ..ontology.namespaces import RDF, XSD
from .store import StoreNotFound, current_generation

log = logging.getLogger("nqikg.sparql")

XSD_STRING = XSD + "string"
RDF_LANGSTRING = RDF + "langString"

#: Prefixes every query may use without declaring them (explicit PREFIX lines take precedence).
PREFIXES: dict[str, str] = {**NAMESPACES, "foaf": "http://xmlns.com/foaf/0.1/"}

DEFAULT_MAX_BYTES = 256 * 1024 * 1024


# ---------------------------------------------------------------- errors

class SparqlError(Exception):
    """A query could not be answered; ``status`` is the HTTP status that fits."""
    status = 500


class QuerySyntaxError(SparqlError):
    """The text is not a SPARQL query (the message is the parser's)."""
    status = 400


class QueryRefused(SparqlError):
    """An update operation or a federated SERVICE call: this endpoint only reads."""
    status = 403


class QueryTimeout(SparqlError):
    """The query ran past the time limit; its worker was killed."""
    status = 503


class ServiceBusy(SparqlError):
    """Every worker stayed busy until the time limit."""
    status = 503


class ResultTooLarge(SparqlError):
    """The serialised result is over the byte limit (or over the row limit with ``strict=True``)."""
    status = 413


class NotAcceptable(SparqlError):
    """No result format the client accepts fits this kind of query."""
    status = 406


class WorkerFailed(SparqlError):
    """A worker process died while answering (it has been replaced)."""
    status = 500


_ERRORS = {cls.__name__: cls for cls in
           (SparqlError, QuerySyntaxError, QueryRefused, QueryTimeout, ServiceBusy, ResultTooLarge,
            NotAcceptable, WorkerFailed)}


# ---------------------------------------------------------------- read-only check

# strings, IRIs and comments, removed before looking for keywords
_SKIP = re.compile(r'''"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
                   r'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n]*''', re.S)
_UPDATE = re.compile(r"(?<![\w?$:@.-])(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)(?![\w:-])", re.I)
_SERVICE = re.compile(r"(?<![\w?$:@.-])SERVICE(?![\w:-])", re.I)


def strip_lexical(text: str) -> str:
    """``text`` with string literals, IRIs and comments blanked out."""
    return _SKIP.sub(" ", text)


def check_read_only(text: str) -> None:
    """Raise :class:`QueryRefused` for SPARQL Update operations and SERVICE calls."""
    bare = strip_lexical(text)
    m = _UPDATE.search(bare)
    if m:
        raise QueryRefused(f"SPARQL Update ({m.group(1).upper()}) is not accepted: this endpoint is read-only; "
                           "the graph changes only through 'nqikg build'")
    if _SERVICE.search(bare):
        raise QueryRefused("federated queries (SERVICE) are disabled on this endpoint")


# ---------------------------------------------------------------- content negotiation

SOLUTION_TYPES: dict[str, tuple[str, ox.QueryResultsFormat]] = {
    # media type asked -> (media type answered, format); the first is the default
    "application/sparql-results+json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "application/json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "application/sparql-results+xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "application/xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "text/xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "text/csv": ("text/csv; charset=utf-8", ox.QueryResultsFormat.CSV),
    "text/tab-separated-values": ("text/tab-separated-values; charset=utf-8", ox.QueryResultsFormat.TSV),
}
GRAPH_TYPES: dict[str, tuple[str, ox.RdfFormat]] = {
    "text/turtle": ("text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
    "application/x-turtle": ("text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
    "application/n-triples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "text/plain": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "application/ld+json": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "application/json": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "application/rdf+xml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    "application/xml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    "text/xml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
#: short names accepted in a ``format=`` request parameter
FORMAT_NAMES: dict[str, str] = {
    "json": "application/json", "srj": "application/sparql-results+json",
    "xml": "application/xml", "srx": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
    "turtle": "text/turtle", "ttl": "text/turtle", "nt": "application/n-triples",
    "ntriples": "application/n-triples", "n-triples": "application/n-triples",
    "jsonld": "application/ld+json", "json-ld": "application/ld+json",
    "rdf": "application/rdf+xml", "rdfxml": "application/rdf+xml", "rdf+xml": "application/rdf+xml",
}


def parse_accept(accept: str | None) -> list[str]:
    """Media ranges of an Accept header, best first: by q, then specific types before wildcards,
    then in the order given (q=0 dropped)."""
    ranges = []
    for n, part in enumerate((accept or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append((-q, "*" in media, n, media))
    return [media for *_, media in sorted(ranges)]


def negotiate(accept: str | None, kind: str):
    """(media type, pyoxigraph format) for a result of ``kind`` ("solutions", "boolean" or "graph")."""
    table = GRAPH_TYPES if kind == "graph" else SOLUTION_TYPES
    ranges = parse_accept(accept)
    if not ranges:
        return next(iter(table.values()))
    for media in ranges:
        if media in table:
            return table[media]
        if media == "*/*" or media == "*":
            return next(iter(table.values()))
        if media.endswith("/*"):
            major = media[:-1]
            for asked, answer in table.items():
                if asked.startswith(major):
                    return answer
    offered = ", ".join(dict.fromkeys(t.split(";")[0] for t, _ in table.values()))
    what = "a graph (CONSTRUCT/DESCRIBE)" if kind == "graph" else "solutions (SELECT/ASK)"
    raise NotAcceptable(f"cannot answer {what} as {accept!r}; available: {offered}")


def accept_for_format(name: str) -> str:
    """The media type of a ``format=`` short name (or the value itself when it is a media type)."""
    value = name.strip().lower()
    if "/" in value:
        return value
    try:
        return FORMAT_NAMES[value]
    except KeyError:
        raise NotAcceptable(f"unknown format {name!r}; use one of {', '.join(FORMAT_NAMES)} or a media type") from None


# ---------------------------------------------------------------- evaluation (runs in a worker)

def _term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (XSD_STRING, RDF_LANGSTRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    raise TypeError(f"unexpected term {term!r}")


@dataclass
class Answer:
    """A serialised result."""
    media_type: str
    body: bytes
    kind: str            # "solutions", "boolean" or "graph"
    count: int           # rows or triples in the body
    truncated: bool      # stopped at the row limit


def _convert_substitutions(substitutions: Mapping | None) -> dict | None:
    if not substitutions:
        return None
    out = {}
    for name, term in substitutions.items():
        var = name if isinstance(name, ox.Variable) else ox.Variable(str(name).lstrip("?$"))
        out[var] = term
    return out


def execute(store: ox.Store, text: str, accept: str | None = None, *, max_results: int = 10_000,
            max_bytes: int = DEFAULT_MAX_BYTES, substitutions: Mapping | None = None,
            strict: bool = False) -> Answer:
    """Evaluate a read-only query on ``store`` (no time limit) and serialise it for ``accept``."""
    check_read_only(text)
    try:
        result = store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES,
                             substitutions=_convert_substitutions(substitutions))
    except SyntaxError as exc:
        raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from None
    except OSError as exc:
        raise SparqlError(f"query failed: {exc}") from None

    def limit_reached() -> None:
        if strict:
            raise ResultTooLarge(f"the result has more than {max_results} rows; add a LIMIT or narrow the query")

    try:
        if isinstance(result, ox.QueryBoolean):
            media_type, fmt = negotiate(accept, "boolean")
            answer = Answer(media_type, result.serialize(format=fmt), "boolean", 1, False)
        elif isinstance(result, ox.QuerySolutions):
            media_type, fmt = negotiate(accept, "solutions")
            names = [v.value for v in result.variables]
            rows, truncated = [], False
            for solution in result:
                if len(rows) >= max_results:
                    truncated = True
                    limit_reached()
                    break
                row = {}
                for i, name in enumerate(names):
                    term = solution[i]
                    if term is not None:
                        row[name] = _term_json(term)
                rows.append(row)
            body = json.dumps({"head": {"vars": names}, "results": {"bindings": rows}},
                              ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            if fmt != ox.QueryResultsFormat.JSON:
                body = ox.parse_query_results(body, ox.QueryResultsFormat.JSON).serialize(format=fmt)
            answer = Answer(media_type, body, "solutions", len(rows), truncated)
        else:
            media_type, fmt = negotiate(accept, "graph")
            triples, truncated = [], False
            for triple in result:
                if len(triples) >= max_results:
                    truncated = True
                    limit_reached()
                    break
                triples.append(triple)
            prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
            body = ox.serialize(triples, format=fmt, prefixes=prefixes)
            answer = Answer(media_type, body, "graph", len(triples), truncated)
    except SyntaxError as exc:       # raised lazily by some parser paths
        raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from None
    except OSError as exc:
        raise SparqlError(f"query failed: {exc}") from None
    if len(answer.body) > max_bytes:
        raise ResultTooLarge(f"the result is {len(answer.body)} bytes, over the limit of {max_bytes}; "
                             "add a LIMIT or select fewer variables")
    return answer


class _Generations:
    """The worker's read-only handle on the live generation, reopened when ``CURRENT`` changes."""

    def __init__(self, store_dir: str):
        self.store_dir = Path(store_dir)
        self.path: Path | None = None
        self.store: ox.Store | None = None

    def get(self) -> ox.Store:
        path = current_generation(self.store_dir)
        if path != self.path or self.store is None:
            self.store = None
            self.store = ox.Store.read_only(str(path))
            self.path = path
        return self.store


def _watch_parent(parent_pid: int) -> None:
    """Exit when the process that started the pool is gone (its replies would go nowhere)."""
    while True:
        time.sleep(1.0)
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass


def _worker_main(conn, store_dir: str, parent_pid: int) -> None:
    """Loop of a worker process: one request in, one reply out, until ``None`` or EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the server's to handle
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    live = _Generations(store_dir)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        text, accept, options = request
        try:
            answer = execute(live.get(), text, accept, **options)
            reply = ("ok", answer.media_type, answer.body, answer.kind, answer.count, answer.truncated)
        except SparqlError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        except StoreNotFound as exc:
            reply = ("error", "StoreNotFound", str(exc))
        except Exception as exc:     # report, keep serving
            reply = ("error", "SparqlError", f"query failed: {type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


# ---------------------------------------------------------------- the pool (runs in the server)

class QueryResult(tuple):
    """``(media_type, body)``, with ``kind``, ``count``, ``truncated`` and ``elapsed`` (seconds) attached."""

    def __new__(cls, media_type: str, body: bytes, *, kind: str = "solutions", count: int = 0,
                truncated: bool = False, elapsed: float = 0.0):
        self = super().__new__(cls, (media_type, body))
        self.kind, self.count, self.truncated, self.elapsed = kind, count, truncated, elapsed
        return self

    @property
    def media_type(self) -> str:
        return self[0]

    @property
    def body(self) -> bytes:
        return self[1]


class _Worker:
    """One worker process (``python -m nqikg.queries.sparql --worker``) and its socket.

    A plain subprocess rather than ``multiprocessing.Process``: it needs nothing
    from the parent, so it does not re-import the server's ``__main__`` (which
    fails for ``<stdin>`` and runs unguarded scripts again), and it lives in its
    own session so a terminal's Ctrl-C reaches only the server, which then stops it.
    """

    def __init__(self, store_dir: Path):
        parent_sock, child_sock = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "nqikg.queries.sparql", "--worker", str(child_sock.fileno()),
                 str(store_dir), str(os.getpid())],
                pass_fds=(child_sock.fileno(),), stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        except BaseException:
            parent_sock.close()
            raise
        finally:
            child_sock.close()
        self.conn = Connection(parent_sock.detach())
        self.busy = False

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        finally:
            self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
            self.process.wait(2)
            self.conn.close()
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.kill()


class SparqlService:
    """A pool of query worker processes on a store folder (follows its live generation).

    ``query(text, accept)`` is thread-safe and blocking; call it from a worker
    thread in async code. ``timeout`` covers waiting for a free worker and
    evaluating; a query that overruns it has its worker killed and replaced.
    """

    def __init__(self, store_dir: Path | str, *, timeout: float = 30.0, max_results: int = 10_000,
                 workers: int = 2, max_bytes: int = DEFAULT_MAX_BYTES):
        self.store_dir = Path(store_dir)
        self.timeout = float(timeout)
        self.max_results = int(max_results)
        self.max_bytes = int(max_bytes)
        self.size = max(1, int(workers))
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self.timeouts = 0           # queries cut off so far

    # lifecycle
    def start(self) -> "SparqlService":
        with self._lock:
            if self._started:
                return self
            self._started, self._closed = True, False
            for _ in range(self.size):
                self._idle.put(self._spawn_locked())
        log.info("SPARQL pool: %d workers on %s, %g s limit, %d rows max", self.size,
                 self.store_dir, self.timeout, self.max_results)
        return self

    def close(self) -> None:
        with self._lock:
            self._closed, self._started = True, False
            workers, self._all = list(self._all), set()
        while True:
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break
        for worker in workers:
            if worker.alive():
                worker.stop() if not worker.busy else worker.kill()

    def __enter__(self) -> "SparqlService":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def _spawn_locked(self) -> _Worker:
        worker = _Worker(self.store_dir)
        self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return
            self._idle.put(self._spawn_locked())

    # queries
    def query(self, text: str, accept: str | None = None, *, timeout: float | None = None,
              max_results: int | None = None, substitutions: Mapping | None = None,
              strict: bool = False) -> QueryResult:
        """Answer ``text`` as ``(media_type, body)`` within the time limit, or raise a :class:`SparqlError`."""
        check_read_only(text)          # refuse before using a worker
        if not self._started:
            self.start()
        limit = self.timeout if timeout is None else float(timeout)
        started = time.monotonic()
        deadline = started + limit
        try:
            worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise ServiceBusy(f"all {self.size} query workers stayed busy for {limit:g} s; retry later") from None
        if not worker.alive():          # died between queries: replace it
            self._replace(worker)
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise ServiceBusy(f"no query worker available within {limit:g} s; retry later") from None
        options = {"max_results": self.max_results if max_results is None else int(max_results),
                   "max_bytes": self.max_bytes, "substitutions": substitutions, "strict": strict}
        worker.busy = True
        try:
            worker.conn.send((text, accept, options))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self.timeouts += 1
                self._replace(worker)
                worker = None
                raise QueryTimeout(f"query exceeded the {limit:g} s time limit and was stopped; "
                                   "narrow it (LIMIT, more specific patterns) and try again")
            reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            if worker is not None:
                self._replace(worker)
                worker = None
            raise WorkerFailed(f"the query worker died while answering ({type(exc).__name__}); "
                               "the query may need too much memory") from None
        finally:
            if worker is not None:
                worker.busy = False
                if self._closed:
                    worker.stop()
                else:
                    self._idle.put(worker)
        elapsed = time.monotonic() - started
        if reply[0] == "ok":
            _, media_type, body, kind, count, truncated = reply
            return QueryResult(media_type, body, kind=kind, count=count, truncated=truncated, elapsed=elapsed)
        _, name, message = reply
        if name == "StoreNotFound":
            raise StoreNotFound(message)
        raise _ERRORS.get(name, SparqlError)(message)



def _worker_entry(argv: list[str]) -> None:
    """``python -m nqikg.queries.sparql --worker FD STORE_DIR PARENT_PID``."""
    fd, store_dir, parent_pid = int(argv[1]), argv[2], int(argv[3])
    _worker_main(Connection(fd), store_dir, parent_pid)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        _worker_entry(sys.argv[1:])
    else:
        sys.exit("usage: python -m nqikg.queries.sparql --worker FD STORE_DIR PARENT_PID (started by SparqlService)")

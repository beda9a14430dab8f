"""Cypher over Bolt: the embedded ArcadeDB Bolt server, the property-graph loader, read-only queries.

- :class:`EmbeddedBolt` runs ArcadeDB (``arcadedb-embedded``: the engine and a
  JRE in the wheel, the JVM inside this process) with its Bolt plugin, bound to
  127.0.0.1 on a configurable port (``NQIKG_BOLT_PORT``, default 7687). The
  official ``neo4j`` driver talks to it (the plugin reports Neo4j 5.26).
  Clients log in as ``NQIKG_BOLT_USER`` (default ``nqikg``) with
  ``NQIKG_BOLT_PASSWORD``; without a configured password a random one is made
  at each start and printed. That account is *read-only* inside ArcadeDB (a
  security group with ``readRecord`` only); the loader writes as ``root`` with
  a random password that never leaves the process.
- :func:`load` pushes a :class:`~nqikg.queries.property_graph.PropertyGraph`
  through any Bolt driver (the embedded server or a Neo4j 5): the uniqueness
  constraint on ``(:Resource {id})`` first, then batched ``UNWIND … MERGE``.
- :func:`push_to_configured` is the ``nqikg neo4j push`` command: the live
  store's projection into ``NQIKG_NEO4J_URI`` (or a throw-away embedded server).
- :func:`run_read` runs one read query with a time limit and a row cap. Write
  clauses are refused before anything is sent (:func:`check_read_only`),
  because ArcadeDB accepts writes inside READ transactions.
- :class:`CypherService` is what the API holds: the embedded server (or an
  external Neo4j), the projection of the live store, reloaded when a build
  publishes a new generation.
"""
from __future__ import annotations

import atexit
import base64
import json
import logging
import math
import os
import re
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import neo4j
from neo4j import exceptions as neo4j_errors

from . import property_graph as pg
from .store import StoreNotFound, current_generation

log = logging.getLogger("nqikg.bolt")

DEFAULT_PORT = 7687
DEFAULT_USER = "nqikg"
DEFAULT_HOST = "127.0.0.1"
DATABASE_PREFIX = "nqikg"
READER_GROUP = "reader"
BATCH_SIZE = 2000


# ---------------------------------------------------------------- errors

class CypherError(Exception):
    """A query the service will not or could not run; ``status`` is the HTTP status to answer with."""
    status = 400


class WriteQueryRefused(CypherError):
    status = 400


class CypherSyntaxError(CypherError):
    status = 400


class QueryTimeout(CypherError):
    status = 504


class BoltUnavailable(CypherError):
    status = 503


class QueryFailed(CypherError):
    status = 400


# ---------------------------------------------------------------- read-only guard

_WRITE_WORDS = {"CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "FOREACH", "ALTER", "RENAME",
                "GRANT", "DENY", "REVOKE", "TERMINATE", "DEALLOCATE", "REALLOCATE", "INSERT"}
_WRITE_PAIRS = {("LOAD", "CSV"), ("START", "DATABASE"), ("STOP", "DATABASE"), ("ENABLE", "SERVER"),
                ("USING", "PERIODIC")}
_WRITE_PROC_PARTS = ("create", "merge", "delete", "drop", "set", "remove", "write", "mutate", "refactor",
                     "periodic", "load", "trigger", "import", "export", "run", "do", "rebuild", "rename", "clear",
                     "upsert", "insert", "update", "kill", "terminate", "execute")


@dataclass(frozen=True)
class Token:
    kind: str  # word | punct | string | param
    text: str
    pos: int


def tokenize(query: str) -> list[Token]:
    """Words, parameters and punctuation of a Cypher query; string literals, backticked names and comments
    become single opaque tokens (or vanish), so a keyword inside them is never seen as a clause."""
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif query.startswith("//", i):
            j = query.find("\n", i)
            i = n if j < 0 else j + 1
        elif query.startswith("/*", i):
            j = query.find("*/", i + 2)
            if j < 0:
                raise CypherSyntaxError("unterminated /* comment")
            i = j + 2
        elif c in "'\"`":
            j = i + 1
            while j < n and query[j] != c:
                j += 2 if query[j] == "\\" and c != "`" else 1
            if j >= n:
                raise CypherSyntaxError(f"unterminated {'identifier' if c == '`' else 'string'} starting at {i}")
            if c == "`" and j + 1 < n and query[j + 1] == "`":  # `` escapes a backtick
                j += 1
                while j < n and query[j] != "`":
                    j += 1
            tokens.append(Token("name" if c == "`" else "string", query[i:j + 1], i))
            i = j + 1
        elif c == "$":
            j = i + 1
            while j < n and (query[j].isalnum() or query[j] == "_"):
                j += 1
            tokens.append(Token("param", query[i:j], i))
            i = j
        elif c.isalpha() or c == "_":
            j = i + 1
            while j < n and (query[j].isalnum() or query[j] == "_"):
                j += 1
            tokens.append(Token("word", query[i:j], i))
            i = j
        elif c.isdigit():
            j = i + 1
            while j < n and (query[j].isalnum() or query[j] in "._"):
                j += 1
            tokens.append(Token("number", query[i:j], i))
            i = j
        else:
            tokens.append(Token("punct", c, i))
            i += 1
    return tokens


def check_read_only(query: str) -> str:
    """The query (one statement, trailing ';' removed) if it only reads; raises WriteQueryRefused naming the
    offending clause otherwise. Property names (``n.set``), labels (``:Create``), map keys
    (``{merge: 1}``), parameters and the contents of strings and comments are not clauses."""
    if not query or not query.strip():
        raise CypherSyntaxError("the query is empty")
    tokens = tokenize(query)
    semis = [t for t in tokens if t.kind == "punct" and t.text == ";"]
    if semis:
        if semis[-1] is tokens[-1] and len(semis) == 1:
            query = query[:semis[0].pos]
            tokens = tokens[:-1]
        else:
            raise WriteQueryRefused("only one statement per request: remove the ';' between statements")
    for k, tok in enumerate(tokens):
        if tok.kind != "word":
            continue
        prev = tokens[k - 1] if k else None
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if prev is not None and prev.kind == "punct" and prev.text in (".", ":"):
            continue  # property access or label
        if nxt is not None and nxt.kind == "punct" and nxt.text == ":" and prev is not None \
                and prev.kind == "punct" and prev.text in ("{", ","):
            continue  # map key
        word = tok.text.upper()
        if word in _WRITE_WORDS:
            raise WriteQueryRefused(f"{word} at offset {tok.pos}: this endpoint runs read-only queries; "
                                    "the graph is a projection of the RDF store, change the sources and rebuild")
        if nxt is not None and nxt.kind == "word" and (word, nxt.text.upper()) in _WRITE_PAIRS:
            raise WriteQueryRefused(f"{word} {nxt.text.upper()} at offset {tok.pos}: not allowed on this "
                                    "read-only endpoint")
        if word == "CALL" and nxt is not None and nxt.kind in ("word", "name"):
            name, j = [], k + 1
            while j < len(tokens) and tokens[j].kind in ("word", "name"):
                name.append(tokens[j].text.strip("`"))
                if j + 1 < len(tokens) and tokens[j + 1].text == ".":
                    j += 2
                else:
                    break
            _check_procedure(".".join(name), tok.pos)
    return query


def _check_procedure(name: str, pos: int) -> None:
    lowered = name.lower()
    parts = re.split(r"[.]", lowered)
    bad = lowered.startswith("dbms.") or any(
        part.startswith(w) for part in parts[1:] for w in _WRITE_PROC_PARTS) or (
        len(parts) > 1 and parts[0] in ("apoc", "gds") and parts[1] not in ("meta", "text", "coll", "map",
                                                                            "convert", "math", "path", "date",
                                                                            "temporal", "number", "util", "label",
                                                                            "node", "nodes", "rel", "agg",
                                                                            "graph", "algo", "spatial", "help",
                                                                            "version", "any", "neighbors"))
    if bad:
        raise WriteQueryRefused(f"CALL {name} at offset {pos}: procedures that write or administer the "
                                "database are not allowed on this read-only endpoint")


# ---------------------------------------------------------------- values

def to_jsonable(value: Any) -> Any:
    """A neo4j driver value as plain JSON: nodes, relationships and paths become dicts."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, neo4j.graph.Node):
        props = {k: to_jsonable(v) for k, v in value.items()}
        return {"id": props.get("id", value.element_id), "element_id": value.element_id,
                "labels": sorted(value.labels), "properties": props}
    if isinstance(value, neo4j.graph.Relationship):
        start, end = value.start_node, value.end_node
        return {"element_id": value.element_id, "type": value.type,
                "start": (start.get("id") if start is not None else None) or (start.element_id if start else None),
                "end": (end.get("id") if end is not None else None) or (end.element_id if end else None),
                "properties": {k: to_jsonable(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Path):
        return {"nodes": [to_jsonable(n) for n in value.nodes],
                "relationships": [to_jsonable(r) for r in value.relationships]}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "srid") and hasattr(value, "__iter__"):
        return {"srid": value.srid, "coordinates": list(value)}
    return str(value)


class QueryResult(tuple):
    """``(columns, rows)``; ``truncated`` tells whether rows were cut at ``max_rows``."""

    def __new__(cls, columns: list[str], rows: list[list], truncated: bool = False, elapsed: float = 0.0):
        self = super().__new__(cls, (columns, rows))
        self.truncated = truncated
        self.elapsed = elapsed
        return self

    @property
    def columns(self) -> list[str]:
        return self[0]

    @property
    def rows(self) -> list[list]:
        return self[1]


# ---------------------------------------------------------------- read-only execution

def _classify(exc: Exception) -> CypherError:
    code = getattr(exc, "code", None) or ""
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired)):
        return BoltUnavailable(f"the Bolt server is not reachable: {message}")
    if isinstance(exc, neo4j_errors.AuthError):
        return BoltUnavailable(f"the Bolt server refused the configured credentials: {message}")
    if "TimedOut" in code or "Timeout" in code or "timeout" in message.lower() and "exceeded" in message.lower():
        return QueryTimeout(f"the query ran longer than the time limit and was stopped: {message}")
    if isinstance(exc, neo4j_errors.CypherSyntaxError) or "SyntaxError" in code:
        return CypherSyntaxError(f"Cypher syntax error: {message}")
    if "Security.Forbidden" in code:
        return WriteQueryRefused(f"refused by the database (read-only account): {message}")
    if isinstance(exc, neo4j_errors.ClientError):
        return QueryFailed(f"the query failed: {message}")
    if isinstance(exc, neo4j_errors.DatabaseError) and re.search(r"unknown (procedure|function)", message, re.I):
        return QueryFailed(f"the query failed: {message}")
    error = QueryFailed(f"the database could not run the query: {message}")
    error.status = 500
    return error


def run_read(driver: neo4j.Driver, query: str, parameters: dict | None = None, timeout: float = 30.0,
             max_rows: int = 10000, database: str | None = None) -> QueryResult:
    """Run one read-only query in a READ transaction; returns ``(columns, rows)`` with JSON-able values.

    Raises WriteQueryRefused / CypherSyntaxError before sending anything when the query writes or does not
    tokenise, QueryTimeout when it runs past ``timeout`` seconds, BoltUnavailable when the server is down,
    QueryFailed for other query errors. At most ``max_rows`` rows are returned (``result.truncated``).
    """
    query = check_read_only(query)
    if parameters is not None and not isinstance(parameters, dict):
        raise QueryFailed("parameters must be a JSON object")
    started = time.perf_counter()

    @neo4j.unit_of_work(timeout=timeout)
    def work(tx):
        result = tx.run(query, parameters or {})
        columns = list(result.keys())
        rows, truncated = [], False
        for record in result:
            if len(rows) >= max_rows:
                truncated = True
                break
            rows.append([to_jsonable(v) for v in record.values()])
            if time.perf_counter() - started > timeout:
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
        return columns, rows, truncated

    try:
        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS,
                            fetch_size=min(max_rows + 1, 1000)) as session:
            columns, rows, truncated = session.execute_read(work)
    except CypherError:
        raise
    except neo4j_errors.Neo4jError as exc:
        raise _classify(exc) from exc
    except neo4j_errors.DriverError as exc:
        raise _classify(exc) from exc
    except OSError as exc:
        raise BoltUnavailable(f"the Bolt server is not reachable: {exc}") from exc
    return QueryResult(columns, rows, truncated, time.perf_counter() - started)


# ---------------------------------------------------------------- loader

@dataclass
class LoadReport:
    nodes: int = 0
    relationships: int = 0
    seconds: float = 0.0
    schema: str = ""
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"loaded {self.nodes} nodes and {self.relationships} relationships in {self.seconds:.1f} s"
                f" ({self.schema})")


def ensure_schema(driver: neo4j.Driver, database: str | None = None, say: Callable[[str], None] = log.info) -> str:
    """The uniqueness constraint on ``(:Resource {id})``, else a plain index, else a clear warning."""
    attempts = (("uniqueness constraint on :Resource(id)", pg.constraint_statement()),
                ("index on :Resource(id)", pg.index_statement()))
    errors = []
    for what, statement in attempts:
        try:
            with driver.session(database=database) as session:
                session.run(statement).consume()
            return what
        except neo4j_errors.Neo4jError as exc:
            errors.append(f"{what}: {getattr(exc, 'message', None) or exc}")
    message = ("this server supports neither a uniqueness constraint nor an index on :Resource(id) through "
               "Cypher; loading will work but MERGE will scan (" + "; ".join(errors) + ")")
    say(message)
    return "no index: " + message


def clear(driver: neo4j.Driver, database: str | None = None, batch: int = 10000) -> int:
    """Delete every ``:Resource`` node (the previous projection) and its relationships, in batches."""
    removed = 0
    while True:
        with driver.session(database=database) as session:
            count = session.execute_write(lambda tx: tx.run(
                f"MATCH (n:{pg.RESOURCE_LABEL}) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS c",
                batch=batch).single()["c"])
        removed += count
        if count < batch:
            return removed


def load(driver: neo4j.Driver, nodes: Iterable[pg.Node], rels: Iterable[pg.Relationship],
         database: str | None = None, *, batch_size: int = BATCH_SIZE, replace: bool = True,
         fresh: bool = False, say: Callable[[str], None] | None = None) -> LoadReport:
    """Load a projection through a Bolt driver: schema first, then (``replace``) the previous projection is
    deleted, then nodes and relationships by batched ``UNWIND $rows … MERGE`` (idempotent on ``id``).

    ``fresh`` says the target database is new and empty: ``CREATE`` instead of ``MERGE`` (on ArcadeDB a
    multi-label MERGE costs ~3 ms a node, CREATE six times less); the embedded server loads that way."""
    say = say or log.info
    started = time.perf_counter()
    report = LoadReport()
    nodes, rels = list(nodes), list(rels)
    report.schema = ensure_schema(driver, database, say)
    if replace:
        removed = clear(driver, database)
        if removed:
            say(f"removed the previous projection ({removed} nodes)")

    def write(statement: str, rows: list[dict]) -> list:
        with driver.session(database=database) as session:
            return session.execute_write(lambda tx: [tuple(rec.values()) for rec in tx.run(statement, rows=rows)])

    verb = "CREATE" if fresh else "MERGE"
    element_ids: dict[str, str] = {}
    for labels, rows in pg.node_batches(nodes, batch_size):
        statement = pg.node_merge_statement(labels, verb=verb) + " RETURN r.id AS id, elementId(n) AS eid"
        element_ids.update(write(statement, rows))
        report.nodes += len(rows)
    for rel_type, rows in pg.relationship_batches(rels, batch_size):
        known = [{"start": element_ids[r["start"]], "end": element_ids[r["end"]], "props": r["props"]}
                 for r in rows if r["start"] in element_ids and r["end"] in element_ids]
        if len(known) < len(rows):
            report.warnings.append(f"{len(rows) - len(known)} {rel_type} relationships have an endpoint "
                                   "that is not a node of the projection")
        write(pg.relationship_by_element_id_statement(rel_type, verb=verb), known)
        report.relationships += len(known)
    report.seconds = time.perf_counter() - started
    return report


def count(driver: neo4j.Driver, database: str | None = None) -> tuple[int, int]:
    with driver.session(database=database) as session:
        n = session.run(f"MATCH (n:{pg.RESOURCE_LABEL}) RETURN count(n) AS c").single()["c"]
        r = session.run(f"MATCH (:{pg.RESOURCE_LABEL})-[e]->(:{pg.RESOURCE_LABEL}) RETURN count(e) AS c"
                        ).single()["c"]
    return n, r


# ---------------------------------------------------------------- the embedded server

def _free_port(host: str = DEFAULT_HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.3)
        return s.connect_ex((host, port)) == 0


def _env_port(name: str, default: int | None) -> int | None:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        port = int(value)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a port number") from None
    if not 0 <= port < 65536:
        raise ValueError(f"{name}={value!r} is not a port number")
    return port


_LOG_PROPERTIES = """\
handlers = java.util.logging.FileHandler, java.util.logging.ConsoleHandler
.level = INFO
io.undertow.level = WARNING
org.xnio.level = WARNING
org.jboss.level = WARNING
com.arcadedb.level = INFO
java.util.logging.ConsoleHandler.level = SEVERE
java.util.logging.ConsoleHandler.formatter = com.arcadedb.utility.AnsiLogFormatter
java.util.logging.FileHandler.level = INFO
java.util.logging.FileHandler.pattern = {pattern}
java.util.logging.FileHandler.formatter = com.arcadedb.log.LogFormatter
java.util.logging.FileHandler.limit = 20000000
java.util.logging.FileHandler.count = 3
"""


def log_dir() -> Path:
    """Where the JVM's ArcadeDB log goes (``NQIKG_BOLT_LOG_DIR``, default a folder under the temp dir)."""
    path = Path(os.environ.get("NQIKG_BOLT_LOG_DIR") or Path(tempfile.gettempdir()) / f"nqikg-arcadedb-{os.getuid()}")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _start_jvm() -> None:
    """Start the in-process JVM once, with ArcadeDB's log in :func:`log_dir` instead of ./log and the console."""
    import jpype
    from arcadedb_embedded.jvm import start_jvm

    if jpype.isJVMStarted():
        start_jvm()
        return
    folder = log_dir()
    props = folder / "logging.properties"
    props.write_text(_LOG_PROPERTIES.format(pattern=str(folder / "arcadedb-%u.log")), encoding="utf-8")
    os.environ.setdefault("ARCADEDB_JVM_ERROR_FILE", str(folder / "hs_err_pid%p.log"))
    heap = os.environ.get("NQIKG_BOLT_HEAP", "1g")
    # -Xrs: SIGTERM/SIGINT stay with Python (uvicorn's graceful shutdown stops the server), not the JVM
    start_jvm(heap_size=heap, jvm_args=[f"-Djava.util.logging.config.file={props}", "-Xrs"])


def _groups_json() -> str:
    """ArcadeDB's security groups: the defaults plus a read-only group for the Bolt account."""
    all_access = ["createRecord", "readRecord", "updateRecord", "deleteRecord"]
    groups = {
        "admin": {"resultSetLimit": -1, "readTimeout": -1,
                  "access": ["updateSecurity", "updateSchema", "updateDatabaseSettings"],
                  "types": {"*": {"access": all_access}}},
        READER_GROUP: {"resultSetLimit": -1, "readTimeout": -1, "access": [],
                       "types": {"*": {"access": ["readRecord"]}}},
        "*": {"resultSetLimit": -1, "readTimeout": -1, "access": [], "types": {"*": {"access": []}}},
    }
    return json.dumps({"databases": {"*": {"groups": groups}}, "version": 2}, indent=2)


class EmbeddedBolt:
    """ArcadeDB with its Bolt plugin, in this process, on 127.0.0.1 only.

    ``with EmbeddedBolt() as bolt: driver = bolt.driver()`` — or ``start()`` / ``stop()``.
    ``uri`` and ``auth`` are what a Neo4j client needs; ``database`` names the database holding the
    current projection (each :meth:`load_graph` fills a new one and switches atomically).
    """

    def __init__(self, port: int | None = None, *, user: str | None = None, password: str | None = None,
                 host: str = DEFAULT_HOST, root_dir: str | Path | None = None, http_port: int | None = None,
                 query_timeout: float | None = None, say: Callable[[str], None] | None = None):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"the embedded Bolt server binds to the loopback interface only, not {host!r}")
        self.host = "127.0.0.1" if host == "localhost" else host
        self.port = port if port is not None else _env_port("NQIKG_BOLT_PORT", DEFAULT_PORT)
        self.http_port = http_port if http_port is not None else _env_port("NQIKG_BOLT_HTTP_PORT", None)
        self.user = user or os.environ.get("NQIKG_BOLT_USER") or DEFAULT_USER
        configured = password if password is not None else os.environ.get("NQIKG_BOLT_PASSWORD")
        if configured is not None and len(configured) < 8:
            raise ValueError("NQIKG_BOLT_PASSWORD must be at least 8 characters long")
        self._configured_password = configured
        self.password: str | None = None
        self._root_password = secrets.token_urlsafe(24)
        self._root_dir_arg = Path(root_dir) if root_dir else None
        self.root_dir: Path | None = None
        self.query_timeout = query_timeout
        self.say = say or (lambda msg: print(msg, file=sys.stderr, flush=True))
        self.database: str | None = None
        self.start_seconds: float | None = None
        self._server = None
        self._drivers: dict[str, neo4j.Driver] = {}
        self._lock = threading.RLock()
        self._db_counter = 0

    # -- lifecycle

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.port}"

    @property
    def auth(self) -> tuple[str, str]:
        if self.password is None:
            raise BoltUnavailable("the embedded Bolt server is not started")
        return (self.user, self.password)

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> "EmbeddedBolt":
        if self._server is not None:
            return self
        started = time.perf_counter()
        if self.user == "root":
            raise ValueError("NQIKG_BOLT_USER must not be 'root' (that account is the loader's)")
        if self.port == 0:
            self.port = _free_port(self.host)
        if _port_in_use(self.host, self.port):
            raise BoltUnavailable(f"cannot start the Bolt server: {self.host}:{self.port} is already in use "
                                  "(set NQIKG_BOLT_PORT to another port)")
        http_port = self.http_port or _free_port(self.host)
        _start_jvm()
        import arcadedb_embedded

        if self._root_dir_arg is not None:
            self._root_dir_arg.mkdir(parents=True, exist_ok=True)
            self.root_dir = Path(tempfile.mkdtemp(prefix="bolt-", dir=self._root_dir_arg))
        else:
            self.root_dir = Path(tempfile.mkdtemp(prefix="nqikg-bolt-"))
        (self.root_dir / "config").mkdir()
        (self.root_dir / "config" / "server-groups.json").write_text(_groups_json(), encoding="utf-8")
        config = {
            "host": self.host, "http_port": http_port,
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": self.port, "bolt_host": self.host,
            "server_logsDirectory": str(log_dir()),
        }
        server = arcadedb_embedded.create_server(str(self.root_dir), self._root_password, config)
        try:
            server.start()
        except Exception as exc:
            shutil.rmtree(self.root_dir, ignore_errors=True)
            raise BoltUnavailable(f"cannot start the embedded Bolt server on {self.uri}: {exc}") from exc
        self._server = server
        atexit.register(self.stop)  # runs before JPype's JVM shutdown (atexit is LIFO)
        try:
            self.password = self._configured_password or secrets.token_urlsafe(18)
            self._create_reader()
            self.database = self._new_database()
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.perf_counter() - started
        shown = self.password if self._configured_password is None else "(from NQIKG_BOLT_PASSWORD)"
        self.say(f"Bolt server listening on {self.uri} (Neo4j 5 protocol, ArcadeDB); user {self.user!r}, "
                 f"password {shown}; read-only account; started in {self.start_seconds:.1f} s")
        return self

    def stop(self) -> None:
        atexit.unregister(self.stop)
        with self._lock:
            for driver in self._drivers.values():
                try:
                    driver.close()
                except Exception:  # noqa: BLE001 - closing on the way out
                    pass
            self._drivers.clear()
            if self._server is not None:
                try:
                    self._server.stop()
                finally:
                    self._server = None
            if self.root_dir is not None:
                shutil.rmtree(self.root_dir, ignore_errors=True)
                self.root_dir = None
            self.database = None

    def __enter__(self) -> "EmbeddedBolt":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- accounts and databases

    def _create_reader(self) -> None:
        import jpype

        security = self._server._java_server.getSecurity()
        JSONObject = jpype.JClass("com.arcadedb.serializer.json.JSONObject")
        encoded = str(security.encodePassword(self.password))
        user = {"name": self.user, "password": encoded, "databases": {"*": [READER_GROUP]}}
        security.createUser(JSONObject(json.dumps(user)))

    def _new_database(self) -> str:
        with self._lock:
            self._db_counter += 1
            name = f"{DATABASE_PREFIX}{self._db_counter}"
            self._server.create_database(name)
            return name

    def _set_timeout(self, name: str, seconds: float | None) -> None:
        """ArcadeDB ignores the Bolt transaction timeout; its per-database command timeout does the job."""
        import jpype

        GlobalConfiguration = jpype.JClass("com.arcadedb.GlobalConfiguration")
        db = self._server._java_server.getDatabase(name)
        millis = 0 if not seconds else max(1, int(seconds * 1000))
        db.getConfiguration().setValue(GlobalConfiguration.COMMAND_TIMEOUT, jpype.JLong(millis))

    def _drop_database(self, name: str) -> None:
        java = self._server._java_server
        try:
            db = java.getDatabase(name)
            embedded = db.getWrappedDatabaseInstance()
            java.removeDatabase(name)
            embedded.drop()
        except Exception as exc:  # noqa: BLE001 - an old projection left on disk is harmless
            log.warning("could not drop the previous projection database %s: %s", name, exc)

    def driver(self, admin: bool = False) -> neo4j.Driver:
        """A driver on this server: the read-only account, or (``admin``) root for loading."""
        if self._server is None:
            raise BoltUnavailable("the embedded Bolt server is not started")
        key = "root" if admin else "reader"
        with self._lock:
            if key not in self._drivers:
                auth = ("root", self._root_password) if admin else self.auth
                self._drivers[key] = neo4j.GraphDatabase.driver(self.uri, auth=auth,
                                                                connection_acquisition_timeout=10.0)
            return self._drivers[key]

    def load_graph(self, graph: pg.PropertyGraph) -> LoadReport:
        """Load ``graph`` into a fresh database, then make it the current one and drop the previous."""
        with self._lock:
            if self._server is None:
                raise BoltUnavailable("the embedded Bolt server is not started")
            previous = self.database
            fresh = previous is not None and self._is_empty(previous)
            target = previous if fresh else self._new_database()
        try:
            report = load(self.driver(admin=True), graph.nodes, graph.relationships, database=target,
                          replace=False, fresh=True, say=self.say)
            self._set_timeout(target, self.query_timeout)
        except BaseException:
            if target != previous:
                self._drop_database(target)
            raise
        with self._lock:
            self.database = target
        if previous is not None and previous != target:
            # queries already running on the previous projection may finish first
            grace = (self.query_timeout or 30.0) + 1.0
            timer = threading.Timer(grace, self._drop_if_running, args=(previous,))
            timer.daemon = True
            timer.start()
        return report

    def _drop_if_running(self, name: str) -> None:
        with self._lock:
            if self._server is not None and name != self.database:
                self._drop_database(name)

    def _is_empty(self, name: str) -> bool:
        with self.driver(admin=True).session(database=name) as session:
            return session.run("MATCH (n) RETURN count(n) AS c").single()["c"] == 0

    def load_store(self, store) -> LoadReport:
        """Project a pyoxigraph store and load it (see :meth:`load_graph`)."""
        return self.load_graph(pg.project(store))


# ---------------------------------------------------------------- external Neo4j

def configured_neo4j() -> tuple[str, tuple[str, str]] | None:
    """``(uri, auth)`` from NQIKG_NEO4J_URI / NQIKG_NEO4J_USER / NQIKG_NEO4J_PASSWORD, or None."""
    uri = os.environ.get("NQIKG_NEO4J_URI")
    if not uri:
        return None
    user = os.environ.get("NQIKG_NEO4J_USER", "neo4j")
    password = os.environ.get("NQIKG_NEO4J_PASSWORD")
    if not password:
        raise ValueError("NQIKG_NEO4J_URI is set but NQIKG_NEO4J_PASSWORD is not")
    return uri, (user, password)


def push_to_configured(store_dir: Path, *, database: str | None = None,
                       say: Callable[[str], None] | None = None) -> LoadReport:
    """``nqikg neo4j push``: project the live store of ``store_dir`` and load it into the Neo4j named by
    NQIKG_NEO4J_URI (+ NQIKG_NEO4J_USER / NQIKG_NEO4J_PASSWORD, database NQIKG_NEO4J_DATABASE),
    replacing the previous projection (every ``:Resource`` node). Without NQIKG_NEO4J_URI the
    projection goes into a throw-away embedded server, which checks that it loads and reports the
    time it takes. Raises StoreNotFound when nothing is built, BoltUnavailable when Neo4j is unreachable."""
    from .store import open_read_only

    say = say or (lambda msg: print(msg, file=sys.stderr, flush=True))
    store = open_read_only(Path(store_dir))
    started = time.perf_counter()
    graph = pg.project(store)
    say(f"projected {len(graph.nodes)} nodes and {len(graph.relationships)} relationships "
        f"in {time.perf_counter() - started:.1f} s")
    target = configured_neo4j()
    if target is None:
        say("NQIKG_NEO4J_URI is not set: loading into a temporary embedded Bolt server instead")
        with EmbeddedBolt(port=0, say=say) as bolt:
            report = bolt.load_graph(graph)
    else:
        uri, auth = target
        database = database or os.environ.get("NQIKG_NEO4J_DATABASE") or None
        with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
            try:
                driver.verify_connectivity()
            except (neo4j_errors.ServiceUnavailable, neo4j_errors.AuthError, OSError) as exc:
                raise BoltUnavailable(f"cannot reach Neo4j at {uri}: {exc}") from exc
            report = load(driver, graph.nodes, graph.relationships, database=database, say=say)
        say(f"{report} into {uri}")
        return report
    say(str(report))
    return report


def serve_forever(store_dir: Path, *, port: int | None = None, say: Callable[[str], None] | None = None) -> int:
    """``nqikg bolt``: the embedded Bolt server with the live store's projection, reloaded on each new
    generation, until Ctrl-C. Prints the address and the credentials."""
    say = say or (lambda msg: print(msg, file=sys.stderr, flush=True))
    if port is not None:
        os.environ["NQIKG_BOLT_PORT"] = str(port)
    service = CypherService(Path(store_dir), say=say).start(wait=True)
    if not service.available:
        say(service.error or "the Bolt server did not start")
        service.stop()
        return 1
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        say("stopping the Bolt server")
    finally:
        service.stop()
    return 0


# ---------------------------------------------------------------- the service the API holds

class CypherService:
    """The Cypher back end of the API: an embedded Bolt server (or NQIKG_NEO4J_URI) holding the
    projection of the live store, reloaded when a build publishes a new generation.

    :meth:`start` returns at once (unless ``wait``): a background thread starts the server, loads the
    projection and then polls ``CURRENT`` every ``reload_interval`` seconds (NQIKG_BOLT_RELOAD_INTERVAL,
    default 5; 0 = never reload). Until the first load is done :meth:`run` raises BoltUnavailable saying so.
    """

    def __init__(self, store_dir: Path, *, query_timeout: float = 30.0, max_rows: int = 10000,
                 reload_interval: float | None = None, say: Callable[[str], None] | None = None):
        self.store_dir = Path(store_dir)
        self.query_timeout = query_timeout
        self.max_rows = max_rows
        self.reload_interval = reload_interval if reload_interval is not None else float(
            os.environ.get("NQIKG_BOLT_RELOAD_INTERVAL", "5"))
        self.say = say or (lambda msg: print(msg, file=sys.stderr, flush=True))
        self.bolt: EmbeddedBolt | None = None
        self._external: neo4j.Driver | None = None
        self._external_db: str | None = None
        self.generation: Path | None = None
        self.error: str | None = None
        self.last_load: LoadReport | None = None
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._load_lock = threading.Lock()
        self._started_at = time.monotonic()

    def start(self, wait: bool = False, timeout: float | None = None) -> "CypherService":
        self._started_at = time.monotonic()
        self._thread = threading.Thread(target=self._main, name="nqikg-bolt", daemon=True)
        self._thread.start()
        if wait:
            self.ready.wait(timeout)
        return self

    def _main(self) -> None:
        try:
            self._start_backend()
            if self._stop.is_set():
                return
            self.reload()
        finally:
            self.ready.set()
        if not self.reload_interval or self.reload_interval <= 0 or not self.available:
            return
        while not self._stop.wait(self.reload_interval):
            try:
                self.reload()
            except Exception:  # noqa: BLE001 - keep watching
                log.exception("Bolt reload failed")

    def _start_backend(self) -> None:
        try:
            target = configured_neo4j()
            if target is None:
                self.bolt = EmbeddedBolt(query_timeout=self.query_timeout, say=self.say).start()
            else:
                uri, auth = target
                self._external = neo4j.GraphDatabase.driver(uri, auth=auth)
                self._external_db = os.environ.get("NQIKG_NEO4J_DATABASE") or None
                self.say(f"Cypher queries go to the external Neo4j at {uri}")
        except Exception as exc:  # noqa: BLE001 - the API stays up; /cypher answers 503 with the reason
            self.error = f"the Bolt server did not start: {exc}"
            self.say(self.error)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=120)
        with self._load_lock:
            if self.bolt is not None:
                self.bolt.stop()
                self.bolt = None
            if self._external is not None:
                self._external.close()
                self._external = None

    def reload(self, force: bool = False) -> LoadReport | None:
        """Load the live generation if it changed since the last load; returns the report or None."""
        import pyoxigraph as ox

        with self._load_lock:
            if self._stop.is_set() or not self.available:
                return None
            try:
                generation = current_generation(self.store_dir)
            except StoreNotFound as exc:
                if self.generation is None:
                    self.error = f"no graph to query yet: {exc}"
                return None
            if generation == self.generation and not force:
                return None
            try:
                started = time.perf_counter()
                store = ox.Store.read_only(str(generation))
                graph = pg.project(store)
                del store
                projected = time.perf_counter() - started
                if self.bolt is not None:
                    report = self.bolt.load_graph(graph)
                else:
                    report = load(self._external, graph.nodes, graph.relationships, database=self._external_db,
                                  say=self.say)
            except Exception as exc:  # noqa: BLE001 - keep serving the previous projection
                self.error = f"loading {generation.name} into the Bolt server failed: {exc}"
                self.say(self.error)
                return None
            self.generation, self.error, self.last_load = generation, None, report
            self.say(f"Bolt: projected {generation.name} in {projected:.1f} s, {report}")
            return report

    @property
    def available(self) -> bool:
        return (self.bolt is not None and self.bolt.running) or self._external is not None

    def run(self, query: str, parameters: dict | None = None, *, timeout: float | None = None,
            max_rows: int | None = None) -> QueryResult:
        check_read_only(query)  # refuse writes even while the server is starting
        if not self.ready.is_set():
            raise BoltUnavailable(f"the Bolt server is starting and loading the graph "
                                  f"({time.monotonic() - self._started_at:.0f} s so far); retry shortly")
        if self.bolt is not None and self.bolt.running:
            driver, database = self.bolt.driver(), self.bolt.database
        elif self._external is not None:
            driver, database = self._external, self._external_db
        else:
            raise BoltUnavailable(self.error or "the Bolt server is not running")
        if self.generation is None and self.error:
            raise BoltUnavailable(self.error)
        return run_read(driver, query, parameters, timeout=timeout or self.query_timeout,
                        max_rows=max_rows or self.max_rows, database=database)

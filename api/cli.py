"""The ``nqikg`` command: a thin layer over the functions the REST API calls."""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

from .settings import Settings


def _default_corpus() -> Path:
    from ..ontology import shared_dir
    return shared_dir() / "corpus"


def cmd_build(args) -> int:
    from ..ingest.build import build
    paths = args.paths or [_default_corpus()]
    report = build(paths, args.store, fresh=args.fresh, force=args.force, workers=args.workers,
                   cluster=args.cluster)
    for name, reason in report.failed:
        print(f"error: {reason}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_remove(args) -> int:
    from ..ingest.build import remove
    remove(args.doc, args.store)
    return 0


def cmd_extract(args) -> int:
    from ..ingest.extract import ExtractError, extract_jsonl
    try:
        n = extract_jsonl(args.input, args.output)
    except ExtractError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{n} lines extracted -> {args.output}", file=sys.stderr)
    return 0


def cmd_eval(args) -> int:
    from ..ingest.extract import ExtractError, evaluate
    try:
        scores = evaluate(args.gold, unseen_only=args.unseen_only)
    except ExtractError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(scores, ensure_ascii=False, indent=1))
        return 0
    left_out = f" ({scores['left_out']} sharing a 12-character run with the training data left out)" \
        if args.unseen_only else ""
    print(f"lines {scores['lines']}{left_out}")
    for k in ("strict", "lenient", "span", "facts"):
        v = scores[k]
        print(f"{k:8s} P {v['p']:.3f}  R {v['r']:.3f}  F1 {v['f']:.3f}")
    if scores.get("fact_subject_accuracy") is not None:
        print(f"fact subject accuracy {scores['fact_subject_accuracy']:.3f}")
    for label, v in scores["per_label"].items():
        if v["support"]:
            print(f"  {label:13s} P {v['p']:.3f}  R {v['r']:.3f}  F1 {v['f']:.3f}  n={v['support']}")
    if "relations" in scores:
        v = scores["relations"]
        print(f"relations P {v['p']:.3f}  R {v['r']:.3f}  F1 {v['f']:.3f}")
        for predicate, v in scores["per_predicate"].items():
            if v["support"] or v["fp"]:
                print(f"  {predicate:17s} P {v['p']:.3f}  R {v['r']:.3f}  F1 {v['f']:.3f}  n={v['support']}")
    return 0


def cmd_export(args) -> int:
    from ..queries.export import export
    export(args.store, args.format, args.output)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def cmd_validate(args) -> int:
    from ..queries.validate import validate_nquads
    conforms, report = validate_nquads(args.nquads)
    print(report if not conforms else "conforms")
    return 0 if conforms else 1


def cmd_query(args) -> int:
    from ..queries import canned, cypher_canned
    params = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--param {item!r}: expected NAME=VALUE")
        params[key] = value
    try:
        columns, rows = cypher_canned.run(args.language, args.query, args.store, params, timeout=args.timeout)
    except (canned.UnknownQuery, canned.ParameterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return 0


def cmd_analytics(args) -> int:
    from ..queries import analytics
    g = analytics.load(args.store)
    if args.what == "centrality":
        for r in analytics.centrality(g, top=args.top):
            print(f"{r.betweenness:.4f}\t{r.degree}\t{r.kind}\t{r.name}\t{r.iri}")
    elif args.what == "neighbourhood":
        node = analytics.resolve(g, args.names[0])
        sub = analytics.neighbourhood(g, node, radius=args.radius)
        for n in sorted(sub, key=lambda n: -sub.degree(n, weight="weight")):
            relations = ",".join(g[node][n]["relations"]) if n in g[node] else ""
            print(f"{g.nodes[n]['kind']}\t{g.nodes[n]['name']}\t{relations}\t{n}")
    else:
        if len(args.names) != 2:
            raise SystemExit("analytics path needs two entity names or IRIs")
        path = analytics.shortest_path(g, *(analytics.resolve(g, n) for n in args.names))
        print(" → ".join(g.nodes[n]["name"] for n in path))
    return 0


def cmd_neo4j_push(args) -> int:
    from ..queries import bolt
    try:
        report = bolt.push_to_configured(args.store, database=args.database)
    except (bolt.BoltUnavailable, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report)
    return 0


def cmd_bolt(args) -> int:
    from ..queries import bolt
    return bolt.serve_forever(args.store, port=args.port)


def cmd_serve(args) -> int:
    import uvicorn

    from .app import create_app
    settings = Settings().with_(store=args.store, host=args.host, port=args.port)
    if args.no_bolt:
        settings = settings.with_(bolt=False)
    if settings.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {settings.host}, reachable beyond this machine", file=sys.stderr)
    print(f"NQI-KG serving {settings.store} on http://{settings.host}:{settings.port}/", file=sys.stderr)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0


def main(argv: list[str] | None = None) -> int:
    settings = Settings()
    ap = argparse.ArgumentParser(prog="nqikg", description="NQI-KG: knowledge graph of China's national quality infrastructure")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="ingest files or folders (default: ../shared/corpus) into the store")
    p.add_argument("paths", nargs="*", type=Path)
    p.add_argument("--store", type=Path, default=settings.store)
    p.add_argument("--fresh", action="store_true", help="drop documents not ingested in this build")
    p.add_argument("--force", action="store_true",
                   help="re-extract every document, also those unchanged since they were extracted")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="extract in this many worker processes (default: the number of cores)")
    p.add_argument("--cluster", default=None, metavar="ADDRESS",
                   help="extract on a Dask distributed cluster (tcp://scheduler:8786) instead")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("remove", help="remove a document and everything only it supported")
    p.add_argument("doc", help="document id (file stem)")
    p.add_argument("--store", type=Path, default=settings.store)
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("extract", help="extract entities, facts and relations from {id, text} JSON lines")
    p.add_argument("input", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True)
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("eval", help="score the extractor on a gold file: entities, facts and relations, as the referee does")
    p.add_argument("gold", type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument("--unseen-only", action="store_true",
                   help="score only the lines sharing no 12-character run with the training data, as the hidden test does")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("export", help="export the graph")
    p.add_argument("--store", type=Path, default=settings.store)
    p.add_argument("--format", required=True, choices=["ttl", "nt", "nq", "jsonld", "graphml", "neo4j-csv", "cypher"])
    p.add_argument("-o", "--output", type=Path, required=True)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("validate", help="validate an N-Quads export against the SHACL shapes")
    p.add_argument("nquads", type=Path)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("query", help="run a SPARQL or Cypher query (a canned name, a file or the text)")
    p.add_argument("language", choices=["sparql", "cypher"])
    p.add_argument("query", help="canned query name (see queries/), a file, or the query text")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--store", type=Path, default=settings.store)
    p.add_argument("--timeout", type=float, default=settings.query_timeout)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("analytics", help="centrality, neighbourhood of an entity, or a path between two")
    p.add_argument("what", choices=["centrality", "neighbourhood", "path"])
    p.add_argument("names", nargs="*", help="entity names (Chinese label) or IRIs")
    p.add_argument("--store", type=Path, default=settings.store)
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--radius", type=int, default=1)
    p.set_defaults(func=cmd_analytics)

    p = sub.add_parser("neo4j", help="push the property-graph projection into Neo4j (NQIKG_NEO4J_URI)")
    neo4j_sub = p.add_subparsers(dest="neo4j_command", required=True)
    push = neo4j_sub.add_parser("push", help="load the projection, replacing the previous one")
    push.add_argument("--store", type=Path, default=settings.store)
    push.add_argument("--database", default=None, help="target database (default NQIKG_NEO4J_DATABASE)")
    push.set_defaults(func=cmd_neo4j_push)

    p = sub.add_parser("bolt", help="run the embedded Bolt server alone with the graph loaded")
    p.add_argument("--store", type=Path, default=settings.store)
    p.add_argument("--port", type=int, default=None)
    p.set_defaults(func=cmd_bolt)

    p = sub.add_parser("serve", help="serve the graph (REST, SPARQL, Cypher, pages) on 127.0.0.1")
    p.add_argument("--store", type=Path, default=settings.store)
    p.add_argument("--host", default=settings.host)
    p.add_argument("--port", type=int, default=settings.port)
    p.add_argument("--no-bolt", action="store_true", help="do not start the embedded Bolt server")
    p.set_defaults(func=cmd_serve)

    args = ap.parse_args(argv)
    from ..queries.store import StoreBusy
    try:
        return args.func(args)
    except (FileNotFoundError, KeyError, StoreBusy) as exc:
        print(f"error: {exc.args[0] if isinstance(exc, KeyError) else exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

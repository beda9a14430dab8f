"""The web pages: search, entity / document / sentence pages, the gap heat map, a SPARQL editor.

Server-rendered Jinja2 templates (``api/templates``) with hand-written CSS and a
little vanilla JS (``api/static``); nothing is loaded from the network. Pages
call the same ``nqikg.queries`` functions as the REST API.
"""
from __future__ import annotations

from html import escape
from pathlib import Path as FsPath
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from ..ontology.iri import NQI
from ..queries import documents, entities, gaps, industries, linked_data
from ..queries.identifiers import NotFound, curie, id_base, id_of, iri_of, local
from ..queries.label_index import search
from ..queries.terms import entity_types
from . import graphsvg
from .deps import Graph, graph
from .models import DocumentDetail, EntityDetail, GapMatrix, IndustryDetail, page_url

HERE = FsPath(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)

PILLAR_CLASS = {"metrology": "MetrologyElement", "standardization": "StandardsElement",
                "testing": "TestingElement", "certification": "CertificationElement"}


# ---------------------------------------------------------------- template helpers

def highlight(ev: dict | object) -> Markup:
    """A sentence as HTML: mentions of the focus entity in <mark>, other mentions linked to their pages,
    the supporting clause (statement span) underlined."""
    if not isinstance(ev, dict):
        ev = ev.model_dump()
    text = ev.get("text") or ""
    span = (ev.get("span_start"), ev.get("span_end"))
    has_span = span[0] is not None and span[1] is not None and (span[0], span[1]) != (0, len(text))

    def in_span(i: int) -> bool:
        return has_span and span[0] <= i < span[1]

    chosen, last = [], -1
    for m in sorted(ev.get("mentions") or [], key=lambda m: (m.get("start") or 0, -(m.get("end") or 0))):
        a, b = m.get("start"), m.get("end")
        if a is None or b is None or a < last or not (0 <= a < b <= len(text)):
            continue
        if m.get("surface") and text[a:b] != m["surface"]:
            continue
        chosen.append(m)
        last = b
    out: list[str] = []

    def plain(a: int, b: int) -> None:
        cuts = sorted({a, b} | {x for x in span if has_span and x is not None and a < x < b})
        for x, y in zip(cuts, cuts[1:]):
            piece = escape(text[x:y])
            out.append(f'<span class="clause">{piece}</span>' if in_span(x) else piece)

    pos = 0
    for m in chosen:
        plain(pos, m["start"])
        surface = escape(text[m["start"]:m["end"]])
        label = escape(m.get("label") or "")
        title = escape(f'{m.get("entity_label") or m.get("surface") or ""} · {m.get("label") or ""} · '
                       f'{m["start"]}–{m["end"]}')
        cls = " clause" if in_span(m["start"]) else ""
        url = page_url(m.get("entity"))
        if m.get("focus"):
            html = (f'<mark class="focus{cls}" data-start="{m["start"]}" data-end="{m["end"]}" '
                    f'title="{title}">{surface}</mark>')
        elif url:
            html = f'<a class="mention t-{label}{cls}" href="{escape(url)}" title="{title}">{surface}</a>'
        else:
            html = f'<span class="mention t-{label}{cls}" title="{title}">{surface}</span>'
        out.append(html)
        pos = m["end"]
    plain(pos, len(text))
    return Markup("".join(out))


templates.env.filters["highlight"] = highlight
templates.env.filters["urlpath"] = lambda s: quote(s or "", safe="/")
templates.env.globals["colour"] = graphsvg.colour
templates.env.globals["page_url"] = page_url
templates.env.globals["PILLAR_CLASS"] = PILLAR_CLASS


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def not_found_page(request: Request, message: str) -> HTMLResponse:
    return render(request, "not_found.html", status_code=404, message=message, title="未找到 Not found")


def neighbourhood_svg(detail: EntityDetail) -> Markup:
    edges = []
    ranked = sorted(detail.relations, key=lambda g: (0 if g.predicate.startswith(NQI) else 1,))
    for group in ranked:
        for item in group.items:
            edges.append(graphsvg.Edge(group.label, group.direction, item.label or item.iri, item.type, item.url))
    if detail.pillar:
        edges.append(graphsvg.Edge("所属支柱", "out", detail.pillar.label, PILLAR_CLASS.get(detail.pillar.id), None))
    # fill the picture with the entities named in the same sentences (dashed edges)
    shown = {e.url for e in edges}
    for item in detail.co_mentions:
        if len({e.url for e in edges}) >= 16:
            break
        if item.url not in shown:
            edges.append(graphsvg.Edge(f"同句 ×{item.sentences}", "both", item.label or item.iri, item.type, item.url))
    return Markup(graphsvg.render(detail.label, detail.type, edges))


# ---------------------------------------------------------------- pages

@router.get("/", response_class=HTMLResponse)
def home(request: Request, q: str = Query("", max_length=200), type: str = Query("", max_length=60),
         offset: int = Query(0, ge=0, le=1_000_000), g: Graph = Depends(graph)):
    types = sorted({local(c) for c in entity_types().values()})
    result, error = None, None
    if q or type:
        try:
            result = search(g.index, q, type or None, limit=30, offset=offset)
        except ValueError as exc:
            error = str(exc)
    docs = documents.documents(g.store)
    top_gaps = None
    if not q and not type:
        top_gaps = gaps.gaps(g.store, g.index)["rows"][:12]
    return render(request, "home.html", title="NQI-KG 检索 Search", q=q, type=type, types=types, result=result,
                  error=error, documents=docs, entity_count=len(g.index.entities), gaps=top_gaps)


@router.get("/page/{path:path}", response_class=HTMLResponse)
def page(request: Request, path: str, offset: int = Query(0, ge=0, le=1_000_000), g: Graph = Depends(graph)):
    try:
        kind = linked_data.resource_kind(g.store, path)
        if kind == "document":
            doc_id = path.strip("/").split("/", 1)[1]
            detail = DocumentDetail.model_validate(
                documents.document(g.store, g.index, doc_id, limit=100, offset=offset))
            return render(request, "document.html", title=detail.title or detail.doc_id, doc=detail)
        if kind == "sentence":
            ev = linked_data.sentence(g.store, g.index, path)
            data = entities.entity(g.store, g.index, path, max_sentences=0)
            return render(request, "sentence.html", title=f"句子 Sentence {ev['index']}", ev=ev, detail=data,
                          triples=_triples(g, path))
        if kind == "resource":
            detail = EntityDetail.model_validate(entities.entity(g.store, g.index, path, max_sentences=0))
            return render(request, "resource.html", title=detail.label, detail=detail, triples=_triples(g, path))
        industry = None
        if path.startswith("gbt4754/"):
            industry = IndustryDetail.model_validate(industries.industry(g.store, g.index, path.split("/", 1)[1]))
            detail = industry
        else:
            detail = EntityDetail.model_validate(entities.entity(g.store, g.index, path))
        return render(request, "entity.html", title=detail.label, detail=detail, industry=industry,
                      svg=neighbourhood_svg(detail), data_path=quote(detail.id or "", safe="/"))
    except NotFound as exc:
        return not_found_page(request, str(exc))


def _triples(g: Graph, path: str) -> list[dict]:
    value = iri_of(path)
    labels = {}
    rows = []
    for t in linked_data.describe(g.store, path, max_incoming=200):
        if t.subject.value != value and t.object.value != value:
            continue
        other = t.object if t.subject.value == value else t.subject
        rows.append({"out": t.subject.value == value, "predicate": curie(t.predicate.value),
                     "value": other.value, "is_iri": other.__class__.__name__ == "NamedNode",
                     "url": page_url(id_of(other.value)), "lang": getattr(other, "language", None)})
        labels[other.value] = None
    return rows


@router.get("/gaps", response_class=HTMLResponse)
def gaps_page(request: Request, g: Graph = Depends(graph)):
    matrix = GapMatrix.model_validate(gaps.gaps(g.store, g.index))
    top = max((len(v) for r in matrix.rows for v in r.coverage.values()), default=0)
    return render(request, "gaps.html", title="NQI 覆盖缺口 Gap matrix", matrix=matrix, top=top)


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, g: Graph = Depends(graph)):
    return render(request, "documents.html", title="来源文档 Documents", documents=documents.documents(g.store))


@router.get("/query", response_class=HTMLResponse)
def query_page(request: Request):
    return render(request, "query.html", title="SPARQL 查询 Query", base=id_base())

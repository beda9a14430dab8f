"""The web pages: search, entity / document / sentence pages, the graph explorer, the gap heat map, and
YASGUI for SPARQL.

Server-rendered Jinja2 templates (``api/templates``) with hand-written CSS and
vanilla JS (``api/static``); the explorer (Cytoscape.js), the indicator charts
(ECharts) and the SPARQL editor (YASGUI) use npm packages served from
``node_modules`` (:mod:`.assets`); nothing is loaded from the network. Pages
call the same ``nqikg.queries`` functions as the REST API.
"""
from __future__ import annotations

from functools import lru_cache
from html import escape
from pathlib import Path as FsPath
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from ..ontology.namespaces import PREFIXES
from ..queries import canned, documents, entities, gaps, indicators, industries, linked_data
from ..queries.identifiers import NotFound, curie, id_base, id_of, iri_of, local
from ..queries.label_index import search
from ..queries.neighbourhood import MAX_DEPTH
from ..queries.terms import entity_types, ontology_terms
from . import assets
from .colours import colour
from .deps import Graph, graph
from .models import DocumentDetail, EntityDetail, GapMatrix, IndustryDetail, page_url

HERE = FsPath(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)

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
templates.env.globals["colour"] = colour
templates.env.globals["page_url"] = page_url


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def not_found_page(request: Request, message: str) -> HTMLResponse:
    return render(request, "not_found.html", status_code=404, message=message, title="未找到 Not found")


def vendor_tags(page: str, kind: str = "js") -> Markup:
    """<script> (or <link rel=stylesheet>) tags of the libraries a page needs; none when any is missing."""
    if assets.missing(page):
        return Markup("")
    files = [f for f in assets.PAGES[page] if f.endswith("." + kind)]
    if kind == "css":
        return Markup("".join(f'<link rel="stylesheet" href="/vendor/{f}">' for f in files))
    return Markup("".join(f'<script src="/vendor/{f}"></script>' for f in files))


def vendor_notice(page: str) -> Markup:
    """A visible note naming the libraries a page lacks (empty when all are installed)."""
    missing = assets.missing(page)
    if not missing:
        return Markup("")
    return Markup(f'<p class="error assets-missing">此功能所需的库未安装 the libraries of this view are not installed '
                  f'({escape(", ".join(missing))}): {escape(assets.INSTALL_HINT)}</p>')


@lru_cache(maxsize=1)
def type_colours() -> dict[str, str]:
    """Colour of every entity type (local name), for the explorer's nodes."""
    return {name: colour(name) for name in sorted({local(c) for c in entity_types().values()} | {"Resource"})}


templates.env.globals.update(vendor_tags=vendor_tags, vendor_notice=vendor_notice, type_colours=type_colours,
                             MAX_DEPTH=MAX_DEPTH)


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
                      charts=indicators.charts_for(g.store, g.index, detail.iri),
                      data_path=quote(detail.id or "", safe="/"))
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


@router.get("/explore", response_class=HTMLResponse)
def explore_page(request: Request, id: str = Query("", max_length=300), q: str = Query("", max_length=200),
                 depth: int = Query(1, ge=1, le=MAX_DEPTH), g: Graph = Depends(graph)):
    """The graph explorer around the entity ``id``; ``q`` (a name) opens the best match of a search."""
    if not id and q:
        hits = search(g.index, q, limit=1)["items"]
        if not hits:
            return not_found_page(request, f"no entity matches {q!r}")
        return RedirectResponse(f"/explore?id={quote(hits[0]['id'])}&depth={depth}", status_code=303)
    if not id:
        return render(request, "explore.html", title="图谱浏览 Explorer", entity=None, depth=depth)
    try:
        value = iri_of(id)
    except NotFound as exc:
        return not_found_page(request, str(exc))
    entity = g.index.get(value)
    if entity is None:
        return not_found_page(request, f"no entity {id!r} in the graph")
    return render(request, "explore.html", title=f"{entity.label} · 图谱浏览 Explorer", entity=entity, depth=depth)


@router.get("/query", response_class=HTMLResponse)
def query_page(request: Request):
    """YASGUI on /sparql with the project's prefixes, its classes and properties for completion, and the
    canned queries as tabs."""
    prefixes = {**PREFIXES, "id": id_base()}
    return render(request, "query.html", title="SPARQL 查询 Query", base=id_base(), prefixes=prefixes,
                  queries=canned.catalogue(), terms=ontology_terms())

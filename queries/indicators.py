"""Indicator series: an indicator's numeric observations as the series a chart draws.

A point is one ``nqi:Observation`` with a numeric value. Points are grouped
into series by kind (``reported`` value or policy ``target``) and scope
(``domestic``, ``international`` or unstated), so targets stand apart from
reported values and domestic values beside international ones. A point sits at
its year on the x axis; an undated one at its subject (数控机床: 900 h at home,
5000 h abroad), else at ``未注明年份``. Each point carries its evidence sentence
(document, offsets). Observations whose value is not a number are counted in
``skipped``.
"""
from __future__ import annotations

import pyoxigraph as ox

from ..ontology.iri import NQI
from .entities import observations_of
from .evidence import evidence
from .identifiers import NotFound, follow_merge, iri_of
from .label_index import LabelIndex, summary

KINDS = {"reported": ("实际值", "reported"), "target": ("目标值", "target")}
SCOPES = {"domestic": ("国内", "domestic"), "international": ("国际", "international"), None: ("", "")}
UNDATED = "未注明年份"


def series(store: ox.Store, index: LabelIndex, path: str, *, subject: str | None = None) -> dict:
    """The series of the indicator at ``path`` (only observations about the entity ``subject``, an id path,
    when given). Raises NotFound for anything that is not an indicator, or an unknown subject."""
    follow_merge(store, path)
    value = iri_of(path)
    e = index.get(value)
    if e is None or NQI + "Indicator" not in e.ancestors:
        raise NotFound(f"no indicator {path!r} in the graph")
    subject_iri = None
    if subject:
        subject_iri = iri_of(subject)
        if index.get(subject_iri) is None:
            raise NotFound(f"no entity {subject!r} in the graph")
    observations = [o for o in observations_of(store, ox.NamedNode(value))
                    if subject_iri is None or (o["subject"] and o["subject"]["iri"] == subject_iri)]
    ev = evidence(store, index, {o["_sentence"] for o in observations}, focus={value})
    groups: dict[tuple, dict] = {}
    skipped = 0
    for o in observations:
        if o["numeric_value"] is None:
            skipped += 1
            continue
        kind = "target" if o["is_target"] else "reported"
        key = (kind, o["scope"])
        group = groups.get(key)
        if group is None:
            zh = " · ".join(x for x in (KINDS[kind][0], SCOPES[o["scope"]][0]) if x)
            en = " · ".join(x for x in (KINDS[kind][1], SCOPES[o["scope"]][1]) if x)
            group = groups[key] = {"key": f"{kind}/{o['scope'] or '-'}", "kind": kind, "scope": o["scope"],
                                   "label": zh, "label_en": en, "points": []}
        s, year = o["_sentence"], _year(o["year"])
        x = str(year) if year is not None else o["subject"]["label"] if o["subject"] else UNDATED
        group["points"].append({
            "observation": o["id"], "x": x, "year": year, "value": o["numeric_value"],
            "upper_value": o["upper_value"], "value_text": o["value"], "unit": o["unit"], "kind": kind,
            "scope": o["scope"], "subject": o["subject"], "policy": o["policy"],
            "evidence": ev.get(s)})
    ordered = sorted(groups.values(), key=lambda g: (g["kind"] != "reported", g["scope"] or ""))
    points = [p for g in ordered for p in g["points"]]
    for g in ordered:
        g["points"].sort(key=lambda p: (p["year"] is None, p["year"] or 0, p["x"], p["value"]))
    # years in order, then subjects of undated points (smallest value first), then the undated rest
    categories = sorted({p["x"] for p in points}, key=lambda x: (
        0 if x.isdigit() else 2 if x == UNDATED else 1,
        int(x) if x.isdigit() else min(p["value"] for p in points if p["x"] == x), x))
    return {"indicator": summary(index, value), "subject": summary(index, subject_iri) if subject_iri else None,
            "categories": categories, "units": sorted({p["unit"] for p in points if p["unit"]}),
            "series": ordered, "skipped": skipped}


def charts_for(store: ox.Store, index: LabelIndex, value: str) -> list[dict]:
    """The charts of an entity's page: an indicator's own series, or one per indicator observed about the
    entity (most observations first). Each is ``{"indicator": summary, "subject": id or None}``."""
    e = index.get(value)
    if e is None:
        return []
    if NQI + "Indicator" in e.ancestors:
        return [{"indicator": summary(index, value), "subject": None}]
    counts: dict[str, int] = {}
    for o in observations_of(store, ox.NamedNode(value)):
        if o["role"] == "subject" and o["indicator"] and o["numeric_value"] is not None:
            counts[o["indicator"]["iri"]] = counts.get(o["indicator"]["iri"], 0) + 1
    return [{"indicator": summary(index, i), "subject": e.id}
            for i, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]


def _year(text: str | None) -> int | None:
    try:
        return int(text[:4]) if text else None
    except ValueError:
        return None

"""Reference classifications from ``shared/reference/`` as plain rows and as SKOS quads.

GB/T 4754-2017 industries and ICS become SKOS concept schemes (codes as
``skos:notation``, hierarchy as ``skos:broader``), the strategic emerging
industries a third scheme, the JJF/JJG sample metrology specifications, and the
35 卡脖子 technologies bottleneck products whose evidence is the reference list.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import shared_dir


@dataclass(frozen=True)
class Row:
    """One concept of a reference scheme."""
    code: str
    name: str
    parent: str | None
    level: int
    note: str = ""
    name_en: str = ""


def reference_dir() -> Path:
    return shared_dir() / "reference"


def _read(name: str) -> list[dict]:
    path = reference_dir() / name
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def gbt4754() -> tuple[Row, ...]:
    """GB/T 4754-2017 classes: 门类 letter, 大类 2 digits, 中类 3, 小类 4; parent by code prefix."""
    rows = []
    for r in _read("gbt4754_2017_industry_classification.csv"):
        level = int(r["level"])
        parent = {1: None, 2: r["menlei"], 3: r["dalei"], 4: r["zhonglei"]}[level]
        rows.append(Row(r["code"], r["name"].strip(), parent or None, level, r.get("remark", "")))
    # derived 中类 rows share code and name with their only 小类; keep codes unique
    seen, unique = set(), []
    for row in rows:
        if row.code not in seen:
            seen.add(row.code)
            unique.append(row)
    return tuple(unique)


@lru_cache(maxsize=1)
def ics() -> tuple[Row, ...]:
    rows = []
    for r in _read("ics_ed7_iso_en.csv"):
        level = int(r["level"])
        parent = {1: None, 2: r["field"], 3: f"{r['field']}.{r['group']}"}[level]
        rows.append(Row(r["code"], r["description"].strip(), parent, level, name_en=r["description"].strip()))
    return tuple(rows)


@lru_cache(maxsize=1)
def strategic_emerging() -> tuple[Row, ...]:
    return tuple(Row(r["code_derived"], r["name"].strip(), r["parent_code_derived"] or None, int(r["level"]))
                 for r in _read("strategic_emerging_industries_2018_top2levels.csv"))


@lru_cache(maxsize=1)
def metrology_specs() -> tuple[Row, ...]:
    """The JJF/JJG sample: code, Chinese and English names; ``note`` holds replaced codes."""
    return tuple(Row(r["number"].strip(), r["chinese_name"].strip(), None, 0, r.get("replaces", ""),
                     r.get("english_name", "").strip())
                 for r in _read("jjg_jjf_medical_metrology_xh3140.csv"))


@lru_cache(maxsize=1)
def bottleneck_technologies() -> tuple[Row, ...]:
    """The 35 卡脖子 technologies (Science and Technology Daily, 2018)."""
    return tuple(Row(r["seq"], r["technology"].strip(), None, 0, r.get("corroborated_in_pages_excerpts", ""))
                 for r in _read("kabozi_35_technologies_stdaily2018.csv"))

"""Place names of China's administrative divisions, for the lexicon (label LOC).

Read from the gazetteer the ``cpca`` package ships (``resources/adcodes.csv``:
the 3,511 provinces, prefecture-level and county-level divisions with their
codes, MIT licence) rather than from a list kept here.  A division's full name
is a surface (常州市, 顺德区, 甘南藏族自治州); a prefecture-level city is also
found by its short name (常州), with the full name as canonical.  Names too
generic to mean one place (城区, 郊区, 新城区 and the like, names under three
characters) are left out, and so are districts named after a province (河北区,
海南区), which text reads as the province's region (河北区域).
"""
from __future__ import annotations

import csv
import importlib.resources
import re
from functools import lru_cache

_GENERIC = {"市辖区", "城区", "郊区", "矿区", "新区", "解放区", "新城区", "城中区", "市中区", "城关区", "开发区",
            "高新区", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_CITY_SUFFIX = ("市", "地区", "盟")
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")


def _level(adcode: str) -> str:
    """province, prefecture or county, from the zeros of the 12-digit division code (PPCCAA000000)."""
    if adcode[2:].strip("0") == "":
        return "province"
    return "prefecture" if adcode[4:].strip("0") == "" else "county"


@lru_cache(maxsize=1)
def names() -> tuple[tuple[str, str], ...]:
    """(surface, canonical full name) of every division, full names first."""
    with importlib.resources.files("cpca").joinpath("resources/adcodes.csv").open(encoding="utf-8") as fh:
        rows = [(r["adcode"], r["name"].strip()) for r in csv.DictReader(fh)]
    provinces = {_PROVINCE_SUFFIX.sub("", name) for code, name in rows if _level(code) == "province"}
    full: dict[str, None] = {}   # an ordered set
    short: dict[str, str] = {}   # short name -> full name
    for code, name in rows:
        if name in _GENERIC or len(name) < 3 or (name.endswith("区") and name[:-1] in provinces):
            continue
        full[name] = None
        if _level(code) == "prefecture":
            for suffix in _CITY_SUFFIX:
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    short.setdefault(name[:-len(suffix)], name)
    return tuple((n, n) for n in full) + tuple((s, c) for s, c in short.items() if s not in full)

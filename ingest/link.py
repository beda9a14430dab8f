"""Entity linking: a mention (label, surface) becomes one canonical entity.

Like scispacy's linker, aliases map to ontology concepts: the alias index of
``ontology/lexicon.py`` (controlled vocabulary and reference schemes) gives the
canonical name and class; in-document aliases declared by （以下简称…） map a
short form to its long form; standard and specification codes are normalised;
industries resolve to GB/T 4754-2017 classes by name or a known derivation of
it. What matches nothing becomes a project entity named by its canonical
surface, so the same name always gives the same node.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..ontology import iri, lexicon, reference, vocab
from ..ontology.industry_classifier import product_names

# （以下简称《纲要》） / (以下简称“产业中心”): after a 《title》 or “quoted” name, or after a mention
_ALIAS_TAIL = r"\s*[（(]\s*(?:以下|下文)?简称\s*[《“\"']?(?P<short>[^》”\"'）)]{1,20})[》”\"']?\s*[）)]"
_ALIAS_DECL = re.compile(r"(?:《(?P<title>[^》]{2,80})》|“(?P<quoted>[^”]{2,40})”)" + _ALIAS_TAIL)
ALIAS_AFTER_MENTION = re.compile(r"[》”]?" + _ALIAS_TAIL)

_CODE = re.compile(
    r"^(?P<prefix>GB/T|GB/Z|GB|JJF|JJG|ISO/IEC|ISO/TS|ISO|IEC|ANSI/[A-Z]+|ANSI|[A-Z]{2,4}(?:/T)?)\s*"
    r"(?P<number>\d+(?:[.\-]\d+)*?)\s*(?:[-—–－:：]\s*(?P<year>(?:19|20)\d{2}))?$")

_INDUSTRY_TAIL = re.compile(r"(产业|行业|工业|领域)$")
_QUOTES = "《》“”\"'‘’「」"


@dataclass(frozen=True)
class Entity:
    """A canonical entity: its IRI, ontology class, names and codes."""
    iri: str
    cls: str
    name: str
    name_en: str | None = None
    aliases: frozenset[str] = field(default_factory=frozenset)
    code: str | None = None
    pillar: str | None = None
    related: str | None = None     # a near GB/T 4754 class (skos:closeMatch)
    reference: bool = False        # a reference concept described by a reference graph
    also: frozenset[str] = field(default_factory=frozenset)   # further classes of one node (a sector that is a product)
    merged_from: str | None = None  # the IRI it would have had as a separate node


def normalise_code(text: str) -> str | None:
    """``GB/T4754—2017`` → ``GB/T 4754-2017``; None when ``text`` is not a standard code."""
    s = iri.canonical(text).replace("／", "/").upper()
    m = _CODE.match(s)
    if not m:
        return None
    code = f"{m['prefix']} {m['number']}"
    return f"{code}-{m['year']}" if m["year"] else code


def document_aliases(text: str) -> dict[str, str]:
    """Short form → long form for the aliases a document declares (以下简称…)."""
    aliases = {}
    for m in _ALIAS_DECL.finditer(text):
        long = m["title"] or m["quoted"]
        short = m["short"].strip()
        if long and short and short != long:
            aliases[short] = long.strip()
    return aliases


@lru_cache(maxsize=1)
def _gbt_names() -> dict[str, reference.Row]:
    """GB/T 4754 class name → row (the most general class wins a shared name)."""
    names: dict[str, reference.Row] = {}
    for row in sorted(reference.gbt4754(), key=lambda r: (r.level, r.code)):
        names.setdefault(row.name, row)
    return names


def gbt_class(surface: str) -> tuple[reference.Row | None, bool]:
    """The GB/T 4754 class an industry name denotes: (row, exact). ``exact`` False means only near."""
    names = _gbt_names()
    stem = _INDUSTRY_TAIL.sub("", surface)
    for candidate in (surface, surface + "业", stem + "制造业", stem + "业", stem + "制造", stem + "工业"):
        if candidate in names and len(stem) >= 2:
            return names[candidate], True
    if len(stem) >= 2:
        near = [row for name, row in names.items()
                if name.startswith(stem) and row.level <= 3 and 2 * len(stem) >= len(name)]
        if near:
            return min(near, key=lambda r: (r.level, r.code)), False
    return None, False


def is_product_name(name: str) -> bool:
    """Whether the vocabulary or the product gazetteer of GB/T 4754 knows ``name`` as a product."""
    return "PRODUCT" in lexicon.labels_of(name) or name in product_names()


def clean_surface(surface: str) -> str:
    return iri.canonical(surface).strip(_QUOTES + " ")


class Linker:
    """Resolves mentions of one document; create one per document (it holds that document's aliases)."""

    def __init__(self, document_text: str = ""):
        self.aliases = document_aliases(document_text)

    def declare(self, sentence: str, end: int, surface: str) -> None:
        """Record an alias declared right after a mention ending at ``end`` (…（以下简称“产业中心”））."""
        m = ALIAS_AFTER_MENTION.match(sentence, end)
        if m and m["short"].strip() != surface:
            self.aliases.setdefault(m["short"].strip(), clean_surface(surface))

    def link(self, label: str, surface: str) -> Entity | None:
        """The entity a mention denotes; None for VALUE (values become observations, not nodes)."""
        if label == "VALUE":
            return None
        written = iri.canonical(surface)
        name = clean_surface(surface)
        if not name:
            return None
        name = self.aliases.get(name, name)
        if written != name and any(e.label == label for e in lexicon.lookup(written)):
            name = written  # a listed name that carries its own quotes: 全国“质量月”
        if label in ("STANDARD", "METROLOGY"):
            code = normalise_code(name)
            if code:
                return self._coded(code)
        if label == "INDUSTRY":
            industry = self._industry(name)
            if industry:
                return industry
        for entry in lexicon.lookup(name):
            if entry.label == label:
                return self._make(entry.cls, entry.canonical, self._aliases_of(entry.canonical, entry.cls) | {name})
        return self._make(vocab.class_for_label(label), name, frozenset({name}))

    def _coded(self, code: str) -> Entity:
        cls = vocab.term("MetrologySpecification" if code.startswith(("JJF", "JJG")) else "Standard")
        return Entity(iri.entity(vocab.iri_segment(cls), code), cls, code, code=code,
                      pillar=vocab.pillar_of(cls), aliases=frozenset({code}))

    def _industry(self, name: str) -> Entity | None:
        entry = next((e for e in lexicon.lookup(name) if e.label == "INDUSTRY"), None)
        canonical = entry.canonical if entry else name
        row, exact = gbt_class(canonical)
        if row is None and canonical != name:
            row, exact = gbt_class(name)
        cls = vocab.term("Industry")
        if row is not None and exact:
            return Entity(reference.concept_iri("gbt4754", row.code), cls, row.name,
                          aliases=frozenset({name, canonical}), code=row.code, reference=True)
        own = iri.entity(vocab.iri_segment(cls), canonical)
        if is_product_name(canonical):
            # one node per thing: the sector named by a product's name is that product's node (数控机床)
            product = self.link("PRODUCT", canonical)
            return replace(product, also=product.also | {cls}, merged_from=own,
                           aliases=product.aliases | ({name} - {product.name}))
        related = reference.concept_iri("gbt4754", row.code) if row is not None else None
        return Entity(own, cls, canonical, aliases=frozenset({name, canonical}), related=related)

    def _make(self, cls: str, name: str, aliases: frozenset[str]) -> Entity:
        en = _english_name(name, cls)
        return Entity(iri.entity(vocab.iri_segment(cls), name), cls, name, name_en=en,
                      aliases=frozenset(a for a in aliases if a != name), pillar=vocab.pillar_of(cls))

    @staticmethod
    def _aliases_of(canonical: str, cls: str) -> frozenset[str]:
        entry = _vocabulary_entry(canonical, cls)
        if entry is None:
            return frozenset()
        return frozenset(text for text, _ in entry.alt_labels)


@lru_cache(maxsize=1)
def _vocabulary_index() -> dict[tuple[str, str], vocab.VocabularyEntry]:
    return {(e.pref_zh, e.cls): e for e in vocab.vocabulary()}


def _vocabulary_entry(name: str, cls: str) -> vocab.VocabularyEntry | None:
    return _vocabulary_index().get((name, cls))


def _english_name(name: str, cls: str) -> str | None:
    entry = _vocabulary_entry(name, cls)
    return entry.pref_en if entry else None

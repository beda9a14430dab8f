"""Lexicon matcher: every occurrence of a surface of :mod:`nqikg.ontology.lexicon` in a text.

An equivalent of spaCy's PhraseMatcher for character-tokenised text: from
each position, a hash lookup of ever longer substrings while they are the
beginning of some surface (a trie walk over a dict of prefixes), which is
several times faster than matching on Doc objects.  Matches may overlap;
the merge step chooses.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from nqikg.ontology import lexicon

from .patterns import Cand

# pillar words and other very short generic surfaces are matched only as whole
# "words": not when glued into a longer run of the same script that the lexicon
# does not know (检测 in 检测仪器 is not TESTING, the instrument is a PRODUCT)
_MIN_LEN = 2
_NOT_PREFIX = object()


@dataclass
class LexiconMatcher:
    prefixes: dict  # every prefix of 2+ characters of a surface -> (labels tuple, canonical) of that surface, or None

    @classmethod
    @lru_cache(maxsize=1)
    def build(cls) -> "LexiconMatcher":
        """The matcher of the ontology lexicon, built once per process and shared (read-only)."""
        prefixes: dict[str, tuple | None] = {}
        for surface, entries in lexicon.surfaces().items():
            if len(surface) < _MIN_LEN:
                continue
            labels = []
            for e in entries:
                if e.label not in labels:
                    labels.append(e.label)
            prefixes[surface] = (tuple(labels), entries[0].canonical)
            for k in range(_MIN_LEN, len(surface)):
                prefixes.setdefault(surface[:k], None)
        return cls(prefixes)

    def find(self, text: str) -> list[tuple[int, int, tuple[str, ...], str]]:
        """All matches as (start, end, labels, canonical), by start, longest first; latin surfaces only
        at word boundaries."""
        out = []
        prefixes = self.prefixes
        n = len(text)
        for i in range(n - _MIN_LEN + 1):
            e, hits = i + _MIN_LEN, []
            while e <= n:
                hit = prefixes.get(text[i:e], _NOT_PREFIX)
                if hit is _NOT_PREFIX:
                    break
                if hit is not None:
                    hits.append((e, hit))
                e += 1
            if not hits:
                continue
            ch = text[i]
            if ch.isascii() and ch.isalnum() and i > 0 and text[i - 1].isascii() and text[i - 1].isalnum():
                continue
            for e, hit in reversed(hits):
                last = text[e - 1]
                if last.isascii() and last.isalnum() and e < n and text[e].isascii() and text[e].isalnum():
                    continue
                out.append((i, e, hit[0], hit[1]))
        return out

    def cands(self, text: str, matches: list | None = None) -> list[Cand]:
        """The matches (found now unless given) as merge candidates."""
        if matches is None:
            matches = self.find(text)
        return [Cand(s, e, labels[0], "lexicon", 30, canon) for s, e, labels, canon in matches]

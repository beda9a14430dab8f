"""Lexicon matcher: every occurrence of a surface of :mod:`nqikg.ontology.lexicon` in a text.

An equivalent of spaCy's PhraseMatcher for character-tokenised text, built
as a hash lookup of the substrings at each position whose lengths occur
among the surfaces starting with that character, which is several times
faster than matching on Doc objects.  Matches may overlap;
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


@dataclass
class LexiconMatcher:
    surfaces: dict  # surface -> (labels tuple, canonical)
    lengths: dict   # first char -> surface lengths starting with it, longest first

    @classmethod
    @lru_cache(maxsize=1)
    def build(cls) -> "LexiconMatcher":
        """The matcher of the ontology lexicon, built once per process and shared (read-only)."""
        surfaces: dict[str, tuple] = {}
        lengths: dict[str, set] = {}
        for surface, entries in lexicon.surfaces().items():
            if len(surface) < _MIN_LEN:
                continue
            labels = []
            for e in entries:
                if e.label not in labels:
                    labels.append(e.label)
            surfaces[surface] = (tuple(labels), entries[0].canonical)
            lengths.setdefault(surface[0], set()).add(len(surface))
        return cls(surfaces, {ch: sorted(v, reverse=True) for ch, v in lengths.items()})

    def find(self, text: str) -> list[tuple[int, int, tuple[str, ...], str]]:
        """All matches as (start, end, labels, canonical); latin surfaces only at word boundaries."""
        out = []
        lengths, surfaces = self.lengths, self.surfaces
        n = len(text)
        for i, ch in enumerate(text):
            ls = lengths.get(ch)
            if ls is None:
                continue
            for k in ls:
                if i + k > n:
                    continue
                hit = surfaces.get(text[i:i + k])
                if hit is None:
                    continue
                e = i + k
                if ch.isascii() and ch.isalnum() and i > 0 and text[i - 1].isascii() and text[i - 1].isalnum():
                    continue
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

"""Lexicon matcher: every occurrence of a surface of :mod:`nqikg.ontology.lexicon` in a text.

An equivalent of spaCy's PhraseMatcher for character-tokenised text, built
as a first-character index over the lexicon surfaces (longest first), which
is several times faster than matching on Doc objects.  Matches may overlap;
the merge step chooses.
"""
from __future__ import annotations

from dataclasses import dataclass

from nqikg.ontology import lexicon

from .patterns import Cand

# pillar words and other very short generic surfaces are matched only as whole
# "words": not when glued into a longer run of the same script that the lexicon
# does not know (检测 in 检测仪器 is not TESTING, the instrument is a PRODUCT)
_MIN_LEN = 2


@dataclass
class LexiconMatcher:
    index: dict  # first char -> list of (surface, labels tuple, canonical)

    @classmethod
    def build(cls) -> "LexiconMatcher":
        idx: dict[str, list] = {}
        for surface, entries in lexicon.surfaces().items():
            if len(surface) < _MIN_LEN:
                continue
            labels = []
            for e in entries:
                if e.label not in labels:
                    labels.append(e.label)
            idx.setdefault(surface[0], []).append((surface, tuple(labels), entries[0].canonical))
        for v in idx.values():
            v.sort(key=lambda x: -len(x[0]))
        return cls(idx)

    def find(self, text: str) -> list[tuple[int, int, tuple[str, ...], str]]:
        """All matches as (start, end, labels, canonical); latin surfaces only at word boundaries."""
        out = []
        idx = self.index
        n = len(text)
        for i, ch in enumerate(text):
            cands = idx.get(ch)
            if not cands:
                continue
            for surface, labels, canon in cands:
                if text.startswith(surface, i):
                    e = i + len(surface)
                    if surface[0].isascii() and surface[0].isalnum() and i > 0 and text[i - 1].isascii() and text[i - 1].isalnum():
                        continue
                    if surface[-1].isascii() and surface[-1].isalnum() and e < n and text[e].isascii() and text[e].isalnum():
                        continue
                    out.append((i, e, labels, canon))
        return out

    def cands(self, text: str) -> list[Cand]:
        return [Cand(s, e, labels[0], "lexicon", 30, canon) for s, e, labels, canon in self.find(text)]

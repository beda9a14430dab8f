"""Token features for the character NER: lexicon tags and word boundaries.

The spaCy pipeline has one token per character.  Before ``ner`` this
component writes two features the NER's hash embedding reads:

* ``token.tag_``: the lexicon label of the longest vocabulary match covering
  the character, with its position ("B-PRODUCT", "I-PRODUCT", "O"); an
  ambiguous surface gets "B-AMB"/"I-AMB";
* ``token.lemma_``: the character's position in its jieba word
  ("B", "M", "E", "S" and the word length capped at 4).

So the statistical NER learns how far to trust the ontology lexicon instead of
the lexicon being forced on it.
"""
from __future__ import annotations

from functools import lru_cache

import numpy
from spacy.attrs import IDX, LEMMA, TAG
from spacy.language import Language
from spacy.tokens import Doc

from .lexmatch import LexiconMatcher


@lru_cache(maxsize=1)
def _matcher() -> LexiconMatcher:
    return LexiconMatcher.build()


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def lexicon_tags(text: str) -> list[str]:
    tags = ["O"] * len(text)
    matches = sorted(_matcher().find(text), key=lambda m: (-(m[1] - m[0]), m[0]))
    for s, e, labels, _ in matches:
        if any(tags[i] != "O" for i in range(s, e)):
            continue
        lab = labels[0] if len(labels) == 1 else "AMB"
        tags[s] = "B-" + lab
        for i in range(s + 1, e):
            tags[i] = "I-" + lab
    return tags


def word_tags(text: str) -> list[str]:
    out: list[str] = []
    for w in _jieba().cut(text, HMM=False):
        n = len(w)
        k = str(min(n, 4))
        if n == 1:
            out.append("S")
        else:
            out.append("B" + k)
            out.extend(["M" + k] * (n - 2))
            out.append("E" + k)
    return out


def set_features(doc: Doc) -> Doc:
    """Write the features in one array operation (token-by-token attribute setting is slow)."""
    text = doc.text
    if not len(doc):
        return doc
    # with the char segmenter every token is one character (spaces may be whitespace of a token)
    lt = lexicon_tags(text)
    wt = word_tags(text)
    strings = doc.vocab.strings
    cache = _hash_cache
    idx = doc.to_array(IDX)
    arr = numpy.empty((len(doc), 2), dtype="uint64")
    for row, i in enumerate(idx.tolist()):
        a = lt[i] if i < len(lt) else "O"
        b = wt[i] if i < len(wt) else "S"
        ha = cache.get(a)
        if ha is None:
            ha = cache[a] = strings.add(a)
        hb = cache.get(b)
        if hb is None:
            hb = cache[b] = strings.add(b)
        arr[row, 0] = ha
        arr[row, 1] = hb
    doc.from_array([TAG, LEMMA], arr)
    return doc


_hash_cache: dict[str, int] = {}


@Language.component("nqi_features")
def nqi_features(doc: Doc) -> Doc:
    return set_features(doc)

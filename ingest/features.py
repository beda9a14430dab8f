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
    text = doc.text
    # with the char segmenter every token is one character (spaces may be whitespace of a token)
    lt = lexicon_tags(text)
    wt = word_tags(text)
    for tok in doc:
        i = tok.idx
        tok.tag_ = lt[i] if i < len(lt) else "O"
        tok.lemma_ = wt[i] if i < len(wt) else "S"
    return doc


@Language.component("nqi_features")
def nqi_features(doc: Doc) -> Doc:
    return set_features(doc)

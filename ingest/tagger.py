"""The statistical NER of the extractor: a linear-chain character tagger.

One BIO tag per character over the labels of ANNOTATION.md.  The score of a
tag sequence is the sum of feature weights of each character's tag plus a
weight for each pair of neighbouring tags; decoding is Viterbi with the BIO
constraints (no ``I-X`` after ``O`` or another label).  Training is the
averaged structured perceptron (Collins 2002).

Features are hashed into a fixed table (``2**BITS`` rows), so the model needs
no feature dictionary; the streams they read are numpy array operations over
a whole batch of sentences, hashing, table lookups and Viterbi compiled loops
(:mod:`.tagger_kernels`).  They are characters and character bigrams/trigrams
in a window of ±2, character classes (CJK, digit, latin, punctuation), the
ontology lexicon match covering the character (label and B/I/E/S position), so
the model learns how far to trust the lexicon, and where the words of a
general segmentation dictionary (jieba's, kept with the model) start, end and
run across, so names it does not list are found from their shape and context
without being cut inside a word.

A model may ship a context scorer beside its weights (``context.npz``,
:mod:`.context_scorer`): a small LSTM over the sentence whose tag scores,
times its weight, are added to the linear ones before decoding.

It is a spaCy component (factory ``nqi_ner``): it sets ``doc.ents`` and leaves
the lexicon matches it computed in ``doc.user_data["lexicon"]`` for the merge
step.  ``to_disk``/``from_disk`` keep the weights as sparse arrays.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch, registry
from spacy.vocab import Vocab

from . import tagger_kernels as kernels
from .context_scorer import ContextScorer
from .lexmatch import LexiconMatcher

BITS = 19
CONTEXT_FILE = "context.npz"  # the optional sentence-context scorer (:mod:`.context_scorer`)
NEG = np.float32(-1e9)  # score of a BIO-invalid tag
PAD = 2  # sentinel characters between sentences (the widest window is ±2)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SALT = np.array([0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93], dtype=np.uint64)

# (name, parts): each part is (stream, offset); streams: c = code point, k = class, l = lexicon tag,
# s / e = longest lexicon match starting / ending at the character, ws / we = longest dictionary
# word starting / ending there, wm = inside a dictionary word (a word covers the gap before it)
TEMPLATES: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = (
    ("bias", ()),
    ("c0", (("c", 0),)), ("c-1", (("c", -1),)), ("c+1", (("c", 1),)), ("c-2", (("c", -2),)), ("c+2", (("c", 2),)),
    ("c-1c0", (("c", -1), ("c", 0))), ("c0c+1", (("c", 0), ("c", 1))),
    ("c-2c-1", (("c", -2), ("c", -1))), ("c+1c+2", (("c", 1), ("c", 2))), ("c-1c+1", (("c", -1), ("c", 1))),
    ("c-1c0c+1", (("c", -1), ("c", 0), ("c", 1))),
    ("c-2c-1c0", (("c", -2), ("c", -1), ("c", 0))), ("c0c+1c+2", (("c", 0), ("c", 1), ("c", 2))),
    ("k-1k0k+1", (("k", -1), ("k", 0), ("k", 1))), ("k-2k-1", (("k", -2), ("k", -1))), ("k+1k+2", (("k", 1), ("k", 2))),
    ("l0", (("l", 0),)), ("l-1l0", (("l", -1), ("l", 0))), ("l0l+1", (("l", 0), ("l", 1))),
    ("l0c0", (("l", 0), ("c", 0))),
    ("s0", (("s", 0),)), ("e0", (("e", 0),)), ("e-1", (("e", -1),)), ("s+1", (("s", 1),)),
    ("w0", (("ws", 0), ("we", 0), ("wm", 0))), ("wm+1", (("wm", 1),)), ("we-1ws0", (("we", -1), ("ws", 0))),
    ("ws0c0", (("ws", 0), ("c", 0))), ("we0c0", (("we", 0), ("c", 0))),
)

TEMPLATE_NAMES = [name for name, _ in TEMPLATES]

STREAMS = ("c", "k", "l", "s", "e", "ws", "we", "wm")
# _PARTS[t, j] = (stream index, offset) of part j of template t; (-1, 0) past its last part
_PARTS = np.array([[(STREAMS.index(stream), off) for stream, off in parts] + [(-1, 0)] * (3 - len(parts))
                   for _, parts in TEMPLATES], dtype=np.int64)

# character classes
_K_PAD, _K_CJK, _K_DIGIT, _K_UPPER, _K_LOWER, _K_SPACE, _K_NUMERAL, _K_OPEN, _K_CLOSE, _K_OTHER = range(10)
_NUMERALS = np.array([ord(c) for c in "零〇一二两三四五六七八九十百千万亿"], dtype=np.uint64)
_OPEN = np.array([ord(c) for c in "《“（(「【‘\"'"], dtype=np.uint64)
_CLOSE = np.array([ord(c) for c in "》”）)」】’"], dtype=np.uint64)


def _classes(c: np.ndarray) -> np.ndarray:
    k = np.full(c.shape, _K_OTHER, dtype=np.uint64)
    k[(c >= 0x4E00) & (c <= 0x9FFF)] = _K_CJK
    k[np.isin(c, _NUMERALS)] = _K_NUMERAL
    k[((c >= 0x30) & (c <= 0x39)) | ((c >= 0xFF10) & (c <= 0xFF19))] = _K_DIGIT
    k[((c >= 0x41) & (c <= 0x5A)) | ((c >= 0xFF21) & (c <= 0xFF3A))] = _K_UPPER
    k[((c >= 0x61) & (c <= 0x7A)) | ((c >= 0xFF41) & (c <= 0xFF5A))] = _K_LOWER
    k[(c == 0x20) | (c == 0x3000) | (c == 0x09)] = _K_SPACE
    k[np.isin(c, _OPEN)] = _K_OPEN
    k[np.isin(c, _CLOSE)] = _K_CLOSE
    k[c == 0] = _K_PAD
    return k


class Tagset:
    """BIO tags over ``labels``: 0 is O, 1..n are B-label, n+1..2n are I-label (in label order).

    Viterbi scores O and B-X over every predecessor and I-X over just B-X and
    I-X (the BIO constraint)."""

    def __init__(self, labels: Sequence[str]):
        self.labels = tuple(labels)
        self.n = len(self.labels)

    def __len__(self) -> int:
        return 1 + 2 * self.n

    def encode(self, n: int, spans: Iterable[tuple[int, int, str]]) -> np.ndarray:
        tags = np.zeros(n, dtype=np.int64)
        index = {lab: i for i, lab in enumerate(self.labels)}
        for s, e, lab in spans:
            i = index.get(lab)
            if i is None or not 0 <= s < e <= n:
                continue
            tags[s] = 1 + i
            tags[s + 1:e] = 1 + self.n + i
        return tags

    def decode(self, tags: np.ndarray) -> list[tuple[int, int, str]]:
        out, start, cur, n = [], None, -1, self.n
        for i, t in enumerate(tags.tolist() + [0]):
            if start is not None and t != 1 + n + cur:
                out.append((start, i, self.labels[cur]))
                start = None
            if 1 <= t <= n:
                start, cur = i, t - 1
        return out


def _ngram_keys(code: np.ndarray, n: int) -> np.ndarray:
    """Hash of every ``n`` consecutive code points (rows of a 2-D array, or windows of a 1-D one)."""
    cols = [code[:, j] for j in range(n)] if code.ndim == 2 else [code[j:len(code) - n + 1 + j] for j in range(n)]
    h = cols[0].copy()
    with np.errstate(over="ignore"):
        for c in cols[1:]:
            h = (h * _MIX) ^ c
    return h


class WordIndex:
    """The words of a general segmentation dictionary (jieba's), as sorted hashes by length.

    The tagger reads from it where dictionary words start, end and run across, the
    word-boundary knowledge a character model lacks (电子计价秤 is not cut after 计)."""

    LENGTHS = (2, 3, 4)
    MIN_FREQ = 3

    def __init__(self, tables: dict[int, np.ndarray]):
        self.tables = tables

    @classmethod
    def from_words(cls, words: Iterable[str]) -> "WordIndex":
        by_len: dict[int, list[str]] = {n: [] for n in cls.LENGTHS}
        for w in words:
            if len(w) in by_len:
                by_len[len(w)].append(w)
        tables = {}
        for n, ws in by_len.items():
            code = np.frombuffer("".join(ws).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64).reshape(-1, n)
            tables[n] = np.unique(_ngram_keys(code, n))
        return cls(tables)

    @classmethod
    def from_jieba(cls) -> "WordIndex":
        """The Chinese words of jieba's dictionary seen at least MIN_FREQ times."""
        import jieba

        def words():
            with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as fh:
                for line in fh:
                    parts = line.split()
                    if len(parts) >= 2 and int(parts[1]) >= cls.MIN_FREQ and all("\u4e00" <= ch <= "\u9fff" for ch in parts[0]):
                        yield parts[0]
        return cls.from_words(words())

    def __contains__(self, word: str) -> bool:
        table = self.tables.get(len(word))
        if table is None or not len(table):
            return False
        key = _ngram_keys(np.frombuffer(word.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64), len(word))[0]
        i = int(np.searchsorted(table, key))
        return i < len(table) and table[i] == key

    def streams(self, code: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ws, we, wm) over a padded code-point stream."""
        ws, we, wm = (np.zeros(len(code), dtype=np.uint64) for _ in range(3))
        for n in sorted(self.tables):
            table = self.tables[n]
            if len(code) < n or not len(table):
                continue
            keys = _ngram_keys(code, n)
            order = np.argsort(keys)  # sorted, the search narrows from the last hit: twice as fast
            keys = keys[order]
            idx = np.minimum(np.searchsorted(table, keys), len(table) - 1)
            at = order[table[idx] == keys]
            ws[at] = n
            we[at + n - 1] = n
            for k in range(1, n):
                wm[at + k] = 1
        return ws, we, wm

    def save(self, path: Path) -> None:
        np.savez_compressed(path, **{str(n): t for n, t in self.tables.items()})

    @classmethod
    def load(cls, path: Path) -> "WordIndex":
        with np.load(path) as z:
            return cls({int(n): z[n] for n in z.files})


class Featurizer:
    """Hashed feature rows of every character of a batch of sentences."""

    def __init__(self, matcher: LexiconMatcher, lexicon_labels: Sequence[str], words: WordIndex | None = None,
                 bits: int = BITS):
        self.matcher = matcher
        self._words = words
        self.bits = bits
        self.lex_index = {lab: i for i, lab in enumerate(lexicon_labels)}
        self.lex_ambiguous = len(lexicon_labels)

    @property
    def words(self) -> WordIndex:
        if self._words is None:  # a new model; a saved one brings its own
            self._words = WordIndex.from_jieba()
        return self._words

    def lexicon_streams(self, text: str, matches) -> np.ndarray:
        """Three rows per character: the longest lexicon match covering it (1 + 4 * label +
        position B/I/E/S, non-overlapping, longest first), and the longest match starting and
        ending there, overlaps included (1 + 4 * label + length bucket 2/3/4/5+)."""
        out = np.zeros((3, len(text)), dtype=np.uint64)
        tags, starts, ends = out
        for s, e, labels, _ in sorted(matches, key=lambda m: (m[0] - m[1], m[0])):
            lab = self.lex_index.get(labels[0], self.lex_ambiguous) if len(labels) == 1 else self.lex_ambiguous
            base = 1 + 4 * lab
            size = base + min(e - s, 5) - 2
            if not starts[s]:
                starts[s] = size
            if not ends[e - 1]:
                ends[e - 1] = size
            if tags[s:e].any():
                continue
            if e - s == 1:
                tags[s] = base + 3
            else:
                tags[s] = base
                tags[s + 1:e - 1] = base + 1
                tags[e - 1] = base + 2
        return out

    def rows(self, texts: Sequence[str], matches: Sequence[list]) -> tuple[np.ndarray, np.ndarray]:
        """(H, offsets): H[t, i] is the row of template t for character i of the concatenated texts;
        text j covers rows offsets[j]:offsets[j+1]."""
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        total = int(offsets[-1])
        width = total + PAD * (len(texts) + 1)
        code = np.zeros(width, dtype=np.uint64)
        lex = np.zeros((3, width), dtype=np.uint64)
        # position of character i of the concatenation in the padded stream
        pos = np.arange(total, dtype=np.int64) + PAD * (1 + np.repeat(np.arange(len(texts)), lengths))
        if total:
            code[pos] = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
            lex[:, pos] = np.concatenate([self.lexicon_streams(t, m) for t, m in zip(texts, matches)], axis=1)
        ws, we, wm = self.words.streams(code)
        streams = np.stack([code, _classes(code), lex[0], lex[1], lex[2], ws, we, wm])  # in the order of STREAMS
        H = kernels.feature_rows(streams, pos, _PARTS, _SALT, _MIX, self.bits)
        return H, offsets


class TaggerModel:
    """Weights (hashed feature rows x tags), transition weights and Viterbi decoding."""

    def __init__(self, tagset: Tagset, bits: int = BITS):
        self.tagset = tagset
        self.bits = bits
        n = len(tagset)
        self.W = np.zeros((1 << bits, n), dtype=np.float32)
        self.T = np.zeros((n, n), dtype=np.float32)

    def emissions(self, H: np.ndarray) -> np.ndarray:
        """E[i, tag]: the sum of the weights of the feature rows H[:, i]."""
        return kernels.emissions(self.W, H)

    def viterbi(self, E: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Best BIO-valid tag of every character; text j covers E[offsets[j]:offsets[j+1]]."""
        return kernels.viterbi(E, offsets, self.T, self.tagset.n, NEG)

    @classmethod
    def mean(cls, models: Sequence["TaggerModel"]) -> "TaggerModel":
        """The model whose weights are the mean of ``models``' weights: decoding with it sums their scores,
        an ensemble at the cost of one model."""
        out = cls(models[0].tagset, models[0].bits)
        for m in models:
            out.W += m.W
            out.T += m.T
        out.W /= len(models)
        out.T /= len(models)
        return out

    # ------------------------------------------------------------- persistence
    def save(self, path: Path) -> None:
        flat = self.W.ravel()
        nz = np.flatnonzero(flat)
        np.savez_compressed(path, index=nz.astype(np.int32), value=flat[nz].astype(np.float16),
                            transitions=self.T, bits=np.array([self.bits]))

    @classmethod
    def load(cls, path: Path, tagset: Tagset) -> "TaggerModel":
        with np.load(path) as z:
            model = cls(tagset, int(z["bits"][0]))
            model.W.ravel()[z["index"]] = z["value"].astype(np.float32)
            model.T[...] = z["transitions"]
        return model


class Perceptron:
    """Averaged structured perceptron training of a :class:`TaggerModel`."""

    def __init__(self, model: TaggerModel):
        self.model = model
        self.W_sum = np.zeros_like(model.W)  # update x step, for lazy averaging
        self.T_sum = np.zeros_like(model.T)
        self.step = 1

    def update(self, H: np.ndarray, offsets: np.ndarray, gold: np.ndarray) -> int:
        """Decode a batch with the current weights and move them towards ``gold``; returns the errors."""
        m = self.model
        pred = m.viterbi(m.emissions(H), offsets)
        wrong = np.flatnonzero(pred != gold)
        if len(wrong):
            rows = H[:, wrong]
            for tags, sign in ((gold[wrong], 1.0), (pred[wrong], -1.0)):
                cols = np.tile(tags, rows.shape[0])
                np.add.at(m.W, (rows.ravel(), cols), sign)
                np.add.at(self.W_sum, (rows.ravel(), cols), sign * self.step)
            # transitions of the pairs inside each sentence
            first = np.zeros(len(gold), dtype=bool)
            first[offsets[:-1][offsets[:-1] < len(gold)]] = True
            i = np.flatnonzero(~first)
            for tags, sign in ((gold, 1.0), (pred, -1.0)):
                np.add.at(m.T, (tags[i - 1], tags[i]), sign)
                np.add.at(self.T_sum, (tags[i - 1], tags[i]), sign * self.step)
        self.step += 1
        return len(wrong)

    def averaged(self) -> TaggerModel:
        avg = TaggerModel(self.model.tagset, self.model.bits)
        avg.W = self.model.W - self.W_sum / self.step
        avg.T = self.model.T - self.T_sum / self.step
        return avg


class CharTagger:
    """spaCy component ``nqi_ner``: tags the characters of each doc and sets ``doc.ents``."""

    def __init__(self, nlp: Language, name: str, labels: Sequence[str], lexicon_labels: Sequence[str]):
        self.name = name
        self.tagset = Tagset(labels)
        self.lexicon_labels = tuple(lexicon_labels)
        self.featurizer = Featurizer(LexiconMatcher.build(), self.lexicon_labels)
        self.model = TaggerModel(self.tagset)
        self.context = None  # a ContextScorer (:mod:`.context_scorer`) when the model ships one

    def emissions(self, H: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """The linear model's score of every tag of every character, plus ``alpha`` times the context
        scorer's when there is one."""
        E = self.model.emissions(H)
        if self.context is not None:
            self.context.add_scores(E, H, offsets, TEMPLATE_NAMES, self.context.alpha)
        return E

    def lexicon_matches(self, text: str) -> list:
        return self.featurizer.matcher.find(text)

    def predict_spans(self, texts: Sequence[str], matches: Sequence[list]) -> list[list[tuple[int, int, str]]]:
        """Entity (start, end, label) character spans of each text."""
        H, offsets = self.featurizer.rows(texts, matches)
        tags = self.model.viterbi(self.emissions(H, offsets), offsets)
        return [self.tagset.decode(tags[offsets[j]:offsets[j + 1]]) for j in range(len(texts))]

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def tag(self, texts: Sequence[str]) -> list[tuple[list, list[tuple[int, int, str]]]]:
        """The lexicon matches and the entity spans of each text: what the component puts on a doc,
        without the doc (:meth:`.Extractor.annotate` reads them directly)."""
        matches = [self.lexicon_matches(t) for t in texts]
        return list(zip(matches, self.predict_spans(texts, matches)))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            tagged = self.tag([d.user_data.get("text") or d.text for d in batch])
            for doc, (m, spans) in zip(batch, tagged):
                doc.user_data["lexicon"] = m
                ents = [doc.char_span(s, e, label=lab, alignment_mode="contract") for s, e, lab in spans]
                doc.ents = [e for e in ents if e is not None and len(e)]
                yield doc

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.model.save(path / "weights.npz")
        self.featurizer.words.save(path / "words.npz")
        if self.context is not None:
            self.context.save(path / CONTEXT_FILE)
        (path / "tagger.json").write_text(json.dumps({"labels": self.tagset.labels, "bits": self.model.bits,
                                                      "lexicon_labels": self.lexicon_labels,
                                                      "templates": TEMPLATE_NAMES}), encoding="utf-8")

    def from_disk(self, path, *, exclude=()) -> "CharTagger":
        saved = json.loads((Path(path) / "tagger.json").read_text(encoding="utf-8")).get("templates")
        if saved != TEMPLATE_NAMES:
            raise ValueError(f"{path}: the weights were trained with other feature templates than this code has; "
                             "rebuild them with python -m nqikg.ingest.training.train_tagger")
        self.model = TaggerModel.load(Path(path) / "weights.npz", self.tagset)
        words = Path(path) / "words.npz"
        if not words.exists():
            raise FileNotFoundError(f"{words}: the model lacks its dictionary words; rebuild it with "
                                    "python -m nqikg.ingest.training.train_tagger")
        self.featurizer = Featurizer(self.featurizer.matcher, self.lexicon_labels, WordIndex.load(words))
        context = Path(path) / CONTEXT_FILE
        self.context = ContextScorer.load(context) if context.exists() else None
        if self.context is not None:
            self.context.check(context, TEMPLATE_NAMES, self.model.bits, len(self.tagset))
        return self


class CharTokenizer:
    """One token per character, whitespace included, so character offsets are token offsets;
    keeps the text in ``doc.user_data["text"]`` (rebuilding ``doc.text`` walks every token)."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        doc = Doc(self.vocab, words=list(text), spaces=[False] * len(text))
        doc.user_data["text"] = text
        return doc

    def to_disk(self, path, *, exclude=()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path, *, exclude=()) -> "CharTokenizer":
        return self


@registry.tokenizers("nqikg.CharTokenizer.v1")
def create_char_tokenizer():
    return lambda nlp: CharTokenizer(nlp.vocab)


@Language.factory("nqi_ner", default_config={"labels": [], "lexicon_labels": []})
def make_char_tagger(nlp: Language, name: str, labels: list[str], lexicon_labels: list[str]) -> CharTagger:
    return CharTagger(nlp, name, labels, lexicon_labels)

"""The sentence-wide context of the character tagger: a small bidirectional LSTM over the tagger's feature rows.

The linear tagger (:mod:`.tagger`) sees two characters on each side; whether
特种设备 in 计量、标准化、特种设备等质量技术机构 is a product, or 高端传感器 runs on
into 核心制造装备, is decided further away.  This scorer reads a few of the
tagger's hashed feature rows of each character (:data:`INPUT_TEMPLATES`:
the character, its bigrams, its class, the lexicon and dictionary-word
streams), sums their embeddings, runs an LSTM over the sentence in each
direction and gives a score of every BIO tag of every character.  The tagger
adds ``alpha`` times these scores to its own before Viterbi decoding (a
product of experts: the linear model keeps its sharp lexical evidence, the
LSTM adds context).  Scores are logits: a softmax would shift all tags of a
character alike, which changes no Viterbi path.

Its gates are piecewise linear (hard sigmoid, hard tanh) so inference needs no
exponentials: :func:`.tagger_kernels.add_bilstm_scores` runs it compiled, one
character at a time, both directions together, and adds the scores into the
tagger's.  Training (:mod:`.training.train_context`) uses PyTorch on CPU;
extraction needs only numpy and numba.
"""
from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import tagger_kernels as kernels

INPUT_TEMPLATES = ("c0", "c-1c0", "c0c+1", "l0", "w0", "k-1k0k+1")


@dataclass
class Direction:
    """One direction of the LSTM: ``input`` (dim x 4 hidden), ``recurrent`` (hidden x 4 hidden) and gate
    ``bias`` (4 hidden; gates i f g o)."""
    input: np.ndarray
    recurrent: np.ndarray
    bias: np.ndarray


class ContextScorer:
    """Tag scores of every character from the sentence around it, and their weight ``alpha`` in the tagger.

    ``embed_rows`` are the hashed rows any training sentence touched and ``embed_values`` their embeddings
    (the others are zero and not kept)."""

    def __init__(self, config: dict, embed_rows: np.ndarray, embed_values: np.ndarray, forward: Direction,
                 backward: Direction, out_weight: np.ndarray, out_bias: np.ndarray, alpha: float):
        self.config, self.alpha = config, alpha
        self.embed_rows = embed_rows.astype(np.int32)
        self.embed_values = embed_values.astype(np.float16)
        # C order throughout: the compiled loops vectorise only over contiguous rows
        self.forward, self.backward = (Direction(*(np.ascontiguousarray(a, dtype=np.float32)
                                                   for a in (d.input, d.recurrent, d.bias)))
                                       for d in (forward, backward))
        self.out_weight = np.ascontiguousarray(out_weight, np.float32)
        self.out_bias = np.asarray(out_bias, np.float32)
        # row 0 of ``table`` (zeros) stands for every hashed row no training sentence touched
        self.row_index = np.zeros(1 << config["bits"], dtype=np.int32)
        self.row_index[self.embed_rows] = np.arange(1, len(self.embed_rows) + 1, dtype=np.int32)
        self.table = np.vstack([np.zeros((1, config["dim"]), np.float32), self.embed_values.astype(np.float32)])

    @classmethod
    def from_dense(cls, config: dict, embed: np.ndarray, forward: Direction, backward: Direction,
                   out_weight: np.ndarray, out_bias: np.ndarray, alpha: float) -> "ContextScorer":
        """A scorer from a trained net whose embedding table is ``embed`` (2**bits x dim)."""
        used = np.flatnonzero(np.abs(embed).sum(1))
        return cls(config, used, embed[used], forward, backward, out_weight, out_bias, alpha)

    def check(self, path: Path, template_names: list[str], tagger_bits: int, n_tags: int) -> None:
        """Refuse a scorer that does not fit the tagger loading it (other feature rows, hash width or tags)."""
        missing = [t for t in self.config["templates"] if t not in template_names]
        if missing or self.config["tagger_bits"] != tagger_bits or len(self.out_bias) != n_tags:
            raise ValueError(f"{path}: the context scorer was trained for another tagger (templates {missing or 'ok'}, "
                             f"{self.config['tagger_bits']}-bit rows, {len(self.out_bias)} tags); rebuild it with "
                             "python -m nqikg.ingest.training.train_context")

    def add_scores(self, E: np.ndarray, H: np.ndarray, offsets: np.ndarray, template_names: list[str],
                   weight: float = 1.0) -> np.ndarray:
        """Add ``weight`` times the score of every tag of every character to ``E`` (characters x tags) in place;
        text j covers H[:, offsets[j]:offsets[j+1]] (the tagger's feature rows, templates ``template_names``)."""
        shift = self.config["tagger_bits"] - self.config["bits"]
        rows = self.row_index[H[[template_names.index(t) for t in self.config["templates"]]] >> shift]
        f, b = self.forward, self.backward
        kernels.add_bilstm_scores(E, self.table, rows, offsets, f.input, f.bias, f.recurrent, b.input, b.bias,
                                  b.recurrent, np.float32(weight) * self.out_weight,
                                  np.float32(weight) * self.out_bias)
        return E

    def scores(self, H: np.ndarray, offsets: np.ndarray, template_names: list[str]) -> np.ndarray:
        """Score of every tag of every character; text j covers H[:, offsets[j]:offsets[j+1]]."""
        return self.add_scores(np.zeros((H.shape[1], len(self.out_bias)), dtype=np.float32), H, offsets,
                               template_names)

    # ------------------------------------------------------------- persistence
    def save(self, path: Path) -> None:
        arrays = {"embed_rows": self.embed_rows, "embed_values": self.embed_values, "out_weight": self.out_weight,
                  "out_bias": self.out_bias, "config": np.array(json.dumps({**self.config, "alpha": self.alpha}))}
        for name, d in (("forward", self.forward), ("backward", self.backward)):
            for key in ("input", "recurrent", "bias"):
                arrays[f"{name}_{key}"] = getattr(d, key).astype(np.float32)
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> "ContextScorer":
        try:
            with np.load(path) as z:
                config = json.loads(str(z["config"]))
                alpha = config.pop("alpha")
                forward, backward = (Direction(*(z[f"{name}_{key}"] for key in ("input", "recurrent", "bias")))
                                     for name in ("forward", "backward"))
                return cls(config, z["embed_rows"], z["embed_values"], forward, backward, z["out_weight"],
                           z["out_bias"], alpha)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise ValueError(f"{path}: not a context scorer ({exc}); rebuild it with "
                             "python -m nqikg.ingest.training.train_context") from None

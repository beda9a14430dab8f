"""Train the tagger's sentence-context scorer (:mod:`nqikg.ingest.context_scorer`) and ship it with the tagger.

    python -m nqikg.ingest.training.train_context --holdout DIR [--model DIR] [--epochs N]

* data: the tagger's training records and mention-replacement copies
  (:mod:`.corpus`, :func:`.train_tagger.augmented`), the same ~10 % held out;
* the LSTM is trained on the other 90 % (PyTorch on CPU, Adam, cross-entropy
  per character); after each epoch the held-out records are tagged by the
  linear tagger that never saw them (``--holdout``, written by
  ``train_tagger --holdout``) plus ``alpha`` times the LSTM's scores, which
  picks the number of epochs and ``alpha``;
* the held-out run is kept in ``--holdout`` (for honest end-to-end figures of
  the relation classifier) and the LSTM is retrained on all records for the
  chosen epochs and added to ``--model`` (the shipped tagger), its figures in
  ``training.json``; a failed run leaves both models as they were.

PyTorch is needed here only (``pip install -e .[train]``); extraction runs the
trained net with numpy and numba.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ..context_scorer import INPUT_TEMPLATES, ContextScorer, Direction
from ..tagger import BITS, CONTEXT_FILE, TEMPLATE_NAMES
from .corpus import MODEL_DIR, SEED, load_records, split
from .train_tagger import Encoded, augmented, span_f1

EPOCHS = 8
ALPHAS = (1.0, 2.0, 4.0, 6.0, 8.0, 12.0, 16.0)   # weight of the LSTM's scores beside the linear scores
BATCH = 32
LR = 3e-3
NET = {"bits": 17, "dim": 16, "hidden": 8, "templates": INPUT_TEMPLATES}


def _net(n_tags: int, bits: int, dim: int, hidden: int, templates: tuple[str, ...], dropout: float = 0.2):
    """The torch net: summed embeddings of a character's input rows -> hard-gated BiLSTM -> tag logits."""
    import torch
    from torch import nn

    def hard_sigmoid(x):
        return torch.clamp(0.25 * x + 0.5, 0.0, 1.0)

    class Lstm(nn.Module):
        def __init__(self):
            super().__init__()
            self.input = nn.Linear(dim, 4 * hidden)
            self.recurrent = nn.Linear(hidden, 4 * hidden, bias=False)

        def forward(self, x, mask, reverse: bool):
            gates_x = self.input(x)
            batch, length, _ = x.shape
            state = x.new_zeros(batch, hidden)
            cell = x.new_zeros(batch, hidden)
            out = [None] * length
            for t in (range(length - 1, -1, -1) if reverse else range(length)):
                i, f, g, o = (gates_x[:, t] + self.recurrent(state)).chunk(4, -1)
                new_cell = hard_sigmoid(f) * cell + hard_sigmoid(i) * torch.clamp(g, -1.0, 1.0)
                new_state = hard_sigmoid(o) * torch.clamp(new_cell, -1.0, 1.0)
                m = mask[:, t, None]
                cell = torch.where(m, new_cell, cell)   # padding (after a sentence's end) leaves the state zero
                state = torch.where(m, new_state, state)
                out[t] = state
            return torch.stack(out, 1)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.EmbeddingBag(1 << bits, dim, mode="sum", sparse=True)
            nn.init.zeros_(self.embed.weight)   # rows no sentence touches stay zero: sparse to store
            self.drop = nn.Dropout(dropout)
            self.forward_lstm, self.backward_lstm = Lstm(), Lstm()
            self.out = nn.Linear(2 * hidden, n_tags)

        def forward(self, ids, mask):
            batch, length, n = ids.shape
            x = self.drop(self.embed(ids.view(-1, n)).view(batch, length, dim))
            y = torch.cat([self.forward_lstm(x, mask, False), self.backward_lstm(x, mask, True)], -1)
            return self.out(self.drop(y))

        def scorer(self, alpha: float) -> ContextScorer:
            """The compiled scorer of the current weights (copied: later training leaves it as it is)."""
            def array(param):
                return param.detach().numpy().copy()

            def direction(lstm):
                return Direction(array(lstm.input.weight).T, array(lstm.recurrent.weight).T, array(lstm.input.bias))
            config = {"bits": bits, "dim": dim, "hidden": hidden, "tagger_bits": BITS,
                      "templates": list(templates)}
            return ContextScorer.from_dense(config, array(self.embed.weight), direction(self.forward_lstm),
                                            direction(self.backward_lstm), array(self.out.weight).T,
                                            array(self.out.bias), alpha)
    return Net()


def _inputs(H_list: list[np.ndarray], bits: int, templates: tuple[str, ...]):
    """Padded input-row ids (batch, length, templates) and the mask of real characters."""
    import torch
    rows = [TEMPLATE_NAMES.index(t) for t in templates]
    length = max(h.shape[1] for h in H_list)
    ids = np.zeros((len(H_list), length, len(rows)), dtype=np.int64)
    mask = np.zeros((len(H_list), length), dtype=bool)
    for b, h in enumerate(H_list):
        ids[b, :h.shape[1]] = (h[rows] >> (BITS - bits)).T
        mask[b, :h.shape[1]] = True
    return torch.from_numpy(ids), torch.from_numpy(mask)


def _batches(enc: Encoded, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of sentences of similar length (little padding)."""
    order = list(range(len(enc.gold)))
    rng.shuffle(order)
    pool = BATCH * 50
    batches = []
    for i in range(0, len(order), pool):
        chunk = sorted(order[i:i + pool], key=lambda k: len(enc.gold[k]))
        batches += [chunk[j:j + BATCH] for j in range(0, len(chunk), BATCH)]
    rng.shuffle(batches)
    return batches


def _epoch(net, enc: Encoded, optimisers, rng: random.Random, bits: int, templates: tuple[str, ...]) -> float:
    import torch
    from torch import nn
    net.train()
    loss_fn = nn.CrossEntropyLoss(ignore_index=-1)
    dense = [p for name, p in net.named_parameters() if not name.startswith("embed")]
    total, batches = 0.0, _batches(enc, rng)
    for ids in batches:
        rows, mask = _inputs([enc.H[k] for k in ids], bits, templates)
        gold = torch.full(mask.shape, -1, dtype=torch.long)
        for b, k in enumerate(ids):
            gold[b, :len(enc.gold[k])] = torch.from_numpy(enc.gold[k])
        logits = net(rows, mask)
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), gold.view(-1))
        for opt in optimisers:
            opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(dense, 5.0)
        for opt in optimisers:
            opt.step()
        total += loss.item()
    return total / max(1, len(batches))


def _held_out_f1(component, scorer: ContextScorer, alpha: float, val_rows: list[dict]) -> float:
    """Strict span F1 on held-out records of the tagger with ``scorer`` at weight ``alpha``."""
    saved, component.context, scorer.alpha = component.context, scorer, alpha
    try:
        return span_f1(component, val_rows)
    finally:
        component.context = saved


class Fitted(NamedTuple):
    scorer: ContextScorer   # of the kept epoch, with its alpha (None when nothing was held out)
    epochs: int
    alpha: float | None
    history: list
    net: Any                # the PyTorch net after the last epoch


def fit(component, rows: list[dict], epochs: int, seed: int = SEED, val_rows: list[dict] | None = None,
        verbose: bool = True, lr: float = LR, **net_options):
    """Train a context scorer for ``component`` (a linear tagger) on ``rows``; with ``val_rows`` keep the
    best epoch and alpha on them.  ``net_options`` size the net (:data:`NET`)."""
    import torch
    torch.manual_seed(seed)
    options = {**NET, **net_options}
    rng = random.Random(seed)
    enc = Encoded(component, rows)
    net = _net(len(component.tagset), **options)
    optimisers = [torch.optim.SparseAdam(list(net.embed.parameters()), lr=lr),
                  torch.optim.Adam([p for name, p in net.named_parameters() if not name.startswith("embed")], lr=lr)]
    best, best_scorer, history, t0 = (-1.0, 0, None), None, [], time.time()
    for epoch in range(1, epochs + 1):
        loss = _epoch(net, enc, optimisers, rng, options["bits"], options["templates"])
        net.eval()
        if not val_rows:
            history.append((epoch, round(loss, 5)))
            if verbose:
                print(f"context epoch {epoch} loss {loss:.4f} ({time.time() - t0:.0f}s)", file=sys.stderr)
            continue
        scorer = net.scorer(0.0)
        f1 = {a: _held_out_f1(component, scorer, a, val_rows) for a in ALPHAS}
        alpha = max(f1, key=f1.get)
        history.append((epoch, round(loss, 5), {str(a): round(f, 4) for a, f in f1.items()}))
        if verbose:
            print(f"context epoch {epoch} loss {loss:.4f} validation strict F1 {f1[alpha]:.4f} at alpha {alpha} "
                  f"({time.time() - t0:.0f}s)", file=sys.stderr)
        if f1[alpha] > best[0]:
            best, best_scorer = (f1[alpha], epoch, alpha), scorer
        elif epoch - best[1] >= 2:
            break
    if val_rows:
        best_scorer.alpha = best[2]
        return Fitted(best_scorer, best[1], best[2], history, net)
    return Fitted(net.scorer(0.0), epochs, None, history, net)


def train(model_dir: Path = MODEL_DIR, holdout: Path | None = None, epochs: int = EPOCHS, seed: int = SEED,
          verbose: bool = True) -> dict:
    """Add a context scorer to the tagger of ``model_dir``, choosing epochs and alpha with the held-out
    tagger of ``holdout`` (which gets the held-out run's scorer)."""
    import spacy

    if holdout is None:
        raise SystemExit("train_context needs --holdout: the tagger trained without the held-out records "
                         "(python -m nqikg.ingest.training.train_tagger --holdout DIR)")
    rows, _ = load_records()
    train_rows, val_rows = split(rows)
    held = spacy.load(holdout).get_pipe("nqi_ner")
    held.context = None
    before = span_f1(held, val_rows)
    scorer, best_epoch, alpha, history, _ = fit(held, train_rows + augmented(train_rows, seed), epochs, seed,
                                                val_rows, verbose)
    full = spacy.load(model_dir).get_pipe("nqi_ner")
    full.context = None
    final, _, _, full_history, _ = fit(full, rows + augmented(rows, seed), best_epoch, seed, verbose=verbose)
    final.alpha = alpha
    meta = {"seed": seed, "best_epoch": best_epoch, "alpha": alpha, "net": final.config,
            "validation_strict_f1": {"linear": round(before, 4),
                                     "with_context": history[best_epoch - 1][2][str(alpha)]},
            "history": history, "full_history": full_history}
    for target, sc in ((holdout / "nqi_ner", scorer), (model_dir / "nqi_ner", final)):
        tmp = target / (CONTEXT_FILE + ".new.npz")
        sc.save(tmp)
        tmp.replace(target / CONTEXT_FILE)
    info = model_dir / "training.json"
    if info.exists():
        data = json.loads(info.read_text(encoding="utf-8"))
        data["context"] = meta
        info.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    if verbose:
        print(f"context scorer: {best_epoch} epochs, alpha {alpha}, held-out strict F1 {before:.4f} -> "
              f"{meta['validation_strict_f1']['with_context']:.4f} -> {model_dir / 'nqi_ner' / CONTEXT_FILE}",
              file=sys.stderr)
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=MODEL_DIR)
    ap.add_argument("--holdout", type=Path, required=True)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    a = ap.parse_args(argv)
    train(a.model, a.holdout, a.epochs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The per-character loops of the character tagger (:mod:`.tagger`), compiled with numba.

Hashing the feature templates, summing their weight rows and Viterbi decoding
walk one character at a time, which numpy can only do as many small array
operations over a batch.  Sums are float32 in a fixed order (template rows in
template order; a previous score plus a transition), ties go to the first tag,
and each sentence is decoded alone, so a result does not depend on the batch.
``cache=True`` keeps the machine code between processes.
"""
from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def feature_rows(streams: np.ndarray, pos: np.ndarray, parts: np.ndarray, salts: np.ndarray, mix: np.uint64,
                 bits: int) -> np.ndarray:
    """H[t, i]: the top ``bits`` bits of the hash of template t at position pos[i] of ``streams``; part j of
    template t reads stream parts[t, j, 0] at offset parts[t, j, 1] (stream -1: no more parts)."""
    H = np.empty((parts.shape[0], len(pos)), dtype=np.int64)
    shift = np.uint64(64 - bits)
    for t in range(parts.shape[0]):
        seed = np.uint64(t + 1) * mix
        for i in range(len(pos)):
            h = seed
            for j in range(parts.shape[1]):
                if parts[t, j, 0] < 0:
                    break
                h ^= (streams[parts[t, j, 0], pos[i] + parts[t, j, 1]] + np.uint64(1)) * salts[j]
                h *= mix
            H[t, i] = np.int64(h >> shift)
    return H


@numba.njit(cache=True)
def emissions(W: np.ndarray, H: np.ndarray) -> np.ndarray:
    """E[i] = W[H[0, i]] + W[H[1, i]] + ... (float32, in template order)."""
    n_tags = W.shape[1]
    E = np.empty((H.shape[1], n_tags), dtype=np.float32)
    for i in range(H.shape[1]):
        E[i] = W[H[0, i]]
        for t in range(1, H.shape[0]):
            row = W[H[t, i]]
            for k in range(n_tags):
                E[i, k] += row[k]
    return E


@numba.njit(cache=True)
def viterbi(E: np.ndarray, offsets: np.ndarray, T: np.ndarray, n: int, neg: np.float32) -> np.ndarray:
    """Best BIO-valid tag path of each sentence ``offsets[j]:offsets[j+1]`` of ``E`` under transitions ``T``.

    Tags as in :class:`.tagger.Tagset`: O and B-X (0..n) may follow any tag; I-X
    (n+1+x) only B-X or I-X, and continues I-X only when that scores strictly
    higher; no sentence starts with I-X (score ``neg``)."""
    n_tags = 2 * n + 1
    out = np.zeros(E.shape[0], dtype=np.int64)
    d = np.empty(n_tags, dtype=np.float32)
    nxt = np.empty(n_tags, dtype=np.float32)
    for j in range(len(offsets) - 1):
        a, b = offsets[j], offsets[j + 1]
        if b <= a:
            continue
        back = np.zeros((b - a, n_tags), dtype=np.int8)
        d[:] = E[a]
        d[n + 1:] = neg
        for t in range(1, b - a):
            for y in range(n + 1):  # O and B-X: from any tag, the first best
                back[t, y] = 0
                nxt[y] = d[0] + T[0, y]
            for p in range(1, n_tags):
                for y in range(n + 1):
                    s = d[p] + T[p, y]
                    if s > nxt[y]:
                        back[t, y] = p
                        nxt[y] = s
            for x in range(n):  # I-X: from B-X or I-X
                via_b = d[1 + x] + T[1 + x, n + 1 + x]
                via_i = d[n + 1 + x] + T[n + 1 + x, n + 1 + x]
                stay = via_i > via_b
                back[t, n + 1 + x] = n + 1 + x if stay else 1 + x
                nxt[n + 1 + x] = via_i if stay else via_b
            for y in range(n_tags):
                d[y] = nxt[y] + E[a + t, y]
        cur = 0
        for y in range(1, n_tags):
            if d[y] > d[cur]:
                cur = y
        out[b - 1] = cur
        for t in range(b - a - 1, 0, -1):
            cur = back[t, cur]
            out[a + t - 1] = cur
    return out


@numba.njit(cache=True, fastmath=True, boundscheck=False)
def _lstm_step(pre, state, cell):
    """Gates (i f g o) in ``pre`` -> the next ``cell`` and ``state``: hard-sigmoid gates, hard-tanh cell."""
    h = state.shape[0]
    zero, one, quarter, half = np.float32(0), np.float32(1), np.float32(0.25), np.float32(0.5)
    for m in range(h):
        gate_in = min(max(quarter * pre[m] + half, zero), one)
        gate_forget = min(max(quarter * pre[h + m] + half, zero), one)
        candidate = min(max(pre[2 * h + m], -one), one)
        gate_out = min(max(quarter * pre[3 * h + m] + half, zero), one)
        c = gate_forget * cell[m] + gate_in * candidate
        cell[m] = c
        state[m] = gate_out * min(max(c, -one), one)


@numba.njit(cache=True, fastmath=True, boundscheck=False)
def add_bilstm_scores(E: np.ndarray, table: np.ndarray, rows: np.ndarray, offsets: np.ndarray,
                      weight_f: np.ndarray, bias_f: np.ndarray, recurrent_f: np.ndarray, weight_b: np.ndarray,
                      bias_b: np.ndarray, recurrent_b: np.ndarray, out_weight: np.ndarray,
                      out_bias: np.ndarray) -> None:
    """Add to E[i] the tag scores ``[forward state, backward state] @ out_weight + out_bias`` of a
    bidirectional LSTM (hard-sigmoid gates, hard-tanh cells) run over each sentence
    ``offsets[j]:offsets[j+1]``; a character's input is the sum of the embedding rows ``table[rows[t, i]]``,
    its gates (i f g o) ``bias + input @ weight + recurrent x previous state`` (:mod:`.context_scorer`).
    The two directions advance together (two independent chains keep the core busy), each operand is read
    into a local before a loop so the compiler vectorises the gate sums, and a sentence's states stay in a
    small buffer."""
    h = recurrent_f.shape[0]
    g4 = 4 * h
    dim = table.shape[1]
    longest = 0
    for j in range(len(offsets) - 1):
        longest = max(longest, offsets[j + 1] - offsets[j])
    x = np.empty((longest, dim), dtype=np.float32)
    states = np.empty((longest, 2 * h), dtype=np.float32)
    pre_f, pre_b = np.empty(g4, dtype=np.float32), np.empty(g4, dtype=np.float32)
    state_f, cell_f = np.empty(h, dtype=np.float32), np.empty(h, dtype=np.float32)
    state_b, cell_b = np.empty(h, dtype=np.float32), np.empty(h, dtype=np.float32)
    for j in range(len(offsets) - 1):
        a, n = offsets[j], offsets[j + 1] - offsets[j]
        for i in range(n):
            first = rows[0, a + i]
            for k in range(dim):
                x[i, k] = table[first, k]
            for t in range(1, rows.shape[0]):
                r = rows[t, a + i]
                for k in range(dim):
                    x[i, k] += table[r, k]
        state_f[:] = 0
        cell_f[:] = 0
        state_b[:] = 0
        cell_b[:] = 0
        for s in range(n):
            fi, bi = s, n - 1 - s
            for k in range(g4):
                pre_f[k] = bias_f[k]
                pre_b[k] = bias_b[k]
            for d in range(dim):
                xf, xb = x[fi, d], x[bi, d]
                for k in range(g4):
                    pre_f[k] += xf * weight_f[d, k]
                    pre_b[k] += xb * weight_b[d, k]
            for m in range(h):
                sf, sb = state_f[m], state_b[m]
                for k in range(g4):
                    pre_f[k] += sf * recurrent_f[m, k]
                    pre_b[k] += sb * recurrent_b[m, k]
            _lstm_step(pre_f, state_f, cell_f)
            _lstm_step(pre_b, state_b, cell_b)
            states[fi, :h] = state_f
            states[bi, h:] = state_b
        for i in range(n):
            row = E[a + i]
            for k in range(out_bias.shape[0]):
                row[k] += out_bias[k]
            for m in range(2 * h):
                v = states[i, m]
                for k in range(out_bias.shape[0]):
                    row[k] += v * out_weight[m, k]

"""The character tagger: decoding, features, training and persistence."""
from __future__ import annotations

import json

import numpy as np
import pytest
import spacy

from nqikg.ingest import tagger
from nqikg.ingest.extract import LABELS, MODEL_DIR
from nqikg.ingest.training import train_tagger
from nqikg.ingest.training.corpus import COMPOSED, load_records


def _brute_viterbi(em: np.ndarray, trans: np.ndarray, start: np.ndarray) -> np.ndarray:
    d, back = em[0] + start, []
    for t in range(1, len(em)):
        cand = d[:, None] + trans
        back.append(cand.argmax(0))
        d = cand.max(0) + em[t]
    cur, path = int(d.argmax()), []
    path.append(cur)
    for b in reversed(back):
        cur = int(b[cur])
        path.append(cur)
    return np.array(path[::-1])


@pytest.mark.parametrize("ties", [False, True])
def test_viterbi_equals_textbook_viterbi_with_bio_constraints(ties):
    """Same path as argmax over the full tags x tags step, ties (small integer scores) going to the first tag."""
    tags = tagger.Tagset(LABELS)
    model = tagger.TaggerModel(tags, bits=4)
    rng = np.random.default_rng(7)
    draw = (lambda size: rng.integers(-2, 3, size=size)) if ties else (lambda size: rng.normal(size=size))
    model.T[...] = draw(model.T.shape)
    n, k = tags.n, len(tags)
    constraint = np.zeros((k, k), dtype=np.float32)
    for inside in range(n + 1, k):  # I-X only after B-X or I-X
        constraint[:, inside] = tagger.NEG
        constraint[inside - n, inside] = constraint[inside, inside] = 0
    start = np.where(np.arange(k) > n, tagger.NEG, 0).astype(np.float32)
    lengths = rng.integers(1, 40, size=200)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    em = draw((offsets[-1], k)).astype(np.float32)
    got = model.viterbi(em, offsets)
    for j in range(len(lengths)):
        a, b = offsets[j], offsets[j + 1]
        assert got[a:b].tolist() == _brute_viterbi(em[a:b], model.T + constraint, start).tolist()


def test_tagset_round_trip():
    tags = tagger.Tagset(LABELS)
    spans = [(0, 2, "ORG"), (2, 3, "LOC"), (5, 9, "METHOD")]
    assert tags.decode(tags.encode(10, spans)) == spans


def test_lexicon_streams_mark_vocabulary_terms():
    nlp = spacy.load(MODEL_DIR)
    comp = nlp.get_pipe("nqi_ner")
    text = "推进集成电路产业计量测试中心建设"
    streams = comp.featurizer.lexicon_streams(text, comp.lexicon_matches(text))
    s = text.index("集成电路")
    assert streams[0, s] and streams[1, s], "a vocabulary term starts here"
    assert not streams[0, 0] and not streams[1, 0]


def test_dictionary_word_streams(tmp_path):
    words = tagger.WordIndex.from_words(["电子", "计价", "计价秤", "合格率", "合格", "三个字的词太长了"])
    text = "电子计价秤合格率"
    code = np.concatenate([[0, 0], np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32), [0, 0]]).astype(np.uint64)
    ws, we, wm = (x[2:-2].tolist() for x in words.streams(code))
    assert ws == [2, 0, 3, 0, 0, 3, 0, 0]  # 电子, 计价秤, 合格率 start here
    assert we == [0, 2, 0, 2, 3, 0, 2, 3]
    assert wm == [0, 1, 0, 1, 1, 0, 1, 1]  # 价 is inside 计价: no name boundary before it
    tagger.WordIndex.from_words([]).streams(code)  # an empty dictionary matches nothing
    assert "计价秤" in words and "价秤" not in words and "" not in words and "计量标准器" not in words
    words.save(tmp_path / "w.npz")
    assert all(x.tolist() == y.tolist() for x, y in zip(tagger.WordIndex.load(tmp_path / "w.npz").streams(code),
                                                        words.streams(code)))


def test_training_learns_and_saved_model_predicts_the_same(tmp_path):
    rows = [r for r in load_records()[0] if r["entities"]][:80]
    nlp = train_tagger.make_nlp()
    comp = nlp.get_pipe("nqi_ner")
    assert train_tagger.span_f1(comp, rows) < 0.2  # untrained
    train_tagger.fit(comp, rows, epochs=15, verbose=False)
    assert train_tagger.span_f1(comp, rows) > 0.75  # fits what it was trained on
    nlp.to_disk(tmp_path / "m")
    again = spacy.load(tmp_path / "m")
    texts = [r["text"] for r in rows[:20]]
    assert [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in nlp.pipe(texts)] == \
           [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in again.pipe(texts)]


def test_the_mean_of_seeds_scores_as_their_ensemble():
    """The shipped weights are the mean of several seeds' models: its scores are the mean of theirs."""
    rows = [r for r in load_records()[0] if r["entities"]][:60]
    nlp = train_tagger.make_nlp()
    comp = nlp.get_pipe("nqi_ner")
    models = []
    for seed in (1, 2):
        train_tagger.fit(comp, rows, epochs=6, verbose=False, seed=seed)
        models.append(comp.model)
    assert not np.array_equal(models[0].W, models[1].W)  # the seeds shuffle differently
    H = train_tagger.Encoded(comp, rows[:5]).H[0]
    mean = tagger.TaggerModel.mean(models)
    assert np.allclose(mean.emissions(H), (models[0].emissions(H) + models[1].emissions(H)) / 2, atol=1e-4)
    assert np.allclose(mean.T, (models[0].T + models[1].T) / 2)
    comp.model = mean
    assert train_tagger.span_f1(comp, rows) > 0.6


@pytest.mark.parametrize("text", ["", " ", "\u3000\n", "a" * 3000, "中" * 6000])
def test_degenerate_texts(text):
    nlp = spacy.load(MODEL_DIR)
    doc = nlp(text)
    assert doc.user_data["text"] == text and len(doc) == len(text)


def test_composed_records_train_the_tagger_once():
    """Every training file teaches the tagger; only the entity-first ones get mention-replacement copies."""
    rows = load_records()[0]
    composed = {r["id"] for r in rows if r["source"].startswith(COMPOSED)}
    entity_first = {r["id"] for r in rows} - composed
    assert len(composed) >= 900 and len(entity_first) >= 2000
    copied = {a["id"].split("#aug")[0] for a in train_tagger.augmented(rows)}
    assert copied and copied <= entity_first


def test_weights_of_other_feature_templates_are_refused(tmp_path):
    """Weights are rows of hashed templates: read with other templates they would tag nonsense, so loading
    them fails and says how to rebuild."""
    nlp = train_tagger.make_nlp()
    nlp.to_disk(tmp_path / "m")
    info = tmp_path / "m" / "nqi_ner" / "tagger.json"
    saved = json.loads(info.read_text(encoding="utf-8"))
    assert saved["templates"] == [name for name, _ in tagger.TEMPLATES]
    spacy.load(tmp_path / "m")  # the same templates load
    saved["templates"] = saved["templates"][:-1]
    info.write_text(json.dumps(saved), encoding="utf-8")
    with pytest.raises(ValueError, match="other feature templates.*train_tagger"):
        spacy.load(tmp_path / "m")


def _reference_lstm(x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Textbook LSTM over one sentence's inputs x (length x dim) with hard-sigmoid gates and hard-tanh cells."""
    hs = lambda v: np.clip(0.25 * v + 0.5, 0, 1)  # noqa: E731
    h = np.zeros(U.shape[0])
    c = np.zeros(U.shape[0])
    out = []
    for xt in x:
        i, f, g, o = np.split(xt @ W + h @ U + b, 4)
        c = hs(f) * c + hs(i) * np.clip(g, -1, 1)
        h = hs(o) * np.clip(c, -1, 1)
        out.append(h)
    return np.array(out).reshape(len(x), U.shape[0])


def test_context_scores_equal_a_textbook_bilstm():
    """The compiled scorer gives, for every sentence of a batch, what a plain BiLSTM over that sentence alone
    gives: summed embeddings of the chosen feature rows (rows no sentence touched are zero), each direction's
    hard-gated LSTM, the output layer."""
    from nqikg.ingest.context_scorer import ContextScorer, Direction
    rng = np.random.default_rng(3)
    bits, dim, hidden, n_tags = 10, 6, 5, len(tagger.Tagset(LABELS))
    templates = ["c0", "c-1c0", "l0"]
    embed = rng.normal(size=(1 << bits, dim)).astype(np.float32)
    embed[rng.random(1 << bits) < 0.3] = 0                      # rows training never touched
    embed = embed.astype(np.float16).astype(np.float32)           # as stored
    dirs = [Direction(rng.normal(size=(dim, 4 * hidden)), rng.normal(size=(hidden, 4 * hidden)) * 0.5,
                      rng.normal(size=4 * hidden)) for _ in range(2)]
    out_w, out_b = rng.normal(size=(2 * hidden, n_tags)), rng.normal(size=n_tags)
    config = {"bits": bits, "dim": dim, "hidden": hidden, "tagger_bits": tagger.BITS, "templates": templates}
    scorer = ContextScorer.from_dense(config, embed, *dirs, out_w, out_b, alpha=2.0)
    assert len(scorer.embed_rows) == int((np.abs(embed).sum(1) > 0).sum())
    lengths = [7, 1, 12, 3]
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    H = rng.integers(0, 1 << tagger.BITS, size=(len(tagger.TEMPLATES), offsets[-1]))
    got = scorer.scores(H, offsets, tagger.TEMPLATE_NAMES)
    rows = H[[tagger.TEMPLATE_NAMES.index(t) for t in templates]] >> (tagger.BITS - bits)
    x = embed[rows].sum(0)
    for j in range(len(lengths)):
        a, b = offsets[j], offsets[j + 1]
        fwd = _reference_lstm(x[a:b], dirs[0].input, dirs[0].recurrent, dirs[0].bias)
        bwd = _reference_lstm(x[a:b][::-1], dirs[1].input, dirs[1].recurrent, dirs[1].bias)[::-1]
        want = np.hstack([fwd, bwd]) @ out_w + out_b
        assert np.allclose(got[a:b], want, atol=1e-3), j
        alone = scorer.scores(H[:, a:b], np.array([0, b - a]), tagger.TEMPLATE_NAMES)
        assert np.allclose(alone, got[a:b], atol=1e-5)
    # added into a tagger's scores with a weight
    base = rng.normal(size=got.shape).astype(np.float32)
    assert np.allclose(scorer.add_scores(base.copy(), H, offsets, tagger.TEMPLATE_NAMES, 2.0), base + 2 * got,
                       atol=1e-4)
    scorer.check("context.npz", tagger.TEMPLATE_NAMES, tagger.BITS, n_tags)
    with pytest.raises(ValueError, match=r"context\.npz: .*\['l0'\]"):
        scorer.check("context.npz", [t for t in tagger.TEMPLATE_NAMES if t != "l0"], tagger.BITS, n_tags)
    with pytest.raises(ValueError, match="another tagger"):
        scorer.check("context.npz", tagger.TEMPLATE_NAMES, tagger.BITS, n_tags + 2)


def test_context_scorer_file_round_trips_and_a_broken_one_is_named(tmp_path):
    from nqikg.ingest.context_scorer import ContextScorer, Direction
    rng = np.random.default_rng(5)
    dirs = [Direction(rng.normal(size=(4, 8)), rng.normal(size=(2, 8)), rng.normal(size=8)) for _ in range(2)]
    config = {"bits": 8, "dim": 4, "hidden": 2, "tagger_bits": tagger.BITS, "templates": ["c0"]}
    scorer = ContextScorer.from_dense(config, rng.normal(size=(256, 4)), *dirs, rng.normal(size=(4, 3)),
                                      rng.normal(size=3), alpha=3.0)
    scorer.save(tmp_path / "context.npz")
    H = rng.integers(0, 1 << tagger.BITS, size=(len(tagger.TEMPLATES), 9))
    again = ContextScorer.load(tmp_path / "context.npz")
    assert again.alpha == 3.0 and again.config == config
    assert np.array_equal(again.scores(H, np.array([0, 4, 9]), tagger.TEMPLATE_NAMES),
                          scorer.scores(H, np.array([0, 4, 9]), tagger.TEMPLATE_NAMES))
    broken = tmp_path / "broken.npz"
    broken.write_bytes((tmp_path / "context.npz").read_bytes()[:300])
    for path in (broken, tmp_path / "missing.npz"):
        with pytest.raises(ValueError, match=f"{path.name}: not a context scorer"):
            ContextScorer.load(path)


def test_context_scorer_trains_matches_its_net_and_round_trips(tmp_path):
    """The LSTM trains on the tagger's feature rows, picks its epochs and alpha on held-out records, scores
    as its PyTorch net does, and reads back from its file with the same scores; the tagger adds alpha x the
    scores to its linear ones, saves the scorer beside its weights and decodes without it when it is gone."""
    torch = pytest.importorskip("torch", reason="training needs the [train] extra (make test installs it)")
    from nqikg.ingest.context_scorer import ContextScorer
    from nqikg.ingest.training import train_context
    rows = [r for r in load_records()[0] if r["entities"] and len(r["text"]) <= 60][:90]
    nlp = train_tagger.make_nlp()
    comp = nlp.get_pipe("nqi_ner")
    train_tagger.fit(comp, rows[:60], epochs=4, verbose=False)
    small = {"bits": 14, "dim": 16, "hidden": 16, "lr": 2e-2}
    _, epochs, alpha, history, _ = train_context.fit(comp, rows[:60], 3, val_rows=rows[60:], verbose=False,
                                                     **small)
    assert 1 <= epochs <= 3 and alpha in train_context.ALPHAS and len(history) >= min(epochs + 1, 3)
    enc = train_tagger.Encoded(comp, rows[:6])
    H, offsets, gold = enc.batch(list(range(6)))
    untrained = train_context.fit(comp, rows[:60], 0, verbose=False, **small)[0].scores(
        H, offsets, tagger.TEMPLATE_NAMES)
    scorer, _, _, _, net = train_context.fit(comp, rows[:60], 60, verbose=False, **small)
    scorer.alpha = alpha
    scores = scorer.scores(H, offsets, tagger.TEMPLATE_NAMES)
    assert scores.shape == (len(gold), len(comp.tagset))
    tagged = gold > 0
    assert (untrained.argmax(1) == gold)[tagged].mean() < 0.2 < 0.7 < (scores.argmax(1) == gold)[tagged].mean()
    # the net that was trained and the compiled scorer agree (embeddings rounded to float16 when stored)
    ids, mask = train_context._inputs(enc.H, small["bits"], train_context.NET["templates"])
    with torch.no_grad():
        logits = net.eval()(ids, mask).numpy()
    assert np.allclose(np.concatenate([logits[b, :len(g)] for b, g in enumerate(enc.gold)]), scores, atol=0.05)
    scorer.save(tmp_path / "context.npz")
    again = ContextScorer.load(tmp_path / "context.npz")
    assert again.alpha == alpha and np.array_equal(again.scores(H, offsets, tagger.TEMPLATE_NAMES), scores)
    comp.context = scorer
    assert np.allclose(comp.emissions(H, offsets), comp.model.emissions(H) + np.float32(alpha) * scores, atol=1e-3)
    nlp.to_disk(tmp_path / "m")
    loaded = spacy.load(tmp_path / "m").get_pipe("nqi_ner")
    assert loaded.context is not None and loaded.context.alpha == alpha   # (linear weights are stored as float16)
    assert np.allclose(loaded.emissions(H, offsets) - loaded.model.emissions(H), np.float32(alpha) * scores, atol=1e-3)
    foreign = ContextScorer(scorer.config | {"tagger_bits": tagger.BITS - 1}, scorer.embed_rows, scorer.embed_values,
                            scorer.forward, scorer.backward, scorer.out_weight, scorer.out_bias, alpha)
    foreign.save(tmp_path / "m" / "nqi_ner" / tagger.CONTEXT_FILE)
    with pytest.raises(ValueError, match="trained for another tagger"):
        spacy.load(tmp_path / "m")
    (tmp_path / "m" / "nqi_ner" / tagger.CONTEXT_FILE).unlink()
    plain = spacy.load(tmp_path / "m").get_pipe("nqi_ner")
    assert plain.context is None and np.array_equal(plain.emissions(H, offsets), plain.model.emissions(H))


def test_shipped_tagger_has_its_context_scorer():
    comp = spacy.load(MODEL_DIR).get_pipe("nqi_ner")
    meta = json.loads((MODEL_DIR / "training.json").read_text(encoding="utf-8"))["context"]
    assert comp.context is not None and comp.context.alpha == meta["alpha"] > 0
    assert comp.context.config == meta["net"]
    assert meta["validation_strict_f1"]["with_context"] > meta["validation_strict_f1"]["linear"]


def test_the_extractor_version_covers_every_file_of_the_tagger(tmp_path):
    """A rebuilt LSTM (or any other file of the tagger's folder) changes what is extracted, so it changes the
    version by which the builder decides to extract a document again."""
    import shutil

    from nqikg.ingest.extract import Extractor
    shutil.copytree(MODEL_DIR, tmp_path / "model")

    def version() -> str:
        ex = Extractor(None)
        ex.model_dir = tmp_path / "model"
        return ex.version

    before = version()
    assert version() == before
    (tmp_path / "model" / "nqi_ner" / tagger.CONTEXT_FILE).write_bytes(b"another scorer")
    assert version() != before


def test_the_extractor_reads_what_the_spacy_component_sets():
    """The extractor calls the component's ``tag`` without a Doc; through ``nlp.pipe`` spaCy users get the same
    entities and lexicon matches on their docs (spaces, Latin runs and digits included)."""
    nlp = spacy.load(MODEL_DIR)
    texts = ["市场监管总局发布GB/T 4754-2017《国民经济行业分类》。", "ISO 9001 质量管理体系认证覆盖 95.2% 的企业。",
             "在集成电路、航空航天等新兴领域建设产业计量测试中心。", ""]
    tagged = nlp.get_pipe("nqi_ner").tag(texts)
    for doc, (matches, spans) in zip(nlp.pipe(texts), tagged):
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [s for s in spans if s[1] > s[0]]
        assert doc.user_data["lexicon"] == matches
    assert any(spans for _, spans in tagged)

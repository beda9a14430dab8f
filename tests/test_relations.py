"""Relations: the ontology's type signatures, candidates, the trained classifier, and one code path from
``nqikg extract`` to the edges of the built store."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from nqikg.ingest.build import build
from nqikg.ingest.extract import evaluate
from nqikg.ingest.link import Linker
from nqikg.ingest.relation_features import SentenceView, pair_features
from nqikg.ingest.relations import ModelError, RelationModel, candidates, features
from nqikg.ontology import iri, shared_dir, vocab
from nqikg.queries import store as stores

DEV = shared_dir() / "gold" / "dev.jsonl"
NQI = "https://w3id.org/nqikg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PROV = "http://www.w3.org/ns/prov#"


def _ent(text: str, surface: str, label: str, after: int = 0) -> dict:
    start = text.index(surface, after)
    return {"start": start, "end": start + len(surface), "label": label, "text": surface}


def _ents(text: str, *pairs: tuple[str, str]) -> list[dict]:
    out, pos = [], 0
    for surface, label in pairs:
        e = _ent(text, surface, label, pos)
        out.append(e)
        pos = e["end"]
    return out


def _triples(result: list[dict]) -> set[tuple]:
    return {(r["subject"], r["predicate"], r["object"]) for r in result}


def test_signatures_come_from_the_ontology():
    sig = vocab.relation_signatures()
    assert set(sig) == {"supports", "belongsToIndustry", "issuedBy", "developedBy", "bottleneck"}
    assert sig["supports"].subject_labels == {"METROLOGY", "STANDARD", "TESTING", "CERTIFICATION", "NQI"}
    assert sig["supports"].object_labels == {"INDUSTRY", "PRODUCT"}
    assert sig["issuedBy"].object_labels == sig["developedBy"].object_labels == {"ORG"}
    assert sig["bottleneck"].one_place and sig["bottleneck"].subject_labels == {"PRODUCT"}
    assert sig["belongsToIndustry"].term == NQI + "belongsToIndustry"


def test_candidates_only_from_the_signatures():
    text = "广东省市场监督管理局印发《计量发展规划》，建设新能源汽车产业计量测试中心，服务动力电池和储能产业。"
    ents = _ents(text, ("广东省市场监督管理局", "ORG"), ("计量发展规划", "POLICY"), ("产业计量测试中心", "METROLOGY"),
                 ("动力电池", "PRODUCT"), ("储能", "INDUSTRY"))
    view = SentenceView.of(text, ents)
    sig = vocab.relation_signatures()
    got = candidates(view)
    for c in got:
        s = view.entities[c.subject]
        assert s["label"] in sig[c.predicate].subject_labels
        if c.object is None:
            assert sig[c.predicate].one_place
        else:
            assert view.entities[c.object]["label"] in sig[c.predicate].object_labels
    pairs = {(c.predicate, view.entities[c.subject]["text"], view.entities[c.object]["text"] if c.object is not None
              else None) for c in got}
    assert ("issuedBy", "计量发展规划", "广东省市场监督管理局") in pairs
    assert ("supports", "产业计量测试中心", "储能") in pairs
    # rule 9: without a marker of foreign dependence or shortfall no product is a bottleneck candidate
    assert not any(p == "bottleneck" for p, _, _ in pairs)
    text2 = text.replace("储能产业。", "储能产业，其隔膜依赖进口。")
    view2 = SentenceView.of(text2, ents)
    assert [view2.entities[c.subject]["text"] for c in candidates(view2) if c.predicate == "bottleneck"] == ["动力电池"]
    assert not any(p == "supports" and o == "广东省市场监督管理局" for p, _, o in pairs)  # an ORG is not supported
    assert len(pairs) == len(got)


def test_a_line_of_several_sentences_pairs_entities_within_each():
    """A relation is a claim of one sentence: in a line of two, no candidate pairs ends across the 。."""
    text = "计量支撑集成电路。标准服务新能源汽车！认证认可面向轨道交通"
    ents = _ents(text, ("计量", "METROLOGY"), ("集成电路", "INDUSTRY"), ("标准", "STANDARD"),
                 ("新能源汽车", "INDUSTRY"), ("认证认可", "CERTIFICATION"), ("轨道交通", "INDUSTRY"))
    view = SentenceView.of(text, ents)
    assert view.sentence == [0, 0, 1, 1, 2, 2]
    pairs = {(view.entities[c.subject]["text"], view.entities[c.object]["text"])
             for c in candidates(view) if c.object is not None}
    assert pairs == {("计量", "集成电路"), ("标准", "新能源汽车"), ("认证认可", "轨道交通")}


def test_aliases_and_class_words_take_no_relation():
    """Rule 7: relations go on the full name, not on the alias declared with 以下简称; rule 10: a class word
    beside a named standard takes none."""
    text = "国家标准委发布《电动汽车安全要求》（以下简称《要求》）强制性国家标准GB 18384-2020。"
    ents = _ents(text, ("国家标准委", "ORG"), ("电动汽车安全要求", "STANDARD"), ("要求", "STANDARD"),
                 ("强制性国家标准", "STANDARD"), ("GB 18384-2020", "STANDARD"))
    view = SentenceView.of(text, ents)
    subjects = {view.entities[c.subject]["text"] for c in candidates(view)}
    assert "电动汽车安全要求" in subjects and "GB 18384-2020" in subjects
    assert "要求" not in subjects and "强制性国家标准" not in subjects


def test_each_feature_counts_once():
    """The classifier is trained on binary features, so a character or cue that recurs in the gap (支撑、引领、
    服务) must not add its weight twice when a candidate is scored."""
    text = "计量与标准支撑、引领、服务集成电路产业。"
    ents = _ents(text, ("计量", "METROLOGY"), ("标准", "STANDARD"), ("集成电路", "INDUSTRY"))
    view = SentenceView.of(text, ents)
    pairs = [c for c in candidates(view) if c.object is not None]
    raw = [pair_features(view, c.subject, c.object, c.predicate) for c in pairs]
    assert any(len(set(f)) < len(f) for f in raw)  # the sentence does repeat features
    for c, f in zip(pairs, raw):
        assert features(view, c) == list(dict.fromkeys(f))


def test_a_product_listed_among_institutions_is_marked():
    """计量、检验检测、特种设备等机构 lists kinds of institution: the product word in it is marked as standing in a
    mixed list (rule 4: co-occurrence in a list is no relation); a product served by an institution is not."""
    text = "提升计量、检验检测、特种设备等技术机构能力，建设电梯检验检测中心服务电梯产业。"
    ents = _ents(text, ("计量", "METROLOGY"), ("检验检测", "TESTING"), ("特种设备", "PRODUCT"),
                 ("电梯检验检测中心", "TESTING"), ("电梯", "INDUSTRY"))
    view = SentenceView.of(text, ents)
    assert [view.in_mixed_list(i) for i in range(len(ents))] == [True, True, True, False, False]
    center, product, industry = 3, 2, 4
    assert "supports|obj-in-mixed-list" in pair_features(view, center, product, "supports")
    assert "supports|obj-in-mixed-list" not in pair_features(view, center, industry, "supports")


@pytest.mark.parametrize("text, pairs, expected", [
    ("国家市场监督管理总局印发《关于加强民用无人机质量安全监管的通知》。",
     (("国家市场监督管理总局", "ORG"), ("关于加强民用无人机质量安全监管的通知", "POLICY")),
     {("关于加强民用无人机质量安全监管的通知", "issuedBy", "国家市场监督管理总局")}),
    ("浙江省计量科学研究院研制的智能燃气表检定装置通过验收。",
     (("浙江省计量科学研究院", "ORG"), ("智能燃气表检定装置", "METROLOGY")),
     {("智能燃气表检定装置", "developedBy", "浙江省计量科学研究院")}),
    ("我国高端光刻胶长期依赖进口。", (("我国", "LOC"), ("高端光刻胶", "PRODUCT")),
     {("高端光刻胶", "bottleneck", None)}),
    ("加快研制氢燃料电池汽车标准，为氢能产业提供计量测试服务。",
     (("氢燃料电池汽车", "PRODUCT"), ("标准", "STANDARD"), ("氢能", "INDUSTRY"), ("计量测试", "METROLOGY")),
     {("标准", "supports", "氢燃料电池汽车"), ("计量测试", "supports", "氢能")}),
])
def test_classifier_decides_unseen_sentences(text, pairs, expected):
    """Sentences written for this test (not in the training data): the shipped model finds their relations."""
    got = _triples(RelationModel.load().relations(text, _ents(text, *pairs)))
    assert expected <= got, got


def test_classifier_rejects_co_occurrence_and_negation():
    model = RelationModel.load()
    text = "计量、标准、认证认可、检验检测、特种设备等机构的人员数量持续增长。"
    ents = _ents(text, ("计量", "METROLOGY"), ("标准", "STANDARD"), ("认证认可", "CERTIFICATION"),
                 ("检验检测", "TESTING"), ("特种设备", "PRODUCT"))
    assert not [r for r in model.relations(text, ents) if r["predicate"] == "supports"]
    text = "我国液晶面板产量连续多年位居全球第一。"
    assert not model.relations(text, _ents(text, ("我国", "LOC"), ("液晶面板", "PRODUCT")))


def test_relations_carry_evidence_cue_and_score():
    text = "工业和信息化部发布《工业机器人行业规范条件》。"
    ents = _ents(text, ("工业和信息化部", "ORG"), ("工业机器人行业规范条件", "POLICY"))
    [r] = RelationModel.load().relations(text, ents)
    assert r["cue"] == "发布" and 0.5 <= r["score"] <= 1
    s, e = r["evidence"]
    assert text[s:e].startswith("工业和信息化部") and text[slice(*r["subject_span"])] == r["subject"]


def test_missing_or_broken_model_is_refused_with_how_to_rebuild(tmp_path):
    with pytest.raises(ModelError, match="train_relations"):
        RelationModel.load(tmp_path / "relations.json")
    (tmp_path / "relations.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="train_relations"):
        RelationModel.load(tmp_path / "relations.json")


def test_model_records_what_it_learned_from():
    meta = RelationModel.load().meta
    assert meta["relations"] >= 1000 and meta["records"] >= 500
    assert meta["held_out_gold_entities"]["f"] >= 0.7


def test_dev_relations_score(extractor):
    """The referee's relation scores on the dev lines, end to end (``nqikg extract``): the shipped models
    score 0.727, and the issue asks for 0.70. (The dev lines hold 38 relations, so one entity end can move
    the figure by 0.05: relation models of nearly the same features trained at C 0.1 / 0.3 / 1.0 score
    0.744 / 0.700 / 0.732.)"""
    s = evaluate(DEV, extractor)
    assert s["relations"]["f"] >= 0.70, s["relations"]
    assert s["strict"]["f"] >= 0.85 and s["facts"]["f"] >= 0.70


# ------------------------------------------------------------ one code path: extract == store

@pytest.fixture(scope="module")
def dev_store(tmp_path_factory, extractor):
    """Each dev line as a document of its own, built into a store."""
    folder = tmp_path_factory.mktemp("devdocs")
    lines = [json.loads(x) for x in DEV.read_text(encoding="utf-8").splitlines() if x.strip()]
    for d in lines:
        (folder / f"{d['id']}.txt").write_text(d["text"] + "\n", encoding="utf-8")
    store = tmp_path_factory.mktemp("devstore") / "store"
    report = build([folder], store, extractor=extractor, progress=lambda m: None)
    assert report.ok and len(report.ingested) == len(lines)
    return lines, stores.open_read_only(store)


def _expected(line: dict, result: dict) -> tuple[set, set]:
    """The edges and bottleneck products the builder must write for ``result``, linked as the builder links."""
    linker = Linker(line["text"])
    for e in result["entities"]:
        linker.declare(line["text"], e["end"], e["text"])
    by_span = {(e["start"], e["end"]): e for e in result["entities"]}

    def entity(span):
        e = by_span[tuple(span)]
        return linker.link(e["label"], e["text"]).iri

    edges, bottlenecks = set(), set()
    for r in result["relations"]:
        if r["object"] is None:
            bottlenecks.add(entity(r["subject_span"]))
        elif entity(r["subject_span"]) != entity(r["object_span"]):
            edges.add((entity(r["subject_span"]), NQI + r["predicate"], entity(r["object_span"])))
    return edges, bottlenecks


def test_store_holds_exactly_the_extracted_relations(dev_store, extractor):
    lines, store = dev_store
    results = list(extractor.annotate(d["text"] for d in lines))
    assert sum(len(r["relations"]) for r in results) >= 20
    for line, result in zip(lines, results):
        graph = ox.NamedNode(iri.graph("doc", iri.slug(line["id"])))
        stated = {(q.subject.value, q.predicate.value, q.object.value)
                  for q in store.quads_for_pattern(None, None, None, graph)
                  if q.predicate.value.startswith(NQI) and q.predicate.value[len(NQI):] in vocab.relation_signatures()}
        claims = {r["p"].value for r in store.query(
            f"SELECT ?p WHERE {{ GRAPH <{graph.value}> {{ ?c a <{NQI}BottleneckClaim> ; <{NQI}aboutProduct> ?p }} }}")}
        edges, bottlenecks = _expected(line, result)
        assert stated == edges, line["id"]
        assert claims == bottlenecks, line["id"]
        # every edge is reified with its sentence, span, cue and the classifier's confidence
        for s, p, o in stated:
            rows = list(store.query(f"""
                SELECT ?sent ?start ?end ?conf ?agent WHERE {{ GRAPH <{graph.value}> {{
                  ?st <{RDF}subject> <{s}> ; <{RDF}predicate> <{p}> ; <{RDF}object> <{o}> ;
                      <{PROV}wasDerivedFrom> ?sent ; <{NQI}start> ?start ; <{NQI}end> ?end ;
                      <{NQI}confidence> ?conf ; <{PROV}wasAttributedTo> ?agent }} }}"""))
            assert rows and 0 <= float(rows[0]["conf"].value) <= 1, (line["id"], s, p, o)
            assert int(rows[0]["start"].value) < int(rows[0]["end"].value) <= len(line["text"])


UNSEEN = Path(__file__).resolve().parents[1] / "ingest" / "training" / "eval" / "unseen_genres.jsonl"


def test_unseen_genres_score(extractor):
    """440 composed sentences of the genres of the hidden test (laws, provincial notices, plans with targets,
    statistics, industry and enterprise news, technical prose), annotated apart and never trained on
    (``ingest/training/eval``; the trainers read only ``data/``): the shipped models score strict 0.873, facts
    0.708, relations 0.651 end to end."""
    s = evaluate(UNSEEN, extractor)
    assert s["strict"]["f"] >= 0.85 and s["facts"]["f"] >= 0.70, (s["strict"], s["facts"])
    assert s["relations"]["f"] >= 0.60, s["relations"]


def test_unseen_genres_score_as_the_hidden_test_counts(extractor):
    """The same set counted as the hidden test counts: only the lines sharing no 12-character run with the
    training data (stock phrases such as 计量、标准、认证认可、检验检测 leave out about 190 of the 440). These
    fresher lines are harder: the shipped models score strict 0.853, facts 0.699, relations 0.626."""
    s = evaluate(UNSEEN, extractor, unseen_only=True)
    assert 150 <= s["lines"] and s["lines"] + s["left_out"] == 440, (s["lines"], s["left_out"])
    assert s["strict"]["f"] >= 0.82 and s["facts"]["f"] >= 0.68, (s["strict"], s["facts"])
    assert s["relations"]["f"] >= 0.57, s["relations"]

"""Building the canonical store: named graphs, shapes, idempotence, atomic generations, bad input."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from nqikg.ingest.build import build, remove
from nqikg.ontology import iri
from nqikg.queries import store as stores
from nqikg.queries.validate import validate_nquads

from conftest import CORPUS

SMALL = sorted(CORPUS.glob("004_*.txt"))[0]


def _quads(store_dir: Path) -> set[str]:
    return {str(q) for q in stores.open_read_only(store_dir).quads_for_pattern(None, None, None)}


def _graphs(store_dir: Path) -> set[str]:
    return {g.value for g in stores.open_read_only(store_dir).named_graphs()}


def test_one_named_graph_per_document_plus_ontology_and_reference(corpus_store):
    graphs = _graphs(corpus_store)
    docs = {g for g in graphs if g.startswith(iri.graph("doc") + "/")}
    assert docs == {iri.graph("doc", p.stem) for p in CORPUS.glob("*.txt")}
    assert iri.graph("ontology") in graphs
    assert {iri.graph("reference", n) for n in ("gbt4754", "ics", "sei", "jjf-jjg", "kabozi")} <= graphs


def test_built_graph_conforms_to_the_shapes(corpus_store, tmp_path):
    path = tmp_path / "dataset.nq"
    stores.open_read_only(corpus_store).dump(str(path), format=ox.RdfFormat.N_QUADS)
    conforms, report = validate_nquads(path)
    assert conforms, report[:3000]


def test_ingesting_again_changes_nothing(tmp_path, extractor):
    store_dir = tmp_path / "store"
    build([SMALL], store_dir, extractor=extractor, progress=lambda m: None)
    first, first_gen = _quads(store_dir), stores.current_generation(store_dir)
    build([SMALL], store_dir, extractor=extractor, progress=lambda m: None)
    assert stores.current_generation(store_dir) != first_gen
    assert _quads(store_dir) == first


def test_unchanged_documents_are_reused_not_extracted_again(tmp_path, extractor):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in (("a", "国家市场监督管理总局发布《计量发展规划》。"), ("b", "高端光刻胶长期依赖进口。")):
        (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    store_dir = tmp_path / "store"
    first = build([folder], store_dir, extractor=extractor, progress=lambda m: None)
    assert sorted(first.ingested) == ["a", "b"] and not first.reused
    quads = _quads(store_dir)
    again = build([folder], store_dir, extractor=extractor, progress=lambda m: None)
    assert sorted(again.reused) == ["a", "b"] and not again.ingested
    assert _quads(store_dir) == quads
    (folder / "b.txt").write_text("高端光刻胶长期依赖进口，国产化率不足5%。\n", encoding="utf-8")
    changed = build([folder], store_dir, extractor=extractor, progress=lambda m: None)
    assert changed.reused == ["a"] and changed.ingested == ["b"]
    forced = build([folder], store_dir, extractor=extractor, force=True, progress=lambda m: None)
    assert sorted(forced.ingested) == ["a", "b"] and not forced.reused
    versions = {r["v"].value for r in stores.open_read_only(store_dir).query(
        f"SELECT DISTINCT ?v WHERE {{ ?d <{iri.NQI}extractorVersion> ?v }}", use_default_graph_as_union=True)}
    assert versions == {extractor.version}


class Exploding:
    """An extractor that fails part-way through a document."""

    def __init__(self, real, after: int):
        self.real, self.after = real, after

    def annotate(self, texts):
        for n, annotation in enumerate(self.real.annotate(texts)):
            if n == self.after:
                raise RuntimeError("extractor failed")
            yield annotation


def test_a_failed_build_leaves_the_previous_graph_intact(tmp_path, extractor):
    store_dir = tmp_path / "store"
    build([SMALL], store_dir, extractor=extractor, progress=lambda m: None)
    before, generation = _quads(store_dir), stores.current_generation(store_dir)
    with pytest.raises(RuntimeError, match="extractor failed"):
        build([CORPUS], store_dir, extractor=Exploding(extractor, after=30), progress=lambda m: None)
    assert stores.current_generation(store_dir) == generation
    assert _quads(store_dir) == before
    assert [p.name for p in store_dir.glob("gen-*")] == [generation.name]


def test_unreadable_files_are_reported_by_name_and_the_rest_lands(tmp_path, extractor):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    text = SMALL.read_text(encoding="utf-8")
    (inbox / "gbk_doc.txt").write_bytes(text.encode("gb18030"))
    (inbox / "utf16_doc.txt").write_bytes(text[:3000].encode("utf-16"))
    (inbox / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (inbox / "empty.txt").write_bytes(b"")
    report = build([inbox], tmp_path / "store", extractor=extractor, progress=lambda m: None)
    assert sorted(report.ingested) == ["gbk_doc", "utf16_doc"]
    failed = dict(report.failed)
    assert set(failed) == {str(inbox / "binary.txt"), str(inbox / "empty.txt")}
    assert "binary.txt" in failed[str(inbox / "binary.txt")] and "empty" in failed[str(inbox / "empty.txt")]
    store = stores.open_read_only(tmp_path / "store")
    encodings = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(iri.NQI + "encoding"), None)}
    assert encodings == {"gb18030", "utf-16"}


def test_remove_deletes_a_document_and_only_what_it_supported(tmp_path, extractor):
    store_dir = tmp_path / "store"
    two = [SMALL, sorted(CORPUS.glob("001_*.txt"))[0]]
    build(two, store_dir, extractor=extractor, progress=lambda m: None)
    build([SMALL], tmp_path / "only", extractor=extractor, progress=lambda m: None)
    remove(two[1].stem, store_dir, progress=lambda m: None)
    assert _quads(store_dir) == _quads(tmp_path / "only")
    with pytest.raises(KeyError):
        remove("no-such-document", store_dir, progress=lambda m: None)


def test_the_build_command_reports_refused_files_and_exits_non_zero(tmp_path):
    import subprocess
    import sys
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / SMALL.name).write_bytes(SMALL.read_bytes())
    (inbox / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    run = subprocess.run([sys.executable, "-m", "nqikg", "build", str(inbox), "--store", str(tmp_path / "store")],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 1
    assert "broken.txt" in run.stderr and "binary" in run.stderr
    assert "[1/2]" in run.stderr or "[2/2]" in run.stderr          # progress is shown
    assert stores.current_generation(tmp_path / "store")          # the readable file still landed

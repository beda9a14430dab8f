"""Build the canonical store: files → sentences → mentions → entities and facts → quads → a new generation.

One sentence can be followed from file to triple: :func:`read_document`
reads a file with the reader its bytes call for (:mod:`.readers`) and its
metadata (:mod:`.metadata`), :func:`document_sentences` normalises it and
splits it into sentences, :func:`document_quads` runs the extractor over them,
links mentions, reads relations, places the document's products in GB/T 4754
and writes the document graph.
:func:`build` writes a new store generation (the previous documents, minus the
ones ingested again, plus the new ones, the ontology and the reference
schemes) and publishes it atomically: a failed build leaves the live graph as
it was. The documents carried over are read under the store's writer lock,
just before publishing, so concurrent writers (CLI builds, admin writes) lose
nothing.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox

from ..ontology import iri, reference, vocab
from ..ontology.namespaces import DCT
from ..queries import store as stores
from .link import Linker
from .normalize import Normalized, normalize
from .place import place
from .metadata import extract as extract_metadata, running_head
from .reader import UnreadableInput
from .readers import ReadText, read
from .relate import Mention, relate
from .runners import Job, extract_all
from .sentences import Sentence, split_sentences
from .to_rdf import DocumentInfo, DocumentWriter, SentenceRecord, sha256


@dataclass
class BuildReport:
    """What a build did: documents ingested, files refused with their reason, counts."""
    ingested: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)      # unchanged documents carried over, not extracted again
    failed: list[tuple[str, str]] = field(default_factory=list)
    quads: int = 0
    generation: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


def collect(paths: Iterable[Path]) -> list[Path]:
    """Files named by ``paths``, in a stable order: a folder gives every file under it except hidden ones
    (``.name``); a file of a kind no reader takes is refused by name when it is read, never skipped."""
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()
                                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        else:
            files.append(path)
    return files


def document_id(path: Path) -> str:
    return iri.slug(path.stem)


@dataclass(frozen=True)
class SourceDocument:
    info: DocumentInfo
    read: ReadText

    @property
    def raw(self) -> str:
        """The text the reader extracted: sentence offsets point into it."""
        return self.read.text


def read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot read ({exc.strerror})") from None


def read_document(path: Path, doc_id: str | None = None, extractor_version: str | None = None) -> SourceDocument:
    """Read a file with the reader its content calls for (raises UnreadableInput naming it) and describe it."""
    data = read_bytes(path)
    doc = read(data, str(path))
    if not doc.text.strip():
        raise UnreadableInput(f"{path}: no text in this {doc.kind} file")
    info = DocumentInfo(doc_id or document_id(Path(path)), Path(path).name, sha256(data), doc.media_type,
                        extract_metadata(doc), doc.encoding, extractor_version)
    return SourceDocument(info, doc)


def _extracted(store_dir: Path) -> dict[str, tuple[str, str | None]]:
    """doc id -> (sha256, extractor version) of every document of the live generation."""
    try:
        previous = stores.open_read_only(store_dir)
    except stores.StoreNotFound:
        return {}
    rows = previous.query(f"""SELECT ?id ?sha ?version WHERE {{ ?d a <{vocab.term("Document")}> ;
        <{DCT}identifier> ?id ; <{vocab.term("sha256")}> ?sha OPTIONAL {{ ?d <{vocab.term("extractorVersion")}> ?version }} }}""",
                          use_default_graph_as_union=True)
    return {r["id"].value: (r["sha"].value, r["version"].value if r["version"] is not None else None) for r in rows}


def document_sentences(doc: SourceDocument) -> tuple[Normalized, list[Sentence]]:
    """The normalised text of a document (its own running heads dropped too, its headings one line each)
    and its sentences."""
    headings = [(h.start, h.end) for h in doc.read.headings]
    normalized = normalize(doc.raw, running_head(doc.info.metadata), headings)
    return normalized, split_sentences(normalized)


def document_quads(doc: SourceDocument, extractor) -> Iterator[ox.Quad]:
    """All quads of one document graph."""
    normalized, sentences = document_sentences(doc)
    linker = Linker(normalized.text)
    writer = DocumentWriter(doc.info)
    yield from writer.header()
    annotations = extractor.annotate(s.text for s in sentences)
    for sentence, annotation in zip(sentences, annotations):
        mentions, spans = [], []
        for e in annotation["entities"]:
            linker.declare(sentence.text, e["end"], e["text"])
        for e in annotation["entities"]:
            entity = linker.link(e["label"], e["text"])
            mentions.append(Mention(e["start"], e["end"], e["label"], e["text"], entity))
            spans.append(normalized.source_span(sentence.start + e["start"], sentence.start + e["end"]))
        record = SentenceRecord(sentence.index, sentence.text, sentence.source_start, sentence.source_end,
                                doc.read.page_at(sentence.source_start), mentions, spans,
                                relate(sentence.text, mentions, annotation["facts"], annotation["relations"]))
        yield from writer.sentence(record)
    yield from writer.placements(place(list(writer.products.values()), writer.stated_industries))


def ontology_quads() -> Iterator[ox.Quad]:
    g = ox.NamedNode(iri.graph("ontology"))
    for path in (vocab.ONTOLOGY_FILE,):
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            yield ox.Quad(triple.subject, triple.predicate, triple.object, g)


def _carried_over(previous: ox.Store, replaced: set[str]) -> Iterator[ox.Quad]:
    """Quads of the previous generation's document graphs that this build does not replace."""
    prefix = iri.graph("doc") + "/"
    for graph in previous.named_graphs():
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(prefix) and graph.value not in replaced:
            yield from previous.quads_for_pattern(None, None, None, graph)


def build(paths: Iterable[Path], store_dir: Path, *, extractor=None, fresh: bool = False, force: bool = False,
          workers: int = 1, cluster=None, progress: Callable[[str], None] | None = None,
          doc_ids: Callable[[Path], str] | None = None) -> BuildReport:
    """Ingest ``paths`` into a new generation of ``store_dir`` and publish it.

    Documents already in the store and not ingested again are carried over
    (unless ``fresh``); a document ingested again replaces its named graph,
    unless its bytes and the extractor's version are those it was extracted
    with: then its graph is carried over as it is (``force`` re-extracts).
    Documents are extracted here (``workers=1``), in ``workers`` processes or
    on a Dask ``cluster`` (:mod:`.runners`); the store is the same either way.
    Unreadable files are reported and skipped; any other error discards the new
    generation and re-raises, leaving the live graph untouched.
    """
    say = progress or (lambda msg: print(msg, file=sys.stderr, flush=True))
    if extractor is None:
        from .extract import Extractor
        extractor = Extractor.load()
    files = collect(paths)
    report = BuildReport()
    written: set[str] = set()
    version = getattr(extractor, "version", None)
    known = {} if force or fresh or version is None else _extracted(store_dir)

    def carry_over(store: ox.Store) -> None:
        """Under the store's writer lock: every document of the live generation this build does not replace."""
        if not fresh:
            try:
                previous = stores.open_read_only(store_dir)
            except stores.StoreNotFound:
                previous = None
            if previous is not None:
                store.bulk_extend(_carried_over(previous, written))
                del previous
        store.optimize()
        report.quads = len(store)

    jobs: list[Job] = []
    first_of: dict[str, Path] = {}   # doc id -> the file that has it in this build
    for path in files:
        doc_id = doc_ids(path) if doc_ids else document_id(Path(path))
        if doc_id in first_of:   # report.pdf beside report.docx: the second is refused, the others land
            error = (f"{path}: document id {doc_id!r} is already taken by {first_of[doc_id]} in this build; "
                     "rename one of them")
            report.failed.append((str(path), error))
            say(f"refused {error}")
            continue
        first_of[doc_id] = Path(path)
        graph = iri.graph("doc", doc_id)
        written.add(graph)
        try:
            if doc_id in known and known[doc_id] == (sha256(read_bytes(path)), version):  # read only to compare
                report.reused.append(doc_id)   # carried over from the live generation at publish
                written.discard(graph)
                say(f"{path.name}: unchanged, reused")
                continue
        except UnreadableInput:
            pass   # the extraction step reports it
        jobs.append(Job(str(path), doc_id, version))

    with stores.writing(store_dir, before_publish=carry_over) as (store, generation):
        store.bulk_extend(ontology_quads())
        store.bulk_extend(reference.quads())
        started, chars = time.perf_counter(), 0
        for n, done in enumerate(extract_all(jobs, extractor, workers=workers, cluster=cluster), 1):
            name = Path(done.job.path).name
            if done.error is not None:
                report.failed.append((done.job.path, done.error))
                written.discard(iri.graph("doc", done.job.doc_id))
                say(f"[{n}/{len(jobs)}] refused {done.error}")
                continue
            store.bulk_extend(done.quads)
            report.ingested.append(done.job.doc_id)
            chars += done.chars
            elapsed = time.perf_counter() - started
            say(f"[{n}/{len(jobs)}] {name} ({done.read_as}): {len(done.quads)} quads; {n} documents in {elapsed:.1f} s, "
                f"{chars / max(elapsed, 1e-9):,.0f} chars/s")
    report.generation = generation.name
    say(f"published {generation.name}: {report.quads} quads, {len(report.ingested)} documents ingested, "
        f"{len(report.reused)} reused unchanged, {len(report.failed)} refused")
    return report


def remove(doc_id: str, store_dir: Path, *, progress: Callable[[str], None] | None = None) -> int:
    """Publish a generation without the document ``doc_id``; returns the number of quads removed."""
    say = progress or (lambda msg: print(msg, file=sys.stderr, flush=True))
    graph = ox.NamedNode(iri.graph("doc", doc_id))
    stores.current_generation(store_dir)  # StoreNotFound before anything is written
    removed = 0

    def without_document(store: ox.Store) -> None:
        """Under the store's writer lock: the live generation minus the document."""
        nonlocal removed
        previous = stores.open_read_only(store_dir)
        if not any(g == graph for g in previous.named_graphs()):
            raise KeyError(f"no document {doc_id!r} in {store_dir}")
        store.bulk_extend(q for q in previous.quads_for_pattern(None, None, None) if q.graph_name != graph)
        removed = len(previous) - len(store)

    with stores.writing(store_dir, before_publish=without_document) as (store, generation):
        pass
    say(f"removed {doc_id}: {removed} quads; published {generation.name}")
    return removed

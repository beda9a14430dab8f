"""Where documents are extracted: in this process, in worker processes, or on a Dask cluster.

Every runner applies the same per-document step (:func:`nqikg.ingest.build.read_document`
then :func:`~nqikg.ingest.build.document_quads`) and yields the results in the
order of the jobs, so the store a build writes is the same quad for quad
whichever runner extracted it. Workers load the extractor once per process and
send a document's graph back as N-Quads; the builder alone writes the store.

* ``workers=1``: this process, with the extractor the builder was given;
* ``workers=N``: a ``concurrent.futures.ProcessPoolExecutor`` of N processes;
* ``cluster=ADDRESS``: the workers of a ``dask.distributed`` scheduler
  (``tcp://host:8786``), or a ``distributed.LocalCluster`` object.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

NQUADS = ox.RdfFormat.N_QUADS


@dataclass(frozen=True)
class Job:
    """One document to extract."""
    path: str
    doc_id: str
    version: str | None


@dataclass(frozen=True)
class Extracted:
    """A document's graph (``quads``) and what was read (``read_as``: "pdf, 9 pages"), or why its file
    could not be read (``error``)."""
    job: Job
    quads: list[ox.Quad] | None
    error: str | None
    chars: int
    read_as: str = ""


def _extract(job: Job, extractor) -> tuple[list[ox.Quad] | None, str | None, int, str]:
    from .build import document_quads, read_document
    from .reader import UnreadableInput
    try:
        doc = read_document(Path(job.path), job.doc_id, extractor_version=job.version)
    except UnreadableInput as exc:
        return None, str(exc), 0, ""
    read_as = doc.read.kind + (f", {len(doc.read.pages)} pages" if doc.read.pages else "")
    return list(document_quads(doc, extractor)), None, len(doc.raw), read_as


@lru_cache(maxsize=1)
def _worker_extractor():
    from .extract import Extractor
    return Extractor.load()


def extract_remote(job: Job) -> tuple[bytes | None, str | None, int, str]:
    """The per-document step in a worker process: the document's graph as N-Quads."""
    quads, error, chars, read_as = _extract(job, _worker_extractor())
    return (ox.serialize(quads, format=NQUADS) if quads is not None else None), error, chars, read_as


def _received(job: Job, result: tuple[bytes | None, str | None, int, str]) -> Extracted:
    data, error, chars, read_as = result
    quads = list(ox.parse(data, format=NQUADS)) if data is not None else None
    return Extracted(job, quads, error, chars, read_as)


def extract_all(jobs: Iterable[Job], extractor, *, workers: int = 1, cluster=None) -> Iterator[Extracted]:
    """Extract every job, yielding in job order."""
    jobs = list(jobs)
    if cluster is not None:
        yield from _on_dask(jobs, cluster)
    elif workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            for job, result in zip(jobs, pool.map(extract_remote, jobs)):
                yield _received(job, result)
    else:
        for job in jobs:
            yield Extracted(job, *_extract(job, extractor))


def _on_dask(jobs: list[Job], cluster) -> Iterator[Extracted]:
    from distributed import Client
    with Client(cluster) as client:
        futures = client.map(extract_remote, jobs, pure=False)
        for job, future in zip(jobs, futures):
            yield _received(job, future.result())

"""The on-disk canonical store and its generations.

A store folder holds one pyoxigraph (RocksDB) database per build generation and
a ``CURRENT`` file naming the live one. A build writes a new generation and then
replaces ``CURRENT`` atomically, so a failed build leaves the previous graph
intact and readers never see a half-built graph. Readers open the live
generation read-only and reopen when ``CURRENT`` changes.
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

CURRENT = "CURRENT"
KEEP_GENERATIONS = 2


class StoreNotFound(FileNotFoundError):
    """The folder holds no built graph."""


def current_generation(store_dir: Path) -> Path:
    """Folder of the live generation; raises StoreNotFound when nothing was built yet."""
    pointer = Path(store_dir) / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise StoreNotFound(f"{store_dir}: no graph built here yet (run 'nqikg build --store {store_dir}')") from None
    path = Path(store_dir) / name
    if not path.is_dir():
        raise StoreNotFound(f"{pointer} names {name!r}, which does not exist")
    return path


def new_generation(store_dir: Path) -> Path:
    """A fresh, empty folder for the next generation."""
    store_dir = Path(store_dir)
    store_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for n in range(1000):
        path = store_dir / f"gen-{stamp}-{n:03d}"
        if not path.exists():
            path.mkdir()
            return path
    raise RuntimeError(f"{store_dir}: cannot allocate a new generation folder")


def publish(store_dir: Path, generation: Path) -> None:
    """Make ``generation`` the live graph (atomic rename of the pointer), then prune old generations."""
    store_dir = Path(store_dir)
    tmp = store_dir / f".{CURRENT}.{os.getpid()}"
    tmp.write_text(generation.name + "\n", encoding="utf-8")
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, store_dir / CURRENT)
    generations = sorted(p for p in store_dir.glob("gen-*") if p.is_dir())
    for old in generations[:-KEEP_GENERATIONS]:
        if old != generation:
            shutil.rmtree(old, ignore_errors=True)


def discard(generation: Path) -> None:
    """Remove an unpublished generation (a failed build)."""
    shutil.rmtree(generation, ignore_errors=True)


@contextmanager
def writing(store_dir: Path) -> Iterator[tuple[ox.Store, Path]]:
    """A new, writable generation of ``store_dir``, published when the block ends normally and
    discarded when it raises: ``with writing(dir) as (store, generation): store.bulk_extend(...)``."""
    generation = new_generation(store_dir)
    try:
        store = ox.Store(str(generation))
        yield store, generation
        store.flush()
        del store
    except BaseException:
        discard(generation)
        raise
    publish(store_dir, generation)


def open_read_only(store_dir: Path) -> ox.Store:
    return ox.Store.read_only(str(current_generation(store_dir)))


class LiveStore:
    """A read-only handle on a store folder that follows ``CURRENT`` (thread-safe)."""

    def __init__(self, store_dir: Path):
        self.store_dir = Path(store_dir)
        self._lock = threading.Lock()
        self._generation: Path | None = None
        self._store: ox.Store | None = None

    def get(self) -> ox.Store:
        """The store of the live generation, reopened if a build published a new one."""
        generation = current_generation(self.store_dir)
        with self._lock:
            if generation != self._generation or self._store is None:
                self._store = ox.Store.read_only(str(generation))
                self._generation = generation
            return self._store

    @property
    def generation(self) -> Path:
        self.get()
        return self._generation

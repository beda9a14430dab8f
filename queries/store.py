"""The on-disk canonical store and its generations.

A store folder holds one pyoxigraph (RocksDB) database per build generation and
a ``CURRENT`` file naming the live one. A build writes a new generation and then
replaces ``CURRENT`` atomically, so a failed build leaves the previous graph
intact and readers never see a half-built graph. Readers open the live
generation read-only and reopen when ``CURRENT`` changes.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as ox

CURRENT = "CURRENT"
LOCK_FILE = ".write.lock"
WRITING = ".writing"   # suffix of the marker beside a generation that is still being written
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
    """A fresh, empty folder for the next generation, marked as being written (``gen-….writing``)
    until it is published or discarded, so a concurrent writer's pruning leaves it alone."""
    store_dir = Path(store_dir)
    store_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for n in range(1000):
        path = store_dir / f"gen-{stamp}-{n:03d}"
        try:
            path.mkdir()
        except FileExistsError:
            continue
        _marker(path).write_text(f"pid {os.getpid()}\n", encoding="utf-8")
        return path
    raise RuntimeError(f"{store_dir}: cannot allocate a new generation folder")


def _marker(generation: Path) -> Path:
    return generation.with_name(generation.name + WRITING)


def publish(store_dir: Path, generation: Path) -> None:
    """Make ``generation`` the live graph (atomic rename of the pointer), then prune old generations
    (never one that another writer is still writing). Call it under :func:`write_lock`."""
    store_dir = Path(store_dir)
    tmp = store_dir / f".{CURRENT}.{os.getpid()}"
    tmp.write_text(generation.name + "\n", encoding="utf-8")
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, store_dir / CURRENT)
    _marker(generation).unlink(missing_ok=True)
    generations = sorted(p for p in store_dir.glob("gen-*") if p.is_dir() and not _marker(p).exists())
    for old in generations[:-KEEP_GENERATIONS]:
        if old != generation:
            shutil.rmtree(old, ignore_errors=True)


def discard(generation: Path) -> None:
    """Remove an unpublished generation (a failed build)."""
    shutil.rmtree(generation, ignore_errors=True)
    _marker(generation).unlink(missing_ok=True)


class StoreBusy(TimeoutError):
    """Another writer held the store's lock for longer than the lock timeout."""


def lock_timeout() -> float:
    """Seconds a writer waits for the store's lock: ``NQIKG_LOCK_TIMEOUT``, default 600."""
    value = os.environ.get("NQIKG_LOCK_TIMEOUT", "600")
    try:
        return max(0.0, float(value))
    except ValueError:
        raise ValueError(f"NQIKG_LOCK_TIMEOUT must be a number of seconds, not {value!r}") from None


@contextmanager
def write_lock(store_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """The store's cross-process writer lock (an exclusive ``flock`` on ``store_dir/.write.lock``), held
    for the block: CLI builds, removals and the server's admin writes all take it, so one writer at a
    time reads the live generation and publishes the next. Raises :class:`StoreBusy` after ``timeout``."""
    store_dir = Path(store_dir)
    store_dir.mkdir(parents=True, exist_ok=True)
    timeout = lock_timeout() if timeout is None else timeout
    path = store_dir / LOCK_FILE
    with open(path, "a+", encoding="utf-8") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "another process"
                    raise StoreBusy(f"{store_dir}: another writer ({holder}) holds the store's lock; gave up after "
                                    f"{timeout:g} s (set NQIKG_LOCK_TIMEOUT to wait longer)") from None
                time.sleep(0.05)
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S')}")
            fh.flush()
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextmanager
def writing(store_dir: Path, before_publish: Callable[[ox.Store], None] | None = None,
            timeout: float | None = None) -> Iterator[tuple[ox.Store, Path]]:
    """A new, writable generation of ``store_dir``, published when the block ends normally and
    discarded when it raises: ``with writing(dir) as (store, generation): store.bulk_extend(...)``.
    ``before_publish(store)`` runs under the store's writer lock, just before publishing: what it
    reads of the live generation (documents to carry over) is still live when the new one replaces it."""
    generation = new_generation(store_dir)
    try:
        store = ox.Store(str(generation))
        yield store, generation
        with write_lock(store_dir, timeout):
            if before_publish is not None:
                before_publish(store)
            store.flush()
            del store
            publish(store_dir, generation)
    except BaseException:
        discard(generation)
        raise


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

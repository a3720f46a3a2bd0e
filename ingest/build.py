"""Build: read -> analyse (in parallel) -> link and write -> rename into place."""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
from collections import deque
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .document.analyse import Analysis, analyse
from .store.cache import AnalysisCache, cache_path_for
from .document.read import RawDocument, ReadStats, discover, read_sources
from .store.writer import Writer, checkpoint, temp_path_for


@dataclass
class Summary:
    documents: int
    articles: int
    errors: int
    skipped: int
    db_path: Path
    reused: int = 0  # documents whose analysis an earlier build had kept
    analysed: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per corpus-level stage

    def line(self) -> str:
        skipped = ""
        if self.skipped:
            files = "file" if self.skipped == 1 else "files"
            skipped = f", {self.skipped} {files} skipped (not an input format)"
        return (f"Read {self.documents} documents: {self.articles} articles written, "
                f"{self.errors} errors{skipped} -> {self.db_path} "
                f"({self.reused} reused, {self.analysed} analysed)")


def _analysed(docs: Iterable[RawDocument], workers: int, nlp: bool = True,
              stop: threading.Event | None = None) -> Iterator[Analysis]:
    """Analyses in input order, from `workers` processes (0: this one). A
    document that crashes or hangs its worker becomes an error, not a
    stopped build (ingest/supervise.py); `stop` ends it early."""
    from .supervise import analysed

    return analysed(docs, workers, partial(analyse, nlp=nlp), stop)


# Documents read ahead of the writer: bounds memory however large the
# corpus (reused analyses wait here, the rest are with the workers).
WINDOW_PER_WORKER = 32


def _reusing(docs: Iterable[RawDocument], workers: int, nlp: bool,
             cache: AnalysisCache | None) -> Iterator[tuple[Analysis, bool]]:
    """(analysis, reused) for each document in input order: the cache's
    when it has the document's bytes, else from `_analysed`, which only ever
    sees the documents to analyse. At most a window of documents is read
    ahead of the caller, however many are reused.

    With worker processes, `_analysed` runs in a thread of its own, reading
    the documents to analyse from a queue: it reads ahead to keep the
    workers busy, and when the next documents are all reused it must wait
    for one to analyse, which it can only do away from this thread. In
    this process (workers=0) it runs here (its time limit needs the main
    thread) and never reads ahead, so it never waits."""
    docs = iter(docs)
    window = WINDOW_PER_WORKER * max(1, workers)
    pending: deque = deque()  # in input order: a reused Analysis, or None for one being analysed
    todo: queue.SimpleQueue = queue.SimpleQueue()  # documents for _analysed; None: no more
    exhausted = False

    def advance() -> bool:
        """Read one document: reused at once, or queued for analysis."""
        nonlocal exhausted
        doc = None if exhausted else next(docs, None)
        if doc is None:
            if not exhausted:
                exhausted = True
                todo.put(None)
            return False
        reused = cache.lookup(doc) if cache is not None else None
        pending.append(reused)
        if reused is None:
            todo.put(doc)
        return True

    awaiting = threading.Event()  # set while this thread waits for an analysis

    def feed() -> Iterator[RawDocument]:
        while True:
            try:
                # Waited on (`awaiting`), it does not wait for more.
                doc = todo.get(block=not awaiting.is_set(), timeout=PAD_AFTER_SECONDS)
            except queue.Empty:
                if awaiting.is_set():
                    # Waited on while it reads ahead for documents that are
                    # not coming (the next ones are reused): a cheap stand-in
                    # lets it get on with the ones it has.
                    yield PAD
                continue
            if doc is None:
                return
            yield doc

    if workers >= 1:
        results = _InThread(lambda stop: _analysed(feed(), workers, nlp, stop), window, awaiting)
    else:
        results = _analysed(feed(), workers, nlp)
    try:
        while True:
            while len(pending) <= window and advance():
                pass
            if not pending:
                break
            reused = pending.popleft()
            if reused is not None:
                yield reused, True
                continue
            analysis = next(results, None)
            if analysis is None:
                raise RuntimeError("the analysis stage returned fewer analyses than documents")
            yield analysis, False
        if next(results, None) is not None:
            raise RuntimeError("the analysis stage returned more analyses than documents")
    finally:
        todo.put(None)  # a feeder still waiting for documents stops
        results.close()


# A document that is no document: fed to the analysis stage only to let it
# past its read-ahead; analysed at once (it carries an error) and dropped.
PAD = RawDocument("\0press-atlas padding", "", None, "text", b"", error="padding")
PAD_AFTER_SECONDS = 0.05


class _InThread:
    """The iterator `make(stop)` returns, run in a thread started at once
    (so that worker processes start and warm up while the caller reads),
    its results (less those of PAD) passed on through a queue of `size`;
    `awaiting` is set while the caller waits for one. Closing it sets
    `stop`, which ends the thread's iterator at once (and kills its worker
    processes) even while it waits for a worker."""

    _END = object()

    def __init__(self, make: Callable[[threading.Event], Iterator[Analysis]], size: int,
                 awaiting: threading.Event):
        self._results: queue.Queue = queue.Queue(size)
        self._stop = threading.Event()
        self._awaiting = awaiting
        self._finished = self._closed = False
        self._thread = threading.Thread(target=self._pump, args=(make,), name="press-atlas analysis", daemon=True)
        self._thread.start()

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._results.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def _pump(self, make) -> None:
        iterator = None
        try:
            iterator = make(self._stop)
            for analysis in iterator:
                if analysis.source["path"] == PAD.key:
                    continue
                if not self._put(("ok", analysis)):
                    break
            else:
                self._put(("ok", self._END))
        except BaseException as exc:  # noqa: BLE001 - passed on to the consuming thread
            self._put(("error", exc))
        finally:
            if iterator is not None:
                iterator.close()

    def __iter__(self) -> "_InThread":
        return self

    def __next__(self) -> Analysis:
        if self._closed:
            raise StopIteration
        self._awaiting.set()
        try:
            kind, item = self._results.get()
        finally:
            self._awaiting.clear()
        if kind == "error":
            self.close()
            raise item
        if item is self._END:
            self._finished = True
            self.close()
            raise StopIteration
        return item

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        # On the way out of a failed build, the documents still in flight
        # are not waited for long: the process is ending anyway.
        self._thread.join(None if self._finished else 10)


def build(
    sources: list[str],
    db_path: Path | str,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    nlp: bool = True,
    reuse: bool = True,
) -> Summary:
    """Build the database at db_path from the SOURCE files and folders.
    With nlp=False, no quotes or entities (the slowest stage) are found.

    Documents whose bytes an earlier build to the same db_path analysed are
    not analysed again (ingest/cache.py); reuse=False forgets what earlier
    builds kept and analyses everything.

    `progress` is called with the number of input bytes each document took.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temp_files(db_path)
    tmp = temp_path_for(db_path)
    stats = ReadStats()
    if not reuse:
        cache_path_for(db_path).unlink(missing_ok=True)
    cache = AnalysisCache(cache_path_for(db_path), nlp)
    writer = Writer(tmp, memo=cache, workers=workers)
    try:
        docs = read_sources(sources, stats)
        with closing(_reusing(docs, workers, nlp, cache)) as analyses:
            for analysis, reused in analyses:
                writer.add(analysis)
                if reused:
                    cache.reused += 1
                else:
                    cache.analysed += 1
                    cache.keep(analysis)
                if writer.documents == 1:
                    checkpoint("analyse")
                if progress:
                    progress(analysis.source["size"] + 1)
        cache.commit()
        writer.finish()
        checkpoint("rename")
        _replace_durably(tmp, db_path)
    except BaseException:
        writer.abort()
        cache.close()
        raise
    try:
        cache.finish()
    except (sqlite3.Error, OSError):
        pass  # the database is in place; the next build just reuses less
    return Summary(writer.documents, writer.articles, writer.errors, stats.skipped, db_path,
                   reused=cache.reused, analysed=cache.analysed, timings=writer.timings)


def _replace_durably(tmp: Path, target: Path) -> None:
    """Rename the finished database into place, with the data on disk first
    and the rename itself on disk after, so a crash never leaves a torn file."""
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _remove_stale_temp_files(target: Path) -> None:
    """Delete half-built databases left by builds that were killed (SIGKILL
    leaves no chance to clean up); a live build's file is left alone."""
    for path in target.parent.glob(f".{target.name}.*.building"):
        try:
            pid = int(path.name.rsplit(".", 2)[-2])
            os.kill(pid, 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except (ValueError, PermissionError):
            continue


def input_size(sources: list[str]) -> int:
    """Total bytes of the input files, for a progress bar."""
    total = 0
    for path, _key in discover(sources):
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return total

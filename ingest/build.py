"""Build: read -> analyse each document (in worker processes) -> write ->
link across the corpus -> indexes and search -> rename into place.

The order of the whole pipeline is in `build`; the linking stages' order
is declared in ingest/corpus/stages.py.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections import deque
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .corpus import pipeline
from .corpus.stages import stage_names
from .document.analyse import Analysis, analyse
from .document.read import RawDocument, ReadStats, discover, read_sources
from .store import indexes
from .store.atomic import checkpoint, remove_stale_temp_files, replace_durably, temp_path_for
from .store.cache import AnalysisCache, cache_path_for
from .store.writer import Writer

# Where a build can be paused (PRESS_ATLAS_PAUSE_BEFORE, for the atomicity
# tests), in the order a one-process build reaches them.
CHECKPOINTS = ("analyse", "indexes", *stage_names(), "analyze", "rename")


@dataclass
class Summary:
    """What a build did: counts for its summary line, and its timings."""

    documents: int
    articles: int
    errors: int
    skipped: int
    db_path: Path
    reused: int = 0  # documents whose analysis an earlier build had kept
    analysed: int = 0
    # Seconds: "documents" (reading, analysing or reusing, writing each
    # document's rows), "indexes", each linking stage, "analyze".
    timings: dict[str, float] = field(default_factory=dict)
    article_errors: int = 0  # of the errors, steps that failed on an article still written (quotes, entities)

    def line(self) -> str:
        skipped = ""
        if self.skipped:
            files = "file" if self.skipped == 1 else "files"
            skipped = f", {self.skipped} {files} skipped (not an input format)"
        within = f" ({self.article_errors} in articles written)" if self.article_errors else ""
        return (f"Read {self.documents} documents: {self.articles} articles written, "
                f"{self.errors} errors{within}{skipped} -> {self.db_path} "
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
    not analysed again (ingest/store/cache.py); reuse=False forgets what earlier
    builds kept and analyses everything.

    `progress` is called with the number of input bytes each document took.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(db_path)
    tmp = temp_path_for(db_path)
    stats = ReadStats()
    if not reuse:
        cache_path_for(db_path).unlink(missing_ok=True)
    cache = AnalysisCache(cache_path_for(db_path), nlp)
    writer = Writer(tmp)
    timings: dict[str, float] = {}
    started = time.perf_counter()
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
        writer.flush()
        timings["documents"] = time.perf_counter() - started
        link(writer.db, workers=workers, memo=cache, timings=timings)
        writer.close()
        checkpoint("rename")
        replace_durably(tmp, db_path)
    except BaseException:
        writer.abort()
        cache.close()
        raise
    try:
        cache.finish()
    except (sqlite3.Error, OSError):
        pass  # the database is in place; the next build just reuses less
    return Summary(writer.documents, writer.articles, writer.errors, stats.skipped, db_path,
                   reused=cache.reused, analysed=cache.analysed, timings=timings,
                   article_errors=writer.article_errors)


def link(db, workers: int = 1, memo=None, timings: dict[str, float] | None = None) -> None:
    """Everything after the documents' rows are written: the indexes, the
    linking stages (with a second process when the build has two or more
    workers), then the planner's statistics."""
    timings = {} if timings is None else timings
    checkpoint("indexes")
    begun = time.perf_counter()
    indexes.create_indexes(db)
    timings["indexes"] = time.perf_counter() - begun
    with db.conn, _second_process(workers) as executor:
        pipeline.run_stages(db, executor=executor, needs={"memo": memo}, timings=timings, checkpoint=checkpoint)
    checkpoint("analyze")
    begun = time.perf_counter()
    indexes.finalise(db)
    timings["analyze"] = time.perf_counter() - begun


def _second_process(workers: int):
    """A process for the linking stages that can run beside the build's own,
    when the build was given two or more workers."""
    if workers < 2:
        return nullcontext()
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"))


def input_size(sources: list[str]) -> int:
    """Total bytes of the input files, for a progress bar."""
    total = 0
    for path, _key in discover(sources):
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return total

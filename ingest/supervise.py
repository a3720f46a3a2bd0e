"""Supervise the per-document stage, so that no document can stop a build.

`analyse` never raises for a bad document, but a parser can still hang
(catastrophic backtracking in a regular expression) or kill the process it
runs in (a fault in C code, the kernel's out-of-memory killer), and an
internal error in a later stage can escape it. Here each document gets a
time limit that grows with its size, and:

- in worker processes (`--workers 1` and up, the default), a worker that
  dies or overruns is replaced: the document it was on becomes an error
  row (stage "analyse"), the documents that were in flight with it are
  analysed again, and results still come in input order. Only the
  document at fault is lost, and it is named. Workers are also replaced
  after their share of documents, so the workers' memory stays flat
  however long the corpus. A new pool's first worker loads the models at
  once (WARM_UP), while the build reads. A stop event (the build ending)
  ends the wait for a worker at once and kills the workers.
- in the build's own process (`--workers 0`: no process to start, for a
  handful of documents or a debugger), an overrun (in processor time) is
  stopped by a signal to the main thread (so only there: called from
  another thread, documents run without a limit). A fault in C code there
  takes the build down with it, and the process grows with every document
  (spaCy's strings, Python's heap).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Callable, Iterable, Iterator

from .document.analyse import Analysis, analyse
from .document.read import RawDocument

# A document's time limit: generous, since a worker's first document also
# loads the models, and a loaded machine runs slow; a news page takes
# seconds, and only a pathological one comes near.
BASE_SECONDS = 180.0
SECONDS_PER_MB = 60.0
# Documents handed to the workers ahead of the one the writer waits for.
IN_FLIGHT_PER_WORKER = 4
# Workers are replaced by fresh ones after about this many documents each:
# a worker grows with every document it analyses (spaCy's string store,
# Python's heap), so without it the build's memory would grow with the
# corpus. A new worker loads the models again.
DOCUMENTS_PER_WORKER = 1500
# Worker deaths in a row, each pinned on one document, after which the
# fault is taken to be the machine's (no memory, no processes), not the
# documents': the build stops instead of turning every document into an error.
MAX_CRASHES_IN_A_ROW = 3
# How often a wait for a worker looks up to see whether it is asked to stop.
STOP_POLL_SECONDS = 0.2

# Pages a new pool's first worker analyses before any document (results
# dropped): the models and parsers load while the build's own process
# reads and reuses, instead of when the first document to analyse comes,
# which in a rebuild may be the last one read. A text page and an HTML
# page, so that both paths are loaded.
_WARM_UP_TEXT = (
    "Warm-up page\n\n"
    "The mayor of Paris, Anne Hidalgo, spoke to reporters in London on Monday about the new bridge. "
    "\u201cWe will build it together, and we will finish it on time,\u201d she said. "
    "The Ministry of Transport said the work would start in the spring and cost 40 million euros.\n"
)
WARM_UP = (
    RawDocument("\0press-atlas warm-up", "", None, "text", _WARM_UP_TEXT.encode()),
    RawDocument("\0press-atlas warm-up.html", "", None, "html",
                ("<html><head><title>Warm-up page</title></head><body><article><p>"
                 + _WARM_UP_TEXT.replace("\n\n", "</p><p>") + "</p></article></body></html>").encode()),
)

Work = Callable[[RawDocument], Analysis]


def time_limit(doc: RawDocument) -> float:
    """Seconds a document may take: BASE_SECONDS, plus SECONDS_PER_MB for
    each megabyte of its bytes."""
    return BASE_SECONDS + SECONDS_PER_MB * len(doc.data) / 1_000_000


def crashed_message() -> str:
    return ("analysing this document killed the process analysing it (a fault in a parser, or no memory "
            "left): the document was left out; the other documents were analysed")


def overtime_message(doc: RawDocument, clock: str = "") -> str:
    seconds = f"{time_limit(doc):.0f} seconds {clock}".strip()
    return (f"analysing this document took longer than {seconds} (the limit for its size): it was stopped "
            "and left out")


def internal_error_message(exc: BaseException) -> str:
    return f"the analysis failed with an internal error ({type(exc).__name__}: {exc})"


def failed(doc: RawDocument, message: str) -> Analysis:
    """The analysis of a document that could not be analysed: its source
    row (raw bytes kept, so it can be looked at) and an error row."""
    result = analyse(replace(doc, error=message), nlp=False)
    for row in result.errors:
        row["stage"] = "analyse"
    return result


class Stopped(BaseException):
    """The caller set the stop event: the analysis ended early, its
    workers killed (the build is ending: Ctrl-C, a failed write). Not an
    Exception, so that no `except Exception` here turns it into an error
    row."""


def analysed(docs: Iterable[RawDocument], workers: int, work: Work,
             stop: threading.Event | None = None) -> Iterator[Analysis]:
    """`work(doc)` for each document, in input order, from `workers`
    processes (work must then be picklable: a module-level function or a
    partial of one), or in this process when `workers` is 0. Every
    document gives exactly one Analysis. When `stop` is set (from another
    thread), a wait for a worker ends within STOP_POLL_SECONDS by raising
    Stopped, and the workers are killed."""
    if workers < 1:
        yield from _in_process(docs, work)
    else:
        yield from _in_pool(docs, workers, work, stop)


# --- in this process ------------------------------------------------------------------


class _Overtime(BaseException):
    """Raised in the main thread when its document runs out of time. Not an
    Exception, so no `except Exception` in a parser swallows it."""


class _TimeLimit:
    """Stops the document being analysed in the main thread once it has used
    its limit of processor time. The kernel counts down a SIGVTALRM timer
    (a watchdog thread could not: a regular expression backtracking in C
    holds the interpreter lock, but it does check for signals). SIGALRM is
    left alone: pytest-timeout and others use it. The handler raises only
    while a document runs, so a late signal is harmless."""

    def __init__(self):
        self._running = False
        self._previous = signal.signal(signal.SIGVTALRM, self._on_signal)

    def _on_signal(self, signum, frame):
        if self._running:
            raise _Overtime()

    def run(self, work: Work, doc: RawDocument) -> Analysis:
        try:
            self._running = True
            signal.setitimer(signal.ITIMER_VIRTUAL, time_limit(doc))
            try:
                return work(doc)
            finally:
                self._running = False
                signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        except _Overtime:
            return failed(doc, overtime_message(doc, "of processor time"))

    def close(self) -> None:
        self._running = False
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, self._previous)


def _in_process(docs: Iterable[RawDocument], work: Work) -> Iterator[Analysis]:
    limit = None
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        limit = _TimeLimit()
    try:
        for doc in docs:
            try:
                yield limit.run(work, doc) if limit else work(doc)
            except Exception as exc:  # noqa: BLE001 - a bug must not stop the run
                yield failed(doc, internal_error_message(exc))
    finally:
        if limit:
            limit.close()


# --- in worker processes ------------------------------------------------------------------


def _new_pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    return ProcessPoolExecutor(workers, mp_context=ctx)


def _warm_up(work: Work) -> None:
    """In a worker: analyse the WARM_UP pages, so that what the analysis
    loads on first use is loaded."""
    for doc in WARM_UP:
        work(doc)


def _stop(pool: ProcessPoolExecutor, kill: bool) -> None:
    """Shut a pool down; with kill, its workers first (a hung one would
    never finish)."""
    if kill:
        # ProcessPoolExecutor has no public way to kill its workers before
        # Python 3.14 (kill_workers); its process table is the documented
        # attribute of the implementation since 3.2.
        processes = getattr(pool, "_processes", None) or {}
        for process in list(processes.values()):
            try:
                process.kill()
            except (OSError, ValueError, AttributeError):
                pass
    pool.shutdown(wait=not kill, cancel_futures=True)


def _result(future, seconds: float, stop: threading.Event | None):
    """future.result(timeout=seconds), waited for in slices so that a
    stop is heard (raises Stopped)."""
    if stop is None:
        return future.result(timeout=seconds)
    deadline = time.monotonic() + seconds
    while True:
        if stop.is_set():
            raise Stopped()
        left = deadline - time.monotonic()
        try:
            return future.result(timeout=max(0.0, min(left, STOP_POLL_SECONDS)))
        except TimeoutError:
            if future.done() or left <= STOP_POLL_SECONDS:
                raise


def _alone(doc: RawDocument, work: Work, stop: threading.Event | None = None) -> tuple[Analysis, bool]:
    """Analyse one document in a process of its own: (analysis, crashed)."""
    pool = _new_pool(1)
    kill = True
    try:
        future = pool.submit(work, doc)
        try:
            result = _result(future, time_limit(doc), stop)
        except BrokenProcessPool:
            return failed(doc, crashed_message()), True
        except TimeoutError:
            if not future.done():
                return failed(doc, overtime_message(doc)), False
            return failed(doc, internal_error_message(future.exception())), False
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the run
            kill = False
            return failed(doc, internal_error_message(exc)), False
        kill = False
        return result, False
    finally:
        _stop(pool, kill)


def _finished(future) -> bool:
    """Did this future finish with a result (not an error, not cancelled)?"""
    return future is not None and future.done() and not future.cancelled() and future.exception() is None


def _in_pool(docs: Iterable[RawDocument], workers: int, work: Work,
             stop: threading.Event | None = None) -> Iterator[Analysis]:
    docs = iter(docs)
    window = IN_FLIGHT_PER_WORKER * workers
    in_flight: deque = deque()  # (doc, future or None when it could not be submitted), in input order
    warming = None  # the pool's warm-up

    def new_pool() -> ProcessPoolExecutor:
        """A pool whose first worker starts at once and loads the models
        (the others start with the documents)."""
        nonlocal warming
        fresh = _new_pool(workers)
        try:
            warming = fresh.submit(_warm_up, work)
        except BaseException:
            _stop(fresh, kill=True)
            raise
        return fresh

    pool = new_pool()
    given = 0  # documents the pool was given
    exhausted = False
    crashes_in_a_row = 0
    try:
        while True:
            broken = False
            while len(in_flight) < window and not broken and given < DOCUMENTS_PER_WORKER * workers:
                doc = next(docs, None)
                if doc is None:
                    exhausted = True
                    break
                given += 1
                try:
                    in_flight.append((doc, pool.submit(work, doc)))
                except BrokenProcessPool:
                    in_flight.append((doc, None))
                    broken = True
            if not in_flight:
                if exhausted:
                    return
                # The pool has had its share of documents: fresh workers
                # for the next ones (a warm-up still going is not waited for).
                _stop(pool, kill=not warming.done())
                pool, given = new_pool(), 0
                continue
            if not broken:
                doc, future = in_flight[0]
                # While the pool warms up, the document may be waiting for
                # its worker: the warm-up's time is not taken from its limit.
                limit = time_limit(doc) + (BASE_SECONDS if not warming.done() else 0.0)
                try:
                    result = _result(future, limit, stop)
                except BrokenProcessPool:
                    broken = True
                except TimeoutError:
                    in_flight.popleft()
                    if future.done():  # the analysis itself raised TimeoutError
                        yield failed(doc, internal_error_message(future.exception()))
                        continue
                    # Overran: its worker is stopped with the pool; what
                    # finished is kept, the rest goes to a new pool.
                    _stop(pool, kill=True)
                    pool, given = new_pool(), 0
                    yield failed(doc, overtime_message(doc))
                    in_flight = deque((d, f if _finished(f) else pool.submit(work, d)) for d, f in in_flight)
                    continue
                except Exception as exc:  # noqa: BLE001 - the analysis raised: a bug must not stop the run
                    in_flight.popleft()
                    yield failed(doc, internal_error_message(exc))
                    continue
                else:
                    in_flight.popleft()
                    crashes_in_a_row = 0
                    yield result
                    continue
            # A worker died on one of the documents in flight and took the
            # pool with it. Keep what finished; analyse the rest one by one,
            # each in a process of its own, to find the one at fault.
            _stop(pool, kill=True)
            while in_flight:
                doc, future = in_flight.popleft()
                if _finished(future):
                    yield future.result()
                    continue
                if stop is not None and stop.is_set():
                    raise Stopped()
                result, crashed = _alone(doc, work, stop)
                crashes_in_a_row = crashes_in_a_row + 1 if crashed else 0
                if crashes_in_a_row >= MAX_CRASHES_IN_A_ROW:
                    raise RuntimeError(
                        f"worker processes died on {crashes_in_a_row} documents in a row: the machine may be "
                        "out of memory or processes; the build was stopped")
                yield result
            pool, given = new_pool(), 0
    finally:
        # Killed if still busy: a warm-up nothing needs (no document was
        # new) is not waited for.
        _stop(pool, kill=bool(in_flight) or not warming.done())

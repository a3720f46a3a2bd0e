"""ingest/supervise.py: the pool of worker processes."""

from __future__ import annotations

import os
import threading
import time
from functools import partial
from pathlib import Path

import pytest

from ingest import build as build_module
from ingest import supervise
from ingest.document.analyse import Analysis
from ingest.document.read import RawDocument


def pid_of_worker(doc: RawDocument) -> Analysis:
    """An 'analysis' that says which process made it."""
    return Analysis(source={"id": doc.key, "path": doc.key, "worker": os.getpid()})


def test_workers_are_replaced_after_their_share_of_documents(monkeypatch):
    # Fresh workers every 3 documents each: a long build's workers do not
    # grow without bound; no document is lost or reordered on the way.
    monkeypatch.setattr(supervise, "DOCUMENTS_PER_WORKER", 3)
    docs = [RawDocument(key=f"doc-{i}", path=f"doc-{i}", record=None, format="text", data=b"x") for i in range(20)]
    results = list(supervise.analysed(docs, 2, pid_of_worker))
    assert [r.source["id"] for r in results] == [d.key for d in docs]
    pools = [{r.source["worker"] for r in results[start:start + 6]} for start in range(0, 20, 6)]
    assert all(1 <= len(p) <= 2 for p in pools)
    for earlier, later in zip(pools, pools[1:]):
        assert not earlier & later  # each share of 6 went to new processes
    assert os.getpid() not in set().union(*pools)


def test_one_document_per_worker_still_analyses_them_all(monkeypatch):
    monkeypatch.setattr(supervise, "DOCUMENTS_PER_WORKER", 1)
    docs = [RawDocument(key=f"doc-{i}", path=f"doc-{i}", record=None, format="text", data=b"x") for i in range(5)]
    results = list(supervise.analysed(docs, 2, pid_of_worker))
    assert [r.source["id"] for r in results] == [d.key for d in docs]
    assert len({r.source["worker"] for r in results}) >= 3


def test_one_worker_is_a_process_of_its_own_replaced_after_its_share(monkeypatch):
    # The default, --workers 1: documents are analysed in one other process
    # at a time (a crash there is contained; its growth is shed with it).
    monkeypatch.setattr(supervise, "DOCUMENTS_PER_WORKER", 4)
    docs = [RawDocument(key=f"doc-{i}", path=f"doc-{i}", record=None, format="text", data=b"x") for i in range(10)]
    results = list(supervise.analysed(docs, 1, pid_of_worker))
    assert [r.source["id"] for r in results] == [d.key for d in docs]
    workers = [r.source["worker"] for r in results]
    assert [len(set(workers[start:start + 4])) for start in (0, 4, 8)] == [1, 1, 1]
    assert len(set(workers)) == 3
    assert os.getpid() not in workers


def test_no_workers_analyses_in_this_process():
    docs = [RawDocument(key=f"doc-{i}", path=f"doc-{i}", record=None, format="text", data=b"x") for i in range(3)]
    results = list(supervise.analysed(docs, 0, pid_of_worker))
    assert [r.source["worker"] for r in results] == [os.getpid()] * 3


def pid_then_sleep(doc: RawDocument, nlp: bool = True) -> Analysis:
    """Writes its process id to the file the document names, then sleeps
    (a document that takes its worker minutes); other documents pass."""
    if doc.data == b"slow":
        Path(doc.path).write_text(str(os.getpid()))
        time.sleep(600)
    return pid_of_worker(doc)


def _eventually(check):
    """check()'s first true value, however long it takes: these tests wait
    for events, never for a time (the test's timeout mark ends a hang)."""
    while not (value := check()):
        time.sleep(0.05)
    return value


def _started(marker: Path) -> int:
    """The process id the slow document wrote once it started."""
    return int(_eventually(lambda: marker.exists() and marker.read_text()))


def _ended(pid: int) -> bool:
    """Has this process ended (gone, or a zombie waiting to be reaped)?"""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def _gone(pid: int) -> bool:
    """Wait until this process has ended."""
    return _eventually(lambda: _ended(pid))


@pytest.mark.timeout(120)
def test_a_stop_ends_the_wait_and_kills_the_worker(tmp_path):
    """The build ending (Ctrl-C, a failed write) sets `stop`: the wait for
    a worker busy for minutes ends at once, and the worker is killed, not
    left to finish its document."""
    marker = tmp_path / "pid"
    docs = [RawDocument(key="quick", path="quick", record=None, format="text", data=b"x"),
            RawDocument(key="slow", path=str(marker), record=None, format="text", data=b"slow")]
    stop = threading.Event()
    results = supervise.analysed(docs, 1, pid_then_sleep, stop=stop)
    assert next(results).source["id"] == "quick"
    pid = _started(marker)
    threading.Timer(0.5, stop.set).start()
    with pytest.raises(supervise.Stopped):
        next(results)
    assert _gone(pid)


@pytest.mark.timeout(120)
def test_closing_the_analysis_stage_kills_its_busy_worker(tmp_path, monkeypatch):
    """What a failed or interrupted build does: closing `_reusing` while its
    one worker is on a long document returns without waiting for it, and
    the worker is killed."""
    monkeypatch.setattr(build_module, "analyse", pid_then_sleep)
    marker = tmp_path / "pid"
    docs = [RawDocument(key="quick", path="quick", record=None, format="text", data=b"x"),
            RawDocument(key="slow", path=str(marker), record=None, format="text", data=b"slow")]
    stage = build_module._reusing(iter(docs), 1, False, None)
    first, reused = next(stage)
    assert first.source["id"] == "quick" and not reused
    pid = _started(marker)
    stage.close()
    # Without the stop, close() gives up on the analysis thread after 10 s
    # and returns with the thread still waiting for the worker (alive).
    assert not [t for t in threading.enumerate() if t.name == "press-atlas analysis"]
    assert _gone(pid)


@pytest.mark.timeout(60)
def test_an_analysis_that_cannot_start_is_an_error_not_a_hang():
    def cannot_start(stop):
        raise ImportError("a module the analysis needs is missing")

    with pytest.raises(ImportError, match="missing"):
        next(build_module._InThread(cannot_start, 4, threading.Event()))


# --- the warm-up ------------------------------------------------------------------------

def logged(log: str, doc: RawDocument, nlp: bool = True) -> Analysis:
    """Writes which document ran in which process to `log`."""
    with open(log, "a") as fh:
        fh.write(f"{doc.key!r}\t{os.getpid()}\n")
    return pid_of_worker(doc)


def slow_warm_up(log: str, doc: RawDocument) -> Analysis:
    """A warm-up that does not end within the test's time (a model that
    loads slowly): a stage that waited for it would never end."""
    result = logged(log, doc)
    if doc in supervise.WARM_UP:
        time.sleep(600)
    return result


def _lines(log: Path) -> list[tuple[str, str]]:
    return [tuple(line.split("\t")) for line in log.read_text().splitlines()] if log.exists() else []


def _warmed_up(log: Path) -> bool:
    """Wait until the warm-up pages have been analysed."""
    return _eventually(lambda: len(_lines(log)) >= len(supervise.WARM_UP))


@pytest.mark.timeout(120)
def test_a_new_pool_loads_the_models_before_its_first_document(tmp_path):
    """A pool's first worker analyses the warm-up pages as soon as the pool
    starts, before any document is given to it (in a rebuild, the one new
    page may be the last read: the models are loaded by then), and their
    results are dropped."""
    log = tmp_path / "calls.log"

    def documents():
        _warmed_up(log)  # the first document only comes once the warm-up has run (else: a hang)
        yield RawDocument(key="doc-0", path="doc-0", record=None, format="text", data=b"x")

    results = list(supervise.analysed(documents(), 1, partial(logged, str(log))))
    assert [r.source["id"] for r in results] == ["doc-0"]
    calls = _lines(log)
    assert [key for key, _ in calls] == [repr(d.key) for d in supervise.WARM_UP] + ["'doc-0'"]
    assert len({pid for _, pid in calls}) == 1  # the worker that warmed up analysed it
    assert int(calls[0][1]) != os.getpid()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("workers", [1, 2])
def test_a_warm_up_nothing_needs_is_not_waited_for(tmp_path, workers):
    """No document to analyse (a rebuild where every page is reused): the
    stage ends without waiting for the warm-up, and the worker still
    loading its models is killed."""
    log = tmp_path / "calls.log"

    def no_documents():
        _eventually(lambda: _lines(log))  # the warm-up has begun; no document comes
        yield from ()

    # Ends although the warm-up never would (a wait for it would hang).
    assert list(supervise.analysed(no_documents(), workers, partial(slow_warm_up, str(log)))) == []
    pids = {int(pid) for _, pid in _lines(log)}
    assert len(pids) == 1 and os.getpid() not in pids
    assert all(_gone(pid) for pid in pids)


@pytest.mark.timeout(120)
def test_replacing_workers_does_not_wait_for_a_slow_warm_up(tmp_path, monkeypatch):
    """Two workers, one still loading its models: the other analyses the
    documents, and when the pool has had its share it is replaced without
    waiting for the warm-up."""
    monkeypatch.setattr(supervise, "DOCUMENTS_PER_WORKER", 1)
    log = tmp_path / "calls.log"
    docs = [RawDocument(key=f"doc-{i}", path=f"doc-{i}", record=None, format="text", data=b"x") for i in range(4)]
    # Ends although the warm-up never would (a wait for it would hang).
    results = list(supervise.analysed(docs, 2, partial(slow_warm_up, str(log))))
    assert [r.source["id"] for r in results] == [d.key for d in docs]


@pytest.mark.nlp
@pytest.mark.timeout(120)
def test_the_warm_up_pages_load_what_the_analysis_needs():
    """The warm-up runs the whole analysis: both pages are articles, and the
    text page has a quote and names (so spaCy and the quote finder load)."""
    from ingest.document.analyse import analyse

    text, html = (analyse(doc, nlp=True) for doc in supervise.WARM_UP)
    for analysis in (text, html):
        assert analysis.article is not None and not analysis.errors, analysis.errors
    assert text.quotes and text.mentions
    assert {doc.format for doc in supervise.WARM_UP} == {"text", "html"}


@pytest.mark.timeout(120)
def test_a_rebuild_warms_its_worker_up_while_it_reads_reused_documents(tmp_path, monkeypatch):
    """The analysis stage starts with the build, not with the first
    document to analyse: when the one new page comes after reused ones,
    its worker has loaded the models by then."""
    log = tmp_path / "calls.log"
    monkeypatch.setattr(build_module, "analyse", partial(logged, str(log)))

    class Kept:
        def lookup(self, doc: RawDocument) -> Analysis | None:
            return None if doc.key == "new" else pid_of_worker(doc)

    def documents():
        for i in range(3):
            yield RawDocument(key=f"kept-{i}", path=f"kept-{i}", record=None, format="text", data=b"x")
        _warmed_up(log)  # a worker warms up while reused documents are read (else: a hang)
        yield RawDocument(key="new", path="new", record=None, format="text", data=b"y")

    stage = build_module._reusing(documents(), 1, False, Kept())
    assert [(a.source["id"], reused) for a, reused in stage] == [
        ("kept-0", True), ("kept-1", True), ("kept-2", True), ("new", False)]
    assert [key for key, _ in _lines(log)] == [repr(d.key) for d in supervise.WARM_UP] + ["'new'"]

"""ingest/supervise.py: the pool of worker processes."""

from __future__ import annotations

import os
from ingest import supervise
from ingest.analyse import Analysis
from ingest.read import RawDocument


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

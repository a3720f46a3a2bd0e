"""A build killed at any moment leaves the previous database exactly as it
was, and the next build cleans up after it and resumes from its analyses.
(That the same inputs give the same database: tests/test_build.py.)

Each kill is a real SIGKILL of a real `press-atlas build` process, at a
moment the build itself announces: PRESS_ATLAS_PAUSE_BEFORE=<stage> makes
it say "paused before <stage>" on stderr and wait there (ingest/store/atomic.py).
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from helpers import REPO, SAMPLE, build, dump
from ingest.store.cache import cache_path_for
from ingest.build import CHECKPOINTS as STAGES
from ingest.store.atomic import PAUSE_ENV

pytestmark = [pytest.mark.shared, pytest.mark.slow, pytest.mark.timeout(300)]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def start_build(sources, db: Path, *args: str, pause: str | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != PAUSE_ENV}
    if pause:
        env[PAUSE_ENV] = pause
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", "build", *map(str, sources), "--db", str(db), *args],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group: the workers can be ended with it
    )


def wait_for_line(stream, pattern: str, timeout: float = 240) -> str:
    """The first line of `stream` matching `pattern`; fails on EOF or timeout."""
    lines: queue.Queue = queue.Queue()

    def read():
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen = []
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"no line matching {pattern!r} in {timeout} s; saw {seen}")
        if line is None:
            pytest.fail(f"the build ended before {pattern!r}; it said {seen}")
        seen.append(line)
        if re.search(pattern, line):
            return line


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL the build, no chance to clean up; then its orphaned workers."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def building_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.building"))


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    """The database a killed build must leave alone: the sample without NLP."""
    return build(tmp_path_factory.mktemp("previous"), SAMPLE, args=("--no-nlp",))


@pytest.fixture(scope="module")
def expected(tmp_path_factory, seeds) -> dict:
    """What the interrupted build would have written: seeds and sample, no NLP."""
    return dump(build(tmp_path_factory.mktemp("expected"), seeds, SAMPLE, args=("--no-nlp",)))


@pytest.mark.parametrize("stage", STAGES)
def test_killed_build_leaves_previous_database_as_it_was(stage, tmp_path, previous, seeds, expected):
    db = tmp_path / "atlas.db"
    shutil.copy(previous, db)
    before_bytes, before = sha(db), dump(db)

    proc = start_build([seeds, SAMPLE], db, "--no-nlp", pause=stage)
    wait_for_line(proc.stderr, f"paused before {stage}")
    kill(proc)

    assert sha(db) == before_bytes
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    assert dump(db) == before
    # The half-built file is left behind (SIGKILL gives no chance to clean
    # up), under a hidden name that is never the database served.
    (stale,) = building_files(tmp_path)
    assert stale.name.startswith(".atlas.db.") and stale != db

    # The next build removes it and writes the new database in full.
    build(tmp_path, seeds, SAMPLE, args=("--no-nlp",))
    assert building_files(tmp_path) == []
    assert dump(db) == expected


def test_killed_parallel_build_mid_analysis(tmp_path, previous, seeds, expected):
    """With worker processes running: the parent dies, the database stays,
    the workers go, and the next build completes."""
    db = tmp_path / "atlas.db"
    shutil.copy(previous, db)
    before_bytes = sha(db)
    proc = start_build([seeds, SAMPLE], db, "--no-nlp", "--workers", "2", pause="analyse")
    wait_for_line(proc.stderr, "paused before analyse")
    kill(proc)
    assert sha(db) == before_bytes
    build(tmp_path, seeds, SAMPLE, args=("--no-nlp", "--workers", "2"))
    assert building_files(tmp_path) == []
    assert dump(db) == expected


@pytest.mark.parametrize("stage", ["quotes", "stories", "fts"])
def test_killed_parallel_build_while_linking_in_two_processes(stage, tmp_path, previous, seeds, expected):
    """With 2 workers the linking uses a second process (quote clusters,
    then stories: before fts, the stories are being grouped there). Killed
    at those moments, the database stays as it was and the next parallel
    build writes the same database as a default (one worker) build."""
    db = tmp_path / "atlas.db"
    shutil.copy(previous, db)
    before_bytes = sha(db)
    proc = start_build([seeds, SAMPLE], db, "--no-nlp", "--workers", "2", pause=stage)
    wait_for_line(proc.stderr, f"paused before {stage}")
    kill(proc)
    assert sha(db) == before_bytes
    build(tmp_path, seeds, SAMPLE, args=("--no-nlp", "--workers", "2"))
    assert building_files(tmp_path) == []
    assert dump(db) == expected


@pytest.mark.nlp
def test_a_build_killed_late_is_resumed_from_its_analyses(tmp_path, seeds):
    """Killed after every document was analysed (NLP on): the next build
    analyses none of the articles again and writes what a full build does."""
    db = tmp_path / "atlas.db"
    proc = start_build([seeds, SAMPLE], db, pause="stories")
    wait_for_line(proc.stderr, "paused before stories")
    kill(proc)
    assert not db.exists()
    assert cache_path_for(db).exists()

    proc = start_build([seeds, SAMPLE], db)
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err
    articles = int(re.search(r"(\d+) articles written", out).group(1))
    documents = int(re.search(r"Read (\d+) documents", out).group(1))
    assert f"({articles} reused, {documents - articles} analysed)" in out

    fresh = build(tmp_path, seeds, SAMPLE, name="fresh.db")
    assert dump(db) == dump(fresh)

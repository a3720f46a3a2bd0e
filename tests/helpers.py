"""What the tests share besides fixtures (those are in conftest.py; the
browser's server and page watch are in browser_helpers.py): where things
are, building a real database with the real CLI, reading it back, and the
site's database made to stall on purpose.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.cli import cli
from ingest.document.read import format_of

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLE = REPO / "data" / "sample"


# The test being run (conftest.py sets it), so that shared_path can check
# its marker.
RUNNING: pytest.Item | None = None


def shared_path(*parts: str) -> Path:
    """A path under ../shared (the seeds, the benchmarks), for a test marked
    `shared` (any other fails). When ../shared is missing the test fails if
    CI=true (CI must run every test) and skips otherwise."""
    if RUNNING is not None and RUNNING.get_closest_marker("shared") is None:
        pytest.fail(f"{RUNNING.nodeid} reads ../shared: mark it @pytest.mark.shared")
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing: these tests need ../shared beside the repository"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def build(tmp_path: Path, *sources, name: str = "atlas.db", args: tuple = ()) -> Path:
    """Run `press-atlas build` for real and return the database path.

    Unless `args` says how many workers, the documents are analysed in
    this process (--workers 0), with the one spaCy pipeline the session
    loads, not in a worker process that loads its own (seconds per build).
    That the workers give the same database is tested where they are the
    point (test_build.py, test_supervise.py, test_atomic.py...)."""
    db = tmp_path / name
    if "--workers" not in args:
        args = ("--workers", "0", *args)
    result = CliRunner().invoke(cli, ["build", *map(str, sources), "--db", str(db), *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return db


class BuildInBackground:
    """`press-atlas build` in a process (and process group) of its own,
    started now and waited for later: a build of minutes that runs beside
    the other tests instead of after them."""

    def __init__(self, folder: Path, *sources, args: tuple = ()):
        self.db = folder / "atlas.db"
        self.log_path = folder / "build.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ingest", "build", *map(str, sources), "--db", str(self.db), *args],
                cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def result(self) -> Path:
        """The database, once the build has ended well."""
        code = self.process.wait()
        output = self.log_path.read_text(errors="replace")
        assert code == 0, f"the build exited with {code}: {output[-3000:]}"
        return self.db

    def stop(self) -> None:
        """End the build and its workers if it is still running."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def expected_documents(folder: Path) -> set[str]:
    """Source keys the build should report for a folder, worked out here from
    the files themselves: one per file, one per non-blank JSON Lines line."""
    keys = set()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or format_of(path) is None:
            continue
        key = os.path.relpath(path, folder.parent)
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        if format_of(path) == "jsonl":
            lines = [n for n, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
            keys.update(f"{key}#L{n}" for n in lines)
            if not lines:
                keys.add(key)  # a file with no records is still a document to account for
        elif format_of(path) == "json" and data.lstrip()[:1] == b"[":
            for n, _ in enumerate(json.loads(data), start=1):
                keys.add(f"{key}#{n}")
        else:
            keys.add(key)
    return keys


def dump(db) -> dict[str, list]:
    """The whole content of a database, canonically: its schema, and every
    table's rows with their rowids, in rowid order (FTS index tables and
    the planner's statistics included; virtual tables are read through
    their shadow tables)."""
    conn = sqlite3.connect(db)
    try:
        content = {"schema": conn.execute(
            "select type, name, tbl_name, sql from sqlite_master order by type, name").fetchall()}
        for name, sql in conn.execute("select name, sql from sqlite_master where type = 'table' order by name"):
            if sql.upper().startswith("CREATE VIRTUAL TABLE"):
                continue
            order = "rowid" if "WITHOUT ROWID" not in sql.upper() else "1"
            columns = "rowid, *" if order == "rowid" else "*"
            content[name] = conn.execute(f"select {columns} from [{name}] order by {order}").fetchall()
        return content
    finally:
        conn.close()


# A word no article uses: in a stalled copy, the one article that has it
# cannot be shown, so searching for it never finishes.
STALL_WORD = "quagmirequery"
STALLED_OUTLET = "stalled-outlet"


def stalled_copy(db: Path, folder: Path) -> Path:
    """A copy of a site database in which any query that shows one article's
    outlet can never finish, whatever the machine: the outlet's name is a
    recursive query without end (`outlets` becomes a view over the stored
    table). That article is one of Zelensky's, never Kovalenko's, and is the
    only one to hold STALL_WORD, so a search for STALL_WORD runs until the
    site's time limit stops it, and a search for Kovalenko answers as usual.
    A test of what a timeout shows needs no lowered limit (under which
    ordinary searches also fail on a busy machine) and no big corpus."""
    stalled = folder / "stalled.db"
    shutil.copy(db, stalled)
    conn = sqlite3.connect(stalled)
    try:
        assert not conn.execute("select count(*) from paragraphs where text like ?", [f"%{STALL_WORD}%"]).fetchone()[0]
        [(article, paragraph)] = conn.execute(
            """select a.id, min(p.id) from articles a join paragraphs p on p.article = a.id
               where a.body_text like '%Zelensk%' and a.body_text not like '%Kovalen%'
                 and a.title not like '%Kovalen%'
               group by a.id order by a.id limit 1""").fetchall()
        columns = [c[1] for c in conn.execute("pragma table_info(outlets)")]
        never_ends = ("(with recursive forever(n) as (select 1 union all select n + 1 from forever) "
                      "select max(n) from forever)")
        shown = ", ".join(f"case when id = '{STALLED_OUTLET}' then {never_ends} else name end as name"
                          if c == "name" else f"[{c}]" for c in columns)
        with conn:
            conn.execute("insert into outlets (id, name) values (?, 'Stalled')", [STALLED_OUTLET])
            conn.execute("update articles set outlet = ? where id = ?", [STALLED_OUTLET, article])
            conn.execute("update paragraphs set text = text || ' ' || ? where id = ?", [STALL_WORD, paragraph])
            conn.execute("insert into paragraphs_fts(paragraphs_fts) values ('rebuild')")
            conn.execute("alter table outlets rename to outlets_stored")
            conn.execute(f"create view outlets as select {shown} from outlets_stored")
    finally:
        conn.close()
    return stalled

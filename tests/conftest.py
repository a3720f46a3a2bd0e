"""Fixtures that build real databases from real corpora.

`../shared` (beside the repo) holds the seeds and the benchmarks. Tests that
need it fail when CI=true and it is missing, and skip otherwise.
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.cli import cli
from ingest.document.read import format_of

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLE = REPO / "data" / "sample"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing: these tests need ../shared beside the repository"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def build(tmp_path: Path, *sources, name: str = "atlas.db", args: tuple = ()) -> Path:
    """Run `press-atlas build` for real and return the database path."""
    db = tmp_path / name
    result = CliRunner().invoke(cli, ["build", *map(str, sources), "--db", str(db), *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return db


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


@pytest.fixture(scope="session")
def seeds() -> Path:
    return shared_path("corpus", "seeds")


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory, seeds) -> Path:
    return build(tmp_path_factory.mktemp("seeds"), seeds)


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("sample"), SAMPLE)


@pytest.fixture(scope="session")
def site_db(tmp_path_factory, seeds) -> Path:
    """The seeds and the sample in one database, as the site serves it."""
    return build(tmp_path_factory.mktemp("site"), seeds, SAMPLE)

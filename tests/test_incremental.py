"""Rebuilding over an existing database reuses the analysis of every
document whose bytes are unchanged, redoes the corpus-level linking, and
gives exactly the database a full build gives."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from helpers import REPO, SAMPLE, build, dump
from ingest import build as build_module
from ingest.store import cache as cache_module
from ingest.document.analyse import SYNONYMS
from ingest.store.cache import AnalysisCache, cache_path_for
from ingest.cli import cli
from ingest.document.read import RawDocument


def run(db, *sources, args=()) -> tuple[int, int]:
    """Build for real; (reused, analysed) as the summary line reports them."""
    result = CliRunner().invoke(cli, ["build", *map(str, sources), "--db", str(db), *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    m = re.search(r"\((\d+) reused, (\d+) analysed\)", result.output)
    assert m, result.output
    return int(m.group(1)), int(m.group(2))


def errors(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select count(*) from ingest_errors").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def corpus(tmp_path, seeds):
    """A corpus that can be changed: the sample, and two of the seeds to add later."""
    folder = tmp_path / "corpus"
    shutil.copytree(SAMPLE, folder)
    later = sorted(seeds.iterdir())[:2]
    return folder, later


@pytest.mark.shared
@pytest.mark.nlp
@pytest.mark.slow
def test_rebuild_reuses_unchanged_documents_and_equals_a_full_build(tmp_path, corpus):
    folder, later = corpus
    db = tmp_path / "atlas.db"
    assert run(db, folder) == (0, 14)
    first_errors = errors(db)  # documents that became errors are not kept: analysed each time

    # One file added: only it is analysed.
    shutil.copy(later[0], folder / "text" / later[0].name)
    assert run(db, folder) == (14 - first_errors, first_errors + 1)
    assert dump(db) == dump(build(tmp_path, folder, name="full-1.db"))

    # One file changed, one moved to another path: the moved one is reused
    # under its new path; the changed one is analysed.
    changed = folder / "text" / "meridian-post-aveiro-residents-count-cost.txt"
    changed.write_text(changed.read_text("utf-8") + "\n\nA late paragraph added by the editors overnight.\n",
                       "utf-8")
    (folder / "text" / "iberia-press-wire-aveiro-sea-wall.txt").rename(folder / "text" / "moved.txt")
    assert run(db, folder) == (14 - first_errors, first_errors + 1)
    assert dump(db) == dump(build(tmp_path, folder, name="full-2.db"))
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from sources where path = 'corpus/text/moved.txt'").fetchone() == (1,)
    conn.close()


@pytest.mark.nlp
@pytest.mark.slow
def test_json_lines_records_moved_to_other_lines(tmp_path):
    """The same record on another line is reused, with its new line number."""
    folder = tmp_path / "feeds"
    folder.mkdir()
    good = []
    for line in (SAMPLE / "jsonl" / "feed.jsonl").read_text("utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and any(record.get(k) for k in SYNONYMS["html"] + SYNONYMS["text"]):
            good.append(line)
    good = good[:2]
    assert len(good) == 2
    feed = folder / "feed.jsonl"
    feed.write_text("\n".join(good) + "\n", "utf-8")
    db = tmp_path / "atlas.db"
    assert run(db, folder) == (0, 2)
    feed.write_text("\n".join([good[1], "", good[0], '{"title": "a record with no text"}']) + "\n", "utf-8")
    assert run(db, folder) == (2, 1)
    assert dump(db) == dump(build(tmp_path, folder, name="full.db"))


@pytest.mark.shared
@pytest.mark.nlp
@pytest.mark.slow
def test_what_invalidates_kept_analyses(tmp_path, corpus, monkeypatch):
    folder, _ = corpus
    db = tmp_path / "atlas.db"
    run(db, folder, args=("--no-nlp",))
    articles = 14 - errors(db)
    assert run(db, folder, args=("--no-nlp",))[0] == articles
    # Turning NLP on changes what analyse returns: nothing is reused...
    assert run(db, folder) == (0, 14)
    assert dump(db) == dump(build(tmp_path, folder, name="full.db"))
    # ...and the analyses of the other setting were dropped, not kept forever.
    conn = sqlite3.connect(cache_path_for(db))
    assert conn.execute("select count(*), count(distinct version) from analyses").fetchone() == (articles, 1)
    conn.close()
    # Changed per-document code (or model files) means a new version key.
    monkeypatch.setattr(cache_module, "_code_hash", lambda: "another-version-of-the-code")
    assert run(db, folder) == (0, 14)
    # And asked not to reuse, it analyses everything.
    assert run(db, folder)[0] == articles
    assert run(db, folder, args=("--no-reuse",)) == (0, 14)


@pytest.mark.shared
def test_band_keys_of_another_version_of_the_band_key_code_are_dropped(tmp_path, corpus, monkeypatch):
    """A new ingest/minhash.py computes its band keys afresh, keeps them,
    and drops the old ones; the per-document analyses stay reused."""
    from ingest.corpus import minhash

    folder, _ = corpus
    db = tmp_path / "atlas.db"
    run(db, folder, args=("--no-nlp",))
    articles = 14 - errors(db)

    def kinds() -> dict[str, int]:
        conn = sqlite3.connect(cache_path_for(db))
        try:
            return dict(conn.execute("select kind, count(*) from band_keys group by kind"))
        finally:
            conn.close()

    before = kinds()
    assert len(before) == 2 and all(before.values())  # articles and paragraphs
    monkeypatch.setattr(minhash, "memo_kind", lambda k, threshold: f"another-version:{k}:{threshold}")
    assert run(db, folder, args=("--no-nlp",)) == (articles, 14 - articles)
    after = kinds()
    assert set(after) == {"another-version:5:0.3", "another-version:3:0.4"}
    assert sorted(after.values()) == sorted(before.values())
    assert dump(db) == dump(build(tmp_path, folder, name="full.db", args=("--no-nlp",)))


def test_code_hash_follows_the_per_document_code_only(tmp_path, monkeypatch):
    """Every file below ingest/document/ (nested ones and model files too)
    is in the hash; the corpus stages are not."""
    copy = tmp_path / "document"
    shutil.copytree(cache_module.DOCUMENT_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "nested").mkdir()
    (copy / "nested" / "stage.py").write_text("# a module in a subpackage\n")
    monkeypatch.setattr(cache_module, "DOCUMENT_DIR", copy)
    before = cache_module._code_hash.__wrapped__()
    (copy / "nested" / "stage.py").write_text("# a module in a subpackage, changed\n")
    changed_nested = cache_module._code_hash.__wrapped__()
    assert changed_nested != before
    before = changed_nested
    (copy / "extract.py").write_text((copy / "extract.py").read_text() + "\n# a per-document change\n")
    after_code = cache_module._code_hash.__wrapped__()
    assert after_code != before
    model = next((copy / "models").iterdir())
    model.write_bytes(model.read_bytes() + b" ")
    assert cache_module._code_hash.__wrapped__() not in (before, after_code)


def test_version_key_names_every_installed_distribution():
    """Upgrading any library (htmldate, justext, thinc, regex...) alone
    analyses afresh: each installed distribution is in the key."""
    names = {entry.split("==")[0] for entry in cache_module._distributions()}
    assert {"trafilatura", "htmldate", "justext", "courlan", "dateparser", "thinc", "beautifulsoup4",
            "regex", "spacy", "lxml"} <= names


@pytest.mark.shared
def test_a_damaged_cache_costs_a_full_build_not_a_failure(tmp_path, corpus):
    folder, _ = corpus
    db = tmp_path / "atlas.db"
    run(db, folder, args=("--no-nlp",))
    cache_path_for(db).write_bytes(b"not a database at all" * 100)
    assert run(db, folder, args=("--no-nlp",)) == (0, 14)
    assert run(db, folder, args=("--no-nlp",))[0] > 0


def _documents(n: int, pulled: list, first: int = 0) -> object:
    for i in range(first, n):
        pulled.append(i)
        text = f"Harbour wall report number {i}\n\n" + f"The wall in district {i} held overnight. " * 12
        yield RawDocument(f"gen/{i}.txt", f"gen/{i}.txt", None, "text", text.encode())


@pytest.mark.parametrize("workers", [0, 1, 2])
def test_documents_are_read_a_bounded_window_ahead(workers, tmp_path):
    """Memory does not grow with the corpus: however many documents there
    are, and however many of them are reused, only a window of them is read
    ahead of the writer (workers=0: in the build's own process)."""
    n = 200
    window = build_module.WINDOW_PER_WORKER * max(1, workers)
    cache = AnalysisCache(tmp_path / "kept", nlp=False)

    def run_over(first: int) -> list[bool]:
        pulled: list[int] = []
        ahead, reused_flags = [], []
        for i, (analysis, reused) in enumerate(build_module._reusing(_documents(n, pulled, first), workers,
                                                                     False, cache)):
            assert analysis.source["path"] == f"gen/{first + i}.txt"
            ahead.append(len(pulled) - i)
            reused_flags.append(reused)
            if not reused:
                cache.keep(analysis)
        assert len(ahead) == n - first
        assert max(ahead) <= 2 * window  # the writer's window, and the workers' own few in flight
        return reused_flags

    # All new but the first, which is left out, then added: one document to
    # analyse, the rest reused, and still only a window read ahead.
    assert run_over(1) == [False] * (n - 1)
    assert run_over(0) == [False] + [True] * (n - 1)
    cache.close()


@pytest.mark.nlp
def test_the_per_document_stage_imports_nothing_outside_its_folder():
    """The code hash reads ingest/document/ only: that is only right while
    analysing a document (with NLP) never imports another part of ingest."""
    script = (
        "import json, sys\n"
        "from ingest.document.analyse import analyse\n"
        "from ingest.document.read import RawDocument\n"
        "text = 'Harbour wall report\\n\\n' + '\"It held,\" said Mayor Ana Costa in Aveiro on Monday. ' * 20\n"
        "result = analyse(RawDocument('a.txt', 'a.txt', None, 'text', text.encode()), nlp=True)\n"
        "assert result.article and result.quotes and result.mentions, result.errors\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('ingest.'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    used = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert {"ingest.document.analyse", "ingest.document.extract", "ingest.document.quotes",
            "ingest.document.entities"} <= used
    assert {m for m in used if not m.startswith("ingest.document")} == set()

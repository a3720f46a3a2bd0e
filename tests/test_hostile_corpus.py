"""The hostile corpus (tests/hostile_corpus.py), built with the real CLI:
every document ends as an article, decoded right, or as an error row that
names it and says why in words; no input stops the build or changes
another document.

What a user gets for the inputs that cost the most, and why:
- a file over 16 MB (the 200 MB dump, a gzip bomb) is refused unread, with
  an error giving its size and the limit: no news article is that large,
  and a cut article would pass for a whole one;
- a page nested 100,000 levels deep becomes its article: libxml2 reads 256
  levels and drops the rest, so such a page is parsed again without its
  wrapping elements (and if the text is still out of reach, the error says so);
- a line of a megabyte is an article: every stage caps the work per
  paragraph, so it costs seconds.
Unreadable inputs, as root (which reads any file): a named pipe (must not
block the build), a dangling link, a link loop, links out of the folder,
and chmod 000 in a build process that has given up root's override.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import hostile_corpus
from helpers import REPO, build, expected_documents, rows
from hostile_corpus import make_containers, make_controls, make_hostile_corpus

pytestmark = pytest.mark.slow

# Per-document columns: what one document gives, whatever else is in the
# corpus (outlet, story and copy links are corpus-level, so not here).
ARTICLE_COLUMNS = ("title", "standfirst", "author", "published", "language", "section", "wire_credit",
                   "body_markdown", "body_text", "word_count", "redacted", "url")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    folder, containers = root / "hostile", root / "containers"
    expected = make_hostile_corpus(folder)
    expected |= make_containers(containers)
    return folder, containers, expected


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory, hostile) -> Path:
    folder, containers, _ = hostile
    # In a worker process, as a real build analyses: no input may take it down.
    return build(tmp_path_factory.mktemp("hostile-db"), folder, containers, args=("--no-nlp", "--workers", "1"))


def outcomes(db: Path) -> dict[str, tuple]:
    """Each source path -> ('article', title, body) or ('error', stage, message)
    or ('lost',), and 'twice' when one document gave both."""
    result = {}
    articles = {path: (title, body) for path, title, body in rows(
        db, "select s.path, a.title, a.body_text from articles a join sources s on s.id = a.source")}
    errors: dict[str, list] = {}
    for path, stage, message in rows(db, "select path, stage, message from ingest_errors order by id"):
        errors.setdefault(path, []).append((stage, message))
    for (path,) in rows(db, "select path from sources"):
        if path in articles and path in errors:
            result[path] = ("twice",)
        elif path in articles:
            result[path] = ("article", *articles[path])
        elif path in errors and len(errors[path]) == 1:
            result[path] = ("error", *errors[path][0])
        else:
            result[path] = ("lost", errors.get(path))
    return result


def check(key: str, expect: hostile_corpus.Expect, got: tuple) -> list[str]:
    """What is wrong with a document's outcome, in words (empty when right)."""
    if got[0] != expect.outcome:
        return [f"{key}: expected {expect.outcome}, got {got}"]
    problems = []
    if got[0] == "article":
        _, title, body = got
        if expect.title is not None and title != expect.title:
            problems.append(f"{key}: title {title!r}, expected {expect.title!r}")
        problems += [f"{key}: body lacks {s[:60]!r}" for s in expect.body if s not in body]
        problems += [f"{key}: body holds {s!r}" for s in expect.not_in_body if s in body]
    else:
        _, stage, message = got
        if expect.stage and stage != expect.stage:
            problems.append(f"{key}: stage {stage!r}, expected {expect.stage!r} ({message})")
        problems += [f"{key}: message {message!r} lacks {w!r}" for w in expect.words
                     if w.lower() not in message.lower()]
    return problems


@pytest.mark.timeout(900)
def test_every_document_is_an_article_or_a_clear_error(hostile, hostile_db):
    _, _, expected = hostile
    got = outcomes(hostile_db)
    assert set(got) == set(expected), (set(got) ^ set(expected))
    problems = [p for key, expect in sorted(expected.items()) for p in check(key, expect, got[key])]
    assert not problems, "\n".join(problems)


def test_counts_add_up(hostile, hostile_db):
    """Every document is accounted for exactly once: the regular files as
    conftest counts them, plus the entries that are not files (links that
    lead nowhere or outside, a named pipe), each one source row."""
    folder, _, expected = hostile
    keys = [r[0] for r in rows(hostile_db, "select path from sources")]
    assert len(keys) == len(set(keys))
    in_folder = {k for k in keys if k.startswith(folder.name + "/")}
    not_regular = {k for k, e in expected.items() if not e.regular}
    assert in_folder == expected_documents(folder) | not_regular
    articles, errors = (rows(hostile_db, f"select count(*) from {t}")[0][0] for t in ("articles", "ingest_errors"))
    assert articles + errors == len(keys)
    assert articles == sum(e.outcome == "article" for e in expected.values())


def test_every_error_names_its_file_and_says_why(hostile_db):
    for path, stage, message, source in rows(hostile_db, "select path, stage, message, source from ingest_errors"):
        assert path and source, (path, source)
        assert stage in {"read", "decode", "parse", "extract", "dedupe", "analyse"}, (path, stage)
        # A sentence, not a traceback or an exception's repr.
        assert len(message.split()) >= 3 and "Traceback" not in message and "Error:" not in message, message


def per_document(db: Path, keys: set[str]) -> dict[str, dict]:
    """What each of these documents gave, column by column and table by table."""
    conn = sqlite3.connect(db)
    try:
        result = {}
        for key in keys:
            (aid, *values), = conn.execute(
                f"select a.id, {', '.join('a.' + c for c in ARTICLE_COLUMNS)} from articles a "
                "join sources s on s.id = a.source where s.path = ?", (key,))
            result[key] = {
                "id": aid,
                "article": values,
                "paragraphs": conn.execute("select position, text from paragraphs where article = ? "
                                           "order by position", (aid,)).fetchall(),
                "removed": conn.execute("select position, text, reason, score from removed_blocks "
                                        "where article = ? order by position", (aid,)).fetchall(),
                "figures": conn.execute("select paragraph, start, \"end\", text, value, unit, noun from figures "
                                        "where article = ? order by id", (aid,)).fetchall(),
                "credits": conn.execute("select agency, kind, text from credits where article = ? order by id",
                                        (aid,)).fetchall(),
                "quotes": conn.execute("select paragraph, start, \"end\", text, kind, speaker, cue from quotes "
                                       "where article = ? order by id", (aid,)).fetchall(),
            }
        return result
    finally:
        conn.close()


def test_control_documents_are_untouched(tmp_path, hostile, hostile_db):
    """The good documents give exactly what they give when built alone."""
    controls = make_controls(tmp_path / "alone" / "hostile")
    alone = build(tmp_path, tmp_path / "alone" / "hostile", args=("--no-nlp",))
    keys = {k for k, e in controls.items() if e.control}
    assert len(keys) >= 6
    assert per_document(hostile_db, keys) == per_document(alone, keys)


def test_decoding_is_recorded(hostile_db):
    encodings = dict(rows(hostile_db, "select path, encoding from sources where path like 'hostile/encodings/%'"))
    assert encodings["hostile/encodings/shiftjis-undeclared.html"] in ("shift_jis", "cp932")
    assert encodings["hostile/encodings/shiftjis-declared.html"] in ("shift_jis", "cp932")
    assert encodings["hostile/encodings/cp1252-undeclared.html"] == "cp1252"
    assert encodings["hostile/encodings/utf16le-nobom.html"] == "utf-16-le"
    assert encodings["hostile/encodings/utf16be-nobom.txt"] == "utf-16-be"


def test_raw_bytes_of_errors_are_kept(hostile, hostile_db):
    """A document that failed can still be looked at: its bytes are in sources.raw."""
    import zlib

    folder, _, _ = hostile
    for name in ("broken/random.html", "broken/truncated-head.html", "broken/no-article.txt"):
        (raw,), = rows(hostile_db, "select raw from sources where path = ?", (f"hostile/{name}",))
        assert zlib.decompress(raw) == (folder / name).read_bytes()


# --- bounded ---------------------------------------------------------------------

# The CLI in a process of its own, printing its peak memory at the end:
# VmHWM, the high-water mark of this program's own memory (ru_maxrss would
# count the memory of the forking test process too, inherited across exec).
PEAK_RSS = """
import re, sys
from ingest.cli import cli
try:
    cli.main(sys.argv[1:], standalone_mode=False)
finally:
    status = open("/proc/self/status").read()
    print("peak_rss_kb", re.search(r"VmHWM:\\s*(\\d+) kB", status).group(1), file=sys.stderr)
"""


@pytest.mark.timeout(600)
def test_big_inputs_cost_bounded_memory(tmp_path, hostile):
    """The 200 MB file, the gzip bomb, lines of a megabyte and 100,000 levels
    of nesting, built by the CLI in a process of its own that also analyses
    them (--workers 0, so that its peak counts reading and analysing): its
    peak memory stays far below what reading the big inputs whole would
    take (the limit leaves room for the libraries; the 200 MB file alone,
    read and decoded, would pass it)."""
    folder, containers, _ = hostile
    db = tmp_path / "big.db"
    result = subprocess.run([sys.executable, "-c", PEAK_RSS, "build", str(folder / "big"),
                             str(containers / "bomb.txt.gz"), "--db", str(db), "--no-nlp", "--workers", "0"],
                            capture_output=True, text=True, cwd=REPO, timeout=580)
    assert result.returncode == 0, result.stderr
    peak_mb = int(result.stderr.split("peak_rss_kb")[-1]) / 1024
    assert peak_mb < 600, f"peak memory {peak_mb:.0f} MB"
    got = outcomes(db)
    assert got["big/huge.txt"][0] == got["bomb.txt.gz"][0] == "error"
    assert {got[k][0] for k in got if k != "big/huge.txt" and k.startswith("big/")} == {"article"}


# --- unreadable -----------------------------------------------------------------------

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _without_root_override():
    """Run in the child before it starts the build: drop the capabilities
    that let root read any file whatever its permissions (Linux), so that
    chmod 000 refuses root too. Root still owns, and so reads, its own
    readable files (the interpreter, the repository, tmp_path)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


@pytest.mark.timeout(300)
def test_unreadable_files_and_folders_are_errors(tmp_path):
    """A file and a folder the build may not read give an error row each,
    "permission denied"; the rest is built. Tests run as root, which reads
    anything: the build runs in a process without root's override."""
    corpus = tmp_path / "locked"
    title, paragraphs = hostile_corpus.story("Lockport")
    hostile_corpus._write(corpus / "good.txt", hostile_corpus.text_page(title, paragraphs))
    hostile_corpus._write(corpus / "locked.txt", hostile_corpus.text_page(*hostile_corpus.story("Keyhole")))
    hostile_corpus._write(corpus / "private" / "inside.txt", hostile_corpus.text_page(*hostile_corpus.story("Vault")))
    (corpus / "locked.txt").chmod(0)
    (corpus / "private").chmod(0)
    db = tmp_path / "atlas.db"
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ingest", "build", str(corpus), "--db", str(db), "--no-nlp"],
            capture_output=True, text=True, cwd=REPO, timeout=280,
            preexec_fn=_without_root_override if os.geteuid() == 0 else None)
    finally:
        (corpus / "private").chmod(0o755)
        (corpus / "locked.txt").chmod(0o644)
    assert result.returncode == 0, result.stderr
    got = outcomes(db)
    assert got["locked/good.txt"][:2] == ("article", title)
    assert got["locked/locked.txt"][:2] == ("error", "read")
    assert "permission denied" in got["locked/locked.txt"][2]
    assert got["locked/private"][:2] == ("error", "read")
    assert "cannot be listed" in got["locked/private"][2] and "permission denied" in got["locked/private"][2]
    assert len(got) == 3


# --- documents that crash or hang the analysis ------------------------------------------

# The hanging document's time limit. It never ends, so it overruns any
# limit: a short one only makes the test quick. Every other document gets
# an hour, so none is stopped however busy the machine.
HANG_SECONDS = 3.0


@pytest.fixture
def misbehaving(tmp_path, monkeypatch):
    """A small corpus with a document that kills the process analysing it (a
    real segmentation fault), one that hangs it (catastrophic regex
    backtracking) and one on which the analysis raises, among good ones;
    the build's analysis function swapped for one that does so on them."""
    from ingest import build as build_module, supervise

    monkeypatch.setattr(build_module, "analyse", hostile_corpus.analyse_or_misbehave)
    monkeypatch.setattr(supervise, "time_limit", lambda doc: HANG_SECONDS
                        if hostile_corpus.HANG.encode() in doc.data else 3600.0)
    # What a document waiting for a warming-up worker may wait on top of its limit.
    monkeypatch.setattr(supervise, "BASE_SECONDS", HANG_SECONDS)
    corpus = tmp_path / "mixed"
    good = {}
    for place in ("Goodhaven", "Fairport", "Wellmouth"):
        title, paragraphs = hostile_corpus.story(place)
        hostile_corpus._write(corpus / f"{place.lower()}.txt", hostile_corpus.text_page(title, paragraphs))
        good[f"mixed/{place.lower()}.txt"] = title
    for name, marker in (("crash.txt", hostile_corpus.CRASH), ("hang.txt", hostile_corpus.HANG),
                         ("raise.txt", hostile_corpus.RAISE)):
        title, paragraphs = hostile_corpus.story(name)
        hostile_corpus._write(corpus / name, hostile_corpus.text_page(title, paragraphs + [marker]))
    return corpus, good


@pytest.mark.timeout(400)
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_crashing_or_hanging_document_costs_only_itself(workers, tmp_path, misbehaving):
    """In worker processes (the default is one), a document that kills its
    worker or hangs it costs only itself."""
    corpus, good = misbehaving
    db = build(tmp_path, corpus, args=("--no-nlp", "--workers", workers))
    got = outcomes(db)
    for key, title in good.items():
        assert got[key][:2] == ("article", title), got[key]
    assert got["mixed/crash.txt"][:2] == ("error", "analyse")
    assert "killed the process" in got["mixed/crash.txt"][2]
    assert got["mixed/hang.txt"][:2] == ("error", "analyse")
    assert f"took longer than {HANG_SECONDS:.0f} seconds" in got["mixed/hang.txt"][2]
    assert got["mixed/raise.txt"][:2] == ("error", "analyse")
    assert "internal error" in got["mixed/raise.txt"][2]
    assert len(got) == 6


@pytest.mark.timeout(300)
def test_a_hanging_document_is_stopped_in_one_process(tmp_path, misbehaving):
    """Without workers (--workers 0), a hang is stopped too, after its limit
    of processor time (a crash cannot be: it takes the process down, so
    that document is left out of this corpus)."""
    corpus, good = misbehaving
    (corpus / "crash.txt").unlink()
    db = build(tmp_path, corpus, args=("--no-nlp", "--workers", "0"))
    got = outcomes(db)
    for key, title in good.items():
        assert got[key][:2] == ("article", title), got[key]
    assert got["mixed/hang.txt"][:2] == ("error", "analyse")
    assert f"took longer than {HANG_SECONDS:.0f} seconds of processor time" in got["mixed/hang.txt"][2]
    assert got["mixed/raise.txt"][:2] == ("error", "analyse")


# --- with NLP --------------------------------------------------------------------

@pytest.mark.nlp
@pytest.mark.timeout(900)
def test_hostile_corpus_with_nlp(tmp_path, hostile):
    """The full pipeline (entities and quotes) on the same corpus: the same
    outcome for every document, quotes inside their paragraphs, and the
    control documents as they are built alone."""
    folder, containers, expected = hostile
    db = build(tmp_path, folder, containers, args=("--workers", "1"))
    got = outcomes(db)
    assert set(got) == set(expected)
    problems = [p for key, expect in sorted(expected.items()) for p in check(key, expect, got[key])]
    assert not problems, "\n".join(problems)
    bad = rows(db, "select q.id from quotes q join paragraphs p on p.id = q.paragraph "
                   "where substr(p.text, q.start + 1, q.\"end\" - q.start) != q.text")
    assert bad == []
    assert rows(db, "select count(*) from quotes")[0][0] > 10
    controls = make_controls(tmp_path / "alone" / "hostile")
    alone = build(tmp_path, tmp_path / "alone" / "hostile", name="alone.db")
    keys = {k for k, e in controls.items() if e.control}
    assert per_document(db, keys) == per_document(alone, keys)

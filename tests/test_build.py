"""press-atlas build: every document accounted for, stable ids, atomic writes."""

from __future__ import annotations

import json
import os
import re
import sqlite3

import pytest
from click.testing import CliRunner

from helpers import SAMPLE, build, dump, expected_documents, rows
from ingest import build as build_module
from ingest.cli import cli
from ingest.store import writer as write
from ingest.store.schema import TABLES

pytestmark = pytest.mark.nlp


def accounted(db) -> dict[str, str]:
    """Map each source path to 'article', 'error' or 'lost'."""
    result = {}
    for path, articles, errors in rows(db, """
        select s.path,
          (select count(*) from articles a where a.source = s.id),
          (select count(*) from ingest_errors e where e.source = s.id)
        from sources s
    """):
        result[path] = "article" if articles else "error" if errors else "lost"
    return result


@pytest.mark.parametrize("corpus", ["seeds", "sample"])
def test_every_input_is_an_article_or_an_error(corpus, request):
    folder = request.getfixturevalue("seeds") if corpus == "seeds" else SAMPLE
    db = request.getfixturevalue(f"{corpus}_db")
    outcome = accounted(db)
    assert set(outcome) == expected_documents(folder)
    assert "lost" not in outcome.values()
    # Each error row names its document and says why in words.
    for path, stage, message in rows(db, "select path, stage, message from ingest_errors"):
        assert path in outcome and stage and len(message) > 10


@pytest.mark.shared
def test_seeds_all_become_articles(seeds_db):
    assert set(accounted(seeds_db).values()) == {"article"}
    assert rows(seeds_db, "select count(*) from articles")[0][0] == 5


def test_sample_errors_are_the_broken_records(sample_db):
    errors = dict(rows(sample_db, "select path, stage from ingest_errors"))
    assert errors == {"sample/jsonl/feed.jsonl#L4": "parse", "sample/jsonl/feed.jsonl#L5": "extract"}
    message = rows(sample_db, "select message from ingest_errors where stage = 'parse'")[0][0]
    assert message.startswith("line 4: not valid JSON")


def test_summary_line(tmp_path):
    db = tmp_path / "s.db"
    result = CliRunner().invoke(cli, ["build", str(SAMPLE), "--db", str(db)])
    assert result.exit_code == 0
    last = result.output.strip().splitlines()[-1]
    m = re.match(r"Read (\d+) documents: (\d+) articles written, (\d+) errors", last)
    assert m, last
    documents, articles, errors = map(int, m.groups())
    assert documents == len(expected_documents(SAMPLE))
    assert articles == rows(db, "select count(*) from articles")[0][0]
    assert errors == rows(db, "select count(*) from ingest_errors")[0][0]
    assert articles + errors == documents


@pytest.mark.shared
def test_second_build_gives_same_ids_and_content(tmp_path, seeds, site_db):
    """Nothing in the database depends on the run: no timestamps, no
    timings, no order of worker completion."""
    again = build(tmp_path, seeds, SAMPLE, name="again.db")
    first, second = dump(site_db), dump(again)
    assert set(first) >= {t.name for t in TABLES} | {"articles_fts_data", "sqlite_stat1", "schema"}
    assert [r[1] for r in first["articles"]] == [r[1] for r in second["articles"]]
    assert first == second


@pytest.mark.shared
def test_ids_do_not_depend_on_how_the_folder_is_named(tmp_path, seeds, seeds_db):
    """Article ids come from the content: the same files from another place
    keep their ids."""
    copy = tmp_path / "elsewhere"
    copy.mkdir()
    for f in seeds.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    other = build(tmp_path, copy, name="other.db")
    assert rows(other, "select id from articles order by id") == rows(seeds_db, "select id from articles order by id")


@pytest.mark.shared
def test_fts_finds_kovalenko_exactly_where_he_is_mentioned(seeds, site_db):
    mentioned = {f"seeds/{f.name}" for f in seeds.iterdir() if "Kovalenko" in f.read_text("utf-8")}
    assert mentioned, "the seeds mention Kovalenko"
    expected = {r[0] for r in rows(site_db, "select a.id from articles a join sources s on s.id = a.source "
                                             f"where s.path in ({','.join('?' * len(mentioned))})",
                                   tuple(mentioned))}
    by_article = {r[0] for r in rows(site_db, "select a.id from articles_fts f join articles a "
                                              "on a.rowid = f.rowid where articles_fts match 'Kovalenko'")}
    by_paragraph = {r[0] for r in rows(site_db, "select p.article from paragraphs_fts f join paragraphs p "
                                                "on p.rowid = f.rowid where paragraphs_fts match 'Kovalenko'")}
    assert by_article == expected
    assert by_paragraph == expected


@pytest.mark.shared
def test_foreign_keys_are_declared(seeds_db):
    conn = sqlite3.connect(seeds_db)
    fks = {(t, r[3], r[2]) for t in ("articles", "paragraphs", "ingest_errors")
           for r in conn.execute(f"pragma foreign_key_list({t})")}
    assert ("articles", "source", "sources") in fks
    assert ("articles", "outlet", "outlets") in fks
    assert ("paragraphs", "article", "articles") in fks
    # And every reference resolves.
    assert conn.execute("pragma foreign_key_check").fetchall() == []


@pytest.mark.shared
def test_raw_input_is_kept(seeds, seeds_db):
    import zlib

    for path, raw, sha in rows(seeds_db, "select path, raw, sha256 from sources"):
        original = (seeds.parent / path).read_bytes()
        assert zlib.decompress(raw) == original
        import hashlib
        assert hashlib.sha256(original).hexdigest() == sha


def test_failed_build_leaves_previous_database_untouched(tmp_path, monkeypatch):
    db = build(tmp_path, SAMPLE, name="atlas.db")
    before = db.read_bytes()

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(build_module, "link", explode)
    result = CliRunner().invoke(cli, ["build", str(SAMPLE), "--db", str(db)])
    assert result.exit_code != 0
    assert db.read_bytes() == before
    # No half-built file left; only the database and its kept analyses.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".atlas.db.analyses", "atlas.db"]


def test_missing_source_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "nope"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output
    assert not (tmp_path / "x.db").exists()


@pytest.mark.shared
@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_database_does_not_depend_on_the_workers(workers, tmp_path, site_db, seeds):
    """One worker process (the default) or two give the same database as
    none (site_db: analysed in the build's own process, as the tests'
    builds are)."""
    other = build(tmp_path, seeds, SAMPLE, name="other.db", args=("--workers", workers))
    assert dump(other) == dump(site_db)


@pytest.mark.shared
@pytest.mark.slow
def test_quotes_dropped_with_repeated_lines_leave_the_clusters_as_one_process_finds_them(
        tmp_path, site_db, seeds, monkeypatch):
    """With 2 workers the quote clusters are found in the second process
    while the repeated-lines pass runs, from the quotes as they were: when
    that pass drops a paragraph holding a quote (here made to drop one
    that is in a cluster), they are found again, and the database is the
    one a build in one process gives."""
    from dataclasses import replace

    from ingest.corpus import boilerplate, stages

    (paragraph, quote), = rows(site_db, """
        select q.paragraph, q.id from quote_cluster_members m join quotes q on q.id = m.quote
        order by m.cluster, q.id limit 1""")
    real = boilerplate.remove_repeats

    def also_dropping_a_quoted_paragraph(db, *args, **kwargs):
        moved = real(db, *args, **kwargs)
        db.conn.execute("delete from quotes where paragraph = ?", [paragraph])
        db.conn.execute("delete from paragraphs where id = ?", [paragraph])
        return moved + 1

    monkeypatch.setattr(stages, "STAGES", tuple(
        replace(stage, run=also_dropping_a_quoted_paragraph) if stage.name == "boilerplate" else stage
        for stage in stages.STAGES))
    two = dump(build(tmp_path, seeds, SAMPLE, name="two.db", args=("--workers", "2")))
    one = dump(build(tmp_path, seeds, SAMPLE, name="one.db", args=("--workers", "0")))
    assert two == one
    assert quote not in {row[3] for row in two["quote_cluster_members"]}  # (rowid, id, cluster, quote, ...)
    assert two["quote_cluster_members"] != dump(site_db)["quote_cluster_members"]


def test_unreadable_and_odd_files_become_errors(tmp_path):
    corpus = tmp_path / "odd"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.html").write_bytes(bytes(range(256)) * 64)
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    (corpus / "good.txt").write_text("A headline about the harbour\n\n" + "The harbour wall held. " * 20)
    (corpus / "notes.md").write_text("not an input format")
    locked = corpus / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0)
    db = build(tmp_path, corpus)
    stages = dict(rows(db, "select path, message from ingest_errors"))
    assert set(accounted(db)) == {"odd/empty.txt", "odd/binary.html", "odd/loop.txt", "odd/good.txt",
                                  "odd/locked.txt"}
    assert "empty" in stages["odd/empty.txt"]
    assert "binary" in stages["odd/binary.html"]
    assert "symlink" in stages["odd/loop.txt"] or "loop" in stages["odd/loop.txt"]
    if os.geteuid() != 0:  # root reads anything
        assert "permission" in stages["odd/locked.txt"]
    assert accounted(db)["odd/good.txt"] == "article"


def test_same_names_twice_and_undecodable_names(tmp_path):
    for side in ("a", "b"):
        folder = tmp_path / side / "pages"
        folder.mkdir(parents=True)
        (folder / "story.txt").write_text(f"Harbour wall story from {side}\n\n" + f"The wall held in {side}. " * 20)
    odd = tmp_path / "a" / "pages" / os.fsdecode(b"caf\xe9.txt")
    odd.write_text("Cafe story headline here\n\n" + "The cafe stayed open all night long. " * 10)
    out = tmp_path / "out"
    out.mkdir()
    # Two folders with the same name, and one of them named twice.
    db = build(out, tmp_path / "a" / "pages", tmp_path / "b" / "pages", tmp_path / "a" / "pages")
    paths = [r[0] for r in rows(db, "select path from sources order by path")]
    assert len(paths) == 3 and len(set(paths)) == 3
    assert "pages/caf\ufffd.txt" in paths
    assert set(accounted(db).values()) == {"article"}


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_pathological_text_is_linear(tmp_path):
    """One 3 MB word, and 100,000 hard-wrapped lines inside an open quote:
    quadratic scanning would take hours; the build must finish (in seconds
    on an idle machine; the limit leaves room for a loaded one)."""
    corpus = tmp_path / "slow"
    corpus.mkdir()
    (corpus / "word.txt").write_text("Headline of the page here\n\n" + "x" * 3_000_000 + "@example.org")
    (corpus / "wrapped.txt").write_text('Headline of the page here\n\n"' + "a wrapped line of text\n" * 100_000)
    db = build(tmp_path, corpus)
    assert set(accounted(db).values()) <= {"article", "error"}
    assert accounted(db)["slow/wrapped.txt"] == "article"


def test_oversized_documents_are_refused_with_a_reason(tmp_path, monkeypatch):
    from ingest.document import read

    monkeypatch.setattr(read, "MAX_DOCUMENT_BYTES", 10_000)
    corpus = tmp_path / "big"
    corpus.mkdir()
    (corpus / "big.txt").write_text("Headline of the page here\n\n" + "Words of the story. " * 2_000)
    import gzip
    (corpus / "bomb.html.gz").write_bytes(gzip.compress(b"<p>" + b"a" * 1_000_000))
    (corpus / "feed.jsonl").write_text('{"url": "u", "text": "' + "word " * 5_000 + '"}\n'
                                       '{"url": "v", "title": "Short one", "text": "' + "The wall held. " * 20 + '"}\n')
    db = build(tmp_path, corpus)
    messages = dict(rows(db, "select path, message from ingest_errors"))
    for key in ("big/big.txt", "big/bomb.html.gz", "big/feed.jsonl#L1"):
        assert "documents over" in messages[key]
    assert accounted(db)["big/feed.jsonl#L2"] == "article"


def test_json_lines_encodings_and_empty_files(tmp_path):
    corpus = tmp_path / "feeds"
    corpus.mkdir()
    def lines(name):
        records = [{"url": f"https://a.example/{name}/{i}", "title": f"Story {i}",
                    "text": f"Le maire a déclaré que la digue numéro {i} avait cédé pendant la nuit. " * 3}
                   for i in range(3)]
        return "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"

    (corpus / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + lines("bom").encode("utf-8"))
    (corpus / "utf16.jsonl").write_bytes(lines("utf16").encode("utf-16"))
    (corpus / "utf16le.jsonl").write_bytes(lines("utf16le").encode("utf-16-le"))
    (corpus / "blank.jsonl").write_text("\n  \n\n")
    db = build(tmp_path, corpus)
    outcome = accounted(db)
    for name in ("bom", "utf16", "utf16le"):
        assert [outcome[f"feeds/{name}.jsonl#L{n}"] for n in (1, 2, 3)] == ["article"] * 3, name
    assert outcome["feeds/blank.jsonl"] == "error"
    titles = {r[0] for r in rows(db, "select body_text from articles")}
    assert any("déclaré" in t for t in titles)


def test_outlets_in_other_scripts_stay_apart():
    from ingest.corpus.outlets import resolve_outlets

    claims = {("Новая газета", "novayagazeta.ru"): 1, ("Коммерсантъ", None): 1, ("朝日新聞", None): 1,
              ("Ελληνική Εφημερίδα", None): 1, ("The Independent", None): 2, (None, "independent.co.uk"): 1}
    outlets, mapping = resolve_outlets(claims)
    assert len({o["id"] for o in outlets}) == 5
    assert len(set(mapping.values())) == 5
    assert mapping[("The Independent", None)] == mapping[(None, "independent.co.uk")] == "independent-co-uk"
    assert {o["name"] for o in outlets} >= {"The Independent", "Коммерсантъ", "朝日新聞"}


def test_duplicates_are_found_across_write_batches(tmp_path, monkeypatch):
    """The writer keeps only the current batch in memory: a file whose bytes
    an earlier, already written batch had is still kept once."""
    monkeypatch.setattr(write, "BATCH", 2)
    corpus = tmp_path / "dups"
    corpus.mkdir()
    page = "A headline about the harbour wall\n\n" + "The harbour wall held through the night. " * 12
    (corpus / "a-first.txt").write_text(page)
    for name in ("b.txt", "c.txt", "d.txt"):
        (corpus / name).write_text(f"Another story, {name}\n\n" + f"Nothing like the others in {name}. " * 12)
    (corpus / "e-again.txt").write_text(page)
    db = build(tmp_path, corpus, args=("--no-nlp",))
    (kept,) = rows(db, "select a.id from articles a join sources s on s.id = a.source where s.path = ?",
                   ("dups/a-first.txt",))
    assert rows(db, "select path, stage, message from ingest_errors") == [
        ("dups/e-again.txt", "dedupe", f"the same bytes as dups/a-first.txt: kept once, as article {kept[0]}")]
    assert rows(db, "select count(*) from articles") == [(4,)]

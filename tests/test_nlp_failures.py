"""An NLP step that fails on an article is recorded in `ingest_errors`
(stage "quotes" or "entities", "<ExceptionType>: <reason>"), and the
article is still written. Faults are injected into a real build, run in
this process (--workers 0) so that the monkeypatches hold."""

from __future__ import annotations

import json

import pytest

from helpers import build, rows
from ingest.document import entities, quotes
from ingest.document.entities import component
from ingest.document.quotes import statements

pytestmark = pytest.mark.nlp

ARTICLE = {
    "url": "https://example.com/harbour-wall",
    "title": "Harbour wall holds through the storm",
    "language": "en",
    "text": "\n\n".join([
        "The harbour wall in Aveiro held through Monday's storm, officials said.",
        "\"It held, and it will hold again,\" said Mayor Ana Costa, who visited the wall on Tuesday.",
        "Engineers from Lisbon will inspect it next week, Costa said.",
    ]),
}


def fail(*_args, **_kwargs):
    raise RuntimeError("injected fault")


def build_one(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "one.jsonl").write_text(json.dumps(ARTICLE) + "\n", "utf-8")
    return build(tmp_path, folder, args=("--workers", "0", "--no-reuse"))


def counts(db) -> dict[str, int]:
    return {table: rows(db, f"select count(*) from {table}")[0][0]
            for table in ("articles", "paragraphs", "quotes", "mentions")}


@pytest.mark.parametrize("stage, module, name, empty", [
    ("quotes", quotes, "analyse_quotes", "quotes"),
    ("entities", entities, "recognise_article", "mentions"),
])
def test_a_failing_nlp_stage_leaves_the_article_and_an_error_row(tmp_path, monkeypatch, stage, module, name, empty):
    monkeypatch.setattr(module, name, fail)
    db = build_one(tmp_path)
    found = counts(db)
    assert found["articles"] == 1 and found["paragraphs"] == 3
    assert found[empty] == 0
    assert found["mentions" if empty == "quotes" else "quotes"] > 0  # the other stage still ran
    assert rows(db, "select source is not null, path, stage, message from ingest_errors") == [
        (1, "corpus/one.jsonl#L1", stage, "line 1: RuntimeError: injected fault")]


def test_a_failing_step_that_leaves_a_result_is_recorded_too(tmp_path, monkeypatch):
    """The speaker ranker and the entity rules fall back (the rules'
    speakers, the model's entities) and say so."""
    monkeypatch.setattr(statements, "rerank", fail)
    monkeypatch.setattr(component, "_refine", fail)
    db = build_one(tmp_path)
    found = counts(db)
    assert found["articles"] == 1 and found["quotes"] > 0 and found["mentions"] > 0
    errors = rows(db, "select stage, message from ingest_errors order by id")
    assert ("quotes", "line 1: RuntimeError: injected fault (in the speaker ranker: the rules' speakers stand)") \
        in errors
    assert {stage for stage, _ in errors} == {"quotes", "entities"}
    assert all(message.startswith("line 1: RuntimeError: injected fault (in the entity rules, paragraph ")
               for stage, message in errors if stage == "entities")


def test_a_clean_article_has_no_error_rows(tmp_path):
    db = build_one(tmp_path)
    found = counts(db)
    assert found["quotes"] > 0 and found["mentions"] > 0
    assert rows(db, "select count(*) from ingest_errors") == [(0,)]


def test_the_summary_counts_failures_and_the_next_build_analyses_again(tmp_path, monkeypatch):
    """A failed step is counted in the build's line, and its analysis is
    not kept: the next build, where the step works, analyses the article
    afresh and records no error."""
    from click.testing import CliRunner

    from ingest.cli import cli

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "one.jsonl").write_text(json.dumps(ARTICLE) + "\n", "utf-8")
    args = ["build", str(folder), "--db", str(tmp_path / "atlas.db"), "--workers", "0"]
    with monkeypatch.context() as patched:
        patched.setattr(quotes, "analyse_quotes", fail)
        first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "1 articles written, 1 errors (1 in articles written)" in first.output
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert "1 articles written, 0 errors" in second.output and "(0 reused, 1 analysed)" in second.output
    assert rows(tmp_path / "atlas.db", "select count(*) from ingest_errors") == [(0,)]
    assert rows(tmp_path / "atlas.db", "select count(*) from quotes")[0][0] > 0

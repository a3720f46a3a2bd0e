"""Datasette's bugs, worked around in ingest/site/workarounds.py: each
names its upstream issue and the versions it was checked against, and the
site refuses to start on any other version."""

from __future__ import annotations

import sqlite3

import pytest
import uvicorn
from click.testing import CliRunner

from ingest.cli import cli
from ingest.site import UnsupportedVersion, make_datasette, workarounds


def test_every_workaround_names_its_upstream_issue_and_checked_version():
    assert workarounds.WORKAROUNDS
    for w in workarounds.WORKAROUNDS:
        assert "simonw/" in w.upstream or w.upstream.startswith("none found"), w
        assert f"datasette {workarounds.CHECKED_AGAINST['datasette']}" in w.checked_against, w


def test_the_installed_versions_are_the_checked_ones():
    workarounds.check_versions()


@pytest.fixture
def newer_datasette(monkeypatch):
    installed = workarounds.installed_version
    monkeypatch.setattr(workarounds, "installed_version",
                        lambda name: "1.0a42" if name == "datasette" else installed(name))


@pytest.fixture
def empty_db(tmp_path):
    db = tmp_path / "empty.db"
    sqlite3.connect(db).close()
    return db


def test_make_datasette_refuses_an_unchecked_datasette(newer_datasette, empty_db):
    with pytest.raises(UnsupportedVersion, match=r"datasette 1\.0a42 is installed, not 1\.0a41"):
        make_datasette(empty_db)


def test_serve_refuses_an_unchecked_datasette(newer_datasette, empty_db, monkeypatch):
    def served(self, *args, **kwargs):
        raise AssertionError("the server started")

    monkeypatch.setattr(uvicorn.Server, "run", served)
    result = CliRunner().invoke(cli, ["serve", "--db", str(empty_db)])
    assert result.exit_code == 1, result.output
    assert "not serving" in result.output and "datasette 1.0a42 is installed, not 1.0a41" in result.output
    assert "workarounds.py" in result.output and "Traceback" not in result.output


def test_a_missing_cluster_map_is_refused_too(monkeypatch, empty_db):
    installed = workarounds.installed_version
    monkeypatch.setattr(workarounds, "installed_version",
                        lambda name: None if name == "datasette-cluster-map" else installed(name))
    with pytest.raises(UnsupportedVersion, match=r"datasette-cluster-map \(not installed\)"):
        make_datasette(empty_db)


def test_unknown_extras_are_dropped():
    query = b"_extra=count&_extra=next_url&_size=max"
    assert workarounds.without_unknown_extras(query, is_canned_query=False) == b"_extra=count&_size=max"
    assert workarounds.without_unknown_extras(query, is_canned_query=True) == b"_size=max"
    assert workarounds.without_unknown_extras(b"_size=2", is_canned_query=True) == b"_size=2"


def test_the_sort_column_is_kept():
    assert workarounds.kept_sort_column([("_nocol", "published")], "published") == []
    assert workarounds.kept_sort_column([("_col", "title")], "published") == [("_col", "title"),
                                                                              ("_col", "published")]
    assert workarounds.kept_sort_column([("_col", "title"), ("_sort", "title")], "published") == [
        ("_col", "title"), ("_sort", "title")]
    assert workarounds.kept_sort_column([("_nocol", "title")], None) == [("_nocol", "title")]


def test_the_navigation_script_no_longer_hides_element_matches():
    source = workarounds.navigation_search_source().read_text(encoding="utf-8")
    assert "this.matches" in source  # still the bug in the checked version: else drop the workaround
    patched = workarounds.patched_navigation_search(source)
    assert "this.matches" not in patched and "this.searchMatches" in patched


def test_datasettes_own_handler_is_recognised():
    from datasette import handle_exception

    answer = handle_exception.handle_exception(datasette=None, request=None, exception=None)
    assert workarounds.is_datasettes_default_handler(answer)
    assert workarounds.without_datasettes_default_handler([answer, None]) == [None]


def test_bad_urls_datasette_calls_server_errors_are_the_urls():
    class Request:
        args = {"_timelimit": "abc"}

    assert workarounds.misreported_status(Request(), ValueError("invalid literal")) == (
        400, "This request cannot be answered: malformed _timelimit")
    assert workarounds.misreported_status(Request(), AssertionError("Invalid format: tsv")) == (
        404, "Invalid format: tsv")
    Request.args = {}
    assert workarounds.misreported_status(Request(), ValueError("a bug")) is None

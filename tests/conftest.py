"""Fixtures over real databases built from real corpora, and the markers.

Markers (registered in pyproject.toml, which makes pytest refuse unknown ones):
- nlp: loads spaCy, in this process or in a build's workers (any build
  without --no-nlp);
- browser: drives Chromium (tests/browser_helpers.py);
- shared: needs ../shared beside the repository (the seeds, the
  benchmarks); when it is missing such a test fails if CI=true and skips
  otherwise (helpers.shared_path);
- slow: whole-corpus builds, wheel builds, anything that takes minutes.
`make test-fast` runs `-m "not browser and not slow"`; `make test` runs all.

A test that uses a fixture needing ../shared, spaCy or the browser without
its marker stops the collection, and a test that reads ../shared through
shared_path without the `shared` marker fails: the markers stay true.
Plain helpers (build, rows, dump...) are in tests/helpers.py.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

import helpers
from helpers import SAMPLE, SHARED, BuildInBackground, build, shared_path

# Fixtures that carry a marker to every test using them (directly or not).
MARKED_FIXTURES = {
    "shared": {"seeds", "seeds_db", "site_db", "shared_corpus_db", "real_articles_db"},
    "nlp": {"nlp", "seeds_db", "sample_db", "site_db", "real_articles_db"},
    "browser": {"browser"},
    "slow": {"shared_corpus_db", "real_articles_db"},
}


def pytest_collection_modifyitems(config, items):
    missing = [f"{item.nodeid}: @pytest.mark.{marker} (it uses {', '.join(sorted(used))})"
               for item in items for marker, fixtures in MARKED_FIXTURES.items()
               if (used := fixtures & set(getattr(item, "fixturenames", ())))
               and item.get_closest_marker(marker) is None]
    if missing:
        raise pytest.UsageError("tests without the markers their fixtures need:\n" + "\n".join(missing))


# Builds of minutes over ../shared, each a session fixture: the sources
# (paths under ../shared) and the arguments. When a test that uses one is
# to run, it starts as soon as the tests are collected, in a process of its
# own, so that it runs beside the other tests (which mostly use one core)
# instead of after them.
EARLY_BUILDS = {
    # Everything, without NLP (spaCy would take a quarter of an hour on the
    # 12,000 allsides articles): 14,601 documents.
    "shared_corpus_db": ((("corpus",), ("bench",)), ("--workers", "2", "--no-nlp")),
    # 383 + 84 real articles, NLP included.
    "real_articles_db": ((("bench", "giveme5w1h", "articles"), ("bench", "polnear", "data", "dev", "text")),
                         ("--workers", "2")),
}
STARTED = pytest.StashKey[dict]()


def pytest_collection_finish(session):
    started = session.config.stash[STARTED] = {}
    if session.config.option.collectonly:
        return
    used = set().union(*(getattr(item, "fixturenames", ()) for item in session.items))
    for name, (sources, args) in EARLY_BUILDS.items():
        paths = [SHARED.joinpath(*parts) for parts in sources]
        if name in used and all(p.exists() for p in paths):
            folder = Path(tempfile.mkdtemp(prefix=f"press-atlas-{name}-"))
            started[name] = (folder, BuildInBackground(folder, *paths, args=args))


def _early_build(request, name: str) -> Path:
    sources, _ = EARLY_BUILDS[name]
    for parts in sources:
        shared_path(*parts)  # skips or fails as ../shared's absence should
    _, early = request.config.stash[STARTED][name]
    return early.result()


def pytest_sessionfinish(session):
    for folder, early in session.config.stash.get(STARTED, {}).values():
        early.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    helpers.RUNNING = item  # shared_path checks the running test is marked `shared`


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


@pytest.fixture(scope="session")
async def ds(site_db):
    """The site (Datasette, with its plugins and settings) over site_db,
    started once for the session. Tests must leave it as they found it;
    one that changes the site's settings or plugins makes its own with
    ingest.site.make_datasette."""
    from ingest.site import make_datasette

    datasette = make_datasette(site_db)
    await datasette.invoke_startup()
    return datasette


@pytest.fixture(scope="session")
def shared_corpus_db(request) -> Path:
    """Everything under ../shared (corpus and bench, 14,601 documents), built
    without NLP by the real CLI, started with the session (EARLY_BUILDS)."""
    return _early_build(request, "shared_corpus_db")


@pytest.fixture(scope="session")
def real_articles_db(request) -> Path:
    """The giveme5w1h and polnear articles (383 + 84), built with NLP by the
    real CLI, started with the session (EARLY_BUILDS)."""
    return _early_build(request, "real_articles_db")


@pytest.fixture(scope="session")
def nlp():
    """spaCy's pipeline (the configured model), loaded once for the session:
    the one ingest.document.nlp.load() gives the code under test."""
    from ingest.document import nlp as nlp_module

    return nlp_module.load()

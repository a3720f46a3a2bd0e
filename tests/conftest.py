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

from pathlib import Path

import pytest

import helpers
from helpers import SAMPLE, build, shared_path
# Until every test imports its helpers from helpers.py:
from helpers import REPO, SHARED, dump, expected_documents, rows  # noqa: F401

# Fixtures that carry a marker to every test using them (directly or not).
MARKED_FIXTURES = {
    "shared": {"seeds", "seeds_db", "site_db"},
    "nlp": {"nlp", "seeds_db", "sample_db", "site_db"},
    "browser": {"browser"},
}


def pytest_collection_modifyitems(config, items):
    missing = [f"{item.nodeid}: @pytest.mark.{marker} (it uses {', '.join(sorted(used))})"
               for item in items for marker, fixtures in MARKED_FIXTURES.items()
               if (used := fixtures & set(getattr(item, "fixturenames", ())))
               and item.get_closest_marker(marker) is None]
    if missing:
        raise pytest.UsageError("tests without the markers their fixtures need:\n" + "\n".join(missing))


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
def nlp():
    """spaCy's pipeline (the configured model), loaded once for the session:
    the one ingest.document.nlp.load() gives the code under test."""
    from ingest.document import nlp as nlp_module

    return nlp_module.load()

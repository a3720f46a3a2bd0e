"""The Datasette instance that serves a Press Atlas database.

One function builds it, for `press-atlas serve` and for the tests alike:
the database is served immutable under the stable name `press_atlas`
(whatever its file is called, so users' URLs never change), with the
project's metadata.yml, datasette.yml, plugins, templates and static files.
The JSON and CSV are a public, read-only API, so any web page or notebook
may fetch them: CORS is on.

Those files live at the top of a checkout; an installed wheel carries them
as package data in ingest/site/root/ (pyproject.toml maps them there).
`site_root()` finds whichever this code runs from.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from datasette.app import Datasette
from datasette.database import Database

from .common import DATABASE_NAME
from .workarounds import check_versions

_HERE = Path(__file__).resolve().parent
CHECKOUT_ROOT = _HERE.parent.parent  # ingest/site/ -> the checkout's top level
INSTALLED_ROOT = _HERE / "root"  # where a wheel puts the same files
SITE_FILES = ("datasette.yml", "metadata.yml", "plugins", "templates", "static")


def site_root() -> Path:
    """The folder holding datasette.yml, metadata.yml, plugins/,
    templates/ and static/: the checkout's top level when this code runs
    from a checkout, else the copy installed with the package."""
    for root in (CHECKOUT_ROOT, INSTALLED_ROOT):
        if all((root / name).exists() for name in SITE_FILES):
            return root
    raise FileNotFoundError(f"the site's files ({', '.join(SITE_FILES)}) are neither in {CHECKOUT_ROOT} "
                            f"nor in {INSTALLED_ROOT}: reinstall press-atlas")


def load_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def make_datasette(db_path: Path | str, root: Path | None = None, settings: dict | None = None) -> Datasette:
    """The site for one database. `settings` override datasette.yml's (a
    test lowering sql_time_limit_ms, a deployment setting base_url).
    Raises UnsupportedVersion on a Datasette the workarounds were not
    checked against, FileNotFoundError when the database is missing."""
    check_versions()
    db_path = Path(db_path)
    if not db_path.is_file():
        raise FileNotFoundError(f"no database at {db_path}: run `press-atlas build` first")
    root = site_root() if root is None else Path(root)
    config = load_yaml(root / "datasette.yml")
    config["settings"] = {**config.get("settings", {}), **(settings or {})}
    ds = Datasette(
        config=config,
        metadata=load_yaml(root / "metadata.yml"),
        template_dir=str(root / "templates"),
        plugins_dir=str(root / "plugins"),
        static_mounts=[("static", str(root / "static"))],
        cors=True,
    )
    ds.add_database(Database(ds, path=str(db_path), is_mutable=False), name=DATABASE_NAME)
    return ds


def serve(db_path: Path | str, host: str = "127.0.0.1", port: int = 8001, settings: dict | None = None) -> None:
    """Serve the site with uvicorn until interrupted."""
    import uvicorn

    ds = make_datasette(db_path, settings=settings)
    config = uvicorn.Config(ds.app(), host=host, port=port, log_level="info", lifespan="on")
    uvicorn.Server(config).run()

"""Site: the Datasette instance that serves a Press Atlas database.

One function builds it, for `press-atlas serve` and for the tests alike:
the database is served immutable under the stable name `press_atlas`
(whatever its file is called, so users' URLs never change), with the
project's metadata.yml, datasette.yml, plugins, templates and static files.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from datasette.app import Datasette
from datasette.database import Database

DATABASE_NAME = "press_atlas"
SITE_ROOT = Path(__file__).resolve().parent.parent


def load_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def make_datasette(db_path: Path | str, root: Path = SITE_ROOT) -> Datasette:
    db_path = Path(db_path)
    if not db_path.is_file():
        raise FileNotFoundError(f"no database at {db_path}: run `press-atlas build` first")
    ds = Datasette(
        config=load_yaml(root / "datasette.yml"),
        metadata=load_yaml(root / "metadata.yml"),
        template_dir=str(root / "templates"),
        plugins_dir=str(root / "plugins"),
        static_mounts=[("static", str(root / "static"))],
    )
    ds.add_database(Database(ds, path=str(db_path), is_mutable=False), name=DATABASE_NAME)
    return ds


def serve(db_path: Path | str, host: str = "127.0.0.1", port: int = 8001) -> None:
    import uvicorn

    ds = make_datasette(db_path)
    config = uvicorn.Config(ds.app(), host=host, port=port, log_level="info", lifespan="on")
    uvicorn.Server(config).run()

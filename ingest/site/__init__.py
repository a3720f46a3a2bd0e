"""Site: the Datasette instance that serves a Press Atlas database.

One function builds it, for `press-atlas serve` and for the tests alike:
the database is served immutable under the stable name `press_atlas`
(whatever its file is called, so users' URLs never change), with the
project's metadata.yml, datasette.yml, plugins, templates and static files.
The JSON and CSV are a public, read-only API, so any web page or notebook
may fetch them: CORS is on.

The plugins share the few names and helpers below (the database's name,
where each item's own page lives, a request's path without base_url,
search snippets as markup, rows as dicts), so that a page's address is
written once, and links go through `datasette.urls`, which honours
base_url.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import nh3
import yaml
from datasette.app import Datasette
from datasette.database import Database
from markupsafe import Markup

DATABASE_NAME = "press_atlas"
SITE_ROOT = Path(__file__).resolve().parent.parent

# The page of one item, by the table its id comes from (plugins/story_pages.py).
PAGE_PREFIXES = {
    "entities": "/-/entities/",
    "quote_clusters": "/-/quote-clusters/",
    "stories": "/-/stories/",
}


def page_path(table: str, item_id) -> str:
    """The path of an entity's, quote cluster's or story's page, before
    base_url: pass it through `datasette.urls.path` for a link."""
    return PAGE_PREFIXES[table] + quote(str(item_id), safe="")


def route_path(datasette, path: str) -> str:
    """A request's path as the routes see it: without the site's base_url."""
    base = datasette.setting("base_url")
    return "/" + path[len(base):] if base != "/" and path.startswith(base) else path


def snippet_markup(snippet) -> Markup:
    """A search snippet as markup. The search queries escape their
    snippets and mark the matches; whatever a query returns still passes
    nh3 allowing <mark> and nothing else."""
    return Markup(nh3.clean(snippet or "", tags={"mark"}, attributes={}))


async def query_rows(db, sql: str, params=()) -> list[dict]:
    """A query's rows as plain dicts (templates and JSON want dicts)."""
    return [dict(r) for r in (await db.execute(sql, params)).rows]


def load_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def make_datasette(db_path: Path | str, root: Path = SITE_ROOT, settings: dict | None = None) -> Datasette:
    """The site for one database. `settings` override datasette.yml's (a
    test lowering sql_time_limit_ms, a deployment setting base_url)."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise FileNotFoundError(f"no database at {db_path}: run `press-atlas build` first")
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
    import uvicorn

    ds = make_datasette(db_path, settings=settings)
    config = uvicorn.Config(ds.app(), host=host, port=port, log_level="info", lifespan="on")
    uvicorn.Server(config).run()

"""The `press-atlas` command line."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from . import __version__

DEFAULT_DB = "press_atlas.db"


@click.group()
@click.version_option(__version__, prog_name="press-atlas")
def cli():
    """Press Atlas: how the press covered a story, as a public Datasette site."""


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=False))
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Database to write.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(0, 64),
              help="Processes for the per-document stage; 0 analyses in this process (a parser's "
                   "crash then stops the build: for a few documents or a debugger).")
@click.option("--nlp/--no-nlp", default=True, show_default=True,
              help="Find people, organisations, places and quotes (spaCy: the slowest stage).")
@click.option("--reuse/--no-reuse", default=True, show_default=True,
              help="Reuse what earlier builds to the same --db analysed, for documents whose bytes "
                   "are unchanged (kept in a hidden file beside it).")
def build(sources, db_path, workers, nlp, reuse):
    """Build the database from SOURCES: files and folders (searched recursively)
    of .html/.htm, .txt, .json and .jsonl files, optionally gzipped.

    The new database is built beside --db and renamed into place only when
    complete. Every document ends as an article or as a row in ingest_errors.
    Building again over an existing database analyses only new and changed
    documents, then links the whole corpus again.
    """
    from .build import build as run_build
    from .build import input_size

    # SIGTERM unwinds like Ctrl-C, so the half-built file is removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    missing = [s for s in sources if not Path(s).exists() and not Path(s).is_symlink()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
    if sys.stderr.isatty():
        with click.progressbar(length=input_size(list(sources)), label="Building",
                               file=sys.stderr, show_percent=True) as bar:
            summary = run_build(list(sources), db_path, workers=workers, progress=bar.update, nlp=nlp,
                                reuse=reuse)
    else:
        summary = run_build(list(sources), db_path, workers=workers, nlp=nlp, reuse=reuse)
    click.echo(summary.line())


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Database to serve.")
@click.option("-h", "--host", default="127.0.0.1", show_default=True)
@click.option("-p", "--port", default=8001, show_default=True, type=int)
def serve(db_path, host, port):
    """Serve the database with Datasette: immutable, read-only, with the
    project's metadata, configuration, plugins and templates."""
    from .site import UnsupportedVersion
    from .site import serve as run_serve

    if not db_path.is_file():
        raise click.UsageError(f"no database at {db_path}: run `press-atlas build` first")
    try:
        run_serve(db_path, host=host, port=port)
    except UnsupportedVersion as refused:
        raise click.ClickException(f"not serving: {refused}") from refused


def main():
    cli()

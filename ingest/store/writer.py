"""Write: records into a new SQLite database, in bulk, then FTS and indexes.

The database is built in a temporary file beside the target and renamed
into place only when complete, so a failed or interrupted build leaves the
previous database exactly as it was.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import Callable

import sqlite_utils
from sqlite_utils.db import jsonify_if_needed

from ..corpus import boilerplate, copies, entities, outlets, quote_links, stories
from . import schema
from ..document.analyse import Analysis

BATCH = 500
CACHE_KIB = 65_536
_PLAIN = frozenset({str, int, float, bytes, type(None)})  # written as they are
# Keys of a row that its table does not keep: what the per-document stage
# found of a mention that the corpus-level resolution never reads.
_NOT_KEPT = {"_mentions": frozenset({"type", "key", "label", "hint"})}


# Fault injection for the atomicity tests (tests/test_atomic.py): with
# PRESS_ATLAS_PAUSE_BEFORE=<stage>, the build says so on stderr and waits
# there, to be killed at a known moment.
PAUSE_ENV = "PRESS_ATLAS_PAUSE_BEFORE"
STAGES = ("analyse", "indexes", "outlets", "boilerplate", "copies", "entities", "quotes", "stories", "fts",
          "analyze", "rename")


def checkpoint(stage: str) -> None:
    if os.environ.get(PAUSE_ENV) == stage:
        print(f"press-atlas: paused before {stage} ({PAUSE_ENV})", file=sys.stderr, flush=True)
        while True:
            time.sleep(3600)


def temp_path_for(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.building")


def create_tables(db: sqlite_utils.Database) -> None:
    for table in schema.TABLES:
        db[table.name].create(
            table.columns,
            pk=table.pk,
            foreign_keys=list(table.foreign_keys),
            not_null=set(table.not_null),
        )
    db["_outlet_claims"].create({"article": str, "name": str, "domain": str})
    # What the corpus-level resolution reads of each mention (the rest of
    # an Analysis's mention is for the per-document stage's own use).
    db["_mentions"].create({"article": str, "paragraph": int, "start": int, "end": int, "text": str,
                            "ident": str, "display": str, "confidence": float})


def _rows_of(db: sqlite_utils.Database, table: str) -> tuple[int, int]:
    """Which rows a table holds, in short: rows removed, or removed and
    others added, change it (new rows get new rowids)."""
    return tuple(db.execute(f"select count(*), coalesce(sum(rowid), 0) from [{table}]").fetchone())


class Writer:
    """Collects analyses and writes them in batches."""

    def __init__(self, path: Path, memo: copies.KeyMemo | None = None, workers: int = 1):
        self.path = path
        self.workers = workers  # worker processes asked for: with two or more, linking uses a second process
        self.memo = memo  # kept band keys for the copies pass (ingest/cache.py)
        if path.exists():
            path.unlink()
        self.db = sqlite_utils.Database(path)
        # The file is private until renamed: durability comes from the rename.
        self.db.execute("pragma journal_mode = off")
        self.db.execute("pragma synchronous = off")
        # A page cache of 64 MB, not SQLite's 2 MB: index lookups and
        # updates over a database of hundreds of MB stay in memory.
        self.db.execute(f"pragma cache_size = -{CACHE_KIB}")
        create_tables(self.db)
        self._rows: dict[str, list[dict]] = {t.name: [] for t in schema.TABLES}
        self._rows["_outlet_claims"] = []
        self._rows["_mentions"] = []
        # Article id -> path that gave it, for the batch not yet written (the
        # rest is looked up in the database: memory stays flat).
        self._first_source_of: dict[str, str] = {}
        self._columns: dict[str, list[str]] = {}  # table -> its columns, in order
        self.articles = 0
        self.errors = 0
        self.documents = 0
        # Seconds per stage: "documents" (reading, analysing or reusing,
        # and writing each document's rows), then each corpus-level stage.
        self.timings: dict[str, float] = {}
        self._started = time.perf_counter()

    def add(self, analysis: Analysis) -> None:
        self.documents += 1
        self._rows["sources"].append(analysis.source)
        self._rows["ingest_errors"].extend(analysis.errors)
        self.errors += len(analysis.errors)
        article = analysis.article
        if article is not None:
            first = self._first_source(article["id"])
            if first is not None:
                self.errors += 1
                self._rows["ingest_errors"].append({
                    "source": analysis.source["id"],
                    "path": analysis.source["path"],
                    "stage": "dedupe",
                    "message": f"the same bytes as {first}: kept once, as article {article['id']}",
                })
            else:
                self._first_source_of[article["id"]] = analysis.source["path"]
                self.articles += 1
                self._rows["articles"].append(article)
                self._rows["paragraphs"].extend(analysis.paragraphs)
                self._rows["removed_blocks"].extend(analysis.removed_blocks)
                self._rows["credits"].extend(analysis.credits)
                self._rows["figures"].extend(analysis.figures)
                self._rows["_mentions"].extend(analysis.mentions)
                self._rows["quotes"].extend(analysis.quotes)
                if analysis.outlet:
                    name, domain = analysis.outlet
                    self._rows["_outlet_claims"].append(
                        {"article": article["id"], "name": name, "domain": domain})
        if len(self._rows["sources"]) >= BATCH:
            self.flush()

    def _first_source(self, article_id: str) -> str | None:
        """The path of the document that already gave this article, if any."""
        first = self._first_source_of.get(article_id)
        if first is None:
            row = self.db.execute("select s.path from articles a join sources s on s.id = a.source "
                                  "where a.id = ?", [article_id]).fetchone()
            first = row[0] if row else None
        return first

    def flush(self) -> None:
        with self.db.conn:
            for name, rows in self._rows.items():
                if rows:
                    self._insert(name, rows)
                    rows.clear()
        self._first_source_of.clear()

    def _insert(self, name: str, rows: list[dict]) -> None:
        """Rows into a table, as sqlite-utils' insert_all would write them
        (values converted by its own jsonify_if_needed), but with one
        prepared statement for the table's columns: a quarter of the time."""
        columns = self._columns.get(name)
        if columns is None:
            columns = self._columns[name] = [c for _, c, *_ in self.db.execute(f"pragma table_info([{name}])")]
        known = frozenset(columns)
        not_kept = _NOT_KEPT.get(name, frozenset())
        sql = (f"insert into [{name}] ({', '.join(f'[{c}]' for c in columns)}) "
               f"values ({', '.join('?' * len(columns))})")

        def values(row: dict) -> tuple:
            unknown = row.keys() - known
            if unknown and unknown - not_kept:
                raise ValueError(f"{name}: no column {sorted(unknown - not_kept)}")
            out = tuple(map(row.get, columns))
            if not set(map(type, out)) <= _PLAIN:
                out = tuple(map(jsonify_if_needed, out))
            return out

        self.db.conn.executemany(sql, map(values, rows))

    def finish(self) -> None:
        """Link across the corpus, build FTS and indexes, and close."""
        self.flush()
        self.timings["documents"] = time.perf_counter() - self._started
        checkpoint("indexes")
        # Indexes first: the corpus-level passes look rows up by article and outlet.
        started = time.perf_counter()
        for table in schema.TABLES:
            for columns in table.indexes:
                self.db[table.name].create_index(list(columns), if_not_exists=True)
        self.timings["indexes"] = time.perf_counter() - started
        with self.db.conn, self._helper() as helper:
            clusters = None
            for name, stage in (("outlets", outlets.link_outlets), ("boilerplate", boilerplate.remove_repeats),
                                ("copies", partial(copies.link_article_copies, memo=self.memo)),
                                ("entities", entities.link_entities)):
                if name == "boilerplate" and helper is not None:
                    # The quote clusters are found in another process while
                    # the repeated lines, copies and entities are linked:
                    # from the quotes as they are now (their outlets are
                    # known), which are final unless the repeated-lines pass
                    # drops a paragraph holding one (it keeps lines with
                    # quotation marks): then they are found again.
                    quotes_before = _rows_of(self.db, "quotes")
                    clusters = quote_links.start_clusters(self.db, helper)
                self._stage(name, stage)
                if name == "boilerplate" and helper is not None and _rows_of(self.db, "quotes") != quotes_before:
                    # (queued behind the first finding, which runs to its end:
                    # slower than not guessing, and rare)
                    clusters = quote_links.start_clusters(self.db, helper)
            passages = partial(copies.link_shared_passages, memo=self.memo)
            if helper is None:
                self._stage("copies", passages, checkpoint_=False)
                self._stage("quotes", quote_links.link_quotes)
                self._stage("stories", stories.link_stories)
                self._fts()
            else:
                # The quotes' offsets and speakers while the other process
                # may still be on the clusters; the stories are grouped
                # there as soon as the clusters are written (all they
                # read), while the shared passages and the full-text
                # indexes are made here (nothing the stories read or change).
                self._stage("quotes", quote_links.link_offsets_and_speakers)
                self._stage("quotes", partial(quote_links.link_clusters, clusters=clusters), checkpoint_=False)
                groups = self._stage("stories", partial(stories.start_stories, executor=helper))
                self._stage("copies", passages, checkpoint_=False)
                self._fts()
                self._stage("stories", partial(stories.link_stories, groups=groups), checkpoint_=False)
        self.db.execute(f"pragma user_version = {schema.SCHEMA_VERSION}")
        checkpoint("analyze")
        started = time.perf_counter()
        self.db.execute("analyze")
        self.db.execute("pragma journal_mode = delete")
        self.db.conn.commit()
        self.timings["analyze"] = time.perf_counter() - started
        self.db.close()

    def _stage(self, name: str, stage: Callable, checkpoint_: bool = True):
        """Run one corpus-level stage, adding its time to its name's."""
        if checkpoint_:
            checkpoint(name)
        started = time.perf_counter()
        result = stage(self.db)
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started
        return result

    def _fts(self) -> None:
        """The full-text indexes. (sqlite-utils' enable_fts commits the open
        transaction: harmless in a private file that is renamed into place
        only once finished.)"""
        checkpoint("fts")
        started = time.perf_counter()
        for table in schema.TABLES:
            if table.fts:
                self.db[table.name].enable_fts(
                    list(table.fts), tokenize=schema.FTS_TOKENIZE, create_triggers=False
                )
        self.timings["fts"] = time.perf_counter() - started

    def _helper(self):
        """A process for linking work that can run beside the build's own
        (the quote clusters, then the stories), when the build was given
        two or more workers."""
        if self.workers < 2:
            return nullcontext()
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"))

    def abort(self) -> None:
        try:
            self.db.close()
        finally:
            self.path.unlink(missing_ok=True)

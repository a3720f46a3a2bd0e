"""The writer: analyses into a new SQLite file, in bulk.

It creates the tables schema.py declares, inserts each analysis's rows in
batches, and closes; nothing else. The linking across the corpus
(ingest/corpus/), the indexes and full-text search (indexes.py) and the
rename into place (atomic.py) are the build's (ingest/build.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from ..document.analyse import Analysis
from . import schema

BATCH = 500
CACHE_KIB = 65_536
_PLAIN = frozenset({str, int, float, bytes, type(None)})  # written as they are
# Keys of a row that its table does not keep: what the per-document stage
# found of a mention that the corpus-level resolution never reads.
_NOT_KEPT = {"_mentions": frozenset({"type", "key", "label", "hint"})}


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


class Writer:
    """Collects analyses and writes them in batches."""

    def __init__(self, path: Path):
        self.path = path
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
        self.errors = 0  # error rows: documents that gave no article, and steps that failed on one that did
        self.article_errors = 0  # of those, the steps that failed on an article that was still written
        self.documents = 0

    def add(self, analysis: Analysis) -> None:
        """One document's rows: its source and error rows, and its article's
        rows unless an earlier document gave the same article (then an error
        row, stage "dedupe"). Written every BATCH documents."""
        self.documents += 1
        self._rows["sources"].append(analysis.source)
        self._rows["ingest_errors"].extend(analysis.errors)
        self.errors += len(analysis.errors)
        article = analysis.article
        if article is not None:
            self.article_errors += len(analysis.errors)
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
        """Write the rows collected so far, in one transaction."""
        with self.db.conn:
            for name, rows in self._rows.items():
                if rows:
                    self._insert(name, rows)
                    rows.clear()
        self._first_source_of.clear()

    def _insert(self, name: str, rows: list[dict]) -> None:
        """Rows into a table with one prepared statement for the table's
        columns (not sqlite-utils' insert_all, which is slower); lists and
        dicts as JSON text, as sqlite-utils writes them. A key with no
        column raises ValueError, unless _NOT_KEPT lists it."""
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
                out = tuple(map(_json_if_needed, out))
            return out

        self.db.conn.executemany(sql, map(values, rows))

    def close(self) -> None:
        """Write what is left and close the file."""
        self.flush()
        self.db.close()

    def abort(self) -> None:
        """Close and delete the unfinished file."""
        try:
            self.db.close()
        finally:
            self.path.unlink(missing_ok=True)


def _json_if_needed(value):
    """A list, tuple or dict as JSON text (as sqlite-utils stores them);
    anything else as it is."""
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=repr, ensure_ascii=False)
    return value

"""Analyses kept from earlier builds, so a rebuild redoes only what changed.

`analyse` is a pure function of a document's bytes and format (given the
code, models and libraries that run it), so what it returned for a
document can be reused whenever the same bytes come again. What is kept is
the Analysis exactly as `analyse` returned it, before any corpus-level
pass changes anything (the repeated-lines pass rewrites bodies): a rebuild
feeds the writer the same analyses, in the same order, as a full build, so
the database it gives is the same, and only the corpus-level linking is
redone.

Where: a SQLite file beside the database (`.atlas.db.analyses` for
`atlas.db`), not a table inside it. The served database stays the size it
was and holds nothing the site must hide; the cache can be deleted at any
time, costing one full build. Entries are compressed JSON, never pickle:
the file holds scraped text and must not be able to run code.

Keys: the document's sha256 and format, and a version key that changes
whenever the per-document stage may give other results (schema and ingest
versions, the spaCy model and library versions, the NLP flag, and a hash of
the per-document code and its model files); entries of other versions are
never read, and are pruned after the next successful build.

The same file keeps the MinHash band keys of the texts the copies pass
compared (ingest/corpus/copies.py), by text digest: a rebuild computes them only
for new and changed texts.

Kept only for documents that became an article: errors are cheap to find
again, and one that came from a crashed or hung worker may not happen twice.
What belongs to the file rather than to its bytes (source id, path, line
number) is set again from the document at reuse; the compressed raw bytes
are kept beside the analysis (the same bytes compress the same), so a
rebuild does not compress the whole corpus again.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import sqlite3
import zlib
from functools import lru_cache
from pathlib import Path

from .. import __version__
from . import schema
from ..document.analyse import Analysis
from ..document.read import RawDocument

# The per-document stage: every file below it (code, features, models) is
# hashed into the version key. Nothing outside it shapes a kept Analysis.
DOCUMENT_DIR = Path(__file__).resolve().parent.parent / "document"


FILE_FORMAT = 2  # of the cache file itself: another one is emptied and started afresh


def cache_path_for(db_path: Path) -> Path:
    """The sidecar file of a database: `.atlas.db.analyses` for `atlas.db`."""
    return db_path.with_name(f".{db_path.name}.analyses")


@lru_cache(maxsize=None)
def _code_hash() -> str:
    """Every file of ingest/document/, recursively, by its path and bytes."""
    digest = hashlib.sha256()
    for path in sorted(DOCUMENT_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            name = path.relative_to(DOCUMENT_DIR).as_posix()
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _installed(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "none"


@lru_cache(maxsize=None)
def _distributions() -> tuple[str, ...]:
    """The name and version of every installed distribution: any library
    may shape an analysis (trafilatura's helpers, spaCy's thinc, a parser's
    regex), so any upgrade analyses afresh."""
    found = set()
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.add(f"{name.lower().replace('_', '-')}=={dist.version}")
    return tuple(sorted(found))


def version_key(nlp: bool) -> str:
    """Changes whenever `analyse` may return something else for the same bytes."""
    from ..document.nlp import model_name

    # zlib's own version too: the kept raw bytes are its output, and must be
    # what a full build would write.
    parts = [f"schema={schema.SCHEMA_VERSION}", f"ingest={__version__}", f"code={_code_hash()}",
             f"nlp={int(nlp)}", f"zlib={zlib.ZLIB_RUNTIME_VERSION}"]
    if nlp:
        parts.append(f"model={model_name()}=={_installed(model_name())}")
    parts += _distributions()
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:24]


def _to_blob(analysis: Analysis) -> bytes:
    source = {k: v for k, v in analysis.source.items() if k not in ("id", "path", "record", "raw")}
    data = {
        "source": source, "record": analysis.source["record"], "article": analysis.article,
        "paragraphs": analysis.paragraphs, "removed_blocks": analysis.removed_blocks,
        "credits": analysis.credits, "figures": analysis.figures, "mentions": analysis.mentions,
        "quotes": analysis.quotes, "errors": analysis.errors, "outlet": analysis.outlet,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 6)


def _from_blob(blob: bytes, raw: bytes, doc: RawDocument) -> Analysis | None:
    """The kept Analysis, bound to this document; `raw` is its bytes as
    `analyse` compressed them (checked: they decompress to its bytes)."""
    data = json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))
    if data["errors"] and data["record"] != doc.record:
        return None  # error messages name the line: found again for the new one
    if zlib.decompress(raw) != doc.data:  # a damaged entry is analysed again
        return None
    source = {"id": doc.source_id, "path": doc.key, "record": doc.record, **data["source"], "raw": raw}
    # The same column order as `analyse` gives, so rows are inserted alike.
    source = {k: source[k] for k in ("id", "path", "record", "format", "sha256", "size", "encoding", "raw")
              if k in source} | source
    article = data["article"]
    if article is not None:
        article["source"] = doc.source_id
    for error in data["errors"]:
        error["source"], error["path"] = doc.source_id, doc.key
    outlet = data["outlet"]
    return Analysis(source=source, article=article, paragraphs=data["paragraphs"],
                    removed_blocks=data["removed_blocks"], credits=data["credits"], figures=data["figures"],
                    mentions=data["mentions"], quotes=data["quotes"], errors=data["errors"],
                    outlet=tuple(outlet) if outlet is not None else None)


class AnalysisCache:
    """The sidecar file: look documents up, keep new analyses, and after a
    successful build drop what that build did not use."""

    COMMIT_EVERY = 200  # analyses kept per transaction: a killed build keeps most of its work

    def __init__(self, path: Path, nlp: bool):
        self.path = path
        self.version = version_key(nlp)
        self.reused = 0
        self.analysed = 0
        self._pending = 0
        self.db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = None
        try:
            db = sqlite3.connect(path, timeout=30, isolation_level=None)
            db.execute("pragma synchronous = normal")
            db.execute("pragma cache_size = -32768")  # 32 MB: the band keys of a large corpus
            if db.execute("pragma user_version").fetchone()[0] != FILE_FORMAT:
                db.execute("drop table if exists analyses")
                db.execute("drop table if exists band_keys")
                db.execute(f"pragma user_version = {FILE_FORMAT}")
            db.execute("""create table if not exists analyses (
                sha256 text not null, format text not null, version text not null, analysis blob not null,
                raw blob not null, primary key (sha256, format, version)) without rowid""")
            db.execute("""create table if not exists band_keys (
                kind text not null, digest blob not null, keys blob not null,
                primary key (kind, digest)) without rowid""")
            # What this build used: the rest is dropped after it succeeds.
            # (Marking the kept rows instead would rewrite the whole file.)
            db.execute("create temp table used_analyses (sha256 text, format text, version text, "
                       "primary key (sha256, format, version)) without rowid")
            db.execute("create temp table used_band_keys (kind text, digest blob, "
                       "primary key (kind, digest)) without rowid")
        except sqlite3.DatabaseError:
            # Not a cache we can read (damaged, or not SQLite): start afresh.
            if db is not None:
                db.close()
            for suffix in ("", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            return AnalysisCache._open(path)
        db.execute("begin")
        return db

    def lookup(self, doc: RawDocument) -> Analysis | None:
        """The kept Analysis of a document with these bytes, bound to this document; else None."""
        if doc.error:
            return None
        sha = hashlib.sha256(doc.data).hexdigest()
        row = self.db.execute("select analysis, raw from analyses where sha256 = ? and format = ? and version = ?",
                              (sha, doc.format, self.version)).fetchone()
        if row is None:
            return None
        try:
            analysis = _from_blob(*row, doc)
        except (ValueError, KeyError, TypeError, zlib.error):
            return None  # a damaged entry is analysed again and replaced
        if analysis is not None:
            self.db.execute("insert or ignore into used_analyses values (?, ?, ?)", (sha, doc.format, self.version))
        return analysis

    def keep(self, analysis: Analysis) -> None:
        """Keep a freshly made Analysis of a document that became an article
        with no step failing on it (a failure may not happen twice: the
        next build analyses it again)."""
        if analysis.article is None or analysis.errors:
            return
        key = (analysis.source["sha256"], analysis.source["format"], self.version)
        self.db.execute("insert or replace into analyses values (?, ?, ?, ?, ?)",
                        (*key, _to_blob(analysis), analysis.source["raw"]))
        self.db.execute("insert or ignore into used_analyses values (?, ?, ?)", key)
        self._tick()

    def band_keys(self, kind: str, digests: list[bytes]) -> dict[bytes, bytes]:
        """Kept band keys of the texts with these digests (those known)."""
        found: dict[bytes, bytes] = {}
        # Sorted: the lookups walk the table's B-tree in order, not at
        # random.
        unique = sorted(set(digests))
        for start in range(0, len(unique), 500):
            part = unique[start:start + 500]
            marks = ",".join("?" * len(part))
            found.update(self.db.execute(
                f"select digest, keys from band_keys where kind = ? and digest in ({marks})", [kind, *part]))
        self.db.executemany("insert or ignore into used_band_keys values (?, ?)", ((kind, d) for d in found))
        return found

    def keep_band_keys(self, kind: str, keys: dict[bytes, bytes]) -> None:
        """Keep freshly computed band keys ({text digest: keys}), marked as
        used by this build."""
        self.db.executemany("insert or replace into band_keys values (?, ?, ?)",
                            ((kind, digest, values) for digest, values in keys.items()))
        self.db.executemany("insert or ignore into used_band_keys values (?, ?)", ((kind, d) for d in keys))

    def _tick(self) -> None:
        self._pending += 1
        if self._pending >= self.COMMIT_EVERY:
            self.commit()

    def commit(self) -> None:
        """Make what was kept so far durable: a build killed later resumes from it."""
        self.db.execute("commit")
        self.db.execute("begin")
        self._pending = 0

    def finish(self) -> None:
        """After the database is in place: drop entries this build did not use."""
        # NOT EXISTS, not a row-value NOT IN: SQLite runs the latter as a
        # scan of the used keys per row.
        self.db.execute("""delete from analyses where not exists (
                             select 1 from used_analyses u where u.sha256 = analyses.sha256
                             and u.format = analyses.format and u.version = analyses.version)""")
        self.db.execute("""delete from band_keys where not exists (
                             select 1 from used_band_keys u where u.kind = band_keys.kind
                             and u.digest = band_keys.digest)""")
        self.db.execute("commit")
        self.db.close()

    def close(self) -> None:
        """A build that failed keeps what it analysed, for the next one to resume from."""
        try:
            if self.db.in_transaction:
                self.db.execute("commit")
        finally:
            self.db.close()

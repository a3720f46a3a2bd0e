"""Read: turn the SOURCE arguments into a stream of raw documents.

A raw document is one input as received: a whole HTML or text file, or one
line of a JSON Lines file. Nothing is decoded or parsed here; problems that
stop a file from being read at all (permissions, symlink loops, a gzip file
cut short) become documents that carry their error, so that every input
reaches the database as an article or as an error row.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# Extension (without a trailing .gz) -> format.
FORMATS = {".html": "html", ".htm": "html", ".txt": "text", ".jsonl": "jsonl", ".json": "json"}


@dataclass(frozen=True)
class RawDocument:
    key: str  # path relative to the SOURCE argument's parent, '#L<n>' for a record
    path: str
    record: int | None  # 1-based line number in a JSON Lines file
    format: str
    data: bytes
    error: str | None = None  # set when the input could not be read at all

    @property
    def source_id(self) -> str:
        return hashlib.sha256(self.key.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def format_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return FORMATS.get(os.path.splitext(name)[1])


def _open(path: Path):
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _error_message(exc: BaseException) -> str:
    if isinstance(exc, PermissionError):
        return "the file cannot be read: permission denied"
    if isinstance(exc, IsADirectoryError):
        return "this is a directory, not a file"
    if isinstance(exc, FileNotFoundError):
        return "the file does not exist (a broken symlink?)"
    if isinstance(exc, (gzip.BadGzipFile, EOFError)):
        return f"the gzip file is damaged or cut short: {exc}"
    if isinstance(exc, OSError) and exc.errno == 40:  # ELOOP
        return "symlink loop: the link points back to itself"
    return f"the file cannot be read: {exc}"


@dataclass
class ReadStats:
    files: int = 0
    skipped: int = 0  # files in folders whose extension is not an input format


def discover(sources: list[str], stats: ReadStats | None = None) -> Iterator[tuple[Path, str]]:
    """Yield (path, key) for every input file under the SOURCE arguments, in a
    stable order. Directory symlinks are followed once (loops are cut)."""
    stats = stats or ReadStats()
    for source in sources:
        root = Path(source)
        base = root.absolute().parent
        if root.is_dir():
            seen_dirs: set[str] = set()
            for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
                real = os.path.realpath(dirpath)
                if real in seen_dirs:
                    dirnames[:] = []
                    continue
                seen_dirs.add(real)
                dirnames.sort()
                for name in sorted(filenames):
                    path = Path(dirpath) / name
                    if format_of(path) is None:
                        stats.skipped += 1
                        continue
                    stats.files += 1
                    yield path, os.path.relpath(path.absolute(), base)
        else:
            # Named explicitly: even an unknown extension or a missing file is
            # reported rather than skipped.
            stats.files += 1
            yield root, os.path.relpath(root.absolute(), base)


def read_file(path: Path, key: str) -> Iterator[RawDocument]:
    fmt = format_of(path) or "unknown"
    if fmt == "unknown":
        yield RawDocument(key, str(path), None, fmt, b"",
                          "not an input format: expected .html, .htm, .txt, .json or .jsonl (optionally .gz)")
        return
    try:
        with _open(path) as fh:
            if fmt == "json":
                yield from _json_records(key, str(path), fh.read())
                return
            if fmt != "jsonl":
                yield RawDocument(key, str(path), None, fmt, fh.read())
                return
            n = 0
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                yield RawDocument(f"{key}#L{n}", str(path), n, fmt, line.rstrip(b"\r\n"))
            if n == 0:
                yield RawDocument(key, str(path), None, fmt, b"", "the JSON Lines file is empty")
    except Exception as exc:  # noqa: BLE001 - every failure becomes an error row
        yield RawDocument(key, str(path), None, fmt, b"", _error_message(exc))


def _json_records(key: str, path: str, data: bytes) -> Iterator[RawDocument]:
    """A .json file holds one record (an object) or several (an array)."""
    if data.lstrip()[:1] == b"[":
        try:
            items = json.loads(data)
        except (ValueError, RecursionError):
            items = None
        if isinstance(items, list):
            for n, item in enumerate(items, start=1):
                yield RawDocument(f"{key}#{n}", path, n, "json",
                                  json.dumps(item, ensure_ascii=False).encode("utf-8"))
            if not items:
                yield RawDocument(key, path, None, "json", data, "the JSON array is empty")
            return
    yield RawDocument(key, path, None, "json", data)


def read_sources(sources: list[str], stats: ReadStats | None = None) -> Iterator[RawDocument]:
    for path, key in discover(sources, stats):
        yield from read_file(path, key)

"""Read: turn the SOURCE arguments into a stream of raw documents.

A raw document is one input as received: a whole HTML or text file, or one
line of a JSON Lines file. Nothing is decoded or parsed here; problems that
stop a file from being read at all (permissions, symlink loops, a gzip file
cut short) become documents that carry their error, so that every input
reaches the database as an article or as an error row.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# Larger documents are refused with an error row: no news page is this big,
# and it bounds what one document can cost.
MAX_DOCUMENT_BYTES = 16_000_000

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


def _display(path: str) -> str:
    """A path as valid UTF-8 text, even when the file name is not."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def discover(sources: list[str], stats: ReadStats | None = None) -> Iterator[tuple[Path, str]]:
    """Yield (path, key) for every input file under the SOURCE arguments, in a
    stable order. The key is the path relative to the SOURCE argument's
    parent; a file reached twice (a folder named twice) is read once, and
    two different files with the same key get their absolute paths as keys.
    Directory symlinks are followed once (loops are cut)."""
    stats = stats or ReadStats()
    seen_paths: set[str] = set()
    seen_keys: set[str] = set()

    def unique(path: Path, base: Path) -> tuple[Path, str] | None:
        absolute = os.path.abspath(path)
        if absolute in seen_paths:
            return None
        seen_paths.add(absolute)
        key = _display(os.path.relpath(absolute, base))
        if key in seen_keys:
            key = _display(absolute)
        seen_keys.add(key)
        return path, key

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
                    found = unique(path, base)
                    if found:
                        stats.files += 1
                        yield found
        else:
            # Named explicitly: even an unknown extension or a missing file is
            # reported rather than skipped.
            found = unique(root, base)
            if found:
                stats.files += 1
                yield found


def _too_large(size: int) -> str:
    return (f"the document is {size / 1e6:.0f} MB; documents over {MAX_DOCUMENT_BYTES // 1_000_000} MB "
            "are not read (no news article is that large)")


def read_file(path: Path, key: str) -> Iterator[RawDocument]:
    fmt = format_of(path) or "unknown"
    if fmt == "unknown":
        yield RawDocument(key, str(path), None, fmt, b"",
                          "not an input format: expected .html, .htm, .txt, .json or .jsonl (optionally .gz)")
        return
    try:
        if fmt != "jsonl" and path.stat().st_size > MAX_DOCUMENT_BYTES:
            yield RawDocument(key, str(path), None, fmt, b"", _too_large(path.stat().st_size))
            return
        with _open(path) as fh:
            if fmt == "jsonl":
                yield from _jsonl_records(key, str(path), fh)
                return
            data = fh.read(MAX_DOCUMENT_BYTES + 1)  # bounded, even for a gzip bomb
            if len(data) > MAX_DOCUMENT_BYTES:
                yield RawDocument(key, str(path), None, fmt, b"", _too_large(len(data)))
            elif fmt == "json":
                yield from _json_records(key, str(path), data)
            else:
                yield RawDocument(key, str(path), None, fmt, data)
    except Exception as exc:  # noqa: BLE001 - every failure becomes an error row
        yield RawDocument(key, str(path), None, fmt, b"", _error_message(exc))


def _jsonl_lines(fh) -> Iterator[bytes]:
    """Lines of a JSON Lines stream as UTF-8 bytes. A UTF-8 byte-order mark is
    dropped; UTF-16 and UTF-32 files (with a BOM, or NULs that betray UTF-16)
    are decoded whole, up to the size cap. A line longer than the cap is
    yielded cut, to become an error."""
    head = fh.read(4)
    wide = None
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            wide = codec
            break
    if wide is None and len(head) == 4 and (head[1] == 0 and head[3] == 0 or head[0] == 0 and head[2] == 0):
        wide = "utf-16-le" if head[1] == 0 else "utf-16-be"
    if wide:
        text = (head + fh.read(MAX_DOCUMENT_BYTES)).decode(wide, "replace")
        for line in text.split("\n"):
            yield line.encode("utf-8")
        return
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    first = True
    while True:
        line = fh.readline(MAX_DOCUMENT_BYTES + 1)
        if first:
            line, first = head + line, False
        if not line:
            return
        if len(line) > MAX_DOCUMENT_BYTES and not line.endswith(b"\n"):
            while True:  # skip the rest of an over-long line
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


def _jsonl_records(key: str, path: str, fh) -> Iterator[RawDocument]:
    records = 0
    for n, line in enumerate(_jsonl_lines(fh), start=1):
        line = line.rstrip(b"\r\n")
        if not line.strip():
            continue
        records += 1
        if len(line) > MAX_DOCUMENT_BYTES:
            yield RawDocument(f"{key}#L{n}", path, n, "jsonl", b"", _too_large(len(line)))
        else:
            yield RawDocument(f"{key}#L{n}", path, n, "jsonl", line)
    if records == 0:
        yield RawDocument(key, path, None, "jsonl", b"", "the JSON Lines file holds no records")


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

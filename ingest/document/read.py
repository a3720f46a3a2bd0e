"""Read: turn the SOURCE arguments into a stream of raw documents.

A raw document is one input as received: a whole HTML or text file, or one
line of a JSON Lines file. Nothing is decoded or parsed here; problems that
stop a file from being read at all (permissions, symlink loops, a gzip file
cut short, a named pipe, a link out of the folder) become documents that
carry their error, so that every input reaches the database as an article
or as an error row.

The folder is scraped, so not trusted: what is not a regular file is not
opened (a named pipe would block the build for ever), links that lead out
of the folder are not followed (they could publish the machine's files),
and no document is read past MAX_DOCUMENT_BYTES (a 200 MB dump or a gzip
bomb costs nothing but its error row).
"""

from __future__ import annotations

import codecs
import errno
import gzip
import hashlib
import json
import os
import stat
import zlib
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
    """The input format a file's extension names (a trailing .gz aside),
    or None when it names none."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return FORMATS.get(os.path.splitext(name)[1])


def _error_message(exc: BaseException, path: Path) -> str:
    """Why a file could not be read, in words for the person who built the corpus."""
    if isinstance(exc, PermissionError):
        return "permission denied: the user running the build may not read this file"
    if isinstance(exc, IsADirectoryError):
        return "this is a folder, not a file"
    if isinstance(exc, FileNotFoundError):
        if os.path.islink(path):
            return "a broken symbolic link: the file it points to does not exist"
        return "the file disappeared before it could be read"
    if isinstance(exc, (gzip.BadGzipFile, EOFError, zlib.error)):
        return f"the gzip file is damaged or cut short ({exc})"
    if isinstance(exc, OSError) and exc.errno == errno.ELOOP:
        return "a symbolic link loop: the link leads back to itself, so there is no file to read"
    if isinstance(exc, OSError):
        return f"the file cannot be read: {exc.strerror or exc}"
    return f"the file cannot be read: {type(exc).__name__}: {exc}"


# Why an entry that is not a regular file is not read, by its kind.
_NOT_A_FILE = (
    (stat.S_ISFIFO, "a named pipe, not a file: not read (reading it would wait for a writer forever)"),
    (stat.S_ISSOCK, "a socket, not a file: not read"),
    (stat.S_ISCHR, "a device, not a file: not read"),
    (stat.S_ISBLK, "a device, not a file: not read"),
    (stat.S_ISDIR, "this is a folder, not a file"),
)

OUTSIDE = ("a symbolic link to a {what} outside the folder being built: not followed, so that a scraped "
           "folder cannot publish other files of this machine (name the {what} itself as a source to "
           "include it)")


@dataclass
class ReadStats:
    files: int = 0
    skipped: int = 0  # files in folders whose extension is not an input format


def _display(path: str) -> str:
    """A path as valid UTF-8 text, even when the file name is not."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def discover(sources: list[str], stats: ReadStats | None = None) -> Iterator[tuple[Path, str]]:
    """Yield (path, key) for every input under the SOURCE arguments, in a
    stable order (see `entries`)."""
    for path, key, _problem in entries(sources, stats):
        yield path, key


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def entries(sources: list[str], stats: ReadStats | None = None) -> Iterator[tuple[Path, str, str | None]]:
    """Yield (path, key, problem) for every input under the SOURCE arguments,
    in a stable order. The key is the path relative to the SOURCE argument's
    parent; a file reached twice (a folder named twice) is read once, and
    two different files with the same key get their absolute paths as keys.

    Inside a folder, symbolic links are followed while they stay in it
    (folder links once: loops are cut); a link that leads out of it is an
    input with a problem, not read: a scraped folder is not trusted to say
    which files of the machine get published. So is a folder that cannot be
    listed. A SOURCE named explicitly is read wherever it is."""
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
        stats.files += 1
        return path, key

    for source in sources:
        root = Path(source)
        base = root.absolute().parent
        if not root.is_dir():
            # Named explicitly: even an unknown extension or a missing file is
            # reported rather than skipped.
            found = unique(root, base)
            if found:
                yield *found, None
            continue
        real_root = os.path.realpath(root)
        seen_dirs: set[str] = set()
        unlisted: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=unlisted.append):
            while unlisted:
                exc = unlisted.pop(0)
                found = unique(Path(exc.filename), base)
                if found:
                    yield *found, "this folder cannot be listed: " + _error_message(exc, Path(exc.filename))
            real = os.path.realpath(dirpath)
            if not _inside(real, real_root):
                dirnames[:] = []
                found = unique(Path(dirpath), base)
                if found:
                    yield *found, OUTSIDE.format(what="folder")
                continue
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
                    outside = os.path.islink(path) and not _inside(os.path.realpath(path), real_root)
                    yield *found, OUTSIDE.format(what="file") if outside else None
        for exc in unlisted:
            found = unique(Path(exc.filename), base)
            if found:
                yield *found, "this folder cannot be listed: " + _error_message(exc, Path(exc.filename))


def _too_large(size: int) -> str:
    return (f"the document is {size / 1e6:.0f} MB; documents over {MAX_DOCUMENT_BYTES // 1_000_000} MB "
            "are not read (no news article is that large)")


def _open_regular(path: Path):
    """The file opened for reading, or the reason it is not a file to read.
    Opened without blocking and checked on the open descriptor, so a named
    pipe never makes the build wait for a writer."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        return None, next((why for test, why in _NOT_A_FILE if test(mode)), "not a regular file: not read")
    return os.fdopen(fd, "rb"), None


def read_file(path: Path, key: str, problem: str | None = None) -> Iterator[RawDocument]:
    """The documents of one input: one for an HTML or text file, one per
    record of a JSON Lines or JSON array file. Never raises: a file that
    cannot be read (or `problem`, from `entries`) gives one document that
    carries the error."""
    fmt = format_of(path) or "unknown"
    if problem:
        yield RawDocument(key, str(path), None, fmt, b"", problem)
        return
    if fmt == "unknown":
        yield RawDocument(key, str(path), None, fmt, b"",
                          "not an input format: expected .html, .htm, .txt, .json or .jsonl (optionally .gz)")
        return
    try:
        raw, not_a_file = _open_regular(path)
        if not_a_file:
            yield RawDocument(key, str(path), None, fmt, b"", not_a_file)
            return
        with raw:
            size = os.fstat(raw.fileno()).st_size
            if fmt != "jsonl" and size > MAX_DOCUMENT_BYTES:
                yield RawDocument(key, str(path), None, fmt, b"", _too_large(size))
                return
            fh = gzip.GzipFile(fileobj=raw, mode="rb") if path.name.lower().endswith(".gz") else raw
            with fh:
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
        yield RawDocument(key, str(path), None, fmt, b"", _error_message(exc, path))


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
    # The head may already hold whole lines ("\n" or "{}\n" at the start).
    *whole, partial = head.split(b"\n")
    for line in whole:
        yield line + b"\n"
    while True:
        line = partial + fh.readline(MAX_DOCUMENT_BYTES + 1)
        partial = b""
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
    """Every document under the SOURCE arguments, in the order of `entries`."""
    for path, key, problem in entries(sources, stats):
        yield from read_file(path, key, problem)

"""Build: read -> analyse (in parallel) -> link and write -> rename into place."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .analyse import Analysis, analyse
from .read import RawDocument, ReadStats, discover, read_sources
from .write import Writer, temp_path_for


@dataclass
class Summary:
    documents: int
    articles: int
    errors: int
    skipped: int
    db_path: Path

    def line(self) -> str:
        skipped = ""
        if self.skipped:
            files = "file" if self.skipped == 1 else "files"
            skipped = f", {self.skipped} {files} skipped (not an input format)"
        return (f"Read {self.documents} documents: {self.articles} articles written, "
                f"{self.errors} errors{skipped} -> {self.db_path}")


def _analysed(docs: Iterable[RawDocument], workers: int, nlp: bool = True) -> Iterator[Analysis]:
    """Analyses in input order, from `workers` processes."""
    work = partial(analyse, nlp=nlp)
    if workers <= 1:
        yield from map(work, docs)
        return
    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    with ctx.Pool(workers) as pool:
        yield from pool.imap(work, docs, chunksize=4)


def build(
    sources: list[str],
    db_path: Path | str,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    nlp: bool = True,
) -> Summary:
    """Build the database at db_path from the SOURCE files and folders.
    With nlp=False, no quotes or entities (the slowest stage) are found.

    `progress` is called with the number of input bytes each document took.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temp_files(db_path)
    tmp = temp_path_for(db_path)
    stats = ReadStats()
    writer = Writer(tmp)
    try:
        for analysis in _analysed(read_sources(sources, stats), workers, nlp):
            writer.add(analysis)
            if progress:
                progress(analysis.source["size"] + 1)
        writer.finish()
        _replace_durably(tmp, db_path)
    except BaseException:
        writer.abort()
        raise
    return Summary(writer.documents, writer.articles, writer.errors, stats.skipped, db_path)


def _replace_durably(tmp: Path, target: Path) -> None:
    """Rename the finished database into place, with the data on disk first
    and the rename itself on disk after, so a crash never leaves a torn file."""
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _remove_stale_temp_files(target: Path) -> None:
    """Delete half-built databases left by builds that were killed (SIGKILL
    leaves no chance to clean up); a live build's file is left alone."""
    for path in target.parent.glob(f".{target.name}.*.building"):
        try:
            pid = int(path.name.rsplit(".", 2)[-2])
            os.kill(pid, 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except (ValueError, PermissionError):
            continue


def input_size(sources: list[str]) -> int:
    """Total bytes of the input files, for a progress bar."""
    total = 0
    for path, _key in discover(sources):
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return total

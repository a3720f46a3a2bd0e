"""Helpers shared by the benchmarks: peak memory of this process, and the
first N allsides records as a file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path


def allsides_slice(shared: Path, n: int, folder: Path) -> tuple[Path, int]:
    """The first n records of ../shared/bench/allsides.jsonl.gz as a .jsonl
    file in `folder`, and the UTF-8 bytes of their texts."""
    path = folder / f"allsides-{n}.jsonl"
    text_bytes = 0
    with gzip.open(shared / "bench" / "allsides.jsonl.gz", "rt", encoding="utf-8") as src, \
            open(path, "w", encoding="utf-8") as out:
        for i, line in enumerate(src):
            if i >= n:
                break
            out.write(line)
            text_bytes += len((json.loads(line).get("text") or "").encode("utf-8"))
    return path, text_bytes


def peak_rss() -> int:
    """This process's peak resident memory (Linux VmHWM), in bytes; 0 elsewhere."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peak_rss_reset() -> None:
    """Reset this process's peak resident memory (Linux), so the next
    reading covers only what follows."""
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")

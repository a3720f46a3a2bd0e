"""A database is built in a private file beside its target and renamed
into place only when complete: a failed or interrupted build leaves the
previous database exactly as it was.

`checkpoint` is the fault injection of the atomicity tests
(tests/test_atomic.py): with PRESS_ATLAS_PAUSE_BEFORE=<checkpoint>, the
build says so on stderr and waits there, to be killed at a known moment.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

PAUSE_ENV = "PRESS_ATLAS_PAUSE_BEFORE"


def checkpoint(name: str) -> None:
    """Return at once, unless PRESS_ATLAS_PAUSE_BEFORE names this checkpoint:
    then say so on stderr and wait for ever (to be killed)."""
    if os.environ.get(PAUSE_ENV) == name:
        print(f"press-atlas: paused before {name} ({PAUSE_ENV})", file=sys.stderr, flush=True)
        while True:
            time.sleep(3600)


def temp_path_for(target: Path) -> Path:
    """The private file a build of `target` writes: hidden, and named by
    the building process."""
    return target.with_name(f".{target.name}.{os.getpid()}.building")


def replace_durably(tmp: Path, target: Path) -> None:
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


def remove_stale_temp_files(target: Path) -> None:
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
